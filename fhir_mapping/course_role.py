"""A course's role from the courses running when it started (episodes.py rule 6): augmentation
when every record says so; for a drug the table lists both as an antidepressant and as an adjunct,
augmentation when it was added to another antidepressant course that was not being stopped (a
cross-taper is a switch). Apart from episodes.py because it relates one course to the others, not
records to a course."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fhir_mapping.course_clusters import _Cluster
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Role, Trial
from fhir_mapping.trial_record import DrugLookup
from fhir_mapping.went_on_alone import alone_from

_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_AUGMENTATION = Role.AUGMENTATION
_INTERACTING = Role.INTERACTING


def course_role(
    ingredient: str,
    cluster: _Cluster,
    earlier: Sequence[tuple[Trial, _Cluster]],
    lookup: DrugLookup,
    as_of: date,
    policy: MappingPolicy,
) -> Role:
    """Augmentation when every event says so; for a drug listed both as an antidepressant and as
    an adjunct (bupropion, mirtazapine, mianserin, quetiapine: CANMAT 2023 Tables 3.3 and 7.2),
    augmentation when it was started while another antidepressant course was running (added on)
    and that course was not being stopped (`_stopping`: a cross-taper is a switch), else
    antidepressant. An add-on whose base courses all ended while it went on alone, at an
    antidepressant dose, long enough to be a trial (went_on_alone.py) is a switch too: the
    antidepressant, its weeks counted from the bases' end (`cluster.counted_from`, set here)."""
    spans = cluster.spans
    if all(s.event.role is _INTERACTING for s in spans):
        return _INTERACTING  # linezolid: kept for the MAOI check, never a pathway trial
    if all(s.event.role is _AUGMENTATION for s in spans):
        return _AUGMENTATION
    if cluster.taken_before is not None:
        # Rule 2e: when it was taken is not known, so it was not shown added to another course.
        return _ANTIDEPRESSANT
    start = cluster.start
    # Started with (the same day) or during another antidepressant's course: an add-on to it
    # (review 13 W7: quetiapine started with escitalopram is one combined treatment, not a
    # second trial). A same-day course counts as the base only when it is no adjunct itself
    # (`_base_on`): two drugs listed both ways started together stay two antidepressants.
    running = [
        course
        for t, course in earlier
        if t.role is _ANTIDEPRESSANT
        and t.ingredient != ingredient
        and (t.start < start or (t.start == start and _base_on(t.ingredient, ingredient, lookup)))
        and (t.end > start or t.ongoing)
    ]
    # The table is asked only when another antidepressant course was running at the start.
    if (
        running
        and lookup(ingredient, _ANTIDEPRESSANT) is not None
        and lookup(ingredient, _AUGMENTATION) is not None
        and not all(_stopping(course, start, as_of, policy) for course in running)
    ):
        # Role 48: its base courses ended and it went on alone long enough to be a trial: a
        # switch made over a long cross-taper, its weeks counted from the base's end only.
        bases = [(t, course) for t, course in earlier if any(course is c for c in running)]
        alone = alone_from(ingredient, cluster, bases, lookup, as_of, policy)
        if alone is None:
            return _AUGMENTATION
        cluster.counted_from = alone
        cluster.counted_after = tuple(sorted({t.ingredient for t, _ in bases}))
    return _ANTIDEPRESSANT


def _base_on(base: str, added: str, lookup: DrugLookup) -> bool:
    """Whether `base`, started on the same day as `added`, is the course `added` augments: `base`
    has no adjunct row (an antidepressant only), or `added` is an antipsychotic and `base` is not
    (an antipsychotic beside an antidepressant is the augmentation: CANMAT 2023 Table 7.2)."""
    if lookup(base, _AUGMENTATION) is None:
        return True
    added_info, base_info = lookup(added, _AUGMENTATION), lookup(base, _AUGMENTATION)
    return (
        added_info is not None
        and base_info is not None
        and "antipsychotic" in added_info.drug_class
        and "antipsychotic" not in base_info.drug_class
    )


def _stopping(course: _Cluster, start: date, as_of: date, policy: MappingPolicy) -> bool:
    """Whether a course running when another drug starts on `start` is being stopped around then
    (review 10 finding 11, a cross-taper): a record of it with a taper sig ("... then stop",
    "taper", "decrease ... discontinue") starts within policy.cross_taper_weeks of `start`, or
    the course ends within that time after `start`: it ended before as-of, or it ends on a
    stated date (a boundsPeriod end, a taper's last step) rather than running on to as-of."""
    window = timedelta(weeks=policy.cross_taper_weeks)
    for span in course.spans:
        # Dosage lines in sequence that do not stop (Taper.stops False, review 12 finding 10: a
        # titration up) are dose steps, not a taper.
        taper = span.event.taper
        if taper is not None and taper.stops and abs(span.start - start) <= window:
            return True
    if course.end - start > window:
        return False
    return course.end < as_of or any(
        s.end == course.end and s.event.end is not None for s in course.spans
    )
