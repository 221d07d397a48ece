"""Psychotherapy Procedures recorded as not done, as the cards name them (session 42 care65,
review K65b).

fhir_mapping/procedure_not_done.py keeps them (a CPT 90837 with status `not-done`): no session,
but a record of one intended. The psychotherapy card and the TMS card's payer criterion said "no
psychotherapy procedure, visit or referral on record" beside them, less than the record shows;
they name them instead ("psychotherapy CPT 90837 on 2026-10-10 recorded as not done") and ask
why before referring again. Never counted as a session or a referral.
"""

from __future__ import annotations

from fhir_mapping.procedure_not_done import NOT_DONE
from fhir_mapping.record import PatientRecord, Referral


def not_done_psychotherapy(record: PatientRecord) -> tuple[Referral, ...]:
    """The psychotherapy Procedures recorded `not-done`, oldest first (undated last)."""
    found = [r for r in record.referrals if r.kind == NOT_DONE]
    return tuple(sorted(found, key=lambda r: (r.authored is None, r.authored or 0)))


def _one(r: Referral) -> str:
    what = f"psychotherapy {r.code}" if r.code else "psychotherapy procedure"
    return f"{what} on {r.authored.isoformat() if r.authored else 'a date not recorded'}"


def not_done_words(found: tuple[Referral, ...]) -> str:
    """ "psychotherapy CPT 90837 on 2026-10-10 recorded as not done"; "3 psychotherapy
    procedures (2026-09-01 to 2026-10-10) recorded as not done" ("" for none)."""
    if not found:
        return ""
    if len(found) == 1:
        return f"{_one(found[0])} recorded as not done"
    days = sorted(r.authored for r in found if r.authored is not None)
    span = f" ({days[0].isoformat()} to {days[-1].isoformat()})" if days else ""
    return f"{len(found)} psychotherapy procedures{span} recorded as not done"
