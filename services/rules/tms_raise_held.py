"""The TMS card's "raise <drug> first" while the optimise card holds that raise (recheck s24 RC
finding 2): with sertraline running and the sodium at 128, the low-sodium card suspects
sertraline of SIADH and the optimise card says "sertraline raise held (the sodium is low)", but the
TMS card, built before the safety cards held anything, said "raise sertraline first, then
consider TMS referral": it proposed raising the drug suspected of the low sodium.

One rule, the optimise card's own holds: once every hold has run (services/patient_view.py),
where the TMS card waits for a dose to be raised first (tms_referral_held._dose) and the optimise
card holds that raise (its `hold_wording`), the TMS card leads with the step that settles the
hold instead ("check the sodium first, then consider TMS referral"; hold_words.steps, the words
the optimise card says), and its detail says the raise waits too. The referral stays not
recommended (it was already, for the raise) and one click: it orders no drug.
"""

from __future__ import annotations

from collections.abc import Sequence

from services import cards, screen
from services.recommendation import Recommendation
from services.rules import hold_words, one_click_hold, tms_referral, tms_referral_held
from services.rules.context import RuleContext
from services.rules.optimize import card as optimise_card


def follow_optimise(ctx: RuleContext, recs: Sequence[Recommendation]) -> list[Recommendation]:
    """`recs` with the TMS card led by the optimise card's hold on the raise it names (module
    docstring); `recs` as they are otherwise (nearly always)."""
    optimise = next((r for r in recs if r.topic == optimise_card.TOPIC), None)
    if optimise is None or optimise.hold_wording is None:
        return list(recs)
    if not any(r.topic == tms_referral.TOPIC for r in recs):
        return list(recs)
    found = tms_referral_held.held(ctx)
    wording = optimise.hold_wording
    if found is None or not found.raises:
        return list(recs)
    if not any(found.raises in one_click_hold.ordered_ingredients(s) for s in wording.held):
        return list(recs)
    reasons = hold_words.ordered([why for why, _ in wording.reasons])
    said = hold_words.steps(reasons)
    return [_led(r, found, reasons, said) if r.topic == tms_referral.TOPIC else r for r in recs]


def _led(
    rec: Recommendation, found: tms_referral_held.Held, reasons: list[str], said: list[str]
) -> Recommendation:
    """The TMS card `rec` with `said` (the hold's steps, shorter forms after) in place of the
    held raise; as it is when its summary does not name the raise (another rule reworded it:
    an inpatient stay's "after discharge")."""
    raise_first = f"{found.first} first, then "
    if raise_first not in rec.summary:
        return rec
    texts = [rec.summary.replace(raise_first, f"{step} first, then ", 1) for step in said]
    summary = next((t for t in texts if len(t) <= cards.SUMMARY_MAX), None)
    if summary is None:
        # The head's words yield; the step and the referral are said whole.
        head, _, tail = texts[-1].partition(": ")
        summary = cards.fit_with_tail(head, f": {tail}")
    line = (
        f"**The raise waits too:** the optimise card holds raising {found.raises} "
        f"({'; '.join(reasons)}): {said[0]} first."
    )
    detail = rec.detail.replace(found.line, f"{found.line}\n\n{line}", 1)
    if detail == rec.detail:
        detail = cards.join_sections(line, rec.detail)
    return screen.with_fields(rec, summary=summary, detail=detail)
