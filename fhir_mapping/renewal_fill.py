"""Rule 3a of episodes.py: orders a renewal chain holds before its first fill, when that fill came
long after (review s26 RN finding 8).

An order that states no supply and is filled only more than `statement_confirmed_days` after it
was written counts from that fill (first_fill.first_fill_after_silence, review s22 RR finding
9, session 23 item L1-4): nothing shows the drug taken in the years before it, and a renewal with
no fill is a prescriber's act, not a dose taken. That rule read each order for itself, so it
reached an `active` order but not the order a renewal replaced: Epic completes the old order when
it is renewed. A fluoxetine order of 2024-03-01 (`completed` when renewed on 2025-01-10), its
renewal (`active`, priorPrescription the old order), and one 30-day fill of the renewal on
2026-10-20 read as two courses: the 2024 order a 30-day course of its own (rule 2d), "2 trials
not adequate (fluoxetine duration not recorded; fluoxetine PDC 71 %)", beside "On fluoxetine
since 2026-10-20". The same chart with the old order left `active` read one course.

One course, as the renewal rule says (course_clusters._renews: re-orders of the same drug and
dose within `renewal_join_days` of an order that stated no duration, end or supply and was not
stopped are one course), counted as the record shows it taken: from the fill. So an order such a
late-filled order renews, directly or through another renewal, with no fill of the drug between
it and that fill, covers no time of its own: it stands at the fill day (a span of no days) and
joins that course, its record kept among the course's sources and named in a note. The renewal
is read by drug and dose (no `priorPrescription` needed: Synthea and many feeds do not send it),
as `_renews` reads it. Why not the old order's 30 assumed days as a course: the record shows the
drug ordered, renewed and not dispensed while the pharmacy feed carries its later fill; counting
an order a renewal replaced as a finished course made a second "not adequate" trial of one
course (the adherence card then asks about a 2024 course nobody can review), and could pair an
old PHQ-9 with it. The cost: a course taken from the old order with fills the feed missed is
dated from the fill, the under-count the fill rule already accepts (the safer reading for
adequacy: a trial is not called adequate, nor a failure counted, on time the record does not show).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fhir_mapping.event_spans import _Span
from fhir_mapping.events import EventKind
from fhir_mapping.policy import MappingPolicy

_ORDER = EventKind.ORDER
_DISPENSE = EventKind.DISPENSE
# An order the prescriber ended (course_clusters._ENDED): no renewal of it carries a course on.
_STOPPED = "stopped"


def _late_fill(span: _Span, policy: MappingPolicy) -> bool:
    """Whether `span` is an order counted from a fill more than statement_confirmed_days after
    the day it was written (nothing of the drug dispensed in between: the rule's own reading)."""
    return (
        span.event.kind is _ORDER
        and (span.start - span.event.start).days > policy.statement_confirmed_days
    )


def _renewed_by(before: _Span, day: date, dose: float | None, policy: MappingPolicy) -> bool:
    """Whether `before` is an order that a re-order of `dose` written on `day` renews
    (course_clusters._renews' reading): no stated end, not stopped, no supply stated (its time is
    the assumed fill of rule 2d), the same dose, within renewal_join_days before `day`."""
    event = before.event
    return (
        event.kind is _ORDER
        and event.end is None
        and event.status != _STOPPED
        and before.assumed_days is not None
        and event.mg_per_day == dose
        and 0 < (day - event.start).days <= policy.renewal_join_days
    )


def start_renewed_at_fill(spans: Sequence[_Span], policy: MappingPolicy) -> None:
    """Rule 3a (module docstring), in place on one drug's spans (in key order): each order a
    late-filled order's renewal chain holds, with no dispense of the drug from its day to the
    fill, is moved to the fill day and covers no time."""
    if not any(_late_fill(s, policy) for s in spans):
        return  # nearly every chart: no order filled that late
    dispensed = sorted(s.start for s in spans if s.event.kind is _DISPENSE)
    for late in [s for s in spans if _late_fill(s, policy)]:
        fill = late.start
        day, dose = late.event.start, late.event.mg_per_day
        # Walk back from the renewal: each order it renews renews, in turn, the one before.
        for before in sorted(
            (s for s in spans if s.event.start < day), key=lambda s: s.key, reverse=True
        ):
            if not _renewed_by(before, day, dose, policy):
                continue
            if any(before.event.start <= d < fill for d in dispensed):
                break  # a fill of the drug in between: the course was dispensed then
            before.start = before.end = fill
            before.note = (
                f"{before.event.source}: renewed {day.isoformat()}, no fill until "
                f"{fill.isoformat()}: counted from that fill"
            )
            before.assumed_days = None
            before.from_supply = False
            before.stopped = False
            day = before.event.start
