"""One drug's spans cut into courses, and the time a course covers (rule 3 of episodes.py).

`_cluster` starts a new trial where a gap of more than new_trial_gap_weeks opens between the
covered time and the next start; `_coverage` is the union of a course's spans (a held or stale
`active` record only up to its `covered_until`), and `_without` cuts the refill gaps out of it
(review 6 finding 1). Apart from event_spans.py, which decides each event's span: this module only
joins spans, and never reads an event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

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


# An order that says the prescriber ended it: a stated end (the event's `end`: boundsPeriod.end,
# whatever its status) or status `stopped`. Status `completed` alone is not enough: Synthea and
# EHRs mark every renewed order of a continuous course completed, often with no duration (then
# counted 30 days), so gaps between yearly renewals would read as stops and cut one long course
# into short ones, each too short to judge (a Synthea chart on hydrochlorothiazide renewed
# 2022-2024 became four courses). Without a stated end such a gap stays a refill gap.
_ENDED = frozenset({"stopped"})
_ORDER = EventKind.ORDER


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
    for span in spans:
        event = span.event
        is_order = event.kind is _ORDER
        if not clusters or (span.start - current.end).days > gap:
            current = _Cluster([], span.end, span.start)
            clusters.append(current)
            ended, order_day = False, date.min
        elif ended and is_order and (span.start - current.end).days >= restart:
            current.restarted_on = span.start
            current = _Cluster([], span.end, span.start, restarted_after=current.end)
            clusters.append(current)
        current.spans.append(span)
        if span.end > current.end:
            current.end = span.end
        if is_order:
            stopped = event.end is not None or event.status in _ENDED
            if span.start != order_day:
                ended, order_day = stopped, span.start
            else:
                ended = ended and stopped
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
