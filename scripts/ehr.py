"""The EHR's side of a CDS Hooks 2.0 call, as the demo plays it against the running service.

1. discovery: GET {service}/cds-services, pick the service for the hook;
2. prefetch: fill each template (`{{context.patientId}}`, `{{context.userId}}`) and run it against
   the EHR's own FHIR server, every page, one searchset Bundle per key (an instance read gives the
   resource itself); a template the EHR cannot fill, or a query its server refuses, is left out,
   as the spec allows, so the service fetches that key itself or says what is missing;
3. the hook call: POST {service}/cds-services/{id} with hook, hookInstance, context and the
   prefetch, or with no prefetch but fhirServer + fhirAuthorization so the service fetches.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import requests

HOOK_TIMEOUT_SECONDS = 60.0
_UNFILLED = re.compile(r"\{\{.*?\}\}")


class FhirReader(Protocol):
    """What the EHR needs of its FHIR server (scripts.fhir_server.LocalFhirServer has it)."""

    base_url: str

    def get(self, query: str) -> dict[str, Any]: ...

    def search_all(self, query: str) -> list[dict[str, Any]]: ...


class EhrError(RuntimeError):
    """A step of the EHR's side failed (discovery unusable, service missing)."""


@dataclass(frozen=True, slots=True)
class Prefetch:
    data: dict[str, Any]  # key -> Bundle or resource, as sent
    queries: int
    resources: int
    left_out: tuple[str, ...]  # keys the EHR could not fill
    seconds: float


@dataclass(frozen=True, slots=True)
class HookAnswer:
    status: int
    body: Any  # the parsed JSON ({"cards": [...]} on 200), or the text when not JSON
    seconds: float

    @property
    def cards(self) -> list[dict[str, Any]]:
        if self.status != 200 or not isinstance(self.body, dict):
            return []
        cards = self.body.get("cards", [])
        return [c for c in cards if isinstance(c, dict)] if isinstance(cards, list) else []


def discover(session: requests.Session, base_url: str, hook: str) -> dict[str, Any]:
    """The service description for `hook` from GET /cds-services."""
    response = session.get(f"{base_url}/cds-services", timeout=30)
    if response.status_code != 200:
        raise EhrError(f"discovery answered {response.status_code}")
    services = response.json().get("services", [])
    for service in services:
        if isinstance(service, dict) and service.get("hook") == hook:
            return service
    raise EhrError(f"discovery lists no service for the {hook} hook")


def fill_template(template: str, context: Mapping[str, str]) -> str | None:
    """The query with `{{context.X}}` replaced, or None when a token is left the EHR cannot fill."""
    query = template
    for name, value in context.items():
        query = query.replace("{{context." + name + "}}", value)
    return None if _UNFILLED.search(query) else query


def prefetch(
    fhir: FhirReader, templates: Mapping[str, str], context: Mapping[str, str]
) -> Prefetch:
    """Run every template against the EHR's FHIR server, as an EHR fills prefetch."""
    started = time.perf_counter()
    data: dict[str, Any] = {}
    left_out: list[str] = []
    count = 0
    for key, template in templates.items():
        query = fill_template(template, context)
        if query is None:
            left_out.append(key)
            continue
        try:
            if "?" in query:
                resources = fhir.search_all(query)
                data[key] = {
                    "resourceType": "Bundle",
                    "type": "searchset",
                    # A searchset's total counts its matches: not the informational
                    # OperationOutcome a server may add to a page (sekmet, Epic).
                    "total": sum(
                        1 for r in resources if r.get("resourceType") != "OperationOutcome"
                    ),
                    "entry": [
                        {
                            "fullUrl": f"{fhir.base_url}/{r['resourceType']}/{r['id']}",
                            "resource": r,
                        }
                        for r in resources
                    ],
                }
                count += len(resources)
            else:
                data[key] = fhir.get(query)
                count += 1
        except requests.HTTPError:
            left_out.append(key)  # e.g. 404 on an instance read: the service decides
    return Prefetch(
        data=data,
        queries=len(templates) - len(left_out),
        resources=count,
        left_out=tuple(left_out),
        seconds=time.perf_counter() - started,
    )


def hook_request(
    hook: str,
    context: Mapping[str, Any],
    *,
    prefetch: Mapping[str, Any] | None = None,
    fhir_server: str | None = None,
    access_token: str | None = None,
) -> dict[str, Any]:
    """A CDS Hooks 2.0 request body: a fresh hookInstance, the context, and either prefetch or
    fhirServer (+ fhirAuthorization) or both."""
    body: dict[str, Any] = {
        "hook": hook,
        "hookInstance": str(uuid.uuid4()),
        "context": dict(context),
    }
    if fhir_server:
        body["fhirServer"] = fhir_server
        if access_token:
            body["fhirAuthorization"] = {
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": 300,
                "scope": "patient/*.read",
                "subject": "trd-cds-demo",
                "patient": context.get("patientId"),
            }
    if prefetch is not None:
        body["prefetch"] = dict(prefetch)
    return body


def call_hook(
    session: requests.Session, base_url: str, service_id: str, body: Mapping[str, Any]
) -> HookAnswer:
    """POST the hook call; the answer whatever its status (the caller judges it)."""
    started = time.perf_counter()
    response = session.post(
        f"{base_url}/cds-services/{service_id}", json=body, timeout=HOOK_TIMEOUT_SECONDS
    )
    seconds = time.perf_counter() - started
    try:
        parsed: Any = response.json()
    except ValueError:
        parsed = response.text[:500]
    return HookAnswer(status=response.status_code, body=parsed, seconds=seconds)
