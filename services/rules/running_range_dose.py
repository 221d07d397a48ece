"""patient-view: a running daily course above the drug's usual maximum (review s24 RA finding 5).

Venlafaxine running at 450 mg/day (range top 225) got no card on chart open, and the optimise
card offered one-click adjuncts to it; sertraline 250 mg/day (top 200) likewise. A draft of
either was flagged "above the usual maximum" (order_checks/doses.py), but a running course was
judged only against a market's label below the range (running_label_dose.py) or its release
formulation's own ceiling (running_formulation_dose.py). The ceiling here is the one the order
check reads (services/range_ceiling.py: the drug table's `max_mg_day`, never a literal), so a
table that allows more (phenelzine 90, moclobemide 450) is the one a course is judged by.

A course whose formulation has a ceiling of its own (bupropion SR 400) keeps that card; a course
above the range also is above any label row below it, so the label card leaves it to this one
(the order hooks likewise: order_checks/label_doses.py) and this card adds the label's line.
A course the age-limit card names (citalopram above 20 mg/day from 60) is that card's: its limit
is the lower one.

A dose the service may have mis-read is never said as taken: the highest reading of a dose to
confirm (unsequenced dosage lines of unclear shape: running_dose.ceiling_reading) is said as
"up to N mg/day (dose to confirm)" and "may be above", and asks to confirm the dose first; a
dose not read (unknown unit, unclear sig) is not compared at all. Fills that cover less than an
order's dose bound the dose said taken (fhir_mapping/fill_dose.within_fills), not what the order
directs: an order above the maximum beside them ("200 mg, then 300 mg" of sertraline, fills of 60
x 100 mg per 30 days) keeps this card, said from the record ("Sertraline order says up to 300
mg/day (above the usual maximum of 200); fills cover 200 mg/day: confirm the dose taken":
running_dose.order_reading), never claiming 300 taken (s25 FZ2: after RK4 finding 16's fix it
drew no card, and a refill at the order's dose, or other supply, gives it). A warning like any
dose above the maximum: the service cannot tell which dose is taken, and the safer reading
keeps the optimise card's raises of and adjuncts to the drug waiting until it is confirmed. A warning, whatever the pathway
stage; snoozable with a reason (a deliberate high-dose trial, recorded); no one-click order:
whether and how to lower the dose is the prescriber's. While it is shown, the optimise card's
raises of and adjuncts to that drug wait (label_dose_hold.py).

A dose above the range but within the clinic market's label maximum where that label allows more
(fluoxetine 80 mg/day: CANMAT 60, Prozac US label 80; range_ceiling.within_label) is said as
information, "above CANMAT's usual range (up to 60 mg/day), within the US label's maximum of 80
mg/day", asks no change and holds nothing: the dose is one the label allows (s25 FA item 1). A
card naming a dose above a label and one within it is a warning, the one above the label first.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping import product_conflict
from fhir_mapping.record import DoseBasis, Trial
from services import cards, dose_ceiling_reasons, formulation_ceilings, range_ceiling
from services.label_maximums import LabelMaximum
from services.recommendation import Indicator, Recommendation
from services.rules import age_dose_limit, running_dose, running_formulation_dose
from services.rules.context import RuleContext

TOPIC = "running-dose-above-range-max"


@dataclass(frozen=True, slots=True)
class AboveRange:
    """A running daily course above the drug's usual maximum (`top`, the table's)."""

    trial: Trial
    read: running_dose.Reading
    top: float
    # The market's label that allows the dose (range_ceiling.within_label), or None: above it.
    label: LabelMaximum | None = None

    @property
    def beyond_label(self) -> bool:
        """Above every maximum a label of the clinic's market allows: a dose to review."""
        return self.label is None


def above_range(ctx: RuleContext, trial: Trial) -> AboveRange | None:
    """The course when it is running (not held), dosed daily, not judged by its formulation's
    own ceiling (running_formulation_dose), and its dose read at its upper end (a dose to
    confirm at its highest reading) is above the table's maximum (range_ceiling.above)."""
    if not trial.ongoing or trial.on_hold is not None or trial.dose_basis is not DoseBasis.DAILY:
        return None
    if running_formulation_dose.judged(trial) is not None:
        return None  # bupropion SR 400, paroxetine CR 62.5: that card names it
    read = running_dose.ceiling_reading(trial)
    if not range_ceiling.above(ctx, trial.ingredient, trial.max_mg, read.mg):
        # The fills bound the dose said taken, not what the order directs (module docstring).
        order = running_dose.order_reading(trial)
        if order is None or not range_ceiling.above(ctx, trial.ingredient, trial.max_mg, order.mg):
            return None
        read = order
    assert trial.max_mg is not None  # range_ceiling.above
    label = range_ceiling.within_label(ctx, trial.ingredient, trial.max_mg, read.mg)
    return AboveRange(trial, read, trial.max_mg, label)


def above(ctx: RuleContext) -> list[AboveRange]:
    """The running courses above their usual maximum that the age-limit card does not name,
    those above a label first, then oldest first: an age limit is below the usual maximum (citalopram 20 mg/day from 60
    against 40), and that card says the dose, so it is never flagged twice."""
    found = [a for t in ctx.record.trials if (a := above_range(ctx, t)) is not None]
    if not found:
        return []  # nearly every chart: the age-limit card is not asked
    aged = {t.ingredient for t, _ in age_dose_limit.above_limit(ctx)}
    return sorted(
        [a for a in found if a.trial.ingredient not in aged],
        key=lambda a: (not a.beyond_label, a.trial.start),
    )


