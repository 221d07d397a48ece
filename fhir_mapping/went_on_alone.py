"""An add-on that went on alone (role 48, review K55a finding 4): a drug listed both as an
antidepressant and as an adjunct (mirtazapine, bupropion, ...), added to an antidepressant course
that was not being stopped (course_role.py: an augmentation), whose base course then ended while
it went on, alone, at an antidepressant dose, for long enough to be judged as a trial. That is a
switch made slowly (a long cross-taper), not an augmentation: mirtazapine 30 mg started
2026-09-28 beside venlafaxine that ran to 10-29, then alone for five weeks, is the patient's
antidepressant trial, not "adjuncts already used: mirtazapine".

Its weeks are counted from the base's end (`counted_from`), not from its own start. The adequacy
sources count weeks at an adequate dose while the drug ran (the MTI's "duration in weeks on a
dose >= the minimum", REFERENCE.md 1.4; the ATHF counts combinations), so the weeks beside the
base could count; but those weeks are already the base's trial time, augmented, and the Fabbri
2021 EHR phenotype (REFERENCE.md 1.5) dates a switch's failure from the drug taken after the
switch. Counting them for the add-on too would make one stretch of treatment two trials' weeks and
inflate the failed-trial count that opens the TMS referral; the monotherapy weeks alone are the
conservative count (a trial that is still short reads as running or "possibly adequate", never
as an extra failure). A true augmentation (mirtazapine beside venlafaxine that keeps running,
"California rocket fuel") is never read here: its base is still running."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date

from fhir_mapping.course_clusters import _Cluster, _coverage
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.raise_unfilled import course_segments, course_timeline
from fhir_mapping.record import Role, Trial
from fhir_mapping.trial_record import DrugLookup


def alone_from(
    ingredient: str,
    cluster: _Cluster,
    bases: Sequence[tuple[Trial, _Cluster]],
    lookup: DrugLookup,
    as_of: date,
    policy: MappingPolicy,
) -> date | None:
    """The day the add-on went on alone (the last base course's end) when every antidepressant
    course it was added to (`bases`) has ended and it then ran on at >= its antidepressant row's
    minimum dose for policy.possibly_adequate_weeks (4: the shortest run the pathway judges as a
    trial, "possibly adequate - review"; the ATHF long form counted > 4 weeks); else None. Only
    courses started before it are known here (episodes.build_trials judges roles in start order):
    one started later, while it ran alone, is not looked at."""
    if not bases or any(t.ongoing or t.end >= as_of for t, _ in bases):
        return None
    ended = max(t.end for t, _ in bases)
    until = min(cluster.end, as_of)
    info = lookup(ingredient, Role.ANTIDEPRESSANT)
    if info is None or info.min_adequate_mg is None or until <= ended:
        return None
    minimum = info.min_adequate_mg
    spans = cluster.spans
    timeline = course_timeline(spans, [s.event for s in spans]).timeline
    coverage = _coverage(spans, until, ended)
    ongoing = cluster.end >= as_of
    segments = course_segments(coverage, timeline, cluster.start, ongoing, as_of)
    # Days alone at an antidepressant dose (as-needed doses never count: adequacy.judge).
    days = sum(
        (s.end - s.start).days
        for s in segments
        if s.start >= ended and not s.as_needed and (s.mg_per_day or 0.0) >= minimum
    )
    return ended if days >= policy.possibly_adequate_weeks * 7 else None


def alone_noted(trial: Trial, cluster: _Cluster) -> Trial:
    """The trial with a note saying why its weeks start at the base's end (none when they do
    not): the timeline shows its segments from that day while its start stays its own."""
    if cluster.counted_from is None:
        return trial
    note = (
        f"added to {' and '.join(cluster.counted_after)}, then taken alone from "
        f"{cluster.counted_from.isoformat()}: read as a switch, not an adjunct; only the weeks "
        "alone are counted (the weeks beside it were an augmentation)"
    )
    # The day and the bases as facts too (role 49): cards say "alone since <day>" for its start
    # and weeks, never its own start beside the weeks counted from the base's end.
    return dataclasses.replace(
        trial,
        notes=(*trial.notes, note),
        alone_from=cluster.counted_from,
        added_to=cluster.counted_after,
    )
