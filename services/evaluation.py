"""The seam between the protocol layer and the decision services.

`cds_hooks` gathers the resources (prefetch and fetches) and calls `evaluate()`; this module maps
them to a PatientRecord (fhir_mapping) and runs the hook's rules. Nothing here knows HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from fhir_mapping import build
from fhir_mapping.record import PatientRecord
from services import data_gaps
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation

ORDER_HOOKS = frozenset({"order-select", "order-sign"})


@dataclass(frozen=True, slots=True)
class HookInput:
    service_id: str
    hook: str  # "patient-view" | "order-select" | "order-sign"
    hook_instance: str
    patient_id: str | None  # bare logical id ("Patient/" prefix already stripped)
    resources: Sequence[Mapping[str, Any]]  # every resource from prefetch and fetches, flattened
    as_of: date
    draft_orders: Sequence[Mapping[str, Any]] = ()  # resources of context.draftOrders
    selections: Sequence[str] = ()  # context.selections ("MedicationRequest/abc")
    user_id: str | None = None
    encounter_id: str | None = None
    # What the protocol layer could not obtain, by resource type -> why: a prefetch key neither
    # sent nor fetchable (`unavailable`), a prefetched Bundle whose next pages could not be read
    # (`incomplete`). The record turns them into DataGaps so no card claims an absence it could
    # not see (issue 10).
    unavailable: Mapping[str, str] = field(default_factory=dict)
    incomplete: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Evaluation:
    record: PatientRecord
    recommendations: tuple[Recommendation, ...]


def evaluate(hook_input: HookInput, policy: Policy) -> Evaluation:
    """Map the resources to a record and run the hook's rules; recommendations come ordered
    critical, warning, info, one per topic at most. A hook this service does not know gets no
    recommendations."""
    record = build.build_record(
        hook_input.resources,
        as_of=hook_input.as_of,
        patient_id=hook_input.patient_id,
        policy=policy.mapping,
        draft_orders=hook_input.draft_orders,
        unavailable=hook_input.unavailable,
        incomplete=hook_input.incomplete,
    )
    if hook_input.hook == "patient-view":
        recommendations = patient_view(record, policy)
    elif hook_input.hook in ORDER_HOOKS:
        # order-select names the newly selected drafts; order-sign checks every draft.
        selections = hook_input.selections if hook_input.hook == "order-select" else ()
        recommendations = order_hook(record, policy, hook=hook_input.hook, selections=selections)
    else:
        recommendations = ()
    if hook_input.hook in ORDER_HOOKS or hook_input.hook == "patient-view":
        recommendations = data_gaps.annotate(recommendations, record)
    if record.patient.deceased:
        # Issue 11 item 14: no cards for a deceased patient at any hook, not even data quality.
        recommendations = ()
    return Evaluation(record=record, recommendations=recommendations)
