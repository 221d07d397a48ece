"""The service's FHIR budgets for the fault tests, and hook requests aimed at a given server."""

from __future__ import annotations

from typing import Any

from services import catalog
from tests.faults import records

# Small budgets so each fault ends quickly; the assertions bound the time by these numbers.
FHIR_BUDGET: dict[str, Any] = {
    "connect_timeout": 0.5,
    "read_timeout": 1.0,
    "total_timeout": 3.0,
    "max_pages": 5,
    "max_response_bytes": 65536,
    "retries": 2,
}
# A structural bound on hanging, not a speed target.
HANG_BOUND_SECONDS: float = FHIR_BUDGET["total_timeout"] + 5.0
TOKEN = "fault-test-access-token-8c1f2a"  # a test value, only ever sent to loopback
REQUIRED_KEYS = ["conditions", "medicationRequests", "observations"]
# Every prefetch key the service declares (the catalog is the one source: a key added there is
# fetched, and counted, here too).
ALL_KEYS = [key for key, _template in catalog.services()[0].prefetch]


def hook_body(
    fhir_server: str | None,
    *,
    prefetch: dict[str, Any] | None = None,
    token: str | None = TOKEN,
    hook: str = "patient-view",
    patient_id: str = records.PATIENT_ID,
) -> dict[str, Any]:
    """A patient-view request as an EHR sends it; `prefetch` None means an empty prefetch."""
    body: dict[str, Any] = {
        "hook": hook,
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/example", "patientId": patient_id},
        "prefetch": prefetch if prefetch is not None else {},
    }
    if fhir_server is not None:
        body["fhirServer"] = fhir_server
    if token is not None:
        body["fhirAuthorization"] = {
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": 300,
            "scope": "user/Patient.read user/Observation.read",
            "subject": "cds-service",
        }
    return body


def only_absent(*keys: str) -> dict[str, Any]:
    """A prefetch where every key is `null` (no data, nothing to fetch) except `keys`, absent."""
    return {k: None for k in ALL_KEYS if k not in keys}
