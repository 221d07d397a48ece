"""patient-view: a running drug a critical row rules out is said on one card (review s26 RN
finding 3).

With an active, unpaced complete heart block and nortriptyline listed as running, its order never
filled, three cards spoke of the one drug: the running-drug card, the adherence review ("order of
2026-10-01 still active, never filled or renewed: confirm it is still taken before counting it as
a trial") and the optimise card ("raise held (...; nortriptyline with atrioventricular block)").
Whether the course counts as a trial waits on whether it continues at all, which the critical
card puts first (ECG and cardiology now). Whether it is still taken is part of that question:
the course's supply line (never filled, ran out, a gap) is said on the critical card, under its
pairs, and the adherence review, when that line was all it said, leaves the screen. The optimise
card keeps its held raise and points at the critical card (running_cautions._held_by).

Only when the adherence review says nothing but the lapses of drugs the critical card names (no
"not a fair test" trial, no undocumented TRD, no other drug): a card with more to say stays as
it is, nothing of it dropped to fold. Nothing is folded while either card is snoozed: the one on
the screen says its part in full. A warning pair (a first-degree block, a paced or resolved block)
folds nothing: its card only asks to review, and the trial question stands beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from services import cards, screen
from services.recommendation import Indicator, Recommendation
from services.rules import adherence_review, running_cautions
from services.rules.adherence_lapses import lapse_line, lapsed_trials, lapses_title, listed_text
from services.rules.context import RuleContext


def fold(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the adherence review's supply lines carried by the critical running-drug
    card, and the adherence review left off, when they are all it says of drugs that card rules
    out (module docstring)."""
    caution = next((r for r in recs if r.topic == running_cautions.TOPIC), None)
    review = next((r for r in recs if r.topic == adherence_review.TOPIC), None)
    if caution is None or review is None or caution.indicator is not Indicator.CRITICAL:
        return list(recs)
    if running_cautions.TOPIC in hidden or adherence_review.TOPIC in hidden:
        return list(recs)
    ruled_out = {p.taking.ingredient for p in running_cautions.pairs(ctx) if p.critical}
    flagged = adherence_review.flagged_trials(ctx)
    lapsed = lapsed_trials(ctx, flagged)
    if flagged or adherence_review.undocumented_trd(ctx) or not lapsed:
        return list(recs)
    if any(t.ingredient not in ruled_out for t in lapsed):
        return list(recs)
    lines = {t.ingredient: lapse_line(ctx, t) for t in lapsed}
    supply = f"**{lapses_title(lapsed)}:**\n" + "\n".join(lines.values())
    # The supply lines after the pairs, before the closing "not offered as an order" line.
    closing = running_cautions.NOT_AN_ORDER
    pairs = caution.detail.removesuffix(closing).rstrip()
    # A listed course's supply line asks whether it is still taken (listed_text: "Confirm it is
    # still taken (reconcile the medication list ...)"), beside why (never filled, ran out): its
    # pair says the listing without asking it again (session 26 NW item 2: asked twice).
    asked = {t.ingredient for t in lapsed if listed_text(t) in lines[t.ingredient]}
    for pair in running_cautions.pairs(ctx):
        if pair.taking.ingredient in asked:
            pairs = pairs.replace(pair.text(), pair.text(ask=False))
    merged = screen.with_fields(caution, detail=cards.join_sections(pairs, supply, closing))
    return [merged if rec is caution else rec for rec in recs if rec is not review]
