"""Review s20 RA findings 1, 2 and 9: which record sets today's dose, a dose stopped for an
adverse effect is not proposed again, and a sig's stated strength is read.

- Finding 2 (h1 2025-03-03, h7 2025-01-20 and 2025-05-12): a dose change ordered and dispensed
  on the as-of day was ignored (the covered time ends at as-of, so the change cut no segment):
  "raise sertraline 100 -> 150" on the day 150 was started, "citalopram 10 mg/day is below the
  adequate range" on the day 20 was ordered, "mirtazapine 15 mg/day ... below 30" on the day 30
  was ordered. Today's dose is now the one written today (dose_timeline.with_todays_dose).
- Finding 1 (h4 2025-07-14, 07-21): sertraline 150 mg stopped with statusReason "Adverse effect:
  GI upset and insomnia" and 100 mg ordered the same day read "150 mg/day ... raise to 200", a
  week later "raise to 150". The stopped dose is now read (dose_not_tolerated.py) and the raise
  stops below it (optimize/room.py), saying "150 mg/day stopped 2025-07-14 for adverse effect:
  not proposed again".
- Finding 9 (h1 2025-09-15): aripiprazole coded at the ingredient level (RxNorm 89013), sig "Take
  1 tablet (5 mg) by mouth daily", read "aripiprazole unknown mg/day". The sig's strength is read
  when unambiguous (sig_strength.py); a dose not read is said so ("dose not read").

Charts: tests/services/current_dose_charts/ (the review's own dated requests, US Core shaped,
every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import OfflineResult
from fhir_mapping.dose import daily_dose_mg
from services.order_doses import dose_text
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.helpers import drug_orders as _drug_orders

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"

_chart = chart_files.loader(Path(__file__).parent / "current_dose_charts")


def _run(name: str, as_of: date, doc: Doc | None = None) -> OfflineResult:
    return Evaluator(as_of, hook="patient-view").result(doc or _chart(name))


def _cards(name: str, as_of: date, doc: Doc | None = None) -> dict[str, Doc]:
    return Evaluator(as_of, hook="patient-view").by_topic(doc or _chart(name))


def _trial(name: str, as_of: date, ingredient: str, doc: Doc | None = None) -> Any:
    record = _run(name, as_of, doc).evaluation.record
    return next(t for t in record.trials if t.ingredient == ingredient)


# --- finding 2: a dose written on the as-of day is today's dose ----------------------------


def test_raise_ordered_today_is_todays_dose() -> None:
    as_of = date(2025, 3, 3)
    trial = _trial("raised_on_day_sertraline", as_of, "sertraline")
    assert trial.current_mg_per_day == 150
    assert trial.segments[-1].start == as_of == trial.segments[-1].end
    # The weeks at an adequate dose are the days before today's change: none is added by it.
    assert trial.segments[-2].mg_per_day == 100
    card = _cards("raised_on_day_sertraline", as_of)[OPTIMISE]
    assert "100 → 150" not in card["summary"]
    assert "raise sertraline 100" not in card["detail"]
    # With the reassessment window after a raise (services/dose_raises.py), the card waits
    # instead of proposing the next step: it names today's raise and the date to reassess.
    assert "raised to 150 mg/day on 2025-03-03" in card["summary"]
    assert "reassess from 2025-03-31" in card["summary"]
    assert "150 → 200" not in card["summary"]


def test_citalopram_raised_today_is_not_below_range() -> None:
    as_of = date(2025, 1, 20)
    assert _trial("raised_on_day_citalopram_older", as_of, "citalopram").current_mg_per_day == 20
    cards = _cards("raised_on_day_citalopram_older", as_of)
    assert not any("below the adequate range" in c["summary"] for c in cards.values())


def test_mirtazapine_adjunct_raised_today_is_not_below_its_dose() -> None:
    as_of = date(2025, 5, 12)
    assert (
        _trial("raised_on_day_mirtazapine_adjunct", as_of, "mirtazapine").current_mg_per_day == 30
    )
    cards = _cards("raised_on_day_mirtazapine_adjunct", as_of)
    assert not any("Mirtazapine 15 mg/day" in c["summary"] for c in cards.values())


def test_order_ending_today_is_not_todays_dose_when_another_starts() -> None:
    as_of = date(2025, 7, 14)
    trial = _trial("lowered_for_reaction_on_day", as_of, "sertraline")
    assert trial.current_mg_per_day == 100
    assert [s.mg_per_day for s in trial.segments] == [50, 100, 150, 100]


def test_a_day_later_the_timeline_is_unchanged() -> None:
    """The next day the new dose has a segment of its own, as before the fix."""
    as_of = date(2025, 3, 4)
    trial = _trial("raised_on_day_sertraline", as_of, "sertraline")
    assert trial.segments[-1].start == date(2025, 3, 3)
    assert trial.segments[-1].end == as_of
    assert trial.segments[-1].mg_per_day == 150


# --- finding 1: a dose stopped for an adverse effect is not proposed again ------------------

STOPPED = "150 mg/day stopped 2025-07-14 for adverse effect: not proposed again"


@pytest.mark.parametrize(
    ("name", "as_of"),
    [
        ("lowered_for_reaction_on_day", date(2025, 7, 14)),
        ("lowered_for_reaction_week_after", date(2025, 7, 21)),
    ],
)
def test_dose_stopped_for_reaction_is_not_proposed(name: str, as_of: date) -> None:
    trial = _trial(name, as_of, "sertraline")
    assert [d.mg_per_day for d in trial.doses_not_tolerated] == [150]
    card = _cards(name, as_of)[OPTIMISE]
    detail = card["detail"]
    assert "to 150 mg/day" not in detail and "to 200 mg/day" not in detail
    assert "100 mg/day since 2025-07-14" in detail
    assert STOPPED in detail
    assert "hold at 100 mg/day" in detail
    assert not any(label.startswith("Raise sertraline") for label in _drug_orders(card))
    assert "raise sertraline" not in card["summary"]


def _stop_reason_moved_to_new_order(doc: Doc) -> Doc:
    """The chart with the stop reason off the 150 mg order and written instead as the reason of
    the 100 mg order that replaces it (rule 2 of dose_not_tolerated.py)."""
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        resource = entry["resource"]
        if resource.pop("statusReason", None) is not None:
            continue
        if resource["status"] == "active":
            resource["reasonCode"] = [{"text": "Dose reduced: adverse effect (GI upset)"}]
    return doc


def test_lower_dose_ordered_for_a_reaction_caps_the_raise() -> None:
    as_of = date(2025, 7, 21)
    doc = _stop_reason_moved_to_new_order(_chart("lowered_for_reaction_week_after"))
    trial = _trial("", as_of, "sertraline", doc)
    assert [d.mg_per_day for d in trial.doses_not_tolerated] == [150]
    detail = _cards(
        "", as_of, _stop_reason_moved_to_new_order(_chart("lowered_for_reaction_week_after"))
    )[OPTIMISE]["detail"]
    assert "to 150 mg/day" not in detail
    assert "150 mg/day stopped 2025-07-14 for adverse effect" in detail


def test_a_lower_step_below_the_stopped_dose_is_still_offered() -> None:
    """On 50 mg with 150 stopped for a reaction, the raise goes to 100 and no further."""
    as_of = date(2025, 7, 21)
    doc = _chart("lowered_for_reaction_week_after")
    for entry in (
        doc["prefetch"]["medicationRequests"]["entry"]
        + doc["prefetch"]["medicationDispenses"]["entry"]
    ):
        resource = entry["resource"]
        if resource["authoredOn" if "authoredOn" in resource else "whenHandedOver"] >= "2025-07-14":
            concept = resource["medicationCodeableConcept"]
            concept["coding"][0].update(code="312941", display="sertraline 50 MG Oral Tablet")
            concept["text"] = "sertraline 50 MG Oral Tablet"
            for line in resource["dosageInstruction"]:
                line["text"] = "Take 1 tablet (50 mg) by mouth daily"
    assert _trial("", as_of, "sertraline", doc).current_mg_per_day == 50
    detail = _cards("", as_of, doc)[OPTIMISE]["detail"]
    assert "range here up to 100 mg/day (below " + STOPPED in detail
    assert "to 150 mg/day" not in detail


# --- finding 9: a strength the sig states ---------------------------------------------------


def test_aripiprazole_dose_read_from_sig() -> None:
    as_of = date(2025, 9, 15)
    trial = _trial("aripiprazole_ingredient_sig_strength", as_of, "aripiprazole")
    assert trial.current_mg_per_day == 5
    detail = _cards("aripiprazole_ingredient_sig_strength", as_of)[OPTIMISE]["detail"]
    assert "aripiprazole 5 mg/day" in detail
    assert "unknown mg/day" not in detail


_ONE_TABLET = {
    "doseAndRate": [{"doseQuantity": {"value": 1, "unit": "tablet", "code": "{tbl}"}}],
    "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
}


@pytest.mark.parametrize(
    ("text", "mg"),
    [
        ("Take 1 tablet (5 mg) by mouth daily", 5.0),
        ("Take 1 tablet (2.5 mg total) by mouth daily", 2.5),
        # Ambiguous or silent: not read.
        ("Take 1 tablet by mouth daily", None),
        ("5 mg tablet: take 1 daily", None),
        ("Take 1 tablet (5 mg) or 2 tablets (10 mg) daily", None),
        ("Take 2 tablets (10 mg total) by mouth daily", None),  # the structure says 1 tablet
    ],
)
def test_sig_strength_only_when_unambiguous(text: str, mg: float | None) -> None:
    assert daily_dose_mg([{**_ONE_TABLET, "text": text}]) == mg


def test_product_strength_still_decides() -> None:
    line = {**_ONE_TABLET, "text": "Take 1 tablet (5 mg) by mouth daily"}
    assert daily_dose_mg([line], strength_mg=10) == 10


def test_dose_not_read_is_said_so() -> None:
    assert dose_text(None, None) == "dose not read"
    assert dose_text(150, None) == "150 mg/day"
