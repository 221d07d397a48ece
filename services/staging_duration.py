"""The duration dimension of the Maudsley stage (staging.py): whole months from the day the
current episode counts from (its start; else the depression's onset, at the last day a partial
date allows; else the first antidepressant trial of the episode), an earlier episode's open MDD
code named and left out (services/episode_codes.py), and persistent depressive disorder scored as
chronic (>= 2 years by definition, DSM-5).

Apart from staging.py because the episode's dating is its own reading of the record; apart from
staging_severity.py, which reads scores and codes, never dates.
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.record import Finding, FindingKind, InadequacyReason, PatientRecord
from services.card_format import plural
from services.episode_codes import current_code, earlier_episode_codes, earlier_text
from services.episode_gap_note import SilentGap, silent_gaps
from services.pathway import PathwayFacts
from services.staging_points import StageDimension, numeric_rows, points_for


def months_between(start: date, end: date) -> int:
    """Whole calendar months from start to end (0 when end precedes start)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def _gap_text(gap: SilentGap) -> str:
    last = gap.last_phq9
    before = (
        "no PHQ-9 before it"
        if last is None
        else f"the last before it {last.value} on {last.date.isoformat()}"
    )
    return (
        f"counted across {plural(months_between(gap.start, gap.end), 'month')} untreated, "
        f"{gap.start.isoformat()} – {gap.end.isoformat()}, with no PHQ-9: {before}"
    )


def _episode_anchor(
    record: PatientRecord, facts: PathwayFacts, gap_months: int
) -> tuple[date, str] | None:
    """(the day the duration counts from, how the basis names it)."""
    if record.episode_start is not None:
        anchor = _without_earlier_codes(record, facts, gap_months)
        if anchor is not None:
            return anchor
        return record.episode_start, "current episode since"
    # A partial onset ("2024") at the last day it allows (review 10 recheck R7): the shortest
    # reading of the duration, which does not move the band on a day the record does not state.
    onsets = [
        f.onset_latest
        for f in record.context.of(FindingKind.DEPRESSION) + record.context.of(FindingKind.TRD)
        if f.onset_latest is not None
    ]
    if onsets:
        return min(onsets), "depression onset"
    # A drug taken in a product for another indication (Contrave's bupropion: Trial.product) is
    # no antidepressant trial, so it does not date the episode.
    # Nor does one ordered for another indication (fhir_mapping/indications.py: Zyban).
    starts = [
        t.start
        for t in facts.episode_trials
        if (t.product is None or t.product.counts_as_trial)
        and InadequacyReason.OTHER_INDICATION not in t.reasons
    ]
    if starts:
        return min(starts), "first antidepressant trial"
    return None


def _without_earlier_codes(
    record: PatientRecord, facts: PathwayFacts, gap_months: int
) -> tuple[date, str] | None:
    """The episode's start when only an earlier episode's open MDD code dated it (recheck 2 of
    review 16, W3: F33.2 since 2019, never closed, made a seven-month F33.1 episode "chronic"):
    the current code's onset, or an earlier antidepressant trial of the episode, with the old
    code named; None when no such code set the episode's start (services/episode_codes.py)."""
    earlier = earlier_episode_codes(record, gap_months)
    start = record.episode_start
    if start is None or not any(f.onset_latest == start for f in earlier):
        return None
    current = current_code(
        [f for f in record.context.of(FindingKind.DEPRESSION) if f not in earlier]
    )
    if current is None or current.onset_latest is None:
        return None
    # A trial of the episode that began before the current code still dates it (the service's
    # episode rule found no break between them); a trial alone never pushes it to the old code.
    starts = [t.start for t in facts.episode_trials if start < t.start < current.onset_latest]
    anchor = min([current.onset_latest, *starts])
    named = "; ".join(earlier_text(f) for f in earlier)
    return anchor, f"{named}; current episode since"


def _persistent(facts: PathwayFacts) -> Finding | None:
    """The current diagnosis (the one a referral would cite, PathwayFacts.depression_finding)
    when it is persistent depressive disorder (dysthymia: F34.1, SNOMED CT dysthymia codes, by
    the code table's display), else None."""
    finding = facts.depression_finding
    if finding is None:
        return None
    names = [finding.display, *(r.display for r in condition_matches(finding.system, finding.code))]
    return finding if any("dysthymi" in n.lower() for n in names) else None


def stage_duration(record: PatientRecord, facts: PathwayFacts, gap_months: int) -> StageDimension:
    anchor = _episode_anchor(record, facts, gap_months)
    if anchor is None:
        category, points = points_for("duration", 0)
        found = StageDimension("Duration", category, "onset unknown: scored as acute", points)
    else:
        start, label = anchor
        months = months_between(start, record.as_of)
        category, points = points_for("duration", months)
        basis = f"{label} {start.isoformat()} ({plural(months, 'month')})"
        # A silent untreated gap the episode runs across (services/episode_gap_note.py) is said
        # beside the category, where the stage is shown: the duration may be an earlier
        # episode's and a restart's together, for the clinician to judge.
        gaps = "; ".join(_gap_text(g) for g in silent_gaps(record, start, gap_months))
        found = StageDimension(
            "Duration", category, f"{basis}; {gaps}" if gaps else basis, points, gaps
        )
    pdd = _persistent(facts)
    chronic = numeric_rows()["duration"][-1]  # the top row: chronic, > 24 months
    if pdd is None or chronic.points is None or found.points >= chronic.points:
        return found
    # Persistent depressive disorder lasts at least 2 years by definition (DSM-5: depressed mood
    # for at least 2 years), so as the current diagnosis its episode is chronic whatever the
    # problem's recorded onset (audit 16 W7: F34.1 since 2024-10-21 was staged "acute").
    why = f"{pdd.coding} persistent depressive disorder: >= 2 years by definition, DSM-5"
    return StageDimension(
        "Duration", chronic.category, f"{found.basis}; {why}", chronic.points, why
    )
