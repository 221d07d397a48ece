"""Review 14 M2: psychotherapy charted only as an Encounter is read as a session.

fhir_mapping/encounters.py: the code in `type` (or `serviceType`, when the type holds no CPT
code) through the psychotherapy rows of data/procedure_codes.csv; the status says whether the
visit took place (a session), is arranged (a psychotherapy referral) or neither (nothing).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B.encounter import Encounter

from fhir_mapping.build import build_record
from fhir_mapping.encounters import NOT_ATTENDED, visit_facts, wants_encounter
from fhir_mapping.record import (
    DataDomain,
    PatientRecord,
    ProcedureKind,
    ProcedureRecord,
    Referral,
    SourceRef,
)
from tests.fixtures import builders as b
from tests.services.psychotherapy_visit_charts import (
    DIAGNOSTIC_EVALUATION,
    FAMILY_WITH_PATIENT,
    PSYCHOTHERAPY_45,
    epic_visit,
    oracle_visit,
)

AS_OF = date(2025, 6, 2)
PID = "visits-patient-1"
CPT_OID = "urn:oid:2.16.840.1.113883.6.12"


def _record(*resources: dict[str, Any]) -> PatientRecord:
    patient = b.patient(
        id=PID, given="Test", family="Visits", gender="female", birth_date=date(1975, 5, 5)
    )
    return build_record([patient, *resources], as_of=AS_OF, patient_id=PID)


def _psychotherapy(record: PatientRecord) -> list[ProcedureRecord]:
    return [p for p in record.procedures if p.kind is ProcedureKind.PSYCHOTHERAPY]


def test_the_vendor_shapes_are_fhir_r4() -> None:
    for visit in (
        epic_visit(PID, date(2025, 5, 20), rid="epic-1"),
        oracle_visit(PID, date(2025, 5, 20), rid="oracle-1"),
        epic_visit(PID, date(2025, 7, 1), rid="epic-2", status="planned"),
    ):
        Encounter.model_validate(visit)


def test_an_epic_visit_with_its_cpt_code_in_type_is_a_session() -> None:
    record = _record(epic_visit(PID, date(2025, 5, 20), rid="epic-1"))
    assert _psychotherapy(record) == [
        ProcedureRecord(
            ProcedureKind.PSYCHOTHERAPY,
            "90837",
            b.CPT,
            date(2025, 5, 20),
            SourceRef("Encounter", "epic-1"),
        )
    ]


def test_cpt_under_its_oid_is_read_as_cpt() -> None:
    record = _record(epic_visit(PID, date(2025, 5, 20), rid="epic-1", cpt_system=CPT_OID))
    assert [(p.system, p.code) for p in _psychotherapy(record)] == [(b.CPT, "90837")]


def test_an_oracle_visit_names_the_therapy_in_service_type() -> None:
    record = _record(oracle_visit(PID, date(2025, 5, 20), rid="oracle-1"))
    assert [(p.system, p.code, p.date) for p in _psychotherapy(record)] == [
        (b.SNOMED, "18512000", date(2025, 5, 20))
    ]


def test_a_billed_evaluation_is_not_therapy_whatever_the_service_type_says() -> None:
    """CPT 90791 is a psychiatric diagnostic evaluation (VSAC Psych Visit - Diagnostic
    Evaluation), not psychotherapy: the billed code decides over the service."""
    visit = oracle_visit(PID, date(2025, 5, 20), rid="oracle-1", type_cpt=DIAGNOSTIC_EVALUATION)
    assert not wants_encounter(visit)
    assert _psychotherapy(_record(visit)) == []


@pytest.mark.parametrize(
    ("system", "code", "display"),
    [
        (b.CPT, "90791", "Psychiatric diagnostic evaluation"),
        (b.CPT, "90792", "Psychiatric diagnostic evaluation with medical services"),
        (b.CPT, "99213", "Office or other outpatient visit, established patient"),
        # Synthea's veteran_mdd encounters (../shared/clinical/REFERENCE.md section 5)
        (b.SNOMED, "390906007", "Follow-up encounter (procedure)"),
        (b.SNOMED, "79094001", "Initial psychiatric interview with mental status evaluation"),
        (b.SNOMED, "185347001", "Encounter for problem (procedure)"),
    ],
)
def test_visits_that_are_not_psychotherapy_are_not_read(
    system: str, code: str, display: str
) -> None:
    if system == b.CPT:
        visit = epic_visit(PID, date(2025, 5, 20), (code, display), rid="epic-1")
    else:
        visit = b.encounter(date(2025, 5, 20), code, display, patient=PID, id="synthea-1")
    assert not wants_encounter(visit)
    assert _psychotherapy(_record(visit)) == []


def test_a_synthea_encounter_coded_as_psychotherapy_is_a_session() -> None:
    visit = b.encounter(
        date(2025, 5, 20), "18512000", "Individual psychotherapy (regime/therapy)", patient=PID
    )
    assert [p.code for p in _psychotherapy(_record(visit))] == ["18512000"]


@pytest.mark.parametrize("status", ["finished", "in-progress", "arrived", "triaged", "onleave"])
def test_a_visit_that_took_place_is_a_session(status: str) -> None:
    visit = epic_visit(PID, date(2025, 5, 20), rid="epic-1", status=status)
    assert isinstance(visit_facts(visit, as_of=AS_OF), ProcedureRecord)


@pytest.mark.parametrize("status", ["cancelled", "entered-in-error", "noshow", "unknown"])
def test_a_visit_that_did_not_take_place_never_counts(status: str) -> None:
    visit = epic_visit(PID, date(2025, 5, 20), rid="epic-1", status=status)
    assert not wants_encounter(visit)
    record = _record(visit)
    assert _psychotherapy(record) == []
    assert not [r for r in record.referrals if r.kind == "psychotherapy"]


@pytest.mark.parametrize(
    ("status", "when"),
    [("planned", date(2025, 6, 9)), ("booked", date(2025, 6, 2)), ("planned", None)],
)
def test_a_visit_arranged_is_a_psychotherapy_referral(status: str, when: date | None) -> None:
    record = _record(epic_visit(PID, when, rid="epic-1", status=status))
    assert _psychotherapy(record) == []
    assert record.referrals == (
        Referral("psychotherapy", status, when, SourceRef("Encounter", "epic-1")),
    )


def test_a_booking_whose_day_has_passed_is_not_therapy_arranged() -> None:
    record = _record(epic_visit(PID, date(2025, 5, 1), rid="epic-1", status="planned"))
    assert _psychotherapy(record) == []
    # Kept only to be named on the psychotherapy card, under a kind no rule reads as therapy.
    assert record.referrals == (
        Referral(NOT_ATTENDED, "planned", date(2025, 5, 1), SourceRef("Encounter", "epic-1")),
    )


def test_a_visit_after_as_of_is_not_read_as_a_session() -> None:
    assert _psychotherapy(_record(epic_visit(PID, date(2025, 6, 3), rid="epic-1"))) == []


def test_a_visit_billed_as_a_procedure_too_is_one_session() -> None:
    when = date(2025, 5, 20)
    visit = epic_visit(PID, when, PSYCHOTHERAPY_45, rid="epic-1")
    billed = b.procedure(b.CPT, *PSYCHOTHERAPY_45, when, patient=PID, id="proc-1")
    sessions = _psychotherapy(_record(visit, billed))
    assert [(p.code, p.date, p.source) for p in sessions] == [
        ("90834", when, SourceRef("Procedure", "proc-1"))
    ]


def test_family_psychotherapy_is_read_with_its_own_kind() -> None:
    from fhir_mapping.clinical_codes import procedure_codes

    record = _record(epic_visit(PID, date(2025, 5, 20), FAMILY_WITH_PATIENT, rid="epic-1"))
    (session,) = _psychotherapy(record)
    assert procedure_codes()[(session.system, session.code)].psychotherapy_kind == "family"


def test_an_encounter_feed_not_had_is_a_visits_gap_only() -> None:
    patient = b.patient(
        id=PID, given="Test", family="Visits", gender="female", birth_date=date(1975, 5, 5)
    )
    record = build_record(
        [patient],
        as_of=AS_OF,
        patient_id=PID,
        unavailable={"Encounter": "prefetch key 'encounters' was not sent"},
    )
    assert record.unavailable(DataDomain.VISITS)
    assert not record.incomplete(DataDomain.PROCEDURES)


@pytest.mark.parametrize("status", [["finished"], {"code": "finished"}, 1, None])
def test_a_malformed_status_counts_as_absent(status: object) -> None:
    """Read tolerantly (issue 10): an unhashable status once raised (tests/fuzz)."""
    visit = epic_visit(PID, date(2025, 5, 20), rid="epic-1")
    visit["status"] = status
    assert not wants_encounter(visit)
    assert visit_facts(visit, as_of=AS_OF) is None
    assert _psychotherapy(_record(visit)) == []
