"""A drafted raise back toward the dose that produced a toxic tricyclic level, after the dose was
lowered on it and with no level since (review s29 K19b finding 1).

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
A level above the range only, acted on by a lower dose, is left to the chart-open reading: a
lower dose was the action asked. Not snoozable: a safety check of one order.
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder
from services import cards, lab_safety
from services.order_checks.model import OrderCheck
from services.recommendation import Indicator
from services.rules import tca_level
from services.rules.context import RuleContext

TOPIC = "order-drug-level-high"


def lowered_level_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The card of a draft raising a drug back toward the dose that produced its toxic last
    level, the dose lowered since and no level since; else None."""
    found = next(
        (f for f in tca_level.acted_on(ctx) if f.trial.ingredient == draft.ingredient), None
    )
    if found is None:
        return None
    critical_flag = found.lab.critical and found.lab.flag == "high"
    if found.toxic is None and not critical_flag:
        return None
    new, now = draft.mg_per_day_upper, found.trial.current_mg_per_day_upper
    if new is not None and now is not None and new <= now:
        return None
    back = new is not None and new >= found.dose_then
    name, level = draft.ingredient.capitalize(), lab_safety.text(found.lab)  # "600 ng/mL on <day>"
    then = cards.fmt_mg(found.dose_then)
    dose = f" to {cards.fmt_mg(new)} mg/day" if new is not None else ""
    advice = "no raise to that dose until a new level"
    summary = cards.fit_summary(
        f"{name} raised{dose}: latest level {level} was toxic at {then} mg/day; no level since: "
        f"{advice}",
        f"{name} raised: latest level {level} was toxic at {then} mg/day; no level since: {advice}",
        f"{name} raised: level {level} was toxic at {then} mg/day, none since: {advice}",
    )
    line = (
        f"above the {found.toxic.bounds()} toxic line"
        if found.toxic is not None
        else "flagged critical high by the laboratory"
    )
    row = found.toxic or lab_safety.rule_for(
        "level-above", found.trial.ingredient, found.trial.drug_class
    )
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
    # that dose was toxic. Below it, a warning: the level on the new dose is not known.
    return OrderCheck(
        TOPIC,
        draft,
        summary,
        detail,
        indicator=Indicator.CRITICAL if back else None,
        basis=(row.cite,) if row is not None else (),
    )
