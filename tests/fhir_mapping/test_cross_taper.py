"""Review 10 finding 11: a drug started while the previous antidepressant is tapered to a stop is
a switch (cross-taper), not an augmentation, and the taper's steps are read as dose segments.

The chart is review 10's E3 as a US EHR sends it (tests/fixtures/builders.py: US Core
MedicationRequests with RxNorm clinical drugs, a free-text taper sig beside the structured first
dose, MedicationDispenses, PHQ-9 Observations, an ICD-10-CM problem-list Condition), each resource
validated with fhir.resources R4B. Controls: the same bupropion added while venlafaxine runs on
(an augmentation), and while venlafaxine is stopped only months later.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.dose_sig import Taper, TaperStep, read_taper
from fhir_mapping.episodes import build_trials
from fhir_mapping.medications import medication_events
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord, Role, Trial
from services.pathway import derive_facts
from services.policy import Policy
from services.staging import maudsley_stage
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-taper-1"
Resource = dict[str, Any]
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
BUPROPION_150 = ("993541", "24 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet")
TAPER_SIG = "Take 75 mg daily for 7 days, then 37.5 mg daily for 7 days, then stop"
SWITCH_DAY = date(2025, 5, 19)


def course(
    drug: tuple[str, str], start: date, weeks: int, rid: str, *, end: date | None = None
) -> list[Resource]:
    """An order of 1 a day, 30 per fill, and its monthly fills; `end` its boundsPeriod end (None:
    an open `active` order filled up to as-of)."""
    last = end or AS_OF
    request = fb.medication_request(
        drug[0],
        drug[1],
        start,
        dose_value=1,
        status="completed" if end is not None and end <= AS_OF else "active",
        text="Take 1 by mouth daily",
        expected_supply_days=30,
        repeats=11,
        bounds_end=end,
        patient=P,
        id=rid,
    )
    count = max(1, -(-min(weeks * 7, (last - start).days) // 30) + (0 if end else 1))
    return [request] + [
        fb.medication_dispense(
            drug[0],
            drug[1],
            start + timedelta(days=30 * i),
            30,
            30,
            prescription=rid,
            refill=i > 0,
            patient=P,
            id=f"{rid}-fill-{i}",
        )
        for i in range(count)
        if start + timedelta(days=30 * i) <= AS_OF
    ]


def taper_order(sig: str = TAPER_SIG, *, dose: float | None = 75) -> Resource:
    return fb.medication_request(
        VENLAFAXINE_75[0],
        VENLAFAXINE_75[1],
        SWITCH_DAY,
        dose_value=dose,
        dose_unit="mg" if dose is not None else None,
        status="active",
        text=sig,
        expected_supply_days=14,
        patient=P,
        id="mr-ven-taper",
    )


def resources(venlafaxine: list[Resource]) -> list[Resource]:
    """Recurrent severe MDD; sertraline 100 mg 2024-06-03 for 17 weeks; venlafaxine XR from
    2024-09-30 as `venlafaxine` says; bupropion XL 150 mg from 2025-05-19, running."""
    out: list[Resource] = [
        fb.patient(
            id=P, given="Alex", family="Moreno", gender="female", birth_date=date(1975, 4, 12)
        ),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 5, 20),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        *course(SERTRALINE_100, date(2024, 6, 3), 17, "mr-sert", end=date(2024, 9, 30)),
        *venlafaxine,
        *course(BUPROPION_150, SWITCH_DAY, 2, "mr-bup"),
    ]
    for day, total in [
        (date(2024, 6, 3), 23),
        (date(2024, 9, 30), 21),
        (date(2025, 1, 27), 22),
        (date(2025, 5, 19), 21),
    ]:
        out += fb.phq9(day, total, item9=0, patient=P)
    for resource in out:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return out


def chart(venlafaxine: list[Resource]) -> PatientRecord:
    return build_record(resources(venlafaxine), as_of=AS_OF, patient_id=P)


def venlafaxine_then(*extra: Resource, end: date | None = SWITCH_DAY) -> list[Resource]:
    return [*course(VENLAFAXINE_150, date(2024, 9, 30), 33, "mr-ven", end=end), *extra]


def trial(record: PatientRecord, ingredient: str) -> Trial:
    return next(t for t in record.trials if t.ingredient == ingredient)


def test_a_drug_started_beside_a_taper_to_stop_is_a_switch() -> None:
    record = chart(venlafaxine_then(taper_order()))
    assert trial(record, "bupropion").role is Role.ANTIDEPRESSANT
    stage = maudsley_stage(record, derive_facts(record, Policy()))
    assert stage.augmentation.points == 0
    assert not derive_facts(record, Policy()).augmentations


def test_the_taper_steps_are_dose_segments_and_its_last_step_ends_the_course() -> None:
    venlafaxine = trial(chart(venlafaxine_then(taper_order())), "venlafaxine")
    assert [(s.start, s.end, s.mg_per_day) for s in venlafaxine.segments[-2:]] == [
        (SWITCH_DAY, date(2025, 5, 26), 75),
        (date(2025, 5, 26), date(2025, 6, 1), 37.5),
    ]
    assert venlafaxine.segments[0].mg_per_day == 150
    assert venlafaxine.end == date(2025, 6, 1)  # its last day (K65a finding 4)
    assert any("taper to a stop: 75 mg/day for 7 days, then 37.5" in n for n in venlafaxine.notes)


def test_a_taper_in_tablets_reads_its_first_step_as_the_dose() -> None:
    """No structured dose: the sig's steps in capsules of the 75 mg product. The order's dose is
    the first step (150 mg), not the step it ends on."""
    sig = "Take 2 capsules by mouth daily for 7 days, then 1 capsule daily for 7 days, then stop"
    venlafaxine = trial(chart(venlafaxine_then(taper_order(sig, dose=None))), "venlafaxine")
    assert [(s.start, s.mg_per_day) for s in venlafaxine.segments[-2:]] == [
        (date(2024, 9, 30), 150),
        (date(2025, 5, 26), 75),
    ]


def test_the_old_drug_ending_within_the_window_is_a_switch_without_a_taper_sig() -> None:
    """Venlafaxine's order ends 2 weeks after bupropion starts (no taper words): a switch."""
    record = chart(venlafaxine_then(end=SWITCH_DAY + timedelta(weeks=2)))
    assert trial(record, "bupropion").role is Role.ANTIDEPRESSANT


