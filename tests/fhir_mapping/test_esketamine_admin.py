"""Esketamine charted on the MAR (review 10 finding 10): a MedicationAdministration of Spravato is
a session, the same record a HCPCS G2083 Procedure gives (ProcedureKind.ESKETAMINE); the service
asks for the MAR under its own prefetch key; a MAR that could not be had is a gap in its own
domain (DataDomain.SESSIONS), not in procedures or medications. Also: a missing `observations`
key names the conditions domain, since pregnancy status comes with it (review 10 finding 3).

Administrations are written as the review's clinic chart and the C-CDA conversions write them
(an RxNorm code under the URI or the HL7 OID, effectiveDateTime or an effectivePeriod with only a
start, a medicationReference to a Medication, dosage.route SNOMED); each conformant one is
validated against fhir.resources.R4B."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B.medicationadministration import MedicationAdministration

from fhir_mapping.build import build_record
from fhir_mapping.gaps import domains_of_feed, type_gaps
from fhir_mapping.record import DataDomain, ProcedureKind, SourceRef
from services.catalog import MAX_QUERY_BYTES, query_bytes, services
from tests.fixtures import builders as b

PATIENT = "pt-mar"
AS_OF = date(2025, 6, 2)
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
RXNORM_OID = "urn:oid:2.16.840.1.113883.6.88"
NASAL = {"coding": [{"system": "http://snomed.info/sct", "code": "46713006", "display": "Nasal"}]}
IV = {
    "coding": [{"system": "http://snomed.info/sct", "code": "47625008", "display": "Intravenous"}]
}
FIRST = date(2025, 1, 6)


def administration(
    day: date | None,
    rid: str,
    *,
    status: str = "completed",
    route: dict[str, Any] = NASAL,
    period: bool = False,
    text: str = "Spravato 84 mg (3 x 28 mg devices) intranasal",
    **drug: Any,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "MedicationAdministration",
        "id": rid,
        "status": status,
        "subject": {"reference": f"Patient/{PATIENT}"},
        "dosage": {"route": route, "dose": {"value": 84, "unit": "mg"}},
    }
    resource.update(
        drug
        or {
            "medicationCodeableConcept": {
                "coding": [{"system": RXNORM, "code": "2119365", "display": "esketamine"}],
                "text": text,
            }
        }
    )
    if day is not None:
        if period:  # C-CDA conversions: a period with its start only
            resource["effectivePeriod"] = {"start": day.isoformat()}
        else:
            resource["effectiveDateTime"] = f"{day.isoformat()}T10:00:00-05:00"
    elif status != "entered-in-error":
        resource["effectivePeriod"] = {}  # no date at all (invalid R4: effective[x] is 1..1)
    return resource


def valid(resource: dict[str, Any]) -> dict[str, Any]:
    MedicationAdministration.model_validate(resource)
    return resource


def record(resources: list[dict[str, Any]], **kwargs: Any) -> Any:
    patient = b.patient(
        id=PATIENT, given="Ana", family="Test", gender="female", birth_date=date(1980, 1, 1)
    )
    return build_record([patient, *resources], as_of=AS_OF, patient_id=PATIENT, **kwargs)


def sessions(rec: Any) -> list[Any]:
    return [p for p in rec.procedures if p.kind is ProcedureKind.ESKETAMINE]


def test_spravato_doses_on_the_mar_are_esketamine_sessions() -> None:
    days = [FIRST + timedelta(days=3 * i) for i in range(12)]
    rec = record([valid(administration(d, f"ma-{i}")) for i, d in enumerate(days)])
    found = sessions(rec)
    assert [p.date for p in found] == days
    assert found[0].source == SourceRef("MedicationAdministration", "ma-0")
    assert (found[0].system, found[0].code) == (RXNORM, "2119365")
    assert not rec.gaps


def test_not_done_and_entered_in_error_are_not_sessions_but_a_stopped_dose_is() -> None:
    rec = record(
        [
            valid(administration(FIRST, "ma-not-done", status="not-done")),
            valid(administration(FIRST + timedelta(days=3), "ma-error", status="entered-in-error")),
            valid(administration(FIRST + timedelta(days=7), "ma-stopped", status="stopped")),
            valid(administration(FIRST + timedelta(days=10), "ma-running", status="in-progress")),
        ]
    )
    assert [p.source.id for p in sessions(rec)] == ["ma-stopped", "ma-running"]


def test_devices_of_one_dose_and_a_g2083_of_the_same_day_are_one_session() -> None:
    # Three 28 mg devices charted one by one, under the RxNorm OID with a period start only
    # (C-CDA-shaped), beside the clinic's G2083 charge as a Procedure the same day.
    devices = [
        valid(
            administration(
                FIRST,
                f"ma-device-{n}",
                period=True,
                medicationCodeableConcept={
                    "coding": [{"system": RXNORM_OID, "code": "2119365", "display": "esketamine"}],
                    "text": "esketamine 28 MG per 0.2 ML Nasal Spray",
                },
            )
        )
        for n in range(3)
    ]
    g2083 = b.procedure(
        "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
        "G2083",
        "Esketamine, nasal self admin, incl. 2 hr post admin observation, > 56 mg",
        FIRST,
        patient=PATIENT,
        id="g2083-1",
    )
    later = valid(administration(FIRST + timedelta(days=3), "ma-2"))
    rec = record([*devices, g2083, later])
    found = sessions(rec)
    assert [(p.date, p.source) for p in found] == [
        (FIRST, SourceRef("Procedure", "g2083-1")),
        (FIRST + timedelta(days=3), SourceRef("MedicationAdministration", "ma-2")),
    ]


def test_a_referenced_spravato_medication_is_read() -> None:
    medication = {
        "resourceType": "Medication",
        "id": "med-spravato",
        "code": {
            "coding": [{"system": RXNORM, "code": "2119365", "display": "esketamine"}],
            "text": "Spravato 28 mg nasal spray",
        },
    }
    dose = valid(
        administration(
            FIRST, "ma-ref", medicationReference={"reference": "Medication/med-spravato"}
        )
    )
    assert [p.date for p in sessions(record([medication, dose]))] == [FIRST]


def test_esketamine_given_by_injection_is_an_anaesthetic_not_a_session() -> None:
    rec = record(
        [
            valid(administration(FIRST, "ma-iv", route=IV, text="esketamine 25 mg/mL injection")),
            valid(
                administration(FIRST + timedelta(days=1), "ma-an", text="Ketanest S anaesthesia")
            ),
        ]
    )
    assert sessions(rec) == [] and not rec.gaps


def test_other_drugs_on_the_mar_and_doses_after_as_of_are_skipped_in_silence() -> None:
    albuterol = valid(
        administration(
            FIRST,
            "ma-albuterol",
            medicationCodeableConcept={
                "coding": [{"system": RXNORM_OID, "code": "582498", "display": "Albuterol"}]
            },
        )
    )
    future = valid(administration(AS_OF + timedelta(days=1), "ma-future"))
    rec = record([albuterol, future])
    assert sessions(rec) == [] and not rec.gaps
    assert rec.resources_skipped == 2


def test_an_undated_esketamine_dose_is_a_gap_naming_it_in_the_sessions_domain() -> None:
    rec = record([administration(None, "ma-undated")])
    assert sessions(rec) == []
    (gap,) = rec.gaps
    assert gap.domain is DataDomain.SESSIONS
    assert gap.source == SourceRef("MedicationAdministration", "ma-undated")
    assert "esketamine given with no usable date" in gap.reason


def test_the_service_asks_for_the_mar_under_an_optional_key_within_the_query_limit() -> None:
    for service in services():
        templates = dict(service.prefetch)
        template = templates["medicationAdministrations"]
        assert template.startswith("MedicationAdministration?patient={{context.patientId}}")
        assert query_bytes(template) <= MAX_QUERY_BYTES
        assert "medicationAdministrations" not in service.required


def test_a_mar_not_had_is_a_sessions_gap_only() -> None:
    gaps = type_gaps({"MedicationAdministration": "prefetch key not sent"}, {})
    assert [(g.domain, g.whole_domain) for g in gaps] == [(DataDomain.SESSIONS, True)]
    rec = record([], unavailable={"MedicationAdministration": "prefetch key not sent"})
    assert rec.incomplete(DataDomain.SESSIONS)
    # Psychotherapy, ECT and TMS Procedures are not hidden by it, nor the trials.
    assert not rec.incomplete(DataDomain.PROCEDURES)
    assert not rec.incomplete(DataDomain.MEDICATIONS)


def test_a_missing_observations_key_names_the_conditions_too() -> None:
    # Pregnancy status (US Core 82810-3) is asked for under `observations`.
    assert DataDomain.CONDITIONS in domains_of_feed("Observation:observations")
    gaps = type_gaps({"Observation:observations": "prefetch key not sent"}, {})
    assert {(g.domain, g.whole_domain) for g in gaps} == {
        (DataDomain.SCORES, False),  # QuestionnaireResponses are asked for too
        (DataDomain.CONDITIONS, False),  # Conditions are asked for too
    }
