"""An untreated gap the current episode runs across (review s19 b06): PHQ-9 16 -> 6 on
sertraline in 2025, nothing on record for 17 months, then a restart. The episode rule
(fhir_mapping/episode.py rule 1b) reads a treatment-free gap with no PHQ-9 in it as no break,
by design (nothing shows remission), so the episode and its Maudsley duration run across it.
The record cannot say whether the patient stayed well in it; the duration names the gap and the
last PHQ-9 before it so the clinician can judge, and the rule itself is left alone.

Apart from staging_duration.py (which words it) because it reads the courses and scores, not the
episode's dating; the gaps are rule 1b's own (fhir_mapping/episode_gaps.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fhir_mapping.episode import add_months
from fhir_mapping.episode_gaps import covered_spans, gaps_between, treated_courses
from fhir_mapping.record import PatientRecord, Score


@dataclass(frozen=True, slots=True)
class SilentGap:
    start: date  # the last covered day before the gap (a course's end)
    end: date  # the next course's start
    last_phq9: Score | None  # the latest PHQ-9 total on or before `start`


def silent_gaps(record: PatientRecord, since: date, gap_months: int) -> tuple[SilentGap, ...]:
    """The gaps of at least `gap_months` between antidepressant courses from `since` (the day
    the duration counts from) with no PHQ-9 total taken strictly inside them, oldest first. A
    PHQ-9 inside decides the gap either way (rule 1b: a low one is a break, a high one shows the
    illness ran on), so only a silent gap is named."""
    phq9 = sorted(
        [s for s in record.scores if s.instrument == "PHQ-9" and s.value is not None],
        key=lambda s: s.date,
    )
    found: list[SilentGap] = []
    covered = covered_spans(treated_courses(record.trials), record.as_of)
    for start, end in gaps_between(covered):
        if start < since or add_months(start, gap_months) > end:
            continue
        if any(start < s.date < end for s in phq9):
            continue
        before = [s for s in phq9 if s.date <= start]
        found.append(SilentGap(start, end, before[-1] if before else None))
    return tuple(found)
