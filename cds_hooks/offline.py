"""Evaluating a saved record or request without a server: the engine behind `trd-cds evaluate`.

Same pipeline as the HTTP path (prefetch rules, mapping, services, card rendering) minus what needs
state: no store (so no snoozes or order de-duplication) and no FHIR fetches.

The hook: a Bundle is run as the hook asked for (patient-view when none is); a request as its own
`hook`, with a warning when another was asked for; a request with a context but no `hook` (the
spec's context-only examples) as the hook asked for, and refused, naming "no hook", when none is
(review 19 R2 M5: an asked-for hook was ignored in silence, and a context-only file was refused
as having "no hook/context").
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

from cds_hooks.cards import to_cards
from cds_hooks.errors import BadRequest
from cds_hooks.fhir_data.hook_context import (
    REQUIRED_CONTEXT,
    require_context,
    require_one_patient,
)
from cds_hooks.fhir_data.prefetch import gather, hook_input, resources_in
from cds_hooks.models.card import CdsResponse
from cds_hooks.models.request import HookRequest
from cds_hooks.order_drafts import checked_drafts
from services import catalog
from services.evaluation import Evaluation, HookInput, evaluate
from services.policy import Policy
from services.required_gap import may_hold_signal, safety_only


class OfflineInputError(ValueError):
    """The file is neither a Bundle with one patient nor a usable CDS Hooks request."""


BUNDLE_HOOK = "patient-view"  # the hook a Bundle is run as when none is asked for
# A FHIR resource type name (FHIR R4 "Resource.resourceType"; the longest R4 name is 38 letters).
_TYPE_NAME = re.compile(r"[A-Z][A-Za-z]{0,63}")


@dataclass(frozen=True, slots=True)
class OfflineResult:
    response: CdsResponse
    evaluation: Evaluation
    warnings: tuple[str, ...] = ()  # what the caller asked for that was not done, and why


def evaluate_document(
    document: Any, *, hook: str | None, as_of: date, policy: Policy
) -> OfflineResult:
    """`hook`: the hook asked for, None when none was (module docstring)."""
    if not isinstance(document, dict):
        raise OfflineInputError(
            "the file must hold a JSON object (a FHIR Bundle or a CDS Hooks request)"
        )
    if document.get("resourceType") == "Bundle":
        return _from_bundle(document, hook=hook or BUNDLE_HOOK, as_of=as_of, policy=policy)
    if "context" not in document:
        raise OfflineInputError(
            f"the file is neither a FHIR Bundle nor a CDS Hooks request ({_found(document)})"
        )
    if "hook" not in document:
        if hook is None:
            known = ", ".join(s.hook for s in catalog.services())
            raise OfflineInputError(
                f"the request has a context but no hook: name one with --hook ({known})"
            )
        # A context-only fragment: the hook asked for, and an instance id of its own (nothing
        # offline is stored under it).
        document = {"hookInstance": str(uuid.uuid4()), **document, "hook": hook}
        return _from_request(document, as_of=as_of, policy=policy)
    result = _from_request(document, as_of=as_of, policy=policy)
    sent = document.get("hook")
    if hook is not None and hook != sent:
        ignored = f"--hook {hook} is ignored: the file's request names hook {sent!r}, which is run"
        return OfflineResult(result.response, result.evaluation, (ignored,))
    return result


def _found(document: Mapping[str, Any]) -> str:
    """What a file that is neither holds: its resourceType when that reads as a type name (a
    misspelt "Bundel" is then plain to see: review s26 RX finding 5), and no context. No other
    value of the file is repeated."""
    kind = document.get("resourceType")
    if isinstance(kind, str) and _TYPE_NAME.fullmatch(kind):
        return f"resourceType {kind!r}, no context"
    if kind is not None:
        return "a resourceType that is not a FHIR type name, no context"
    return "no resourceType, no context"


def _service_for(hook: str) -> catalog.ServiceDefinition:
    for service in catalog.services():
        if service.hook == hook:
            return service
    known = ", ".join(s.hook for s in catalog.services())
    raise OfflineInputError(f"no service handles hook {hook!r} (known: {known})")


def _from_bundle(
    bundle: Mapping[str, Any], *, hook: str, as_of: date, policy: Policy
) -> OfflineResult:
    resources, _skipped = resources_in(bundle)
    patients = {r.get("id") for r in resources if r.get("resourceType") == "Patient"}
    if len(patients) != 1:
        raise OfflineInputError(f"the Bundle must hold exactly one Patient, found {len(patients)}")
    patient_id = str(next(iter(patients)))
    service = _service_for(hook)
    _refuse_order_hook(hook)
    call = HookInput(
        service_id=service.id,
        hook=hook,
        hook_instance=str(uuid.uuid4()),
        patient_id=patient_id,
        resources=resources,
        as_of=as_of,
    )
    evaluation = evaluate(call, policy)
    return OfflineResult(CdsResponse(cards=to_cards(evaluation.recommendations)), evaluation)


def _refuse_order_hook(hook: str) -> None:
    """A Bundle holds a record, never the orders being placed: run as an order hook it gave
    `{"cards": []}`, read as "nothing to act on" though nothing was checked (review s26 RX
    finding 3). Over HTTP the same call lacks its required context and is a 400
    (hook_context.REQUIRED_CONTEXT, the one list of what each hook needs)."""
    needed = [f"context.{n}" for n in REQUIRED_CONTEXT.get(hook, ()) if n != "patientId"]
    if needed:
        raise OfflineInputError(
            f"{hook} needs {' and '.join(needed)}; a Bundle has none: send a CDS Hooks request "
            "(hook, context with the draft orders, prefetch), or run the Bundle as patient-view"
        )


def _from_request(document: Mapping[str, Any], *, as_of: date, policy: Policy) -> OfflineResult:
    from pydantic import ValidationError

    try:
        request = HookRequest.model_validate(document)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise OfflineInputError(f"invalid CDS Hooks request at {where}: {first['msg']}") from exc
    service = _service_for(request.hook)
    try:
        require_context(request)
    except BadRequest as exc:
        raise OfflineInputError(exc.message) from exc
    with ThreadPoolExecutor(max_workers=1) as executor:
        gathered = gather(
            service.prefetch,
            request,
            source=None,
            source_problem="offline evaluation does not fetch from a FHIR server",
            executor=executor,
            budget_seconds=1.0,
        )
    try:
        require_one_patient(request, gathered.resources)
    except BadRequest as exc:
        raise OfflineInputError(exc.message) from exc
    missing = gathered.required_missing(service.required)
    # The order hooks' context checked as the HTTP path checks it (runner.py): a draft whose
    # medication has no readable shape is named offline too, not only over HTTP.
    call = checked_drafts(hook_input(service.id, request, gathered, as_of))
    if missing and not may_hold_signal(call):
        raise OfflineInputError(f"required prefetch data could not be had: {_reasons(missing)}")
    evaluation = evaluate(call, policy)
    if missing:
        # The critical cards the missing keys cannot overturn, alone, else the refusal, as over
        # HTTP (runner.py; services/required_gap.py: review K51b finding 2, session 37 hooks47).
        alone = safety_only(evaluation, policy, missing)
        if alone is None:
            raise OfflineInputError(f"required prefetch data could not be had: {_reasons(missing)}")
        evaluation = alone
    return OfflineResult(CdsResponse(cards=to_cards(evaluation.recommendations)), evaluation)


def _reasons(missing: Mapping[str, str]) -> str:
    """ "a, b (why); c (why)": the keys with one reason named together, as the 412's
    `details.missing` gives them one by one."""
    by_reason: dict[str, list[str]] = {}
    for key, why in missing.items():
        by_reason.setdefault(why, []).append(key)
    return "; ".join(f"{', '.join(keys)} ({why})" for why, keys in by_reason.items())


def document_resources(document: Any) -> list[dict[str, Any]]:
    """Every FHIR resource a file holds: a Bundle's entries, or a request's prefetch values and
    draft orders (for `trd-cds evaluate --strict`)."""
    if not isinstance(document, dict):
        return []
    if document.get("resourceType") == "Bundle":
        return resources_in(document)[0]
    found: list[dict[str, Any]] = []
    prefetch = document.get("prefetch")
    for value in (prefetch or {}).values() if isinstance(prefetch, dict) else ():
        if isinstance(value, dict):
            found.extend(resources_in(value)[0])
    context = document.get("context")
    drafts = context.get("draftOrders") if isinstance(context, dict) else None
    if isinstance(drafts, dict):
        found.extend(resources_in(drafts)[0])
    return found
