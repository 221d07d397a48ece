"""A recent psychiatric discharge and whether an assessment followed it (review 16 W4).

Read here, below the rules, because two places need it: the suicide-risk card that names it
(rules/suicide_risk_discharge.py) and what an "assess today" holds back (services/suicide_today.py:
the optimise card's drug proposals and the TMS card; review s26 RK2 finding 2). One reading, so
the card that asks for the assessment and the hold that waits for it cannot disagree on whether
the discharge is recent or was assessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fhir_mapping.record import Admission, PatientRecord
from services import suicide_urgency
from services.policy import Policy
from services.risk_evidence import _checks
from services.risk_signal import RiskCheck


@dataclass(frozen=True, slots=True)
class Discharge:
    """A recent psychiatric discharge and the assessment that followed it, if any."""

    admission: Admission
    until: date  # the last day of the post-discharge period
    assessed: RiskCheck | None  # the latest documented assessment on or after discharge

    @property
    def head(self) -> str:
        """ "discharged 2025-05-09 after a psychiatric admission (F33.2)" """
        code = f" ({self.admission.code})" if self.admission.code else ""
        return (
            f"discharged {self.admission.discharged.isoformat()} after a psychiatric "
            f"admission{code}"
        )

    @property
    def urgency(self) -> str:
        """Assess today until an assessment followed the discharge, then reassess at each visit
        (data/suicide_urgency.csv)."""
        if self.assessed is None:
            return suicide_urgency.ASSESS_TODAY
        return suicide_urgency.REASSESS_AT_VISITS


def recent_discharge(record: PatientRecord, policy: Policy) -> Discharge | None:
    """The latest psychiatric discharge within policy.suicide_post_discharge_days, or None."""
    if not record.admissions:
        return None
    latest = record.admissions[-1]
    days = policy.suicide_post_discharge_days
    if (record.as_of - latest.discharged).days > days:
        return None
    checks = _checks(record, latest.discharged)
    return Discharge(
        latest,
        latest.discharged + timedelta(days=days),
        max(checks, key=lambda c: c.day) if checks else None,
    )
