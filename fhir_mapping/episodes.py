"""Medication events -> trials: one ingredient's course, its dose timeline and its verdict.

Rules (thresholds from MappingPolicy; drug doses from the drug table):

1. Events that say nothing was taken are dropped: orders `draft` (they come only from the hook's
   draftOrders), `cancelled`, `entered-in-error`; statements `not-taken`, `intended`,
   `entered-in-error`; dispenses other than `completed`. Events dated after as-of are ignored.
2. Each event covers [start, end) (issue 10, "medication history truth"):
   a. An explicit end ends the course: an order's boundsPeriod.end (or start + boundsDuration), a
      statement's effectivePeriod.end, whatever the status. Nothing stretches it: not the supply,
      not unused refills, not an `active` status. It also ends supply already handed out: a
      dispense or fill running past another record's stated end of the same drug stops there,
      unless a record of that drug starts on or after that end (the course went on).
   b. A dispense covers its daysSupply. An order covers ONE fill (expectedSupplyDuration, else the
      ordered quantity / daily use); refills authorised are not supply taken:
      - when dispenses of the drug fall in the order's window (its fills x (1 + refills)), the
        covered time comes from the dispenses, and the order itself covers none beyond them;
      - without dispenses, the refills count only up to the next record of the same drug, or a
        switch to another drug of the same role, within the window (a re-order, a statement or
        the switch shows the course was still being managed then); never past the last record.
        The safer reading: an order with no end and unused repeats, and nothing after it, is one
        fill (a note says so), so a trial is not called adequate on time the record does not
        show. The cost is an under-counted trial, which delays a TMS suggestion (the adherence
        card then asks for the history); an over-counted one would claim adequacy falsely.
      An order's fill is cut at the next order of another drug of the same role (a switch).
   c. An `active` / `on-hold` order or an `active` statement without an explicit end runs to
      as-of. An `on-hold` statement does not (the drug is held, not taken): medications.py ends it
      at its dateAsserted, else its start (duration not recorded), and the trial says "on hold".
      Nor does an `on-hold` order with no dispense in its window: it covers what a stopped order
      would (2b, 2d), and the trial says "on hold" (review 6 finding 3). An `active` statement
      counts only up to `statement_confirmed_days` after the record last confirms it (its
      dateAsserted, else its start, or a later record of the drug; review 6 finding 11): past
      that it is only listed, and the trial says "listed as active; not confirmed since".
      Held and listed courses still run to as-of for the safety checks (an MAOI held or listed
      is kept in view: the safer reading), but that time is not covered (`_Span.covered_until`).
      A supply gap of >= supply_gap_days between dispenses is cut out of the covered time even
      where an open order spans it (review 6 finding 1).
   d. An order or statement with none of these (typically `stopped` / `completed` without a
      duration, as Synthea writes them), and a dispense without daysSupply, ends at the next event
      of the same ingredient when that comes within `refill_gap_weeks` (Fabbri 2021:
      prescriptions <= 14 weeks apart are continuous treatment); otherwise at start +
      ASSUMED_DAYS_WITHOUT_DURATION (30 days, one usual fill), or earlier at the next order of
      another drug of the same role. Why so short: an undated course is counted as little as the
      chart proves, so a trial is not called adequate (and TRD not suggested) on time the record
      does not show; the note says so.
3. Events of one ingredient merge into one trial (re-orders, statements, dispenses alike); a gap of
   more than `new_trial_gap_weeks` (26) between the end of the covered time and the next start
   starts a new trial. Gaps inside a trial are not counted as time on the drug.
4. Dose timeline: the dose of the latest event with a known dose holds until an event with another
   known dose starts (a dose change is a new DoseSegment, not a new trial); an event with an
   unknown dose does not erase a known one. On one day an order's dose wins over a statement's,
   a statement's over a dispense's; then the higher dose. Segment ends are exclusive.
5. Weeks at an adequate dose and the verdict: adequacy.py.
6. A trial ends where its covered time ends (exclusive) or at as-of; it is ongoing when the covered
   time reaches as-of. Adherence comes from its dispenses (adherence.py), over first dispense ->
   trial end, corrected by adherence documented on its orders and statements (US Core
   medication-adherence extension). Role: augmentation when all its events say so, or for a drug
   the table lists both ways (bupropion, mirtazapine, ...) when it was started during another
   antidepressant course.
7. Intolerance (issue 10): a stop reason on one of the trial's events (statusReason "adverse
   effect"), or an AllergyIntolerance / AdverseEvent naming the drug (intolerance.py), marks the
   trial intolerant. It goes to the trial of that drug that started last on or before the
   record's date (an undated record: the latest trial of the drug). An intolerant trial that is
   not adequate is judged INADEQUATE (ONGOING while it runs) for intolerance alone: not "too
   short", not "poor adherence"; refill data that look poor are not judged (the drug was stopped
   or skipped because of the side effects), so no adherence card is raised on it.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from operator import attrgetter, itemgetter
from typing import Any

from fhir_mapping.adequacy import adequate_from, judge
from fhir_mapping.adherence import UNVERIFIED, dispense_adherence, with_reported
from fhir_mapping.drug_table import DrugInfo, drug_info
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    Adherence,
    AdherenceStatus,
    DoseBasis,
    DoseSegment,
    InadequacyReason,
    Intolerance,
    RefillGap,
    Role,
    Trial,
    Verdict,
)

DrugLookup = Callable[[str, Role], DrugInfo | None]  # drug_table.drug_info(ingredient, role)

# An order/statement/dispense that states no duration is assumed to cover one usual fill.
ASSUMED_DAYS_WITHOUT_DURATION = 30

_DROPPED: dict[EventKind, frozenset[str]] = {
    EventKind.ORDER: frozenset({"draft", "cancelled", "entered-in-error"}),
    EventKind.STATEMENT: frozenset({"not-taken", "intended", "entered-in-error"}),
}
_OPEN = frozenset({"active", "on-hold"})
# A statement `on-hold` is not open (review 6 finding 3): FHIR R4 reads it as "temporarily
# halted", so the patient is not taking it now. medications.py ends it at the last date the
# record supports (its dateAsserted, else its start); it never runs to as-of. An order `on-hold`
# stays open: its dispenses, or their absence, then judge the time (refill data show the hold).
_OPEN_STATEMENT = frozenset({"active"})
_ON_HOLD = "on-hold"
_STATEMENT = EventKind.STATEMENT
_KIND_RANK = {EventKind.ORDER: 0, EventKind.STATEMENT: 1, EventKind.DISPENSE: 2}

# Enum members compared once per event, as module constants: on Python 3.11 reading a member off
# its Enum class costs about ten times reading a global (issue 14).
_ORDER = EventKind.ORDER
_DISPENSE = EventKind.DISPENSE
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_AUGMENTATION = Role.AUGMENTATION
_INTERACTING = Role.INTERACTING
_DAILY = DoseBasis.DAILY
_POOR = AdherenceStatus.POOR
_INTOLERANCE = InadequacyReason.INTOLERANCE


def _usable(event: MedicationEvent, as_of: date) -> bool:
    if event.start > as_of:
        return False
    if event.kind is _DISPENSE:
        return event.status == "completed"
    return event.status not in _DROPPED[event.kind]


_EventKey = tuple[date, int, float, str, date, float, str]


def _event_key(e: MedicationEvent) -> _EventKey:
    source = e.source
    return (
        e.start,
        _KIND_RANK[e.kind],
        -(e.mg_per_day if e.mg_per_day is not None else -1.0),
        # str(source), written out: one call fewer per event (issue 14).
        f"{source.resource_type}/{source.id}",
        e.end or date.min,
        e.days_supply if e.days_supply is not None else -1.0,
        e.status,
    )


@dataclass(slots=True)
class _Span:
    event: MedicationEvent
    # _event_key(event), computed once per event (issue 14): the spans are sorted by it twice.
    key: _EventKey
    start: date
    end: date  # exclusive; may lie after as-of
    note: str | None = None
    # True when the end comes from supply or an assumption (not an explicit end, not as-of): such
    # an end yields to another record's explicit end of the same drug (rule 2a).
    from_supply: bool = False
    # A statement or an undispensed order `on-hold`, or a stale `active` statement (rule 2c): the
    # span runs to as-of, so the course stays in view of the MAOI and interaction checks (a drug
    # held on an unknown day may have been taken days ago: the safer reading), but only the time
    # up to here counts as covered (review 6 findings 3 and 11).
    covered_until: date | None = None
    # A stale `active` statement (rule 2c, review 6 finding 11): the last date the record
    # confirms the drug; None for every other span.
    listed: date | None = None
    # Rule 2d (no duration stated): the days counted by assumption; None for every other span.
    assumed_days: int | None = None


@dataclass(slots=True)
class _Cluster:
    spans: list[_Span] = field(default_factory=list)
    end: date = date.min
    # The first span's start (the spans come in start order): the trial's start (issue 14).
    start: date = date.min


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
    """True when a dispense of the drug falls in the time an order's fills could cover and before
    the next order of the drug (a dispense after a re-order fills the re-order)."""
    if event.days_supply is not None and event.days_supply > 0:
        window = _days(event.days_supply * (1 + event.refills))
    else:
        window = timedelta(weeks=policy.refill_gap_weeks)
    last = event.start + window
    # The first dispense on or after the order decides: both bounds are upper bounds, so if it
    # falls outside them every later one does too (bisection, not a scan, issue 14).
    index = bisect_left(dispense_starts, event.start)
    if index == len(dispense_starts):
        return False
    first = dispense_starts[index]
    if first > last:
        return False
    reorder = _next_start(order_starts, event.start)
    return reorder is None or first < reorder


def _span(
    event: MedicationEvent,
    key: _EventKey,
    same_ingredient: Sequence[date],
    other_orders: Sequence[date],
    as_of: date,
    policy: MappingPolicy,
    dispense_starts: Sequence[date] = (),
    order_starts: Sequence[date] = (),
) -> _Span:
    start = event.start
    kind = event.kind
    if kind is _DISPENSE:
        if event.days_supply is not None and event.days_supply > 0:
            # 2b, the usual fill, taken first: it covers its days of supply (issue 14).
            return _Span(event, key, start, start + _days(event.days_supply), None, True)
        is_order = open_ = held_order = False
    else:
        if event.end is not None:
            if kind is _STATEMENT and event.status == _ON_HOLD:
                # 2c: held, not taken: covered up to the end medications.py read (dateAsserted,
                # else the start), in view of the safety checks up to as-of.
                held = event.end if event.end > start else start
                return _Span(event, key, start, max(as_of, held), None, False, held)
            # 2a: the stated end ends the course
            return _Span(event, key, start, event.end if event.end > start else start)
        is_order = kind is _ORDER
        open_ = event.status in (_OPEN if is_order else _OPEN_STATEMENT)
        if is_order and _dispensed_in_window(event, dispense_starts, order_starts, policy):
            # 2b: the dispenses carry the covered time; a running order still runs to as-of (the
            # refill data then judge the gaps).
            return _Span(event, key, start, max(as_of, start) if open_ else start)
        if open_ and not is_order and not (event.days_supply and event.days_supply > 0):
            # 2c: an `active` statement counts up to statement_confirmed_days after the record
            # last confirms it (review 6 finding 11): its dateAsserted, else its start, or the
            # latest record of the drug. Asked only of open statements (issue 14).
            asserted = event.asserted
            confirmed = asserted if asserted is not None and asserted > start else start
            latest = same_ingredient[-1] if same_ingredient else start
            if latest > confirmed:
                confirmed = latest
            counted = confirmed + timedelta(days=policy.statement_confirmed_days)
            if counted < as_of:
                listed = (
                    f"{event.source}: listed as active, not confirmed since "
                    f"{confirmed.isoformat()}; counted to {counted.isoformat()}"
                )
                return _Span(event, key, start, as_of, listed, False, counted, confirmed)
        held_order = is_order and open_ and event.status == _ON_HOLD
        if held_order:
            # 2c: an order on hold with no dispense: covered as a stopped order (2b, 2d), in view
            # of the safety checks up to as-of (review 6 finding 3).
            open_ = False
    # The time covered ends at the latest of: the start, the supply (2b), as-of when open (2c).
    end = start
    from_supply = False
    note = None
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
            if following is not None and supply_end < following <= authorised:
                supply_end = following  # the refills bridged the time up to that record
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
    if open_:
        from_supply = False
        if as_of > end:
            end = as_of
    elif held_order:
        return _Span(event, key, start, max(as_of, end), note, False, end)
    return _Span(event, key, start, end, note, from_supply, assumed_days=assumed_days)


def _cap_at_stated_ends(spans: Sequence[_Span], starts: Sequence[date]) -> None:
    """Rule 2a for supply already handed out: a supply-derived span running past an explicit end
    of the same drug stops there, unless a record of the drug starts on or after that end and
    before the span's end (the course went on)."""
    stated = sorted(
        {s.event.end for s in spans if s.event.end is not None and s.event.kind is not _DISPENSE}
    )
    if not stated:
        return
    for span in spans:
        if not span.from_supply:
            continue
        # Only the stated ends inside [start, end) can cut; `starts` is sorted, so "a record
        # starts in [end, span end)" is one bisection (issue 14: a long course has many fills).
        for end in stated[bisect_left(stated, span.start) :]:
            if end >= span.end:
                break
            index = bisect_left(starts, end)
            if index == len(starts) or starts[index] >= span.end:
                span.end = end
                break


