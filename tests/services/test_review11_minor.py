"""Review 11 findings 9 and 11 (minor): the TMS card names a diagnosis once; an acute ECT course
followed by continuation/maintenance sessions is named as both, and the TMS card leaves the next
step to the ECT service; a draft TMS ServiceRequest for a patient the TMS rule excludes
(psychotic features, a seizure disorder) gets a warning at order-select / order-sign.

Charts are the fixture scenarios (US Core / Synthea-shaped, as of 2025-06-02; the depression
episode from 2024-10-21) with the review's resources added as EHRs write them: ECT Procedures
(CPT 90870), an F33.42 problem-list Condition, a draft ServiceRequest for CPT 90867."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services import ect_phases
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from tests.fixtures import builders as b
from tests.fixtures import scenarios
from tests.fixtures.scenarios import Scenario

POLICY = Policy()
Resource = dict[str, Any]
TMS_EXCLUDED = "order-tms-excluded"


def validated(resources: Sequence[Resource]) -> None:
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def record_of(
    s: Scenario, extra: Sequence[Resource] = (), drafts: Sequence[Resource] = ()
) -> PatientRecord:
    validated([*extra, *drafts])
    return build_record(
        [*s.resources, *extra],
        as_of=s.as_of,
        patient_id=s.patient_id,
        policy=POLICY.mapping,
        draft_orders=list(drafts),
    )


def by_topic(recs: Sequence[Recommendation]) -> dict[str, Recommendation]:
    return {r.topic: r for r in recs}


# --- finding 11b: the TMS card names a diagnosis once ---------------------------------------------


def remission_chart() -> PatientRecord:
    """trd_meets_tms with its depression coded on the problem list as F33.42 "in full
    remission" (an Epic problem list left unchanged) while the PHQ-9 is 18: chart M4."""
    s = scenarios.trd_meets_tms()
    kept: list[Resource] = []
    for r in s.resources:
        if r["resourceType"] == "Condition" and any(
            c.get("code") == "F33.2" for c in r["code"]["coding"]
        ):
            continue
        kept.append(r)
    remission = b.condition(
        b.ICD10CM,
        "F33.42",
        "Major depressive disorder, recurrent, in full remission",
        date(2022, 6, 1),
        category="problem-list-item",
        patient=s.patient_id,
        id="cond-f3342",
    )
    validated([remission])
    return build_record(
        [*kept, remission], as_of=s.as_of, patient_id=s.patient_id, policy=POLICY.mapping
    )


def test_a_remission_code_is_named_once_on_the_tms_card() -> None:
    card = by_topic(patient_view(remission_chart(), POLICY))["tms-referral"]
    sentence = (
        "Major depressive disorder, recurrent, in full remission (F33.42, since 2022-06-01)"
        " is not a qualifying diagnosis (in remission or bipolar)"
    )
    assert card.detail.count(sentence) == 1
    assert f"**Not met** · Diagnosis: {sentence}\n" in card.detail


# --- finding 9: acute ECT then continuation/maintenance ECT ---------------------------------------


def ect_days(first: date, count: int) -> list[date]:
    """`count` sessions three times a week (Mon, Wed, Fri) from `first`, a Monday."""
    days: list[date] = []
    day = first
    while len(days) < count:
        if day.weekday() in (0, 2, 4):
            days.append(day)
        day += timedelta(days=1)
    return days


ACUTE = ect_days(date(2024, 11, 4), 9)  # 2024-11-04 .. 2024-11-22
MONTHLY = [date(2025, 1, 6) + timedelta(weeks=4 * i) for i in range(5)]  # .. 2025-04-28


def ect_chart(sessions: Sequence[date], scores: Sequence[tuple[date, int]] = ()) -> PatientRecord:
    s = scenarios.trd_meets_tms()
    extra: list[Resource] = [
        b.procedure(
            b.CPT, "90870", "Electroconvulsive therapy", day, patient=s.patient_id, id=f"ect-{day}"
        )
        for day in sessions
    ]
    for day, total in scores:
        extra += b.phq9(day, total, 0, patient=s.patient_id)
    return record_of(s, extra)


def test_acute_course_and_maintenance_sessions_are_both_named() -> None:
    # The chart's PHQ-9s: 19 on 2024-10-21 (before the acute course), 17 on 2025-02-10 and 18
    # on 2025-05-12 (on the monthly sessions); none within 30 days after the acute course.
    cards = by_topic(patient_view(ect_chart([*ACUTE, *MONTHLY]), POLICY))
    detail = cards["optimize-switch-augment"].detail
    assert (
        "**ECT in this episode:** acute course, 9 sessions, 2024-11-04 to 2024-11-22 (PHQ-9 19 "
        "on 2024-10-21 before it, none within 30 days after it); then 5 continuation/maintenance "
        "sessions about every 4 weeks, 2025-01-06 to 2025-04-28; PHQ-9 17 (2025-02-10), 18 "
        "(2025-05-12): not in remission on continuation/maintenance ECT (acute response not "
        "measured). The ECT service decides the next step, including whether TMS has a place."
    ) in detail
    # The maintenance sessions are not passed off as the course, nor ECT offered as untried.
    assert "5 sessions, 2025-01-06" not in detail
    assert "ECT (65-75 % response" not in detail
    tms = cards["tms-referral"].detail
    assert (
        "**ECT in this episode:** acute course 2024-11-04 to 2024-11-22, then 5 "
        "continuation/maintenance sessions to 2025-04-28: the ECT service decides whether TMS "
        "comes next; agree it with them before referring."
    ) in tms


