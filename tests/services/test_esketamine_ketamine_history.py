"""Esketamine and IV ketamine on record (review 7 finding 7): a course in this episode is named on
the optimise card with its dates, sessions and PHQ-9s, and the option is no longer offered
beyond medication as if untried (as for ECT, review 6 finding 7); an earlier-episode course is
one line and the option stays. Ketamine (RxNorm 6130) is read as an adjunct course, never as an
antidepressant trial. Charts are trd_meets_tms (FHIR, as of 2025-06-02, episode from
2024-10-21) with the courses added, mapped by the real mapping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from fhir_mapping.build import build_record
from fhir_mapping.record import DoseBasis, PatientRecord, Role
from services.policy import Policy
from services.rules import optimize_switch_augment
from tests.fixtures import builders as b
from tests.fixtures import scenarios
from tests.services.helpers import ctx

POLICY = Policy()
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
# Some senders write the HCPCS URI with https (the review's Epic-shaped chart does).
HCPCS_HTTPS = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
SPRAVATO = ("2119365", "esketamine 28 MG per 0.2 ML Nasal Spray [Spravato 84 MG Dose Pack]")
KETAMINE = ("6130", "ketamine hydrochloride 50 MG/ML Injectable Solution")
UNTRIED_ESKETAMINE = "esketamine nasal spray (FDA"  # how the options offer esketamine
UNTRIED_KETAMINE = "IV ketamine (off-label)"
JANUARY = date(2025, 1, 6)  # a Monday, in this episode


def twice_weekly(first: date, count: int) -> list[date]:
    """Mondays and Thursdays from `first` (a Monday)."""
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() in (0, 3):
            days.append(day)
        day += timedelta(days=1)
    return days


def chart(extra: Sequence[Any], scores: Sequence[tuple[date, int]] = ()) -> PatientRecord:
    s = scenarios.trd_meets_tms()
    resources = [*s.resources, *extra]
    for day, total in scores:
        resources += b.phq9(day, total, 0, patient=s.patient_id)
    return build_record(resources, as_of=s.as_of, patient_id=s.patient_id, policy=POLICY.mapping)


def spravato(first: date, last: date) -> dict[str, Any]:
    return b.medication_request(
        *SPRAVATO,
        first,
        84,
        "mg",
        frequency=2,
        period=1,
        period_unit="wk",
        status="completed",
        text="84 mg intranasally twice weekly under supervision (REMS)",
        bounds_end=last,
        patient=scenarios.trd_meets_tms().patient_id,
        id="mr-esketamine",
    )


def sessions(days: Sequence[date], system: str = HCPCS, code: str = "G2083") -> list[Any]:
    pid = scenarios.trd_meets_tms().patient_id
    return [
        b.procedure(
            system,
            code,
            "Esketamine, nasal self admin, incl. 2 hr post admin observation, > 56 mg",
            day,
            patient=pid,
            id=f"esk-{day.isoformat()}",
        )
        for day in days
    ]


def detail(record: PatientRecord) -> str:
    rec = optimize_switch_augment.rule(ctx(record, POLICY))
    assert rec is not None
    return rec.detail or ""


def test_the_base_chart_offers_esketamine_and_ketamine() -> None:
    # The control: with no course on record both are offered beyond medication.
    text = detail(chart([]))
    assert UNTRIED_ESKETAMINE in text and UNTRIED_KETAMINE in text


def test_a_finished_esketamine_course_is_named_and_not_offered_again() -> None:
    days = twice_weekly(JANUARY, 16)
    record = chart(
        [spravato(JANUARY, date(2025, 3, 3)), *sessions(days, HCPCS_HTTPS)],
        [(date(2024, 12, 30), 22), (date(2025, 3, 10), 20)],
    )
    text = detail(record)
    assert UNTRIED_ESKETAMINE not in text
    assert UNTRIED_KETAMINE in text  # the other option stays
    assert (
        "**Esketamine in this episode:** 2025-01-06 to 2025-03-03 (16 sessions); PHQ-9 22 "
        "(2024-12-30) -> 20 (2025-03-10), 9 % better, no response"
    ) in text


def test_esketamine_sessions_alone_are_a_course() -> None:
    # G2082 sessions with no order on record (billed by the REMS clinic only).
    record = chart(sessions(twice_weekly(JANUARY, 8), code="G2082"))
    text = detail(record)
    assert UNTRIED_ESKETAMINE not in text
    assert "**Esketamine in this episode:** 2025-01-06 to 2025-01-30 (8 sessions)" in text


def test_an_earlier_episode_esketamine_course_is_one_line_and_stays_an_option() -> None:
    first = date(2022, 3, 7)
    record = chart([spravato(first, date(2022, 5, 2)), *sessions(twice_weekly(first, 16))])
    text = detail(record)
    assert UNTRIED_ESKETAMINE in text
    assert "**Earlier course of esketamine:** 2022 (16 sessions)" in text


def test_a_ketamine_course_is_an_adjunct_course_named_and_not_offered_again() -> None:
    order = b.medication_request(
        *KETAMINE,
        date(2025, 2, 3),
        40,
        "mg",
        frequency=2,
        period=1,
        period_unit="wk",
        status="completed",
        text="0.5 mg/kg IV over 40 minutes, 6 infusions over 3 weeks",
        bounds_end=date(2025, 2, 24),
        patient=scenarios.trd_meets_tms().patient_id,
        id="mr-ketamine",
    )
    record = chart([order], [(date(2025, 1, 27), 22)])  # the chart's own: 17 on 2025-02-10
    (ketamine,) = [t for t in record.trials if t.ingredient == "ketamine"]
    # Never an antidepressant trial, never judged in mg/day.
    assert ketamine.role is Role.AUGMENTATION and not ketamine.failed
    assert ketamine not in record.antidepressant_trials()
    assert ketamine.dose_basis is DoseBasis.SESSION
    text = detail(record)
    assert UNTRIED_KETAMINE not in text
    assert UNTRIED_ESKETAMINE in text
    assert (
        "**IV ketamine in this episode:** 2025-02-03 to 2025-02-24 (infusions not counted: no "
        "ketamine session code); PHQ-9 22 (2025-01-27) -> 17 (2025-02-10), 23 % better, no "
        "response"
    ) in text
