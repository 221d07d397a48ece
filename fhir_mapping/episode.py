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
      Condition began before the abatement: the record then says the illness ran through it (a
      problem-list recode, F32.9 resolved when F33.1 was added), and the trials stay. Nor when
      the scores deny the recovery it states (recheck 11 finding 1: F32.9 resolved two days
      after a PHQ-9 of 21, F33.2 added three months later, is a recode too): a stated end needs
      a PHQ-9 below `remission_below` from the abatement to the next sign, or the latest PHQ-9
      of the `episode_recovery_months` before it below that cut-off, or none of them at
      `relapse_phq9_at_least` (no score there at all: the clinician's word stands). After a
      stated end, the episode starts at the earliest of rule 2's date and the new onset.
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

A course whose start is a partial date ("2023", "2023-05": Trial.written_dates, review 10
finding 5) does not place the episode start: its day is not on record, and its first day would
make the episode older (Maudsley "chronic") on a guess. Rules 2 and 3 take the start from
courses and diagnoses that state their day, and from such a course (at its start's latest day,
the Trial's start) only when nothing else dates the episode. Such a course still belongs to the
episode when it may have run in it (`in_current_episode`). For the gaps of rule 1b it covers the
widest reading of its dates (from its start's first day to its end's last day): a gap the
partial dates may not have left is no break.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable, Mapping
from datetime import date
from operator import attrgetter
from typing import Any

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.fhir_fields import JSON_OBJECT, codings, parse_date, status_code
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Finding, FindingKind, Role, Score, Trial, Verdict

# Enum members compared per trial, score or finding, as module constants: on Python 3.11 reading a
# member off its Enum class costs about ten times reading a global (issue 14).
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_DEPRESSION = FindingKind.DEPRESSION
_DEPRESSION_KINDS = frozenset({FindingKind.DEPRESSION, FindingKind.MDD_IN_REMISSION})
# clinicalStatus codes that say an episode ended (HL7 condition-clinical); verificationStatus
# codes that void the Condition (context.py drops them too).
_ENDED = frozenset({"resolved", "remission", "inactive"})
_VOID = frozenset({"refuted", "entered-in-error"})
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
    conditions: Iterable[Mapping[str, Any]] = (),
) -> date | None:
    """The current episode's start (module docstring). `conditions`: the chart's Condition
    resources, for the stated ends of rule 1c (a resolved depression Condition is no Finding)."""
    policy = policy or MappingPolicy()
    findings = tuple(findings)  # read by rule 1c and again by rules 2 and 3
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
    for first, last in sorted([_widest(t, as_of) for t in treated]):
        if covered and first <= covered[-1][1]:
            covered[-1] = (covered[-1][0], max(covered[-1][1], last))
        else:
            covered.append((first, last))
    gaps = [(a[1], b[0]) for a, b in zip(covered, covered[1:], strict=False)]
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
    """Rule 2: the episode start after the break `point`."""
    later = [t.start for t in stated if t.start > point]
    relapse = [s.date for s in phq9 if s.date > point and (s.value or 0) >= below]
    if not later and not relapse:
        later = [t.start for t in treated if t.start > point]
    if stated_end:
        # Rule 1c: the new Condition's onset dates the episode it states (REFERENCE.md 2.1:
        # Maudsley duration from Condition.onset of the current episode).
        later.extend(
            f.onset_latest
            for f in findings
            if f.kind is _DEPRESSION and f.onset_latest is not None and f.onset_latest > point
        )
    if later:
        return min(later)
    return min(relapse) if relapse else point


def stated_ends(
    conditions: Iterable[Mapping[str, Any]],
    findings: Iterable[Finding],
    phq9: Iterable[Score],
    *,
    as_of: date,
    policy: MappingPolicy,
) -> list[date]:
    """Rule 1c: the abatement dates of resolved depression Conditions that the record follows
    with a new episode: the first depression onset or PHQ-9 at the relapse cut-off after it
    comes at least `episode_recovery_months` later, and the scores around it do not deny the
    recovery (`_recovered`). None when an active depression Condition began before the
    abatement: the illness ran through it, so no boundary is read (the trials stay)."""
    abated = [day for day in map(_abatement, conditions) if day is not None and day <= as_of]
    if not abated:
        return []
    scored = sorted([s for s in phq9 if s.value is not None], key=_DATE_VALUE)
    onsets = [f.onset for f in findings if f.kind is _DEPRESSION and f.onset is not None]
    rises = [s.date for s in scored if (s.value or 0) >= policy.relapse_phq9_at_least]
    ends = []
    for day in abated:
        if any(onset < day for onset in onsets):
            continue  # an active diagnosis older than the abatement: no stated end
        # The first sign of depression after the abatement ends the euthymia it states.
        following = [d for d in onsets + rises if d > day]
        if not following:
            continue
        sign = min(following)
        if sign >= add_months(day, policy.episode_recovery_months) and _recovered(
            day, sign, scored, policy
        ):
            ends.append(day)
    return ends


def _recovered(day: date, sign: date, phq9: list[Score], policy: MappingPolicy) -> bool:
    """Whether the PHQ-9s allow the recovery an abatement on `day` states (recheck 11 finding 1;
    `phq9` oldest first, every one with a value): one below the remission cut-off from the
    abatement up to the next sign of depression; else, of those in the
    `episode_recovery_months` before it (the ATHF's 2 months of euthymia), the latest below the
    remission cut-off or none at the relapse cut-off. A PHQ-9 of 21 two days before "resolved"
    is a recode, not a recovery. With no score in that time the clinician's abatement stands:
    the record holds nothing against it (the running courses are kept by rule 1d)."""
    below = policy.remission_below
    if any(day <= s.date < sign and (s.value or 0) < below for s in phq9):
        return True
    since = add_months(day, -policy.episode_recovery_months)
    window = [s for s in phq9 if since <= s.date <= day]
    if not window or (window[-1].value or 0) < below:
        return True
    return all((s.value or 0) < policy.relapse_phq9_at_least for s in window)


def _abatement(resource: Mapping[str, Any]) -> date | None:
    """The abatement date of a depression Condition coded resolved, remission or inactive (the
    day its episode ended), else None."""
    if status_code(resource.get("verificationStatus")) in _VOID:
        return None
    if status_code(resource.get("clinicalStatus")) not in _ENDED:
        return None
    day = parse_date(resource.get("abatementDateTime"))
    period = resource.get("abatementPeriod")
    if day is None and isinstance(period, JSON_OBJECT):
        day = parse_date(period.get("end")) or parse_date(period.get("start"))
    if day is None:
        return None
    for system, code, _ in codings(resource.get("code")):
        if any(row.kind in _DEPRESSION_KINDS for row in condition_matches(system, code)):
            return day
    return None


def _partial_start(trial: Trial) -> bool:
    written = trial.written_dates
    return written is not None and written.start is not None


def _widest(trial: Trial, as_of: date) -> tuple[date, date]:
    """The time a course may have run: its dates, or the widest reading of partial ones."""
    written = trial.written_dates
    if written is None:
        return trial.start, trial.end
    last = trial.end if trial.ongoing or written.latest_end is None else written.latest_end
    return min(written.earliest_start, trial.start), max(min(last, as_of), trial.end)


def in_current_episode(trial: Trial, episode_start: date | None) -> bool:
    """Whether a course belongs to the episode starting `episode_start` (None: unknown, every
    course does): it started on or after that day, or its start is a partial date and it may
    have run on or after that day (still running, or its end's last day is no earlier). Such a
    course cannot place the episode start (module docstring) and is not left out of the episode
    on a guess either: its adequacy rests on the shortest reading of its dates."""
    if episode_start is None or trial.start >= episode_start:
        return True
    if not _partial_start(trial):
        return False
    written = trial.written_dates
    assert written is not None  # _partial_start
    return trial.ongoing or (written.latest_end or trial.end) >= episode_start


def remission_on(trial: Trial, scores: Iterable[Score], *, before: date) -> tuple[Score, ...]:
    """The latest run of PHQ-9 totals below the trial's remission cut-off taken while it ran and
    before `before`, oldest first (review 11 finding 3: a course that brought remission and is
    still running when the PHQ-9 rises again); () when none was. A score at or above the cut-off
    ends a run: the run returned is the remission the course held last."""
    below = trial.remission_below
    taken = sorted(
        [
            s
            for s in scores
            if s.instrument == "PHQ-9"
            and s.value is not None
            and trial.start <= s.date < before
            and s.date <= trial.end
        ],
        key=_DATE_VALUE,
    )
    runs: list[list[Score]] = []
    current: list[Score] = []
    for score in taken:
        if score.value is not None and score.value < below:
            current.append(score)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return tuple(runs[-1]) if runs else ()
