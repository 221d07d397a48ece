"""What one course's events (its orders, fills and statements) say of the drug taken, as `_trial`
(trial_record.py) writes on the Trial: why nothing shows it was taken (`_not_shown_taken`), the
dose-equivalent key and the formulation every event shares (`_equivalence`, `_formulation`), a
latest dose to confirm (`_to_confirm_upper`), the dose basis (`_dose_basis`), and the course's
intolerance and whether a manic reaction ended it (`_intolerance`, `_ended_by_mania`).

Apart from trial_record.py because each reads the events alone (no span, no dose timeline, no
drug table row), and course_support.py reads the spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.formulations import ceiling_of
from fhir_mapping.record import DoseBasis, Intolerance

# Enum members compared once per event, as module constants, as in trial_record.py (issue 14).
_ORDER = EventKind.ORDER
_DAILY = DoseBasis.DAILY


def _not_shown_taken(events: Sequence[MedicationEvent]) -> str | None:
    """Why nothing in the course shows the drug was taken, when every record of it is an order
    that does not (intent plan, status unknown: MedicationEvent.not_shown_taken; or on hold and,
    the course having no dispense, never filled); else None. One fill, one statement or one
    order of known status and intent counts the course as before."""
    whys: list[str] = []
    for event in events:
        if event.kind is not _ORDER:
            return None
        why = event.not_shown_taken
        if why is None and event.status == "on-hold":
            why = "on hold, never filled"
        if why is None:
            return None
        whys.append(f"{event.source}: {why}")
    return "; ".join(dict.fromkeys(whys)) or None


def _equivalence(events: Sequence[MedicationEvent]) -> str | None:
    """The dose-equivalent key shared by every event of the course (all Aplenzin, all Prozac
    Weekly), else None: a course mixing forms is shown in the reference mg it is judged in."""
    first = events[0].dose_equivalence if events else None
    if first is None:
        return None
    return first if all(e.dose_equivalence == first for e in events) else None


def _formulation(events: Sequence[MedicationEvent]) -> str | None:
    """The formulation the course is taken in now (Trial.formulation): that of its latest event
    naming one. Where that day's events name several (an SR order filled as XL), the one with
    the lowest daily ceiling: the safer reading for a raise and for "above the maximum". A later
    event naming none (a text-only order) does not clear it, for the same reason."""
    named = [e for e in events if e.formulation is not None]
    if not named:
        return None  # nearly every course
    last = max(e.start for e in named)
    keys = {e.formulation for e in named if e.start == last and e.formulation is not None}
    return min(keys, key=lambda k: (ceiling_of(k) or float("inf"), k))


def _per_dose(events: Sequence[MedicationEvent], formulation: str | None) -> float | None:
    """The mg of one dose of the course now (Trial.mg_per_dose): the latest day's records of
    the course's formulation that state it, the highest of them (the safer reading against a
    single-dose limit). None: no formulation, or no record stating a dose per administration."""
    if formulation is None:
        return None  # nearly every course
    stated = [e for e in events if e.formulation == formulation and e.mg_per_dose is not None]
    if not stated:
        return None
    last = max(e.start for e in stated)
    return max(e.mg_per_dose for e in stated if e.start == last and e.mg_per_dose is not None)


def _to_confirm_upper(events: Sequence[MedicationEvent]) -> float | None:
    """The highest reading of the course's latest stated dose when it is to confirm (Trial.
    dose_to_confirm_mg), else None. The dose timeline keeps no such dose (no mg/day is
    proven, so the segment's dose is unknown: never the one before it, meds45), and the
    running-drug ceilings missed it: citalopram lines reading up to 40 mg/day at 70 got no age-limit card.
    "To confirm" is an event with no lower end and an upper one (taper._to_confirm's unclear
    unsequenced lines; "up to 40 mg" with no lower end, dose.daily_dose_bounds). The latest day
    on which any event states a dose decides: a later clear dose supersedes it; on one day, the
    highest to-confirm reading counts (the safer one for a ceiling)."""
    last: date | None = None
    highest: float | None = None
    for event in events:
        low, high = event.mg_per_day, event.mg_per_day_high
        if low is None and high is None:
            continue  # states no dose: the reading before it holds, as on the timeline
        if last is None or event.start > last:
            last, highest = event.start, None
        elif event.start < last:
            continue
        if low is None and high is not None:
            highest = high if highest is None else max(highest, high)
    return highest


def _dose_basis(events: Sequence[MedicationEvent]) -> tuple[DoseBasis, float | None]:
    """The basis of the latest event (oral aripiprazole bridging to its injection ends as an
    injection course) and the latest known dose per session or injection."""
    basis = events[-1].dose_basis if events else _DAILY
    if basis is _DAILY:
        return basis, None
    doses = [e.mg_per_administration for e in events if e.mg_per_administration is not None]
    return basis, (doses[-1] if doses else None)


def _ended_by_mania(
    intolerance: Intolerance, events: Sequence[MedicationEvent], start: date, end: date
) -> bool:
    """The course's intolerance is a manic or hypomanic reaction (by its code or its words: the
    judgement the bipolar finding reads, intolerance.py) that ended it: the stop reason of one of
    the course's own records, or a reaction dated within the course."""
    if not intolerance.manic_reaction:
        return False
    if any(e.source == intolerance.source for e in events):
        return True  # its own stop reason: about this very course, whatever its date
    return intolerance.date is not None and start <= intolerance.date <= end


