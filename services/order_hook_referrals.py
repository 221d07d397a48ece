"""The draft referrals an order hook is about (PatientRecord.draft_referrals, read by
fhir_mapping/referrals.py), and which of them order a depression treatment.

Apart from order_hook_skips.py (the medication drafts' rules) because a ServiceRequest draft is
no DraftOrder: it has a kind ("tms", "ect", ...) and no role.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from fhir_mapping.psychotherapy_maybe import MAYBE
from fhir_mapping.record import PatientRecord, Referral

# The referral kinds that start or change the treatment of the depression (review K65a finding
# 1): TMS, ECT, an esketamine session (a HCPCS-coded ServiceRequest; the Spravato
# MedicationRequest is an augmentation draft), psychotherapy (and a "referral to therapist" read
# as maybe psychotherapy) and a psychiatry referral (how this service codes its own TMS and ECT
# evaluation proposals). The suicide-risk card speaks beside each, as beside an antidepressant
# draft (order_hook_cards.suicide_risk_card): a TMS or ECT order drafted beside PHQ-9 item 9 = 3
# got only the TMS-exclusion warning, or no card at all, while sertraline drafted on the same
# chart got the critical card. Counting psychotherapy and psychiatry too is the safer reading: a
# false critical card costs a dismissal, a quiet one an unassessed risk at a treatment change.
# A suicide-risk assessment request is no treatment (the card itself proposes it: left out),
# nor is a lab, CPAP or any referral outside these kinds (a dermatology referral is not read).
TREATMENT_KINDS = frozenset({"tms", "ect", "esketamine", "psychotherapy", MAYBE, "psychiatry"})


def selected_referrals(
    record: PatientRecord, selections: Sequence[str], kinds: Collection[str]
) -> list[Referral]:
    """The draft referrals of `kinds` the hook is about: those a selection names
    ("ServiceRequest/abc" or the bare id); all of them when there is no selection, or when no
    selection names any draft at all (the protocol layer's reading, cds_hooks/order_drafts.py:
    checking every draft is the safer one; a selection with the wrong resource type still names
    its draft's id)."""
    found = [r for r in record.draft_referrals if r.kind in kinds and r.source is not None]
    if not selections or not found:
        return found
    wanted = {s.rsplit("/", 1)[-1] for s in selections}
    chosen = [r for r in found if r.source is not None and r.source.id in wanted]
    if chosen:
        return chosen
    named_any = any(d.id in wanted for d in record.draft_orders) or any(
        r.source is not None and r.source.id in wanted for r in record.draft_referrals
    )
    return [] if named_any else found


def treatment_referrals(record: PatientRecord, selections: Sequence[str]) -> list[Referral]:
    """The selected draft referrals that order a depression treatment (`TREATMENT_KINDS`), each
    ServiceRequest once (one request may be read as two kinds: "psychiatry" and "tms")."""
    once: dict[str, Referral] = {}
    for referral in selected_referrals(record, selections, TREATMENT_KINDS):
        once.setdefault(str(referral.source), referral)
    return list(once.values())
