"""Preliminary PHQ-9 totals (filed `preliminary`: not yet reviewed; review 14 U1) as cards name
them, so the measurement card, the trials table and the TMS card say the same thing about one.

A preliminary total judges nothing: no trial outcome, baseline, latest PHQ-9 or TMS severity
rests on it (fhir_mapping/result_statuses.py, `interim`; it lives in
`PatientRecord.unfinished_scores`). But a card that says "no PHQ-9 on treatment" or shows a
severity score beside a newer total the patient filed says less than the record does: these
helpers find the one to name. Only `interim` statuses: a cancelled form's total is no total.
"""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping import result_statuses
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord, Score, Trial, Verdict
from fhir_mapping.result_statuses import Reads

PHQ9 = "PHQ-9"
PRELIMINARY = "preliminary"  # the FHIR status code (data/result_statuses.csv)


def totals(record: PatientRecord) -> list[Score]:
    """The preliminary PHQ-9 totals dated up to as-of, oldest first."""
    found = [
        s
        for s in record.unfinished_scores
        if s.instrument == PHQ9
        and s.value is not None
        and s.date <= record.as_of
        and result_statuses.reads(result_statuses.OBSERVATION, s.status) is Reads.INTERIM
    ]
    return sorted(found, key=lambda s: s.date)


def latest_after(record: PatientRecord, day: date | None) -> Score | None:
    """The latest preliminary PHQ-9 total dated after `day` (any, when None), else None."""
    found = [s for s in totals(record) if day is None or s.date > day]
    return found[-1] if found else None


def newer_than_reviewed(record: PatientRecord) -> Score | None:
    """The latest preliminary PHQ-9 total newer than the latest reviewed one, else None."""
    latest = record.latest_phq9()
    return latest_after(record, latest.date if latest is not None else None)


def on_treatment(trial: Trial, record: PatientRecord, policy: MappingPolicy) -> Score | None:
    """The latest preliminary PHQ-9 total in the trial's on-treatment window (from week
    `on_treatment_from_week` to its last day; fhir_mapping/score_windows.py reads reviewed totals
    from the same week) and newer than its reviewed on-treatment score, for an adequate trial
    whose outcome is not measured (the trials table says "no PHQ-9 on treatment" of no other);
    else None."""
    if trial.verdict is not Verdict.ADEQUATE or not trial.outcome_unmeasured:
        return None
    first = trial.start + timedelta(days=round(policy.on_treatment_from_week * 7))
    reviewed = trial.on_treatment
    found = [
        s
        for s in totals(record)
        if first <= s.date <= trial.end and (reviewed is None or s.date > reviewed.date)
    ]
    return found[-1] if found else None


def is_preliminary(score: Score) -> bool:
    """Filed `preliminary`, worded so; another `interim` status (`unknown`: review s27 RF 1, read
    like preliminary, but nobody said it awaits review) is worded by its status."""
    return score.status in (None, PRELIMINARY)


def _lead_tail(score: Score) -> tuple[str, str]:
    if is_preliminary(score):
        return "preliminary PHQ-9", "not yet reviewed"
    return PHQ9, f"status {score.status}"


def row_text(score: Score) -> str:
    """ "preliminary PHQ-9 2025-05-26: 18 (not yet reviewed)": a trials-table row's words;
    "PHQ-9 2025-05-26: 18 (status unknown)" for a status-unknown one."""
    lead, tail = _lead_tail(score)
    return f"{lead} {score.date.isoformat()}: {score.value} ({tail})"


def severity_text(score: Score) -> str:
    """ "a preliminary PHQ-9 of 2025-05-30 (21) is not yet reviewed": the TMS card's line."""
    if not is_preliminary(score):
        return f"the PHQ-9 of {score.date.isoformat()} ({score.value}) is not final (status {score.status})"
    return f"a preliminary PHQ-9 of {score.date.isoformat()} ({score.value}) is not yet reviewed"


def short_text(score: Score) -> str:
    """ "preliminary PHQ-9 24 on 2025-05-31 not yet reviewed": the measurement card's short
    summary words (before ": review or repeat it")."""
    lead, tail = _lead_tail(score)
    when = f"{score.value} on {score.date.isoformat()}"
    return f"{lead} {when} {tail}" if is_preliminary(score) else f"{lead} {when} ({tail})"


def newer_text(score: Score) -> str:
    """ "preliminary PHQ-9 24 on 2025-05-31 (not yet reviewed)": the shared scores section's
    words for one newer than the latest reviewed total (review 14 audit W3: the failure card
    rested on an older reviewed 17 and named no newer preliminary 24)."""
    lead, tail = _lead_tail(score)
    return f"{lead} {score.value} on {score.date.isoformat()} ({tail})"
