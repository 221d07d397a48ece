"""Drugs the patient did not tolerate (Trial.intolerance: a stop reason, an AllergyIntolerance or an
AdverseEvent naming the drug; fhir_mapping/intolerance.py), as the cards that propose or check a
drug read them: one rule, one place.

A drug counts as not tolerated when the latest course of it on record carries a documented
intolerance, in any episode and any role (a reaction does not expire with the episode). A later
course of the same drug without one is a re-challenge that was tolerated, like an
AllergyIntolerance marked resolved: the drug is no longer held back. A course still running with a
recorded reaction counts too (the cards never propose more of it; the order hooks leave renewals
of a running course alone, see order_hooks.intolerance_check).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from fhir_mapping.record import Intolerance, PatientRecord, Trial
from services import cards, trial_dates


def not_tolerated(record: PatientRecord) -> dict[str, Trial]:
    """Ingredient -> its latest course, for the drugs whose latest course was not tolerated, in
    the order the courses ended."""
    latest: dict[str, Trial] = {}
    for trial in sorted(record.trials, key=lambda t: (t.end, t.start)):
        latest[trial.ingredient] = trial
    return {name: t for name, t in latest.items() if t.intolerance is not None}


def documented_without_a_course(record: PatientRecord) -> dict[str, Intolerance]:
    """Ingredient -> the latest documented intolerance of a drug that has no course on this chart
    on or after that record (an allergy from 2019, before the chart's history begins): held back
    like a course that was not tolerated."""
    found: dict[str, Intolerance] = {}
    for intolerance in sorted(record.intolerances, key=lambda i: i.date or date.min):
        later = [
            t
            for t in record.trials
            if t.ingredient == intolerance.ingredient
            and (intolerance.date is None or t.end >= intolerance.date)
        ]
        if not later:
            found[intolerance.ingredient] = intolerance
    return found


def held_back(record: PatientRecord) -> frozenset[str]:
    """Every ingredient no card may propose for intolerance: latest course not tolerated, or a
    documented intolerance with no course after it."""
    return frozenset(not_tolerated(record)) | frozenset(documented_without_a_course(record))


def intolerance_brief(ingredient: str, intolerance: Intolerance) -> str:
    when = intolerance.date.isoformat() if intolerance.date else "date not recorded"
    return f"{ingredient} ({intolerance.reason}, {when}, {intolerance.source})"


def class_brief(intolerance: Intolerance) -> str:
    """ "SSRIs (documented allergy: Anaphylaxis, 2024-01-10, AllergyIntolerance/ai-1)": a class
    allergy as written."""
    when = intolerance.date.isoformat() if intolerance.date else "date not recorded"
    return f"{intolerance.allergen_class} ({intolerance.reason}, {when}, {intolerance.source})"


def brief(trial: Trial) -> str:
    """ "sertraline (nausea, 2024-01-22, AllergyIntolerance/ai-1)": the drug, the reason as
    documented, the date and the resource it was read from."""
    intolerance = trial.intolerance
    if intolerance is None:
        return trial.ingredient
    when = intolerance.date.isoformat() if intolerance.date else "date not recorded"
    return f"{trial.ingredient} ({intolerance.reason}, {when}, {intolerance.source})"


def line(record: PatientRecord, *, named: Iterable[str] = ()) -> str:
    """The one line a card that proposes drugs carries when some were not tolerated; "" when
    none were. `named`: drugs the card has already named as not tolerated (left out here)."""
    skip = set(named)
    found = [brief(t) for k, t in not_tolerated(record).items() if k not in skip]
    for k, i in documented_without_a_course(record).items():
        if k in skip:
            continue
        # A class allergy ("SSRIs") is named once as written, not as each drug of the class
        # (review 16 U1): "SSRIs (documented allergy: Anaphylaxis, 2024-01-10, ...)".
        entry = class_brief(i) if i.allergen_class else intolerance_brief(k, i)
        if entry not in found:
            found.append(entry)
    if not found:
        return ""
    return "**Not tolerated, never proposed:** " + "; ".join(found) + "."


def course_line(trial: Trial) -> str:
    """ "sertraline 2024-01-08 – 2024-01-22: not tolerated: nausea (2024-01-22, ...)"; dates to
    the year or month only as written ("2023–2024 (year only)": review 10 finding 5)."""
    not_tolerated_text = cards.intolerance_text(trial)
    return f"{trial.ingredient} {trial_dates.dates_text(trial)}: {not_tolerated_text}"
