"""The dates of a medication resource: a FHIR date read tolerantly (`parse_date`), and the
start and explicit end of an order, statement or dispense (`start_and_end`, `dates_of`), from
authoredOn, the sig's boundsPeriod / boundsDuration, the validity period, effective[x],
dateAsserted or the hand-over date.

A reported order (reported[x]), or one written after the course its bounds state had ended, is
the course its boundsPeriod states, not a course begun on its authoredOn, the day it was
entered (review s27 RA finding 3). A statement's dateAsserted stands in for a missing start
only on or before its stated end (finding 4). The validity period is how long a prescription
may be filled, not when the drug was taken: it dates an order only when nothing else does.

Partial dates (review 10 finding 5): a statement "effectivePeriod {start: 2023, end: 2024}" may
be two days (31 Dec to 1 Jan) or two years. Its start and end are read as the SHORTEST reading:
the latest day the start allows (never after as-of) and the first day the end allows, so the
weeks at an adequate dose are the ones the record proves and a course is adequate only when even
the shortest reading is long enough (else it is "too short", and the cards say its dates are
known only to the year or month: "to confirm", never "met"). The same reading applies to a month
("2023-03" to "2023-06" is at least 62 days). The dates as written ride along (`WrittenDates`).
Read this way: a statement's start (effectivePeriod.start, effectiveDateTime, or dateAsserted
standing in for it) and end (effectivePeriod.end), an order's authoredOn; a dispense's hand-over
date keeps its first day (a partial fill date is not seen from EHRs, and a later day would
lengthen the course's supply, not shorten it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from fhir_mapping.dose_steps import sequence_steps, shared_period, shared_step_days
from fhir_mapping.dose_tables import duration_days
from fhir_mapping.events import EventKind
from fhir_mapping.fhir_fields import (
    FIRST_YEAR,
    JSON_OBJECT,
    LAST_YEAR,
    date_bounds,
    site_date,
    string,
)
from fhir_mapping.medication_types import ORDER, ORDER_ENDED, STATEMENT
from fhir_mapping.record import WrittenDates

# `isinstance(x, JSON_OBJECT)` on the fields every medication resource passes through: JSON
# gives dicts, answered at C speed, where the Mapping ABC check alone costs more than the read
# (issue 14); other Mappings still read the same way.


def parse_date(value: object) -> date | None:
    """The calendar date of a FHIR date/dateTime ("2024-03-05T10:00:00+01:00" -> 2024-03-05);
    a partial date takes its first day ("2024-03" -> 2024-03-01). An instant is read as the
    site's date when a site zone is set, as fhir_fields.parse_date reads it (`site_date`): an
    order authored in the evening and sent in UTC is not "dated after today"."""
    if not isinstance(value, str) or len(value) < 4:
        return None
    # The common "YYYY-MM-DD..." at C speed, as fhir_fields.parse_date reads it (issue 14). The
    # dashes are looked for in the first ten characters, taken once: a shorter head would fail
    # fromisoformat and be read below all the same.
    head = value[:10]
    if len(head) == 10 and head[4] == "-" and head[7] == "-" and head.isascii():
        try:
            found = date.fromisoformat(head)
        except ValueError:
            pass  # read below, as fhir_fields.parse_date does
        else:
            if len(value) > 10:  # a time part: the site's date of an instant
                found = site_date(value, found)
            return found if FIRST_YEAR <= found.year <= LAST_YEAR else None
    parts = head.split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 and parts[1] else 1
        day = int(parts[2][:2]) if len(parts) > 2 and parts[2] else 1
        if not FIRST_YEAR <= year <= LAST_YEAR:  # placeholders such as 0001-01-01: no date
            return None
        return date(year, month, day)
    except (ValueError, IndexError):
        return None


def _period(value: object) -> tuple[date | None, date | None]:
    # An absent period (most resources) is answered before the Mapping ABC check (issue 14).
    if value is None or not isinstance(value, JSON_OBJECT):
        return None, None
    return parse_date(value.get("start")), parse_date(value.get("end"))


def through(begin: date, days: float) -> date:
    """The last day of `days` days of doses from `begin`, both days counted: a 7-day step from
    12-01 ends 12-07, as a boundsPeriod 12-01..12-07 says it (review K65a finding 4: a
    boundsDuration taper ended a day later than the same taper in boundsPeriod, and the MAOI
    washout after it with it). Never before `begin`."""
    return begin + timedelta(days=max(days - 1, 0))


def after(end: date) -> date:
    """The day a step after one ending on `end` (inclusive) begins."""
    return end + timedelta(days=1)


def _line_bounds(line: Mapping[str, Any], anchor: date | None) -> tuple[date | None, date | None]:
    """(boundsPeriod.start, boundsPeriod.end or (its start, else `anchor`) + boundsDuration) of
    one dosage line; None where it states none."""
    timing = line.get("timing")
    repeat = timing.get("repeat") if isinstance(timing, JSON_OBJECT) else None
    if not isinstance(repeat, JSON_OBJECT):
        return None, None
    begin, end = _period(repeat.get("boundsPeriod"))
    if end is None:
        days = duration_days(repeat.get("boundsDuration"))
        base = begin or anchor
        if days is not None and base is not None:
            end = through(base, days)
    return begin, end


def _instant_end(lines: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a line's boundsPeriod.end is an instant (a dateTime with its time: Epic writes
    12-01T09:30 to 12-08T09:30 for "daily for 7 days"): the step then lasts end - start, and the
    next step begins on the end's day; a date alone is the step's last day, both counted."""
    for line in lines:
        timing = line.get("timing")
        repeat = timing.get("repeat") if isinstance(timing, JSON_OBJECT) else None
        period = repeat.get("boundsPeriod") if isinstance(repeat, JSON_OBJECT) else None
        end = period.get("end") if isinstance(period, JSON_OBJECT) else None
        if isinstance(end, str) and "T" in end:
            return True
    return False


