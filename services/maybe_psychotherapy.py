"""Visits and referrals that may be psychotherapy, as the cards name them (care69, review K61a
finding 6).

fhir_mapping/psychotherapy_maybe.py reads them (a visit typed "Counseling visit" or "BH THERAPY",
a request "Referral to therapist"): not sessions, not a psychotherapy referral, since the words
may name other care. With nothing else on record the psychotherapy card and the TMS card's payer
criterion said "no psychotherapy procedure, visit or referral on record" beside them, more than
the record shows. They name them instead, with their dates, and ask to confirm, as they do a
psychotherapy Procedure whose status was not read (services/unread_psychotherapy.py).
"""

from __future__ import annotations

from fhir_mapping.psychotherapy_maybe import MAYBE
from fhir_mapping.record import PatientRecord, Referral
from services.card_format import plural
from services.open_referrals import VOID_REQUEST_STATUSES

_VISIT = "Encounter"


def maybe_psychotherapy(record: PatientRecord) -> tuple[Referral, ...]:
    """The visits and requests that may be psychotherapy; a request revoked or entered in error
    never happened."""
    return tuple(
        r for r in record.referrals if r.kind == MAYBE and r.status not in VOID_REQUEST_STATUSES
    )


def _dates(found: list[Referral]) -> str:
    days = sorted({r.authored for r in found if r.authored is not None})
    if not days:
        return ""
    if len(days) == 1:
        return f" ({days[0].isoformat()})"
    return f" ({days[0].isoformat()} to {days[-1].isoformat()})"


def maybe_words(found: tuple[Referral, ...]) -> str:
    """ "6 visits (2025-02-25 to 2025-05-06) and 1 referral (2025-05-01) that may be
    psychotherapy" ("" for none)."""
    if not found:
        return ""
    visits = [r for r in found if r.source is not None and r.source.resource_type == _VISIT]
    requests = [r for r in found if r not in visits]
    parts = [
        f"{plural(len(group), noun)}{_dates(group)}"
        for group, noun in ((visits, "visit"), (requests, "referral"))
        if group
    ]
    return f"{' and '.join(parts)} that may be psychotherapy"
