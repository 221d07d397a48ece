"""A recent psychiatric discharge and whether an assessment followed it (review 16 W4).

Read here, below the rules, because two places need it: the suicide-risk card that names it
(rules/suicide_risk_discharge.py) and what an "assess today" holds back (services/suicide_today.py:
the optimise card's drug proposals and the TMS card; review s26 RK2 finding 2). One reading, so
the card that asks for the assessment and the hold that waits for it cannot disagree on whether
the discharge is recent or was assessed.

An assessment that follows the discharge and itself answers yes to active suicidal ideation
(C-SSRS items 2-5) or to suicidal behaviour (data/discharge_hold_answers.csv) releases nothing
(`holding_answers`; fix hist31, recheck K20a s30: a clinic C-SSRS at 14:00 after an 11:00
discharge from a self-poisoning admission answered yes to active suicidal thoughts and turned the
critical card into the warning "risk assessed; keep a safety plan", TMS one click away). It is
kept as `answered`, named on the card with its date, and the card stays critical and holds
changes; `assessed` stays None. A later assessment answering no to those releases it. A screen of
one day is one screen (fhir_mapping/suicide_screen.py): a yes anywhere in it keeps the hold (the
safer reading).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fhir_mapping.disposition_record import AGAINST_ADVICE, PSYCHIATRIC_TRANSFER, Disposition
from fhir_mapping.record import Admission, PatientRecord
from fhir_mapping.suicide_screen_codes import questions
from services import suicide_urgency, tables
from services.policy import Policy
from services.risk_evidence import _checks
from services.risk_signal import RiskCheck


@dataclass(frozen=True, slots=True)
class Discharge:
    """A recent psychiatric discharge and the assessment that followed it, if any."""

    admission: Admission
    until: date  # the last day of the post-discharge period
    assessed: RiskCheck | None  # the latest documented assessment shown to follow the discharge
    # A stay finished with no end on record whose last day on record is older than the
    # post-discharge period (review s28 K10 finding 3): the discharge was that day or any day
    # since, up to today, so the period may still run; `until` is then past (`recent_discharge`).
    unplaced: bool = False
    # The latest assessment that followed the discharge when it answered yes to active ideation
    # or behaviour (`holding_answers`): named on the card; it releases nothing (fix hist31).
    answered: RiskCheck | None = None

    @property
    def head(self) -> str:
        """ "discharged 2025-05-09 after a psychiatric admission (F33.2)"; "... after a
        psychiatric observation stay" (the class word: review s27 K2 finding 5); "transferred to
        a psychiatric facility 2025-05-09 after ..." when the stay ended so (finding 8)."""
        code = f" ({self.admission.code})" if self.admission.code else ""
        if self.admission.reason_unread:  # finding 5: never called psychiatric
            return self._unread_head()
        left = f", {self.against_advice.words}" if self.against_advice is not None else ""
        went = self.transferred
        ended = f"{went.words} on" if went is not None else "discharged"
        day, then = self.admission.discharged, ""
        moved = self.admission.moved_to or "inpatient stay"
        if self.admission.stay_end is not None and went is None:
            # A psychiatric stay followed by a stay that is not psychiatric (a chest-pain
            # observation stay 20 hours after the psychiatric discharge: stay_chains.py) is named
            # by its own discharge day and the stay that followed (review s28 K5 finding 4):
            # "discharged 2026-12-01 after a psychiatric admission" named the observation
            # stay's end as a psychiatric discharge. The post-discharge period still runs from
            # the chain's end (`until`, and an assessment must follow it: the safer reading,
            # the patient was in hospital care until then); the section names both stays.
            day = self.admission.stay_end
            then = f", then {'an' if moved[:1] in 'aeiou' else 'a'} {moved}"
        if not self.admission.end_recorded:
            # Finished with no end on record (review s28 K5 finding 3): the day is the last the
            # record places the patient on the stay, never said as a discharge date.
            ended = went.words if went is not None else "discharged"
            return (
                f"{ended} after a psychiatric {self.stay_name}{code}{then}, date not recorded "
                f"(last on record {day.isoformat()}){left}"
            )
        return f"{ended} {day.isoformat()} after a psychiatric {self.stay_name}{code}{then}{left}"

    def _unread_head(self) -> str:
        """ "discharged 2026-11-25 after an admission whose reason is not in the record"."""
        adm = self.admission
        day = adm.discharged.isoformat()
        when = f"{day}" if adm.end_recorded else f"(date not recorded, last on record {day})"
        name = self.stay_name
        return f"discharged {when} after {'an' if name[:1] in 'aeiou' else 'a'} {name} whose reason is not in the record"

    @property
    def inpatient(self) -> bool:
        """Whether the period is the one after psychiatric inpatient care, whose risk Chung et
        al. 2017 measured: an inpatient admission, or a stay that ended in a transfer to a
        psychiatric facility (the period begins at that unit's discharge). Not an observation
        (OBSENC) or short (SS) stay that ended otherwise: its card names the stay and cites no
        post-discharge rate (no source on record measures the risk after one;
        rules/suicide_risk_discharge.py `_why`; session 29 leftover)."""
        return self.admission.stay_word is None or self.transferred is not None

    @property
    def stay_name(self) -> str:
        """ "admission", or the class word of a stay that is not one ("observation stay")."""
        return self.admission.stay_word or "admission"

    @property
    def transferred(self) -> Disposition | None:
        """The stay's discharge disposition when the patient was transferred to a psychiatric
        facility (HL7 discharge-disposition `psy`): the patient went on to psychiatric care, so
        the card says where, asks to confirm with the receiving unit, and never says
        "discharged ... ago" as if the patient went home (review s27 K2 finding 8; the ED
        visit's card says the same: rules/suicide_risk_text.py `transferred`)."""
        found = self.admission.disposition
        return found if found is not None and found.kind == PSYCHIATRIC_TRANSFER else None

    @property
    def against_advice(self) -> Disposition | None:
        """The stay's discharge disposition when the patient left against medical advice (HL7
        discharge-disposition `aadvice`; fhir_mapping/discharge_disposition.py): named on the
        card, a discharge that carried a higher suicide risk (review s27 RE finding 6)."""
        found = self.admission.disposition
        return found if found is not None and found.kind == AGAINST_ADVICE else None

    @property
    def urgency(self) -> str:
        """Assess today until an assessment followed the discharge, then reassess at each visit
        (data/suicide_urgency.csv)."""
        if self.assessed is None:
            # Unplaced (finding 3): the record holds no day within the period, so confirm the
            # discharge date first (check-chart: a warning, holds nothing), assess today if it
            # was recent (`recent_discharge`).
            # A stay whose reason is not in the record (finding 5) asks the same: confirm first.
            unsure = self.unplaced or self.admission.reason_unread
            return suicide_urgency.CHECK_CHART if unsure else suicide_urgency.ASSESS_TODAY
        return suicide_urgency.REASSESS_AT_VISITS