def step_days(
    lines: Sequence[Mapping[str, Any]],
    begin: date | None,
    end: date | None,
    next_begin: date | None,
) -> int | None:
    """The days of a step spanning `begin` to `end` (`step_spans`): both counted (review K65a
    finding 4: 12-01 to 12-07 is 7 days), unless the next step begins on its end day
    (04-10..04-17 then 04-17..04-24), or it is the last and its end an instant
    (`_instant_end`): the end then bounds the span, end - begin, as the writer counted it."""
    if begin is None or end is None:
        return None
    shared = next_begin == end or (next_begin is None and _instant_end(lines))
    return (end - begin).days + (0 if shared else 1)


def step_spans(
    steps: Sequence[Sequence[Mapping[str, Any]]], start: date | None
) -> list[tuple[date | None, date | None]]:
    """(begin, end) of each step of a sequenced order (dose_steps.sequence_steps), one after
    another (review 12 finding 10): a step begins at its boundsPeriod.start, else the day after
    the step before it ended (the first: at `start`), and ends at its boundsPeriod.end or its begin +
    boundsDuration. Lines of one step taken together end with the longest of them: a later end
    keeps the drug on the record longer, the safer reading for a washout before an MAOI. A step
    stating no length has no end, and neither has any step after it unless it states dates."""
    if len(steps) > 1 and shared_period([line for lines in steps for line in lines]):
        return _shared_spans(steps, start)
    spans: list[tuple[date | None, date | None]] = []
    anchor = start
    for lines in steps:
        begins: list[date] = []
        ends: list[date] = []
        for line in lines:
            begin, end = _line_bounds(line, anchor)
            if begin is not None:
                begins.append(begin)
            if end is not None:
                ends.append(end)
        step_begin = min(begins) if begins else anchor
        step_end = max(ends) if ends else None
        spans.append((step_begin, step_end))
        anchor = step_end if step_end is None or _instant_end(lines) else after(step_end)
    return spans


def _shared_spans(
    steps: Sequence[Sequence[Mapping[str, Any]]], start: date | None
) -> list[tuple[date | None, date | None]]:
    """`step_spans` of steps that all carry the order's boundsPeriod (fix dose71, review K61b
    finding 3): the period bounds the order, not each step, so reading it per step made the
    first step last the whole order ("50 mg every morning for 14 days" + "100 mg at bedtime":
    50 mg for a year). The first step begins at the period's start, each lasts the days its
    text says (dose_steps.shared_step_days), the last ends at the period's end; a step whose
    length no text says has no end, and the steps after it no begin."""
    begin, order_end = _line_bounds(steps[0][0], start)
    anchor = begin or start
    spans: list[tuple[date | None, date | None]] = []
    for n, lines in enumerate(steps[:-1]):
        days = shared_step_days(tuple(lines), tuple(steps[n + 1]))
        end = through(anchor, days) if anchor is not None and days is not None else None
        spans.append((anchor, end))
        anchor = after(end) if end is not None else None
    spans.append((anchor, order_end))
    return spans