# The order a trial's notes come in: by span start, then end, then event key.
_NOTE_ORDER = attrgetter("start", "end", "key")
_SOURCE_ID = attrgetter("id")
_SOURCE_TYPE = attrgetter("resource_type")


def _cluster(spans: list[_Span], policy: MappingPolicy) -> list[_Cluster]:
    """The spans (in _event_key order, as build_trials makes them) cut into clusters where a gap
    of more than new_trial_gap_weeks opens; each cluster keeps its spans in that order.

    Key order is start order, and which cluster a span joins does not depend on the order of
    spans that start on the same day (every end lies on or after its start, so a later span of
    that day always joins the cluster of the first), so the spans are not sorted again: the
    trial reads its events in key order as they stand, and only its notes are put in
    _NOTE_ORDER (issue 14; test_fill_shortcuts pins this to the sorted reading)."""
    gap = policy.new_trial_gap_weeks * 7
    clusters: list[_Cluster] = []
    current = _Cluster()
    for span in spans:
        if not clusters or (span.start - current.end).days > gap:
            current = _Cluster([], span.end, span.start)
            clusters.append(current)
        current.spans.append(span)
        if span.end > current.end:
            current.end = span.end
    return clusters


def _coverage(spans: Iterable[_Span], until: date) -> list[tuple[date, date]]:
    """Union of the spans' [start, end) clipped at `until`, as sorted disjoint intervals. The
    spans come in start order (as a cluster holds them): the union does not depend on the order
    of spans that start on the same day, so no sort is needed (issue 14)."""
    merged: list[tuple[date, date]] = []
    last_start = last_end = date.min
    for span in spans:
        start = span.start
        end = span.end if span.end < until else until
        held = span.covered_until
        if held is not None and held < end:
            end = held  # an `on-hold` statement: covered only up to here (rule 2c)
        if end <= start:
            continue
        if merged and start <= last_end:
            if end > last_end:
                last_end = end
                merged[-1] = (last_start, end)
        else:
            last_start, last_end = start, end
            merged.append((start, end))
    return merged


