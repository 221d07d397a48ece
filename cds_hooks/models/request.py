"""CDS Hooks 2.0.1 request models (#http-request).

Tolerant where real EHRs deviate harmlessly (unknown fields, `patientId` written as
`Patient/123`, a draftOrders Bundle without `type`), strict where a wrong type would mislead the
service (hook and hookInstance must be strings, context must be an object).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from cds_hooks.models.text import StoredText


def strip_reference(value: str | None, resource_type: str) -> str | None:
    """`Patient/123` -> `123`; a bare id is returned as is."""
    if value is None:
        return None
    prefix = f"{resource_type}/"
    value = value.strip()
    if value.startswith(prefix):
        value = value[len(prefix) :]
    return value or None


# The fields CDS Hooks 2.0.1 #passing-the-access-token-to-the-cds-service marks REQUIRED besides
# access_token. Only `token_type` decides how the token is sent; the rest are tolerated when
# absent (EHRs differ: review s24 M4) and named in the log (`HookRequest.spec_warnings`).
_AUTHORIZATION_REQUIRED = ("token_type", "expires_in", "scope", "subject")


class FhirAuthorization(BaseModel):
    """#passing-the-access-token-to-the-cds-service. Never logged, never stored."""

    model_config = ConfigDict(extra="allow")
    access_token: str = Field(min_length=1)
    token_type: str = "Bearer"
    expires_in: int | None = None
    scope: str | None = None
    subject: str | None = None
    patient: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        """A required field sent as null ("token_type": null) is read as one left out: the
        default (Bearer), named by name in the log (`absent_fields`), not a 400 (review s24 RB
        finding 9: a missing token_type was accepted, a null one refused)."""
        if isinstance(data, dict) and any(
            k in data and data[k] is None for k in _AUTHORIZATION_REQUIRED
        ):
            return {
                k: v for k, v in data.items() if not (k in _AUTHORIZATION_REQUIRED and v is None)
            }
        return data

    @field_validator("token_type")
    @classmethod
    def _bearer(cls, value: str) -> str:
        """The spec's only token type is "Bearer" (OAuth 2.0 RFC 6750; the name is
        case-insensitive, RFC 6749 5.1). The service sends the token as a Bearer token, so any
        other type (a MAC or DPoP token) would be sent as what it is not: refused, 400, rather
        than presented in a form its server did not issue (review s24 M4)."""
        if value.strip().lower() != "bearer":
            raise ValueError('fhirAuthorization.token_type must be "Bearer"')
        return "Bearer"

    def absent_fields(self) -> list[str]:
        """The names (never values) of the spec's required fields the EHR left out."""
        return [name for name in _AUTHORIZATION_REQUIRED if name not in self.model_fields_set]

    def __repr__(self) -> str:  # keep the token out of tracebacks and debug output
        return "FhirAuthorization(access_token='***')"

    __str__ = __repr__


