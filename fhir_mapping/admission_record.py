"""Inpatient stays read from Encounters (fhir_mapping/admissions.py): the psychiatric stays that
ended, which the suicide-risk card reads for the post-discharge period (review 16 W4), and the
stays of any kind still in progress, which hold the outpatient one-clicks (review 16 second
recheck c01b)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from fhir_mapping.source_ref import SourceRef


@dataclass(frozen=True, slots=True)
class Admission:
    """An inpatient stay that ended, with the psychiatric reason that made it one."""

    start: date | None
    discharged: date
    # The psychiatric reason or diagnosis code ("F33.2"), or "" when the unit / service words
    # alone made the stay psychiatric.
    code: str
    # What made the stay psychiatric, as a card names it: "ICD-10-CM F33.2", or the unit /
    # service words ("Inpatient Psychiatry") when no code did.
    reason: str
    # The reason's display ("Major depressive disorder, recurrent severe ..."), or "".
    reason_display: str
    source: SourceRef | None


class StaySetting(Enum):
    """What a stay in progress is for, as the card names it (the value): psychiatric (a
    psychiatric reason, principal diagnosis or unit: admissions.py `_psychiatric_reason`),
    medical (a reason or principal diagnosis on record, and not a psychiatric one) or
    unspecified (nothing says)."""

    PSYCHIATRIC = "psychiatric"
    MEDICAL = "medical"
    UNSPECIFIED = "unspecified"


@dataclass(frozen=True, slots=True)
class CurrentStay:
    """An inpatient stay still in progress on the as-of date (review 16 recheck W-c; a medical
    one too since the second recheck, c01b): the patient is an inpatient, so the chart-open and
    order cards hold their outpatient one-clicks and say so (services/rules/inpatient_hold.py).
    The fields are `Admission`'s, without a discharge; for a medical stay `code`, `reason` and
    `reason_display` are its stated reason or principal diagnosis (all "" when none is coded).
    Only a psychiatric stay changes the suicide-risk card's wording (the ward's psychiatrist
    assesses today: services/rules/suicide_risk_text.py)."""

    start: date | None
    code: str
    reason: str
    reason_display: str
    source: SourceRef | None
    setting: StaySetting = StaySetting.PSYCHIATRIC
    # The first ambulatory visit after the stay's start (admissions.py `read_current_stays`;
    # review 17 recheck R2): a stay recorded in progress that the patient has visibly left
    # (status never closed). None for a stay nothing contradicts.
    outpatient_since: date | None = None

    @property
    def psychiatric(self) -> bool:
        return self.setting is StaySetting.PSYCHIATRIC

    @property
    def contradicted(self) -> bool:
        """Recorded in progress, with outpatient visits since its start: no evidence the
        patient is on a ward now, so nothing is held on it; its status is to check."""
        return self.outpatient_since is not None
