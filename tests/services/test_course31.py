"""Fix course31 (s30): session 29 leftovers in drug courses and allergies.

1. UNSAFE: a running re-challenge shorter than the rule's threshold cleared an active allergy. A
   sertraline allergy (serotonin syndrome, high criticality, recorded 2025-05-20), then a
   sertraline order active since 2026-11-20 (12 days on 2026-12-02): `_rechallenge_settles`
   counted any course "running now" as a tolerated re-challenge, so an order-sign draft of
   sertraline answered no card. allergy30's rule for a short later course (it reached the
   adequacy weeks at an adequate dose, Trial.adequate_from, or ran that long at any dose,
   MappingPolicy.min_adequate_weeks: 42 days) now holds for a running course too, its days
   counted to as-of; the card says the course runs now and how long. Control: the same course
   running 9 weeks settles the entry (no card).
2. Reading (paroxetine allergy, hives, then a 3-day escitalopram course, then an order for
   sertraline): the cards are right. No table row relates paroxetine to sertraline (no cross
   reaction, no class entry), and `documented_without_a_course` already counts only courses of
   the allergen itself, so the escitalopram course settles nothing and no card is owed on a
   sertraline draft (b1, pinned). What was wrong is the same "any later course" reading in the
   two checks that release a RELATED drug: `cross_reactive` dropped citalopram after an
   escitalopram allergy on any later citalopram course (3 days: b2), and the shared-ingredient
   order check's `_tolerated_since` took any later course of the drafted drug as tolerance. Both
   now ask `rechallenge_settles` of that course, and the cross-reaction card names the short
   course. A course of a different drug is never evidence of tolerance of the allergen: b3 (an
   escitalopram draft after that 3-day citalopram course) still says "No course of it". Control:
   10 weeks of citalopram after the escitalopram entry releases citalopram (b4).
3. An `active` order stating its supply, on a chart that carries no dispense at all, ran to
   as-of however old (rule 2b): an order of 2023-03-01 with six months authorised read as a
   venlafaxine course running in 2026-12, its scoring window open to a PHQ-9 three years on:
   "1 adequate trial failed (venlafaxine)" (c3). The lead's decision (orders32): "a card never
   claims more than the record shows". Such an order counts up to the supply it authorises
   (fhir_mapping/unfilled_order.authorised_until), then is listed as rule 2c lists an old
   statement: "never filled or renewed since: time after 2023-08-28 not counted". Controls
   that already held: c1 (fills on record, none since 2025-11-30: "no supply since", judged up
   to then), c2 (filled monthly: a failed trial), c4 (a statement of 2025-10-01: rule 2c, "time
   after 2026-10-01 not counted").
4. WRONG wording: a completed 12-day standard rTMS course (Procedure `completed`, performedPeriod
   12 days, "rTMS 10 Hz left DLPFC") read "stopped after 12 days"; it now reads "completed after
   12 days (fewer than 20 daily sessions; ...), not an adequate course" (judged the same way:
   tests/services/test_k19b2.py). A course that stopped still reads "stopped after" (pinned by
   test_device_course24.py, test_proca30.py and test_k18b.py).

Charts: tests/services/course31_charts/ (all 19 prefetch keys); the rTMS chart is k19b2's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.build import build_record
from services import tolerability
from tests.fhir_mapping import fhir_resources as fr
from tests.fixtures import builders as fb
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "course31_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_k19b2 = chart_files.loader(Path(__file__).parent / "k19b2_charts")
_day12 = Evaluator(date(2026, 12, 2))
_at = Evaluator(date(2026, 12, 1))
NOT_TOLERATED = "order-not-tolerated"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _not_tolerated(cards: list[Doc]) -> list[Doc]:
    return [c for c in cards if "not tolerated" in c["summary"]]


# --- 1: a running re-challenge shorter than the threshold -------------------------------------


def test_a_12_day_running_rechallenge_does_not_clear_the_allergy() -> None:
    cards, record = _day12.cards_and_record(_chart("a1_running_rechallenge_12_days"))
    assert "sertraline" in tolerability.held_back(record)
    (card,) = _not_tolerated(cards)
    assert card["indicator"] == "critical"
    assert "Serotonin syndrome, 2025-05-20" in card["summary"]
    assert "check before continuing it" in card["summary"]
    assert (
        "A course since 2026-11-20 runs now, 12 days so far (fewer than the 42 that would settle "
        "the entry): reconcile before proposing."
    ) in card["detail"]


def test_a_running_rechallenge_of_the_adequacy_weeks_settles_the_allergy() -> None:
    """Settled: no longer held back, and not critical. The severe entry (serotonin syndrome)
    still active is said as a warning while the re-challenge runs (s30 allergy34 item 1: an
    active severe entry is not let go in silence)."""
    cards, record = _day12.cards_and_record(_chart("a2_control_running_rechallenge_9_weeks"))
    assert "sertraline" not in tolerability.held_back(record)
    (card,) = _not_tolerated(cards)
    assert card["indicator"] == "warning"
    assert "with no reaction recorded: a severe entry stays active; reconcile it" in card["detail"]


# --- 2: a later course of a different drug, and short courses of a related one ---------------


def test_a_course_of_another_drug_is_no_tolerance_and_no_relation_is_invented() -> None:
    cards, record = _at.cards_and_record(
        _chart("b1_paroxetine_allergy_3day_escitalopram_draft_sertraline")
    )
    assert "paroxetine" in tolerability.held_back(record)  # escitalopram settles nothing
    assert "sertraline" not in tolerability.held_back(record)  # no table row relates them
    assert not _not_tolerated(cards)


def test_a_3_day_course_of_the_related_drug_does_not_release_it() -> None:
    cards = _at.cards(_chart("b2_escitalopram_allergy_3day_citalopram_draft_citalopram"))
    (card,) = _not_tolerated(cards)
    assert "citalopram contains escitalopram" in card["summary"]
    assert (
        "A course of citalopram 2025-06-01 – 2025-06-04 (3 days) after the entry is too short to "
        "show it is tolerated."
    ) in card["detail"]


def test_the_allergen_itself_is_not_settled_by_a_relative_course() -> None:
    cards = _at.cards(_chart("b3_escitalopram_allergy_3day_citalopram_draft_escitalopram"))
    (card,) = _not_tolerated(cards)
    assert card["summary"].startswith("Escitalopram was documented as not tolerated")
    assert "No course of it is on this chart." in card["detail"]


def test_ten_weeks_of_the_related_drug_release_it() -> None:
    cards, record = _at.cards_and_record(
        _chart("b4_control_escitalopram_allergy_10wk_citalopram_draft_citalopram")
    )
    assert "citalopram" not in tolerability.cross_reactive(record)
    assert not _not_tolerated(cards)


# --- 3: an order open for years on a chart with no dispense ----------------------------------


def test_an_old_order_without_a_fill_feed_is_no_failed_trial_in_2026() -> None:
    cards, record = _at.cards_and_record(_chart("c3_venlafaxine_order_of_2023_open_no_fill_feed"))
    assert not any("adequate trial failed" in c["summary"] for c in cards)
    (trial,) = record.trials  # the course still appears: it was prescribed
    assert trial.unconfirmed_order
    text = "\n".join(c["detail"] for c in cards)
    # 2023-03-01 + 180 days (one fill of 30 days, 5 repeats): the supply it authorises.
    assert "time after 2023-08-28 not counted" in text


def test_an_order_whose_fills_stopped_already_says_no_supply() -> None:
    cards = _at.cards(_chart("c1_venlafaxine_order_open_no_fill_since_2025_10"))
    assert any("no supply since 2025-11-30" in c["summary"] for c in cards)
    assert not any("adequate trial failed" in c["summary"] for c in cards)


def test_an_order_filled_monthly_still_fails() -> None:
    cards = _at.cards(_chart("c2_control_venlafaxine_filled_monthly"))
    assert any("1 adequate trial failed (venlafaxine)" in c["summary"] for c in cards)


def test_an_old_statement_keeps_rule_2c() -> None:
    cards = _at.cards(_chart("c4_venlafaxine_statement_open_since_2025_10"))
    text = "\n".join(c["detail"] for c in cards)
    assert "not confirmed since 2025-10-01: time after 2026-10-01 not counted" in text


# --- 4: a completed short standard rTMS course ------------------------------------------------


def test_a_completed_12_day_rtms_course_reads_completed() -> None:
    cards = _at.cards(_k19b2("rtms_standard_12day_completed"))
    text = "\n".join(c["summary"] + "\n" + c["detail"] for c in cards)
    assert "completed after 12 days (fewer than 20 daily sessions" in text
    assert "(earlier course 2026-09 completed after 12 days)" in text
    assert "stopped after 12 days" not in text
    assert "why it ended short of a full course is not on record" in text


# --- 3 (orders32): a renewal joins; a validityPeriod end bounds the supply ---------------------

_VENLAFAXINE = ("314277", "venlafaxine 75 MG Extended Release Oral Capsule")


def _venlafaxine_order(day: date, rid: str, validity_end: date | None = None) -> dict[str, Any]:
    order = fb.medication_request(
        *_VENLAFAXINE,
        day,
        dose_value=2,
        frequency=1,
        expected_supply_days=30,
        repeats=2,
        patient=fr.PATIENT,
        id=rid,
    )
    if validity_end is not None:
        order["dispenseRequest"]["validityPeriod"] = {
            "start": day.isoformat(),
            "end": validity_end.isoformat(),
        }
    return order


def _venlafaxine(*orders: dict[str, Any], as_of: date = date(2025, 6, 1)) -> Any:
    resources = [fr.patient(), *orders]
    fr.assert_valid(resources)
    record = build_record(resources, as_of=as_of, patient_id=fr.PATIENT)
    (trial,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    return trial


def test_a_renewal_after_the_supply_ran_out_joins_the_course_and_runs() -> None:
    """Epic sends no dispense for an e-prescribed order; a repeat order renews it. The first
    order's 90 days end 2025-04-01, the renewal of 2025-04-15 runs to as-of: one course, still
    running, not listed (the renewal is not cut short)."""
    trial = _venlafaxine(
        _venlafaxine_order(date(2025, 1, 1), "mr-1"), _venlafaxine_order(date(2025, 4, 15), "mr-2")
    )
    assert trial.start == date(2025, 1, 1)
    assert trial.ongoing
    assert trial.unconfirmed_since is None


def test_one_order_past_its_supply_may_be_running_and_a_validity_end_comes_first() -> None:
    """orders33 refinement 1: no renewal, its 90 days ran out 2025-04-01, 61 days before
    as-of: read as a filled course whose last supply ran out then (supply_breaks.py): "may be
    running", judged up to that day (Trial.supply_ran_out), not listed; a validityPeriod end
    that comes earlier (2025-03-01) is that day instead."""
    plain = _venlafaxine(_venlafaxine_order(date(2025, 1, 1), "mr-1"))
    assert plain.ongoing and not plain.listed
    assert plain.supply_ran_out == date(2025, 4, 1)
    assert plain.end == date(2025, 6, 1)
    assert plain.segments[-1].end == date(2025, 4, 1)  # weeks counted up to the supply's end
    valid = _venlafaxine(_venlafaxine_order(date(2025, 1, 1), "mr-1", date(2025, 3, 1)))
    assert valid.supply_ran_out == date(2025, 3, 1)


def test_inside_the_grace_an_unfilled_order_runs_and_a_year_on_it_is_listed() -> None:
    """As a filled course: under supply_gap_days (30) after its supply's end, no gap yet
    (running, covered to as-of); more than statement_confirmed_days (365) after it, listed."""
    grace = _venlafaxine(_venlafaxine_order(date(2025, 1, 1), "mr-1"), as_of=date(2025, 4, 20))
    assert grace.ongoing and not grace.listed and grace.supply_ran_out is None
    old = _venlafaxine(_venlafaxine_order(date(2025, 1, 1), "mr-1"), as_of=date(2026, 4, 2))
    assert old.listed and old.unconfirmed_order
    assert any("counted to 2025-04-01 (its authorised supply's end)" in n for n in old.notes)
    year = _venlafaxine(_venlafaxine_order(date(2025, 1, 1), "mr-1"), as_of=date(2026, 4, 1))
    assert not year.listed and year.supply_ran_out == date(2025, 4, 1)
