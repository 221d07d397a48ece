"""Which courses ended for intolerance count as trials toward TMS: the one definition the pathway
(PathwayFacts.tms_trials, the TMS card's count) and the payer criteria (the `trials` criterion)
both read (review 6 finding 5).

Payers count "inadequate response or intolerance to adequate trials" (L37086; Ambetter
CP.BH.200 "failure/intolerance of >= 2 adequate antidepressant trials"). A course stopped for a
(suspected) intolerance is a trial of the drug only when it reached the drug's minimum adequate
dose (the dose table's min, CANMAT 2023 Table 3.3) or ran at least
policy.tms_intolerant_min_days. Anything less (4 days of a 25 mg starting dose of sertraline) is
shown as "not tolerated (to confirm: ...)" and not counted: counting it would let an early,
often transient side effect stand in for a tried drug class in a payer packet. The course still
ended for intolerance everywhere else (the drug is not proposed again; the switch card reads
PathwayFacts.intolerant_trials, unchanged).
"""

from __future__ import annotations

from collections.abc import Iterable

from fhir_mapping.record import Trial
from services.card_format import plural
from services.trial_table import dose_unknown_text, taken_only_as_needed, top_dose_text


def shortfall(trial: Trial, min_days: int) -> str | None:
    """Why a course ended for intolerance is not counted as a trial ("25 mg/day, below the
    50 mg/day minimum, for 4 days"), or None when it counts: it reached the minimum adequate dose,
    or ran at least `min_days` (policy.tms_intolerant_min_days). An intolerance only a note
    states (Intolerance.to_confirm: RC review s23 finding 3b) is not counted until confirmed:
    "only a note on the record says so; no coded stop reason"."""
    if trial.intolerance is not None and trial.intolerance.to_confirm:
        return "only a note on the record says so; no coded stop reason"
    # The highest DAILY dose: a dose taken only as needed is no daily dose, so it never reaches
    # the minimum adequate dose (DoseSegment.as_needed; safer: not counted toward TMS).
    daily = [s.mg_per_day for s in trial.segments if not s.as_needed and s.mg_per_day is not None]
    top = max(daily) if daily else None
    minimum = trial.min_adequate_mg
    if top is not None and minimum is not None and top >= minimum:
        return None
    days = (trial.end - trial.start).days
    if days >= min_days:
        return None
    if top is None and taken_only_as_needed(trial):
        dose = f"{top_dose_text(trial)}, not a daily dose"
    elif top is None:
        # "dose to confirm, up to N mg/day" when the dosage lines are there but unclear: the
        # words every card uses for the course (review 14 recheck k01/k02).
        dose = dose_unknown_text(trial, nested=True)
    elif minimum is None:
        dose = f"{top:g} mg/day, no verified minimum dose to compare"
    else:
        dose = f"{top:g} mg/day, below the {minimum:g} mg/day minimum"
    return f"{dose}, for {plural(days, 'day')}"


def split(
    trials: Iterable[Trial], min_days: int
) -> tuple[tuple[Trial, ...], tuple[tuple[Trial, str], ...]]:
    """Courses ended for intolerance as (counted, not counted with why), each in the given order."""
    counted: list[Trial] = []
    unconfirmed: list[tuple[Trial, str]] = []
    for trial in trials:
        why = shortfall(trial, min_days)
        if why is None:
            counted.append(trial)
        else:
            unconfirmed.append((trial, why))
    return tuple(counted), tuple(unconfirmed)


def to_confirm_text(unconfirmed: Iterable[tuple[Trial, str]]) -> str:
    """The not-counted intolerances in words: "sertraline not tolerated (to confirm: 25 mg/day,
    below the 50 mg/day minimum, for 4 days)"."""
    return "; ".join(f"{t.ingredient} not tolerated (to confirm: {why})" for t, why in unconfirmed)