def _bounds(
    dosages: Sequence[Mapping[str, Any]], start: date | None
) -> tuple[date | None, date | None]:
    """(earliest boundsPeriod.start, latest boundsPeriod.end or start + boundsDuration); for
    lines in sequence (dose_steps.py), the end of the last step (`step_spans`), None when it
    states no length (a titration going on at its last dose)."""
    steps = sequence_steps(dosages)
    if steps:
        spans = step_spans(steps, start)
        begins = [b for b, _ in spans if b is not None]
        return (min(begins) if begins else None), spans[-1][1]
    starts: list[date] = []
    ends: list[date] = []
    for line in dosages:
        timing = line.get("timing")
        repeat = timing.get("repeat") if isinstance(timing, JSON_OBJECT) else None
        if not isinstance(repeat, JSON_OBJECT):
            continue
        begin, end = _period(repeat.get("boundsPeriod"))
        if begin is not None:
            starts.append(begin)
        if end is not None:
            ends.append(end)
        days = duration_days(repeat.get("boundsDuration"))
        anchor = begin or start
        if days is not None and anchor is not None:
            ends.append(through(anchor, days))
    return (min(starts) if starts else None), (max(ends) if ends else None)


def dosage_bounds(
    dosages: Sequence[Mapping[str, Any]], start: date | None
) -> tuple[date | None, date | None]:
    """`_bounds`, for a draft's timing (draft_timing.py): the same reading of its lines."""
    return _bounds(dosages, start)


def _partial(value: object) -> tuple[date, date] | None:
    """(first day, last day) of a partial FHIR date ("2023", "2023-05"), else None. Only a value
    of four or seven characters can be one: a full date costs one len()."""
    if isinstance(value, str) and (len(value) == 4 or len(value) == 7):
        bounds = date_bounds(value)
        if bounds is not None and bounds[2] is not None:
            return bounds[0], bounds[1]
    return None


def _start_day(value: object, as_of: date | None) -> date | None:
    """The day a start field gives: its date, or for a partial date the latest day it allows
    (never after as-of, never before its first day): the shortest reading of the course."""
    partial = _partial(value)
    if partial is None:
        return parse_date(value)
    first, last = partial
    return max(first, as_of) if as_of is not None and last > as_of else last


def reversed_period(resource: Mapping[str, Any]) -> tuple[str, str] | None:
    """(start, end) as written of a statement whose effectivePeriod ends before it starts, on
    every reading of partial dates (the end's last day before the start's first), else None.

    Review 15 M2: "start 2025-03-01, end 2024-09-01" was read as a course of 0 weeks ("trial not
    adequate"), a conclusion the record does not support. Which date is wrong cannot be told, so
    neither is read: the statement is named as unreadable instead (medications._read_resource)."""
    period = resource.get("effectivePeriod")
    if not isinstance(period, JSON_OBJECT):
        return None
    start_field, end_field = period.get("start"), period.get("end")
    start = date_bounds(start_field)
    end = date_bounds(end_field) if start is not None else None
    if start is None or end is None or end[1] >= start[0]:
        return None
    assert isinstance(start_field, str) and isinstance(end_field, str)  # date_bounds read them
    return start_field[:10], end_field[:10]


def stop_recorded(resource: Mapping[str, Any]) -> date | None:
    """The day an order `stopped` (or `completed`: medication_types.ORDER_ENDED, review s21 RR
    finding 3) with no stated end was stopped by (episodes.py rule 2g, fix 20 item 2): its
    meta.lastUpdated. R4 gives a MedicationRequest no date of its status change;
    the version that carries `stopped` was stored on lastUpdated, so the stop was made on or
    before it, the earliest day the record proves the drug stopped by. Later than the real stop
    when the server stored the record again (policy.py: lastUpdated is no confirmation), which
    errs towards the drug having been taken longer: the safer side for a washout. None when
    not stated."""
    meta = resource.get("meta")
    return parse_date(meta.get("lastUpdated")) if isinstance(meta, JSON_OBJECT) else None


def _secondary(resource: Mapping[str, Any]) -> bool:
    """Whether an order is a reported record (FHIR R4 reported[x]: "a secondary 'reported'
    record rather than an original primary source-of-truth record"), whoever reported it: its
    authoredOn is the day it was entered, not the day the drug began."""
    if resource.get("reportedBoolean") is True:
        return True
    # Most orders state none: None answered before the Mapping ABC check (issue 14, perf21).
    reference = resource.get("reportedReference")
    return reference is not None and isinstance(reference, JSON_OBJECT)


def start_and_end(
    resource: Mapping[str, Any], kind: EventKind, dosages: Sequence[Mapping[str, Any]]
) -> tuple[date | None, date | None]:
    """(start, explicit end) of a resource of event kind `kind` (its type's, as `TYPE_READINGS`
    has it); `dates_of` without as-of or the dates as written."""
    start, end, _ = dates_of(resource, kind, dosages)
    return start, end


