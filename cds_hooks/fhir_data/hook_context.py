"""Checks that a hook call is about one patient, with the context its hook is defined by.

Issue 10 3a: required context fields are checked per hook (a 400 naming them, not a 412 or an
empty answer), and a prefetch that holds clinical data, none of it the context patient's, is a
broken request (a 400, not cards about nobody). Mixed data is read for the context patient alone;
the mapping reports the rest on the cards.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cds_hooks.errors import BadRequest, PreconditionFailed
from cds_hooks.models.request import HookRequest
from fhir_mapping.build import has_own_resource, patient_counts

# CDS Hooks 2.0.1 hook definitions (patient-view 1.0, order-select 1.0, order-sign 1.1): the
# context fields each hook marks REQUIRED and this service reads. `userId` is required by the
# spec too, but nothing here reads it, and refusing a call over it would only hide cards.
REQUIRED_CONTEXT: dict[str, tuple[str, ...]] = {
    "patient-view": ("patientId",),
    "order-select": ("patientId", "selections", "draftOrders"),
    "order-sign": ("patientId", "draftOrders"),
}


def missing_context(request: HookRequest) -> list[str]:
    """The context fields the hook requires that the request lacks (or sends empty)."""
    return [name for name in REQUIRED_CONTEXT.get(request.hook, ()) if _state(request, name)]


# Required fields an empty list still fills. CDS Hooks 2.0 order-select makes `selections`
# REQUIRED, an array of the newly selected orders' ids, and sets no minimum: `selections: []` is
# sent, and read as selections that name no draft order (cds_hooks/order_drafts.py: every draft
# is checked, and the cards say so), never refused (review s28 RG finding 4; before, a 400).
EMPTY_ALLOWED = frozenset({"selections"})


def _state(request: HookRequest, name: str) -> str | None:
    """ "missing", "empty" (a list with nothing in it, for a field an empty list does not fill),
    or None when the field is there."""
    value = getattr(request.context, name, None)
    if value is None:
        return "missing"
    if isinstance(value, list) and not value and name not in EMPTY_ALLOWED:
        return "empty"
    return None


def require_context(request: HookRequest) -> None:
    absent = missing_context(request)
    if not absent:
        return
    # A field sent empty is said to be empty, not missing: saying "missing" sends an integration
    # engineer looking for a field their EHR does send (review 19 R2 M4).
    states = {name: _state(request, name) for name in absent}
    empty = [name for name in absent if states[name] == "empty"]
    said = "; ".join(f"context.{name} is {states[name]}" for name in absent)
    details: dict[str, Any] = {"missingContext": absent}
    if empty:
        details["emptyContext"] = empty
    raise BadRequest(
        f"hook {request.hook!r} requires context.{', context.'.join(absent)}: {said}",
        details=details,
        cause="missing-context" if len(empty) < len(absent) else "empty-context",
        fields=tuple(f"context.{name}" for name in absent),
    )


def require_one_patient(
    request: HookRequest,
    resources: list[dict[str, Any]],
    served: Sequence[dict[str, Any]] = (),
) -> None:
    """Refuse a call none of whose clinical resources is about context.patientId. `served`:
    those of `resources` read from the FHIR server (Gathered.served). When another patient's
    came from there (a server that ignores `?patient=`: review s21 RC M1), the request is not
    at fault: a 412 (the CDS Hooks 2.0 answer when the service cannot obtain the data it needs,
    https://cds-hooks.hl7.org/2.0/#prefetch-template) names the FHIR server, as a Patient read
    the server does not know does (prefetch_fetch.UNKNOWN_PATIENT); a 502 was weighed and not
    chosen, since EHRs read a 412 as "the data could not be had" and show no stale cards."""
    patient_id = request.context.patientId
    if patient_id is None:
        return
    if has_own_resource(resources, patient_id):
        return  # decided by the first of the patient's resources; the counts only name a refusal
    own, foreign = patient_counts(resources, patient_id)
    if own == 0 and foreign > 0:
        _own, from_server = patient_counts(list(served), patient_id) if served else (0, 0)
        if from_server:
            raise PreconditionFailed(
                f"none of the {foreign} clinical resources is about context.patientId: the FHIR "
                f"server answered the searches for this patient with {from_server} resources "
                "of another patient or none (does it ignore the ?patient= parameter?); the FHIR "
                "server, not the request, is to be checked",
                details={"foreignResources": foreign, "fromFhirServer": from_server},
                cause="fhir-server-other-patient",
                fields=("fhirServer",),
            )
        raise BadRequest(
            f"none of the {foreign} clinical resources in prefetch is about context.patientId: "
            "they name another patient or none",
            details={"foreignResources": foreign},
            cause="no-context-patient-data",
            fields=("context.patientId", "prefetch"),
        )
