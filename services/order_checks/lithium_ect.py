"""Lithium and ECT at the order hooks (review 21 RF finding 1; the rule: services/lithium_ect.py).

Two ways in, one card topic:
- lithium drafted (a start, a raise or a renewal) while an ECT course is current (a session within
  policy.ect_recent_session_days, an open ECT order, or an ECT order on this same order):
  `lithium_draft_check`, an OrderCheck merged with the draft's other cards;
- an ECT ServiceRequest drafted while lithium runs: `ect_draft_check`, a card of its own (no drug
  draft to file it under).
A warning, not snoozable: a safety check of one order. Nothing is one click (holding the dose
before treatments is the ECT team's decision).
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import DraftOrder, Referral
from services import cards, lithium_ect
from services.order_checks.model import OrderCheck
from services.order_checks.stacking import running_dose
from services.recommendation import Recommendation
from services.rules.context import RuleContext

TOPIC = "order-lithium-ect"


def _summary(head: str, ect: lithium_ect.EctNow) -> str:
    when = f" ({ect.session_text()})" if ect.last_session else ""
    return cards.fit_summary(
        f"{head} during an ECT course{when}: agree with the ECT team whether to hold it before "
        "treatments",
        f"{head} during an ECT course{when}: hold before treatments? (ECT team)",
        f"{head} during an ECT course: agree holding it with the ECT team",
    )


def lithium_draft_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """Lithium drafted while an ECT course is current (an ECT order on this order counts)."""
    if draft.ingredient != lithium_ect.LITHIUM:
        return None
    ect = lithium_ect.ect_now(ctx.record, ctx.policy, ctx.record.draft_referrals)
    if ect is None:
        return None
    return OrderCheck(
        TOPIC,
        draft,
        _summary("Lithium ordered", ect),
        lithium_ect.line("lithium ordered", ect),
    )


def ect_drafts(ctx: RuleContext, selections: Sequence[str]) -> list[Referral]:
    """The drafted ECT ServiceRequests the hook is about: those a selection names, else all."""
    found = [r for r in ctx.record.draft_referrals if r.kind == "ect"]
    if not selections:
        return found
    wanted = {s.rsplit("/", 1)[-1] for s in selections}
    chosen = [r for r in found if r.source is not None and r.source.id in wanted]
    return chosen or found


def ect_draft_check(
    ctx: RuleContext, selections: Sequence[str], drafted_lithium: bool
) -> Recommendation | None:
    """An ECT order drafted while lithium runs; None when lithium is also on this order (the
    lithium draft's own card says it) or not running."""
    drafts = ect_drafts(ctx, selections)
    if not drafts or drafted_lithium:
        return None
    trial = lithium_ect.running_lithium(ctx.facts.augmentations)
    if trial is None:
        return None
    ect = lithium_ect.ect_now(ctx.record, ctx.policy, drafts)
    if ect is None:  # not reached: a drafted ECT order makes the course current
        return None
    keys = ",".join(f"{r.source or 'ect'}:{TOPIC}" for r in drafts)
    return cards.make(
        TOPIC,
        summary=cards.fit_summary(
            "ECT ordered with lithium running: agree with the ECT team whether to hold lithium "
            "before treatments",
            "ECT ordered with lithium running: hold lithium before treatments? (ECT team)",
        ),
        detail=lithium_ect.line(running_dose(trial), ect),
        dedupe_key=keys,
    )