def _intolerance(
    events: Sequence[MedicationEvent],
    documented: Sequence[Intolerance],
    *,
    ended: bool = False,
    reduced_after_days: float = 0.0,
) -> Intolerance | None:
    """The trial's intolerance: a stop reason on one of its events first (it is about this very
    course), else an AllergyIntolerance / AdverseEvent matched to it; the latest of either.

    Review K61b finding 5: on an `ended` course, a dose stopped for side effects and followed by
    the drug at a lower dose for `reduced_after_days` or more (no taper) was a dose reduction:
    the course did not end for intolerance there, its own last stop decides (escitalopram
    20 mg stopped for nausea, 10 mg then 16 weeks, stopped "Not effective"). That dose stays
    Trial.doses_not_tolerated (dose_not_tolerated.py). A running course keeps the reaction as
    its intolerance, its dose named (tolerability.brief: "... 100 mg/day continues")."""
    own = [
        e.intolerance
        for e in events
        if e.intolerance is not None
        and not (ended and _reduced_after(e, events, reduced_after_days))
    ]
    found = own or list(documented)
    if not found:
        return None
    return max(found, key=lambda i: (i.date or date.min, str(i.source)))


def _reduced_after(
    stopped: MedicationEvent, events: Sequence[MedicationEvent], days: float
) -> bool:
    """`stopped` (a record stopped for side effects) is followed by a later record of the drug at
    a lower daily dose, not itself stopped for side effects and no taper, running `days` or more
    past the stop: the reaction lowered the dose, it did not end the course."""
    mg = stopped.mg_per_day
    if mg is None:
        return False
    stop = stopped.intolerance.date if stopped.intolerance is not None else None
    since = stop or stopped.end or stopped.start
    for later in events:
        lower = later.mg_per_day
        if (
            later.start > stopped.start
            and lower is not None
            and lower < mg
            and later.intolerance is None
            and later.taper is None
            and ((later.end or later.start) - since).days >= days
        ):
            return True
    return False


def _as_needed(events: Sequence[MedicationEvent]) -> bool:
    """Mirtazapine for sleep (review 6 finding 10): every dosage on record for the course says
    "as needed" (events without a dosage, such as a dispense without a sig, say nothing). A
    course with one scheduled dosage is a course, not a sleep aid."""
    stated = [e.as_needed for e in events if e.as_needed is not None]
    return bool(stated) and all(stated)
