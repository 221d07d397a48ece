"""Review s20 R3 (recheck of the session's fixes): the edges of a dose raise.

- Finding 2 (p1): sertraline raised 100 -> 150 mg/day on 2025-03-03 (PHQ-9 18), PHQ-9 22 on
  2025-03-24. The card read "raise sertraline 150 -> 200 mg/day first" with the raise one click,
  naming neither the raise nor the worsening. Now it leads with "PHQ-9 worse since (18 → 22):
  assess suicide risk, side effects and adherence" and its drug proposals wait (one click held)
  until a PHQ-9 from the reassessment day judges the raise (optimize/worse_after_raise.py).
- Finding 3 (p6): 150 mg/day stopped 2025-07-14 for "GI upset and insomnia", sertraline stopped,
  restarted in 2026 (a new course). At 100 mg/day the card proposed "raise 100 -> 150" in one
  click. A dose not tolerated now holds across the drug's courses
  (fhir_mapping/dose_not_tolerated.across_courses), and the card names it.
- Finding 7 (p2): a re-raise to 150 mg/day, the dose once stopped for side effects: the
  reassessment card names the reaction and its date.
- Finding 8 (h1 2025-06-23): on the reassessment day itself, no "2025-06-23 has passed" warning:
  an info card "reassess today".
- Finding 9 (h8 2026-02-02): a new total-only PHQ-9 holds the adjuncts (item 9 not recorded) and
  the summary "add an adjunct to escitalopram first" now says "adjuncts held".

Charts: tests/services/raise_edges20_charts/ (built by the review's histories, US Core / Epic
shaped, every prefetch key), each named for the as-of date it is read at.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import OfflineResult
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.helpers import drug_orders as _drug_orders

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"

_chart = chart_files.loader(Path(__file__).parent / "raise_edges20_charts")


def _run(name: str, as_of: date) -> OfflineResult:
    return Evaluator(as_of, hook="patient-view").result(_chart(name))


def _cards(name: str, as_of: date) -> dict[str, Doc]:
    return Evaluator(as_of, hook="patient-view").by_topic(_chart(name))


# --- finding 2: a PHQ-9 worse since the raise ---------------------------------------------------


@pytest.mark.parametrize("as_of", [date(2025, 3, 24), date(2025, 3, 28), date(2025, 3, 31)])
def test_worse_since_raise_leads_and_holds_the_raise(as_of: date) -> None:
    card = _cards("worse_after_raise_2025-03-24", as_of)[OPTIMISE]
    assert card["summary"] == (
        "Sertraline raised to 150 mg/day on 2025-03-03, PHQ-9 worse since (18 → 22): assess "
        "suicide risk, side effects and adherence"
    )
    assert card["indicator"] == "warning"
    first = card["detail"].split("\n\n")[0]
    assert first.startswith("**PHQ-9 worse since the raise:** sertraline raised from 100 mg/day")
    assert "PHQ-9 18 on 2025-03-03 -> 22 on 2025-03-24" in first
    assert "not one click until a PHQ-9 from 2025-03-31 judges the raise" in first
    assert "Raise sertraline to 200 mg/day" in first  # named, not one click
    assert _drug_orders(card) == []


def test_worse_since_raise_ends_with_a_phq9_that_judges_it() -> None:
    """A PHQ-9 on the reassessment day judges the raise: the card is the usual one again."""
    doc = _chart("worse_after_raise_2025-03-24")
    entries = doc["prefetch"]["observations"]["entry"]
    for entry in list(entries):  # the PHQ-9 of 03-24 (total and item 9) repeated on 03-31
        res = entry["resource"]
        if str(res.get("effectiveDateTime", "")).startswith("2025-03-24"):
            again = {**res, "id": f"{res['id'][:-4]}0331"}
            again["effectiveDateTime"] = "2025-03-31T09:30:00-05:00"
            again["issued"] = "2025-03-31T10:05:00-05:00"
            url = entry["fullUrl"].rsplit("/", 1)[0] + "/" + again["id"]
            entries.append({**entry, "fullUrl": url, "resource": again})
    card = Evaluator(date(2025, 3, 31), hook="patient-view").by_topic(doc)[OPTIMISE]
    assert "worse since" not in card["summary"]
    assert "Raise sertraline to 200 mg/day (dose first, CANMAT 2023 para 187)" in _drug_orders(card)


# --- finding 3: a dose stopped for an adverse effect in an earlier course ---------------------


def test_dose_stopped_in_an_earlier_course_holds_in_the_new_one() -> None:
    as_of = date(2026, 5, 18)
    record = _run("restart_after_dose_stopped_for_ae_2026-05-18", as_of).evaluation.record
    courses = [t for t in record.trials if t.ingredient == "sertraline"]
    assert len(courses) == 2 and courses[-1].ongoing
    assert [d.mg_per_day for d in courses[-1].doses_not_tolerated] == [150]
    card = _cards("restart_after_dose_stopped_for_ae_2026-05-18", as_of)[OPTIMISE]
    assert "raise sertraline" not in card["summary"]
    assert not any(label.startswith("Raise sertraline") for label in _drug_orders(card))
    assert (
        "150 mg/day stopped 2025-07-14 for adverse effect: not proposed again (Adverse effect: "
        "GI upset and insomnia)"
    ) in card["detail"]
    assert "hold at 100 mg/day" in card["detail"]


# --- finding 7: a re-raise to a dose once stopped for side effects ----------------------------


@pytest.mark.parametrize("as_of", [date(2025, 11, 3), date(2025, 11, 17)])
def test_reraise_to_a_dose_once_stopped_names_the_reaction(as_of: date) -> None:
    card = _cards("reraised_to_dose_stopped_for_ae_2025-11-03", as_of)[OPTIMISE]
    assert card["summary"] == (
        "Sertraline raised to 150 mg/day on 2025-11-03, a dose once stopped for side effects: "
        "reassess from 2025-12-01, no switch or adjunct before"
    )
    assert (
        "150 mg/day was stopped on 2025-07-14 for an adverse effect (Adverse effect: GI upset "
        "and insomnia): ask about that reaction again"
    ) in card["detail"]


# --- finding 8: the reassessment day itself -----------------------------------------------------


def test_reassess_day_itself_is_not_passed() -> None:
    card = _cards("reassess_day_itself_2025-06-23", date(2025, 6, 23))[OPTIMISE]
    assert card["indicator"] == "info"
    assert "has passed" not in card["detail"]
    assert card["summary"] == (
        "Venlafaxine raised to 225 mg/day on 2025-05-26 (2 adequate trials failed): reassess "
        "today with a PHQ-9 before switching or augmenting"
    )
    assert "today (2025-06-23) is the reassessment day" in card["detail"]


def test_the_day_after_the_reassess_day_has_passed() -> None:
    card = _cards("reassess_day_itself_2025-06-23", date(2025, 6, 24))[OPTIMISE]
    assert card["indicator"] == "warning"
    assert "2025-06-23 has passed" in card["detail"]


# --- finding 9: the adjunct hold in a partial responder's summary ------------------------------


def test_partial_response_summary_says_adjuncts_held() -> None:
    card = _cards("partial_total_only_item9_2026-02-02", date(2026, 2, 2))[OPTIMISE]
    # Held, and why: the check first, the adjunct after it (session 21 F4 item 1: "; adjuncts
    # held" alone named no reason; review s24 RN finding 10: "...first; held: ..." said both).
    assert card["summary"] == (
        "1 adequate trial with partial response only (escitalopram): ask PHQ-9 item 9 (not "
        "recorded) first, then add an adjunct to escitalopram"
    )
    assert len(card["summary"]) <= 140
    assert _drug_orders(card) == []
