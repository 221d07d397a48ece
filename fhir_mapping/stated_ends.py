"""Rule 2a for supply already handed out (episodes.py rule 2): a supply-derived span stops at
another record's stated end of the same drug. Apart from event_spans.py (which decides each
event's own span) so that module stays within its size: this one only trims spans after.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import date

from fhir_mapping.event_spans import _Span
from fhir_mapping.events import EventKind

_DISPENSE = EventKind.DISPENSE


def _cap_at_stated_ends(spans: Sequence[_Span], starts: Sequence[date]) -> None:
    """Rule 2a for supply already handed out: a supply-derived span running past an explicit end
    of the same drug stops there, unless a record of the drug starts on or after that end and on
    or before the span's end (the course went on). A fill handed over on the day the one before
    runs out continues the course (review s23 RT finding 9: "before" cut the earlier fill at the
    stated end and made a gap of the days between, on a course refilled every 30 days)."""
    stated = sorted(
        {s.event.end for s in spans if s.event.end is not None and s.event.kind is not _DISPENSE}
    )
    if not stated:
        return
    for span in spans:
        if not span.from_supply:
            continue
        # Only the stated ends inside [start, end) can cut; `starts` is sorted, so "a record
        # starts in [end, span end]" is one bisection (issue 14: a long course has many fills).
        for end in stated[bisect_left(stated, span.start) :]:
            if end >= span.end:
                break
            index = bisect_left(starts, end)
            if index == len(starts) or starts[index] > span.end:
                span.end = end
                break
