"""What the record says the patient declined, said beside the option on the optimise card: ECT
refused (a Procedure `not-done` with a refusal as its statusReason: FindingKind.ECT_DECLINED,
fhir_mapping/procedure_refusals.py), or an ECT referral completed with no session on record
(review s29 RK finding 4). Review 16 W6: ECT was offered with nothing said after the
patient had declined it. It stays listed: a refusal is revisited as the depression goes on
resisting treatment, never read as a standing contraindication (the safer reading keeps the
option in front of the clinician with what happened)."""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import Finding, FindingKind, ProcedureKind
from services import cards
from services.rules.context import RuleContext


def ect_declined(ctx: RuleContext) -> Finding | None:
    """The latest ECT refusal on record, unless an ECT session is on record after it (the
    patient then had ECT: the ECT course lines speak)."""
    return latest_declined(ctx, FindingKind.ECT_DECLINED, ProcedureKind.ECT)


def latest_declined(ctx: RuleContext, refused: FindingKind, kind: ProcedureKind) -> Finding | None:
    """The latest refusal of `refused` on record, unless a session of `kind` is on record after
    it (ECT here; TMS on the TMS card, services/rules/tms_referral_notes.py)."""
    found = ctx.record.context.of(refused)
    if not found:
        return None
    latest = max(found, key=lambda f: f.onset.toordinal() if f.onset is not None else 0)
    if latest.onset is not None and any(
        p.kind is kind and p.date is not None and p.date > latest.onset
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
        referred = ect_referral_completed(ctx)
        return {"ect": referred} if referred else {}
    when = f"recorded {refusal.onset.isoformat()}" if refusal.onset is not None else "undated"
    words = refusal.display.strip()
    said = f' "{words}",' if words and words.lower() not in ("refused", "declined") else ""
    return {"ect": f"declined,{said} {when}: revisit with the patient"}


def ect_referral_completed(ctx: RuleContext) -> str:
    """An ECT referral `completed` with no ECT session on record on or after its day (review s29
    RK finding 4, chart e6): said on the ECT line as the TMS criteria say a completed TMS
    referral (services/payer_criteria/retreatment.py), so ECT is not offered as if no one had
    looked at it. Completed says the referral was dealt with (R4 request-status), not that ECT
    was given: the Maudsley ECT points stay 0 and the card asks. "" when there is none."""
    done = [r for r in ctx.record.referrals if r.kind == "ect" and r.status == "completed"]
    if not done:
        return ""
    last = max(done, key=lambda r: r.authored or date.min)
    if any(
        p.kind is ProcedureKind.ECT
        and p.date is not None
        and (last.authored is None or p.date >= last.authored)
        for p in ctx.record.procedures
    ):
        return ""
    when = last.authored.isoformat() if last.authored else "date not recorded"
    # By its day; its id only when undated (cards.record_cite, session 21).
    where = cards.record_cite(last.source, last.authored is not None, ", {}")
    return (
        f"an earlier ECT referral was completed ({when}{where}); no sessions or outcome on "
        "record: ask the ECT service"
    )