def recent_discharge(record: PatientRecord, policy: Policy) -> Discharge | None:
    """The latest psychiatric discharge within policy.suicide_post_discharge_days, or None.

    A stay finished with no end on record (Admission.end_recorded False) is dated by the last day
    the record places the patient on it: the discharge was then or any day since, up to today.
    Past the period from that day it is still read, `unplaced` (review s28 K10 finding 3: an
    admission begun 91 days ago, finished, nothing filed, was dropped without a word though the
    discharge may have been last week): the card asks to confirm the discharge date and to
    assess today if it was recent. A WARNING, not the critical "assess today": the record holds
    no day within the period, and a critical card holds the treatment cards
    (services/suicide_today.py) on every visit for as long as the record is not corrected,
    however long ago the stay was; a warning still names it on every visit, which nothing did.
    Only the latest stay is read, so a stay recorded after it ends the question.

    A stay whose reason is a reference to a Condition not in the record (Admission.reason_unread,
    review s28 K10 finding 5) is read only when no psychiatric discharge is recent, and only
    within the period: the card then asks to confirm what it was for (a warning, as above)."""
    days = policy.suicide_post_discharge_days
    psychiatric = [a for a in record.admissions if not a.reason_unread]
    found = _discharge(record, psychiatric[-1], days) if psychiatric else None
    if found is not None:
        return found
    unread = [
        a
        for a in record.admissions
        if a.reason_unread and (record.as_of - a.discharged).days <= days
    ]
    return _discharge(record, unread[-1], days) if unread else None


