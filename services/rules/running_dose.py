"""The running dose a running-drug card compares with a label's limit (running_renal.py,
running_hepatic.py, age_dose_limit.py): the daily dose read, and how a card names the drug with
it. What each card's `Beyond` says of the label stays with its card: the renal one compares a
"reduce" band's ceiling, the hepatic one names the severity the label speaks of.

A dose "to confirm" (Trial.dose_to_confirm_mg: unsequenced dosage lines of unclear shape, read at
their highest reading) is compared too, at that reading: the order hooks check a draft
so, and a possible overdose left unsaid on chart open is the less safe choice. A card then says
"up to N mg/day (dose to confirm)", never that the patient takes N.

The market's labelled maximum (label_maximums.binding: mirtazapine 45 mg/day on the US label,
CANMAT's range going to 60) is read here too (review s19 leftover, session 20), so a running
course above it is said on chart open as the drafts and the optimise card already say it: the
renal, hepatic and age-limit cards name it beside the drug they speak of (`label_note`), and
running_label_dose.py carries it alone when none of them does. A dose within the label is never
named."""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.record import DoseBasis, Trial
from services import cards, formulation_ceilings, label_maximums, screen
from services.interaction_table import Taking
from services.order_doses import trial_dose
from services.recommendation import Indicator, Recommendation
from services.rules.context import RuleContext
from services.trial_dose_text import order_above_fills, order_says
from services.trial_dose_text import to_confirm_text as to_confirm_text


@dataclass(frozen=True, slots=True)
class Reading:
    """The daily dose a ceiling is compared with: `mg` None when not read; `to_confirm` when it
    is the highest reading of a dose to confirm, not a dose the record shows taken; `filled` the
    fills' daily dose when `mg` is the order's upper dose above it (`order_reading`): a dose the
    order directs, not one the record shows taken."""

    mg: float | None
    to_confirm: bool = False
    filled: float | None = None


quick_frozen_init(Reading)


def ceiling_reading(trial: Trial) -> Reading:
    """A course's latest daily dose at its upper end ("50-100 mg": 100), or the highest reading
    of its dose to confirm when that is higher or the only one read."""
    upper = trial.current_mg_per_day_upper
    unsure = trial.dose_to_confirm_mg
    if unsure is not None and (upper is None or unsure > upper):
        return Reading(unsure, to_confirm=True)
    return Reading(upper)


def order_reading(trial: Trial) -> Reading | None:
    """The order's upper daily dose, with the fills' dose beside it, when the running dose is
    the one the latest fills imply and the order states more (trial_dose_text.order_above_fills:
    "200 mg, then 300 mg" beside fills covering 200 mg/day); None otherwise. The fills bound the
    dose said taken (fhir_mapping/fill_dose.within_fills), but the order still directs its dose:
    the patient may have other supply, and a refill at the order's dose gives it (s25 FZ2)."""
    found = order_above_fills(trial)
    return None if found is None else Reading(found[0], filled=found[1])


def _running_course(ctx: RuleContext, ingredient: str) -> Trial | None:
    """The latest running course of the drug (not held), or None."""
    courses: list[Trial] = [
        t
        for t in ctx.record.trials
        if t.ingredient == ingredient and t.ongoing and t.on_hold is None
    ]
    return max(courses, key=lambda t: (t.end, t.start)) if courses else None


def reading(ctx: RuleContext, taking: Taking) -> Reading:
    """The running course's `ceiling_reading`; the Taking's dose when no course is found."""
    latest = _running_course(ctx, taking.ingredient)
    if latest is None:
        return Reading(taking.mg_per_day)
    if not latest.segments:
        return Reading(None)
    return ceiling_reading(latest)


