"""A planned titration step is not a dose to raise (review 7 finding 11): a running dose below
its adequate range gets the optimise card's warning and one-click "raise the dose" only after
policy.below_range_grace_weeks on it, as order-select calls such a draft "fine for titration"."""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord, Verdict
from services.policy import Policy
from services.rules import optimize_switch_augment
from tests.fixtures import builders as b
from tests.services import factories as f
from tests.services.helpers import ctx

SERTRALINE_25 = ("312940", "sertraline 25 MG Oral Tablet")
SIG = "Take 1 tablet by mouth daily for 7 days, then increase to 2 tablets daily"
AS_OF = date(2025, 6, 2)
PID = "pt-titration"


def started(days_ago: int) -> PatientRecord:
    """A first episode (F32.1) on sertraline 25 mg from `days_ago` days before as-of, with the
    titration sig on the order and a 30-day fill, PHQ-9 16 at the start."""
    start = AS_OF - timedelta(days=days_ago)
    resources = [
        b.patient(
            id=PID, given="Ana", family="Reyes", gender="female", birth_date=date(1975, 2, 1)
        ),
        b.condition(
            b.ICD10CM,
            "F32.1",
            "Major depressive disorder, single episode, moderate",
            date(2025, 5, 20),
            patient=PID,
        ),
        b.medication_request(*SERTRALINE_25, start, text=SIG, repeats=1, patient=PID, id="mr-sert"),
        b.medication_dispense(*SERTRALINE_25, start, 30, 30, patient=PID, text=SIG),
        *b.phq9(start, 16, 0, patient=PID),
    ]
    return build_record(resources, as_of=AS_OF, patient_id=PID)


def test_a_first_week_titration_step_gets_no_card() -> None:
    record = started(7)
    (trial,) = record.trials
    assert trial.current_mg_per_day == 25 and trial.min_adequate_mg == 50
    assert optimize_switch_augment.rule(ctx(record)) is None


def test_a_dose_left_below_the_range_past_the_grace_is_raised() -> None:
    rec = optimize_switch_augment.rule(ctx(started(15)))
    assert rec is not None
    assert rec.summary.startswith("Sertraline 25 mg/day is below the adequate range (50-200)")
    assert [s.label for s in rec.suggestions] == ["Raise sertraline to 50 mg/day"]


def test_a_clinic_may_flag_a_sub_range_dose_at_once() -> None:
    rec = optimize_switch_augment.rule(ctx(started(7), Policy(below_range_grace_weeks=0)))
    assert rec is not None and rec.summary.startswith("Sertraline 25 mg/day is below")


def test_the_grace_counts_time_on_the_sub_range_dose_not_on_the_drug() -> None:
    # Sertraline 100 mg for 10 weeks, then 25 mg for the last 5 days (a reduction): in grace.
    low_now = f.trial(
        "sertraline",
        "SSRI",
        start=f.AS_OF - timedelta(days=75),
        doses=(100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 25),
        ongoing=True,
        verdict=Verdict.ONGOING,
        weeks_adequate=10,
    )
    assert low_now.segments[-1].mg_per_day == 25
    assert (low_now.end - low_now.segments[-1].start).days == 5
    record = f.record(trials=(low_now,))
    assert optimize_switch_augment.rule(ctx(record)) is None
    # The control: with no grace the same course gets the card.
    assert optimize_switch_augment.rule(ctx(record, Policy(below_range_grace_weeks=0))) is not None
