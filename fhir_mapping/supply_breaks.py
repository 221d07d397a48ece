"""Where a course's supply ran out: the end of the time that judges it (review s20 RA finding 4).

THE RULE. A trial is judged on the time its supply made it a trial:

- A course that had become adequate on its supply (min_adequate_weeks at the minimum dose,
  adherence not contradicted up to the last day of supply) and whose supply then ran out is
  judged up to that day: the days after it are not missed doses that unmake the trial (the PDC
  counted "from the start to today" fell below 80 % a month after the last fill and the failed
  trial became "not adequate (PDC 76 %)": the failed count went down with no new data). Once
  supply_gap_days have passed with no fill, the course reads as one that stopped there
  (Trial.supply_ran_out, "no supply since DATE"): its weeks stop, and its outcome is the PHQ-9
  up to on_treatment_days_after_end after it, as for any course that stopped. It stays running
  for the safety checks while its order is open. trial_record._trial applies it
  (`adequate_on_supply`).

Ward doses given after the last fill's days are supply too (review s28 RH finding 1: a stay that
gave the drug every day to discharge read "no supply since" the home fills' end, "likely
stopped"): the supply ran out the day after the last ward dose (adherence.py), and the course's
weeks run over the ward days. A fill handed over today starts supply today (finding 2).

A course not adequate by the day its supply ran out is judged to as-of as before: the days
without supply are part of why it was not a fair test (POOR adherence, a refill gap).

supply_gap_days (30, one usual fill) is the existing threshold of a supply gap (policy.py): the
same days already take the gap out of the time on the drug and start a new course when a
stopped order is ordered again (course_clusters._cluster).

A supply gap of >= supply_gap_days BETWEEN two fills still leaves one course (review 6 finding
1: the gap cut out of its time), judged over the gap; but a verdict of "adequate, failed"
reached before the first such gap stands (session 21 G: verdict_before_gap.py, chart
h3_refill_gap from 2025-07-14).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from fhir_mapping.adequacy import adequate_from
from fhir_mapping.course_clusters import _coverage, _without
from fhir_mapping.dose_timeline import _segments, _TimelineDose
from fhir_mapping.event_spans import _Span
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Adherence, AdherenceStatus

_POOR = AdherenceStatus.POOR


def adequate_on_supply(
    spans: Sequence[_Span],
    judged: Adherence,
    until: date,
    timeline: Sequence[tuple[date, _TimelineDose]],
    minimum: float | None,
    policy: MappingPolicy,
) -> date | None:
    """The day the course became an adequate trial, when it was one by `until`, the first day
    its supply ran out (Adherence.supply_until, or a supply gap's first day: verdict_before_gap.py):
    min_adequate_weeks at the minimum dose within its covered time up to then, its supply gaps
    cut out, and `judged` (its adherence up to then) not POOR. None when it was not."""
    if minimum is None or judged.status is _POOR:
        return None
    coverage = _without(_coverage(spans, until), judged.off_drug)
    segments = _segments(coverage, timeline)
    return adequate_from(segments, minimum, policy)