def _without(
    coverage: Sequence[tuple[date, date]], gaps: Sequence[RefillGap]
) -> list[tuple[date, date]]:
    """The covered stretches (sorted, disjoint) with the supply gaps cut out of them."""
    kept: list[tuple[date, date]] = []
    for start, end in coverage:
        pieces = [(start, end)]
        for gap in gaps:
            cut: list[tuple[date, date]] = []
            for a, b in pieces:
                if gap.end <= a or b <= gap.start:
                    cut.append((a, b))
                    continue
                if a < gap.start:
                    cut.append((a, gap.start))
                if gap.end < b:
                    cut.append((gap.end, b))
            pieces = cut
        kept.extend(pieces)
    return kept


# A dose on the timeline: mg/day, None when unknown, or a ranged dose's (lower, upper) pair
# (DoseSegment): a change of either end is a new segment. A plain dose stays a float, so a
# chart without ranges is walked as before (issue 14).
_Dose = float | tuple[float, float] | None


def _dose_of(event: MedicationEvent) -> _Dose:
    mg, high = event.mg_per_day, event.mg_per_day_high
    return mg if mg is None or high is None else (mg, high)


def _segment(start: date, end: date, dose: _Dose) -> DoseSegment:
    if isinstance(dose, tuple):
        return DoseSegment(start, end, dose[0], dose[1])
    return DoseSegment(start, end, dose)