def test_relapse_is_said_only_after_a_measured_response_to_the_acute_course() -> None:
    # PHQ-9 19 -> 7 a week after the acute course (63 % better), then 17 and 18 on maintenance.
    record = ect_chart([*ACUTE, *MONTHLY], [(date(2024, 11, 29), 7)])
    detail = by_topic(patient_view(record, POLICY))["optimize-switch-augment"].detail
    assert "(PHQ-9 19 (2024-10-21) -> 7 (2024-11-29), 63 % better, responded)" in detail
    assert "relapse on continuation/maintenance ECT after a response to the acute course" in detail
    assert "acute response not measured" not in detail


def test_weekly_continuation_right_after_the_acute_course_is_split_from_it() -> None:
    # One course by the 30-day grouping, but 4 weekly sessions after 9 thrice-weekly ones.
    weekly = [ACUTE[-1] + timedelta(weeks=i + 1) for i in range(4)]
    detail = by_topic(patient_view(ect_chart([*ACUTE, *weekly]), POLICY))[
        "optimize-switch-augment"
    ].detail
    assert "acute course, 9 sessions, 2024-11-04 to 2024-11-22" in detail
    assert "then 4 continuation/maintenance sessions about weekly, 2024-11-29 to 2024-12-20" in (
        detail
    )


def test_a_second_acute_course_is_not_read_as_maintenance() -> None:
    second = ect_days(date(2025, 3, 3), 8)
    assert ect_phases.split([*ACUTE, *second]) is None
    detail = by_topic(patient_view(ect_chart([*ACUTE, *second]), POLICY))[
        "optimize-switch-augment"
    ].detail
    assert "**ECT in this episode:** 8 sessions, 2025-03-03 to 2025-03-19" in detail
    assert "continuation/maintenance" not in detail


def test_an_acute_course_alone_keeps_its_line_and_the_tms_card_says_nothing_of_it() -> None:
    cards = by_topic(patient_view(ect_chart(ACUTE), POLICY))
    assert "**ECT in this episode:** 9 sessions, 2024-11-04 to 2024-11-22" in (
        cards["optimize-switch-augment"].detail
    )
    assert "ECT service decides" not in cards["tms-referral"].detail


def test_the_maintenance_spacing_comes_from_the_data_table() -> None:
    schedule = ect_phases.schedule()
    assert schedule.min_gap_days == 7
    assert schedule.status in ("confirmed", "corroborated", "UNVERIFIED") and schedule.source


# --- finding 11a: a draft TMS order with a TMS exclusion on record ------------------------------


def tms_draft(patient: str, rid: str = "d-tms") -> Resource:
    """A draft TMS order as an EHR sends it in draftOrders: CPT 90867, status draft."""
    return b.service_request(
        b.CPT,
        "90867",
        "Therapeutic repetitive transcranial magnetic stimulation (TMS) treatment; initial",
        date(2025, 6, 2),
        patient=patient,
        status="draft",
        referral=False,
        id=rid,
    )


def sertraline_draft(patient: str) -> Resource:
    return b.medication_request(
        "312941",
        "sertraline 50 MG Oral Tablet",
        date(2025, 6, 2),
        status="draft",
        patient=patient,
        id="d-sertraline",
    )


def test_a_tms_order_with_psychotic_features_on_record_gets_a_warning() -> None:
    s = scenarios.psychotic_features()
    record = record_of(s, drafts=[tms_draft(s.patient_id)])
    for hook, selections in (("order-select", ("ServiceRequest/d-tms",)), ("order-sign", ())):
        card = by_topic(order_hook(record, POLICY, hook=hook, selections=selections))[TMS_EXCLUDED]
        assert card.indicator.value == "warning"
        assert card.summary.startswith("TMS ordered with psychotic features on record")
        assert len(card.summary) <= 140
        assert "**TMS ordered** (ServiceRequest/d-tms)" in card.detail
        assert "F33.3, since 2024-10-21)" in card.detail
        assert str(card.dedupe_key).partition("#")[0] == f"ServiceRequest/d-tms:{TMS_EXCLUDED}"


def test_a_tms_order_with_epilepsy_names_the_seizure_disorder() -> None:
    s = scenarios.epilepsy_contraindication()
    record = record_of(s, drafts=[tms_draft(s.patient_id)])
    card = by_topic(order_hook(record, POLICY, hook="order-sign"))[TMS_EXCLUDED]
    assert "contraindication:" in card.detail
    assert "G40.909" in card.detail


def test_no_warning_for_an_eligible_patient_or_an_unselected_tms_draft() -> None:
    eligible = scenarios.trd_meets_tms()
    record = record_of(eligible, drafts=[tms_draft(eligible.patient_id)])
    assert TMS_EXCLUDED not in by_topic(order_hook(record, POLICY, hook="order-sign"))
    # Psychotic features, but order-select names only the sertraline draft.
    s = scenarios.psychotic_features()
    both = record_of(s, drafts=[tms_draft(s.patient_id), sertraline_draft(s.patient_id)])
    selected = order_hook(
        both, POLICY, hook="order-select", selections=("MedicationRequest/d-sertraline",)
    )
    assert TMS_EXCLUDED not in by_topic(selected)
