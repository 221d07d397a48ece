"""TRD on the problem list while the chart documents fewer adequate failed trials than TRD needs:
the history is outside the chart, so the adherence card asks for it to be recorded before
anything is escalated on it (no TMS on zero trials). Split from rules/adherence_review.py (one
idea a module), whose names they stay."""

from __future__ import annotations

from fhir_mapping.record import FindingKind
from services import cards
from services.rules.context import RuleContext


def undocumented_trd(ctx: RuleContext) -> bool:
    """TRD coded on the problem list but fewer adequate failed trials in the chart than TRD needs."""
    return (
        bool(ctx.facts.findings_of(FindingKind.TRD))
        and len(ctx.facts.failed_trials) < ctx.policy.trd_min_failed_trials
    )


def undocumented_trd_text(ctx: RuleContext) -> tuple[str, str]:
    """(summary, detail bullet) for TRD on the problem list without the trials to show for it."""
    finding = ctx.facts.findings_of(FindingKind.TRD)[0]
    count = len(ctx.facts.failed_trials)
    onset = f" {finding.onset_phrase}" if finding.onset_phrase else ""
    if ctx.record.antidepressant_trials():
        chart = f"{count} adequate failed trial{'' if count == 1 else 's'} in the chart"
    else:
        chart = "no antidepressant trial in the chart"
    summary = cards.fit_summary(
        f"Treatment-resistant depression on the problem list but {chart}: record the treatment "
        "history",
        f"TRD on the problem list but {chart}: record the treatment history",
    )
    bullet = (
        f"- **{finding.display}** ({finding.coding}{onset}) is on the problem list, "
        f"but the chart documents {chart} (TRD needs "
        f"{ctx.policy.trd_min_failed_trials}). Record the earlier trials (drug, mg/day, weeks, "
        "adherence, response) and confirm adherence with the patient or pharmacy before "
        "escalating; until then no TMS referral is suggested on this basis."
    )
    return summary, bullet
