"""Session 37 fix role48 (review K55a finding 4): an add-on that went on alone is a switch.

Mirtazapine 30 mg added 2026-09-28 while the venlafaxine supply ran to 10-29 (past the 4-week
cross-taper window), then taken alone for five weeks, was read as augmentation ("Adjuncts already
used in this episode: mirtazapine", Maudsley augmentation 1): never a trial, no dose-first
advice. An antidepressant listed both ways whose base course ended while it went on alone, at an
antidepressant dose, for at least policy.possibly_adequate_weeks is now the antidepressant
(fhir_mapping/went_on_alone.py), its weeks counted from the base's end only: the weeks beside the
base were its augmentation, and counting them again would inflate the failed trials TMS rests on.
Controls: a short cross-taper (counted from its start, as before), mirtazapine beside venlafaxine
that keeps running, mirtazapine stopped before venlafaxine, alone only 3 weeks, alone at 15 mg.
Charts: K55a's chart builder (k45 base: sertraline, then venlafaxine 2026-07-31; PHQ-9 23 on
2026-11-15), built with a script (kept outside the repository) that sets their fills.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import Role, Trial
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "role48_charts"
_AS_OF = date(2026, 12, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)
_load = chart_files.loader(_FOLDER)
_OPTIMIZE = "optimize-switch-augment"

# Failing before (mirtazapine read as augmentation): (weeks counted alone, verdict).
SWITCHED = {
    "f_mirtazapine_added_0828_venlafaxine_to_0929_alone_9wk": "fixed",
    "f_mirtazapine_added_0928_venlafaxine_to_1029_alone_5wk": "fixed",
}
# Controls: their roles stay as they were.
KEPT = {
    "c_crosstaper_1wk_mirtazapine": "control",
    "c_mirtazapine_added_venlafaxine_running": "control",
    "c_mirtazapine_stopped_before_venlafaxine": "control",
    "c_mirtazapine_alone_3wk_after_venlafaxine": "control",
    "c_mirtazapine_15mg_alone_9wk": "control",
}


def _mirtazapine(name: str) -> Trial:
    doc = _load(name)
    record = evaluate_document(doc, hook=None, as_of=_AS_OF, policy=Policy()).evaluation.record
    assert record is not None
    (trial,) = [t for t in record.trials if t.ingredient == "mirtazapine"]
    return trial


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, SWITCHED, KEPT)


def test_alone_nine_weeks_is_a_failed_trial_raised_first() -> None:
    name = "f_mirtazapine_added_0828_venlafaxine_to_0929_alone_9wk"
    trial = _mirtazapine(name)
    assert trial.role is Role.ANTIDEPRESSANT
    # Counted from venlafaxine's end (2026-09-29), not from its own start (08-28: 13.6 weeks).
    assert trial.start == date(2026, 8, 28)
    assert trial.segments[0].start == date(2026, 9, 29)
    assert trial.weeks_at_adequate_dose == pytest.approx(9.0)
    assert any("taken alone from 2026-09-29" in n for n in trial.notes)
    cards = _cards(name)
    card = cards[_OPTIMIZE]
    assert "raise mirtazapine 30 → 45 mg/day first" in card["summary"]
    assert "Adjuncts already used in this episode: mirtazapine" not in card["detail"]
    # The staging is on the TMS card here. Role 49 (review K56a finding 9): its month beside
    # venlafaxine was an augmentation, which the MSM scores (test_role49.py).
    assert "Augmentation 1 (used)" in cards["tms-referral"]["detail"]


def test_alone_five_weeks_is_the_running_trial_not_an_adjunct() -> None:
    name = "f_mirtazapine_added_0928_venlafaxine_to_1029_alone_5wk"
    trial = _mirtazapine(name)
    assert trial.role is Role.ANTIDEPRESSANT and trial.ongoing
    # 4.7 weeks alone: possibly adequate, left to run (its 4.3 weeks beside venlafaxine are not
    # added: 9 weeks would have made it a third failed trial).
    assert trial.weeks_at_adequate_dose == pytest.approx(33 / 7)
    cards = _cards(name)
    assert _OPTIMIZE not in cards
    assert "mirtazapine" not in cards["tms-referral"]["summary"]


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("c_crosstaper_1wk_mirtazapine", Role.ANTIDEPRESSANT),
        ("c_mirtazapine_added_venlafaxine_running", Role.AUGMENTATION),
        ("c_mirtazapine_stopped_before_venlafaxine", Role.AUGMENTATION),
        ("c_mirtazapine_alone_3wk_after_venlafaxine", Role.AUGMENTATION),
        ("c_mirtazapine_15mg_alone_9wk", Role.AUGMENTATION),
    ],
)
def test_controls_keep_their_role(name: str, role: Role) -> None:
    trial = _mirtazapine(name)
    assert trial.role is role
    assert not any("taken alone from" in n for n in trial.notes)


def test_short_cross_taper_still_counted_from_its_start() -> None:
    trial = _mirtazapine("c_crosstaper_1wk_mirtazapine")
    assert trial.segments[0].start == trial.start == date(2026, 9, 22)
    assert trial.weeks_at_adequate_dose == pytest.approx(10.0)


def test_true_augmentation_still_named_as_an_adjunct() -> None:
    card = _cards("c_mirtazapine_added_venlafaxine_running")[_OPTIMIZE]
    assert "Adjuncts already used in this episode: mirtazapine" in card["detail"]
