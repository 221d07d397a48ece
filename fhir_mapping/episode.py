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
   c. a stated end (review 11 finding 4): a depression Condition coded resolved, remission or
      inactive with an abatement date, followed at least `episode_recovery_months` later (the
      ATHF's 2 months of euthymia) by a new depression Condition's onset or a PHQ-9 at
      `relapse_phq9_at_least` (the break is the abatement). Not when an active depression
      Condition began on or before the abatement: the record then says the illness ran
      through it (a problem-list recode, F32.9 resolved when F33.1 was added), and the trials
      stay. Nor when
      the scores deny the recovery it states (recheck 11 finding 1: F32.9 resolved two days
      after a PHQ-9 of 21, F33.2 added three months later, is a recode too): a stated end needs
      a PHQ-9 below `remission_below` from the abatement to the next sign, or the latest PHQ-9
      of the `episode_recovery_months` before it below that cut-off, or none of them at
      `relapse_phq9_at_least` (no score there at all: the clinician's word stands). After a
      stated end, the episode starts at the earliest of rule 2's date and the new onset.
      The reading of the onset, the abatement and an end written as text: episode_stated_ends.py.
   d. no break leaves a running antidepressant course out of the episode unless it brought
      remission before the episode start (recheck 11 finding 1): such a course is the relapse
      card's (services/rules/relapse.py reads the same remission), while one that never brought
      remission is a trial of this episode; left out, it would be counted nowhere and the chart
      would go silent. The latest break that would leave one out is dropped, and the next
      earlier break is tried.
2. With a break, the episode starts at the first antidepressant trial started after the latest
   break; with no trial since, at the first PHQ-9 >= `remission_below` after it (relapse), else at
   the break itself (no trial counts).
3. Without a break: the earliest of the first antidepressant trial and the earliest onset of a
   depression diagnosis (a partial onset, "2024", at the last day it allows: Finding.onset_latest,
   review 10 recheck R7); None when there is neither.

Trials judged NOT_A_TRIAL (low-dose trazodone for sleep) and augmentation agents do not make or
close a gap: they are not antidepressant treatment of the episode.

A past course of unknown dates (a med-rec entry "completed", dated only by the day it was
entered: Trial.taken_before) takes no part in placing the start or in the gaps: it states no day
of treatment. It belongs to the episode when that day falls in it (`in_current_episode`): the
course may have been this episode's, and its adequacy is the clinician's to confirm.

A course whose start is a partial date ("2023", "2023-05": Trial.written_dates, review 10
finding 5) does not place the episode start: its day is not on record, and its first day would
make the episode older (Maudsley "chronic") on a guess. Rules 2 and 3 take the start from
courses and diagnoses that state their day, and from such a course (at its start's latest day,
the Trial's start) only when nothing else dates the episode. Such a course still belongs to the
episode when it may have run in it (`in_current_episode`). For the gaps of rule 1b it covers the
widest reading of its dates (from its start's first day to its end's last day): a gap the
partial dates may not have left is no break.

Rule 1c lives in episode_stated_ends.py, the gaps of rule 1b in episode_gaps.py, the courses of an
episode and their remission (rule 1d) in episode_courses.py, the month arithmetic in months.py;
this module places the start.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from operator import attrgetter
from typing import Any

from fhir_mapping.episode_courses import _partial_start, in_current_episode, remission_on
from fhir_mapping.episode_gaps import covered_spans, gaps_between, treated_courses
from fhir_mapping.episode_stated_ends import (
    UNDATED_END,
    _abatement,
    _onsets,
    _text_end,
    stated_ends,
    undated_ends,
)
from fhir_mapping.months import add_months
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Finding, FindingKind, Score, Trial

# What other modules read from here, wherever it is defined (build.py: `undated_ends`; the
# services: `in_current_episode`, `remission_on`, `add_months`, `UNDATED_END`; the tests pin
# `_abatement` and `_text_end`).
__all__ = [
    "UNDATED_END",
    "_abatement",
    "_text_end",
    "add_months",
    "current_episode_start",
    "in_current_episode",
    "remission_on",
    "stated_ends",
    "undated_ends",
]

# Enum members compared per trial, score or finding, as module constants: on Python 3.11 reading a
# member off its Enum class costs about ten times reading a global (issue 14).
_DEPRESSION = FindingKind.DEPRESSION
# Sort keys built at C speed, not by a lambda per trial or score (issue 14).
_DATE_VALUE = attrgetter("date", "value")


def current_episode_start(
    trials: Iterable[Trial],
    scores: Iterable[Score],
    findings: Iterable[Finding],
    *,
    as_of: date,
    policy: MappingPolicy | None = None,
    conditions: Iterable[Mapping[str, Any]] = (),
) -> date | None:
    """The current episode's start (module docstring). `conditions`: the chart's Condition
    resources, for the stated ends of rule 1c (a resolved depression Condition is no Finding)."""
    policy = policy or MappingPolicy()
    findings = tuple(findings)  # read by rule 1c and again by rules 2 and 3
    months = policy.episode_gap_months
    below = policy.remission_below
    # A past course of unknown dates (Trial.taken_before: rule 2e of episodes.py) states no
    # day of treatment: it neither dates the episode nor covers a gap (module docstring).
    treated = treated_courses(trials)
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

    covered = covered_spans(treated, as_of)
    gaps = gaps_between(covered)
    if covered and covered[-1][1] < as_of:
        gaps.append((covered[-1][1], as_of))
    for gap_start, gap_end in gaps:
        if add_months(gap_start, months) > gap_end:
            continue
        inside = [s for s in phq9 if gap_start <= s.date <= gap_end]
        if inside and (inside[-1].value or 0) < below:
            breaks.append(inside[-1].date)

    ended = stated_ends(conditions, findings, phq9, as_of=as_of, policy=policy)
    breaks.extend(ended)

    # Courses whose start states its day first; one whose start is partial only when none does.
    stated = [t for t in treated if not _partial_start(t)]
    running = [t for t in treated if t.ongoing]
    for point in sorted(set(breaks), reverse=True):
        start = _start_after(
            point, treated, stated, phq9, findings, below, stated_end=point in ended
        )
        # Rule 1d: a running course this start leaves out must have brought remission before it
        # (the relapse card's course), else the break is not read.
        if all(
            in_current_episode(t, start) or remission_on(t, phq9, before=start) for t in running
        ):
            return start

    starts = [t.start for t in stated]
    # A partial onset ("2024") at the last day it allows (review 10 recheck R7): its first day is
    # not on record and would make the episode older (Maudsley "chronic") on a guess.
    starts.extend(
        f.onset_latest for f in findings if f.kind is _DEPRESSION and f.onset_latest is not None
    )
    if not starts:
        starts = [t.start for t in treated]  # only partial starts: the latest day they allow
    return min(starts) if starts else None


def _start_after(
    point: date,
    treated: list[Trial],
    stated: list[Trial],
    phq9: list[Score],
    findings: tuple[Finding, ...],
    below: int,
    *,
    stated_end: bool,
) -> date:
    """Rule 2: the episode start after the break `point`; after a stated end (rule 1c), the
    earliest of rule 2's date and the new onset."""
    later = [t.start for t in stated if t.start > point]
    relapse = [s.date for s in phq9 if s.date > point and (s.value or 0) >= below]
    if not later and not relapse:
        later = [t.start for t in treated if t.start > point]
    # Rule 2's date: the first trial after the break, else the first relapse PHQ-9; None: neither.
    dated = min(later) if later else (min(relapse) if relapse else None)
    if stated_end:
        # Rule 1c: the new Condition's onset dates the episode it states (REFERENCE.md 2.1:
        # Maudsley duration from Condition.onset of the current episode), unless rule 2's date
        # is earlier (a relapse PHQ-9 before the new diagnosis: review 11 wave 4).
        candidates = [latest for first, latest in _onsets(findings) if first > point]
        if dated is not None:
            candidates.append(dated)
        return min(candidates) if candidates else point
    return point if dated is None else dated
