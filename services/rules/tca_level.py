"""patient-view: a tricyclic running with its last serum level above the optimal range, at any age
(review s26 RQ finding 1).

Before, a nortriptyline level of 400 ng/mL at 45 gave no card: the only level reading was the
older-adult one (older_adult_level_reading.py, from 65), and only as a line of the optimise card,
so even at 70 a patient in remission with that level got nothing. A tricyclic level far above its
range is a toxicity signal at any age. Here, on chart open:

- a running course of a drug with a `level-above` row in data/lab_safety.csv (nortriptyline,
  the only tricyclic level the service maps: LOINC 3872-9), and its latest comparable level taken
  on this course (on or after its start: an earlier course's level says nothing of this one);
- the level above that row's range (the label's 50-150 ng/mL: the one range, which the
  older-adult reading reads too, older_adult_levels.level_range): a warning; above the
  `level-toxic` row (500 ng/mL, where major cardiac toxicity is reported): critical;
- no card when the dose was lowered after the level: the prescriber already acted on it (a raise
  since, or the same dose, keeps the card: nothing says the level came down);
- however old the level, as the lithium level card (rules/lithium_level.py): it is the last one on
  this course and the drug still runs (the safer reading; its date is said);
- a level drawn fewer than the row's `steady_days` after the current dose started is not at
  steady state: the card says so (it may still rise), as the lithium cards do.

At 65 and over the optimise card's dose line also reads the level (lower the dose, no raise);
this card is the one that speaks whatever the pathway stage. While it is shown, the optimise
card's medication proposals are text (`hold_one_click`): a higher dose or an added drug on top of
a toxic level is the wrong next step. Warning (critical above the toxic line), snoozable; its
fingerprint is the level and the dose, so a new level ends a snooze.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date

from fhir_mapping.record import LabResult
from fhir_mapping.trial import Trial
from services import cards, lab_safety, level_monitoring, screen, screen_refs
from services.interaction_table import Taking
from services.lab_safety import LabRule
from services.recommendation import Indicator, Recommendation
from services.rules import one_click_hold
from services.rules.context import RuleContext

TOPIC = "running-drug-level"
OPTIMISE_TOPIC = "optimize-switch-augment"


@dataclass(frozen=True, slots=True)
class HighLevel:
    trial: Trial
    lab: LabResult
    line: LabRule  # the level-above row: the range
    toxic: LabRule | None  # the level-toxic row, when the level is above it
    dose_since: date | None  # the current dose's first day
    unread: LabResult | None  # a later level that could not be compared

    @property
    def days_on_dose(self) -> int | None:
        """Days from the current dose's start to the level; None when drawn before it."""
        if self.dose_since is None or self.lab.date < self.dose_since:
            return None
        return (self.lab.date - self.dose_since).days

    @property
    def unsteady(self) -> bool:
        """Drawn before the current dose reached steady state (the row's steady_days)."""
        days, steady = self.days_on_dose, self.line.steady_days
        return days is not None and steady is not None and days < steady


def _dose_since(trial: Trial) -> date | None:
    """The first day of the current daily dose (a renewal at the same dose is no change)."""
    segments = trial.segments
    if not segments:
        return None
    dose, start = segments[-1].mg_per_day, segments[-1].start
    for segment in reversed(segments[:-1]):
        if segment.mg_per_day != dose:
            break
        start = segment.start
    return start


def _dose_on(trial: Trial, day: date) -> float | None:
    return next(
        (s.mg_per_day for s in trial.segments if s.start <= day <= s.end),
        None,
    )


def _lowered_since(trial: Trial, lab: LabResult) -> bool:
    """The dose was lowered after the level was taken: the prescriber acted on it."""
    then, now = _dose_on(trial, lab.date), trial.segments[-1].mg_per_day if trial.segments else None
    return then is not None and now is not None and now < then


def _running(ctx: RuleContext) -> list[Trial]:
    latest: dict[str, Trial] = {}
    for trial in sorted(ctx.record.trials, key=lambda t: (t.end, t.start)):
        if trial.ongoing and trial.on_hold is None:
            latest[trial.ingredient] = trial
    return list(latest.values())


def high_levels(ctx: RuleContext) -> list[HighLevel]:
    """Each running level-dosed drug whose last level on this course is above its range."""
    found = []
    for trial in _running(ctx):
        line = lab_safety.rule_for("level-above", trial.ingredient, trial.drug_class)
        if line is None:
            continue
        lab = lab_safety.latest_readable(ctx.record, line.test)
        if lab is None or lab.date < trial.start or not lab_safety.above(line, lab):
            continue
        if _lowered_since(trial, lab):
            continue
        toxic = lab_safety.rule_for("level-toxic", trial.ingredient, trial.drug_class)
        toxic = toxic if toxic is not None and lab_safety.above(toxic, lab) else None
        unread = lab_safety.unread_after(ctx.record, lab)
        found.append(HighLevel(trial, lab, line, toxic, _dose_since(trial), unread))
    return found