def dates_of(
    resource: Mapping[str, Any],
    kind: EventKind,
    dosages: Sequence[Mapping[str, Any]],
    as_of: date | None = None,
) -> tuple[date | None, date | None, WrittenDates | None]:
    """(start, explicit end, the dates as written when one is partial) of a resource of event
    kind `kind`. A partial start reads as its latest day up to `as_of` (module docstring)."""
    if kind is ORDER:
        authored_field = resource.get("authoredOn")
        authored = _start_day(authored_field, as_of)
        bounds_start, bounds_end = _bounds(dosages, authored)
        request = resource.get("dispenseRequest")
        validity_start = (
            _period(request.get("validityPeriod"))[0] if isinstance(request, JSON_OBJECT) else None
        )
        start = authored or bounds_start or validity_start
        secondary = (bounds_start is not None or bounds_end is not None) and _secondary(resource)
        # An order written after the course its bounds state had ended: a reported one, or one
        # whose status says it has ended (a history entered at med-rec, intent order or plan).
        # An active order with bounds before it was written (bounds copied from an older order,
        # then filled: running_to_confirm_charts rc05) keeps its authoredOn, as before.
        past = (
            authored is not None
            and bounds_end is not None
            and bounds_end < authored
            and (secondary or string(resource.get("status")) in ORDER_ENDED)
        )
        if bounds_start is not None and (past or secondary):
            # The sig's boundsPeriod is the course (review s27 RA finding 3): a reported order's
            # authoredOn is only the day it was written down (events.py, entry_dated). Read from
            # authoredOn, "fluoxetine 2025-03-02 to 2025-08-31" entered 2025-12-01 was a 0-week
            # trial on 2025-12-01.
            start = bounds_start
        elif past:
            # Bounds ending before the order was written, with no start: a past course of
            # unknown length that had ended by that end (medication_event._entry_dated reads it
            # as dated by its entry only), never pushed forward to the entry day.
            start = bounds_end
        # An end before the start is a data error: the course is read as ending where it began.
        end = max(bounds_end, start) if bounds_end and start else bounds_end
        written = None
        if start == authored and authored is not None and (partial := _partial(authored_field)):
            assert isinstance(authored_field, str)  # _partial read it
            written = WrittenDates(authored_field, None, partial[0], None)
        return start, end, written
    if kind is STATEMENT:
        period = resource.get("effectivePeriod")
        if not isinstance(period, JSON_OBJECT):
            period = {}
        start_field: object = period.get("start")
        period_start = _start_day(start_field, as_of)
        end_field = period.get("end")
        period_end = parse_date(end_field)  # a partial end: its first day (shortest reading)
        asserted = parse_date(resource.get("dateAsserted"))
        start = period_start
        if start is None:
            start_field = resource.get("effectiveDateTime")
            start = _start_day(start_field, as_of)
        if start is None and (
            period_end is None or (asserted is not None and asserted <= period_end)
        ):
            # dateAsserted stands in for a start, never when it falls after the stated end
            # (review s27 RA finding 4): "end 2025-08-31, asserted 2026-07-08" read as a 0-week
            # course ending 2026-07-08. The start is then not recorded (below).
            start_field = resource.get("dateAsserted")
            start = _start_day(start_field, as_of)
        if start is None:
            start_field, start = None, period_end  # start not recorded (review 6 finding 8)
        end_partial = _partial(end_field) if period_end is not None else None
        start_partial = _partial(start_field) if start_field is not None else None
        if start is not None and start_partial is not None and period_end is not None:
            # "2023" to "2023-06-15": the start cannot fall after the last day the end allows.
            start = min(start, end_partial[1] if end_partial is not None else period_end)
        if period_end is None and start is not None and resource.get("status") == "on-hold":
            # Held, not taken (review 6 finding 3): the record supports the course up to the
            # date it was asserted, else its start (duration not recorded); never to as-of.
            period_end = asserted if asserted is not None and asserted > start else start
        end = max(period_end, start) if period_end and start else period_end
        written = None
        if start is not None and (start_partial is not None or end_partial is not None):
            written = WrittenDates(
                start_field if start_partial is not None and isinstance(start_field, str) else None,
                end_field if end_partial is not None and isinstance(end_field, str) else None,
                start_partial[0] if start_partial is not None else start,
                end_partial[1] if end_partial is not None else period_end,
            )
        return start, end, written
    handed = parse_date(resource.get("whenHandedOver")) or parse_date(resource.get("whenPrepared"))
    return handed, None, None
