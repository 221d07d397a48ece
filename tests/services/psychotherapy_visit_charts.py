"""Charts whose psychotherapy is charted only as visits (review 14 M2), for the mapping, card,
prefetch and FHIR-server tests.

Encounter shapes:
- Epic: `type` holds the department's visit type under Epic's own OID (a local code the service
  does not know) and the billed CPT code beside it (http://www.ama-assn.org/go/cpt, the system
  Epic sends CPT under); `class` under Epic's own OID; an Epic-style identifier. The Epic OIDs
  are example site values (tests/fixtures/vendor_charts.py writes Epic's flowsheet and lab rows
  the same way), not read by the service.
- Oracle Health: `type` under the tenant's code set 71 ("Outpatient"), the therapy in
  `serviceType` as SNOMED CT beside the tenant's own code (the public sandbox tenant of
  tests/fixtures/vendor_charts.py).
- Synthea: a SNOMED CT `type` only (tests/fixtures/builders.encounter).
Each is FHIR R4 (fhir.resources.R4B validates them) except where a test sends a status only some
feeds use on purpose (`booked`, `noshow`: Appointment statuses copied onto an Encounter).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from tests.fixtures import builders as b
from tests.fixtures.scenarios import (
    AS_OF,
    MDD_RECURRENT_SEVERE,
    Chart,
    Scenario,
    Step,
    add_course,
    cds_request,
)

Resource = dict[str, Any]

EPIC_VISIT_TYPE = "urn:oid:1.2.840.114350.1.13.0.1.7.10.698084.10110"  # example site value
EPIC_CLASS = "urn:oid:1.2.840.114350.1.72.1.7.7.10.696784.13260"  # example site value
EPIC_CSN = "urn:oid:1.2.840.114350.1.13.0.1.7.3.698084.8"  # example site value
ORACLE = "https://fhir.cerner.com/ec2458f2-1e24-41c8-b71b-0e701af7583d"
SERVICE_TYPE = "http://terminology.hl7.org/CodeSystem/service-type"

PSYCHOTHERAPY_60 = ("90837", "Psychotherapy, 60 minutes with patient")
PSYCHOTHERAPY_45 = ("90834", "Psychotherapy, 45 minutes with patient")
FAMILY_WITH_PATIENT = (
    "90847",
    "Family psychotherapy (conjoint psychotherapy) (with patient present)",
)
DIAGNOSTIC_EVALUATION = ("90791", "Psychiatric diagnostic evaluation")
INDIVIDUAL_SNOMED = ("18512000", "Individual psychotherapy (regime/therapy)")


def _period(when: date, minutes: int) -> dict[str, str]:
    start = datetime.combine(when, datetime.min.time()).replace(hour=14)
    end = start + timedelta(minutes=minutes)
    return {"start": start.isoformat() + "Z", "end": end.isoformat() + "Z"}


def epic_visit(
    patient_id: str,
    when: date | None,
    cpt: tuple[str, str] = PSYCHOTHERAPY_60,
    *,
    rid: str,
    status: str = "finished",
    cpt_system: str = b.CPT,
) -> Resource:
    """A psychotherapy visit as Epic sends it: the visit type and the CPT code in `type`."""
    resource: Resource = {
        "resourceType": "Encounter",
        "id": rid,
        "identifier": [{"use": "usual", "system": EPIC_CSN, "value": rid[-8:]}],
        "status": status,
        "class": {"system": EPIC_CLASS, "code": "13", "display": "Support OP Encounter"},
        "type": [
            {
                "coding": [{"system": EPIC_VISIT_TYPE, "code": "1015", "display": "Therapy Visit"}],
                "text": "Therapy Visit",
            },
            {"coding": [{"system": cpt_system, "code": cpt[0], "display": cpt[1]}]},
        ],
        "subject": {"reference": f"Patient/{patient_id}"},
    }
    if when is not None:
        resource["period"] = _period(when, 55)
    return resource


def oracle_visit(
    patient_id: str,
    when: date,
    snomed: tuple[str, str] = INDIVIDUAL_SNOMED,
    *,
    rid: str,
    status: str = "finished",
    type_cpt: tuple[str, str] | None = None,
) -> Resource:
    """A visit as Oracle Health sends it: an "Outpatient" type from the tenant's code set 71,
    the therapy in `serviceType` (SNOMED CT beside the tenant's own code)."""
    types: list[Resource] = [
        {
            "coding": [
                {"system": f"{ORACLE}/codeSet/71", "code": "309309", "display": "Outpatient"}
            ],
            "text": "Outpatient",
        }
    ]
    if type_cpt is not None:
        types.append({"coding": [{"system": b.CPT, "code": type_cpt[0], "display": type_cpt[1]}]})
    return {
        "resourceType": "Encounter",
        "id": rid,
        "status": status,
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "AMB",
            "display": "ambulatory",
        },
        "type": types,
        "serviceType": {
            "coding": [
                {"system": f"{ORACLE}/codeSet/34", "code": "2563", "display": "Behavioral Health"},
                {"system": b.SNOMED, "code": snomed[0], "display": snomed[1]},
            ],
            "text": "Behavioral Health",
        },
        "subject": {"reference": f"Patient/{patient_id}", "display": "Test, Visits"},
        "period": _period(when, 50),
    }


def one_failed_trial(name: str) -> Chart:
    """One adequate escitalopram trial that failed (20 mg from 2024-12-02, PHQ-9 19 -> 18): the
    psychotherapy card's chart when no therapy is on record (review 14 p05)."""
    chart = Chart(name, given="Test", family="Visits", gender="female", birth_date=date(1975, 5, 5))
    start = date(2024, 12, 2)
    enc = chart.visit(start)
    mdd = chart.diagnosis(MDD_RECURRENT_SEVERE, date(2024, 10, 1), key="mdd", encounter=enc)
    chart.phq9(start, 19, 0, encounter=enc)
    add_course(chart, "351250", [Step("351250", start, None)], reason=mdd, style="unit")
    later = AS_OF - timedelta(days=21)
    chart.phq9(later, 18, 0, encounter=chart.visit(later))
    return chart


def fortnightly(start: date, count: int) -> list[date]:
    return [start + timedelta(days=14 * n) for n in range(count)]


def scenario_of(chart: Chart) -> Scenario:
    return Scenario(
        chart.name, "psychotherapy charted as visits", AS_OF, chart.pid, chart.resources, {}
    )


def request(chart: Chart, hook: str = "patient-view") -> dict[str, Any]:
    """The patient-view request an EHR on the current discovery sends (every key answered)."""
    return cds_request(scenario_of(chart), hook)  # type: ignore[arg-type]


def visits_bundle(visits: list[Resource]) -> Resource:
    """A searchset as the EHR answers `encounters` with."""
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(visits),
        "entry": [
            {"fullUrl": f"https://ehr.example.org/fhir/Encounter/{v['id']}", "resource": v}
            for v in visits
        ],
    }
