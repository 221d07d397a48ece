"""The packet attached to a referral suggestion: one more create action, and the link to it."""

from __future__ import annotations

import dataclasses
from typing import Protocol

from fhir_mapping.record import PatientRecord
from services.packet.document import packet_document_of, supporting_reference
from services.packet.page import EVALUATE, TITLE, Evaluate, packet_parts
from services.pathway import PathwayFacts
from services.payer_criteria import PayerEvaluation
from services.policy import Policy
from services.recommendation import Action, Suggestion

ATTACH_DESCRIPTION = f"Attach the {TITLE} (DocumentReference) to the referral"


class Attach(Protocol):
    """`attach_packet`'s signature: what puts the packet on a referral suggestion (a rule may be
    given another that builds it later: services/rules/tms_packet_later.py)."""

    def __call__(
        self,
        suggestion: Suggestion,
        record: PatientRecord,
        facts: PathwayFacts,
        policy: Policy,
        *,
        payer: PayerEvaluation | None | Evaluate = EVALUATE,
    ) -> Suggestion: ...


def attach_packet(
    suggestion: Suggestion,
    record: PatientRecord,
    facts: PathwayFacts,
    policy: Policy,
    *,
    payer: PayerEvaluation | None | Evaluate = EVALUATE,
) -> Suggestion:
    """`suggestion` with the packet attached to its ServiceRequest: `supportingInfo` names a
    DocumentReference that a second create action of the same suggestion carries. Unchanged when
    there is no ServiceRequest to attach to (no patient id: no resource is proposed). `payer` as
    render_packet's: a rule that has already evaluated the payer criteria on this record, facts
    and policy passes its evaluation (issue 14: not computed twice)."""
    patient_id = record.patient.id
    index = _request_index(suggestion)
    if patient_id is None or index is None:
        return suggestion
    action = suggestion.actions[index]
    assert action.resource is not None
    # The page's parts encoded one by one (page.packet_parts: most are ASCII), as
    # render_packet(...).encode("utf-8") would be.
    parts = packet_parts(record, policy, facts=facts, payer=payer)
    document = packet_document_of(
        patient_id=patient_id,
        data=b"".join([part.encode("utf-8") for part in parts]),
        created=record.as_of,
    )
    request = {
        **action.resource,
        "supportingInfo": [
            *action.resource.get("supportingInfo", ()),
            supporting_reference(document),
        ],
    }
    actions = list(suggestion.actions)
    actions[index] = dataclasses.replace(action, resource=request)
    actions.append(Action(type="create", description=ATTACH_DESCRIPTION, resource=document))
    return dataclasses.replace(suggestion, actions=tuple(actions))


def attaches(suggestion: Suggestion, record: PatientRecord) -> bool:
    """Whether attach_packet(suggestion, record, ...) attaches the packet (a DocumentReference
    action more), without building it."""
    return record.patient.id is not None and _request_index(suggestion) is not None


def _request_index(suggestion: Suggestion) -> int | None:
    """The index of the suggestion's first create action of a ServiceRequest, if any."""
    return next(
        (
            i
            for i, a in enumerate(suggestion.actions)
            if a.type == "create"
            and a.resource is not None
            and a.resource.get("resourceType") == "ServiceRequest"
        ),
        None,
    )
