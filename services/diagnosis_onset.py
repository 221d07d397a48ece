"""How the cited depression diagnosis is dated (s25 RT finding 5).

A depression code entered at a visit (US Core `encounter-diagnosis`, Epic's visit diagnosis)
usually carries no onset, only the day it was entered (recordedDate); the mapping reads that day
as the finding's date and marks it (Finding.onset_recorded). The referral cites the latest code
(mdd_diagnosis.depression_finding), so a follow-up visit's F33.2 recorded 2026-01-05 was said as
depression "since 5 Jan 2026" beside the problem-list F33.2 with onset 2025-01-06: a reviewer
read an illness that began after both drug trials and the TMS course.

The rule, for the packet's summary and table and the payer diagnosis evidence alike: a recorded
day is said "recorded", and the earliest onset on record of the same code is cited beside it
(the problem-list entry), so the date a reviewer reads as the illness's start is an onset the
chart states. A code with an onset of its own keeps it ("since"): a later onset of a recurrent
code may be a new episode, which only the clinician dates.

Review s25 RK4 findings 13 and 14, the same rule from the other side: the code's earliest day on
record counts, whatever kind of day it is.
- 13: an entry recorded before the onset it states (recorded 2025-01-06, onset given 2026-01-20)
  is said "recorded 6 Jan 2025 (onset given 20 Jan 2026)": "since 20 Jan 2026" stood beside
  "Current episode from 6 Jan 2025" and visit codes from 2025.
- 14: a code dated only by recordedDates with no onset anywhere is said with its first record
  ("recorded 5 Jan 2026; F33.2 recorded since 3 Feb 2025 (no onset on record)"), not its
  latest visit's alone; services/episode_codes.py dates the current episode's code the same way
  (`first_day`), so a code of this episode is not called an earlier episode's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fhir_mapping.record import Finding, FindingKind, PatientRecord

_KINDS = (FindingKind.TRD, FindingKind.DEPRESSION, FindingKind.MDD_IN_REMISSION)


def _same_code(record: PatientRecord, finding: Finding) -> list[Finding]:
    """The depression entries of `finding`'s code (its system too), `finding` among them."""
    return [
        f
        for kind in _KINDS
        for f in record.context.of(kind)
        if f.code == finding.code and f.system == finding.system
    ]


def _day(finding: Finding) -> date | None:
    """An entry's earliest day on record: its recordedDate when before its onset, else its
    onset (or the recordedDate standing in for one); a partial onset at its last day."""
    return finding.recorded_before or finding.onset_latest


def first_day(record: PatientRecord, finding: Finding) -> date | None:
    """The earliest day `finding`'s code is on record, over every entry of it (review s25 RK4
    finding 14)."""
    days = [d for f in _same_code(record, finding) if (d := _day(f)) is not None]
    return min(days, default=None)


def first_onset(record: PatientRecord, finding: Finding) -> Finding | None:
    """The entry of `finding`'s code with the earliest onset the chart states, when `finding` is
    dated only by its recordedDate and that onset is earlier; None otherwise."""
    if not finding.onset_recorded or finding.onset is None:
        return None
    same = [
        f
        for f in _same_code(record, finding)
        if not f.onset_recorded and f.onset is not None and f.onset < finding.onset
    ]
    return min(same, key=lambda f: f.onset or date.min, default=None)


def first_recorded(record: PatientRecord, finding: Finding) -> date | None:
    """The first recordedDate of `finding`'s code when `finding` is dated only by a later one and
    no entry of the code states an earlier onset (`first_onset`); None otherwise."""
    if not finding.onset_recorded or finding.onset is None or first_onset(record, finding):
        return None
    days = [
        f.onset
        for f in _same_code(record, finding)
        if f.onset_recorded and f.onset is not None and f.onset < finding.onset
    ]
    return min(days, default=None)


def code_of(finding: Finding) -> str:
    return finding.code or finding.display


def dating_text(record: PatientRecord, finding: Finding, day: Callable[[date], str]) -> str:
    """The cited diagnosis's date as a reviewer reads it, each day written by `day`:
    "since 6 Jan 2025"; "recorded 6 Jan 2025 (onset given 20 Jan 2026)"; "recorded 5 Jan 2026;
    F33.2 on record since 6 Jan 2025 (its onset)"; "recorded 5 Jan 2026; F33.2 recorded since 3
    Feb 2025 (no onset on record)"; "recorded 5 Jan 2026 (no onset on record)"; "date not
    recorded"."""
    if finding.onset is None:
        return "date not recorded"
    when = finding.onset_text if finding.onset_written else day(finding.onset)
    if not finding.onset_recorded:
        if finding.recorded_before is not None:
            return f"recorded {day(finding.recorded_before)} (onset given {when})"
        return f"since {when}"
    first = first_onset(record, finding)
    if first is None or first.onset is None:
        earlier = first_recorded(record, finding)
        if earlier is not None:
            return (
                f"recorded {when}; {code_of(finding)} recorded since {day(earlier)} (no onset on "
                "record)"
            )
        return f"recorded {when} (no onset on record)"
    since = first.onset_text if first.onset_written else day(first.onset)
    return f"recorded {when}; {code_of(first)} on record since {since} (its onset)"


def dated_suffix(record: PatientRecord, finding: Finding) -> str:
    """What the payer's diagnosis evidence adds after the finding's own "(F33.2, recorded
    2026-01-05)" (tms_assessment.finding_line), by the rule of `dating_text`: "; F33.2 on record
    since 2025-01-06 (its onset)", "; F33.2 recorded since 2025-02-03 (no onset on record)",
    "; recorded 2025-01-06, before the onset given"; "" when the finding's own date says it."""
    if finding.recorded_before is not None and not finding.onset_recorded:
        return f"; recorded {finding.recorded_before.isoformat()}, before the onset given"
    first = first_onset(record, finding)
    if first is not None:
        return f"; {first.code} on record since {first.onset_text} (its onset)"
    earlier = first_recorded(record, finding)
    if earlier is not None:
        return f"; {code_of(finding)} recorded since {earlier.isoformat()} (no onset on record)"
    return ""
