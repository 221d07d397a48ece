"""The optimise card's line on held orders of a course it counts (review 14 audit W4, chart
o02): the supply gap a documented hold explains (Adherence.held_gaps: not a gap, so no
adherence card asks about it) and an order newer than the running one left on hold
(Trial.newer_order_on_hold). The card that counts the course names them once; before, one card
said "ask about the gap before counting the trial" beside the next, which counted it, and the
newer held order was on no card.
"""

from __future__ import annotations

from fhir_mapping.record import Trial
from services.rules.context import RuleContext


def _trial_text(trial: Trial) -> str:
    """ "escitalopram: no supply 2025-01-31 to 2025-03-03 ...; a newer order of escitalopram
    (2025-05-31) is on hold: ..."; "" when the course has neither."""
    parts: list[str] = []
    held = trial.adherence.held_gaps
    if held:
        # FHIR R4 records no hold date: the days are those without supply, between the held
        # order and the order that took the drug up again (fhir_mapping/trial_record.py).
        days = ", ".join(f"{g.start.isoformat()} to {g.end.isoformat()}" for g in held)
        parts.append(
            f"no supply {days}, between an order now on hold and the order that resumed it: "
            "read as held, not as missed doses (left out of the PDC), and not counted as time "
            "on the drug"
        )
    newer = trial.newer_order_on_hold
    if newer is not None:
        # Counted as running: an active order's fills go on after it (course_support._on_hold).
        # The card asks rather than holds its proposals: the prescriber's intent is unknown and
        # a proposal is signed only after review.
        parts.append(
            f"a newer order of {trial.ingredient} ({newer.isoformat()}) is on hold: confirm "
            "whether it is being held (counted here as still taken)"
        )
    return f"{trial.ingredient}: {'; '.join(parts)}" if parts else ""


def line(ctx: RuleContext) -> str:
    """ "**Holds:** escitalopram: ..." for the card's trials and adjuncts with a held gap or a
    newer order on hold; "" when none (nearly every chart)."""
    facts = ctx.facts
    texts = [
        text
        for trial in (*facts.episode_trials, *facts.augmentations)
        if (trial.adherence.held_gaps or trial.newer_order_on_hold is not None)
        and (text := _trial_text(trial))
    ]
    if not texts:
        return ""
    return f"**Holds:** {'; '.join(dict.fromkeys(texts))}."