def _combined_fill(day: Sequence[MedicationEvent]) -> float | None:
    """The summed dose of one day's dispenses of different strengths (review 6 finding 2), else
    None.

    Two strengths of one ingredient handed over on the same day, each with its daily dose and the
    same days of supply (sertraline 100 mg + 50 mg tablets, 30 days each), are one regimen taken
    together: 150 mg/day. Only that shape is summed: the same dose twice on a day may be one fill
    recorded twice (never summed, it would overstate the dose), a titration pack's starter strength
    comes with a shorter supply, and orders that merely overlap are never summed (an order left
    open after a dose change would double the dose and call an under-dosed trial adequate)."""
    fills = [e for e in day if e.kind is _DISPENSE and e.mg_per_day is not None]
    if len(fills) < 2:
        return None
    supplies = {e.days_supply for e in fills}
    if len(supplies) != 1 or not (fills[0].days_supply or 0.0) > 0:
        return None
    if any(e.mg_per_day_high is not None for e in fills):
        return None  # a ranged dose: its parts are not one number each
    strengths = {e.mg_per_day for e in fills if e.mg_per_day is not None}
    return float(sum(strengths)) if len(strengths) > 1 else None


def _day_dose(day: Sequence[MedicationEvent]) -> _Dose:
    """One day's dose: the first known one in _event_key order (an order's before a statement's,
    a statement's before a dispense's; then the higher), unless the day's dispenses are a
    combined regimen (_combined_fill) and every order or statement of the day with a dose names
    one of its strengths (they are its parts, not another dose)."""
    known = next((e for e in day if e.mg_per_day is not None), None)
    if known is None:
        return None
    if len(day) > 1:
        combined = _combined_fill(day)
        if combined is not None:
            parts = {e.mg_per_day for e in day if e.kind is _DISPENSE}
            if all(
                e.mg_per_day in parts and e.mg_per_day_high is None
                for e in day
                if e.kind is not _DISPENSE and e.mg_per_day is not None
            ):
                return combined
    return _dose_of(known)


