"""Review s27 RB findings 1 and 3: PHQ-9 totals that disagree with their items.

- 1: sertraline 20 -> 11 (items sum to 10) -> 6 (items sum to 5): the packet said "outcome not
  measured yet (no PHQ-9 on treatment)" and --explain "on treatment: none", while the scores
  section and the timeline listed both scores on it: a disagreeing total judged no course. Now
  the course is judged on each reading (fhir_mapping/phq9_conflict_readings.py): 20 -> 6 or 5 is
  a response either way, so it stands, and the row names both numbers. When the readings give
  different outcomes (20 -> 11 or 5) no outcome rests on the score: not measured, never an
  inferred failure, and the row names the score to check.
- 3: PHQ-9 total 22 filed with items summing to 12: the Maudsley line said "Severity 4 (severe
  without psychosis)" while the payer row read the lower 12 as not severe. The stage now scores
  the lower reading and says the form is to check (services/staging_severity.py).

Charts: tests/services/s27_phq9_disagree_charts/ (the review's probe and two variants; every
prefetch key).
"""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.phq9_conflict_readings import readings
from fhir_mapping.record import PatientRecord, Trial
from fhir_mapping.trial_parts import Score, TotalConflict
from services.packet import render_packet
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIR = Path(__file__).parent / "s27_phq9_disagree_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))

_chart = chart_files.loader(DIR)
_at = Evaluator(date(2025, 3, 26))


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _record(name: str, as_of: date = date(2025, 3, 26)) -> PatientRecord:
    return _at.result(_chart(name), as_of=as_of).evaluation.record


def _sertraline(record: PatientRecord) -> Trial:
    return next(t for t in record.trials if t.ingredient == "sertraline")


def _packet(record: PatientRecord) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", render_packet(record, Policy())))
    return " ".join(text.split())


# --- 1: both readings give one outcome: it stands -----------------------------------------------

AGREE = "sertraline_20_to_11_and_6_items_one_lower"


def test_a_total_one_point_off_its_items_still_judges_the_course_when_both_readings_agree() -> None:
    record = _record(AGREE)
    trial = _sertraline(record)
    assert trial.on_treatment is not None and trial.on_treatment.value == 6
    assert trial.on_treatment.total_conflict == TotalConflict(6, 5)
    # 20 -> 6 and 20 -> 5 are both a response without remission.
    assert trial.response is True and trial.remission is False
    assert not trial.outcome_unmeasured and not trial.failed and trial.conflicted == ()
    packet = _packet(record)
    assert "no PHQ-9 on treatment" not in packet
    assert (
        "20 (6 Jan 2025) → 6 (17 Feb 2025; total filed 6, items sum to 5: same outcome either "
        "way) adequate: response"
    ) in packet
    card = by_topic(_at.cards(_chart(AGREE)))
    details = " ".join(c.get("detail", "") for c in card.values())
    assert "20 → 6 (total filed 6, items sum to 5: same outcome either way)" in details
    assert "no PHQ-9 on treatment" not in details


# --- 1: the readings give different outcomes: no outcome is claimed -----------------------------

DISAGREE = "sertraline_20_to_11_items_5"


def test_readings_that_give_different_outcomes_judge_nothing_and_are_named() -> None:
    record = _record(DISAGREE)
    trial = _sertraline(record)
    # 20 -> 11 is no response, 20 -> 5 a response: which is right is the form's to say.
    assert trial.on_treatment is None and trial.outcome_unmeasured
    assert [(s.value, s.date) for s in trial.conflicted] == [(11, date(2025, 2, 3))]
    said = (
        "PHQ-9 11 on 2025-02-03, total filed 11, items sum to 5: each reading gives a different "
        "outcome, check the form"
    )
    assert trial.unmeasured_text == said
    assert f"adequate; outcome not measured yet ({said})" in _packet(record)


def test_a_course_whose_score_was_set_aside_is_never_an_inferred_failure() -> None:
    trial = _sertraline(_record(DISAGREE))
    ended = dataclasses.replace(trial, ongoing=False)
    assert not ended.failed and not ended.outcome_inferred
    # The same course with no score at all on treatment stays the inferred failure it was.
    plain = dataclasses.replace(ended, conflicted=())
    assert plain.failed and plain.outcome_inferred


def test_the_readings_of_a_total_are_its_filed_total_and_its_items() -> None:
    day = date(2025, 2, 3)
    assert readings(Score("PHQ-9", 11, day, total_conflict=TotalConflict(11, 5))) == (5, 11)
    # Fewer than nine answers already above the total: the sum is a floor of it.
    partial = TotalConflict(4, 18, complete=False)
    assert readings(Score("PHQ-9", 18, day, total_conflict=partial)) == (4, 18)
    assert readings(Score("PHQ-9", 9, day)) == (9,)


# --- 3: the Maudsley severity reads the lower reading -------------------------------------------

MAUDSLEY = "phq9_total22_items_sum12"


def test_the_maudsley_severity_reads_the_lower_reading_and_asks_to_check_the_form() -> None:
    cards = _at.cards(_chart(MAUDSLEY), as_of=date(2026, 12, 1))
    details = " ".join(c.get("detail", "") for c in cards)
    assert "Maudsley staging" in details
    assert "Severity 4 (severe without psychosis)" not in details
    assert "Severity 3 (moderate; PHQ-9 total filed 22, items sum to 12: check the form" in details
