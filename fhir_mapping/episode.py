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
      One reading of a depression Condition's onset (review 11 wave 4): the onset's first day
      (Finding.onset) decides whether the diagnosis may have begun on or before the abatement
      (then it ran through it: a recode, no stated end) and whether the first sign comes
      within `episode_recovery_months`; each the reading that keeps the trials. Only a
      diagnosis whose first day is after the abatement is a new onset, and it dates the episode
      at its last day (Finding.onset_latest, as rule 3 does).
      The abatement is context.py's reader (`abatement_date`, `DROPPED_VERIFICATION`), with one
      difference kept on purpose: context.py reads an abatement date alone (clinicalStatus
      active or absent) as a Condition no longer active, while a stated end here also needs
      clinicalStatus resolved, remission or inactive. An active status with an abatement date
      (non-conformant, FHIR con-4) contradicts itself, and no status states no recovery: a
      break leaves trials out of the episode, so it is read only where the record states it
      twice (module intro: keeping trials is the conservative side). Every stated end read
      here is thus a Condition context.py reads as ended.
      An end written only as text (abatementString, the C-CDA and Oracle shape: "resolved
      2022", "in remission since spring 2023"; recheck 2 finding 6) is read when the text holds
      a date: a full date as abatementDateTime is; a year or a month ("2022", "March 2023",
      "spring 2024": the year) only when both its first and its last day make a stated end
      (the reading that keeps the trials), and the break is then its first day. A text with
      no date, or a year whose readings disagree, is no stated end: `undated_ends` returns a
      DataGap for it (UNDATED_END) so the TMS card names the trials before the next diagnosis
      "to confirm" (services/episode_trials.py) and the cards name the Condition.
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

import re
from calendar import monthrange
from collections.abc import Iterable, Mapping
from datetime import date
from operator import attrgetter
from typing import Any

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.context import DROPPED_VERIFICATION, abatement_date
from fhir_mapping.fhir_fields import codings, date_bounds, source_ref, status_code
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    DataDomain,
    DataGap,
    Finding,
    FindingKind,
    Role,
    Score,
    Trial,
    Verdict,
)

# Enum members compared per trial, score or finding, as module constants: on Python 3.11 reading a
# member off its Enum class costs about ten times reading a global (issue 14).
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_DEPRESSION = FindingKind.DEPRESSION
_DEPRESSION_KINDS = frozenset({FindingKind.DEPRESSION, FindingKind.MDD_IN_REMISSION})
# clinicalStatus codes that say an episode ended (HL7 condition-clinical): a stated end needs one
# beside the abatement date (rule 1c: why this is stricter than context.py's reading).
_ENDED = frozenset({"resolved", "remission", "inactive"})
# Sort keys built at C speed, not by a lambda per trial or score (issue 14).
_START_END = attrgetter("start", "end")
_DATE_VALUE = attrgetter("date", "value")