class HookContext(BaseModel):
    """The union of the contexts of patient-view, order-select and order-sign."""

    model_config = ConfigDict(extra="allow")
    userId: str | None = None
    patientId: str | None = None
    encounterId: str | None = None
    selections: list[str] | None = None
    draftOrders: dict[str, Any] | None = None

    @field_validator("patientId")
    @classmethod
    def _bare_patient_id(cls, value: str | None) -> str | None:
        return strip_reference(value, "Patient")

    @field_validator("encounterId")
    @classmethod
    def _bare_encounter_id(cls, value: str | None) -> str | None:
        return strip_reference(value, "Encounter")

    @field_validator("draftOrders")
    @classmethod
    def _draft_orders_is_bundle(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is None:
            return None
        if value.get("resourceType") != "Bundle":
            raise ValueError("context.draftOrders must be a FHIR Bundle")
        entries = value.get("entry", [])
        if not isinstance(entries, list):
            raise ValueError("context.draftOrders.entry must be an array")
        problem = _entries_problem(entries)
        if problem is not None:
            raise ValueError(problem)
        return value


# A FHIR id (R4 datatypes #id): only one of this shape is repeated in a refusal's message; any
# other text the caller sent is named by its entry's position alone (review s25 RP L3: a message
# names the field, not what the caller wrote there).
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")


def _entries_problem(entries: list[Any]) -> str | None:
    """Why the draftOrders entries cannot be read as draft orders, or None.

    Each entry must be an object carrying a resource object with a resourceType: anything else
    was left out in silence (review s27 RD finding 2: `entry[0].resource` sent as an array held
    a phenelzine draft beside running sertraline, and the answer was `{"cards": []}`). A draft
    the service cannot read may be the order being signed, so the EHR is told (400), as it is for
    draftOrders that are not a Bundle. A resource of a type the service does not check (a
    NutritionOrder) is no shape error: it is read as the type it names.

    Two entries with the same resourceType and id are refused too (review s27 RD finding 7: two
    venlafaxine drafts both `d-ven`, at 75 and 150 mg, were merged without a word): `selections`
    name draft orders by id, so the order a selection means is ambiguous. Drafts without an id
    (some EHRs send none) are never compared."""
    seen: dict[tuple[str, str], int] = {}
    for i, entry in enumerate(entries):
        where = f"context.draftOrders.entry[{i}]"
        if not isinstance(entry, dict):
            return f"{where} must be a Bundle entry (an object), not {_json_kind(entry)}"
        resource = entry.get("resource")
        if resource is None:
            return f"{where} has no resource: each draft order entry carries its resource"
        if not isinstance(resource, dict):
            return f"{where}.resource must be a FHIR resource (object), not {_json_kind(resource)}"
        kind = resource.get("resourceType")
        if not isinstance(kind, str) or not kind.strip():
            return f"{where}.resource has no resourceType"
        rid = resource.get("id")
        if not isinstance(rid, str) or not rid.strip():
            continue
        first = seen.setdefault((kind, rid.strip()), i)
        if first != i:
            named = f"{kind}/{rid.strip()}" if _FHIR_ID.fullmatch(rid.strip()) else "its id"
            return (
                f"{where}.resource repeats {named} of context.draftOrders.entry[{first}]: each "
                "draft order's id must be unique within the Bundle (selections name orders by id)"
            )
    return None


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null" if value is None else "not an object"


class HookRequest(BaseModel):
    model_config = ConfigDict(extra="allow")
    hook: str = Field(min_length=1, max_length=200)
    hookInstance: StoredText = Field(min_length=1, max_length=200)  # kept with issued cards
    fhirServer: str | None = Field(None, max_length=2000)
    fhirAuthorization: FhirAuthorization | None = None
    context: HookContext
    prefetch: dict[str, Any] | None = None

    def __repr__(self) -> str:
        return f"HookRequest(hook={self.hook!r}, hookInstance={self.hookInstance!r})"

    def spec_warnings(self) -> list[str]:
        """What the request gets wrong that the service tolerates, for the log (no values).

        `fhirAuthorization` without `fhirServer` breaks #http-request_1 ("fhirServer ...
        If fhirAuthorization is provided, this field is REQUIRED"; invariant cds-r-1). It is
        accepted, not refused (review 8 finding 7): the data to act on is in prefetch, and a
        400 would leave the clinician with no cards at all over a field the service can do
        without. But it is an EHR misconfiguration that later shows up as unexplained 412s
        (nothing can be fetched), so the log names it.

        A `fhirAuthorization` without some of its required fields (expires_in, scope, subject,
        token_type: read as Bearer) is answered too (review s24 M4: EHRs differ), and the log
        names the fields once, by name: their values (a scope, a client id) are never logged."""
        problems: list[str] = []
        authorization = self.fhirAuthorization
        if authorization is not None and not self.fhirServer:
            problems.append(
                "fhirAuthorization is given without fhirServer, which the spec then requires"
            )
        if authorization is not None and (absent := authorization.absent_fields()):
            problems.append(f"fhirAuthorization lacks {', '.join(absent)}, which the spec requires")
        return problems
