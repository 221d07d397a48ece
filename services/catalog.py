"""The CDS services this project offers: one per hook, with their prefetch templates.

Prefetch templates use only the syntax CDS Hooks 2.0 recommends (#prefetch-query-restrictions):
instance reads, type searches by patient, token equality (comma = OR), `_count`. They ask only for
what the rules read; Observations are limited by LOINC code to the scales and labs in
fhir_mapping/data/observation_codes.csv.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fhir_mapping.codes import observation_codes


@dataclass(frozen=True, slots=True)
class ServiceDefinition:
    id: str
    hook: str
    title: str
    description: str
    prefetch: tuple[tuple[str, str], ...]  # (key, template), in discovery order
    # Keys without which the service cannot judge the pathway: when they can be had neither from
    # prefetch nor from the FHIR server, the call is answered 412 rather than with cards built on
    # half a chart (a missing medication list would read as "no trials": unsafe).
    required: frozenset[str] = frozenset()
    usage_requirements: str | None = None


def _observation_query() -> str:
    codes = ",".join(f"{c.system}|{c.code}" for c in observation_codes())
    return f"Observation?patient={{{{context.patientId}}}}&code={codes}&_count=1000"


@cache
def services() -> tuple[ServiceDefinition, ...]:
    common = (
        ("patient", "Patient/{{context.patientId}}"),
        ("medicationRequests", "MedicationRequest?patient={{context.patientId}}&_count=1000"),
        ("medicationStatements", "MedicationStatement?patient={{context.patientId}}&_count=1000"),
        ("medicationDispenses", "MedicationDispense?patient={{context.patientId}}&_count=1000"),
        ("conditions", "Condition?patient={{context.patientId}}&_count=1000"),
        ("observations", _observation_query()),
        ("procedures", "Procedure?patient={{context.patientId}}&_count=1000"),
        ("serviceRequests", "ServiceRequest?patient={{context.patientId}}&_count=1000"),
        ("devices", "Device?patient={{context.patientId}}&_count=1000"),
    )
    required = frozenset({"medicationRequests", "conditions", "observations"})
    usage = (
        "Works from prefetch alone; with fhirServer and fhirAuthorization it fetches any prefetch "
        "key that is absent. Cards only suggest; a clinician decides."
    )
    return (
        ServiceDefinition(
            id="trd-patient-view",
            hook="patient-view",
            title="Treatment-resistant depression pathway",
            description=(
                "On chart open: reviews antidepressant trials (dose, duration, adherence, PHQ-9) and "
                "suggests the next step on the TRD pathway: safety, adherence and diagnosis review, "
                "optimise/switch/augment, psychotherapy, measurement-based care, TMS referral."
            ),
            prefetch=common,
            required=required,
            usage_requirements=usage,
        ),
        ServiceDefinition(
            id="trd-order-select",
            hook="order-select",
            title="Antidepressant order check (select)",
            description=(
                "When an antidepressant is selected: warns when the drug or its class already failed "
                "an adequate trial, when the dose is outside the adequate range, when bipolar disorder "
                "has no mood stabiliser, and when the patient already meets TMS criteria."
            ),
            prefetch=common,
            required=required,
            usage_requirements=usage,
        ),
        ServiceDefinition(
            id="trd-order-sign",
            hook="order-sign",
            title="Antidepressant order check (sign)",
            description=(
                "When an antidepressant order is signed: the same checks as order-select, without "
                "repeating a card already shown for the same draft."
            ),
            prefetch=common,
            required=required,
            usage_requirements=usage,
        ),
    )


def by_id(service_id: str) -> ServiceDefinition | None:
    return next((s for s in services() if s.id == service_id), None)
