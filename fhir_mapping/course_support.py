"""How far one course's records (its spans) support it at as-of, as `_trial` (trial_record.py)
writes on the Trial: a stop stated for as-of (`_stops_on`) or an end stated within the
cross-taper weeks (`_ends_soon`), the dates as written when partial (`_written_dates`), the notes
of a drug ended by its order and ordered again (`_restart_notes`), the days counted by assumption
(`_assumed_days`), an order or statement on hold (`_on_hold`, `_hold_windows`,
`_newer_order_on_hold`), a course kept running only by stale listings (`_unconfirmed_since`) and
an order recorded stopped after the course's supply ran out (`_stop_recorded_after`).

Apart from trial_record.py because each reads the spans' dates, statuses and supply, nothing of
the dose, the drug table or the verdict that `_trial` puts together.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fhir_mapping.course_clusters import _Cluster
from fhir_mapping.event_spans import _Span
from fhir_mapping.events import EventKind
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import WrittenDates
from fhir_mapping.trial_parts import Adherence

# Enum members compared once per event, as module constants, as in trial_record.py (issue 14).
_DISPENSE = EventKind.DISPENSE
_ORDER = EventKind.ORDER


def _stops_on(spans: Sequence[_Span], covered_end: date, as_of: date) -> date | None:
    """As-of, when the course reaches as-of only up to a record's stated end dated that day
    (an order's boundsPeriod.end, a statement's effectivePeriod.end) and no open record runs it
    on (review 14 M4: paroxetine stopped today read "still running"). FHIR Period.end is
    inclusive (a period ending on 2025-06-02 includes that day), so the course covers as-of and
    stays ongoing for the safety checks (an MAOI or an interacting drug drafted on the day of the
    stop still meets it: the safer reading); it does not go on after as-of, which cards say.
    None otherwise (an open order, or supply that runs out on as-of, runs the course on)."""
    if covered_end != as_of:
        return None  # the course runs on after as-of (supply or a later stated end)
    reaching = [s for s in spans if s.end >= as_of]
    stated = [s for s in reaching if s.event.end is not None and s.event.end == as_of]
    if not stated:
        return None
    # Every other record reaching as-of is supply cut at that stated end (rule 2a), never an
    # open order or statement running to as-of.
    if any(s.event.end is None and not s.from_supply for s in reaching):
        return None
    return as_of


def _ends_soon(spans: Sequence[_Span], as_of: date, weeks: float) -> date | None:
    """The latest stated end of the records reaching past as-of when it falls after as-of and
    within `weeks` (MappingPolicy.cross_taper_weeks), and no record runs the course on past it:
    no open order or statement, no supply beyond it. None otherwise (nearly every course)."""
    reaching = [s for s in spans if s.end > as_of]
    stated = [s.event.end for s in reaching if s.event.end is not None]
    if not stated:
        return None
    last = max(stated)
    if not as_of < last <= as_of + timedelta(weeks=weeks):
        return None
    # A span's `end` is exclusive: the day after the last day it covers.
    day = timedelta(days=1)
    if any(s.event.end is None and (not s.from_supply or s.end > last + day) for s in reaching):
        return None
    return last


def _written_dates(
    spans: Sequence[_Span], start: date, end: date, ongoing: bool
) -> WrittenDates | None:
    """The course's dates as written when its start or its end rests on a partial date (review
    10 finding 5): the start when every record starting the course that day writes a partial
    start; the end when the course ended with a record whose end is partial and no other record
    runs as late. None when the course states its days (nearly every course)."""
    if all(s.event.written_dates is None for s in spans):
        return None
    opening = [s.event.written_dates for s in spans if s.start == start]
    first = opening[0] if opening else None
    if first is None or first.start is None or any(w is None or w.start is None for w in opening):
        first = None
    last = None
    if not ongoing:
        ends = [s.event.written_dates for s in spans if s.end >= end]
        if ends and all(w is not None and w.end is not None for w in ends):
            last = ends[0]
    if first is None and last is None:
        return None
    return WrittenDates(
        first.start if first is not None else None,
        last.end if last is not None else None,
        first.earliest_start if first is not None else start,
        last.latest_end if last is not None else (None if ongoing else end),
    )


def _restart_notes(cluster: _Cluster, end: date) -> list[str]:
    """What the record shows of a drug ended by its order and ordered again (review 10 finding
    8, course_clusters._cluster): two courses, each judged on its own, and the time between them
    a stop the prescriber made, not a missed refill."""
    notes = []
    if cluster.restarted_after is not None:
        notes.append(
            f"ordered again on {cluster.start.isoformat()} after its order ended on "
            f"{cluster.restarted_after.isoformat()}: a new course, judged on its own (the "
            f"{(cluster.start - cluster.restarted_after).days} days between are a stop, not a "
            "missed refill)"
        )
    if cluster.restarted_on is not None:
        notes.append(
            f"ended by its order on {end.isoformat()}; ordered again on "
            f"{cluster.restarted_on.isoformat()}"
        )
    return notes


def _assumed_days(spans: Sequence[_Span]) -> int | None:
    """The days counted by assumption (rule 2d) over the course's records without any duration,
    summed; None when every record states one (review 6 finding 8: cards say so)."""
    days = [s.assumed_days for s in spans if s.assumed_days is not None]
    return sum(days) if days else None


def _end_not_recorded(spans: Sequence[_Span], end: date) -> bool:
    """Whether the course's `end` comes only from records cut at the day their stop was recorded
    by (rules 2f/2g: an order's meta.lastUpdated, or as-of when no day is given): every span
    reaching `end` is such a span. A fill or a stated end reaching it too records the drug up to
    that day. Review s20 r4 finding 3: the s01 charts' phenelzine order, stopped with no end,
    "was last taken on 2025-06-02 as recorded", the as-of day."""
    reaching = [s.stopped for s in spans if s.end >= end]
    return bool(reaching) and all(reaching)


def _stop_recorded_after(spans: Sequence[_Span], end: date, as_of: date) -> date | None:
    """The latest day an order of the course `stopped` with no stated end was recorded stopped
    by (its meta.lastUpdated: medication_dates.stop_recorded, episodes.py rule 2g), when that day
    falls after the course's end and on or before as-of; else None.

    Review s20 r3 finding 1: a sertraline order written 2026-06-01, never filled (or filled once
    for 30 days), left active and stopped on or before 2026-11-28. Its supply on record ran out
    in July (or October), but the order stood until then: the patient may have filled it
    elsewhere or used tablets at home. The record proves neither way, so the course's covered
    time stays its supply (the weeks counted are only those the record proves), and this day is
    kept apart as the latest the drug may have been taken: the washout before an MAOI counts
    from it (services/washout.exposures), the safer side. A lastUpdated after as-of (a replay)
    says nothing of as-of: None, as rule 2g reads it."""
    found = None
    for span in spans:
        event = span.event
        stop = event.asserted
        if (
            event.kind is _ORDER
            and event.status == "stopped"
            and event.end is None
            and stop is not None
            and end < stop <= as_of
            and (found is None or stop > found)
        ):
            found = stop
    return found


def _order_stopped(spans: Sequence[_Span]) -> date | None:
    """The day the course's latest order was recorded `stopped` when no later order or statement
    takes the drug up again (its fills before the stop may still cover as-of): the order's stated
    end, else its stop recorded (meta.lastUpdated), else its own date; None otherwise."""
    records = [s for s in spans if s.event.kind is not _DISPENSE]
    if not records:
        return None
    latest = max(records, key=lambda s: s.event.start)  # the record's day, not its first fill
    event = latest.event
    if event.kind is not _ORDER or event.status != "stopped":
        return None
    return event.end or event.asserted or event.start


def _supply_after_stop(spans: Sequence[_Span], end: date) -> date | None:
    """The day an ended course's latest order was stopped, as the record dates it (its stated
    end, else its stop recorded: meta.lastUpdated), when its supply on record ran on after it
    (the day is before the course's `end`): Trial.supply_after_stop (session 27 item 1). Not the
    order's own date, _order_stopped's last resort: its fills after that day show the stop came
    later, on a day the record does not give. None otherwise."""
    if _order_stopped(spans) is None:
        return None
    event = max((s for s in spans if s.event.kind is not _DISPENSE), key=lambda s: s.event.start)
    stop = event.event.end or event.event.asserted
    return stop if stop is not None and stop < end else None


def held_long(on_hold: date | None, end: date, gap_days: int) -> bool:
    """Whether a course on hold (Trial.on_hold) was last shown taken `gap_days`
    (MappingPolicy.supply_gap_days) or more before its last day (review s27 K4 finding 4: a
    fluoxetine order on hold, its supply ended 15 months ago, read as "running" beside
    venlafaxine). A held order's adherence is judged only up to the hold, so no supply gap and
    no Trial.supply_ran_out says the supply ended: this is the same month with no supply that
    makes an order not held stop counting. The one rule of the reuptake pair (rules/
    running_reuptake_pair.py) and the MAOI washout's wording (washout_exposures.Exposure.held:
    recheck K6 s28 finding 1). A hold whose supply ended within it stays running, the safer
    reading (tablets may still be at home)."""
    return on_hold is not None and (end - on_hold).days >= gap_days


def _on_hold(spans: Sequence[_Span], as_of: date) -> tuple[date | None, bool]:
    """The date a course on hold was last taken by the record (review 6 finding 3), when its
    latest order or statement is `on-hold` and no record of the drug after it takes it up
    again; else None. Never after as-of (review 14 W6: the end of a held renewal's assumed fill
    was said as "on hold as of" a future date). With it, True when the date is the end of a held
    order's last fill (Trial.held_scored_until).

    An order's status is its state now, so the dispenses of a held order are its fills before
    the hold: the date is the end of the last supply they carry (FHIR R4 records no hold date on
    the order), or, never filled, the order's own date. A held statement: the last date it
    supports (its dateAsserted, else its start: medication_dates.py).

    A held order is history, not a hold, once the drug is taken up again (review 14 recheck
    WRONG-1, chart o02): a later order or statement of the drug not on hold, or, while an
    `active` order of the drug runs to as-of, a fill after the held order (that running order's
    fill: a held order is not dispensed). Said "on hold" beside a drug filled monthly, the card
    read "not taken since" a day the patient was taking it."""
    held = [s for s in spans if s.covered_until is not None and s.listed is None]
    if not held:
        return None, False
    latest = max(held, key=lambda s: s.start)
    order = latest.event.kind is _ORDER
    # Dispenses after a held order are its own fills before the hold, unless another order of
    # the drug is running now to have authorised them (the event does not carry its
    # authorizingPrescription).
    fills_count = not order or any(
        s.event.kind is _ORDER
        and s.covered_until is None
        and s.event.status == "active"
        and s.end >= as_of
        for s in spans
    )
    if any(
        s.start > latest.start and (fills_count or s.event.kind is not _DISPENSE) for s in spans
    ):
        return None, False  # taken up again after the hold
    day = latest.covered_until or latest.start
    supplied = [s.end for s in spans if s.event.kind is _DISPENSE] if order else []
    if order:
        day = max(supplied) if supplied else latest.start
    return (day if day < as_of else as_of), bool(supplied)


def _held(span: _Span) -> bool:
    """An order or statement on hold (rule 2c: covered up to a day, not a stale listing)."""
    return span.covered_until is not None and span.listed is None


def _takes_up(span: _Span) -> bool:
    """An order or statement of the drug neither on hold nor a stale listing: the record of a
    prescriber running the drug (a dispense only carries the supply of one)."""
    return span.event.kind is not _DISPENSE and span.covered_until is None


def _hold_windows(spans: Sequence[_Span]) -> tuple[tuple[date, date], ...]:
    """(from, until) for each order or statement of the course on hold that a later record took
    up again: from the held record's date to the first order or statement of the drug after it
    not on hold (review 14 audit W4, chart o02: an order left on hold after two fills, a new
    order a month after the last supply ran out). FHIR R4 records no hold date, so a supply gap
    is read as the hold only when it lies wholly between those two records (adherence.py): a
    gap that began before the held record was written, or ran on after the new one, is still a
    gap to ask about (the safer reading: no missed doses are explained away). A held record not
    taken up again gives none: the course is on hold (`_on_hold`) and judged up to it."""
    if not any(map(_held, spans)):
        return ()  # nearly every course
    # The day each taking record was written (an order counted from its first fill, rule 2b,
    # took the drug up on the day it was written: first_fill.py).
    takers = sorted(s.event.start for s in spans if _takes_up(s))
    windows: list[tuple[date, date]] = []
    for span in spans:
        if not _held(span):
            continue
        later = [day for day in takers if day > span.start]
        if later:
            windows.append((span.start, later[0]))
    return tuple(windows)


def _newer_order_on_hold(spans: Sequence[_Span]) -> date | None:
    """The date of the latest order of the drug on hold when no order or statement taking the
    drug is dated on or after it (Trial.newer_order_on_hold); else None. Asked only of a course
    not on hold."""
    held = [s.start for s in spans if s.event.kind is _ORDER and _held(s)]
    if not held:
        return None
    latest = max(held)
    if any(s.event.start >= latest for s in spans if _takes_up(s)):
        return None
    return latest


def _unconfirmed_order(spans: Sequence[_Span]) -> bool:
    """Whether the latest stale listing of the course is an `active` order no fill or renewal
    confirms (rule 2c, review s21 RN finding 5), not a statement: the cards say "order still
    active, never filled or renewed", not "listed in a statement"."""
    listed = [s for s in spans if s.listed is not None]
    return bool(listed) and max(listed, key=lambda s: s.listed or s.start).event.kind is _ORDER


