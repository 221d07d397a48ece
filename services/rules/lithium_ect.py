"""patient-view: lithium running during an ECT course (review 21 RF finding 1; the rule and its
wording: services/lithium_ect.py, data/acute_risk.csv `lithium-ect`).

With monthly maintenance ECT and lithium both running, the optimise card named the ECT course
("The ECT service decides the next step") and the lithium course apart, never together, though
CANMAT 2023 para 218 counts lithium among the drugs held before ECT.

Said once a screen: one line at the top of the first card shown that already speaks about
lithium or ECT (the lithium-level card, the optimise card, the TMS card: `_CARRIERS`, in that
order), else a warning card of its own, whatever the pathway stage (a patient in remission on
maintenance ECT and lithium gets no pathway card, and is the one this matters most for). The
card is snoozable with a reason (the ECT team already manages lithium around treatments).
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from services import cards, lithium_ect, screen
from services.order_checks.stacking import running_dose
from services.recommendation import Recommendation
from services.rules import lithium_level, tms_referral
from services.rules.context import RuleContext
from services.rules.optimize import card as optimise_card

TOPIC = "running-lithium-ect"
# The cards that already speak about lithium or ECT, the first shown carrying the line.
_CARRIERS = (lithium_level.TOPIC, optimise_card.TOPIC, tms_referral.TOPIC)


def current_line(ctx: RuleContext) -> str:
    """The lithium-ECT paragraph when lithium runs during a current ECT course, else ""."""
    trial = lithium_ect.running_lithium(ctx.facts.augmentations)
    if trial is None:
        return ""
    ect = lithium_ect.ect_now(ctx.record, ctx.policy)
    if ect is None:
        return ""
    return lithium_ect.line(running_dose(trial), ect, lithium_ect.held_text(trial))


def on_screen(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the lithium-ECT line said once: on the first carrier card shown, else a card
    of this topic (none while it is snoozed)."""
    said = current_line(ctx)
    if not said:
        return list(recs)
    shown = {r.topic for r in recs} - set(hidden)
    carrier = next((t for t in _CARRIERS if t in shown), None)
    if carrier is not None:
        done = False
        out: list[Recommendation] = []
        for r in recs:
            if not done and r.topic == carrier:
                r = screen.with_fields(r, detail=cards.join_sections(said, r.detail))
                done = True
            out.append(r)
        return out
    if TOPIC in hidden:
        return list(recs)
    trial = lithium_ect.running_lithium(ctx.facts.augmentations)
    ect = lithium_ect.ect_now(ctx.record, ctx.policy)
    when = f" ({ect.session_text()})" if ect is not None and ect.last_session else ""
    name = trial.ingredient.capitalize() if trial is not None else "Lithium"
    held = lithium_ect.held_text(trial) if trial is not None else ""
    summary = (
        cards.fit_summary(
            f"{name} during an ECT course{when}, {held}: confirm it is not being taken",
            f"{name} during an ECT course, {held}: confirm it is not taken",
        )
        if held
        else cards.fit_summary(
            f"{name} running during an ECT course{when}: agree with the ECT team whether to hold it "
            "before treatments",
            f"{name} running during an ECT course: hold before treatments? (ECT team)",
        )
    )
    card = cards.make(TOPIC, summary=summary, detail=said)
    return list(cards.ordered([*recs, card]))
