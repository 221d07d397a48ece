"""An order awaiting its first fill on a chart with a fill feed, as every optimise and TMS line
reads it (orders37-39): one predicate and one wording, kept apart from optimize/awaiting_fill.py
so that courses.py (which awaiting_fill.py reads) can ask it too.

orders39: an adjunct order awaiting its first fill (aripiprazole 2 mg/day ordered 2026-10-15, no
fill while venlafaxine's fills run) read "raise aripiprazole (2 mg/day; 2-10)" beside a
responding course, "optimise or replace the one running", or (mirtazapine 15 mg, lithium below
their ranges) "raise it or change strategy": dose advice on a course no fill shows taken, as
orders37 had stopped for antidepressants. The TMS card's running-trial line read "Trial running,
not judged yet" of a bupropion order never filled. These say "ordered ..., no fill yet" instead.
"""

from __future__ import annotations

from fhir_mapping.record import Trial
from services.order_doses import trial_dose


def awaiting_first_fill(trial: Trial) -> bool:
    """An order-only course the chart's fill feed shows no fill of yet, not yet listed
    (unfilled_order.mark_unfilled: Trial.feed_unfilled with Trial.awaiting_fill)."""
    return trial.feed_unfilled and trial.awaiting_fill is not None and not trial.listed


def ordered_words(trial: Trial) -> str:
    """ "aripiprazole 2 mg/day ordered 2026-10-15, no fill yet" (an order awaiting its first
    fill: `awaiting_first_fill`)."""
    assert trial.awaiting_fill is not None
    day = trial.awaiting_fill.isoformat()
    return f"{trial.ingredient} {trial_dose(trial)} ordered {day}, no fill yet"
