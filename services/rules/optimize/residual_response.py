"""A response without remission whose last PHQ-9 is still in a band that indicates depression
(review K30c finding 3).

Venlafaxine 225 mg/day, PHQ-9 24 -> 11 after 13 weeks: a 54 % drop is a response (CANMAT 2023
para 180), so no trial failed, but PHQ-9 11 is still moderate depression (Kroenke 2001; >= 10
indicates depression: services/data/phq9_bands.csv indicates_depression). At the top of its range
`dose.toward_remission` had no raise to offer and gave no card, while 24 -> 14 (a partial response)
got "add an adjunct to venlafaxine first". Here the card says it: the goal is remission (PHQ-9 <
policy remission_below, CMS159); CANMAT 2023 optimises the dose first (paras 185-187) and adds an
adjunct where a gain was partial with good tolerability (para 190), keeping the drug that helped.
The adjuncts are named, not offered as orders: on a responding course the next step is the
prescriber's choice. No TMS (no trial failed). A residual score below that band (5-9, mild) gives
no card, as before: the remission cut-off is policy, and mild residual symptoms are optimised
where the range leaves room (toward_remission).

The summary names the step the record leaves (recheck K31b findings 2-4): at the top of the
range, "add an adjunct (CANMAT 2023 para 190)", not "optimise the dose"; with an adjunct already
running, that adjunct is optimised first ("raise aripiprazole (5 mg/day; 2-10)"; lithium by its
level), or, at its top or in its target, "change strategy" (`_adjunct_step`). A course whose
scores are still falling (policy residual_falling_points over residual_falling_weeks: 24 -> 18
-> 14 -> 11) is still improving and left quiet (`still_falling`), as a raise waits on one
(still_improving.py).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from fhir_mapping.record import Role, Trial, Verdict
from services import cards, tables, unidentified_options
from services.recommendation import Indicator, Recommendation
from services.rules import adjunct_harm
from services.rules.context import RuleContext
from services.rules.optimize import ruled_against
from services.rules.optimize.adjunct_level import (
    LevelStep,
    first_words,
    level_step,
    reading,
    settled,
)
from services.rules.optimize.augment import augment_section
from services.rules.optimize.card import TOPIC, basis, card_evidence, opening
from services.rules.optimize.courses import current_trials
from services.rules.optimize.first_fill_wait import awaiting_first_fill, ordered_words
from services.rules.optimize.wording import (
    dose_since_text,
    drop_text,
    range_label,
    range_top,
    short_drop,
)


def _at_top(ctx: RuleContext, trial: Trial) -> bool:
    """The running dose is at the top of its range for this patient (optimize/room.py's top)."""
    top, upper = range_top(ctx, trial), trial.current_mg_per_day_upper
    return top is not None and upper is not None and upper >= top


def still_falling(ctx: RuleContext, trial: Trial) -> bool:
    """The PHQ-9 on `trial` fell by at least policy.residual_falling_points over the last
    policy.residual_falling_weeks before its latest score (two scores in that window at least):
    the course is still improving (24 -> 18 -> 14 -> 11), and remission may come on the same
    dose (CANMAT 2023 para 191: judged at 8-12 weeks)."""
    scores = [s for s in ctx.record.phq9() if s.value is not None and s.date >= trial.start]
    if len(scores) < 2:
        return False
    last = scores[-1]
    since = last.date - timedelta(days=round(ctx.policy.residual_falling_weeks * 7))
    window = [s.value for s in scores if s.date >= since and s.value is not None]
    assert last.value is not None
    return len(window) >= 2 and window[0] - last.value >= ctx.policy.residual_falling_points


def _running_adjunct(ctx: RuleContext) -> Trial | None:
    """The adjunct running now beside the responding course (role augmentation; one with an
    adverse effect on record is its own card's), or None."""
    harmed = adjunct_harm.harmed_ingredients(ctx)
    return next(
        (
            t
            for t in current_trials(ctx)
            if t.role is Role.AUGMENTATION and t.ingredient not in harmed
        ),
        None,
    )


def _adjunct_step(ctx: RuleContext, adjunct: Trial) -> str:
    """What the summary asks of the adjunct already running: lithium by its level
    (adjunct_level: "check a lithium level", or "change strategy" at its target); another below
    the top of its range "raise aripiprazole (5 mg/day; 2-10)"; at its top "change strategy"."""
    name = adjunct.ingredient
    if awaiting_first_fill(adjunct):  # no fill yet: no dose to raise (orders39)
        return ordered_words(adjunct)
    found = reading(ctx, adjunct)
    if found is not None:
        if settled(found):
            return f"{name} at its target level: change strategy"
        # Below the target but ruled against (opt63 finding 1): the review, never the raise.
        if level_step(found) is LevelStep.RAISE and ruled_against.short(ctx, adjunct):
            return ruled_against.review_words(adjunct)
        return first_words(found)
    upper = adjunct.current_mg_per_day_upper
    if _at_top(ctx, adjunct) or upper is None:
        return f"{name} at the top of its range: change strategy"
    return f"raise {name} ({cards.fmt_mg(upper)} mg/day; {range_label(ctx, adjunct)})"


def _no_raise(ctx: RuleContext, trial: Trial) -> str:
    """Why no raise is offered: "225 mg/day is the top of its range for this patient." when it
    is (optimize/room.py reads the same top), else a plain "No raise is offered here." (a hold
    on the dose, said by the dose's own rules)."""
    upper = trial.current_mg_per_day_upper
    if _at_top(ctx, trial) and upper is not None:
        return f"{cards.fmt_mg(upper)} mg/day is the top of its range for this patient."
    return "No raise is offered here."


def still_depressed(ctx: RuleContext, good: tuple[Trial, ...]) -> tuple[Trial, ...]:
    """The responding courses judged adequate whose last PHQ-9 on them is recent (within the
    measurement interval) and in a band that indicates depression (PHQ-9 >= 10)."""
    fresh = ctx.record.as_of - timedelta(days=ctx.policy.mbc_interval_days)
    return tuple(
        [
            t
            for t in good
            if t.verdict is Verdict.ADEQUATE
            and not t.remission
            and (score := t.on_treatment) is not None
            and score.instrument == "PHQ-9"
            and score.value is not None
            and score.date >= fresh
            and tables.phq9_band(score.value).indicates_depression
        ]
    )


def card(
    ctx: RuleContext, good: tuple[Trial, ...], waiting: Collection[Trial]
) -> Recommendation | None:
    """The card for a response without remission at PHQ-9 >= 10 where no raise is offered
    (`waiting`: courses whose raise waits while they still improve, left quiet; a course whose
    scores are still falling, `still_falling`, too), or None."""
    found = [
        t for t in still_depressed(ctx, good) if t not in waiting and not still_falling(ctx, t)
    ]
    if not found:
        return None
    t = found[0]
    score = t.on_treatment
    assert score is not None and score.value is not None  # still_depressed
    band = tables.phq9_band(score.value).label
    when = f"PHQ-9 {score.value} on {score.date.isoformat()}"
    sections = opening(ctx)
    sections.append(
        f"**Response, not remission:** {dose_since_text(t)}: {drop_text(t)} (response is a "
        f">= 50 % drop, CANMAT 2023 para 180), but {when} is still {band} (Kroenke 2001: PHQ-9 "
        f">= 10 indicates depression); remission is PHQ-9 < {ctx.policy.remission_below} "
        f"(CMS159). {_no_raise(ctx, t)} CANMAT 2023 optimises the dose first (paras 185-187) and, after "
        "a partial gain with good tolerability, adds an adjunct rather than switching (para "
        f"190): a switch would give up the gain on {t.ingredient}. The adjuncts are named, not "
        "offered as orders: on a responding course the next step is the prescriber's choice."
    )
    used = {a.ingredient for a in ctx.facts.augmentations}
    sections.append(augment_section(ctx, used))
    # A running record not identified may be one of the adjuncts named (fix meds47, as meds46).
    sections.append(unidentified_options.options_line(ctx.record) or "")
    name = t.ingredient.capitalize()
    adjunct = _running_adjunct(ctx)
    if adjunct is not None and awaiting_first_fill(adjunct):
        # Ordered, no fill yet (orders39): no dose to optimise; whether it was collected first.
        act, cite = _adjunct_step(ctx, adjunct), ""
        sections.append(
            f"**Adjunct ordered:** {act}: check it was collected (ask the patient, the pharmacy) "
            "before another adjunct or a switch; its dose is judged once a fill shows it taken."
        )
    elif adjunct is not None:
        act, cite = _adjunct_step(ctx, adjunct), ""
        sections.append(
            f"**Adjunct running:** {dose_since_text(adjunct)}: optimise it first ({act}) before "
            "another adjunct or a switch (CANMAT 2023 para 187: optimise before adding)."
        )
    elif _at_top(ctx, t):
        act, cite = "at the top of its range: add an adjunct", " (CANMAT 2023 para 190)"
    else:
        act, cite = "optimise the dose or add an adjunct", " (CANMAT 2023 paras 187, 190)"
    summary = cards.fit_summary(
        f"{name} response, not remission ({short_drop(t)}; {when}, {band}): {act}{cite}",
        f"{name} response, not remission ({when}): {act}{cite}",
        f"{name} response, not remission ({when}): {act}",
    )
    evidence = card_evidence(ctx)
    return cards.make(
        TOPIC,
        summary=summary,
        detail=cards.join_sections(*sections, *basis(ctx, evidence=evidence)),
        suggestions=[],
        indicator=Indicator.INFO,
        evidence=evidence,
    )