def _summary(found: HighLevel) -> str:
    """ "Nortriptyline level 400 ng/mL on 2026-09-14 on 75 mg/day: above 50-150 ng/mL; check for
    toxicity (ECG, QRS) and lower the dose"."""
    name = found.trial.ingredient
    level = f"{name[0].upper()}{name[1:]} level {lab_safety.text(found.lab)}"
    dose = found.trial.segments[-1].mg_per_day if found.trial.segments else None
    on = f" on {cards.fmt_mg(dose)} mg/day" if dose is not None else ""
    line = f"above {found.line.bounds()}"
    if found.toxic is not None:
        line = f"above the {found.toxic.bounds()} toxic line"
    advice = (found.toxic or found.line).if_running
    short = advice.split(", ", 1)[0]
    return cards.fit_summary(
        f"{level}{on}: {line}; {advice}",
        f"{level}: {line}; {advice}",
        f"{level}: {line}; {short}",
        f"{level}: {line}",
    )


def _timing(found: HighLevel) -> str:
    """Whether the level measured the current dose at steady state."""
    since = found.dose_since
    if since is None:
        return ""
    if found.lab.date < since:
        return (
            f"It was taken before the current dose started on {since.isoformat()}: it measured "
            "an earlier, lower dose; repeat the level on this one."
        )
    if found.unsteady:
        return (
            f"It was drawn {found.days_on_dose} days after the current dose started on "
            f"{since.isoformat()}: not yet at steady state ({found.line.steady_days} days or "
            "more), so the level may still rise; repeat it."
        )
    return ""


def detail(ctx: RuleContext, found: HighLevel) -> str:
    line, lab = found.line, found.lab
    age = level_monitoring.age_text(lab.date, ctx.record.as_of)
    head = (
        f"**{found.trial.ingredient.capitalize()} level {lab_safety.text(lab)}** ({age} ago, the "
        f"last comparable level on this course): above {line.bounds()}, {line.says} ({line.cite}: "
        "higher concentrations may bring more adverse effects)"
    )
    toxic = found.toxic
    if toxic is not None:
        head += f", and above {toxic.bounds()}, {toxic.says} ({toxic.cite})"
        if toxic.cause:
            head += f". Look for {toxic.cause}"
    taking = Taking.of_trial(found.trial).text()
    advice = (toxic or line).if_running
    unread = (
        f"A later level ({found.unread.date.isoformat()}) could not be compared: read it before "
        "acting on this one."
        if found.unread is not None
        else ""
    )
    return cards.join_sections(
        f"{head}.\n- {taking[0].upper()}{taking[1:]}.",
        _timing(found),
        f"{advice[0].upper()}{advice[1:]}.",
        unread,
        "Not offered as an order: how far to lower the dose is the prescriber's decision. "
        f"{screen_refs.HOLDS_OPTIMISE}",
    )


def fingerprint(found: HighLevel) -> str:
    lab = found.lab
    dose = found.trial.segments[-1].mg_per_day if found.trial.segments else None
    return screen.pairs_key(
        [f"level|{lab.test}|{lab.date.isoformat()}|{lab.value}|{lab.flag}", f"dose|{dose}"]
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    found = high_levels(ctx)
    if not found:
        return None
    # One drug has a level row today (nortriptyline): the highest risk first should more come.
    first = sorted(found, key=lambda f: f.toxic is None)[0]
    card = cards.make(
        TOPIC,
        summary=_summary(first),
        detail=detail(ctx, first),
        indicator=Indicator.CRITICAL if first.toxic is not None else None,
    )
    return screen.with_fields(card, evidence_key=fingerprint(first))


def yield_to_optimise(
    ctx: RuleContext, shown: list[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`shown` without this card when the optimise card on the screen already says this level
    (at 65 and over its older-adult dose line reads it: "nortriptyline level 180 ng/mL, above
    50-150 ng/mL: lower the dose"): one card per finding (review s26 RQ finding 1: the new rule
    adds no second card there). A level above the toxic line keeps this card: it is critical
    and asks for a toxicity assessment now, which the optimise card does not."""
    topics = {rec.topic for rec in shown} - set(hidden)
    if TOPIC not in topics or OPTIMISE_TOPIC not in topics:
        return shown
    optimise = next(rec for rec in shown if rec.topic == OPTIMISE_TOPIC)
    found = high_levels(ctx)
    if not found or any(f.toxic is not None for f in found):
        return shown
    said = all(
        f"{f.trial.ingredient} level {lab_safety.text(f.lab)}" in optimise.detail for f in found
    )
    return [rec for rec in shown if rec.topic != TOPIC] if said else shown


def hold_one_click(
    recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's medication proposals as text while this card is shown."""
    return one_click_hold.hold_while_shown(
        recs,
        hidden,
        TOPIC,
        "the drug level is above its range",
        "A higher dose or an added drug on top of a high level risks toxicity: settle the level "
        "first.",
    )
