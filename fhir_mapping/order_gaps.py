"""The gap an unfilled order leaves before the drug's next record, judged as a filled course's
supply gap (orders34, recheck K29a finding 2).

An `active` order no fill shows taken covers only the supply it authorises
(unfilled_order.authorised_until). When a renewal follows, the order's span ends at its
authorised end (event_spans._span, _Span.gap_until) and the renewal covers its own stretch. The time between is no
time on the drug, but the course may still join across it (rule 3: a gap under
new_trial_gap_weeks). A filled course with the same gap is judged by its refill data
(adherence.py): a stretch of supply_gap_days or more is a supply gap, one longer than
refill_gap_weeks a refill gap, and the adherence POOR. An order-only course has no refill data,
so its adherence stayed "unverified" and the gap was never judged: order A of venlafaxine of
2024-10-01 with 90 days authorised, renewed 2025-05-20, no fill on record, read 36.0 weeks
adequate on 2025-06-10 (then 15.9 weeks, adequate, once the gap was not counted), where the
same chart with the fills read "PDC 42 %, refill gap 2024-12-30 -> 2025-05-25", not adequate.
Here the order's gap is judged the same way: the safer reading before a trial is counted failed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from fhir_mapping.adherence_record import Adherence, AdherenceStatus, RefillGap
from fhir_mapping.event_spans import _Span
from fhir_mapping.events import EventKind
from fhir_mapping.policy import MappingPolicy


def with_order_gaps(
    adherence: Adherence, spans: Sequence[_Span], policy: MappingPolicy
) -> Adherence:
    """`adherence` with the gaps the course's unfilled orders leave (module docstring): each
    stretch from an order's authorised end to the drug's next record that no other span of the
    course covers; `adherence` itself when there is none (nearly every course)."""
    # Only a gap the course joins across: its next record is of this course (else that record
    # starts a course of its own, and this one ended at the order's authorised end).
    last = max(s.start for s in spans)
    marked = [s for s in spans if s.gap_until is not None and s.gap_until <= last]
    if not marked:
        return adherence
    if marked[0].gap_feed and not any(s.event.kind is EventKind.DISPENSE for s in spans):
        # A fill feed showing none of the course's orders filled: listed, never judged a trial
        # (unfilled_order.mark_unfilled, Trial.feed_unfilled); its listing card says so.
        return adherence
    supply_gaps = list(adherence.supply_gaps)
    refill_gaps = list(adherence.refill_gaps)
    for span in marked:
        assert span.gap_until is not None  # (for mypy: `marked` holds only these)
        begin = span.end
        for other in spans:  # another record covering the stretch's first day closes it there
            if other is not span and other.start <= begin < other.end:
                begin = other.end
        if begin >= span.gap_until:
            continue
        gap = RefillGap(begin, span.gap_until)
        if gap.days >= policy.supply_gap_days and gap not in supply_gaps:
            supply_gaps.append(gap)
        if gap.days > policy.refill_gap_weeks * 7 and gap not in refill_gaps:
            refill_gaps.append(gap)
    if len(supply_gaps) == len(adherence.supply_gaps):
        return adherence
    poor = len(refill_gaps) > len(adherence.refill_gaps)
    return replace(
        adherence,
        status=AdherenceStatus.POOR if poor else adherence.status,
        supply_gaps=tuple(sorted(supply_gaps, key=lambda g: g.start)),
        refill_gaps=tuple(sorted(refill_gaps, key=lambda g: g.start)),
    )
