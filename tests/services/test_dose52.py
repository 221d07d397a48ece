"""Session 34 fix dose52 (review K38b finding 4): a titration up written in one sig is read as
dated dose steps, as a taper down written so already was. The charts in dose52_charts/ (all 19
prefetch keys) are built from the reviewer's chart 10 (neg37_charts/e_Hx_SI_Plan_none.json
with trial 1, sertraline 2026-04-10 -> 2026-07-31, the shape under test; trial 2 venlafaxine XR
ongoing), as of 2026-12-01; 14_taper_one_sig is the reviewer's taper control.

Before the fix (f6325d29): "Take 1/2 tablet daily for 7 days, then 1 tablet daily for 7 days, then
2 tablets daily" of sertraline 50 mg read as its last step, 100 mg/day from 2026-04-10, 16.0
weeks at an adequate dose (15.0 on the record). Of 25 mg tablets, ordered to 2026-05-29 (2 weeks
of titration, then 5 weeks at 50 mg/day, the adequate minimum), it read 50 mg/day for 7 weeks: an
adequate trial where the record shows 5 weeks at an adequate dose. The same steps written as
dosage lines in sequence (boundsDuration, boundsPeriod) were already read as steps.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.dose_sig import Taper, TaperStep
from fhir_mapping.sig_steps import titration_steps
from fhir_mapping.trial import Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

TMS = "tms-referral"
_chart = chart_files.loader(Path(__file__).parent / "dose52_charts")
_at = Evaluator(date(2026, 12, 1))
_STEPS = [("2026-04-10", 25.0), ("2026-04-17", 50.0), ("2026-04-24", 100.0)]


def _read(name: str) -> tuple[dict[str, Any], Trial]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    cards, record = _at.by_topic_and_record(doc)
    (trial,) = [t for t in record.trials if t.ingredient == "sertraline"]
    return cards, trial


def _doses(trial: Trial) -> list[tuple[str, float | None]]:
    return [(s.start.isoformat(), s.mg_per_day) for s in trial.segments]


@pytest.mark.parametrize(
    "name",
    [
        "10_titration_one_sig",  # the finding: text and patientInstruction
        "t_patient_instruction_only",  # the sig in patientInstruction alone
        "t_mass_weeks",  # "25 mg daily x 1 week, then 50 mg daily x 1 week, then 100 mg daily"
        "s_sequenced_bounds_duration",  # already right: lines in sequence, boundsDuration 7 d
        "s_sequenced_bounds_period",  # already right: lines in sequence, boundsPeriod
    ],
)
def test_a_titration_in_one_sig_is_read_as_dated_steps(name: str) -> None:
    _, trial = _read(name)
    assert _doses(trial) == _STEPS, _doses(trial)
    # The adequate-dose clock starts with the step reaching 50 mg/day (2026-04-17).
    weeks = (trial.end - date(2026, 4, 17)).days / 7
    assert trial.weeks_at_adequate_dose == pytest.approx(weeks, abs=0.05)
    assert trial.verdict.value == "adequate"


def test_the_reviewers_chart_has_15_weeks_and_names_its_steps() -> None:
    _, trial = _read("10_titration_one_sig")
    assert trial.weeks_at_adequate_dose == pytest.approx(15.0)
    assert any(
        "dose steps: 25 mg/day for 7 days, then 50 mg/day for 7 days, then 100 mg/day" in n
        for n in trial.notes
    ), trial.notes
    assert not any("taper to a stop" in n for n in trial.notes)


def test_two_weeks_of_titration_and_five_at_target_is_not_adequate() -> None:
    """Sertraline 25 mg: 12.5 x 7 days, 25 x 7 days, then 50 mg/day (the adequate minimum) to
    2026-05-29. Before: 50 mg/day for 7 weeks, adequate, and a TMS card counting it."""
    cards, trial = _read("a_titration_decides_adequacy")
    assert _doses(trial) == [("2026-04-10", 12.5), ("2026-04-17", 25.0), ("2026-04-24", 50.0)]
    assert trial.weeks_at_adequate_dose == pytest.approx(5.0)
    assert trial.verdict.value != "adequate"
    assert TMS not in cards  # one adequate failed trial left (venlafaxine)


def test_a_taper_down_in_one_sig_reads_as_before() -> None:
    _, trial = _read("14_taper_one_sig")
    doses = _doses(trial)
    assert doses == [("2026-04-10", 150.0), ("2026-07-17", 100.0), ("2026-07-24", 50.0)], doses
    assert any("taper to a stop: 100 mg/day for 7 days, then 50 mg/day" in n for n in trial.notes)
    assert trial.weeks_at_adequate_dose == pytest.approx(14.0)


@pytest.mark.parametrize(
    ("name", "doses"),
    [
        # "..., then call the clinic if you feel worse": a "then" with no dose after it.
        ("c_then_no_dose", [("2026-04-10", 100.0)]),
        # "then increase to 2 tablets daily if tolerated": a condition, no dated step (the
        # fills raise it, as before).
        ("c_conditional", [("2026-04-10", 50.0), ("2026-05-10", 100.0)]),
        # No step says its days: when each starts is not known (its last step, as before).
        ("c_no_days", [("2026-04-10", 100.0)]),
    ],
)
def test_sigs_that_are_not_dated_steps_read_as_before(
    name: str, doses: list[tuple[str, float]]
) -> None:
    _, trial = _read(name)
    assert _doses(trial) == doses, _doses(trial)
    assert not any("dose steps" in n for n in trial.notes), trial.notes


@pytest.mark.parametrize(
    ("sig", "expected"),
    [
        (
            "Take 1/2 tablet daily for 7 days, then 1 tablet daily for 7 days, then 2 tablets daily",
            Taper((TaperStep(25.0, 7), TaperStep(50.0, 7), TaperStep(100.0, None)), False),
        ),
        # Down with no word of stopping, the last step going on: dose steps, no stop.
        (
            "Take 2 tablets daily for 7 days, then 1 tablet daily",
            Taper((TaperStep(100.0, 7), TaperStep(50.0, None)), False),
        ),
        (
            "Take 1 tablet twice daily x 2 weeks, then 2 tablets twice daily",
            Taper((TaperStep(100.0, 14), TaperStep(200.0, None)), False),
        ),
        ("Take 1 tablet daily. May increase to 2 tablets daily after 1 week", None),
        ("Take 1 tablet daily for 7 days, then titrate to 2 tablets daily", None),
        # "increase to" is a condition to dose_sig (test_titration_grace.py): as before.
        ("Take 1 tablet by mouth daily for 7 days, then increase to 2 tablets daily", None),
        ("Take 1-2 tablets daily for 7 days, then 2 tablets daily", None),  # a range
        ("Take 1 tablet daily", None),
    ],
)
def test_titration_steps(sig: str, expected: Taper | None) -> None:
    assert titration_steps(sig, 50.0) == expected
