"""The time one medication event covers: its span [start, end) (rule 2 of episodes.py, 2a-2f).

`_span` reads an event's stated end (2a), its supply: a dispense's days, an order's one fill and the
refills the record shows were used (2b), an open order's or statement's run to as-of and the limits
on held and stale `active` records (2c), and the one usual fill assumed for a record without any
duration (2d); stated_ends._cap_at_stated_ends stops supply already handed out at another record's stated end
of the drug (2a). `undated_past` and `_past_span` read a record dated only by the day it was entered
whose status says the drug is not taken now (2e): a past course of unknown dates; a statement saying
the drug is no longer taken runs nothing on at as-of (2f, `_stopped_by`). Apart because this is the
one place the record's dates become time on the drug, and its rules are the subtlest of the mapping:
the rule text is episodes.py's docstring, which the comments here cite by number.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, timedelta

from fhir_mapping.covered_span import _Span as _Span
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.feed_unfilled import closed_unfilled, fill_expected
from fhir_mapping.first_fill import first_fill_after_silence, first_fill_in_window
from fhir_mapping.medication_types import ORDER_ENDED, STATEMENT_STOPPED, TAKEN_NOW
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.reported_window import reported_on
from fhir_mapping.trial_parts import DoseBasis
from fhir_mapping.unfilled_order import (
    AUTHORISED_END,
    ORDERS_ONLY,
    authorised_until,
    next_record,
    supply_gap_words,
    unfilled_on_feed,
)
from fhir_mapping.usable_events import _EventKey

# An order/statement/dispense that states no duration is assumed to cover one usual fill.
ASSUMED_DAYS_WITHOUT_DURATION = 30

_OPEN = frozenset({"active", "on-hold"})
_STOPPED = "stopped"
# A statement `on-hold` is not open (review 6 finding 3: FHIR R4 "temporarily halted"): it ends
# at the last date the record supports (medication_dates.py), never as-of. An order `on-hold`
# covers no time of its own (review 14 W6): its dispenses carry the time taken.
_OPEN_STATEMENT = frozenset({"active"})
_ON_HOLD = "on-hold"
_STATEMENT = EventKind.STATEMENT

# Enum members as module constants: on 3.11 a global reads ten times faster (issue 14).
_ORDER = EventKind.ORDER
_DISPENSE = EventKind.DISPENSE


def undated_past(event: MedicationEvent) -> bool:
    """Rule 2e (review s19 item 1): a record dated only by the day it was entered
    (MedicationEvent.entry_dated: a statement with no effective[x], dated by its dateAsserted; a
    home medication the patient reported, dated by its authoredOn) whose status says the drug is
    not taken now (a statement `completed` or `stopped`: a statement `unknown` is a record to
    confirm, never an event, fix 20: status_to_confirm.py; a reported order
    `completed`, `stopped` or `unknown`: any status outside medication_types.TAKEN_NOW). It
    records a past course of unknown dates that had ended by that day: the day is no start, and
    nothing in it runs the drug on to as-of. Counted from that day as rule 2d counts (30 days),
    a med-rec entry "Prozac, completed, took years ago" entered today read as fluoxetine running
    now: a false "two SSRIs" card that hid the real venlafaxine's, and the PHQ-9 scores of the
    drug taken then paired with it. Only a record whose status says the drug is taken now
    (`active`, `intended`, `on-hold`) may run from the day it was entered (rule 2c)."""
    return event.entry_dated and event.status not in TAKEN_NOW.get(event.kind, ())


def _stopped_by(event: MedicationEvent, as_of: date) -> bool:
    """Rule 2f: a statement whose status says the drug is no longer taken (STATEMENT_STOPPED),
    asserted on or before as-of: its status is the record's word as of its dateAsserted. One
    asserted after as-of (a replay) or not at all says nothing dated of that day."""
    asserted = event.asserted
    return event.status in STATEMENT_STOPPED and asserted is not None and asserted <= as_of


def _past_span(event: MedicationEvent, key: _EventKey) -> _Span:
    """The span of an `undated_past` record: none of its time is known, so it covers none; it
    stands at the day it was entered, by which the course had ended (never ongoing: episodes.py
    places it apart from the drug's dated courses, and no PHQ-9 is its outcome)."""
    return _Span(event, key, event.start, event.start, None, False, taken_before=event.start)


def _end_recorded(event: MedicationEvent) -> bool:
    """Rule 2g reads this order's status as an end recorded by its meta.lastUpdated (or as-of):
    an order `stopped`, or `completed` of a drug given as clinic sessions (no supply goes home:
    its course ended, fix tms49); another `completed` (ORDER_ENDED, review s21 RR finding 3)
    only when last stored after the day it was written (Synthea stores renewed orders
    `completed` on their own day, tests/fhir_mapping/test_renewals.py: the entry, not an end)."""
    if event.status == _STOPPED or event.dose_basis is DoseBasis.SESSION:
        return event.status in ORDER_ENDED
    asserted = event.asserted
    return event.status in ORDER_ENDED and asserted is not None and asserted > event.start


def _next_start(starts: Sequence[date], after: date) -> date | None:
    """The first of `starts` (sorted) after `after`: found by bisection, as every event of a
    long course asks it (issue 14)."""
    index = bisect_right(starts, after)
    return starts[index] if index < len(starts) else None


# Building a timedelta costs several times a date addition: the spans of every event add whole
# days of supply, so the usual ones (up to a year and more) are built once, here (issue 14).
_DAY_DELTAS = tuple(timedelta(days=n) for n in range(1000))
# The same, by number of days: a whole number of days (a supply is nearly always one, 30.0 or
# 90.0) finds its timedelta here at dict speed, since a float hashes and compares equal to the
# integer it equals; round() is a slow call, asked only of other values (issue 14).
_DELTA_OF_DAYS: dict[float, timedelta] = dict(enumerate(_DAY_DELTAS))


def _days(value: float) -> timedelta:
    whole = _DELTA_OF_DAYS.get(value)
    if whole is not None:
        return whole
    days = round(value)
    return _DAY_DELTAS[days] if 0 <= days < 1000 else timedelta(days=days)


def _dispensed_in_window(
    event: MedicationEvent,
    dispense_starts: Sequence[date],
    order_starts: Sequence[date],
    policy: MappingPolicy,
) -> bool:
    """True when a dispense of the drug falls in its order's fill window, before its next order."""
    return first_fill_in_window(event, dispense_starts, order_starts, policy) is not None


def _span(
    event: MedicationEvent,
    key: _EventKey,
    same_ingredient: Sequence[date],
    other_orders: Sequence[date],
    as_of: date,
    policy: MappingPolicy,
    dispense_starts: Sequence[date] = (),
    order_starts: Sequence[date] = (),
    fills_elsewhere: bool = False,
    pathway_feed: bool = False,  # fills of the pathway's drugs on the feed (feed_unfilled.py)
) -> _Span:
    start = event.start
    kind = event.kind
    unfilled = closed_unshown = False  # span70/71 (feed_unfilled.py): never filled on a feed
    if kind is _DISPENSE:
        if event.days_supply is not None and event.days_supply > 0:
            # 2b, the usual fill, taken first: it covers its days of supply (issue 14).
            return _Span(event, key, start, start + _days(event.days_supply), None, True)
        is_order, open_, said = False, False, ""
    else:
        is_order = kind is _ORDER
        fill = None
        # span70 (feed_unfilled.py): an order the chart's fill feed shows never filled is read
        # so whatever its status or stated end; its stated end no longer returns first (2a).
        if is_order and event.status != _ON_HOLD and fill_expected(event, pathway_feed):
            fill = first_fill_in_window(event, dispense_starts, order_starts, policy)
            unfilled = fill is None
            if unfilled and event.status not in _OPEN:
                # span71 (feed_unfilled.py): a closed one keeps its span (washout checks read
                # it: maoi56), only marked no trial, when its stated end makes it (2a) or its
                # refills bridge it (below); one ended by its recorded stop (2g) stays
                # "duration to confirm" (s20, s21 RR).
                closed_unshown, unfilled = True, False
                if event.end is not None:
                    event = closed_unfilled(event)
        if event.end is not None and not unfilled:
            if kind is _STATEMENT and event.status == _ON_HOLD:
                # 2c: held, not taken: covered up to the end medications.py read (dateAsserted,
                # else the start), in view of the safety checks up to as-of.
                held = event.end if event.end > start else start
                return _Span(event, key, start, max(as_of, held), None, False, held)
            # 2a: the stated end ends the course
            return _Span(event, key, start, event.end if event.end > start else start)
        if is_order and event.status == _ON_HOLD:
            # 2c: an order on hold covers no time of its own (review 14 W6): its dispenses, if
            # any, carry the time taken, and the status says the drug is not taken now. Neither
            # one assumed fill nor its refills are counted (an assumed fill of a held order made
            # a never-filled order a 26-week failed trial). In view of the safety checks up to
            # as-of (review 6 finding 3).
            return _Span(event, key, start, max(as_of, start), None, False, start)
        open_ = event.status in (_OPEN if is_order else _OPEN_STATEMENT)
        if is_order and not unfilled:
            fill = first_fill_in_window(event, dispense_starts, order_starts, policy)
        if fill is not None:
            # 2b: the dispenses carry the covered time, from the first fill on or after the order
            # (first_fill.py, review s23 RT finding 1: not the day it was written); a running
            # order still runs to as-of (the refill data then judge the gaps).
            return _Span(event, key, fill, max(as_of, fill) if open_ else fill)
        # An order stating its supply that no fill shows taken: rule 2c too (unfilled_order.py).
        # No fill in its window (orders34: a fill ten months on is no fill of it).
        supplied = authorised_until(event) if open_ else None
        if open_ and unfilled and event.end is not None:
            # span70: the stated end bounds its authorised supply, read as an open order's.
            stated = max(event.end, start)
            supplied = stated if supplied is None else min(supplied, stated)
        said = ""  # orders35: ONE_FILL (listed on a fill feed), else ORDERS_ONLY's note
        if open_ and (supplied is not None or not (event.days_supply and event.days_supply > 0)):
            # 2c: an `active` statement counts up to statement_confirmed_days (a patient's: one
            # fill, reported_window.py) after its last confirmation (review 6 finding 11): its
            # dateAsserted, else start, or the drug's latest record. An `active` order no fill
            # shows taken alike (review s21 RN finding 5: an order left active stating no supply).
            if is_order and supplied is None:
                start = first_fill_after_silence(start, dispense_starts, policy)
            confirmed = start if is_order else _confirmed(event, start)
            latest = same_ingredient[-1] if same_ingredient else start
            if latest > confirmed:
                confirmed = latest
            window = policy.statement_confirmed_days
            if reported_on(event):
                window = ASSUMED_DAYS_WITHOUT_DURATION
            counted = confirmed + timedelta(days=window)
            if supplied is not None:
                # Its authorised supply (never past rule 2c's window) ends as a filled course's
                # does (orders33): grace, "may be running", listed; with a fill feed: orders35.
                counted = max(min(supplied, counted), start)
                after = next_record(start, dispense_starts, order_starts)
                if after is not None and not after[1] and after[0] > counted:
                    # orders34: its first fill came after its authorised supply ran out (no
                    # renewal between): the order, still active, runs from that fill as a
                    # filled order does (the refill data judge it); the time before is not
                    # counted, as first_fill_after_silence reads an order stating no supply.
                    note = supply_gap_words(event, counted, after, fills_elsewhere)
                    return _Span(event, key, after[0], max(as_of, after[0]), note)
                if after is not None:
                    # orders34: a renewal is its own stretch; this order ends at its authorised
                    # supply, the time between judged as a filled course's supply gap
                    # (order_gaps.py: a renewal 20 weeks on counted the 20 weeks).
                    note = supply_gap_words(event, counted, after, fills_elsewhere)
                    span = _Span(event, key, start, counted, note, True, gap_feed=fills_elsewhere)
                    span.gap_until = after[0] if after[0] > counted else None
                    return span
                if fills_elsewhere:  # orders35 (unfilled_order.unfilled_on_feed): never a trial
                    counted, said, waits = unfilled_on_feed(event, counted, as_of, policy)
                    if waits:
                        return _Span(event, key, start, max(as_of, start), said)
                gap = (as_of - counted).days
                if not fills_elsewhere and gap < policy.supply_gap_days:
                    counted, said = as_of, f"{event.source}: {ORDERS_ONLY}"
                elif not fills_elsewhere and gap <= policy.statement_confirmed_days:
                    return _Span(event, key, start, as_of, authorised_end=counted)
            if counted < as_of:
                what = "order active, no fill or renewal" if is_order else "listed as active"
                listed = (
                    f"{event.source}: {what}, not confirmed since "
                    f"{confirmed.isoformat()}; counted to {counted.isoformat()}"
                    + (AUTHORISED_END if counted == supplied else said)
                )
                return _Span(event, key, start, as_of, listed, False, counted, confirmed)
    # The time covered ends at the latest of: the start, the supply (2b), as-of when open (2c).
    end = start
    from_supply = False
    note = said or None  # orders35: an order inside its supply on a chart with no fill feed
    assumed_days = None
    days_supply = event.days_supply
    if days_supply is not None and days_supply > 0:
        # The next order of another drug of the same role (a switch) cuts only an order's fill.
        switch = _next_start(other_orders, start) if is_order else None
        supply_end = start + _days(days_supply)
        if is_order and event.refills > 0:
            authorised = start + _days(days_supply * (1 + event.refills))
            # The next record of this drug, or a switch to another drug of the same role: either
            # shows the course was still being managed then.
            following = _next_start(same_ingredient, start)
            if following is None or (switch is not None and switch < following):
                following = switch
            # span70: not for an open order the fill feed shows never filled (feed_unfilled.py;
            # a closed one keeps its bridge for the safety checks, but is never judged a trial).
            if not unfilled and following is not None and supply_end < following <= authorised:
                supply_end = following  # the refills bridged the time up to that record
                if closed_unshown:  # span71: bridged, never filled: no trial (K69a finding 2)
                    event = closed_unfilled(event)
            elif not open_:
                note = (
                    f"{event.source}: {event.refills} refill(s) authorised but not shown as "
                    f"taken (no dispense or later record): counted one fill "
                    f"({round(days_supply)} days)"
                )
        if is_order and switch is not None and switch < supply_end:
            supply_end = switch
        if supply_end > end:
            end = supply_end
        from_supply = True
    elif not open_:
        # 2d: no duration stated at all
        from_supply = True
        following = _next_start(same_ingredient, start)
        if following is not None and (following - start).days <= policy.refill_gap_weeks * 7:
            end = following
        else:
            assumed = start + _DAY_DELTAS[ASSUMED_DAYS_WITHOUT_DURATION]
            switch = _next_start(other_orders, start)
            if switch is not None and switch < assumed:
                assumed = switch
            end = assumed
            assumed_days = (assumed - start).days
            note = (
                f"{event.source}: no duration stated; counted {assumed_days} days "
                f"from {start.isoformat()}"
            )
    if unfilled and event.end is not None and event.end < end:
        end = max(event.end, start)  # span70 (open orders): never past its stated end
    if open_:
        from_supply = False
        if as_of > end:
            end = as_of
    elif end >= as_of and kind is _STATEMENT and _stopped_by(event, as_of):
        # 2f (review s19 item 1): a statement `completed` or `stopped` says the drug is no
        # longer taken; a fill counted from its day (one assumed, 2d, or its supply) would run
        # the course on today all the same ("fluoxetine is running" from a statement completed
        # last week). When it stopped is not stated: up to as-of, the latest day it may have been
        # taken (the safer end for a washout), never on.
        end = as_of
        if assumed_days is not None:
            assumed_days = (end - start).days
            note = (
                f"{event.source}: no duration stated, {event.status}: counted {assumed_days} "
                f"days from {start.isoformat()}, up to as-of"
            )
        return _Span(
            event, key, start, end, note, from_supply, assumed_days=assumed_days, stopped=True
        )
    elif (
        is_order
        and _end_recorded(event)
        and (end >= as_of or (event.asserted is not None and event.asserted < end))
    ):
        # 2g (fix 20 item 2): an order `stopped` with no stated end whose assumed fill or one
        # fill would run on today is not running: it stops on the day its stop was recorded by
        # (its lastUpdated: medication_dates.stop_recorded), the day a washout counts from.
        # Nor does it run past that day when its fill would end later, though before today
        # (session 21 F3 item 1: a 90-day order stopped by week 11 read as 13 weeks taken once
        # as-of passed its supply's end, and the same chart changed verdict with the date).
        # Stated after as-of (a replay), the stop may have come after it: read as before. Not
        # stated: up to as-of, the latest day it may have been taken, as 2f. An order
        # `completed` alike when a later version recorded it (`_end_recorded`, review s21 RR
        # finding 3): its status says it had ended by that day, and no fill shows its supply
        # taken.
        stop = event.asserted if event.asserted is not None else as_of
        if stop <= as_of:
            end = stop if stop > start else start
            if assumed_days is not None:
                assumed_days = (end - start).days
                note = (
                    f"{event.source}: no duration stated, stopped: counted {assumed_days} days "
                    f"from {start.isoformat()}, up to {end.isoformat()}"
                )
            return _Span(
                event, key, start, end, note, from_supply, assumed_days=assumed_days, stopped=True
            )
    return _Span(event, key, start, end, note, from_supply, assumed_days=assumed_days)


def _confirmed(event: MedicationEvent, start: date) -> date:
    """The day a statement last confirms its drug: its dateAsserted, else its start."""
    asserted = event.asserted
    return asserted if asserted is not None and asserted > start else start
