"""Adequacy over a dose lowering no fill shows taken (Trial.lower_unfilled, orders41; orders42).

Venlafaxine XR 150 mg/day filled 2026-10-01 and 11-01, 37.5 mg/day ordered 2026-11-05 and never
filled: the course reads 37.5 from the order's day (raise_unfilled.py says why: the TCA level
checks rest on that reading), so its weeks at an adequate dose stop at the lowering (4.9) and it
is not adequate; the fills alone show 8.7 weeks at 150. Neither reading is on record as taken.
Judging the verdict on the fills would count the course a FAILED adequate trial on a PHQ-9 taken
after the lowering (a TMS criterion "Met" on a dose the patient may not have taken); judging it
on the order calls it "below the adequate range, raise it" and proposes undoing the lowering.

The safer reading (orders42): the verdict stays the order's (not adequate, never counted as a
failed trial), and when the fills alone would make the course adequate its adequacy is TO
CONFIRM (Trial.lower_filled_weeks: the weeks at an adequate dose the fills alone show), as a course
whose stop was not recorded is (duration_to_confirm.py): the cards and the payer criteria ask
which dose is taken (services/lowered_dose.py).

A lowering ordered AFTER the course was already adequate (orders43: 150 mg/day filled for 8
weeks or more, then 37.5 ordered and never filled) leaves the verdict adequate: the weeks at 150
before the lowering did happen, so it is not a course "to confirm". Its outcome may still be read
from a PHQ-9 taken after the lowering, when the dose may have been lowered. Decision: it stays
counted as failed (a non-response after 8+ weeks at an adequate dose is not undone by a lowering
a few days before the score, and the lowering is often made for the side effects of that dose),
but every surface that states the outcome names the lowering beside it
(services/lowered_dose.scored_after_lowering: the optimise card's dose line, the payer
criterion's trial list), and the TMS one-click stays held while the dose taken is confirmed
(tms_referral_held._dose), so nothing is sent on it unread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from fhir_mapping.event_spans import _Span
from fhir_mapping.events import EventKind
from fhir_mapping.raise_order import LowerOrder
from fhir_mapping.trial_parts import DoseSegment, Verdict

# The verdicts a lowering may leave short of adequate (not a course judged no trial at all).
_JUDGED = (Verdict.ONGOING, Verdict.INADEQUATE)


def filled_segments(
    segments: Sequence[DoseSegment], lowered: LowerOrder, filled_until: date
) -> tuple[DoseSegment, ...]:
    """The course's segments as its fills alone read them: from the lowering's day at the dose
    filled before it (`LowerOrder.filled_mg`), up to the end of the last fill's supply."""
    found: list[DoseSegment] = []
    for segment in segments:
        if segment.start >= filled_until:
            break
        end = min(segment.end, filled_until)
        mg = lowered.filled_mg if segment.start >= lowered.day else segment.mg_per_day
        found.append(DoseSegment(segment.start, end, mg))
    return tuple(found)


def adequate_on_fills(
    segments: Sequence[DoseSegment],
    verdict: Verdict,
    lowered: LowerOrder | None,
    spans: Sequence[_Span],
    judge: Callable[[Sequence[DoseSegment]], tuple[Verdict, Any, float, Any]],
) -> float | None:
    """The weeks at an adequate dose of the fills alone when they make adequate a course that
    the unfilled lowering `lowered` leaves not adequate (`verdict`: ongoing or inadequate;
    module docstring), else None.
    `judge`: the course's (verdict, reasons, weeks, notes) of a set of its segments
    (trial_record._trial's adequacy.judge, with its adherence and tapers)."""
    if lowered is None or verdict not in _JUDGED:
        return None
    filled = [s.end for s in spans if s.event.kind is EventKind.DISPENSE]
    if not filled:
        return None
    reading = filled_segments(segments, lowered, max(filled))
    found, _, weeks, _ = judge(reading)
    return weeks if found is Verdict.ADEQUATE else None
