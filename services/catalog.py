"""The CDS services this project offers: one per hook, with their prefetch templates.

Prefetch templates use only the syntax CDS Hooks 2.0 recommends (#prefetch-query-restrictions):
instance reads, type searches by patient, token equality (comma = OR), `_count`. They ask only for
what the rules read; Observations are limited by LOINC code to the scales and labs in
fhir_mapping/data/observation_codes.csv, plus the site's local codes that map to them (the
`[codes]` configuration, fhir_mapping/site_codes.py), so the EHR also sends its own rows (an Epic
flowsheet row holding the PHQ-9 total under a local code only).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fhir_mapping.code_systems import LOINC
from fhir_mapping.codes import observation_codes
from fhir_mapping.site_codes import NO_SITE_CODES, SiteCodes

# The HL7 OID of LOINC as C-CDA conversions write it (fhir_mapping/data/code_systems.csv).
LOINC_OID = "urn:oid:2.16.840.1.113883.6.1"


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


def _token(system: str, code: str) -> str:
    """system|code as a token search value, with FHIR search's escapes (\\ , | $) in each part."""

    def escape(part: str) -> str:
        for char in ("\\", ",", "|", "$"):
            part = part.replace(char, "\\" + char)
        return part

    return f"{escape(system)}|{escape(code)}"


def _observation_query(site_codes: SiteCodes) -> str:
    """Each LOINC code is asked for under its URI and under its HL7 OID: a FHIR server stores a
    C-CDA conversion's `urn:oid:2.16.840.1.113883.6.1` as written and token search matches the
    system exactly, so `http://loinc.org|44261-6` alone never brings those PHQ-9s (issue 10).
    A site's local codes follow."""
    standard = [(c.system, c.code) for c in observation_codes()]
    local = site_codes.local_codes_for(standard)
    oid_spelt = [(LOINC_OID, code) for system, code in standard if system == LOINC]
    codes = ",".join(
        _token(system, code) for system, code in dict.fromkeys((*standard, *oid_spelt, *local))
    )
    return f"Observation?patient={{{{context.patientId}}}}&code={codes}&_count=1000"


@cache
def services(site_codes: SiteCodes = NO_SITE_CODES) -> tuple[ServiceDefinition, ...]:
    """The services and their prefetch templates; `site_codes` adds the site's local codes to
    the Observation query (settings `[codes]`). Cached per value: settings do not change while
    the service runs."""
    common = (
        ("patient", "Patient/{{context.patientId}}"),
        ("medicationRequests", "MedicationRequest?patient={{context.patientId}}&_count=1000"),
        ("medicationStatements", "MedicationStatement?patient={{context.patientId}}&_count=1000"),
        ("medicationDispenses", "MedicationDispense?patient={{context.patientId}}&_count=1000"),
        ("conditions", "Condition?patient={{context.patientId}}&_count=1000"),
        ("observations", _observation_query(site_codes)),
        # PHQ-9 filed as a QuestionnaireResponse (fhir_mapping/questionnaires.py). By patient only,
        # not `questionnaire=<canonicals>`: a site's own PHQ-9 form, and LHC-Forms ones with no
        # canonical url, would be missed; the mapping drops other forms cheaply. Not required.
        (
            "questionnaireResponses",
            "QuestionnaireResponse?patient={{context.patientId}}&_count=1000",
        ),
        ("procedures", "Procedure?patient={{context.patientId}}&_count=1000"),
        ("serviceRequests", "ServiceRequest?patient={{context.patientId}}&_count=1000"),
        ("devices", "Device?patient={{context.patientId}}&_count=1000"),
        # Documented intolerance of an antidepressant (fhir_mapping/intolerance.py): a trial
        # stopped for side effects is "intolerant", not poor adherence. Not required: many EHRs do
        # not expose AdverseEvent, and the stop reason on the order is read without them.
        ("allergyIntolerances", "AllergyIntolerance?patient={{context.patientId}}&_count=1000"),
        ("adverseEvents", "AdverseEvent?subject={{context.patientId}}&_count=1000"),
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


def by_id(service_id: str, site_codes: SiteCodes = NO_SITE_CODES) -> ServiceDefinition | None:
    return next((s for s in services(site_codes) if s.id == service_id), None)
