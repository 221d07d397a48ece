"""What the record says the patient declined, said beside the option on the optimise card: ECT
refused (a Procedure `not-done` with a refusal as its statusReason: FindingKind.ECT_DECLINED,
fhir_mapping/procedure_refusals.py). Review 16 W6: ECT was offered with nothing said after the
patient had declined it. It stays listed: a refusal is revisited as the depression goes on
resisting treatment, never read as a standing contraindication (the safer reading keeps the
option in front of the clinician with what happened)."""

from __future__ import annotations

from fhir_mapping.record import Finding, FindingKind, ProcedureKind
from services.rules.context import RuleContext


def ect_declined(ctx: RuleContext) -> Finding | None:
    """The latest ECT refusal on record, unless an ECT session is on record after it (the
    patient then had ECT: the ECT course lines speak)."""
    found = ctx.record.context.of(FindingKind.ECT_DECLINED)
    if not found:
        return None
    latest = max(found, key=lambda f: f.onset.toordinal() if f.onset is not None else 0)
    if latest.onset is not None and any(
        p.kind is ProcedureKind.ECT and p.date is not None and p.date > latest.onset
        for p in ctx.record.procedures
    ):
        return None
    return latest


def option_notes(ctx: RuleContext) -> dict[str, str]:
    """Option -> its note for the options beyond medication (pathway_options.beyond_medication
    `notes`): "ect": 'declined, "Patient declined ECT", recorded 2025-02-03: revisit with the
    patient'. The date is the one the record gives the refusal (performed[x], else the
    resource's meta.lastUpdated), so it is "recorded", not the day of the decision."""
    refusal = ect_declined(ctx)
    if refusal is None:
        return {}
    when = f"recorded {refusal.onset.isoformat()}" if refusal.onset is not None else "undated"
    words = refusal.display.strip()
    said = f' "{words}",' if words and words.lower() not in ("refused", "declined") else ""
    return {"ect": f"declined,{said} {when}: revisit with the patient"}
