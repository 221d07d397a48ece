"""patient-view: a running course above the labelled daily maximum of the clinic's market, when
no other card names it (review s19 leftover, session 20).

At a US site a draft of mirtazapine 60 mg/day is checked against the Remeron US label's 45
(order_checks/label_doses.py) and the optimise card tops its raises there (site_ceiling.py), but
a patient already taking 60 got no line on chart open: CANMAT 2023 Table 3.3's range (from
Canadian monographs) goes to 60, and no running course is judged against the drug row on chart
open. The market's label (label_maximums.binding, policy drug_market) is read once, in
running_dose.above_label. The renal, hepatic and age-limit cards say it beside the drug they
speak of (running_dose.label_note); this card carries it only for a course none of them names,
so the same dose is never flagged twice. A dose within the label is never named, and one above
the range's own top is the range card's (running_range_dose.py, which adds the label's line).

A warning, whatever the pathway stage (the label's limit does not end with remission);
snoozable with a reason (a deliberate dose within CANMAT's range, recorded); no one-click order:
whether to lower the dose is the prescriber's, and the label allows more in some settings
(amitriptyline up to 300 mg/day for hospitalised patients), which the card names.
"""

from __future__ import annotations

from services import cards, trial_dates
from services.order_doses import trial_dose
from services.recommendation import Recommendation
from services.rules import (
    age_dose_limit,
    running_dose,
    running_hepatic,
    running_range_dose,
    running_renal,
)
from services.rules.context import RuleContext
from services.site_ceiling import site_words

TOPIC = "running-dose-above-label-max"


def _carried(ctx: RuleContext) -> frozenset[str]:
    """The drugs a running-drug label card already names (and says the label line beside)."""
    names = {t.ingredient for t, _ in age_dose_limit.above_limit(ctx)}
    for found in (running_renal.beyond_limits(ctx), running_hepatic.beyond_limits(ctx)):
        if found is not None:
            names.update(d.name for d in found.drugs)
    return frozenset(names)


def above(ctx: RuleContext) -> list[running_dose.AboveLabel]:
    """The running courses above the market's label no other card names, oldest first."""
    found = [
        a
        for t in ctx.record.trials
        if (a := running_dose.above_label(ctx, t)) is not None
        # Above the range's own top too: that card names it, with this label's line
        # (running_range_dose.py), as the order hooks leave it to the range's card.
        and running_range_dose.above_range(ctx, t) is None
    ]
    if not found:
        return []  # nearly every chart: the other cards are not asked
    carried = _carried(ctx)
    return sorted(
        [a for a in found if a.trial.ingredient not in carried], key=lambda a: a.trial.start
    )


def _dose(a: running_dose.AboveLabel) -> str:
    return running_dose.said_dose(a.trial, a.read)


def _line(ctx: RuleContext, a: running_dose.AboveLabel) -> str:
    trial, label = a.trial, a.label
    since = trial_dates.dose_since(trial, trial_dose(trial))[1]
    higher = label.higher_line()
    return (
        f"**{trial.ingredient.capitalize()} {_dose(a)}** (running {since}): "
        f"{'may be ' if a.read.to_confirm else ''}above {cards.fmt_mg(label.max_mg)} mg/day"
        f"{site_words(ctx.policy, trial, label.max_mg)}." + (f" {higher}" if higher else "")
    )


def _summary(a: running_dose.AboveLabel) -> str:
    name, label = a.trial.ingredient.capitalize(), a.label
    top = cards.fmt_mg(label.max_mg)
    may = "may be " if a.read.to_confirm else ""
    return cards.fit_summary(
        f"{name} {_dose(a)} running: {may}above {label.maximum(cite=False)}",
        f"{name} {_dose(a)}: {may}above the {top} mg/day {label.market} label maximum",
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    found = above(ctx)
    if not found:
        return None
    return running_dose.dose_card(
        ctx,
        TOPIC,
        summary=_summary(found[0]),
        lines=[_line(ctx, a) for a in found],
        advice="Review the dose with the prescriber: lower it to the label's maximum, or, if the "
        "dose is meant, record why.",
        courses=[a.trial for a in found],
        fingerprints=[
            f"{a.trial.ingredient}|{cards.fmt_mg(a.read.mg)}|{a.label.market}" for a in found
        ],
    )
