"""The MAR read for the medication history (review 15 W1, review s25 RI findings 2-4): a fixed
course given on the ward (administered_courses.py), and a pathway drug's ward days
(ward_doses.py) given to the course they belong to, a run with no other record of the drug being
a course of its own; a drug given at intervals (B12 by injection: interval_doses.py; a
long-acting injectable antipsychotic: injection_courses.py) as its course.

Rules for a drug's ward days:
- they split into runs where more than `policy.supply_gap_days` pass between two of them (a
  readmission months later is another stay);
- a run goes to the record it was given under (a dose's `request`, the inpatient order), else to
  the latest record of the drug dated before the run ends and not ended before it begins, within
  `policy.refill_gap_weeks` (a longer break splits a course: Fabbri 2021, adherence.py);
- a run with no such record and a dose given is a MAR-only course: a MedicationEvent of kind
  STATEMENT (the record says the drug was taken; no order, no fill), as administered_courses.py
  makes one for brexanolone, from the first to the last day given, its mg/day the median of the
  days given; still running (no end) when its last dose is within a day of as-of;
- a run given under an order (its doses name it) at another mg/day than the order's is that
  order's dose as given: the order's mg/day becomes the ward's (the lower middle of the days
  given, a dose the MAR shows), noted on it, below (review s25 RK1 finding 2: 30 mg given daily
  on a 60 mg duloxetine order counted as an adequate trial) or above it (review s25 RK4 finding
  8: 20 mg charted daily on a 10 mg order read "raise 10 -> 20 mg/day", a dose already given);
  an order that states no dose ("See MAR") takes the doses the run gives (review s28 K9 finding 4),
  by day: a step at each change of the dose given (review s28 K12 finding 2);
  an order the run's doses name is the ward's order, and a finished one ends after its last
  dose given (ward_orders.py, session 26 LA: it no longer sets the dose against later home
  fills);
- a run whose record is an as-needed order (asNeededBoolean / asNeededCodeableConcept) is
  marked so (WardDose.as_needed): a night it was not wanted is no missed dose, and the run gives
  no ward PDC (review s25 RK1 finding 5).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from statistics import median, median_low
from typing import Any

from fhir_mapping.adherence_record import DoseReading, WardDose
from fhir_mapping.administered_courses import course_events, with_course_events
from fhir_mapping.admission_codes import ClassOf, class_key
from fhir_mapping.chart_walk import ChartWalk
from fhir_mapping.dose_sig import Taper, TaperStep
from fhir_mapping.drug_table import drug_info
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.injection_courses import injection_events
from fhir_mapping.interval_doses import interval_events
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import DataGap, DoseBasis, SourceRef
from fhir_mapping.ward_adherence import ward_runs
from fhir_mapping.ward_doses import WardDoses, read_ward_doses
from fhir_mapping.ward_orders import ended_on_ward

Resource = Mapping[str, Any]

_TAKEN = DoseReading.TAKEN
# A MAR-only run whose last dose is this close to as-of is running (today's dose may not be
# charted yet: the MAR is charted when the dose is given).
_RUNNING_DAYS = 1
# A dose given on one day only, between or beside days at another dose, is that day's dose, not
# a change of the order's dose: a twice-daily dose split by midnight or a time zone on the first
# or last day of a stay (admitted in the evening, discharged in the morning) gives half the
# dose that day (wa2 of review s28 K12: 10 mg twice daily read 10 mg, 20, then 10 again).
_ONE_DAY = 1


@dataclass(frozen=True, slots=True)
class MarReading:
    events: list[MedicationEvent]
    gaps: list[DataGap]
    skipped: int  # administrations dropped as gaps (each counted once)
    rest: list[Resource]  # left for administrations.read_sessions


def read_mar(
    events: list[MedicationEvent],
    walk: ChartWalk,
    *,
    as_of: date,
    policy: MappingPolicy,
    class_of: ClassOf = class_key,
) -> MarReading:
    """`events` with the MAR's courses and ward days (module docstring): `walk`'s
    administrations, read with its Medications and Encounters. `class_of`: how a stay's class
    is read (the build's memo: visit_reads.py), for the chains of stays (ward_doses.py)."""
    administrations, medication_resources = walk.administrations, walk.medication_resources
    encounters = walk.kept.get("Encounter", ())
    given, gaps, rest = course_events(administrations, medication_resources, as_of=as_of)
    if given:
        events = with_course_events(events, given)
    # A long-acting injectable runs between injections (injection_courses.py; fix lai61): read
    # before the ward days, which would make each injection a one-day course.
    injected, rest = injection_events(rest, medication_resources, as_of=as_of)
    if injected:
        events = with_course_events(events, injected)
    doses, ward_gaps, rest = read_ward_doses(
        rest, medication_resources, encounters, as_of=as_of, class_of=class_of
    )
    gaps = [*gaps, *ward_gaps]
    if doses:
        events = with_ward_doses(events, doses, as_of=as_of, policy=policy)
    # B12 by injection given on the MAR (interval_doses.py; session 29 fix mar30 item 4).
    spaced, rest = interval_events(rest, medication_resources, as_of=as_of)
    if spaced:
        events = with_course_events(events, spaced)
    return MarReading(events, gaps, len({g.source for g in gaps}), rest)


def _home(
    run: tuple[WardDose, ...], events: Sequence[MedicationEvent], policy: MappingPolicy
) -> int | None:
    """The index in `events` (one drug's) of the record the run belongs to, else None."""
    named = {d.request for d in run if d.request}
    for i, event in enumerate(events):
        if str(event.source) in named:
            return i
    first, last = run[0].day, run[-1].day
    earliest = first - timedelta(days=round(policy.refill_gap_weeks * 7))
    near = [
        i
        for i, e in enumerate(events)
        if earliest <= e.start <= last and (e.end is None or e.end >= first)
    ]
    return max(near, key=lambda i: (events[i].start, i)) if near else None


def _mar_course(ingredient: str, run: tuple[WardDose, ...], as_of: date) -> MedicationEvent | None:
    taken = [d for d in run if d.reading is _TAKEN]
    info = drug_info(ingredient)
    if not taken or info is None:
        return None
    mgs = [d.mg for d in taken if d.mg is not None]
    running = (as_of - taken[-1].day).days <= _RUNNING_DAYS
    return MedicationEvent(
        kind=EventKind.STATEMENT,
        ingredient=info.ingredient,
        drug_class=info.drug_class,
        role=info.role,
        start=taken[0].day,
        end=None if running else taken[-1].day,
        mg_per_day=float(median(mgs)) if mgs else None,
        days_supply=None,
        status="active" if running else "completed",
        source=SourceRef("MedicationAdministration", taken[0].source_id),
        notes=("given on the ward (MAR), no order or fill of it on record",),
        ward_doses=run,
    )


def with_ward_doses(
    events: list[MedicationEvent], doses: WardDoses, *, as_of: date, policy: MappingPolicy
) -> list[MedicationEvent]:
    """`events` with each drug's ward days on the record they belong to (module docstring)."""
    out = list(events)
    added: list[MedicationEvent] = []
    for ingredient, days in doses.items():
        mine = [i for i, e in enumerate(out) if e.ingredient == ingredient]
        for run in ward_runs(days, policy.supply_gap_days):
            at = _home(run, [out[i] for i in mine], policy)
            if at is not None:
                index = mine[at]
                out[index] = _given_under(out[index], run)
                continue
            course = _mar_course(ingredient, run, as_of)
            if course is not None:
                added.append(course)
    return with_course_events(out, added)


def _given_under(event: MedicationEvent, run: tuple[WardDose, ...]) -> MedicationEvent:
    """`event` with the ward `run` on it (module docstring: as-needed runs marked, a run given
    under the order at another dose sets the order's dose)."""
    if event.as_needed:
        run = tuple(replace(d, as_needed=True) for d in run)
    if any(d.request == str(event.source) for d in run):
        event = ended_on_ward(event, run)  # the ward gave it: its dose holds over the stay
    ward = _ward_mg(run, str(event.source))
    if ward is not None and event.mg_per_day is None and event.dose_basis is DoseBasis.DAILY:
        # An order with no structured dose ("See MAR"): the MAR's doses given are its doses
        # (review s28 K9 finding 4: "dose unknown (40 days)" beside 20 mg charted daily), by day:
        # each change of the dose given starts a step (`_mar_steps`; review s28 K12 finding 2:
        # 5 mg for 18 days then 20 mg for 22 days read "20 mg/day (40 days)", one dose for all).
        return _dosed_by_mar(event, run)
    if ward is None or event.mg_per_day is None or ward == event.mg_per_day:
        return replace(event, ward_doses=event.ward_doses + run)
    side = "below" if ward < event.mg_per_day else "above"
    note = (
        f"given at {ward:g} mg/day on the ward (MAR), {side} the {event.mg_per_day:g} mg/day "
        "ordered"
    )
    return replace(
        event,
        mg_per_day=ward,
        mg_per_day_high=None,
        notes=(*event.notes, note),
        ward_doses=event.ward_doses + run,
    )


def _mar_steps(run: tuple[WardDose, ...], order: str) -> list[tuple[date, float]]:
    """(first day, mg/day) of each dose given under `order`, a new one at each change of the
    dose given that holds for more than one day given (`_ONE_DAY`); a day given with no mg
    keeps the dose before it."""
    held: list[tuple[date, float, int]] = []  # (first day, mg, days given at it) in order
    for dose in run:
        if dose.reading is not _TAKEN or dose.mg is None or dose.request != order:
            continue
        if held and held[-1][1] == dose.mg:
            held[-1] = (held[-1][0], dose.mg, held[-1][2] + 1)
        else:
            held.append((dose.day, dose.mg, 1))
    kept = [h for h in held if h[2] > _ONE_DAY] or held
    steps: list[tuple[date, float]] = []
    for day, mg, _ in kept:
        if not steps or steps[-1][1] != mg:
            steps.append((day, mg))
    if steps and held:
        steps[0] = (held[0][0], steps[0][1])  # the order's doses start on its first day given
    return steps


def _dosed_by_mar(event: MedicationEvent, run: tuple[WardDose, ...]) -> MedicationEvent:
    """`event`, an order stating no dose, with the doses its MAR run gives: its first dose as
    its mg/day and, when the dose given changed, each later one a step of it (a Taper that does
    not stop, as dosage lines in sequence are: taper.line_steps), so the course's dose timeline
    follows the MAR by day (taper.taper_timeline)."""
    steps = _mar_steps(run, str(event.source))
    # A change on or before the order's start cannot be a step of it: the dose then given
    # starts the order.
    while len(steps) > 1 and steps[1][0] <= event.start:
        steps.pop(0)
    ward_doses = event.ward_doses + run
    if len(steps) < 2 or event.taper is not None:
        mg = steps[0][1] if len(steps) == 1 else _ward_mg(run, str(event.source))
        note = f"given at {mg:g} mg/day on the ward (MAR); the order states no dose"
        return replace(event, mg_per_day=mg, notes=(*event.notes, note), ward_doses=ward_doses)
    starts = [max(event.start, steps[0][0]), *(day for day, _ in steps[1:])]
    lengths: list[int | None] = [(b - a).days for a, b in zip(starts, starts[1:], strict=False)]
    # Anchored at the order's start (taper_timeline): the first step runs from it.
    lengths[0] = (starts[1] - event.start).days
    # The last step ends with the order (its end, else the day after its last dose given:
    # ward_orders.ended_on_ward), as the order's one dose does when the MAR gives one: the dose
    # after it is the other records' (taper_timeline; review s29 K16: 20 mg 17 days then 5 mg on
    # the ward, discharged on 20 mg daily, read 5 mg/day on to as-of, "raise" the dose held).
    end = event.end
    last = (end - starts[-1]).days if end is not None and end > starts[-1] else None
    taper = Taper(
        tuple(TaperStep(mg, days) for (_, mg), days in zip(steps, [*lengths, last], strict=True)),
        stops=False,
    )
    given = ", then ".join(f"{mg:g} mg/day from {day.isoformat()}" for day, mg in steps)
    note = f"given on the ward (MAR) at {given}; the order states no dose"
    return replace(
        event,
        mg_per_day=steps[0][1],
        taper=taper,
        notes=(*event.notes, note),
        ward_doses=ward_doses,
    )


def _ward_mg(run: tuple[WardDose, ...], order: str) -> float | None:
    """The mg/day given under `order` on the run's days given (the lower middle: a dose the MAR
    shows, never an average of two), None when the run names no such dose."""
    mgs = [d.mg for d in run if d.reading is _TAKEN and d.mg is not None and d.request == order]
    return float(median_low(mgs)) if mgs else None