def _unconfirmed_since(spans: Sequence[_Span], as_of: date) -> date | None:
    """The last date the record confirms a course kept running only by stale `active`
    statements (rule 2c, review 6 finding 11); None when no stale statement is in the course or
    another record covers it up to as-of."""
    listed = [s.listed for s in spans if s.listed is not None]
    if not listed:
        return None
    for span in spans:
        if span.listed is None:
            end = span.covered_until or span.end
            if end >= as_of:
                return None
    return max(listed)


def _supply_out_since(
    spans: Sequence[_Span], adherence: Adherence, ongoing: bool, as_of: date, policy: MappingPolicy
) -> date | None:
    """Trial.supply_out_since: the day a running course's supply on record ran out, when that is
    more than statement_confirmed_days before as-of (an order left active, filled long ago: the
    record no longer shows the drug taken, as an old statement does not: rule 2c's window); None
    when the course is ended, listed already (Trial.unconfirmed_since) or supplied."""
    until = adherence.supply_until
    if not ongoing or until is None or (as_of - until).days <= policy.statement_confirmed_days:
        return None  # nearly every course: asked no further
    return None if _unconfirmed_since(spans, as_of) is not None else until


def _authorised_ran_out(spans: Sequence[_Span]) -> date | None:
    """Trial.supply_ran_out of a course no fill shows taken (orders33, unfilled_order.py): the
    latest authorised supply's end of its unfilled orders (_Span.authorised_end), when no other
    record covers the course past it; None for every other course (asked only without fills)."""
    ends = [s.authorised_end for s in spans if s.authorised_end is not None]
    if not ends:
        return None
    last = max(ends)
    covered = (s.covered_until or s.end for s in spans if s.authorised_end is None)
    return None if any(end > last for end in covered) else last
