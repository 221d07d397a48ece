"""Referrals and courses already under way: which request statuses are still open or never
happened, a TMS referral or course in this episode, an open ECT referral.

Apart from pathway.py because "already referred" is read from the record's ServiceRequests and
procedures by its own FHIR RequestStatus rules, and other modules (the psychotherapy card, the
payer criteria, the diagnosis review) use the same statuses; pathway.py records the answers as
PathwayFacts.tms_open and ect_open.
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import PatientRecord, ProcedureKind, Referral
from services.episode_trials import in_episode

# FHIR RequestStatus values: a request in one of these is still open.
OPEN_REQUEST_STATUSES = frozenset({"draft", "active", "on-hold"})
# ... and one in these never happened, so it does not count as "already referred".
VOID_REQUEST_STATUSES = frozenset({"revoked", "entered-in-error"})

# An enum member compared per procedure, as a module constant: on Python 3.11 reading a member off
# its Enum class costs about ten times reading a global (issue 14).
_TMS = ProcedureKind.TMS


def _tms_open(record: PatientRecord, episode_start: date | None) -> bool:
    referred = any(
        r.kind == "tms"
        and r.status not in VOID_REQUEST_STATUSES
        and (r.status in OPEN_REQUEST_STATUSES or in_episode(r.authored, episode_start))
        for r in record.referrals
    )
    # The procedures (many on a chart in therapy) are read only when no referral says it already.
    return referred or any(
        p.kind is _TMS and in_episode(p.date, episode_start) for p in record.procedures
    )


def _ect_open(record: PatientRecord) -> Referral | None:
    """An ECT referral still open: neuromodulation is already being arranged."""
    return next(
        (r for r in record.referrals if r.kind == "ect" and r.status in OPEN_REQUEST_STATUSES),
        None,
    )
