"""Session 37 fix role49 (review K56a finding 9): an add-on that went on alone, said as counted.

Role 48 counts such a course's weeks from the day its base ended (fhir_mapping/went_on_alone.py)
but the cards still named its own start beside them: "mirtazapine 30 mg/day since 2026-08-28 (9
weeks)" (13.6 weeks from 08-28; the 9 count from 09-29), "48 days into it" beside "(4 weeks)",
and the Maudsley staging said "Augmentation 0 (not used)" of a month as an add-on. Now every line
that states the trial's start with its weeks says "alone since <day>" (Trial.alone_from): the
dose-first and running-trial lines (trial_dates.dose_since), the trials table, the payer trial
line, the packet's weeks cell, the timeline's lane and summary, the outcome note's days; and the
staging counts the add-on weeks as augmentation used in the episode (REFERENCE.md 2.1).
Charts: role48_charts (the two f_ charts fail before; the controls keep their words).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import PatientRecord
from services.packet import render_packet
from services.payer_criteria.trials import trial_line
from services.policy import Policy
from services.timeline import render_svg
from services.trial_table import trial_table
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "role48_charts"
_AS_OF = date(2026, 12, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)
_load = chart_files.loader(_FOLDER)
_NINE = "f_mirtazapine_added_0828_venlafaxine_to_0929_alone_9wk"
_FIVE = "f_mirtazapine_added_0928_venlafaxine_to_1029_alone_5wk"
_CONTROLS = (
    "c_crosstaper_1wk_mirtazapine",
    "c_mirtazapine_added_venlafaxine_running",
    "c_mirtazapine_stopped_before_venlafaxine",
    "c_mirtazapine_alone_3wk_after_venlafaxine",
    "c_mirtazapine_15mg_alone_9wk",
)


def _record(name: str) -> PatientRecord:
    doc = _load(name)
    record = evaluate_document(doc, hook=None, as_of=_AS_OF, policy=Policy()).evaluation.record
    assert record is not None
    return record


def _mirtazapine_row(record: PatientRecord) -> str:
    table = trial_table(record.trials, Policy().mapping, record)
    (row,) = [line for line in table.splitlines() if line.startswith("| mirtazapine")]
    return row


def test_nine_weeks_said_alone_since_the_day_they_count_from() -> None:
    cards = _cards(_NINE)
    detail = cards["optimize-switch-augment"]["detail"]
    assert "mirtazapine 30 mg/day alone since 2026-09-29 (9 weeks)" in detail
    assert "since 2026-08-28" not in detail
    record = _record(_NINE)
    assert "| 9 (alone since 2026-09-29) |" in _mirtazapine_row(record)
    (trial,) = [t for t in record.trials if t.ingredient == "mirtazapine"]
    assert trial.alone_from == date(2026, 9, 29) and trial.added_to == ("venlafaxine",)
    assert "2026-08-28 - ongoing (alone since 2026-09-29): failed after 9 weeks" in trial_line(
        trial
    )


def test_five_weeks_days_into_it_from_the_same_day() -> None:
    tms = _cards(_FIVE)["tms-referral"]["detail"]
    assert "mirtazapine 30 mg/day alone since 2026-10-29 (4 weeks)" in tms
    assert "taken on mirtazapine alone since 2026-10-29, 17 days into it" in tms
    assert "48 days into it" not in tms


@pytest.mark.parametrize("name", [_NINE, _FIVE])
def test_add_on_month_still_scored_as_augmentation(name: str) -> None:
    # MSM scores augmentation used in the episode (REFERENCE.md 2.1); the month beside
    # venlafaxine was one, even though the drug then became the antidepressant trial.
    assert "Augmentation 1 (used)" in _cards(name)["tms-referral"]["detail"]


@pytest.mark.parametrize(("name", "day"), [(_NINE, "29 Sep 2026"), (_FIVE, "29 Oct 2026")])
def test_packet_and_timeline_say_alone_since(name: str, day: str) -> None:
    record = _record(name)
    assert f"(alone since {day})" in render_packet(record, Policy())
    svg = render_svg(record, policy=Policy())
    assert f", alone from {day}, ongoing" in svg
    assert "(alone" in svg and f"since {day})" in svg


@pytest.mark.parametrize("name", _CONTROLS)
def test_controls_have_no_alone_words(name: str) -> None:
    record = _record(name)
    assert all(t.alone_from is None for t in record.trials)
    assert "alone since" not in _mirtazapine_row(record)
    assert "alone since" not in render_packet(record, Policy())
    for card in _cards(name).values():
        assert "alone since" not in card["detail"]


def test_true_augmentation_still_scored_once() -> None:
    detail = _cards("c_mirtazapine_added_venlafaxine_running")["tms-referral"]["detail"]
    assert "Augmentation 1 (used)" in detail
