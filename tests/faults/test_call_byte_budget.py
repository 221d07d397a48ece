"""All FHIR responses of one hook call together are capped: `[fhir] max_call_bytes` (review s25
RP M1).

`max_response_bytes` capped one response, but a call runs ~19 searches at once, each up to
`max_pages` pages: only the 5 s budget bounded the total (20 MiB x 20 pages x 19 searches in
principle). Each response here is well under the per-response cap; together they pass the call's
budget, and the read that passes it fails as an oversized response does.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import Settings, load_settings
from cds_hooks.fhir_data.fhir_source import FhirBadResponse, RequestsFhirSource
from tests.faults import records
from tests.faults.harness import FHIR_BUDGET, TOKEN, hook_body
from tests.faults.loopback import LoopbackServer, searchset

# A searchset of about 28 KB, the patient's own Observations: under half of the fault tests'
# per-response cap (64 KiB).
PAGE = searchset(
    [
        {
            "resourceType": "Observation",
            "id": f"o{i}",
            "status": "final",
            "subject": {"reference": f"Patient/{records.PATIENT_ID}"},
            "note": [{"text": "x" * 150}],
        }
        for i in range(90)
    ]
)


def _source(server: LoopbackServer, max_call_bytes: int) -> RequestsFhirSource:
    settings = load_settings(
        None,
        fhir={
            **FHIR_BUDGET,
            "allowed_servers": (server.base_url,),
            "max_call_bytes": max_call_bytes,
        },
    )
    return RequestsFhirSource(settings.fhir)


def test_one_calls_searches_share_the_budget_and_a_new_call_starts_afresh(
    faulty: LoopbackServer,
) -> None:
    faulty.routes["pages"] = lambda ex: ex.send_json(200, PAGE)
    source = _source(faulty, max_call_bytes=60_000)  # two pages (28 KB each), not three
    deadline = time.monotonic() + 5
    call = source.bind(faulty.url("pages"), TOKEN)
    assert len(call.search("Observation?a=1", deadline=deadline)) == 90
    assert len(call.search("Observation?a=2", deadline=deadline)) == 90
    try:
        call.search("Observation?a=3", deadline=deadline)
    except FhirBadResponse as exc:
        assert "exceeded 60000 bytes together ([fhir] max_call_bytes)" in str(exc)
    else:
        raise AssertionError("the third search passed the call's byte budget")
    # The budget is the call's: the next hook call binds a fresh one.
    assert (
        len(source.bind(faulty.url("pages"), TOKEN).search("Observation", deadline=deadline)) == 90
    )


def test_a_hook_call_over_its_budget_names_the_keys_and_the_setting(
    faulty: LoopbackServer, fault_settings: Callable[..., Settings]
) -> None:
    """Every key's answer fits the per-response cap; together they do not fit the call's."""
    faulty.routes["pages"] = lambda ex: ex.send_json(200, PAGE)
    with TestClient(create_app(fault_settings(max_call_bytes=50_000))) as client:
        response = client.post(
            "/cds-services/trd-patient-view", json=hook_body(faulty.url("pages"))
        )
    assert response.status_code == 412, response.text
    missing = response.json()["details"]["missing"]
    assert any("([fhir] max_call_bytes)" in why for why in missing.values()), missing
    assert TOKEN not in response.text
