"""The start of the current depressive episode, so the rules count only its trials.

Kept deliberately simple (the ATHF separates episodes by 2 months of euthymia; the policy default
of 6 months keeps more trials in the episode, the conservative side for "has this patient failed
enough trials?" questions that lead to TMS):

1. A break between episodes is either
   a. sustained remission: consecutive PHQ-9 totals all below `remission_below` spanning at least
      `episode_gap_months` (the break is the last of those scores), or
   b. a treatment-free gap of at least `episode_gap_months` between antidepressant trials (or
      from the last trial to as-of) whose latest PHQ-9 inside the gap is below `remission_below`
      (the break is that score). A gap without any PHQ-9 is no break: nothing shows remission.
2. With a break, the episode starts at the first antidepressant trial started after the latest
   break; with no trial since, at the first PHQ-9 >= `remission_below` after it (relapse), else at
   the break itself (no trial counts).
3. Without a break: the earliest of the first antidepressant trial and the earliest onset of a
   depression diagnosis; None when there is neither.

Trials judged NOT_A_TRIAL (low-dose trazodone for sleep) and augmentation agents do not make or
close a gap: they are not antidepressant treatment of the episode.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from datetime import date
from operator import attrgetter

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Finding, FindingKind, Role, Score, Trial, Verdict

# Enum members compared per trial, score or finding, as module constants: on Python 3.11 reading a
# member off its Enum class costs about ten times reading a global (issue 14).
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_DEPRESSION = FindingKind.DEPRESSION
# Sort keys built at C speed, not by a lambda per trial or score (issue 14).
_START_END = attrgetter("start", "end")
_DATE_VALUE = attrgetter("date", "value")


def add_months(day: date, months: int) -> date:
    """The same day `months` later (clamped to the month's last day: Aug 31 + 6 = Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def current_episode_start(
    trials: Iterable[Trial],
    scores: Iterable[Score],
    findings: Iterable[Finding],
    *,
    as_of: date,
    policy: MappingPolicy | None = None,
) -> date | None:
    policy = policy or MappingPolicy()
    months = policy.episode_gap_months
    below = policy.remission_below
    treated = sorted(
        [t for t in trials if t.role is _ANTIDEPRESSANT and t.verdict is not _NOT_A_TRIAL],
        key=_START_END,
    )
    # By (date, value): every score here has a value.
    phq9 = sorted(
        [s for s in scores if s.instrument == "PHQ-9" and s.value is not None], key=_DATE_VALUE
    )
    breaks: list[date] = []

    run_start: date | None = None
    for score in phq9:
        if score.value is not None and score.value < below:
            run_start = run_start or score.date
            if add_months(run_start, months) <= score.date:
                breaks.append(score.date)
        else:
            run_start = None

    covered: list[tuple[date, date]] = []
    for trial in treated:
        if covered and trial.start <= covered[-1][1]:
            covered[-1] = (covered[-1][0], max(covered[-1][1], trial.end))
        else:
            covered.append((trial.start, trial.end))
    gaps = [(a[1], b[0]) for a, b in zip(covered, covered[1:], strict=False)]
    if covered and covered[-1][1] < as_of:
        gaps.append((covered[-1][1], as_of))
    for gap_start, gap_end in gaps:
        if add_months(gap_start, months) > gap_end:
            continue
        inside = [s for s in phq9 if gap_start <= s.date <= gap_end]
        if inside and (inside[-1].value or 0) < below:
            breaks.append(inside[-1].date)

    if breaks:
        point = max(breaks)
        later = [t.start for t in treated if t.start > point]
        if later:
            return min(later)
        relapse = [s.date for s in phq9 if s.date > point and (s.value or 0) >= below]
        return min(relapse) if relapse else point

    starts = [t.start for t in treated]
    starts.extend(f.onset for f in findings if f.kind is _DEPRESSION and f.onset is not None)
    return min(starts) if starts else None
