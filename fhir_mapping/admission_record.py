"""Inpatient stays read from Encounters (fhir_mapping/admissions.py): the psychiatric stays that
ended, which the suicide-risk card reads for the post-discharge period (review 16 W4), and the
stays of any kind still in progress, which hold the outpatient one-clicks (review 16 second
recheck c01b)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum

from fhir_mapping.disposition_record import Disposition
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
    # The discharge instant when period.end states a time with an offset, else None: an
    # assessment on the discharge day follows the discharge only when its own instant is later
    # (services/psychiatric_discharge.py `shown_after`; review s27 RE finding 1).
    discharged_at: datetime | None = None
    # Encounter.hospitalization.dischargeDisposition when a card names it ("left against
    # medical advice": fhir_mapping/discharge_disposition.py, review s27 RE finding 6).
    disposition: Disposition | None = None
    # What the cards call a stay of a class that is not an inpatient admission ("observation
    # stay" OBSENC, "short stay" SS: stay_reason.py `stay_word`, review s27 K2 finding 5), or
    # None for an admission, named "a psychiatric admission", "Psychiatric inpatient stay".
    stay_word: str | None = None
    # When the patient moved on from this stay to another that is not psychiatric and was then
    # discharged (fhir_mapping/stay_chains.py, review s27 K2 finding 3): this stay's own end and
    # what the cards call the stay moved to ("inpatient stay"); `discharged` is then that
    # stay's discharge. Both None when this stay itself ended in the discharge.
    stay_end: date | None = None
    moved_to: str | None = None
    # False when the stay is recorded finished with no period.end: `discharged` is then the last
    # day the record places the patient on it (fhir_mapping/stay_evidence.py), the discharge that
    # day or later; the cards say the date is not recorded (review s28 K5 finding 3).
    end_recorded: bool = True
    # True when the stay is not shown to be psychiatric only because its reason is a reference
    # to a Condition not in the record (stay_reason.py `reason_unread`, review s28 K10 finding
    # 5): `code` is "" and `reason` says so; the card asks to confirm what it was for
    # (services/psychiatric_discharge.py), a psychiatric stay always preferred to it.
    reason_unread: bool = False


class StaySetting(Enum):
    """What a stay in progress is for, as the card names it (the value): psychiatric (a
    psychiatric reason, principal diagnosis or unit: admission_codes.py `psychiatric_reason`),
    medical (a reason or principal diagnosis on record, and not a psychiatric one) or
    unspecified (nothing says); or an emergency-department visit in progress (class EMER:
    current_stays.py, review s25 RI finding 5), whatever it is for."""

    PSYCHIATRIC = "psychiatric"
    MEDICAL = "medical"
    UNSPECIFIED = "unspecified"
    ED_VISIT = "ED visit"


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
    # The first day after the stay's admission day with outpatient evidence: an ambulatory
    # visit that took place, or a dispense not to the ward (admissions.py `read_current_stays`;
    # review 17 recheck R2, second recheck M2). None when nothing after the admission says so.
    outpatient_since: date | None = None
    # The days after the admission day of the ambulatory visits and of the dispenses, each
    # oldest first: what the card names ("outpatient visits since", "pharmacy fills since").
    visit_days: tuple[date, ...] = ()
    fill_days: tuple[date, ...] = ()
    # ... and, for an ED visit only, the days of the PHQ-9s after its arrival day (a ward gives
    # its own PHQ-9s, so they say nothing of a stay: current_stays.py `_ed_left`).
    score_days: tuple[date, ...] = ()
    # Recorded in progress, with outpatient evidence since that the mapping policy reads as the
    # patient having left (`MappingPolicy.stay_left_*`: several days of it, or one a month
    # after the admission): no evidence the patient is on a ward now, so nothing is held on it;
    # its status is to check. Evidence short of that (one consult coded ambulatory during a
    # 3-day stay, second recheck M3) keeps the hold, and the hold's line names it.
    contradicted: bool = False
    # An ED visit recorded in progress past `MappingPolicy.ed_visit_max_days` with no outpatient
    # evidence since (review s25 RK2 finding 2): NOT read as left open (review s25 RK4 finding
    # 11: a psychiatric boarder on day 5 lost the hold): the hold stays and its line says the
    # visit is open longer than an ED visit lasts, its status to check (current_stays.py).
    overdue: bool = False
    # An ED visit's days from its arrival day to the as-of date (0 on the arrival day); None
    # for a ward stay or an ED visit not read against the as-of date.
    open_days: int | None = None
    # What the cards call a stay of a class that is not an inpatient admission ("observation
    # stay", "short stay": stay_reason.py `stay_word`, review s27 K2 finding 5), None for an
    # admission or an ED visit: "Observation stay in progress", never "Currently admitted".
    stay_word: str | None = None

    @property
    def psychiatric(self) -> bool:
        return self.setting is StaySetting.PSYCHIATRIC

    @property
    def ed_visit(self) -> bool:
        """An emergency-department visit in progress, not an inpatient stay: the outpatient
        one-clicks wait for its end as for a stay's (services/rules/inpatient_hold.py); nothing
        read of an inpatient ward (an item 9 the ward asks, a home drug the ward holds)
        applies."""
        return self.setting is StaySetting.ED_VISIT