def _discharge(record: PatientRecord, latest: Admission, days: int) -> Discharge | None:
    unplaced = (record.as_of - latest.discharged).days > days
    if unplaced and latest.end_recorded:
        return None
    checks = [c for c in _checks(record, latest.discharged) if shown_after(c, latest)]
    last = max(checks, key=lambda c: c.day) if checks else None
    held = last is not None and bool(holding_answers(last))
    return Discharge(
        latest,
        latest.discharged + timedelta(days=days),
        None if held else last,
        unplaced,
        last if held else None,
    )


def holding_answers(check: RiskCheck) -> tuple[str, ...]:
    """The yes answers of `check` that keep a discharge's hold (module docstring): those to a
    question of data/discharge_hold_answers.csv. An answer is the question as asked, perhaps with
    a note after a semicolon ("...; whether in the past 3 months not recorded")."""
    held = {questions()[c].question for c in tables.discharge_hold_answers() if c in questions()}
    return tuple(a for a in check.answers if a.split(";")[0] in held)


def shown_after(check: RiskCheck, stay: Admission) -> bool:
    """Whether an assessment is shown to follow the discharge (review s27 RE finding 1).

    Dates alone said so for any assessment dated on or after the discharge day, so a negative
    C-SSRS the ward took at 09:00 before an 11:00 discharge read "Assessed since discharge",
    released the critical post-discharge card and put a one-click TMS referral beside it. An
    assessment during the stay is not the one the post-discharge period asks for: the risk it
    measures is the one after leaving the ward (Chung et al. 2017).

    - One that names the stay's own Encounter was taken during the stay, whatever its date.
    - When both carry a time with an offset, the instants decide: later than the discharge. A
      screen's are its administrations' (fhir_mapping/screen_day.py): one taken after the
      discharge counts though another of that day was before it (session 29 leftover).
    - Otherwise the dates: a later day follows it. A stay finished with no end on record has
      no instant: its day is the last the record places the patient on it (review s28 K5
      finding 3), so only an assessment on a later day follows it. On the discharge day itself, with a date
      alone on either side, the order is not known, and the safer reading is "not shown to be
      after discharge": the card stays critical and asks for the assessment (one more C-SSRS
      costs minutes; a released hold after a ward screen costs the assessment the first days
      after discharge call for).
    """
    stay_id = stay.source.id if stay.source and stay.source.resource_type == "Encounter" else None
    if check.taken:
        # A screen, per administration (fhir_mapping/screen_day.py; session 29 leftover): a
        # ward C-SSRS at 09:00 and a clinic one at 14:00 of the discharge day merged to 09:00,
        # so the 14:00 one after an 11:00 discharge did not count. Those that follow the
        # discharge, and are not at the stay's own Encounter, must together be an assessment
        # (a finished form; an ideation answer or a level), as the whole screen must be.
        after = [
            t
            for t in check.taken
            if (stay_id is None or stay_id not in t.encounters) and _follows(t.at, check.day, stay)
        ]
        if any(t.unread for t in after):
            return False  # an answer not read may be a yes: no release (recheck K21 s30 c4)
        return any(t.complete for t in after) and any(t.asks for t in after)
    if stay_id is not None and stay_id in check.encounters:
        return False
    return _follows(check.at, check.day, stay)


def _follows(at: datetime | None, day: date, stay: Admission) -> bool:
    """Later than the discharge: by the instants when both have one, else by the day (a date
    alone on the discharge day is not shown to follow it: `shown_after`)."""
    if at is not None and stay.discharged_at is not None:
        return at > stay.discharged_at
    return day > stay.discharged
