"""Courses from medication-list statements only, whoever entered them (branch statementraise:
the leftover of review s27 RA finding 2).

Trial.statement_only (a MedicationStatement from a Practitioner, with no informationSource, or an
outside organisation's) already read "medication list only" on the cards, the packet and the
timeline, but the rules that hold a raise keyed only on Trial.patient_reported. So sertraline
50 mg/day on a clinician's running statement, PHQ-9 20 -> 13 (a partial response), got a
one-click "Raise sertraline to 100 mg/day (dose first)" the same course on the patient's word
did not (s01, s02 against s03). Now Trial.report_only (patient_reported or statement_only) is
read wherever the patient's report was:

- the dose-first step (optimize/dose_first.py) skips the course, as the patient's: the card
  goes to the adjunct first, as it does for s03 (s01, s02);
- the raise hold (optimize/room.py report_hold) says "Its dose is on the medication list only
  (no order or fill on record): confirm it before raising" on the optimise-toward-remission
  line (s09);
- a course below its range (sertraline 25 mg/day) is raised as text only, never one click,
  whoever reported it (orders.raise_dose_suggestion; s05, s06: both were one click before, the
  patient's too; the safer reading: no one-click raise of a dose no fill shows dispensed);
- a PHQ-9 on or after the statement's stated start is an on-treatment score, not the course's
  baseline (fhir_mapping/partial_response.baseline_on_treatment; s07, as s08 already was).

A prescribed and filled course (s04) keeps its one-click dose-first raise.

Charts: the s27 RA reviewer's generator (scratch-RA/gen.py, d03 of review16_charts shifted to
as-of 2026-12-01) with venlafaxine and its fills removed, the PHQ-9s replaced and the labsSI key
added so every prefetch key is sent; US Core MedicationStatement, RxNorm 312941 / 312940
(sertraline 50 / 25 MG Oral Tablet), LOINC PHQ-9. The patient's statements (s03, s06, s08) are
asserted on 2026-11-18, the visit of the last PHQ-9 (session 39 stmt72: they were asserted on
2026-08-05, their start; a patient's statement now counts one usual fill past its dateAsserted,
fhir_mapping/reported_window.py, and these tests compare who reported a course, not how long ago).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.explain import explain
from fhir_mapping.partial_response import baseline_on_treatment, partial_response
from fhir_mapping.record import Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_DIR = Path(__file__).parent / "s27_statement_only_charts"
_chart = chart_files.loader(_DIR)
_at = Evaluator(AS_OF)
TOPIC = "optimize-switch-augment"
PRACTITIONER = "s01_practitioner_statement_sertraline50_partial"
UNSOURCED = "s02_unsourced_statement_sertraline50_partial"
PATIENT = "s03_patient_statement_sertraline50_partial"
PRESCRIBED = "s04_control_prescribed_sertraline50_partial"
LOW_PRACTITIONER = "s05_practitioner_statement_sertraline25_below_range"
LOW_PATIENT = "s06_patient_statement_sertraline25_below_range"
ON_START_PRACTITIONER = "s07_practitioner_statement_sertraline50_baseline_on_start"
ON_START_PATIENT = "s08_patient_statement_sertraline50_baseline_on_start"
RESPONDING = "s09_practitioner_statement_sertraline50_responding"
LISTED_HOLD = (
    "Its dose is on the medication list only (no order or fill on record): confirm it before "
    "raising; not offered as a ready-to-accept order."
)
REPORTED_HOLD = (
    "Its dose is the patient's report (no order or fill on record): confirm it before "
    "raising; not offered as a ready-to-accept order."
)


def _card(name: str) -> Doc:
    return _at.by_topic(_chart(name))[TOPIC]


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions", [])]


def _sertraline(name: str) -> Trial:
    (trial,) = _at.result(_chart(name)).evaluation.record.trials
    assert trial.ingredient == "sertraline"
    return trial


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_send_every_prefetch_key_as_valid_r4b(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


@pytest.mark.parametrize(
    ("name", "patient", "listed"),
    [(PRACTITIONER, False, True), (UNSOURCED, False, True), (PATIENT, True, False)],
)
def test_which_courses_rest_on_reports_only(name: str, patient: bool, listed: bool) -> None:
    trial = _sertraline(name)
    assert (trial.patient_reported, trial.statement_only) == (patient, listed)
    assert trial.report_only
    assert not _sertraline(PRESCRIBED).report_only


@pytest.mark.parametrize("name", [PRACTITIONER, UNSOURCED])
def test_a_listed_partial_response_gets_no_one_click_dose_first(name: str) -> None:
    card = _card(name)
    assert card["summary"] == (
        "1 adequate trial with partial response only (sertraline, 35 %), medication list only: "
        "add an adjunct to sertraline first (CANMAT para 190)"
    )
    assert "**Dose first:**" not in card["detail"]
    assert not [x for x in _labels(card) if x.startswith("Raise sertraline")]
    # The same card as the patient's report of the course, but for how the course is marked.
    reported = _card(PATIENT)
    assert reported["summary"] == card["summary"].replace("medication list only", "self-reported")
    assert _labels(reported) == _labels(card)


def test_a_prescribed_and_filled_course_keeps_its_dose_first_raise() -> None:
    card = _card(PRESCRIBED)
    assert "raise sertraline 50 → 100 mg/day first" in card["summary"]
    assert "**Dose first:**" in card["detail"]
    assert "Raise sertraline to 100 mg/day (dose first, CANMAT 2023 para 187)" in _labels(card)


@pytest.mark.parametrize(
    ("name", "hold"), [(LOW_PRACTITIONER, LISTED_HOLD), (LOW_PATIENT, REPORTED_HOLD)]
)
def test_a_reported_dose_below_range_is_raised_as_text_only(name: str, hold: str) -> None:
    card = _card(name)
    assert card["summary"].startswith("Sertraline 25 mg/day is below the adequate range (50-200)")
    (dose,) = [x for x in card["detail"].split("\n\n") if x.startswith("**Dose:**")]
    assert dose.endswith(hold)
    assert not [x for x in _labels(card) if x.startswith("Raise sertraline")]


def test_a_listed_responding_course_says_its_dose_is_to_confirm() -> None:
    card = _card(RESPONDING)
    (line,) = [x for x in card["detail"].split("\n\n") if x.startswith("**Optimise toward")]
    assert line.endswith(f"repeat the PHQ-9 after the change. {LISTED_HOLD}")
    assert not _labels(card)


@pytest.mark.parametrize("name", [ON_START_PRACTITIONER, ON_START_PATIENT])
def test_a_score_on_the_statements_start_is_no_baseline(name: str) -> None:
    trial = _sertraline(name)
    assert trial.baseline is not None and trial.baseline.date == trial.start
    assert baseline_on_treatment(trial)
    assert partial_response(trial) is None
    record = _at.result(_chart(name)).evaluation.record
    assert "outcome: 35 % drop from an on-treatment score, no remission" in explain(record)
    summary = _card(name)["summary"]
    assert summary.startswith("1 adequate trial failed (sertraline), ")
    assert "partial response" not in summary
    # A score before the stated start stays the course's baseline (s01: partial response).
    assert partial_response(_sertraline(PRACTITIONER)) == pytest.approx(35.0)
