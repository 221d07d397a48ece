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
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

from fhir_mapping.record import Trial, Verdict
from services import cards, tables
from services.recommendation import Indicator, Recommendation
from services.rules.context import RuleContext
from services.rules.optimize.augment import augment_section
from services.rules.optimize.card import TOPIC, basis, card_evidence, opening
from services.rules.optimize.wording import dose_since_text, drop_text, range_top, short_drop


def _no_raise(ctx: RuleContext, trial: Trial) -> str:
    """Why no raise is offered: "225 mg/day is the top of its range for this patient." when it
    is (optimize/room.py reads the same top), else a plain "No raise is offered here." (a hold
    on the dose, said by the dose's own rules)."""
    top, upper = range_top(ctx, trial), trial.current_mg_per_day_upper
    if top is not None and upper is not None and upper >= top:
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
    (`waiting`: courses whose raise waits while they still improve, left quiet), or None."""
    found = [t for t in still_depressed(ctx, good) if t not in waiting]
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
    name = t.ingredient.capitalize()
    summary = cards.fit_summary(
        f"{name} response, not remission ({short_drop(t)}; {when}, {band}): optimise the dose "
        "or add an adjunct (CANMAT 2023 paras 187, 190)",
        f"{name} response, not remission ({when}): optimise the dose or add an adjunct "
        "(CANMAT 2023 paras 187, 190)",
        f"{name} response, not remission ({when}): optimise the dose or add an adjunct",
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
