"""Helpers shared by the integration tests: settings aimed at the session's FHIR server, the queries
the service is expected to send, and what the recorder saw."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote

from cds_hooks.config.settings import Settings, load_settings
from fhir_mapping.codes import observation_codes
from services import catalog
from tests.faults.loopback import Hit
from tests.integration.sekmet import FhirServer, LoadedPatient

SERVICE = "trd-patient-view"
URL = f"/cds-services/{SERVICE}"


def settings_for(fhir: FhirServer, tmp_path: Path, **fhir_settings: Any) -> Settings:
    """Service settings that allow exactly the recorder's origin (and nothing else)."""
    return load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'integration.db'}"},
        fhir={"allowed_servers": (fhir.recorder.base_url,), **fhir_settings},
    )


def expected_queries(patient_id: str, keys: set[str] | None = None) -> dict[str, str]:
    """key -> the relative query the service sends for it (the catalog's templates, filled)."""
    definition = catalog.by_id(SERVICE)
    assert definition is not None
    return {
        key: template.replace("{{context.patientId}}", patient_id)
        for key, template in definition.prefetch
        if keys is None or key in keys
    }


def ehr_prefetch(fhir: FhirServer, patient_id: str) -> dict[str, Any]:
    """The prefetch an EHR builds for the catalog's templates, straight from the server. Like
    EHRs that can, it brings the Medications that orders reference (`_include`), so the control
    holds the whole chart."""
    out: dict[str, Any] = {}
    for key, query in expected_queries(patient_id).items():
        if query.startswith("MedicationRequest?"):
            query += "&_include=MedicationRequest:medication"
        out[key] = fhir.get(query)
    return out


def queries_sent(hits: list[Hit], base_path: str = "/fhir/") -> list[str]:
    """The relative queries that reached the server, decoded (requests percent-encodes `|`)."""
    return sorted(unquote(h.path).removeprefix(base_path) for h in hits)


def fetched_types(hits: list[Hit]) -> list[str]:
    """The resource type of each request (first path segment after the base)."""
    return [unquote(h.path).removeprefix("/fhir/").split("?")[0].split("/")[0] for h in hits]


def catalog_observations(patient: LoadedPatient) -> int:
    """How many of the patient's Observations the catalog's code filter selects."""
    wanted = {(c.system, c.code) for c in observation_codes()}
    return sum(
        1
        for r in patient.resources
        if r["resourceType"] == "Observation"
        and any((c.get("system"), c.get("code")) in wanted for c in r["code"].get("coding", []))
    )


def observations_by_key(patient: LoadedPatient) -> dict[str, int]:
    """How many of the patient's Observations each Observation template's code list selects."""
    definition = catalog.by_id(SERVICE)
    assert definition is not None
    out: dict[str, int] = {}
    for key, template in definition.prefetch:
        if not template.startswith("Observation?"):
            continue
        wanted = set(template.split("&code=", 1)[1].split("&", 1)[0].split(","))
        out[key] = sum(
            1
            for r in patient.resources
            if r["resourceType"] == "Observation"
            and any(f"{c.get('system')}|{c.get('code')}" in wanted for c in r["code"]["coding"])
        )
    return out


# What the service fetches for a patient, by resource type, as the bundle holds it.
FETCHED_TYPES = (
    "MedicationRequest",
    "MedicationStatement",
    "MedicationDispense",
    "Condition",
    "Procedure",
    "ServiceRequest",
    "Device",
    # Psychotherapy charted only as visits (`encounters`, review 14 M2): every Encounter.
    "Encounter",
)


def expected_counts(patient: LoadedPatient) -> dict[str, int]:
    counts = {t: patient.count(t) for t in FETCHED_TYPES}
    counts["Patient"] = 1
    counts["Observation"] = catalog_observations(patient)
    return {t: n for t, n in counts.items() if n}
