"""Review s20 RA finding 4 (chart h3_refill_gap): duloxetine 60 mg filled 02-03, 03-05, 04-04
(supply out 05-04), then none until 07-10; PHQ-9 18, 15 (03-17), 16 (05-12), 17 (06-16) ...

Before: "1 adequate trial failed (duloxetine)" from 03-17 to 05-12 became "1 trial not adequate
(duloxetine PDC 76 %)" on 06-02 with no new data: the PDC was counted from the start to as-of, so
the month after the last fill unmade a trial that had been adequate on its supply. Now a course
adequate on its supply is judged up to the day it ran out (fhir_mapping/supply_breaks.py), and
a month on with no fill the cards say "no supply since 2025-05-04".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import OfflineResult
from services.pathway import derive_facts
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

FOLDER = Path(__file__).parent / "gap_trials_charts"
_load = chart_files.loader(FOLDER)
DATES = sorted(p.name[len("duloxetine_refill_gap_asof_") : -5] for p in FOLDER.glob("*.json"))
# Up to the day before the restart fill (2025-07-10).
BEFORE_RESTART = [d for d in DATES if d < "2025-07-10"]


def _run(day: str) -> OfflineResult:
    doc = _load(f"duloxetine_refill_gap_asof_{day}")
    return Evaluator(date.fromisoformat(day), hook="patient-view").result(doc)


def _failed(day: str) -> int:
    result = _run(day)
    return len(derive_facts(result.evaluation.record, Policy()).failed_trials)


def _summaries(day: str) -> list[str]:
    return [c["summary"] for c in _run(day).response.to_json()["cards"]]


def test_the_charts_are_valid_r4b_with_every_prefetch_key() -> None:
    for day in DATES:
        doc = _load(f"duloxetine_refill_gap_asof_{day}")
        assert {"patient", "medicationRequests", "medicationDispenses", "observations"} <= set(
            doc["prefetch"]
        )
        assert {"encounters", "labsSI"} <= set(doc["prefetch"])
        for resource in chart_files.prefetch_resources(doc):
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def test_the_failed_count_never_drops_before_the_restart() -> None:
    counts = [_failed(day) for day in BEFORE_RESTART]
    assert counts[0] == 0 and counts[1] == 1  # adequate (6 weeks) and failed from 03-17
    assert all(b >= a for a, b in zip(counts, counts[1:], strict=False)), counts


def test_the_failed_count_never_drops_over_the_whole_history() -> None:
    # Session 21 G (fhir_mapping/verdict_before_gap.py): the failure before the 67-day gap stands
    # once the supply is taken up again. Before: 1 up to 2025-07-09, then 0 ("1 trial not
    # adequate (duloxetine PDC 58 %)").
    counts = [_failed(day) for day in DATES]
    assert all(b >= a for a, b in zip(counts, counts[1:], strict=False)), counts


def test_a_month_after_the_last_fill_the_failure_still_stands() -> None:
    # Before: "1 trial not adequate (duloxetine PDC 76 %): review dose and adherence ...".
    summaries = _summaries("2025-06-02")
    assert any(s.startswith("1 adequate trial failed (duloxetine)") for s in summaries)
    assert not any("not adequate" in s for s in summaries)


def test_no_supply_since_is_named_once_the_grace_has_passed() -> None:
    # 2025-06-02 is 29 days after the supply ran out (supply_gap_days 30): not named yet.
    assert not any("no supply since" in s for s in _summaries("2025-06-02"))
    summaries = _summaries("2025-06-16")
    # One card leads (services/rules/supply_ran_out_hold.py): the no-supply fact, then the count
    # as counted up to the day it ran out, and the last PHQ-9.
    assert summaries[0] == (
        "duloxetine: no supply since 2025-05-04 (43 days): confirm it is still taken; 1 adequate "
        "trial failed, last PHQ-9 17 on 2025-06-16"
    )
    # No raise of a drug possibly not taken.
    assert not any("raise duloxetine" in s for s in summaries)


def _cards(doc: dict, day: date) -> list[dict]:  # type: ignore[type-arg]
    return Evaluator(day, hook="patient-view").cards(doc)


def _orders_a_drug(card: dict) -> bool:  # type: ignore[type-arg]
    return any(
        (action.get("resource") or {}).get("resourceType") == "MedicationRequest"
        for suggestion in card.get("suggestions", [])
        for action in suggestion.get("actions", [])
    )


@pytest.mark.parametrize("day", ["2025-06-16", "2025-07-09"])
def test_while_the_supply_is_out_one_card_leads_and_nothing_assumes_the_drug_taken(
    day: str,
) -> None:
    # Before: the no-supply card, "1 adequate trial failed (duloxetine): ... switch or augment"
    # with the adjuncts one click, and "On duloxetine since ...: repeat the PHQ-9" beside
    # "confirm whether it is still taken".
    cards = _cards(_load(f"duloxetine_refill_gap_asof_{day}"), date.fromisoformat(day))
    summaries = [c["summary"] for c in cards]
    assert summaries[0].startswith("duloxetine: no supply since 2025-05-04")
    assert "1 adequate trial failed" in summaries[0]
    assert not any(s.startswith("On duloxetine") for s in summaries)
    assert not any(_orders_a_drug(c) for c in cards)
    # The optimise card folded into it: its step said there, as text.
    assert "**Next step once duloxetine is confirmed taken**" in cards[0]["detail"]
    # Psychotherapy does not assume the drug is taken: it stays.
    assert any("consider a CBT or IPT referral" in s for s in summaries)
    assert len(cards) == 2, summaries


def test_before_the_grace_the_optimise_card_speaks_as_before() -> None:
    cards = _cards(_load("duloxetine_refill_gap_asof_2025-06-02"), date(2025, 6, 2))
    assert cards[0]["summary"].startswith("1 adequate trial failed (duloxetine): raise duloxetine")
    assert any(_orders_a_drug(c) for c in cards)


_FIXTURES = Path(__file__).parents[1] / "fixtures" / "patients"
_READING20 = chart_files.loader(Path(__file__).parent / "reading20_charts")


def test_an_unmet_tms_card_is_held_and_the_count_is_on_the_no_supply_card() -> None:
    # Mirtazapine 30 mg filled to 2025-06-21, order open; escitalopram failed before it. Before:
    # the no-supply card, the optimise card, "2 adequate trials failed ...: consider TMS
    # referral; payer criteria not yet met" (an 18-month-old PHQ-9) and the TSH card.
    doc = chart_files.loader(_FIXTURES)("medication_reference.request")
    cards = _cards(doc, date(2026, 12, 1))
    topics = [c["summary"] for c in cards]
    assert topics[0].startswith("mirtazapine: no supply since 2025-06-21")
    assert "2 adequate trials failed" in topics[0]
    assert not any("TMS" in s for s in topics)
    # A lab check is never held.
    assert any(s.startswith("No TSH in 365 days") for s in topics)


def test_a_safety_card_is_never_held() -> None:
    # Escitalopram's supply ran out with an MAOI statement active: the MAOI card stays first.
    doc = _READING20("u01_phenelzine_statement_active_on_escitalopram")
    summaries = [c["summary"] for c in _cards(doc, date(2026, 12, 1))]
    # Each drug as its line and table say it (review s23 RPC): listed, possibly running.
    assert summaries[0].startswith("Phenelzine (MAOI) listed, escitalopram possibly running")
    assert any("escitalopram: no supply since" in s for s in summaries)
