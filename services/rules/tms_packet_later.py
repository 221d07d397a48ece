"""The TMS referral's summary (the packet) built after every hold of the screen (issue 14).

A hold that takes the referral off the card (a critical safety card on the screen:
hold_survival.critical_card_held; an inpatient stay; a step the card puts first) threw away the
packet built for it, about a tenth of a first sight. In run_rules the card is made with a
placeholder instead: the same create action of a DocumentReference, with the same description,
at the same place, which `build` swaps for the packet on what is still offered once every hold
has spoken. Why the holds read the same card: each reads an action by its resourceType alone
(hold_survival.action_kind, keeps_packet; cds_hooks/cards.attaches_document after run_rules),
and data/hold_survival.csv holds a DocumentReference (a referral) exactly when it holds the
referral's ServiceRequest (SNOMED 183524004, never urgent: a referral too), so no hold keeps the
one while it takes the other; none reads the request's supportingInfo or the document's content,
the only parts still to come. tests/services/test_packet_later.py pins the screens field for field
against the packet built at once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from fhir_mapping.record import PatientRecord
from services.packet import ATTACH_DESCRIPTION, attach_packet, attaches
from services.packet.page import EVALUATE, Evaluate
from services.pathway import PathwayFacts
from services.payer_criteria import PayerEvaluation
from services.policy import Policy
from services.recommendation import Action, Recommendation, Suggestion
from services.rules import tms_referral
from services.rules.context import RuleContext
from services.screen import with_fields


class _Later(dict[str, Any]):
    """A DocumentReference still to build: what attach_packet needs, kept beside the type the
    holds read."""

    __slots__ = ("facts", "payer", "policy", "record")

    def __init__(
        self,
        record: PatientRecord,
        facts: PathwayFacts,
        policy: Policy,
        payer: PayerEvaluation | None | Evaluate,
    ) -> None:
        super().__init__(resourceType="DocumentReference")
        self.record = record
        self.facts = facts
        self.policy = policy
        self.payer = payer


def _later(
    suggestion: Suggestion,
    record: PatientRecord,
    facts: PathwayFacts,
    policy: Policy,
    *,
    payer: PayerEvaluation | None | Evaluate = EVALUATE,
) -> Suggestion:
    """attach_packet's shape of `suggestion` (its action appended when it attaches one), the
    document a placeholder `build` fills in."""
    if not attaches(suggestion, record):
        return suggestion
    placeholder = _Later(record, facts, policy, payer)
    action = Action(type="create", description=ATTACH_DESCRIPTION, resource=placeholder)
    return dataclasses.replace(suggestion, actions=(*suggestion.actions, action))


def rule(ctx: RuleContext) -> Recommendation | None:
    """tms_referral.rule, its packet left to `build`."""
    return tms_referral.rule(ctx, attach=_later)


def build(recs: Sequence[Recommendation]) -> list[Recommendation]:
    """`recs` with each placeholder still offered swapped for its packet, as attach_packet
    would have attached it when the card was made (the request's supportingInfo naming it)."""
    return [_built(rec) for rec in recs]


def _built(rec: Recommendation) -> Recommendation:
    if not any(_pending(s) for s in rec.suggestions):
        return rec
    return with_fields(rec, suggestions=tuple(map(_filled, rec.suggestions)))


def _pending(suggestion: Suggestion) -> bool:
    return bool(suggestion.actions) and isinstance(suggestion.actions[-1].resource, _Later)


def _filled(suggestion: Suggestion) -> Suggestion:
    if not _pending(suggestion):
        return suggestion
    later = suggestion.actions[-1].resource
    assert isinstance(later, _Later)
    bare = dataclasses.replace(suggestion, actions=suggestion.actions[:-1])
    return attach_packet(bare, later.record, later.facts, later.policy, payer=later.payer)
