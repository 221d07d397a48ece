"""The TMS card's "X first, then consider TMS referral" while the optimise card holds that X
(recheck s24 RC finding 2; review s26 RN finding 7): one rule, the optimise card's own holds.

The TMS card is built before the safety cards hold anything, so it names the optimise-card step
it waits for as that card first proposed it: a dose to raise first ("raise sertraline first":
tms_dose_held.dose), or, after a partial response, an adjunct ("an adjunct to citalopram
first": CANMAT 2023 para 190, optimize/partial.awaiting_adjunct). Once every hold has run
(services/patient_view.py), where the optimise card holds that step (its `hold_wording`: a low
sodium suspected of SIADH holds the sertraline raise; a QTc of 485 ms holds the adjunct to
citalopram), the TMS card said the held step as the next one: "raise sertraline first" beside
"sertraline raise held (the sodium is low)", "an adjunct first, then consider TMS referral"
beside "review the QTc first, then add an adjunct to citalopram". It now leads with the step
that settles the hold, in the optimise card's words (hold_words.steps: "check the sodium first",
"review the QTc first"), and its detail says the held step waits too. The referral stays not
recommended and not one click (services/hold_survival.py: a step hold takes it off until the
step is on record); its line names the step the summary now leads with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from services import cards, screen
from services.recommendation import Recommendation, Suggestion
from services.rules import hold_words, one_click_hold, tms_referral, tms_referral_held
from services.rules.context import RuleContext
from services.rules.optimize import card as optimise_card
from services.rules.optimize.partial import awaiting_adjunct
from services.rules.tms_referral_notes import partial_adjunct_line


@dataclass(frozen=True, slots=True)
class _Waits:
    """The optimise-card step the TMS card waits for: `firsts`, how its summary may say it (each
    before " first, then "); `anchor`, the detail line the "waits too" line goes under; `what`,
    the step in the optimise card's terms ("raising sertraline"); `held`, whether a proposal the
    optimise card holds is that step."""

    firsts: tuple[str, ...]
    anchor: str
    what: str
    held: Callable[[Suggestion], bool]


def _waits(ctx: RuleContext) -> _Waits | None:
    """What the TMS card waits for on the optimise card (module docstring), or None."""
    found = tms_referral_held.held(ctx)
    if found is not None:
        if not found.raises:
            return None  # a check of its own (item 9, a stale score...), not a held proposal
        drug = found.raises
        return _Waits(
            (found.first,),
            found.line,
            f"raising {drug}",
            lambda s: drug in one_click_hold.ordered_ingredients(s),
        )
    partial = awaiting_adjunct(ctx)
    if not partial:
        return None
    names = cards.names(partial)
    return _Waits(
        (f"an adjunct to {names}", "an adjunct"),
        partial_adjunct_line(partial),
        f"adding an adjunct to {names}",
        one_click_hold.is_adjunct,
    )


def follow_optimise(ctx: RuleContext, recs: Sequence[Recommendation]) -> list[Recommendation]:
    """`recs` with the TMS card led by the optimise card's hold on the step it waits for (module
    docstring); `recs` as they are otherwise (nearly always)."""
    optimise = next((r for r in recs if r.topic == optimise_card.TOPIC), None)
    if optimise is None or optimise.hold_wording is None:
        return list(recs)
    if not any(r.topic == tms_referral.TOPIC for r in recs):
        return list(recs)
    waits = _waits(ctx)
    wording = optimise.hold_wording
    if waits is None or not any(waits.held(s) for s in wording.held):
        return list(recs)
    reasons = hold_words.ordered([why for why, _ in wording.reasons])
    said = hold_words.steps(reasons)
    return [_led(r, waits, reasons, said) if r.topic == tms_referral.TOPIC else r for r in recs]


def _led(rec: Recommendation, waits: _Waits, reasons: list[str], said: list[str]) -> Recommendation:
    """The TMS card `rec` with `said` (the hold's steps, shorter forms after) in place of the
    held step; as it is when its summary does not name the step (another rule reworded it: an
    inpatient stay's "after discharge")."""
    first = next(
        (f"{f} first, then " for f in waits.firsts if f"{f} first, then " in rec.summary), None
    )
    if first is None:
        return rec
    texts = [rec.summary.replace(first, f"{step} first, then ", 1) for step in said]
    summary = next((t for t in texts if len(t) <= cards.SUMMARY_MAX), None)
    if summary is None:
        # The head's words yield; the step and the referral are said whole.
        head, _, tail = texts[-1].partition(": ")
        summary = cards.fit_with_tail(head, f": {tail}")
    held = "raise" if waits.what.startswith("raising") else "adjunct"
    line = (
        f"**The {held} waits too:** the optimise card holds {waits.what} "
        f"({'; '.join(reasons)}): {said[0]} first."
    )
    # The step hold's line (hold_survival.step_held) names the step the summary now leads with.
    base = rec.detail.replace(f'"{waits.firsts[0]}" first', f'"{said[0]}" first', 1)
    detail = base.replace(waits.anchor, f"{waits.anchor}\n\n{line}", 1)
    if detail == base:
        detail = cards.join_sections(line, base)
    return screen.with_fields(rec, summary=summary, detail=detail)
