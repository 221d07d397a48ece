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
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import RefillGap


@dataclass(slots=True)
class _Cluster:
    spans: list[_Span] = field(default_factory=list)
    end: date = date.min
    # The first span's start (the spans come in start order): the trial's start (issue 14).
    start: date = date.min


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
