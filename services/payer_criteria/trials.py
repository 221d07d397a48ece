"""The `trials` and `augmentation` criteria: the episode's counted trials and their classes, and
how each counted trial reads as evidence."""

from __future__ import annotations

from collections.abc import Iterable

from fhir_mapping.record import Trial
from services.pathway import PathwayFacts
from services.payer_criteria.inputs import Inputs, Outcome, absent
from services.payer_criteria.model import Criterion, CriterionStatus


def counted_trials(c: Criterion, facts: PathwayFacts) -> tuple[Trial, ...]:
    counted = facts.failed_trials + (facts.intolerant_trials if c.count_intolerant else ())
    return tuple(sorted(counted, key=lambda t: t.start))


def _classes(trials: Iterable[Trial]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.drug_class for t in trials))


def trial_line(trial: Trial) -> str:
    """A counted trial as evidence: drug, class, dose, dates, weeks, outcome or intolerance."""
    end = "ongoing" if trial.ongoing else trial.end.isoformat()
    dose = (
        f"{trial.max_mg_per_day:g} mg/day" if trial.max_mg_per_day is not None else "dose unknown"
    )
    head = f"{trial.ingredient} ({trial.drug_class}) {dose}, {trial.start.isoformat()} - {end}"
    if trial.failed:
        scores = ""
        if trial.baseline and trial.on_treatment:
            scores = f", PHQ-9 {trial.baseline.value} -> {trial.on_treatment.value}"
        weeks = f"{trial.weeks_at_adequate_dose:g}"
        return f"{head}: failed after {weeks} weeks at an adequate dose{scores}"
    if trial.intolerance is not None:
        when = f" {trial.intolerance.date.isoformat()}" if trial.intolerance.date else ""
        return (
            f"{head}: not tolerated ({trial.intolerance.reason}{when}, {trial.intolerance.source})"
        )
    return head


def evaluate_trials(c: Criterion, x: Inputs) -> Outcome:
    facts = x.facts
    counted = counted_trials(c, facts)
    classes = _classes(counted)
    plural = "es" if c.min_classes > 1 else ""
    named = ", ".join(
        f"{t.ingredient} ({t.drug_class}, {'failed' if t.failed else 'not tolerated'})"
        for t in counted
    )
    summary = (
        f"{len(counted)} counted from {len(classes)} class{'es' if len(classes) != 1 else ''}"
        + (f": {named}" if named else "")
        + f"; needs {c.min_trials} from {c.min_classes} class{plural}"
    )
    if not c.count_intolerant and facts.intolerant_trials:
        # Say what was left out, so "1 counted" is not read as "only 1 tried".
        summary += "; not counted (this policy counts failed trials only): " + ", ".join(
            f"{t.ingredient} (not tolerated)" for t in facts.intolerant_trials
        )
    details = tuple(trial_line(t) for t in counted)
    if len(counted) >= c.min_trials and len(classes) >= c.min_classes:
        return Outcome(CriterionStatus.MET, (summary,), details=details)
    if x.unseen(c.kind):
        return Outcome(
            CriterionStatus.NOT_AVAILABLE,
            (summary, "medication history not available in full"),
            details=details,
        )
    status = CriterionStatus.NOT_MET if counted else CriterionStatus.NOT_ON_RECORD
    return Outcome(status, (summary,), details=details)


def evaluate_augmentation(c: Criterion, x: Inputs) -> Outcome:
    trials = x.facts.augmentations
    named = ", ".join(f"{t.ingredient} (from {t.start.isoformat()})" for t in trials)
    details = tuple(trial_line(t) for t in trials)
    if len(trials) >= c.min_trials:
        return Outcome(CriterionStatus.MET, (named,), details=details)
    if trials:
        return Outcome(
            CriterionStatus.NOT_MET,
            (f"{named}; needs {c.min_trials} augmentation trials",),
            details=details,
        )
    return absent(x, c.kind, "medication history", "no augmentation trial in this episode")