def _timeline(events: Sequence[MedicationEvent]) -> list[tuple[date, _Dose]]:
    """The dose timeline of events already in _event_key order (as `_trial` holds them): one
    dose per day with events (_day_dose); a day whose events state no dose keeps the dose before
    it. Each day is read whole (review 6 finding 2: reading the day's second fill as a change
    of dose drew 150 -> 75 -> 150 -> 75 for a patient on 150 + 75 mg).

    A day's events are neighbours in key order (it sorts by start first), so each day is the run
    of events up to the next start. A day with one event (nearly every day of a long course of
    fills) has that event's dose, which is what _day_dose answers for it: it is read directly,
    without building a list for the day (issue 14; tests/fhir_mapping/test_speed7_shortcuts.py
    pins this to the reading of each day through _day_dose)."""
    timeline: list[tuple[date, _Dose]] = []
    count = len(events)
    index = 0
    while index < count:
        event = events[index]
        start = event.start
        following = index + 1
        while following < count and events[following].start == start:
            following += 1
        one_event = following == index + 1
        dose = _dose_of(event) if one_event else _day_dose(events[index:following])
        index = following
        if dose is None:
            if not timeline:
                timeline.append((start, None))  # no dose known yet: the course starts unknown
        elif not timeline or timeline[-1][1] != dose:
            timeline.append((start, dose))
    return timeline


def _dose_on(timeline: Sequence[tuple[date, _Dose]], day: date) -> _Dose:
    dose: _Dose = timeline[0][1] if timeline else None
    for start, mg in timeline:
        if start > day:
            break
        dose = mg
    return dose


def _segments(
    coverage: Sequence[tuple[date, date]], timeline: Sequence[tuple[date, _Dose]]
) -> tuple[DoseSegment, ...]:
    """The covered time cut at each dose change, the dose of each piece as _dose_on reads it; a
    piece that continues the previous one at the same dose extends it.

    One walk over both (the coverage is sorted and disjoint, the timeline's dates ascend and are
    unique), and each DoseSegment is built once, not again at every extension (issue 14)."""
    pieces: list[list[Any]] = []  # [start, end, dose]
    count = len(timeline)
    dose: _Dose = timeline[0][1] if timeline else None  # _dose_on before the first date
    index = 0  # timeline[:index] start on or before the current cut
    for start, end in coverage:
        while index < count and timeline[index][0] <= start:
            dose = timeline[index][1]
            index += 1
        cut = start
        while True:
            # The next cut: the next dose change inside (start, end), else the end.
            following = timeline[index][0] if index < count and timeline[index][0] < end else end
            last = pieces[-1] if pieces else None
            if last is not None and last[1] == cut and last[2] == dose:
                last[1], last[2] = following, dose
            else:
                pieces.append([cut, following, dose])
            if following == end:
                break
            cut, dose = following, timeline[index][1]
            index += 1
    return tuple(
        [
            DoseSegment(a, b, mg) if not isinstance(mg, tuple) else DoseSegment(a, b, *mg)
            for a, b, mg in pieces
        ]
    )


