"""The doses of a course that ended for an adverse effect (review s20 RA finding 1).

Sertraline 150 mg/day was stopped on 2025-07-14 with statusReason "Adverse effect: GI upset and
insomnia" and 100 mg/day ordered the same day; the optimise card went on to read "100 mg/day ...
raise it first: to 150 mg/day", the dose not tolerated a week before. The course carries the doses
so ended (Trial.doses_not_tolerated), and the card raises no higher than below the lowest of them
above the running dose (services/rules/optimize/room.py), saying why.

A dose is read as not tolerated when:
1. the record that held it states a stop reason saying so (MedicationRequest.statusReason,
   MedicationStatement.statusReason, a dispense's statusReasonCodeableConcept: the event's
   `intolerance`, read by intolerance_reasons.status_reason_intolerance from
   data/intolerance_reasons.csv), or
2. a later record of the course writes a LOWER dose and states an intolerance as its reason
   (reasonCode text "dose reduced for side effects"): the dose before it is the one not tolerated.

An intolerance documented apart from the course (an AllergyIntolerance, an AdverseEvent) names the
drug, not a dose: it is Trial.intolerance, and the optimise card holds a raise as text for it
(room._hold). A reason on a record whose dose is not lower than the one before says nothing about
a dose and is left to those readers.

Across courses (review s20 R3 finding 3): sertraline 150 mg/day stopped 2025-07-14 for "GI upset
and insomnia", the drug stopped 2025-08-01 and restarted 2026-03 (a new course after the gap);
at 100 mg/day the card proposed "raise 100 -> 150" in one click, the reaction nowhere. A dose the
patient did not tolerate is a fact about the patient and the drug, not about one course, so each
course also carries the doses not tolerated in the courses of the same drug that started before
it (`across_courses`, run once by episodes.build_trials on every trial it makes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date

from fhir_mapping.events import MedicationEvent
from fhir_mapping.intolerance_reasons import intolerance_reason
from fhir_mapping.record import DoseNotTolerated, Intolerance, Trial


def _lowered_for_reaction(event: MedicationEvent, before: float | None) -> DoseNotTolerated | None:
    """Rule 2: `event` lowers the dose from `before` and states an intolerance as its reason."""
    if before is None or event.mg_per_day is None or event.mg_per_day >= before:
        return None
    for reason in event.reasons:
        said = intolerance_reason({"text": reason.label})
        if said is not None:
            return DoseNotTolerated(
                before, Intolerance(event.ingredient, said, event.start, reason.source)
            )
    return None


def doses_not_tolerated(events: Sequence[MedicationEvent]) -> tuple[DoseNotTolerated, ...]:
    """The course's doses that ended for an adverse effect, lowest first, one per dose (module
    docstring); () for nearly every course. `events` in _event_key order (by start)."""
    found: dict[float, DoseNotTolerated] = {}
    before: float | None = None  # the daily dose stated before the current day
    day: date | None = None
    day_dose: float | None = None
    for event in events:
        if event.start != day:
            before, day = (day_dose if day_dose is not None else before), event.start
            day_dose = None
        if event.as_needed:
            continue  # an as-needed dose is no daily dose to raise toward
        mg = event.mg_per_day
        if mg is not None and event.mg_per_day_high is None:
            day_dose = mg if day_dose is None else max(day_dose, mg)
            if event.intolerance is not None:
                found.setdefault(mg, DoseNotTolerated(mg, event.intolerance))
        if event.reasons:
            lowered = _lowered_for_reaction(event, before)
            if lowered is not None:
                found.setdefault(lowered.mg_per_day, lowered)
    return tuple(found[mg] for mg in sorted(found))


def across_courses(trials: Sequence[Trial]) -> tuple[Trial, ...]:
    """`trials` (sorted by start) with each course's doses not tolerated joined by those of the
    same drug's courses that started before it (module docstring): its own first, then the
    latest earlier course's, one per dose, lowest first. The trials as they are when no course
    ended a dose for an adverse effect (nearly every record)."""
    if not any(t.doses_not_tolerated for t in trials):
        return tuple(trials)
    seen: dict[str, list[DoseNotTolerated]] = {}  # per drug: the doses of its earlier courses
    out: list[Trial] = []
    for trial in trials:
        earlier = seen.setdefault(trial.ingredient, [])
        own = trial.doses_not_tolerated
        if earlier:
            found = {d.mg_per_day: d for d in own}
            for dose in reversed(earlier):  # the latest course's reading of a dose first
                found.setdefault(dose.mg_per_day, dose)
            joined = tuple(found[mg] for mg in sorted(found))
            if joined != own:
                trial = dataclasses.replace(trial, doses_not_tolerated=joined)
        earlier.extend(own)
        out.append(trial)
    return tuple(out)
