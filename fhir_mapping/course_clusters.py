"""One drug's spans cut into courses, and the time a course covers (rule 3 of episodes.py).

`_cluster` starts a new trial where a gap of more than new_trial_gap_weeks opens between the
covered time and the next start (unless the next start renews an order that stated no supply:
`_renews`, review 10 recheck R3); `_coverage` is the union of a course's spans (a held or stale
`active` record only up to its `covered_until`), and `_without` cuts the refill gaps out of it
(review 6 finding 1). Apart from event_spans.py, which decides each event's span: this module only
joins spans, and never reads an event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from fhir_mapping.course_end_basis import EndFrom, EndKind
from fhir_mapping.event_spans import _Span
from fhir_mapping.events import EventKind
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import RefillGap


@dataclass(slots=True)
class _Cluster:
    spans: list[_Span] = field(default_factory=list)
    end: date = date.min
    # The first span's start (the spans come in start order): the trial's start (issue 14).
    start: date = date.min
    # Review 10 finding 8: the course ended by its order and the drug was ordered again later
    # (`_cluster`): the day this course's covered time ended, on the course after it (None:
    # not a restart) and the day the next course starts, on the course before it.
    restarted_after: date | None = None
    restarted_on: date | None = None
    # Review 10 recheck R3: the start days of re-orders joined to the course across a gap longer
    # than new_trial_gap_weeks because the order before stated no supply (`_renews`).
    renewals: list[date] = field(default_factory=list)
    # Rule 2e (event_spans.undated_past): a course of records dated only by the day they were
    # entered, whose status says the drug is not taken now: the earliest such day, by which the
    # course had ended. None for every other course.
    taken_before: date | None = None
    # Role 48 (went_on_alone.py): an add-on that went on alone after the course it was added to
    # ended, read as a switch: its weeks are counted from this day, the base's end (None for
    # every other course), and the drugs it was added to, named in its note.
    counted_from: date | None = None
    counted_after: tuple[str, ...] = ()


# An order that says the prescriber ended it: a stated end (the event's `end`: boundsPeriod.end,
# whatever its status) or status `stopped`. Status `completed` alone is not enough: Synthea and
# EHRs mark every renewed order of a continuous course completed, often with no duration (then
# counted 30 days), so gaps between yearly renewals would read as stops and cut one long course
# into short ones, each too short to judge (a Synthea chart on hydrochlorothiazide renewed
# 2022-2024 became four courses). Without a stated end such a gap stays a refill gap.
_ENDED = frozenset({"stopped"})
_ORDER = EventKind.ORDER
_DISPENSE = EventKind.DISPENSE


def _renews(span: _Span, last: _Span | None, dispensed: bool, policy: MappingPolicy) -> bool:
    """Whether `span`, an order starting more than new_trial_gap_weeks after the covered time,
    renews `last` (the span whose end is the covered time's end) rather than starting a new
    trial (review 10 recheck R3). It does when `last` is an order of the same dose that states
    no duration, no end and no supply (its end is the 30 days assumed, rule 2d), was not
    stopped, and `span` comes within renewal_join_days of it: the gap is only "supply not
    stated" (Synthea writes a chronic drug as one order a year, each `completed` but the last,
    with no dispenses). A stated supply that ran out (a dispense, or an order's days) or a stated
    end is a real gap and still splits: this reads only what the record leaves unsaid.

    So does an order whose refills, authorised but with no dispense of the drug on record
    (`dispensed` False: no pharmacy data, not a refill the pharmacy shows unfilled), would last up
    to within supply_gap_days of the next order (a yearly order for 30 days with 11 refills)."""
    if last is None or span.event.kind is not _ORDER:
        return False
    before = last.event
    if not (
        before.kind is _ORDER
        and before.end is None
        and before.status not in _ENDED
        and before.mg_per_day == span.event.mg_per_day
        and (span.start - last.start).days <= policy.renewal_join_days
    ):
        return False
    if last.assumed_days is not None:
        return True
    days = before.days_supply
    if dispensed or not before.refills or days is None or days <= 0:
        return False
    authorised = days * (1 + before.refills)
    return (span.start - last.start).days - authorised < policy.supply_gap_days


def _cluster(spans: list[_Span], policy: MappingPolicy) -> list[_Cluster]:
    """The spans (in _event_key order, as build_trials makes them) cut into clusters where a gap
    of more than new_trial_gap_weeks opens, or where the drug is ordered again at least
    supply_gap_days after the covered time ended and every order of the latest order day before
    then had ended (review 10 finding 8: a stated end, or status stopped): a
    stop the prescriber made and a new course, not a refill gap. Each cluster keeps its spans in
    that order.

    Key order is start order, and which cluster a span joins does not depend on the order of
    spans that start on the same day (every end lies on or after its start, so a later span of
    that day always joins the cluster of the first; an order comes first on its day), so the
    spans are not sorted again: the trial reads its events in key order as they stand, and only
    its notes are put in _NOTE_ORDER (issue 14; test_fill_shortcuts pins this to the sorted
    reading)."""
    gap = policy.new_trial_gap_weeks * 7
    restart = policy.supply_gap_days
    clusters: list[_Cluster] = []
    current = _Cluster()
    # Whether every order of the current cluster's latest order day has ended: a day's orders
    # all count, so the answer does not depend on the order same-day spans come in.
    ended = False
    order_day = date.min
    # The span whose end is the current cluster's end (the latest to end; the first of them).
    last: _Span | None = None
    # Whether the current cluster holds a dispense (`_renews`: refills not shown as taken).
    dispensed = False
    # The end of a home order the ward's stop cut in the current cluster (ward_stop.py), None
    # when none was: the ward stopped the drug, so a later order (a discharge prescription of
    # it, review s27 K2 finding 1) is a restart, as after a prescriber's stop, however soon.
    ward_cut: date | None = None
    for span in spans:
        event = span.event
        is_order = event.kind is _ORDER
        if not clusters or (span.start - current.end).days > gap:
            if clusters and _renews(span, last, dispensed, policy):
                current.renewals.append(span.start)
            else:
                current = _Cluster([], span.end, span.start)
                clusters.append(current)
                ended, order_day = False, date.min
                last, dispensed, ward_cut = span, False, None
        elif is_order and (
            (ended and (span.start - current.end).days >= restart)
            or (ward_cut is not None and span.start >= ward_cut >= current.end)
        ):
            current.restarted_on = span.start
            current = _Cluster([], span.end, span.start, restarted_after=current.end)
            clusters.append(current)
            last, dispensed, ward_cut = span, False, None
        current.spans.append(span)
        if span.ward_stop is not None:
            ward_cut = span.end
        if event.kind is _DISPENSE:
            dispensed = True
        if span.end > current.end:
            current.end = span.end
            last = span
        if is_order:
            stopped = event.end is not None or event.status in _ENDED
            if span.start != order_day:
                ended, order_day = stopped, span.start
            else:
                ended = ended and stopped
    return clusters


def _coverage(
    spans: Iterable[_Span], until: date, since: date | None = None
) -> list[tuple[date, date]]:
    """Union of the spans' [start, end) clipped at `until`, as sorted disjoint intervals. The
    spans come in start order (as a cluster holds them): the union does not depend on the order
    of spans that start on the same day, so no sort is needed (issue 14). `since`: only the time
    from that day on (`_Cluster.counted_from`, went_on_alone.py)."""
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
    return merged if since is None else counted_from(merged, since)


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


def counted_from(coverage: list[tuple[date, date]], day: date | None) -> list[tuple[date, date]]:
    """The covered stretches from `day` on (`_Cluster.counted_from`; None: all of them)."""
    if day is None:
        return coverage
    return [(max(a, day), b) for a, b in coverage if b > day]


_STATEMENT = EventKind.STATEMENT


def statement_tail(
    spans: Iterable[_Span], until: date, min_days: int
) -> tuple[date, list[_Span]] | None:
    """The stretch at the end of a course, up to `until` (the trial's end), that only statements
    cover, beyond every local order and fill of the course: (its first day, the statements that
    cover it); None when a local record runs to `until`, or the course has no local record (a
    course of statements alone is unverified as a whole already).

    Review 11 finding 6 (THE RULE, adherence.outside_tail): a statement is a report, not a
    prescription or a fill; the supply behind it, if any, is not in this chart's pharmacy feed
    (an outside organisation's, above all). So the days only it covers after the local supply
    ends are not verified, and they are not a supply gap that contradicts adherence either: the
    PDC is counted up to this stretch's first day. A stretch with no record at all before the
    statement begins stays in the PDC window, as the supply gap it is. A held or stale statement
    covers only up to its `covered_until`, as in `_coverage`.

    A stretch shorter than `min_days` (policy.supply_gap_days) is None too: it could never be
    named a supply gap, so the course reads as it always did (a statement a few days past the
    last fill is the same course, not an unverified stretch worth a line on the card)."""
    local_end: date | None = None
    statements: list[tuple[_Span, date]] = []
    for span in spans:
        end = span.end if span.end < until else until
        held = span.covered_until
        if held is not None and held < end:
            end = held
        if span.event.kind is _STATEMENT:
            statements.append((span, end))
        elif local_end is None or end > local_end:
            local_end = end
    if local_end is None or local_end >= until:
        return None
    tail = [(span, end) for span, end in statements if end > local_end]
    if not tail:
        return None
    first = min(span.start for span, _ in tail)
    if first < local_end:
        first = local_end
    if (until - first).days < min_days:
        return None
    return first, [span for span, _ in tail]


_END_KINDS = {
    EventKind.DISPENSE: EndKind.FILL,
    EventKind.ORDER: EndKind.ORDER,
    EventKind.STATEMENT: EndKind.STATEMENT,
}


def end_from(spans: Sequence[_Span], end: date) -> EndFrom | None:
    """The record an ended course's `end` was worked out from (course_end_basis.py, review K58a
    finding 5), or None when a record states it: any span ending there with an explicit end or
    cut at a recorded stop, or a record whose stated end is that day ("as recorded" only where
    a record says so). Of several, a fill before an order or a statement (a fill shows the drug
    handed over), the latest."""
    last = [s for s in spans if s.end == end]
    if not last or any(not s.from_supply or s.stopped or s.event.end == end for s in last):
        return None
    last.sort(key=lambda s: (s.event.kind is _DISPENSE, s.start))
    span = last[-1]
    kind = _END_KINDS[span.event.kind]
    return EndFrom(kind, span.start, (end - span.start).days, end, span.assumed_days is not None)