def _info(lookup: DrugLookup, ingredient: str, role: Role) -> DrugInfo | None:
    """The table row for the role the drug plays here, else its other row (bupropion, mirtazapine
    have both an antidepressant and an adjunct row)."""
    other = _AUGMENTATION if role is _ANTIDEPRESSANT else _ANTIDEPRESSANT
    return lookup(ingredient, role) or lookup(ingredient, other)


def _as_needed(events: Sequence[MedicationEvent]) -> bool:
    """Mirtazapine for sleep (review 6 finding 10): every dosage on record for the course says
    "as needed" (events without a dosage, such as a dispense without a sig, say nothing). A
    course with one scheduled dosage is a course, not a sleep aid."""
    stated = [e.as_needed for e in events if e.as_needed is not None]
    return bool(stated) and all(stated)


def _trial(
    ingredient: str,
    cluster: _Cluster,
    role: Role,
    lookup: DrugLookup,
    as_of: date,
    policy: MappingPolicy,
    documented: Sequence[Intolerance] = (),
) -> Trial:
    spans = cluster.spans  # in _event_key order (`_cluster`)
    events = [s.event for s in spans]
    info = _info(lookup, ingredient, role)
    start = cluster.start
    ongoing = cluster.end >= as_of
    end = cluster.end if cluster.end < as_of else as_of
    dispenses = [e for e in events if e.kind is _DISPENSE]
    adherence = with_reported(
        dispense_adherence(dispenses, window_end=end, policy=policy) if dispenses else UNVERIFIED,
        events,
    )
    coverage = _coverage(spans, end)
    if adherence.supply_gaps:
        # Review 6 finding 1: a stretch of >= supply_gap_days with no drug dispensed is not time
        # on the drug, even where an open order (rule 2c) or a statement spans it.
        coverage = _without(coverage, adherence.supply_gaps)
    timeline = _timeline(events)
    segments = _segments(coverage, timeline) or (_segment(start, start, _dose_on(timeline, start)),)
    if info is not None:
        minimum, maximum = info.min_adequate_mg, info.max_mg
    else:
        minimum = maximum = None
    # A session or injection drug (dose_basis.py) is never judged in mg/day: no range applies.
    basis, per_administration = _dose_basis(events)
    if basis is not _DAILY:
        minimum = maximum = None
    intolerance = _intolerance(events, documented)
    verdict, reasons, weeks, verdict_notes = judge(
        segments,
        minimum,
        info,
        adherence,
        ongoing,
        ingredient,
        policy,
        intolerant=intolerance is not None,
        as_needed=_as_needed(events)
        if info is not None and info.low_dose_only_as_needed
        else False,
    )
    if _INTOLERANCE in reasons and adherence.status is _POOR:
        # Judged first with the refill data as they are (intolerance never makes a course look
        # more adequate); then refill data that look poor on a drug stopped or skipped for its
        # side effects are not shown as adherence: no "poor adherence" is read into them.
        adherence = Adherence(
            AdherenceStatus.UNVERIFIED, documented="not judged: the course ended for intolerance"
        )
    # First occurrence of each, in order (a dict, not `not in` a list: a long course of undated
    # fills has a note per fill). Most courses have none: a list, not chained generators.
    # Only the spans with a note are put in _NOTE_ORDER (`_cluster`).
    noted = sorted([s for s in spans if s.note], key=_NOTE_ORDER)
    texts = [s.note for s in noted if s.note]
    for event in events:
        if event.notes:
            texts.extend(n for n in event.notes if n)
    texts.extend(n for n in verdict_notes if n)
    # One per (type, id), in that order: keyed by the pair, hashed at C speed; sorted by id, then
    # (a stable sort) by type, so each sort compares plain strings at C speed rather than
    # (type, id) pairs, whose comparison is several calls each (issue 14: a source per fill).
    by_source = {(e.source.resource_type, e.source.id): e.source for e in events}
    sources = sorted(by_source.values(), key=_SOURCE_ID)
    sources.sort(key=_SOURCE_TYPE)
    return Trial(
        ingredient=ingredient,
        drug_class=info.drug_class if info is not None else events[0].drug_class,
        role=role,
        start=start,
        end=end,
        ongoing=ongoing,
        segments=segments,
        min_adequate_mg=minimum,
        max_mg=maximum,
        weeks_at_adequate_dose=weeks,
        adherence=adherence,
        verdict=verdict,
        reasons=reasons,
        sources=tuple(sources),
        notes=tuple(dict.fromkeys(texts)),
        remission_below=policy.remission_below,
        intolerance=intolerance,
        dose_basis=basis,
        mg_per_administration=per_administration,
        dose_equivalence=_equivalence(events),
        on_hold=_on_hold(spans),
        assumed_days=_assumed_days(spans),
        unconfirmed_since=_unconfirmed_since(spans, as_of),
        # Review 7 finding 6: only a PHQ-9 from this day on decides a failure (Trial.failed).
        adequate_from=adequate_from(segments, minimum, policy)
        if verdict is Verdict.ADEQUATE
        else None,
    )


