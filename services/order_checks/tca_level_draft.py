"""A drafted raise of a drug dosed by level whose last level is above its range (review s29 K18
finding 1).

Before, nortriptyline 75 mg/day running with a level of 600 ng/mL (or "> 500 ng/mL") on
2026-11-25 got a critical card on chart open (services/rules/tca_level.py) but a draft raising
it to 150 mg/day got NO card at order-select or order-sign: the order hooks read the lithium
level (order_checks/lithium.py) and never a tricyclic's. The level rises with the dose, so the
order that raises it is where the level matters most.

Now the order hooks read the level the chart-open card reads (tca_level.high_levels: the running
course's latest comparable level on the course, not acted on by a lower dose since; a recent level
drawn after the course ended or while it is on hold) and, for a draft of that drug:
- a raise (a higher daily dose than the running one, a restart of an ended or held course, or a
  dose that cannot be compared: the safer reading, as order_checks/lithium.py) with the level at
  or above the `level-toxic` row (data/lab_safety.csv: 500 ng/mL, Mayo NOTRP), or flagged
  critical high by the laboratory (as the chart-open card): critical, "do not raise; hold or
  lower per level";
- a raise with the level above the `level-above` range (the label's 50-150 ng/mL) but under the
  toxic line: a warning;
- the same daily dose re-ordered on a toxic level: a warning (the order keeps a dose the level
  says to hold or lower); at or under the running dose on a level only above the range: nothing
  here (the chart-open card says it; a lower dose is the action the level asks for);
- below the toxic line, nothing when the older-adult level-dose card of the same draft
  (older_adult_level_dose.py, from 65) already names the level and asks to lower the dose: one
  card per finding.

A level no table can read (tca_level's `not_read`) is left to the chart-open card. Not snoozable:
a safety check of one order. The advice is the row's (`if_running`), never written here.
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder
from services import cards, lab_safety
from services.order_checks.model import OrderCheck
from services.order_checks.older_adult_level_dose import level_dose_check
from services.order_checks.tca_level_lowered import lowered_level_check
from services.recommendation import Indicator
from services.rules import tca_level
from services.rules.context import RuleContext

TOPIC = "order-drug-level-high"


def _raise(draft: DraftOrder, found: tca_level.HighLevel) -> bool | None:
    """True for a raise (a dose that cannot be compared, or a restart, counts as one), False
    for the same daily dose, None for a lower one."""
    trial = found.trial
    running = trial.ongoing and trial.on_hold is None
    new, now = draft.mg_per_day_upper, trial.current_mg_per_day_upper
    if not running or new is None or now is None or new > now:
        return True
    return False if new == now else None


def level_draft_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The card of a draft raising a drug whose last level is above its range, or None."""
    found = next(
        (
            f
            for f in tca_level.high_levels(ctx)
            if f.trial.ingredient == draft.ingredient and not f.not_read
        ),
        None,
    )
    if found is None:
        # A toxic level a lower dose acted on: a draft back toward the dose that produced it
        # (review s29 K19b finding 1).
        return lowered_level_check(ctx, draft)
    raised = _raise(draft, found)
    toxic = found.toxic is not None or (found.lab.critical and found.lab.flag == "high")
    if raised is None or (raised is False and not toxic):
        return None
    if not toxic and _said_by_older_adult_card(ctx, draft, found):
        return None
    name, level = draft.ingredient.capitalize(), lab_safety.text(found.lab)  # "600 ng/mL on <day>"
    row = found.toxic or found.line
    said = found.line if found.called else row  # whose line the detail names
    if found.called:  # within the range by its value, called critical (labs38 item 1)
        line = lab_safety.called_words(found.line, found.lab)
    elif found.toxic is not None and lab_safety.by_flag(found.lab):
        # The lab's flag, never this line (a level with no value the lab called critical: labs38
        # item 1; it read "with no value read, ... above the 500 ng/mL toxic line").
        line = lab_safety.flag_words(found.lab, f"the {found.toxic.bounds()} toxic line")
    elif found.toxic is not None:
        line = f"above the {found.toxic.bounds()} toxic line"
    elif toxic:
        line = "flagged critical high by the laboratory"
    else:
        line = f"above the {found.line.bounds()} range"
    new, now = draft.mg_per_day_upper, found.trial.current_mg_per_day_upper
    dose = f" {cards.fmt_mg(new)} mg/day" if new is not None else ""
    if not raised:
        change = f"This order keeps {name.lower()} at{dose} on that level."
        verb = "re-ordered"
    elif found.trial.ongoing and found.trial.on_hold is None:
        change = (
            f"This order raises the running dose from {cards.fmt_mg(now)} to {cards.fmt_mg(new)} "
            "mg/day; the level rises with the dose."
            if now is not None and new is not None
            else "This order's daily dose could not be compared with the running one (read as "
            "a raise)."
        )
        verb = "raised"
    else:
        change = f"This order restarts {name.lower()}{dose}; the course is " + (
            "on hold." if found.held is not None else f"recorded as ended on {found.trial.end}."
        )
        verb = "restarted"
    advice = "do not raise; hold or lower per level" if raised else "hold or lower per level"
    summary = cards.fit_summary(
        f"{name} {verb}{dose}: latest level {level} is {line}: {advice}",
        f"{name} {verb}: latest level {level} is {line}: {advice}",
        f"{name} {verb}: level {level}: {advice}",
        # Undated before the level's conversion is dropped ("2280 nmol/L (about 601 ng/mL)").
        f"{name} {verb}: level {level.split(' on ')[0]}: {advice}",
    )
    cause = f" Signs of toxicity: {row.cause}." if row.cause else ""
    detail = (
        f"The latest {_level_name(found)} is {level}, {line} "
        f"({said.says}; {said.cite}). {change}{cause} {row.if_running[:1].upper()}"
        f"{row.if_running[1:]}."
    )
    # Critical for a raise on a toxic level, as the chart-open card is critical there: a higher
    # dose on it harms at once. A re-order at the same dose, or a raise on a level above the
    # range only, is a warning (the topic's).
    return OrderCheck(
        TOPIC,
        draft,
        summary,
        detail,
        indicator=Indicator.CRITICAL if toxic and raised else None,
        basis=(row.cite,),
    )


def _said_by_older_adult_card(
    ctx: RuleContext, draft: DraftOrder, found: tca_level.HighLevel
) -> bool:
    """Whether the older-adult level-dose card of the same draft (older_adult_level_dose.py, from
    65) already says this level and asks to lower the dose: one card per finding, as the
    chart-open card yields to the optimise card (tca_level.yield_to_optimise). A level at or
    above the toxic line keeps this card: it is critical there."""
    other = level_dose_check(ctx, draft)
    value = lab_safety.text(found.lab).split(" on ")[0]
    return other is not None and f"level {value}" in f"{other.summary} {other.detail}"


def _level_name(found: tca_level.HighLevel) -> str:
    """ "nortriptyline level", or a combined total's name as the mapping gives it (as the
    chart-open card names it: tca_level_text._level_name)."""
    return lab_safety.LABEL.get(found.lab.test, f"{found.trial.ingredient} level")