# The DataGap reason of a depression Condition coded ended whose end date is not stated (rule 1c:
# text with no date, or a year or month too near the next sign to tell). No patient data: reasons
# go to the logs; the card line names the Condition by its id.
UNDATED_END = (
    "resolved depression, its end not dated to the day (written as text): earlier trials kept in "
    "this episode"
)
# Dates in an abatementString: ISO (full, or year-month), a month name and year, a US m/d/yyyy
# (read as its year only: day and month order is not certain) and a bare year.
_ISO = re.compile(r"\b((?:19|20)\d\d-[01]\d(?:-[0-3]\d)?)\b")
_MONTHS = (
    "jan(?:uary)?",
    "feb(?:ruary)?",
    "mar(?:ch)?",
    "apr(?:il)?",
    "may",
    "june?",
    "july?",
    "aug(?:ust)?",
    "sep(?:t(?:ember)?)?",
    "oct(?:ober)?",
    "nov(?:ember)?",
    "dec(?:ember)?",
)
_MONTH_YEAR = re.compile(
    "|".join(rf"\b(?P<m{i}>{m})\.?,?\s+(?P<y{i}>(?:19|20)\d\d)\b" for i, m in enumerate(_MONTHS)),
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")


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
    recovery (`_recovered`). None when an active depression Condition began by the
    abatement: the illness ran through it, so no boundary is read (the trials stay)."""
    abated = [b for b in map(_abatement, conditions) if b is not None and b[0] <= as_of]
    if not abated:
        return []
    scored = sorted([s for s in phq9 if s.value is not None], key=_DATE_VALUE)
    # The first day each onset allows (rule 1c: the reading that keeps the trials).
    onsets = [first for first, _ in _onsets(findings)]
    rises = [s.date for s in scored if (s.value or 0) >= policy.relapse_phq9_at_least]
    # An end written to the year or month only (abatementString "2022") must be one on its first
    # and its last day; the break is then its first day (rule 1c: the trials kept).
    return [
        first
        for first, last in abated
        if _ends_episode(first, onsets, rises, scored, policy)
        and (last == first or _ends_episode(last, onsets, rises, scored, policy))
    ]


def _ends_episode(
    day: date, onsets: list[date], rises: list[date], scored: list[Score], policy: MappingPolicy
) -> bool:
    """Whether an abatement on `day` is a stated end (rule 1c)."""
    if any(onset <= day for onset in onsets):
        # An active diagnosis that may have begun by the abatement, the same day included
        # (F33.1 added the day F32.9 was resolved): the illness ran through it, a recode.
        return False
    # The first sign of depression after the abatement ends the euthymia it states.
    following = [d for d in onsets + rises if d > day]
    if not following:
        return False
    sign = min(following)
    return sign >= add_months(day, policy.episode_recovery_months) and _recovered(
        day, sign, scored, policy
    )


def undated_ends(
    conditions: Iterable[Mapping[str, Any]],
    findings: Iterable[Finding],
    scores: Iterable[Score],
    *,
    as_of: date,
    policy: MappingPolicy | None = None,
) -> list[DataGap]:
    """Rule 1c's ends not read (recheck 2 finding 6): a depression Condition coded ended whose
    end is written only as text with no date, or to a year or month whose readings disagree,
    while an active depression diagnosis began after it may have. The record suggests an
    episode boundary it does not date: a DataGap (UNDATED_END) for each, so the cards name it
    and the TMS card names the trials before that diagnosis "to confirm"."""
    policy = policy or MappingPolicy()
    candidates = [
        (resource, _text_end(resource))
        for resource in conditions
        if isinstance(resource.get("abatementString"), str) and _ended_depression(resource)
    ]
    if not candidates:
        return []
    findings = tuple(findings)
    onsets = [first for first, _ in _onsets(findings)]
    phq9 = sorted(
        [s for s in scores if s.instrument == "PHQ-9" and s.value is not None], key=_DATE_VALUE
    )
    stated = set(
        stated_ends([r for r, _ in candidates], findings, phq9, as_of=as_of, policy=policy)
    )
    gaps = []
    for resource, bounds in candidates:
        if bounds is not None and (bounds[0] > as_of or bounds[0] in stated):
            continue  # a date to come, or read as a stated end
        since = bounds[0] if bounds is not None else None
        if any(since is None or onset > since for onset in onsets):
            gaps.append(DataGap(DataDomain.CONDITIONS, UNDATED_END, source_ref(resource)))
    return gaps


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


def _onsets(findings: Iterable[Finding]) -> list[tuple[date, date]]:
    """(first day, last day) of each active depression diagnosis's onset: one reading for rule
    1c's stated ends and the episode start after them (a full date: the same day twice)."""
    return [
        (f.onset, f.onset_latest or f.onset)
        for f in findings
        if f.kind is _DEPRESSION and f.onset is not None
    ]


def _abatement(resource: Mapping[str, Any]) -> tuple[date, date] | None:
    """(first day, last day) of the abatement of a depression Condition coded resolved,
    remission or inactive (when its episode ended), else None: context.py's reader, else the
    date an abatementString holds (rule 1c; a full date is the same day twice)."""
    if not _ended_depression(resource):
        return None
    day = abatement_date(resource)[1]
    if day is not None:
        return day, day
    return _text_end(resource)


def _ended_depression(resource: Mapping[str, Any]) -> bool:
    """A depression Condition coded resolved, remission or inactive and not voided."""
    if status_code(resource.get("verificationStatus")) in DROPPED_VERIFICATION:
        return False
    if status_code(resource.get("clinicalStatus")) not in _ENDED:
        return False
    return any(
        row.kind in _DEPRESSION_KINDS
        for system, code, _ in codings(resource.get("code"))
        for row in condition_matches(system, code)
    )


def _text_end(resource: Mapping[str, Any]) -> tuple[date, date] | None:
    """(first day, last day) of the dates an abatementString holds ("Resolved 2022-03-14",
    "in remission since March 2023", "resolved spring 2024": the year), None when it holds none
    (rule 1c). Several dates: from the first day of the earliest to the last day of the latest."""
    text = resource.get("abatementString")
    if not isinstance(text, str):
        return None
    found: list[tuple[date, date]] = []
    for match in _ISO.finditer(text):
        bounds = date_bounds(match.group(1))
        if bounds is not None:
            found.append(bounds[:2])
    text = _ISO.sub(" ", text)
    for match in _MONTH_YEAR.finditer(text):
        index = next(i for i, m in enumerate(_MONTHS) if match.group(f"m{i}") is not None)
        bounds = date_bounds(f"{match.group(f'y{index}')}-{index + 1:02d}")
        if bounds is not None:
            found.append(bounds[:2])
    text = _MONTH_YEAR.sub(" ", text)
    found.extend((date(int(y), 1, 1), date(int(y), 12, 31)) for y in _YEAR.findall(text))
    if not found:
        return None
    return min(f for f, _ in found), max(last for _, last in found)


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
