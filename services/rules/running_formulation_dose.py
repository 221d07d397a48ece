"""patient-view: a running course above the labelled daily maximum of its release formulation
(review 15 W3).

The order hooks judge a draft of bupropion SR 450 mg/day against the SR label's 400 mg/day
(order_checks/formulation_doses.py), but a patient already taking it got no card on chart open:
the drug row's 450 was the only line, and no running-dose card compared it. The SR label stops at
400 mg/day (200 mg a dose) because the seizure risk is dose-related; paroxetine CR's label stops
at 62.5. One card on chart open, whatever the pathway stage (a seizure risk does not end with
remission): each such running course with its formulation, dose, start and the label's line.

Only formulations whose ceiling is their own (not the drug row's: bupropion SR, paroxetine CR)
or whose label gives a reason (bupropion's seizures: IR and XL above 450 too) are read here;
venlafaxine XR and IR share the drug row's 225 and no running course is judged against a drug
row's maximum on chart open, so they are left as before. A warning, snoozable with a reason (a
deliberate dose, monitored); no one-click order: a reduction written as a generic bupropion
order would not name the formulation, so the card says what to review.

A dose above the formulation's single-dose limit (bupropion IR 150 mg, SR 200 mg) is named too,
when the course's dose per administration was read (Trial.mg_per_dose): bupropion IR 200 mg
twice daily is 400 mg/day, within the daily 450, yet each dose is above the IR label's 150; the
order hooks judge a draft so (order_checks/formulation_doses.above_single_dose), and a patient
already taking it had no card on chart open.
"""

from __future__ import annotations

from fhir_mapping.formulations import Formulation
from fhir_mapping.record import DoseBasis, Trial
from services import cards, formulation_ceilings, taken_to_confirm, trial_dates
from services.order_doses import trial_dose
from services.recommendation import Recommendation
from services.rules import running_dose
from services.rules.context import RuleContext

TOPIC = "running-dose-above-formulation-max"


def judged(trial: Trial) -> Formulation | None:
    """The course's formulation when this card judges it: a ceiling of its own or a reason."""
    form = formulation_ceilings.formulation(trial)
    if form is None or form.max_mg_day is None:
        return None
    if form.max_mg_day == trial.max_mg and not form.reason:
        return None  # venlafaxine XR / IR: the drug row's 225, no chart-open card for it
    return form


def above(ctx: RuleContext) -> list[tuple[Trial, Formulation, running_dose.Reading]]:
    """The running daily courses whose dose is above their formulation's labelled maximum (the
    upper end of a ranged dose, the highest reading of one to confirm: running_dose)."""
    found = []
    for trial in ctx.record.trials:
        if not _running(trial):
            continue
        form = judged(trial)
        if form is None or form.max_mg_day is None:
            continue
        read = running_dose.ceiling_reading(trial)
        if read.mg is not None and read.mg > form.max_mg_day:
            found.append((trial, form, read))
    return found


def _running(trial: Trial) -> bool:
    return (
        trial.ongoing
        and trial.on_hold is None
        and trial.dose_basis is DoseBasis.DAILY
        and trial.formulation is not None
    )


def above_single_dose(ctx: RuleContext) -> list[tuple[Trial, Formulation, float]]:
    """The running daily courses whose dose per administration is above their formulation's
    single-dose limit: (course, formulation, mg a dose)."""
    found = []
    for trial in ctx.record.trials:
        if not _running(trial) or trial.mg_per_dose is None:
            continue
        form = formulation_ceilings.formulation(trial)
        if form is None or form.max_single_mg is None:
            continue
        if trial.mg_per_dose > form.max_single_mg:
            found.append((trial, form, trial.mg_per_dose))
    return found


def _single_line(trial: Trial, form: Formulation, per_dose: float) -> str:
    limit = form.max_single_mg
    why = f": {form.reason}" if form.reason else ""
    return (
        f"**{trial.ingredient.capitalize()} {form.shown_as} {trial_dose(trial)}, "
        f"{cards.fmt_mg(per_dose)} mg a dose** ({running_since(trial)}): "
        f"no single dose of this formulation should exceed {cards.fmt_mg(limit)} mg "
        f"({form.cite}{form.flag}){why}."
    )