@pytest.mark.parametrize("end", [None, SWITCH_DAY + timedelta(weeks=5)])
def test_control_bupropion_added_to_venlafaxine_that_runs_on_is_augmentation(
    end: date | None,
) -> None:
    """Venlafaxine open to as-of, or stopped only 5 weeks after bupropion was added (past the
    4-week cross-taper window): bupropion was added on (so the tests above can fail)."""
    record = chart(venlafaxine_then(end=end))
    assert trial(record, "bupropion").role is Role.AUGMENTATION
    assert maudsley_stage(record, derive_facts(record, Policy())).augmentation.points == 1


def test_the_window_is_policy() -> None:
    """A clinic that calls only a 1-week overlap a cross-taper reads the 2-week one as an
    augmentation."""
    assert MappingPolicy().cross_taper_weeks == 4.0
    venlafaxine = venlafaxine_then(end=SWITCH_DAY + timedelta(weeks=2))
    record = chart(venlafaxine)
    narrow = build_trials(
        medication_events(resources(venlafaxine), as_of=AS_OF)[0],
        as_of=AS_OF,
        policy=MappingPolicy(cross_taper_weeks=1.0),
    )
    assert trial(record, "bupropion").role is Role.ANTIDEPRESSANT
    assert next(t for t in narrow if t.ingredient == "bupropion").role is Role.AUGMENTATION


@pytest.mark.parametrize(
    ("sig", "expected"),
    [
        (TAPER_SIG, Taper((TaperStep(75.0, 7), TaperStep(37.5, 7)))),
        (
            "Take 2 tablets twice daily x 5 days, then 1 tablet twice daily x 5 days, then "
            "discontinue",
            Taper((TaperStep(200.0, 5), TaperStep(100.0, 5))),
        ),
        ("Decrease to 1 tablet daily for 2 weeks then discontinue", Taper((TaperStep(50.0, 14),))),
        ("Taper off as directed", Taper(())),
        ("Take 1 tablet daily. Do not stop without tapering.", None),
        # Advice on stopping one day, and a taper up, are no taper to a stop (read of the diff).
        ("Take 1 tablet daily. Do not stop abruptly; taper when stopping", None),
        ("Take 1 tablet daily; wean if discontinued", None),
        ("Taper up to 150 mg over 2 weeks", None),
        ("Take 25 mg daily for 7 days, then 50 mg daily", None),
        ("Decrease to 75 mg daily", None),
    ],
)
def test_taper_sigs(sig: str, expected: Taper | None) -> None:
    assert read_taper(sig, 50.0) == expected
    if expected is not None:
        assert expected.days == (sum(s.days or 0 for s in expected.steps) or None)
