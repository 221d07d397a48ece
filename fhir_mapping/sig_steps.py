"""The dose steps one sig writes, in either direction (session 34 fix dose52, review K38b
finding 4).

A taper down written in one sig ("75 mg daily for 7 days, then 37.5 mg daily for 7 days, then
stop") was read as dated steps (dose_sig.read_taper), but a titration up written the same way
was not: "Take 1/2 tablet daily for 7 days, then 1 tablet daily for 7 days, then 2 tablets daily"
of sertraline 50 mg read as its last step (dose_sig.governing_step), 100 mg/day from day 1. The
weeks at an adequate dose then began on the first day, two weeks early: 2 weeks of titration and
5 weeks at the target counted as 7 weeks, an adequate trial (>= 6 weeks) where the record shows 5.
Now such a sig is read as dose steps (Taper.stops False), as dosage lines in sequence already
are (taper.line_steps): the order's dose is its first step, and each later step starts a dose
of its own on the day the steps before it end (taper.taper_timeline), so the adequate-dose clock
starts with the step that reaches the adequate dose.

Read as steps only when every piece of the sig between its "then"s is a dose that can be read in
mg (one amount, one frequency, no range) and every step but the last says its days: the day each
step starts is then known. A sig with a conditional step ("then increase to 2 tablets if
tolerated", "may increase", and "then increase to 2 tablets daily", which dose_sig reads as a
condition), an amount that cannot be read, or a step of unstated length keeps the reading it had
(its governing step, dose_sig.governing_step, from day 1). A "then" before a
sentence with no dose ("then call the clinic") writes no step. Whether the steps take the drug
down to a stop is one rule for both forms (`stops`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fhir_mapping.dose_sig import (
    _CONDITIONAL,
    _STEP,
    _STOP,
    Taper,
    TaperStep,
    is_taper,
    read_taper,
    sig_doses,
)
from fhir_mapping.dose_sig import sig_step_days as _step_days

__all__ = ["one_sig_steps", "sig_texts", "stops", "taper_sig", "titration_steps"]


def sig_texts(dosages: Sequence[Mapping[str, Any]]) -> list[str]:
    """The free-text sigs of dosage lines: each line's text, then its patientInstruction."""
    return [
        text
        for line in dosages
        for text in (line.get("text"), line.get("patientInstruction"))
        if isinstance(text, str) and text
    ]


def stops(steps: Sequence[TaperStep], said: bool) -> bool:
    """Whether dose steps take the drug down to a stop: the sig says so (`said`: dose_sig.is_taper),
    or every step states its length and the last dose is below the first (the order then ends on
    a lower dose with nothing after it). Otherwise (a titration up, a last step going on) they
    are dose steps only."""
    if said:
        return True
    if not steps:
        return False
    first, last = steps[0].mg_per_day, steps[-1].mg_per_day
    descends = first is not None and last is not None and last < first
    return descends and all(s.days is not None for s in steps)


def taper_sig(dosages: Sequence[Mapping[str, Any]], strength_mg: float | None) -> Taper | None:
    """The taper to a stop the first sig that says so describes (dose_sig.read_taper), else
    None."""
    text = next((t for t in sig_texts(dosages) if is_taper(t)), None)
    return read_taper(text, strength_mg) if text is not None else None


def titration_steps(text: str, strength_mg: float | None) -> Taper | None:
    """The dose steps one sig writes with "then" (module docstring), None when it writes fewer
    than two, or any step cannot be placed in time or read in mg: "Take 1/2 tablet daily for 7
    days, then 1 tablet daily for 7 days, then 2 tablets daily" of 50 mg -> (25 mg, 7 days),
    (50 mg, 7 days), (100 mg, days not said). A sig that takes the drug down to a stop is
    dose_sig.read_taper's."""
    lowered = text.lower()
    if " then" not in lowered and ",then" not in lowered:
        return None
    read: list[TaperStep] = []
    for part in _STEP.split(lowered):
        if not part.strip():
            continue
        # A conditional step, read as dose_sig.governing_step reads it ("may increase", "if
        # tolerated", "titrate", and "increase to": review 7 finding 11 reads "for 7 days, then
        # increase to 2 tablets daily" as the first step until the fills or a new order show
        # the rise, tests/services/test_titration_grace.py): no step on a day the record states.
        if _CONDITIONAL.search(part) or _STOP.match(part):
            return None
        doses = sig_doses(part)
        if not doses:
            continue  # "then call the clinic": no dose, no step
        dose = doses[0]
        if len(doses) != 1 or dose.per_day is None or dose.high is not None:
            return None
        low, high = dose.per_day
        if low != high:
            return None
        if dose.kind == "mass":
            mg = dose.value * low  # sig_doses gives mass in mg
        elif dose.kind == "count" and strength_mg is not None:
            mg = dose.value * strength_mg * low
        else:
            return None
        read.append(TaperStep(mg, _step_days(part)))
    if len(read) < 2 or any(s.days is None for s in read[:-1]):
        return None
    return Taper(tuple(read), stops(read, False))


def one_sig_steps(dosages: Sequence[Mapping[str, Any]], strength_mg: float | None) -> Taper | None:
    """The steps an order's sig writes when its dosage lines are not steps themselves: the taper
    to a stop any sig says (`taper_sig`, as before), else the dose steps of the one dosage line's
    sig (`titration_steps`; several lines that are not steps are doses of one day, and one
    line's "then" does not say when the others are taken)."""
    taper = taper_sig(dosages, strength_mg)
    if taper is not None or len(dosages) != 1:
        return taper
    for text in sig_texts(dosages):
        steps = titration_steps(text, strength_mg)
        if steps is not None:
            return steps
    return None