def _dose(a: AboveRange) -> str:
    return running_dose.said_dose(a.trial, a.read)


def _setting_line(a: AboveRange) -> str:
    """The formulation label's higher maximum for a setting (venlafaxine IR: up to 375 mg/day
    in more severely depressed inpatients), named, never taken as the ceiling: the service does
    not know the setting (the outpatient maximum is the safer reading)."""
    form = formulation_ceilings.formulation(a.trial)
    if form is None or form.higher_max_mg_day is None or not form.higher_max_when:
        return ""
    within = a.read.mg is not None and a.read.mg <= form.higher_max_mg_day
    return (
        f"The {form.shown_as} label allows up to {cards.fmt_mg(form.higher_max_mg_day)} mg/day "
        f"in {form.higher_max_when} ({form.cite}{form.flag})"
        + (": above the usual maximum only there." if within else "; this dose is above that too.")
    )


def _line(ctx: RuleContext, a: AboveRange) -> str:
    trial = a.trial
    may = "may be " if a.read.to_confirm else ""
    cite = range_ceiling.range_cite(trial.ingredient, trial.role, trial.min_adequate_mg, a.top)
    within = f"; within {a.label.maximum()}" if a.label is not None else ""
    text = (
        f"**{trial.ingredient.capitalize()} {_dose(a)}** "
        f"({running_formulation_dose.running_since(trial)}): {may}above the usual maximum of "
        f"{range_ceiling.maximum(trial.ingredient, a.top)}, the {cite}{within}."
    )
    disagree = product_conflict.readings(trial.notes) if a.read.to_confirm else None
    if disagree is not None:
        # meds45: a record whose readings disagree (code, name, sig, fill quantity) names them.
        text += f" Its record disagrees with itself ({disagree}): confirm the dose first."
    elif a.read.to_confirm:
        text += (
            " Its dosage lines do not say which dose is taken (read at their highest): "
            "confirm the dose first."
        )
    if a.read.filled is not None:
        text += (
            f" Its fills cover {cards.fmt_mg(a.read.filled)} mg/day (their quantity over their "
            "days supply): confirm the dose taken. The patient may have other supply, and a "
            "refill at the order's dose would give it."
        )
    why = dose_ceiling_reasons.reason_for(trial.ingredient)
    extra = [
        why.line() if why is not None else "",
        ""
        if a.label is not None
        else range_ceiling.beyond_label_line(ctx, trial.ingredient, a.top, may=a.read.to_confirm),
        _setting_line(a),
        running_dose.label_note(ctx, trial.ingredient),
    ]
    return " ".join([text, *[e for e in extra if e]])


def _order_summary(a: AboveRange, filled: float) -> str:
    """ "Sertraline order says up to 300 mg/day (above the usual maximum of 200); fills cover
    200 mg/day: confirm the dose taken": the order's dose, never said taken."""
    name = a.trial.ingredient.capitalize()
    top, covered = cards.fmt_mg(a.top), cards.fmt_mg(filled)
    above = (
        range_ceiling.within_label_words(a.trial.ingredient, a.trial.role, a.label, a.top)
        if a.label is not None
        else f"above the usual maximum of {top}"
    )
    return cards.fit_summary(
        f"{name} {_dose(a)} ({above}); fills cover {covered} mg/day: confirm the dose taken",
        f"{name} {_dose(a)} (above the usual {top}); fills cover {covered}: confirm the dose",
    )


def _summary(a: AboveRange) -> str:
    if a.read.filled is not None:
        return _order_summary(a, a.read.filled)
    name = a.trial.ingredient.capitalize()
    may = "may be " if a.read.to_confirm else ""
    top = range_ceiling.maximum(a.trial.ingredient, a.top)  # "12 mg/24 h" (dose62)
    if a.label is not None:
        words = range_ceiling.within_label_words(a.trial.ingredient, a.trial.role, a.label, a.top)
        return cards.fit_summary(
            f"{name} {_dose(a)} running: {may}{words}",
            f"{name} {_dose(a)}: {may}above the {top} usual maximum, within the "
            f"{a.label.market} label's {cards.fmt_mg(a.label.max_mg)}",
        )
    why = dose_ceiling_reasons.reason_for(a.trial.ingredient)
    plain = f"{name} {_dose(a)} running: {may}above the usual maximum of {top}"
    return cards.fit_summary(
        f"{plain} ({why.short})" if why is not None else plain,
        plain,
        f"{name} {_dose(a)}: {may}above the {top} maximum",
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    found = above(ctx)
    if not found:
        return None
    beyond = any(a.beyond_label for a in found)
    first = (
        "Confirm the dose taken first. " if any(a.read.filled is not None for a in found) else ""
    )
    return running_dose.dose_card(
        ctx,
        TOPIC,
        summary=_summary(found[0]),
        lines=[_line(ctx, a) for a in found],
        advice=first
        + "Review the dose with the prescriber: lower it to the usual maximum, or, if the "
        "dose is meant (a documented higher-dose trial), record why."
        if beyond
        else first + "A dose the label allows: no change is asked for. Above the usual range, "
        "adverse effects are more likely: review tolerability, and record why the higher "
        "dose is meant.",
        # Within what the label allows: information (s25 FA item 1); above it, the topic's
        # warning.
        indicator=None if beyond else Indicator.INFO,
        courses=[a.trial for a in found],
        fingerprints=[
            f"{a.trial.ingredient}|{cards.fmt_mg(a.read.mg)}|{cards.fmt_mg(a.top)}"
            + ("" if a.read.filled is None else f"|fills {cards.fmt_mg(a.read.filled)}")
            for a in found
        ],
    )
