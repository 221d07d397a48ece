"""Review K61b findings 5-7: trial verdicts the record does not support (trial73).

- Finding 5: escitalopram 20 mg stopped "Side effect: nausea and insomnia at 20 mg; dose reduced",
  then 10 mg for 16 weeks stopped "Not effective": the course was read as ended for intolerance
  ("not tolerated", "Not tolerated, never proposed: escitalopram"). A dose reduced for side
  effects is the intolerance of that dose; the course's own last stop decides
  (course_events._intolerance).
- Finding 6: aripiprazole stopped for akathisia a week after it became adequate was "failed
  (adequate)" (no failure is read from a stop for intolerance: trial_outcome.failed), and "failed
  at 5 mg/day for 7.1 wk" counted the weeks from the 2 mg start (orders._weeks_at_top).
Finding 7 (one PHQ-9 bridging a six-year gap) is left to the lead: its rule moves pinned episode
tests and many outputs (patch /tmp/trd/s39/trial73-finding7.patch).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord, Trial
from services.trial_verdict_text import verdict_text
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "trial73_charts"
_AS_OF = date(2026, 12, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)
_load = chart_files.loader(_FOLDER)
_OPTIMIZE = "optimize-switch-augment"
_TMS = "tms-referral"

FAILING_BEFORE = {
    "esc_20mg_nausea_then_10mg_not_effective": "finding 5",
    "ari_5mg_stopped_akathisia": "finding 6",
    "ari_5mg_stopped_not_effective": "finding 6 (weeks at 5 mg)",
}
CONTROLS = {
    "esc_20mg_nausea_then_10mg_nausea": "control: the last stop is for side effects",
    "esc_20mg_nausea_then_10mg_two_weeks": "control: two weeks at 10 mg, a step off",
}


def _record(name: str) -> PatientRecord:
    return Evaluator(_AS_OF).cards_and_record(_load(name))[1]


def _trial(name: str, ingredient: str) -> Trial:
    return next(t for t in _record(name).trials if t.ingredient == ingredient)


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FAILING_BEFORE, CONTROLS)


def test_dose_reduced_for_side_effects_is_no_intolerant_course() -> None:
    trial = _trial("esc_20mg_nausea_then_10mg_not_effective", "escitalopram")
    assert trial.intolerance is None
    assert trial.failed
    assert [d.mg_per_day for d in trial.doses_not_tolerated] == [20.0]
    text = verdict_text(trial, MappingPolicy())
    assert "not tolerated: Side effect" not in text
    assert "20 mg/day not tolerated (Side effect: nausea" in text
    assert "the course went on at a lower dose" in text
    assert "ended for intolerance" not in (trial.adherence.documented or "")
    detail = _cards("esc_20mg_nausea_then_10mg_not_effective")[_OPTIMIZE]["detail"]
    assert "Not tolerated, never proposed" not in detail


@pytest.mark.parametrize(
    "name", ["esc_20mg_nausea_then_10mg_nausea", "esc_20mg_nausea_then_10mg_two_weeks"]
)
def test_course_ended_for_side_effects_keeps_its_intolerance(name: str) -> None:
    trial = _trial(name, "escitalopram")
    assert trial.intolerance is not None
    assert "Not tolerated, never proposed:** escitalopram" in _cards(name)[_OPTIMIZE]["detail"]


def test_adjunct_stopped_for_akathisia_is_not_failed() -> None:
    trial = _trial("ari_5mg_stopped_akathisia", "aripiprazole")
    assert not trial.failed
    text = verdict_text(trial, MappingPolicy())
    assert not text.startswith("failed")
    assert "stopped for intolerance, no failure inferred" in text
    detail = _cards("ari_5mg_stopped_akathisia")[_OPTIMIZE]["detail"]
    assert "which failed" not in detail
    assert "akathisia on aripiprazole" in detail


def test_failed_adjunct_weeks_at_its_top_dose() -> None:
    trial = _trial("ari_5mg_stopped_not_effective", "aripiprazole")
    assert trial.failed
    detail = _cards("ari_5mg_stopped_not_effective")[_OPTIMIZE]["detail"]
    assert "which failed at 5 mg/day for 5.1 wk" in detail