def _since(trial: Trial) -> str:
    """ "since 2024-12-02", or "since 2026-05-04; 450 mg/day since 2026-09-01" when the present
    dose began after the course (trial_dates.dose_since: review s20 item 1)."""
    return trial_dates.dose_since(trial, trial_dose(trial))[1]


def running_since(trial: Trial) -> str:
    """ "running since 2024-12-02", or "since 2024-12-02; may be running: no supply since
    2025-06-30" for a course whose supply ran out (taken_to_confirm.trial_claim, the words of
    its trials table's dates cell: review s23 RPC)."""
    claim = taken_to_confirm.trial_claim(trial)
    if claim.why:
        return f"{_since(trial)}; {claim.verb}: {claim.why}"
    return f"{claim.bare} {_since(trial)}"


def _dose(trial: Trial, read: running_dose.Reading) -> str:
    return running_dose.said_dose(trial, read)


def _line(trial: Trial, form: Formulation, read: running_dose.Reading) -> str:
    top = form.max_mg_day
    single = (
        f" and {cards.fmt_mg(form.max_single_mg)} mg a dose"
        if form.max_single_mg is not None and top is not None and form.max_single_mg < top
        else ""
    )
    why = f": {form.reason}" if form.reason else ""
    return (
        f"**{trial.ingredient.capitalize()} {form.shown_as} {_dose(trial, read)}** "
        f"({running_since(trial)}): the labelled maximum of this formulation is "
        f"{cards.fmt_mg(top)} mg/day{single} ({form.cite}{form.flag}){why}."
    )


def _daily_summary(trial: Trial, form: Formulation, read: running_dose.Reading) -> str:
    name = f"{trial.ingredient.capitalize()} {form.shown_as}"
    dose, top = _dose(trial, read), cards.fmt_mg(form.max_mg_day)
    may = "may be " if read.to_confirm else ""
    why = f": {form.reason}" if form.reason else ""
    running = taken_to_confirm.trial_claim(trial).bare  # "possibly running": no supply since
    return cards.fit_summary(
        f"{name} {dose} {running}: {may}above the {form.shown_as} maximum of {top} mg/day{why}",
        f"{name} {dose}: {may}above the {top} mg/day {form.shown_as} maximum",
    )


def _single_summary(trial: Trial, form: Formulation, per_dose: float) -> str:
    name = f"{trial.ingredient.capitalize()} {form.shown_as}"
    dose, limit = cards.fmt_mg(per_dose), cards.fmt_mg(form.max_single_mg)
    why = f": {form.reason}" if form.reason else ""
    running = taken_to_confirm.trial_claim(trial).bare
    return cards.fit_summary(
        f"{name} {dose} mg a dose {running}: above the {form.shown_as} single-dose limit of "
        f"{limit} mg{why}",
        f"{name} {dose} mg a dose: above the {limit} mg {form.shown_as} single-dose limit",
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    daily = above(ctx)
    single = above_single_dose(ctx)
    if not daily and not single:
        return None
    # The daily maximum leads when both are passed: lowering the day's dose is the first step.
    summary = _daily_summary(*daily[0]) if daily else _single_summary(*single[0])
    advice = []
    if daily:
        advice.append(
            "Review the dose and the formulation with the prescriber: lower it to the "
            "formulation's maximum, or, if the dose is meant, confirm the product (another "
            "formulation's label may allow it) and record why."
        )
    if single:
        advice.append(
            "Split the day's dose into more doses of at most the single-dose limit, or use "
            "another formulation, with the prescriber."
        )
    return running_dose.dose_card(
        ctx,
        TOPIC,
        summary=summary,
        lines=[
            *[_line(t, f, r) for t, f, r in daily],
            *[_single_line(t, f, d) for t, f, d in single],
        ],
        advice=" ".join(advice),
        courses=list(dict.fromkeys([t for t, _, _ in daily] + [t for t, _, _ in single])),
        # The courses, their formulations and doses: a snooze ends with a higher dose or
        # another formulation.
        fingerprints=[
            f"{t.ingredient}|{f.key}|{cards.fmt_mg(r.mg)}" for t, f, r in daily if r.mg is not None
        ]
        + [f"{t.ingredient}|{f.key}|{cards.fmt_mg(d)} a dose" for t, f, d in single],
    )
