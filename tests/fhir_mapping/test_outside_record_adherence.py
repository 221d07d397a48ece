"""Review 11 finding 6: an outside organisation's "continued sertraline" MedicationStatement
(Epic Care Everywhere) beside a fully filled local course. The outside prescriber's supply is
not in this pharmacy feed, so the days the statement covers beyond the last local fill are
"adherence not verified (outside record, no fills seen)": never a supply gap that contradicts
adherence (the old reading: "poor; PDC 69 %; no supply 67 days", and the trial stopped counting),
and never "verified" either. The PDC stays that of the local fills.

The chart is review 11's X2c as a US EHR sends it (tests/fixtures/builders.py: a US Core
MedicationRequest with a boundsPeriod, MedicationDispenses with daysSupply, PHQ-9 Observations,
an ICD-10-CM problem-list Condition, CPT psychotherapy Procedures); the Care Everywhere statement
carries what Epic marks an outside record with: informationSource an organisation by display,
an Epic external identifier and the meta.tag "external". Each resource is validated with
fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.medication_supply import outside_source
from fhir_mapping.record import AdherenceStatus, PatientRecord, Trial, Verdict
from services.patient_view import patient_view
from services.policy import Policy
from services.rules import adherence_review, optimize_switch_augment, tms_referral
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-outside-1"
Resource = dict[str, Any]
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
EPIC_EXTERNAL_TAG = {
    "system": "urn:oid:1.2.840.114350.1.72.3.15",
    "code": "external",
    "display": "Care Everywhere",
}
OUTSIDE_LINE = (
    "adherence not verified 2024-06-06 – 2024-08-12: outside record from Baptist Health "
    "(Care Everywhere), no fills seen (MedicationStatement/ce-sert-2)"
)


def fills(
    prefix: str, drug: tuple[str, str], first: date, count: int, order: str
) -> list[Resource]:
    return [
        fb.medication_dispense(
            drug[0],
            drug[1],
            first + timedelta(days=30 * i),
            30,
            30,
            prescription=order,
            refill=i > 0,
            patient=P,
            id=f"{prefix}-{i}",
        )
        for i in range(count)
    ]


def continuation(
    start: date = date(2024, 5, 28),
    end: date = date(2024, 8, 12),
    *,
    source: str = "care-everywhere",
) -> Resource:
    """Sertraline 100 mg daily, `start` -> `end`, completed. `source`: "care-everywhere" (Epic's
    shape: organisation by display, external tag and identifier), "organization" (a US Core
    informationSource reference to an Organization) or "patient" (a local patient report)."""
    statement = fb.medication_statement(
        SERTRALINE_100[0],
        SERTRALINE_100[1],
        start,
        end,
        status="completed",
        dose_value=100,
        dose_unit="mg",
        text="1 tab daily",
        patient=P,
        date_asserted=end,
        id="ce-sert-2",
    )
    if source == "care-everywhere":
        statement["informationSource"] = {"display": "Baptist Health (Care Everywhere)"}
        statement["identifier"] = [
            {"system": "urn:oid:1.2.840.114350.1.13.999.2.7.2.798268", "value": "ce-sert-2"}
        ]
        statement["meta"] = {**statement["meta"], "tag": [EPIC_EXTERNAL_TAG]}
    elif source == "organization":
        statement["informationSource"] = fb.reference(
            "Organization", "org-baptist", "Baptist Health"
        )
    return statement


def chart(*statements: Resource) -> PatientRecord:
    """Local sertraline 100 mg from 2024-01-08 (order to 2024-05-27, five 30-day fills: supply
    to 2024-06-05), `statements`, then local venlafaxine 150 mg from 2024-09-30 (monthly fills)."""
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Dana", family="Ortiz", gender="female", birth_date=date(1975, 4, 12)
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
        fb.medication_request(
            SERTRALINE_100[0],
            SERTRALINE_100[1],
            date(2024, 1, 8),
            status="completed",
            text="Take 1 tablet by mouth daily",
            expected_supply_days=30,
            repeats=5,
            bounds_end=date(2024, 5, 27),
            patient=P,
            id="mr-sert",
        ),
        *fills("md-sert", SERTRALINE_100, date(2024, 1, 8), 5, "mr-sert"),
        *statements,
        fb.medication_request(
            VENLAFAXINE_150[0],
            VENLAFAXINE_150[1],
            date(2024, 9, 30),
            text="Take 1 capsule by mouth daily",
            expected_supply_days=30,
            repeats=11,
            patient=P,
            id="mr-ven",
        ),
        *fills("md-ven", VENLAFAXINE_150, date(2024, 9, 30), 9, "mr-ven"),
    ]
    for day in (date(2024, 1, 8), date(2024, 4, 1), date(2024, 10, 28), date(2025, 2, 24)):
        resources.append(fb.procedure(fb.CPT, "90834", "Psychotherapy, 45 minutes", day, patient=P))
    for day, total in [
        (date(2024, 1, 8), 22),
        (date(2024, 6, 3), 23),
        (date(2024, 9, 30), 21),
        (date(2025, 1, 27), 22),
        (date(2025, 5, 19), 21),
    ]:
        resources += fb.phq9(day, total, item9=0, patient=P)
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def sertraline(record: PatientRecord) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == "sertraline"]
    return trial


def test_outside_continuation_is_unverified_not_a_supply_gap() -> None:
    trial = sertraline(chart(continuation()))
    assert trial.end == date(2024, 8, 12)  # the statement still says how long she took it
    adherence = trial.adherence
    # The local fills' PDC, as without the statement (old: POOR, PDC 0.69, 67 days no supply).
    assert adherence.pdc == 1.0
    assert not adherence.supply_gaps and not adherence.refill_gaps
    # Not verified for the outside days: neither contradicted nor verified.
    assert adherence.status is AdherenceStatus.UNVERIFIED
    # In its own field: `documented` is adherence a clinician recorded (wave 4 K1).
    assert adherence.not_verified == OUTSIDE_LINE and adherence.documented is None
    assert trial.verdict is Verdict.ADEQUATE


def test_cards_count_the_trial_and_name_the_outside_days() -> None:
    recs = {r.topic: r for r in patient_view(chart(continuation()), Policy())}
    assert adherence_review.TOPIC not in recs
    assert recs[optimize_switch_augment.TOPIC].summary.startswith(
        "2 adequate trials failed (sertraline, venlafaxine)"
    )
    detail = recs[tms_referral.TOPIC].detail
    assert "Adherence not verified by dispensing data for sertraline" in detail
    assert f"- sertraline: PDC 100 % over the local fills; {OUTSIDE_LINE}" in detail


def test_organization_information_source_is_outside() -> None:
    adherence = sertraline(chart(continuation(source="organization"))).adherence
    assert adherence.status is AdherenceStatus.UNVERIFIED
    assert adherence.not_verified is not None
    assert "outside record from Baptist Health, no fills seen" in adherence.not_verified


def test_a_local_statement_without_fills_is_unverified_as_statement_only() -> None:
    # The patient's own report kept here: not outside, but still no fills behind it.
    adherence = sertraline(chart(continuation(source="patient"))).adherence
    assert adherence.status is AdherenceStatus.UNVERIFIED
    assert adherence.pdc == 1.0 and not adherence.supply_gaps
    assert adherence.not_verified == (
        "adherence not verified 2024-06-06 – 2024-08-12: statement only, no fills seen "
        "(MedicationStatement/ce-sert-2)"
    )


def test_no_statement_control_is_verified() -> None:
    adherence = sertraline(chart()).adherence
    assert adherence.status is AdherenceStatus.VERIFIED
    assert adherence.pdc == 1.0 and adherence.not_verified is None


def test_days_with_no_record_before_the_statement_stay_a_supply_gap() -> None:
    """The outside statement begins 2024-08-05: from 2024-06-06 no record shows the drug, local
    or outside, so those 60 days stay a stretch without supply (only the statement's own days
    are unverified)."""
    trial = sertraline(chart(continuation(date(2024, 8, 5), date(2024, 10, 12))))
    adherence = trial.adherence
    assert [(g.start, g.end) for g in adherence.supply_gaps] == [
        (date(2024, 6, 6), date(2024, 8, 5))
    ]
    assert adherence.not_verified is not None
    assert adherence.not_verified.startswith("adherence not verified 2024-08-05 – 2024-10-12")


def test_a_statement_a_few_days_past_the_last_fill_changes_nothing() -> None:
    # Shorter than a supply gap (policy.supply_gap_days): the course reads as before.
    adherence = sertraline(chart(continuation(date(2024, 5, 28), date(2024, 6, 20)))).adherence
    assert adherence.status is AdherenceStatus.VERIFIED and adherence.not_verified is None


def test_outside_source_reads_only_what_marks_another_organisation() -> None:
    tagged = {"meta": {"security": [{"code": "EXTERNAL"}]}}
    assert outside_source(tagged) == "another organisation"
    assert outside_source(continuation()) == "Baptist Health (Care Everywhere)"
    # A person named as the source of a tagged record is not shown as its organisation.
    person = {
        "meta": {"tag": [EPIC_EXTERNAL_TAG]},
        "informationSource": fb.reference("Patient", P, "Dana Ortiz"),
    }
    assert outside_source(person) == "Care Everywhere"
    assert outside_source(continuation(source="patient")) is None
    clinician = {"informationSource": fb.reference("Practitioner", "pr-1", "Dr A")}
    assert outside_source(clinician) is None
