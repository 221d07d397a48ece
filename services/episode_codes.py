"""Which major-depression code speaks for the current episode when a problem list holds more than
one, still open (recheck 2 of review 16, W3).

A problem list keeps an old episode's code when nobody closes it: F33.2 (severe) added in 2019
and never resolved, beside F33.1 (moderate) added in 2024-10 for the episode now treated. Counted
as it stands, the 2019 code met a payer's "severe" diagnosis criterion and made the Maudsley
duration "chronic" from 2019, for a moderate episode of seven months. With the 2019 code
resolved the service already read it right.

- The current episode's code is the MDD code (services.mdd_diagnosis.qualifies_as_mdd) with the
  latest onset (the most severe on a tie), as the staging's severity
  (staging_severity._coded_severity) and the referral's cited diagnosis
  (mdd_diagnosis.depression_finding) already choose it.
- An earlier episode's code is another open MDD code whose onset comes at least
  MappingPolicy.episode_gap_months before the current code's: a recoding within one episode
  (F32.9 in January, F33.1 in March) is too close to say it is another episode, and such a
  code is left as it is. The gap is the policy's episode break (fhir_mapping/episode.py rule 1),
  the same months the service needs to separate episodes by PHQ-9 remission.
- Such a code is named ("an earlier episode's code (2019), not this episode's") and not counted:
  the payer diagnosis criterion judges the current code, and it does not date the episode for
  the Maudsley duration. Non-MDD depressive codes (F34.1 dysthymia) are not read here: dysthymia
  since 2010 beside a major episode now is double depression, and its onset stays the anchor.
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.months import add_months
from fhir_mapping.record import Finding, FindingKind, PatientRecord
from services.diagnosis_onset import first_day
from services.last_answer import kept
from services.pathway import qualifies_as_mdd

_SEVERITY_RANK = {"severe": 2, "moderate": 1}


def _mdd_codes(record: PatientRecord) -> list[Finding]:
    context = record.context
    coded = context.of(FindingKind.TRD) + context.of(FindingKind.DEPRESSION)
    return [f for f in coded if qualifies_as_mdd(f)]


def current_code(findings: list[Finding]) -> Finding | None:
    """The latest-onset finding of `findings` (the most severe on a tie), None when empty."""
    if not findings:
        return None
    return max(
        findings, key=lambda f: (f.onset or date.min, _SEVERITY_RANK.get(f.severity or "", 0))
    )


@kept  # several cards of one evaluation ask: services/last_answer.py
def earlier_episode_codes(record: PatientRecord, gap_months: int) -> tuple[Finding, ...]:
    """The open MDD codes whose onset is at least `gap_months` before the current episode's code
    (module docstring), oldest first; () when there is one code or none is that old."""
    coded = _mdd_codes(record)
    current = current_code(coded)
    if current is None or current.onset is None:
        return ()
    # The current code dated by its first record, not its latest visit's (review s25 RK4
    # finding 14: F33.2 coded at visits from 2025-02-03 was dated by its 2026-01-05 entry, and
    # the problem list's F32.2 of 2025-01-06, the episode's own start, read "an earlier
    # episode's code" beside "Current episode from 6 Jan 2025").
    first = first_day(record, current) or current.onset_latest or current.onset
    cutoff = add_months(first, -gap_months)
    # A code dated after the episode's start is this episode's, by the packet's own dating
    # (fhir_mapping/episode.py); one dated on it may be the older code that placed it (rule 3).
    start = record.episode_start
    older = [
        f
        for f in coded
        if f.onset_latest is not None
        and f.onset_latest <= cutoff
        and (start is None or f.onset_latest <= start)
        and f.code != current.code
    ]
    return tuple(sorted(older, key=lambda f: f.onset_latest or date.min))


def earlier_text(finding: Finding) -> str:
    """ "F33.2 since 2019-02-01 is an earlier episode's code (2019), not this episode's" ("F33.2
    recorded 2019-02-01 ..." for an entry dated only by its recordedDate)."""
    year = (finding.onset_latest or finding.onset or date.min).year
    code = finding.code or finding.display
    return (
        f"{code} {finding.onset_phrase} is an earlier episode's code ({year}), not this episode's"
    )
