"""Review s27 RA findings 3 and 4 (and its side note): the dates of a historical order and of an
end-only statement.

- Finding 3 (WRONG): a MedicationRequest entered at med-rec on 2025-12-01 for fluoxetine 40 mg
  taken 2025-03-02 to 2025-08-31 (the sig's timing.repeat.boundsPeriod), reportedBoolean true,
  intent plan (h01; h03 with PHQ-9 scores), or intent order with no reportedBoolean (h02), read
  as a course of 2025-12-01 to 2025-12-01: "1 trial not adequate (fluoxetine 0 wk)". The start
  was authoredOn and the end was pushed forward to it. Now (fhir_mapping/medication_dates.py) a
  reported order, or one whose bounds ended before it was written, is the course its boundsPeriod
  states. Bounds with an end only, before the order was written (h06 reported, h07 not), give
  no start: a past course "tried before 2025-08-31, dates not recorded", never dated at the
  entry day.
- Finding 4 (WRONG): a statement with only effectivePeriod.end 2025-08-31 and dateAsserted
  2026-07-08 (h04) read as "fluoxetine (ended 2026-07-08) ... start not recorded" and
  "fluoxetine 0 wk": its dateAsserted stood in for the start and the end was pushed to it. Now a
  dateAsserted after the stated end is not read as a start: "ended 2025-08-31, start not
  recorded", and the summary says "fluoxetine start not recorded", not "0 wk". An asserted day
  on or before the end (h08, the control) still stands in for the start, as before.
- Side note: a reported order dated only by dispenseRequest.validityPeriod (h05) stays "tried
  before 2025-03-02, dates not recorded". The validity period is how long the prescription may
  be filled, not when the drug was taken: it is not read as the course.

Charts: tests/services/s27_historical_dates_charts/, the reviewer's scratch charts (US Core shaped
RxNorm MedicationRequest and MedicationStatement, LOINC PHQ-9; h06-h08 edited from them), with
the labsSI key added so every prefetch key is sent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.medication_dates import dates_of
from fhir_mapping.medication_types import ORDER, STATEMENT
from fhir_mapping.record import Trial, Verdict
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_DIR = Path(__file__).parent / "s27_historical_dates_charts"
_chart = chart_files.loader(_DIR)
_at = Evaluator(AS_OF)
NOT_ADEQUATE = "adherence-review"
REPORTED_BOUNDS = "h01_reported_plan_bounds_2025_03_to_08_entered_2025_12"
ORDER_BOUNDS = "h02_historical_order_not_reported_bounds_before_authored"
MEASURED = "h03_reported_plan_bounds_measured_phq9"
END_ONLY = "h04_statement_end_only_asserted_after_end"
VALIDITY_ONLY = "h05_reported_plan_validity_period_only"
REPORTED_END_ONLY = "h06_reported_plan_bounds_end_only_before_authored"
ORDER_END_ONLY = "h07_historical_order_bounds_end_only_before_authored"
ASSERTED_BEFORE_END = "h08_control_statement_end_only_asserted_before_end"
COURSE = (date(2025, 3, 2), date(2025, 8, 31))
ENTERED = date(2025, 12, 1)


def _fluoxetine(doc: Doc) -> tuple[dict[str, Doc], Trial]:
    cards, record = _at.by_topic_and_record(doc)
    (trial,) = [t for t in record.trials if t.ingredient == "fluoxetine"]
    return cards, trial


def _all_text(cards: dict[str, Doc]) -> str:
    return "\n".join(c["summary"] + "\n" + c["detail"] for c in cards.values())


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_send_every_prefetch_key_as_valid_r4b(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


@pytest.mark.parametrize("name", [REPORTED_BOUNDS, ORDER_BOUNDS, MEASURED])
def test_a_historical_order_is_the_course_its_bounds_state(name: str) -> None:
    cards, trial = _fluoxetine(_chart(name))
    assert (trial.start, trial.end) == COURSE
    assert trial.verdict is Verdict.ADEQUATE
    assert trial.taken_before is None and not trial.entry_dated
    text = _all_text(cards)
    assert "fluoxetine 0 wk" not in text
    assert ENTERED.isoformat() not in text  # the entry day is no day of the course
    assert "(2025-12-01): 0 weeks" not in text


def test_the_reported_course_is_still_the_patients_word_to_confirm() -> None:
    cards, trial = _fluoxetine(_chart(MEASURED))
    assert trial.patient_reported
    tms = [c for c in cards.values() if "Medication trials:" in c["detail"]]
    # Listed, not counted until a fill or prescription documents it (fix meds46).
    assert tms and all(
        "(patient-reported only): sertraline, fluoxetine" in c["detail"] for c in tms
    )


@pytest.mark.parametrize("name", [REPORTED_END_ONLY, ORDER_END_ONLY])
def test_bounds_ending_before_entry_with_no_start_are_dates_to_confirm(name: str) -> None:
    cards, trial = _fluoxetine(_chart(name))
    assert trial.taken_before == COURSE[1] and trial.entry_dated
    assert trial.verdict is not Verdict.ADEQUATE
    summary = cards[NOT_ADEQUATE]["summary"]
    assert "fluoxetine 40 mg/day tried before 2025-08-31, dates not recorded" in summary
    assert ENTERED.isoformat() not in _all_text(cards)


def test_an_end_only_statement_asserted_later_keeps_its_end_and_no_start() -> None:
    cards, trial = _fluoxetine(_chart(END_ONLY))
    assert trial.start == trial.end == COURSE[1]
    card = cards[NOT_ADEQUATE]
    assert "(fluoxetine start not recorded)" in card["summary"]
    assert "0 wk" not in card["summary"]
    assert (
        "**fluoxetine** (ended 2025-08-31): weeks at an adequate dose not known: start not"
        in card["detail"]
    )
    assert "2026-07-08" not in card["detail"]


def test_an_asserted_day_before_the_end_still_stands_in_for_the_start() -> None:
    _, trial = _fluoxetine(_chart(ASSERTED_BEFORE_END))
    assert (trial.start, trial.end) == (date(2025, 6, 1), COURSE[1])  # as before this fix


def test_a_validity_period_is_not_read_as_the_course_taken() -> None:
    cards, trial = _fluoxetine(_chart(VALIDITY_ONLY))
    assert trial.taken_before == COURSE[0] and trial.verdict is not Verdict.ADEQUATE
    summary = cards[NOT_ADEQUATE]["summary"]
    assert "fluoxetine 40 mg/day tried before 2025-03-02, dates not recorded" in summary
    assert COURSE[1].isoformat() not in _all_text(cards)


def _order(**fields: Any) -> Doc:
    return {"resourceType": "MedicationRequest", "authoredOn": "2025-12-01", **fields}


def _bounded(start: str | None, end: str) -> list[Doc]:
    period = {"end": end} if start is None else {"start": start, "end": end}
    return [{"timing": {"repeat": {"boundsPeriod": period}}}]


def test_dates_of_an_order_read_from_its_bounds_or_its_authored_day() -> None:
    past = _bounded("2025-03-02", "2025-08-31")
    assert dates_of(_order(status="completed"), ORDER, past, AS_OF)[:2] == COURSE
    assert dates_of(_order(status="active", reportedBoolean=True), ORDER, past, AS_OF)[:2] == (
        COURSE
    )
    # An active order of the practice's own with bounds before it was written (bounds copied
    # from an older order: running_to_confirm_charts rc05): from its authored day, as before.
    assert dates_of(_order(status="active"), ORDER, past, AS_OF)[:2] == (ENTERED, ENTERED)
    # A reported order's bounds with a start and no end: the course began on that start.
    begun = [{"timing": {"repeat": {"boundsPeriod": {"start": "2025-03-02"}}}}]
    assert dates_of(_order(reportedBoolean=True), ORDER, begun, AS_OF)[:2] == (COURSE[0], None)
    # A reported order's bounds are its course even when they run on after the entry day.
    later = _bounded("2025-11-01", "2026-02-01")
    assert dates_of(_order(reportedBoolean=True), ORDER, later, AS_OF)[:2] == (
        date(2025, 11, 1),
        date(2026, 2, 1),
    )
    # A prescription's own bounds starting before it was written: from its authored day, as
    # before (nearly every order).
    assert dates_of(_order(), ORDER, later, AS_OF)[:2] == (ENTERED, date(2026, 2, 1))
    end_only = _bounded(None, "2025-08-31")
    assert dates_of(_order(status="stopped"), ORDER, end_only, AS_OF)[:2] == (COURSE[1], COURSE[1])


def test_dates_of_an_end_only_statement() -> None:
    statement = {
        "resourceType": "MedicationStatement",
        "effectivePeriod": {"end": "2025-08-31"},
        "dateAsserted": "2026-07-08",
    }
    assert dates_of(statement, STATEMENT, (), AS_OF)[:2] == (COURSE[1], COURSE[1])
    statement["dateAsserted"] = "2025-08-31"  # the day it ended: a 0-day course, as before
    assert dates_of(statement, STATEMENT, (), AS_OF)[:2] == (COURSE[1], COURSE[1])