@dataclass(frozen=True, slots=True)
class AboveLabel:
    """A running daily course above its market's labelled maximum (label_maximums.binding)."""

    trial: Trial
    read: Reading
    label: label_maximums.LabelMaximum

    def limit(self) -> str:
        """ "the US label's maximum of 45 mg/day (Remeron US label 2.1)", with the setting the
        label allows more in, when it names one."""
        label = self.label
        higher = label.higher_line()
        return label.maximum() + (f"; {higher[0].lower()}{higher[1:-1]}" if higher else "")

    def dose(self) -> str:
        """ "mirtazapine 60 mg/day", "mirtazapine up to 60 mg/day (dose to confirm)"."""
        return dosed(self.trial.ingredient, self.read.mg, to_confirm=self.read.to_confirm)

    def note(self) -> str:
        """The line a card about the drug adds: "Mirtazapine 60 mg/day is also above the US
        label's maximum of 45 mg/day (Remeron US label 2.1)." ("may also be" for a dose to
        confirm)."""
        dose = self.dose()
        verb = "may also be" if self.read.to_confirm else "is also"
        return f"{dose[0].upper()}{dose[1:]} {verb} above {self.limit()}."


quick_frozen_init(AboveLabel)


def above_label(ctx: RuleContext, trial: Trial) -> AboveLabel | None:
    """The course above the clinic market's labelled maximum (policy drug_market), or None:
    a running, not held, daily course whose dose (`ceiling_reading`: a range's upper end, a dose
    to confirm at its highest reading) is above a label row that binds (below the range's own
    top: label_maximums.binding). Never for a dose within the label."""
    if not trial.ongoing or trial.on_hold is not None or trial.dose_basis is not DoseBasis.DAILY:
        return None
    label = label_maximums.binding(
        trial.ingredient, formulation_ceilings.daily_ceiling(trial), ctx.policy.drug_market
    )
    if label is None:
        return None
    read = ceiling_reading(trial)
    if read.mg is None or read.mg <= label.max_mg:
        return None
    return AboveLabel(trial, read, label)


def label_note(ctx: RuleContext, ingredient: str) -> str:
    """`AboveLabel.note` for the drug's running course, or "": the line a running-drug label
    card (renal, hepatic, age limit) adds beside the drug it names."""
    course = _running_course(ctx, ingredient)
    found = None if course is None else above_label(ctx, course)
    return "" if found is None else found.note()


def dosed(ingredient: str, mg_per_day: float | None, *, to_confirm: bool = False) -> str:
    """ "duloxetine 60 mg/day", "desvenlafaxine (dose not read)", "citalopram up to 40 mg/day
    (dose to confirm)"."""
    if mg_per_day is None:
        return f"{ingredient} (dose not read)"
    if to_confirm:
        return f"{ingredient} {to_confirm_text(mg_per_day)}"
    return f"{ingredient} {cards.fmt_mg(mg_per_day)} mg/day"


def said_dose(trial: Trial, read: Reading) -> str:
    """The dose a running-dose card says: a dose to confirm at its highest reading, as such
    ("up to 300 mg/day (dose to confirm)"), never as taken; an order's dose above its fills as
    the order's ("order says up to 300 mg/day"); else the course's own."""
    if read.filled is not None:
        return f"order says {order_says(trial)}"
    if read.to_confirm and read.mg is not None:
        return to_confirm_text(read.mg)
    return trial_dose(trial)


def dose_card(
    ctx: RuleContext,
    topic: str,
    *,
    summary: str,
    lines: list[str],
    advice: str,
    courses: list[Trial],
    fingerprints: list[str],
    indicator: Indicator | None = None,
) -> Recommendation:
    """A running-dose card (range, label, formulation maximum): each course's line, the advice,
    the courses' table; snoozed until a fingerprint (each drug with its dose and maximum)
    changes, so a snooze ends with a higher dose or another drug (screen.pairs_key). `indicator`:
    instead of the topic's (a dose within a label that allows more: running_range_dose)."""
    detail = cards.join_sections(*lines, advice, cards.trial_table(courses, ctx.policy.mapping))
    card = cards.make(topic, summary=summary, detail=detail, indicator=indicator)
    return screen.with_fields(card, evidence_key=screen.pairs_key(fingerprints))