def _assumed_days(spans: Sequence[_Span]) -> int | None:
    """The days counted by assumption (rule 2d) over the course's records without any duration,
    summed; None when every record states one (review 6 finding 8: cards say so)."""
    days = [s.assumed_days for s in spans if s.assumed_days is not None]
    return sum(days) if days else None


def _on_hold(spans: Sequence[_Span]) -> date | None:
    """The date an `on-hold` statement or order of the course last supports it (review 6
    finding 3), when no record of the drug starts after it; else None."""
    held = [s for s in spans if s.covered_until is not None and s.listed is None]
    if not held:
        return None
    latest = max(held, key=lambda s: s.start)
    if any(s.start > latest.start for s in spans):
        return None  # taken up again after the hold
    return latest.covered_until


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


def _equivalence(events: Sequence[MedicationEvent]) -> str | None:
    """The dose-equivalent key shared by every event of the course (all Aplenzin, all Prozac
    Weekly), else None: a course mixing forms is shown in the reference mg it is judged in."""
    first = events[0].dose_equivalence if events else None
    if first is None:
        return None
    return first if all(e.dose_equivalence == first for e in events) else None


def _dose_basis(events: Sequence[MedicationEvent]) -> tuple[DoseBasis, float | None]:
    """The basis of the latest event (oral aripiprazole bridging to its injection ends as an
    injection course) and the latest known dose per session or injection."""
    basis = events[-1].dose_basis if events else _DAILY
    if basis is _DAILY:
        return basis, None
    doses = [e.mg_per_administration for e in events if e.mg_per_administration is not None]
    return basis, (doses[-1] if doses else None)


def _intolerance(
    events: Sequence[MedicationEvent], documented: Sequence[Intolerance]
) -> Intolerance | None:
    """The trial's intolerance: a stop reason on one of its events first (it is about this very
    course), else an AllergyIntolerance / AdverseEvent matched to it; the latest of either."""
    own = [e.intolerance for e in events if e.intolerance is not None]
    found = own or list(documented)
    if not found:
        return None
    return max(found, key=lambda i: (i.date or date.min, str(i.source)))


def _match_intolerances(
    intolerances: Iterable[Intolerance], clusters: Sequence[tuple[str, _Cluster]]
) -> dict[int, list[Intolerance]]:
    """Cluster index -> the documented intolerances that belong to it: for each, the trial of its
    drug that started last on or before its date (undated: the drug's latest trial). A record
    dated before any trial of the drug concerns a course outside the chart: matched to none."""
    matched: dict[int, list[Intolerance]] = {}
    for intolerance in intolerances:
        candidates = [
            (cluster.start, index)
            for index, (ingredient, cluster) in enumerate(clusters)
            if ingredient == intolerance.ingredient
        ]
        if intolerance.date is not None:
            candidates = [c for c in candidates if c[0] <= intolerance.date]
        if candidates:
            matched.setdefault(max(candidates)[1], []).append(intolerance)
    return matched


