"""A drafted raise back toward the dose that produced a toxic (or above-range) tricyclic level,
after the dose was lowered on it and with no level since (review s29 K19b finding 1).

Before, nortriptyline 75 mg/day with a level of 600 ng/mL on 2026-11-25, lowered to 50 mg/day on
2026-11-27 and not measured since, got NO card for a draft to 150 (or back to 75) mg/day: the
order check (tca_level_draft.py) reads tca_level.high_levels, which drops a level a lower dose
acted on (right on chart open: the prescriber acted). For an order it is wrong: the only level on
record says the higher dose was toxic, and nothing says the lower one is safe to leave.

Now, for a running course whose latest level is at or above the `level-toxic` row
(data/lab_safety.csv: 500 ng/mL, Mayo NOTRP) or flagged critical high by the laboratory, lowered
since and not measured since (tca_level.acted_on):
- a draft at or above the dose the level was drawn on: critical, "do not raise to that dose or
  above until a new level";
- a raise above the lowered dose but below that dose, or a dose that cannot be compared (the
  safer reading, as tca_level_draft.py): a warning;
- the lowered dose or less: nothing (the action the level asked for).

A level above the `level-above` range only (the label's 50-150 ng/mL; not toxic), acted on by a
lower dose and not measured since, is the same story one tier down (session 30 labs32 item 2:
nortriptyline 180 ng/mL at 75 mg/day, lowered to 50, a draft back to 75 or 150 got no card): a
raise above the lowered dose is a warning, "was above range at 75 mg/day; no level since", at
or above the dose of the level as below it (the level on record says that dose was too high,
not that it harms at once). The lowered dose or less says nothing; below the toxic line, nothing
either when the older-adult level-dose card of the same draft (older_adult_level_dose.py, from
65) already names the level (one card per finding, as tca_level_draft.py). Not snoozable: a
safety check of one order.
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder
from services import cards, lab_safety
from services.order_checks.model import OrderCheck
from services.order_checks.older_adult_level_dose import level_dose_check
from services.recommendation import Indicator
from services.rules import tca_level
from services.rules.context import RuleContext

TOPIC = "order-drug-level-high"


def lowered_level_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The card of a draft raising a drug back toward the dose that produced its toxic (or
    above-range) last level, the dose lowered since and no level since; else None."""
    found = next(
        (f for f in tca_level.acted_on(ctx) if f.trial.ingredient == draft.ingredient), None
    )
    if found is None:
        return None
    toxic = found.toxic is not None or (found.lab.critical and found.lab.flag == "high")
    new, now = draft.mg_per_day_upper, found.trial.current_mg_per_day_upper
    if new is not None and now is not None and new <= now:
        return None
    range_row = lab_safety.rule_for("level-above", found.trial.ingredient, found.trial.drug_class)
    if not toxic and (range_row is None or _said_by_older_adult_card(ctx, draft, found)):
        return None
    back = new is not None and new >= found.dose_then
    name, level = draft.ingredient.capitalize(), lab_safety.text(found.lab)  # "600 ng/mL on <day>"
    then = cards.fmt_mg(found.dose_then)
    dose = f" to {cards.fmt_mg(new)} mg/day" if new is not None else ""
    was = "toxic" if toxic else "above range"
    advice = "no raise to that dose until a new level" if toxic else "no raise until a new level"
    summary = cards.fit_summary(
        f"{name} raised{dose}: latest level {level} was {was} at {then} mg/day; no level since: "
        f"{advice}",
        f"{name} raised: latest level {level} was {was} at {then} mg/day; no level since: {advice}",
        f"{name} raised: level {level} was {was} at {then} mg/day, none since: {advice}",
        # Undated before the level's conversion is dropped ("2280 nmol/L (about 601 ng/mL)").
        f"{name} raised: level {level.split(' on ')[0]} was {was} at {then} mg/day, none since: "
        f"{advice}",
    )
    if found.toxic is not None:
        line = f"above the {found.toxic.bounds()} toxic line"
    elif toxic:
        line = "flagged critical high by the laboratory"
    elif range_row is not None:  # the range tier (not toxic: range_row is set, see above)
        # A level judged by the lab's flag only is said so, never "above 150" (session 29 RL).
        line = lab_safety.line_words(range_row, found.lab, f"above the {range_row.bounds()} range")
    else:
        return None
    row = found.toxic or range_row
    source = f" ({row.says}; {row.cite})" if row is not None else ""
    change = (
        f"This order is at or above the dose the level was drawn on ({then} mg/day)."
        if back
        else "This order's daily dose could not be compared with the running one (read as a raise)."
        if new is None
        else f"This order raises the lowered dose from {cards.fmt_mg(now)} to "
        f"{cards.fmt_mg(new)} mg/day, toward the {then} mg/day the level was drawn on."
        if now is not None
        else f"This order raises the dose toward the {then} mg/day the level was drawn on."
    )
    detail = (
        f"The latest {found.trial.ingredient} level is {level}, {line}{source}, drawn on "
        f"{then} mg/day; the dose was lowered since and no level has been drawn since. {change} "
        "The level rises with the dose: draw a new level on the lowered dose before any raise."
    )
    # Critical at or above the dose that produced the toxic level: the one level on record says
    # that dose was toxic. Below it, or on a level above the range only, a warning (the topic's):
    # the level on the new dose is not known.
    return OrderCheck(
        TOPIC,
        draft,
        summary,
        detail,
        indicator=Indicator.CRITICAL if back and toxic else None,
        basis=(row.cite,) if row is not None else (),
    )


def _said_by_older_adult_card(
    ctx: RuleContext, draft: DraftOrder, found: tca_level.ActedOn
) -> bool:
    """Whether the older-adult level-dose card of the same draft (older_adult_level_dose.py, from
    65) already names this level: one card per finding below the toxic line, as
    tca_level_draft._said_by_older_adult_card."""
    other = level_dose_check(ctx, draft)
    value = lab_safety.text(found.lab).split(" on ")[0]
    return other is not None and f"level {value}" in f"{other.summary} {other.detail}"
