"""The `trials` and `augmentation` criteria: the episode's counted trials and their classes, and
how each counted trial reads as evidence."""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter

from fhir_mapping.record import Trial
from services import cards, intolerance_count, trial_dates
from services.pathway import PathwayFacts
from services.payer_criteria.inputs import Inputs, absent
from services.payer_criteria.model import Criterion, CriterionStatus
from services.payer_criteria.results import CriterionResult, judged

_START = attrgetter("start")  # oldest first: a C-level sort key


def counted_trials(c: Criterion, facts: PathwayFacts) -> tuple[Trial, ...]:
    """The failed trials, plus the intolerances that were trials of the drug where the payer
    counts intolerance (PathwayFacts.tms_intolerant_trials: services/intolerance_count.py, the one
    definition the TMS card's count reads too)."""
    counted = facts.failed_trials + (facts.tms_intolerant_trials if c.count_intolerant else ())
    return tuple(sorted(counted, key=_START))


def _classes(trials: Iterable[Trial]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([t.drug_class for t in trials]))


def trial_line(trial: Trial) -> str:
    """A counted trial as evidence: drug, class, dose, dates, weeks, outcome or intolerance."""
    end = "ongoing" if trial.ongoing else trial.end.isoformat()
    top = trial.max_mg_per_day  # computed from the segments on each read: read once
    dose = f"{top:g} mg/day" if top is not None else "dose unknown"
    # Dates to the year or month only as written; the weeks are then a floor (review 10 f5).
    dates = trial_dates.written_text(trial)
    head = f"{trial.ingredient} ({trial.drug_class}) {dose}, {dates or trial.start.isoformat()}"
    if dates is None:
        head += f" - {end}"
    if trial.failed:
        scores = ""
        if trial.baseline and trial.on_treatment:
            scores = f", PHQ-9 {trial.baseline.value} -> {trial.on_treatment.value}"
        weeks = cards.fmt_weeks(trial.weeks_at_adequate_dose)
        if dates is not None:
            weeks = f"at least {weeks}"
        if trial.outcome_inferred:
            return (
                f"{head}: stopped after {weeks} weeks at an adequate dose, "
                f"{trial.unmeasured_text}: failure inferred from stopping it"
            )
        return f"{head}: failed after {weeks} weeks at an adequate dose{scores}"
    if trial.intolerance is not None:
        when = f" {trial.intolerance.date.isoformat()}" if trial.intolerance.date else ""
        return (
            f"{head}: not tolerated ({trial.intolerance.reason}{when}, {trial.intolerance.source})"
        )
    return head


def _outcome(trial: Trial) -> str:
    if not trial.failed:
        return "not tolerated"
    return f"failed, inferred: {trial.unmeasured_text}" if trial.outcome_inferred else "failed"


def evaluate_trials(c: Criterion, x: Inputs) -> CriterionResult:
    facts = x.facts
    counted = counted_trials(c, facts)
    classes = _classes(counted)
    plural = "es" if c.min_classes > 1 else ""
    named = ", ".join([f"{t.ingredient} ({t.drug_class}, {_outcome(t)})" for t in counted])
    summary = (
        f"{len(counted)} counted from {len(classes)} class{'es' if len(classes) != 1 else ''}"
        + (f": {named}" if named else "")
        + f"; needs {c.min_trials} from {c.min_classes} class{plural}"
    )
    unconfirmed = facts.unconfirmed_intolerance if c.count_intolerant else ()
    if not c.count_intolerant and facts.intolerant_trials:
        # Say what was left out, so "1 counted" is not read as "only 1 tried".
        summary += "; not counted (this policy counts failed trials only): " + ", ".join(
            f"{t.ingredient} (not tolerated)" for t in facts.intolerant_trials
        )
    elif unconfirmed:
        # An intolerance after days of a starting dose is not "intolerance to an adequate trial"
        # (review 6 finding 5): named, not counted, for the clinician to confirm.
        summary += "; not counted: " + intolerance_count.to_confirm_text(unconfirmed)
    details = tuple([trial_line(t) for t in counted])
    if len(counted) >= c.min_trials and len(classes) >= c.min_classes:
        return judged(c, CriterionStatus.MET, (summary,), details=details)
    if x.unseen(c.kind):
        return judged(
            c,
            CriterionStatus.NOT_AVAILABLE,
            (summary, "medication history not available in full"),
            details=details,
        )
    if unconfirmed and _would_meet(c, counted, tuple(t for t, _ in unconfirmed)):
        # Met only if the unconfirmed intolerances counted: what the chart leaves to confirm,
        # so "not on record" (documentation can settle it), never "met".
        return judged(
            c,
            CriterionStatus.NOT_ON_RECORD,
            (summary,),
            to_document=f"{c.to_document}: confirm "
            + ", ".join(f"{t.ingredient}'s intolerance" for t, _ in unconfirmed)
            + " or document another trial",
            details=details,
        )
    status = CriterionStatus.NOT_MET if counted else CriterionStatus.NOT_ON_RECORD
    return judged(c, status, (summary,), details=details)


def _would_meet(c: Criterion, counted: tuple[Trial, ...], more: tuple[Trial, ...]) -> bool:
    trials = counted + more
    return len(trials) >= c.min_trials and len(_classes(trials)) >= c.min_classes


def evaluate_augmentation(c: Criterion, x: Inputs) -> CriterionResult:
    trials = x.facts.augmentations
    named = ", ".join(f"{t.ingredient} (from {t.start.isoformat()})" for t in trials)
    details = tuple(trial_line(t) for t in trials)
    if len(trials) >= c.min_trials:
        return judged(c, CriterionStatus.MET, (named,), details=details)
    if trials:
        return judged(
            c,
            CriterionStatus.NOT_MET,
            (f"{named}; needs {c.min_trials} augmentation trials",),
            details=details,
        )
    return absent(c, x, "medication history", "no augmentation trial in this episode")
