"""The repeat check of an adjunct: a drafted augmentation agent that already failed as an adjunct
in this episode (review 16 W5: aripiprazole 5 mg/day for 13 weeks with no response, drafted again
at 5 mg/day, got no card, while a re-drafted failed antidepressant does: repeat.py).

Said with the dose and weeks it was tried at and its range, since the two ways on are a higher
dose within the range or another strategy (CANMAT 2023 Figure 7.1: after a failed adjunct, raise
it, replace it or switch). A draft above the dose that failed is that higher dose: no card."""

from __future__ import annotations

from fhir_mapping.record import DraftOrder, Trial
from services import cards, trial_dates
from services.card_format import plural
from services.order_checks.model import REPEATS, OrderCheck
from services.recommendation import Indicator
from services.rules.context import RuleContext
from services.rules.optimize.orders import dosed_by_level
from services.rules.optimize.wording import range_label, range_top
from services.trial_table import top_dose_text


def failed_adjuncts(ctx: RuleContext, ingredient: str) -> list[Trial]:
    """This episode's ended adjunct courses of `ingredient` that failed (an adequate course with
    neither response nor remission, or one inferred failed from its stop), oldest first. The
    episode's adjuncts are the pathway's (`PathwayFacts.augmentations`)."""
    return [
        t
        for t in ctx.facts.augmentations
        if t.ingredient == ingredient and t.failed and not t.ongoing
    ]


def _outcome(t: Trial) -> str:
    """How the course ended, as its scores show it: "without response" (a PHQ-9 pair under a 50 %
    drop), "without remission" (no baseline: the response is not known), or the inferred
    failure (no PHQ-9 on it)."""
    if t.outcome_unmeasured:
        return "with no PHQ-9 on it (failure inferred from the stop)"
    return "without response" if t.response is False else "without remission"


def _ways_on(ctx: RuleContext, t: Trial, *, short: bool = False) -> str:
    """A higher dose within the range while there is room, else another strategy only. A drug
    dosed to a serum level (lithium) is adjusted to its level, never to a mg/day range.
    `short`: the summary's words ("higher dose (up to 10 mg/day) or another strategy")."""
    if dosed_by_level(t.ingredient):
        return "a dose adjusted to its serum level, or another strategy"
    top, tried = range_top(ctx, t), t.max_mg_per_day
    span = f"{range_label(ctx, t)} mg/day"
    if top is not None and tried is not None and tried >= top:
        return (
            f"top of range ({span}): another strategy"
            if short
            else (f"it was at the top of its range ({span}): another strategy")
        )
    # Above the dose tried, the range's top is what is left: "up to 10 mg/day", not the whole
    # range from below the failed dose (audit 16 g03: "2-10 mg/day" after 5 mg).
    room = f"up to {cards.fmt_mg(top)} mg/day" if top is not None else span
    if short:
        return f"higher dose ({room}) or another strategy"
    return f"a higher dose ({room}) or another strategy"


def adjunct_repeat_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The card for `draft` when its drug failed as an adjunct in this episode, else None. None
    while a course of the drug runs (a renewal or dose change is optimisation) and for a draft
    above the dose that failed (the higher-dose way on this card would name)."""
    if any(t.ongoing and t.ingredient == draft.ingredient for t in ctx.record.trials):
        return None
    failed = failed_adjuncts(ctx, draft.ingredient)
    if not failed:
        return None
    t = failed[-1]
    tried = t.max_mg_per_day
    drafted = draft.mg_per_day_upper
    if drafted is not None and tried is not None and drafted > tried:
        return None
    name = draft.ingredient.capitalize()
    dose = top_dose_text(t)
    weeks = cards.fmt_weeks((t.end - t.start).days / 7)
    outcome = _outcome(t)
    ways = _ways_on(ctx, t)
    short = _ways_on(ctx, t, short=True)
    summary = cards.fit_summary(
        f"{name} {dose} was tried as an adjunct for {plural(weeks, 'week')} in this episode {outcome} "
        f"(ended {t.end.isoformat()}): {ways}",
        f"{name} {dose} tried as an adjunct for {weeks} wk in this episode {outcome} "
        f"(ended {t.end.isoformat()}): {short}",
        f"{name} {dose} tried as an adjunct for {weeks} wk in this episode {outcome}: {short}",
        f"{name} {dose} already tried as an adjunct in this episode ({weeks} wk): {short}",
        f"{name} {dose} already tried as an adjunct in this episode ({weeks} wk)",
    )
    body = (
        f"{name} was added at {dose} ({trial_dates.dates_text(t)}, {plural(weeks, 'week')}) and ended "
        f"{outcome}. The ways on are {ways} (CANMAT 2023 Figure 7.1); if it is drafted again at "
        "this dose on purpose, record why."
    )
    # A failure inferred from a stop may have been a course that helped: information, as the
    # antidepressant repeat card says it (review finding 8).
    indicator = Indicator.INFO if t.outcome_unmeasured else None
    table = cards.trial_table([t], ctx.policy.mapping)
    return OrderCheck(REPEATS, draft, summary, cards.join_sections(body, table), indicator)