def _role(
    ingredient: str,
    cluster: _Cluster,
    earlier: Sequence[Trial],
    lookup: DrugLookup,
) -> Role:
    """Augmentation when every event says so; for a drug listed both as an antidepressant and as
    an adjunct (bupropion, mirtazapine, mianserin, quetiapine: CANMAT 2023 Tables 3.3 and 7.2),
    augmentation when it was started while another antidepressant course was running (added on),
    else antidepressant."""
    spans = cluster.spans
    if all(s.event.role is _INTERACTING for s in spans):
        return _INTERACTING  # linezolid: kept for the MAOI check, never a pathway trial
    if all(s.event.role is _AUGMENTATION for s in spans):
        return _AUGMENTATION
    start = cluster.start
    # The table is asked only when another antidepressant course was running at the start.
    if any(
        t.role is _ANTIDEPRESSANT
        and t.ingredient != ingredient
        and t.start < start
        and (t.end > start or t.ongoing)
        for t in earlier
    ) and (
        lookup(ingredient, _ANTIDEPRESSANT) is not None
        and lookup(ingredient, _AUGMENTATION) is not None
    ):
        return _AUGMENTATION
    return _ANTIDEPRESSANT


_SECOND = itemgetter(1)


def _sorted_unique(
    events: Iterable[MedicationEvent],
) -> list[tuple[MedicationEvent, _EventKey]]:
    """The events in _event_key order, each with its key (computed once: it travels with the
    event's span, issue 14), an event equal to an earlier one left out. Equal events have equal
    keys, so duplicates are looked for only among neighbours with the same key, not by hashing
    every event's seventeen fields. Events whose keys tie keep their input order."""
    keyed = sorted([(e, _event_key(e)) for e in events], key=_SECOND)
    unique: list[tuple[MedicationEvent, _EventKey]] = []
    run_start = 0  # where the current run of equal keys starts in `unique`
    last: _EventKey | None = None
    for pair in keyed:
        key = pair[1]
        if key == last:
            event = pair[0]
            if any(event == other for other, _ in unique[run_start:]):
                continue
        else:
            run_start = len(unique)
        last = key  # the key of unique[-1]
        unique.append(pair)
    return unique


def build_trials(
    events: Iterable[MedicationEvent],
    *,
    as_of: date,
    policy: MappingPolicy | None = None,
    drug_lookup: DrugLookup = drug_info,
    intolerances: Iterable[Intolerance] = (),
) -> tuple[Trial, ...]:
    """Trials from medication events (any order, duplicates allowed), sorted by start.

    `intolerances` are those documented outside the medication resources (AllergyIntolerance,
    AdverseEvent: intolerance.read_intolerances); each marks the trial of its drug it belongs to.
    """
    policy = policy or MappingPolicy()
    usable = _sorted_unique([e for e in events if _usable(e, as_of)])
    by_ingredient: dict[str, list[tuple[MedicationEvent, _EventKey]]] = {}
    orders: list[MedicationEvent] = []
    for pair in usable:
        event = pair[0]
        own = by_ingredient.get(event.ingredient)
        if own is None:
            by_ingredient[event.ingredient] = [pair]
        else:
            own.append(pair)
        if event.kind is _ORDER:
            orders.append(event)
    clusters: list[tuple[str, _Cluster]] = []
    for ingredient, own in by_ingredient.items():
        # `own` is in key order, so start order: each list of starts is sorted as it is built.
        same_starts = list(dict.fromkeys([e.start for e, _ in own]))
        dispense_starts = list(dict.fromkeys([e.start for e, _ in own if e.kind is _DISPENSE]))
        order_starts = list(dict.fromkeys([e.start for e, _ in own if e.kind is _ORDER]))
        # The starts of other drugs' orders in each role (a switch), once per role, not per event.
        switches_by_role: dict[Role, list[date]] = {}
        spans = []
        for event, key in own:
            switches = switches_by_role.get(event.role)
            if switches is None:
                switches = switches_by_role[event.role] = sorted(
                    {o.start for o in orders if o.ingredient != ingredient and o.role is event.role}
                )
            spans.append(
                _span(
                    event, key, same_starts, switches, as_of, policy, dispense_starts, order_starts
                )
            )
        _cap_at_stated_ends(spans, same_starts)
        clusters.extend((ingredient, c) for c in _cluster(spans, policy))
    # A cluster's start is its trial's start, and one drug's clusters never start on one day: the
    # trials come out of this order sorted by (start, ingredient), as they are returned.
    clusters.sort(key=lambda ic: (ic[1].start, ic[0]))
    matched = _match_intolerances(intolerances, clusters) if intolerances else {}
    trials: list[Trial] = []
    for index, (ingredient, cluster) in enumerate(clusters):
        role = _role(ingredient, cluster, trials, drug_lookup)
        trials.append(
            _trial(ingredient, cluster, role, drug_lookup, as_of, policy, matched.get(index, ()))
        )
    return tuple(trials)
