"""A medication event whose sig takes the drug down to a stop (review 10 finding 11).

"Take 75 mg daily for 7 days, then 37.5 mg daily for 7 days, then stop": the order's dose is its
first step (75 mg, not the 37.5 mg the patient ends on), the steps become dose segments of the
course (trial_record.py), and when every step says its days the course ends with the last one,
as a boundsPeriod end would end it (episodes.py rule 2a): the record says when the drug stops.
A drug started beside a course that is being tapered is a switch, not an augmentation
(episodes.py `_role`). Apart from medications.py because a taper is rare: every other event
passes here with one search of its sig. One line's sig written in steps, down to a stop or up
(a titration: "1/2 tablet daily for 7 days, then 1 tablet daily"), is read in sig_steps.py.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from fhir_mapping.dose import daily_dose_bounds, daily_dose_mg
from fhir_mapping.dose_sig import Taper, TaperStep, is_taper
from fhir_mapping.dose_steps import LineShape, sequence_steps, text_days, unsequenced_shape
from fhir_mapping.draft_timing import NO_TIMING, DraftStep, DraftTiming
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.medication_dates import dosage_bounds, step_days, step_spans, through
from fhir_mapping.sig_steps import one_sig_steps, sig_texts, stops, taper_sig
from fhir_mapping.terminology import Component
from fhir_mapping.trial_parts import TaperSpan

_DISPENSE = EventKind.DISPENSE


def with_taper(
    events: list[MedicationEvent],
    dosages: Sequence[Mapping[str, Any]],
    components: Sequence[Component],
) -> list[MedicationEvent]:
    """`events` (one resource's) with the taper their sig describes, else as they are. Only of
    one drug: the steps of a combination product's sig do not say which component they dose.

    Lines to confirm (`_to_confirm`) are read so for every kind of record, a dispense's sig as
    an order's (session 24 FP: the pharmacy's copy of "Take 2 tablets daily" + "Then take 3
    tablets daily" was added up to a proven 500 mg/day, a false overdose card and an inflated
    adequacy, while the order with the same lines was "up to 300, to confirm"). The steps and
    tapers below stay an order's or a statement's: a dispense repeats its order's sig on every
    refill, and each refill restarting the first step would step the dose down and up again
    every month (a dispense's lines in steps read as their last step: dose_steps.governing_lines)."""
    if not events or len(components) != 1:
        return events
    # Lines with no sequence that are neither steps nor one day's doses (dose_steps.py): no
    # dose is proven, and no one line's sig is read as the whole order's taper.
    shape = unsequenced_shape(dosages) if len(dosages) > 1 else LineShape()
    if shape.to_confirm:
        highest = _highest_line(dosages, components[0]) if shape.highest_line else None
        return [_to_confirm(event, shape, len(dosages), highest) for event in events]
    if events[0].kind is _DISPENSE:
        return events
    # Dosage lines in sequence (review 12 finding 10) are the order's steps, read before any
    # one line's sig: the sig of the last line alone ("then 1 capsule every other day for 7
    # days, then stop") is only its last step.
    # One line's sig in steps (sig_steps.py): a taper to a stop, or dose steps up (fix dose52).
    taper = line_steps(dosages, events[0].start, components[0])
    if taper is None:
        taper = one_sig_steps(dosages, components[0].strength_mg)
    if taper is None:
        return events
    tapered = []
    for event in events:
        changes: dict[str, Any] = {"taper": taper, "notes": (*event.notes, _note(event, taper))}
        first = taper.steps[0].mg_per_day if taper.steps else None
        if first is not None and event.dose_equivalence is None:
            # The dose of the order is its first step (dose.py reads the step it ends on).
            changes["mg_per_day"], changes["mg_per_day_high"] = first, None
        days = taper.days
        if event.end is None and days is not None:
            changes["end"] = through(event.start, days)  # its last day (K65a 4)
        tapered.append(replace(event, **changes))
    return tapered


def _lines_text(numbers: Sequence[int], count: int) -> str:
    """ "lines 1-3 of 3", "lines 1 and 2 of 2" (as written, 1 the first)."""
    if len(numbers) > 2 and list(numbers) == list(range(numbers[0], numbers[-1] + 1)):
        which = f"{numbers[0]}-{numbers[-1]}"
    else:
        which = ", ".join(str(n) for n in numbers[:-1]) + f" and {numbers[-1]}"
    return f"dosage lines {which} of {count}"


def to_confirm_note(
    numbers: Sequence[int], count: int, upper: float | None, *, highest_line: bool = False
) -> str:
    """Why an order's dose is to confirm (review 12 recheck q20): its lines carry no sequence
    and their timing says neither that they follow one another nor that they are one day's
    doses. The most they add up to is said, as the ceilings are checked at it. Lines whose text
    says they follow one another (`LineShape.highest_line`, recheck 13-2 m27) are steps of
    unstated length, checked at their highest line."""
    if highest_line:
        most = f"; up to {upper:g} mg/day at the highest line" if upper is not None else ""
        return (
            f"dose to confirm: {_lines_text(numbers, count)} carry no sequence; their text "
            f"reads as steps one after another, not all of stated length{most}"
        )
    most = f"; up to {upper:g} mg/day if all are taken together" if upper is not None else ""
    return (
        f"dose to confirm: {_lines_text(numbers, count)} carry no sequence and are neither "
        f"consecutive steps nor one day's doses{most}"
    )


def _to_confirm(
    event: MedicationEvent, shape: LineShape, count: int, highest: float | None
) -> MedicationEvent:
    """The event with no proven dose (its lower end None: the trial is not adequate on it) and
    the lines' total as its upper end: should they be one day's doses the patient takes that
    much, and the ceiling checks read it (the safer reading for a dose that may be too high).
    Lines written as steps in words (`shape.highest_line`) are never taken together: their
    upper end is the highest line's (`highest`), never their sum."""
    upper = event.mg_per_day_high if event.mg_per_day_high is not None else event.mg_per_day
    if shape.highest_line:
        upper = highest
    note = to_confirm_note(shape.to_confirm, count, upper, highest_line=shape.highest_line)
    note = f"{event.source}: {note}"
    return replace(event, mg_per_day=None, mg_per_day_high=upper, notes=(*event.notes, note))


def _highest_line(dosages: Sequence[Mapping[str, Any]], component: Component) -> float | None:
    """The highest mg/day any one line reaches (its upper end), None when a line's dose is not
    read: then no ceiling is claimed from the others."""
    uppers: list[float] = []
    for line in dosages:
        low, high = daily_dose_bounds(
            [line], strength_mg=component.strength_mg, per_ml=component.per_ml
        )
        top = high if high is not None else low
        if top is None:
            return None
        uppers.append(top)
    return max(uppers) if uppers else None


# Where the lengths of a draft's steps are counted from: a draft has no start of its own yet,
# and only the steps' lengths are read from it.
_DRAFT_ANCHOR = date(2000, 1, 1)


def draft_steps(
    dosages: Sequence[Mapping[str, Any]],
    component: Component,
    mg: float | None,
    mg_high: float | None,
) -> tuple[float | None, float | None, str | None, DraftTiming]:
    """(lower, upper mg/day, the note naming the steps or the lines to confirm, its timing:
    draft_timing.py, whether and when it tapers to a stop) of a draft of one drug whose dose `daily_dose_bounds` read as (`mg`,
    `mg_high`) (review 12 recheck: the ceilings read the last step only).

    A draft in steps (sequenced, or unsequenced lines that follow one another) keeps the last
    step as its dose (the one it ends on: adequacy) and has the highest step's upper end as its
    upper end, so that every ceiling check (maximum, age, renal, hepatic) meets a higher first
    step; the note says which step that is. Unsequenced lines of unclear shape prove no dose and
    are checked at their total (`_to_confirm`). Other drafts come back as they were read."""
    if len(dosages) < 2:
        return _one_sig(dosages, component, mg, mg_high)
    shape = unsequenced_shape(dosages)
    if shape.to_confirm:
        upper = mg_high if mg_high is not None else mg
        if shape.highest_line:
            upper = _highest_line(dosages, component)
        note = to_confirm_note(
            shape.to_confirm, len(dosages), upper, highest_line=shape.highest_line
        )
        return None, upper, note, read_timing(dosages, None, component.strength_mg)
    taper = line_steps(dosages, _DRAFT_ANCHOR, component)
    timing = read_timing(dosages, taper, component.strength_mg)
    if taper is None:
        return mg, mg_high, None, timing
    uppers: list[float | None] = []
    last: tuple[float | None, float | None] = (None, None)
    for lines in sequence_steps(dosages):
        low, high = daily_dose_bounds(
            lines, strength_mg=component.strength_mg, per_ml=component.per_ml
        )
        uppers.append(high if high is not None else low)
        last = (low, high)
    # The dose is the last step's, as dose.py reads it (dose_steps.governing_lines: the last
    # sequence, or the last of unnumbered lines that follow one another).
    mg, mg_high = last
    known = [(u, n) for n, u in enumerate(uppers, start=1) if u is not None]
    end = mg_high if mg_high is not None else mg
    if not known:
        return mg, mg_high, None, timing
    top, step = max(known, key=lambda pair: (pair[0], -pair[1]))
    steps = ", then ".join(
        (f"{s.mg_per_day:g} mg/day" if s.mg_per_day is not None else "dose not read")
        + (f" for {s.days} days" if s.days is not None else "")
        for s in taper.steps
    )
    if end is not None and top <= end:
        return mg, mg_high, None, timing
    note = (
        f"drafted in {len(uppers)} steps: {steps}; its ceilings are checked at step {step}, "
        f"the highest ({top:g} mg/day)"
    )
    return mg, top, note, timing


def _one_sig(
    dosages: Sequence[Mapping[str, Any]],
    component: Component,
    mg: float | None,
    mg_high: float | None,
) -> tuple[float | None, float | None, str | None, DraftTiming]:
    """A one-line draft: its dose as dose.py reads it, the step it ends on (governing_step).
    orders43, kept: for an order being signed that is the dose ordered (a titration's target,
    "10 mg daily for 7 days, then 20 mg daily": 20), the one the patient is to stay on and the
    highest one a titration up reaches, so the ceilings meet it. A one-sig titration whose earlier
    step is higher than the one it ends on (no stop: "40 mg daily for 7 days, then 20 mg daily")
    gets that step as its upper end, as lines in steps do (`draft_steps`)."""
    timing = read_timing(dosages, None, component.strength_mg)
    steps = one_sig_steps(dosages, component.strength_mg)
    end = mg_high if mg_high is not None else mg
    if steps is None or steps.stops or end is None:
        return mg, mg_high, None, timing
    known = [(s.mg_per_day, n) for n, s in enumerate(steps.steps, start=1) if s.mg_per_day]
    top, step = max(known, key=lambda pair: (pair[0], -pair[1]), default=(end, 0))
    if top <= end:
        return mg, mg_high, None, timing
    said = ", then ".join(f"{s.mg_per_day:g} mg/day" for s in steps.steps if s.mg_per_day)
    note = f"drafted in steps: {said}; its ceilings are checked at step {step}, the highest"
    return mg, top, f"{note} ({top:g} mg/day)", timing


def line_steps(
    dosages: Sequence[Mapping[str, Any]], start: date, component: Component
) -> Taper | None:
    """The steps of an order written as dosage lines in sequence (dose_steps.py), or None when
    its lines are not steps. Each step's dose is its lines' mg/day added up (dose.py), its days
    its boundsDuration or boundsPeriod (medication_dates.step_spans).

    It is a taper to a stop (`Taper.stops`) when a line's sig says so ("..., then stop"), or
    when every step states its length and the last dose is below the first: the order then ends
    on a lower dose with nothing after it. Otherwise (a titration up, a step going on with no
    end) its steps are dose steps only: no card says it is being stopped, and a drug started
    beside it is not read as a switch by cross-taper."""
    steps = sequence_steps(dosages)
    if not steps:
        return None
    spans = step_spans(steps, start)
    read: list[TaperStep] = []
    nexts: list[date | None] = [b for b, _ in spans[1:]] + [None]  # for step_days
    for lines, (begin, end), later in zip(steps, spans, nexts, strict=True):
        mg = daily_dose_mg(lines, strength_mg=component.strength_mg, per_ml=component.per_ml)
        days = step_days(lines, begin, end, later)
        if days is None and len(lines) == 1 and lines[0].get("sequence") is None:
            # Unsequenced lines are steps with no bounds only when their text gives the
            # lengths (dose_steps._text_steps): "for 7 days".
            days = text_days(lines[0])
        read.append(TaperStep(mg, days if days is None or days >= 1 else None))
    return Taper(tuple(read), stops(read, any(is_taper(t) for t in sig_texts(dosages))))


def _note(event: MedicationEvent, taper: Taper) -> str:
    """E.g. "MedicationRequest/x: taper to a stop: 75 mg/day for 7 days, then 37.5 mg/day for 7
    days"; "... : taper to a stop, steps not given" when the sig names none it can be read by;
    "... : dose steps: 37.5 mg/day for 7 days, then 75 mg/day" for steps that do not stop (the
    cards look for the first wording only: services/rules/optimize/card.py)."""
    steps = [
        (f"{s.mg_per_day:g} mg/day" if s.mg_per_day is not None else "dose not read")
        + (f" for {s.days} days" if s.days is not None else "")
        for s in taper.steps
    ]
    if not taper.stops:
        return f"{event.source}: dose steps: " + ", then ".join(steps)
    if not steps:
        return f"{event.source}: taper to a stop, steps not given"
    return f"{event.source}: taper to a stop: " + ", then ".join(steps)


def _goes_on(event: MedicationEvent, taper: MedicationEvent) -> bool:
    """Whether `event`, a record of the course after `taper` (a record whose sig takes the drug
    down to a stop), goes on at a steady dose: the taper was not followed through (s26 RK1
    finding 2: "75 mg daily for 14 days, then stop", then an order for 75 mg daily filled
    monthly for 7 months). An order or a statement, or a fill handed over on or after the day
    the taper said stop (one before it may be the taper's own fill), at no less than the
    taper's first step (a lower dose is a further step down), itself no taper to a stop. A dose
    not read closes nothing: its days stay the taper's, the under-count (taper_weeks.py)."""
    if event.start <= taper.start or (event.taper is not None and event.taper.stops):
        return False
    first, mg = taper.mg_per_day, event.mg_per_day
    if first is None or mg is None or event.as_needed or mg < first:
        return False
    if event.kind is _DISPENSE:
        return taper.end is not None and event.start >= taper.end
    return True


def taper_spans(events: Sequence[MedicationEvent]) -> tuple[TaperSpan, ...]:
    """The days the course's records said were steps off the drug (Trial.taper_spans): from
    each record whose sig takes the drug down to a stop (Taper.stops) up to the first later
    record that goes on at a steady dose (`_goes_on`), else to the course's end. A dose on those
    days is a step off the drug, never a dose the course is being tried at; a dose after a
    taper not followed through is the dose tried again (its weeks count, and no card says the
    drug is being stopped). () when no record tapers the drug (nearly every course)."""
    if not any(e.taper is not None and e.taper.stops for e in events):
        return ()
    spans: list[TaperSpan] = []
    start: date | None = None
    latest: MedicationEvent | None = None  # the open taper's latest record
    for event in sorted(events, key=lambda e: e.start):
        if event.taper is not None and event.taper.stops:
            start = event.start if start is None else start
            latest = event
        elif start is not None and latest is not None and _goes_on(event, latest):
            spans.append(TaperSpan(start, event.start))
            start = latest = None
    if start is not None:
        spans.append(TaperSpan(start))
    return tuple(spans)


def taper_timeline(
    timeline: Sequence[tuple[date, Any]], events: Sequence[MedicationEvent]
) -> list[tuple[date, Any]]:
    """A course's dose timeline (dose_timeline._timeline) with the steps of its tapers: each
    step after the first (the event's own dose) starts a dose of its own, until another record
    of the course changes the dose or a step's days or dose are not given."""
    entries = list(timeline)
    for event in events:
        taper = event.taper
        if taper is None or len(taper.steps) < 2:
            continue
        later = [day for day, _ in timeline if day > event.start]
        stop = min(later) if later else date.max
        day = event.start
        for previous, step in zip(taper.steps, taper.steps[1:], strict=False):
            if previous.days is None or step.mg_per_day is None:
                break
            day += timedelta(days=previous.days)
            if day >= stop:
                break
            entries.append((day, step.mg_per_day))
        else:
            back = _after_ward_steps(timeline, events, event, stop)
            if back is not None:
                entries.append(back)
    entries.sort(key=lambda entry: entry[0])
    merged: list[tuple[date, Any]] = []
    for entry in entries:
        if not merged or merged[-1][1] != entry[1]:
            merged.append(entry)
    return merged


def _after_ward_steps(
    timeline: Sequence[tuple[date, Any]],
    events: Sequence[MedicationEvent],
    event: MedicationEvent,
    stop: date,
) -> tuple[date, Any] | None:
    """The dose after the last of the MAR's dose steps of a ward order (`event`: its Taper
    ends with the order, ward_courses._dosed_by_mar), from the day the order ended: the dose of
    the nearest other record of the course, the latest begun by then (a discharge order on
    that day, a home order from before the stay) else the first after it. A discharge order
    at the order's first dose is one dose with it in the timeline (dose_timeline._timeline
    merges a dose that does not change), so the last step would otherwise run on over it
    (review s29 K16: 20 mg then 5 mg on the ward, discharged on 20 mg, read 5 mg to as-of).
    None when the steps do not end (no end known), or another dose comes first (`stop`)."""
    taper = event.taper
    if taper is None or taper.stops or not event.ward_order or taper.days is None:
        return None
    end = event.start + timedelta(days=taper.days)  # the next dose's first day, not a last day
    others = [e.start for e in events if e is not event]
    begun = [day for day in others if day <= end]
    nearest = max(begun) if begun else min(others, default=None)
    if end >= stop or nearest is None:
        return None
    dose = None
    for day, mg in timeline:  # the timeline's dose on that day (dose_timeline._dose_on)
        if day > nearest:
            break
        dose = mg
    return (end, dose) if dose is not None else None


def read_timing(
    dosages: Sequence[Mapping[str, Any]], taper: Taper | None, strength_mg: float | None
) -> DraftTiming:
    """The timing of a draft of one drug whose dosage lines are `dosages` and whose steps
    `taper` (taper.line_steps, anchored anywhere: only their lengths are read) or None when its
    lines are not steps. A single line whose sig takes the drug down to a stop ("75 mg daily for
    7 days, then 37.5 mg daily for 7 days, then stop") is read as a course's is (taper.py)."""
    starts_on, ends = dosage_bounds(dosages, None)
    if taper is None and len(dosages) == 1:
        taper = taper_sig(dosages, strength_mg)
    if taper is None:
        return DraftTiming(starts_on) if starts_on is not None else NO_TIMING
    steps = tuple(DraftStep(s.mg_per_day, s.days) for s in taper.steps)
    if not taper.stops:
        return DraftTiming(starts_on, steps=steps)
    return DraftTiming(starts_on, True, ends, taper.days, steps)
