"""Rule 1c of the episode start (fhir_mapping/episode.py): a stated end. A depression Condition
coded resolved, remission or inactive with an abatement date, followed at least
`episode_recovery_months` later by a new depression Condition's onset or a PHQ-9 at
`relapse_phq9_at_least`, breaks the episode at the abatement, unless an active depression
Condition began by then or the scores deny the recovery it states (review 11 finding 4, recheck
11 finding 1).

One reading of a depression Condition's onset (review 11 wave 4): the onset's first day
(Finding.onset) decides whether the diagnosis may have begun on or before the abatement
(then it ran through it: a recode, no stated end) and whether the first sign comes
within `episode_recovery_months`; each the reading that keeps the trials. Only a
diagnosis whose first day is after the abatement is a new onset, and it dates the episode
at its last day (Finding.onset_latest, as rule 3 does).

The abatement is conditions.py's reader (`abatement_date`, `DROPPED_VERIFICATION`), with one
difference kept on purpose: conditions.py reads an abatement date alone (clinicalStatus
active or absent) as a Condition no longer active, while a stated end here also needs
clinicalStatus resolved, remission or inactive. An active status with an abatement date
(non-conformant, FHIR con-4) contradicts itself, and no status states no recovery: a
break leaves trials out of the episode, so it is read only where the record states it
twice (episode.py's intro: keeping trials is the conservative side). Every stated end read
here is thus a Condition conditions.py reads as ended.

An end written only as text (abatementString, the C-CDA and Oracle shape: "resolved
2022", "in remission since spring 2023"; recheck 2 finding 6) is read when the text holds
a date: a full date as abatementDateTime is; a year or a month ("2022", "March 2023",
"spring 2024": the year) only when both its first and its last day make a stated end
(the reading that keeps the trials), and the break is then its first day. A text with
no date, or a year whose readings disagree, is no stated end: `undated_ends` returns a
DataGap for it (UNDATED_END) so the TMS card names the trials before the next diagnosis
"to confirm" (services/episode_trials.py) and the cards name the Condition.

Apart from episode.py (which places the episode start from the breaks) because reading when a
Condition says an episode ended, from codes, statuses and free text, is its own work;
episode.py re-exports `stated_ends`, `undated_ends`, `UNDATED_END` and the readers the tests pin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from operator import attrgetter
from typing import Any

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.conditions import DROPPED_VERIFICATION, abatement_date
from fhir_mapping.fhir_fields import codings, date_bounds, source_ref, status_code
from fhir_mapping.months import add_months
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import DataDomain, DataGap, Finding, FindingKind, Score

# Enum members compared per finding, as module constants (issue 14, as in episode.py).
_DEPRESSION = FindingKind.DEPRESSION
_DEPRESSION_KINDS = frozenset({FindingKind.DEPRESSION, FindingKind.MDD_IN_REMISSION})
# clinicalStatus codes that say an episode ended (HL7 condition-clinical): a stated end needs one
# beside the abatement date (rule 1c: why this is stricter than conditions.py's reading).
_ENDED = frozenset({"resolved", "remission", "inactive"})
# Sort key built at C speed, not by a lambda per score (issue 14).
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
