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
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fhir_mapping.record import Finding, FindingKind, PatientRecord

_KINDS = (FindingKind.TRD, FindingKind.DEPRESSION, FindingKind.MDD_IN_REMISSION)


def first_onset(record: PatientRecord, finding: Finding) -> Finding | None:
    """The entry of `finding`'s code with the earliest onset the chart states, when `finding` is
    dated only by its recordedDate and that onset is earlier; None otherwise."""
    if not finding.onset_recorded or finding.onset is None:
        return None
    same = [
        f
        for kind in _KINDS
        for f in record.context.of(kind)
        if f.code == finding.code
        and f.system == finding.system
        and not f.onset_recorded
        and f.onset is not None
        and f.onset < finding.onset
    ]
    return min(same, key=lambda f: f.onset or date.min, default=None)


def dating_text(record: PatientRecord, finding: Finding, day: Callable[[date], str]) -> str:
    """The cited diagnosis's date as a reviewer reads it, each day written by `day`:
    "since 6 Jan 2025"; "recorded 5 Jan 2026; F33.2 on record since 6 Jan 2025 (onset)";
    "recorded 5 Jan 2026 (no onset on record)"; "date not recorded"."""
    if finding.onset is None:
        return "date not recorded"
    when = finding.onset_text if finding.onset_written else day(finding.onset)
    if not finding.onset_recorded:
        return f"since {when}"
    first = first_onset(record, finding)
    if first is None or first.onset is None:
        return f"recorded {when} (no onset on record)"
    since = first.onset_text if first.onset_written else day(first.onset)
    return f"recorded {when}; {first.code or first.display} on record since {since} (its onset)"
