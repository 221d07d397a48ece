"""The notes one course's Trial carries, in the order the cards list them (`course_notes`), and
the adherence a course that ended for intolerance shows (`intolerance_adherence`).

Apart from trial_record.py (`_trial`), which was at the 400-line limit (review K61b finding 5):
both read what `_trial` has already judged (the verdict, its notes, the adherence) and decide
nothing about the course.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from operator import attrgetter

from fhir_mapping.course_clusters import _Cluster
from fhir_mapping.course_support import _restart_notes
from fhir_mapping.record import Adherence, AdherenceStatus, InadequacyReason

# The order a trial's notes come in: by span start, then end, then event key.
_NOTE_ORDER = attrgetter("start", "end", "key")
_POOR = AdherenceStatus.POOR
_INTOLERANCE = InadequacyReason.INTOLERANCE


def intolerance_adherence(adherence: Adherence, reasons: Sequence[InadequacyReason]) -> Adherence:
    """Judged first with the refill data as they are (intolerance never makes a course look more
    adequate); then refill data that look poor on a drug stopped or skipped for its side effects
    are not shown as adherence: no "poor adherence" is read into them. Only a course whose
    verdict says it ended for intolerance (a dose reduced for side effects is no such end:
    course_events._intolerance)."""
    if _INTOLERANCE in reasons and adherence.status is _POOR:
        return Adherence(
            AdherenceStatus.UNVERIFIED, documented="not judged: the course ended for intolerance"
        )
    return adherence


def course_notes(cluster: _Cluster, verdict_notes: Sequence[str], end: date) -> tuple[str, ...]:
    """The course's notes: its spans', its events', its verdict's, a restart's, its renewals'.

    First occurrence of each, in order (a dict, not `not in` a list: a long course of undated
    fills has a note per fill). Most courses have none: a list, not chained generators. Only the
    spans with a note are put in _NOTE_ORDER (`_cluster`)."""
    spans = cluster.spans
    noted = sorted([s for s in spans if s.note], key=_NOTE_ORDER)
    texts = [s.note for s in noted if s.note]
    for span in spans:
        if span.event.notes:
            texts.extend(n for n in span.event.notes if n)
    texts.extend(n for n in verdict_notes if n)
    if cluster.restarted_on is not None or cluster.restarted_after is not None:
        texts.extend(_restart_notes(cluster, end))
    if cluster.renewals:
        # Review 10 recheck R3 (course_clusters._renews): one course, its gaps counted as no time.
        texts.append(
            "continuity assumed from renewals ("
            + ", ".join(d.isoformat() for d in cluster.renewals)
            + ") of the same dose: no record shows the supply between them, none shows a stop; "
            "one course, the months between not counted as time on the drug"
        )
    return tuple(dict.fromkeys(texts))
