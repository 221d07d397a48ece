"""A course adequate only up to a stop whose day was not recorded (session 21 F3 item 1).

An order `stopped` with no stated end is counted up to the day its stop was recorded by, its
meta.lastUpdated (episodes.py rule 2g; a statement `completed` up to as-of, rule 2f): the latest
day the drug may have been taken, never a recorded last dose (Trial.end_not_recorded). A course
that reaches min_adequate_weeks at an adequate dose only by counting up to that day claims more
than the record shows: the drug may have been stopped in week 2.

THE RULE (the lead's decision, session 21): such a course is an adequate trial only when other
records show it ran that long: fills (dispense supply), administrations, a stated end, or a later
record of the drug (an order or statement dated that day shows it was taken then). A PHQ-9
noted on the drug is not such a record. The course is judged (adequacy.judge, the one judge) on
its covered time up to `shown_until`; when that is not adequate the course is not adequate
(TOO_SHORT), its weeks still those counted up to the recorded stop ("at most N weeks"), and
every surface says "adequacy to confirm" (course_length.duration_to_confirm_text): not a failed
trial for the TMS criteria, the TRD count or the Maudsley count, and the adherence and adequacy
card asks to confirm its duration. Safer for the patient: a TMS referral or a payer packet
never rests on weeks the record does not show, and the clinician is asked for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fhir_mapping.course_clusters import _coverage, _without
from fhir_mapping.dose_timeline import _dose_on, _segment, _segments, _TimelineDose
from fhir_mapping.event_spans import _Span
from fhir_mapping.record import Adherence, DoseSegment


def shown_until(spans: Sequence[_Span], end: date) -> date:
    """The latest day the course's records show the drug taken, for a course whose `end` is only
    the day its stop was recorded by: the end of every span not cut at such a stop (a fill's
    supply, a stated end), and the start of every record (a record dated that day shows the drug
    then). A span cut at a recorded stop (`_Span.stopped`) shows its start only: the supply its
    order would give is what was ordered, not what was taken."""
    return max([s.start if s.stopped else min(s.end, end) for s in spans])


def shown_segments(
    spans: Sequence[_Span],
    until: date,
    timeline: Sequence[tuple[date, _TimelineDose]],
    adherence: Adherence,
    start: date,
) -> tuple[DoseSegment, ...]:
    """The course's dose segments up to `until` (`shown_until`), its supply gaps and holds cut
    out as for the whole course (trial_record._trial)."""
    coverage = _without(_coverage(spans, until), adherence.off_drug)
    return tuple(_segments(coverage, timeline)) or (
        _segment(start, start, _dose_on(timeline, start)),
    )
