"""Clinical findings the rules read (FindingKind, Finding): what a Condition, Procedure, Device or
Observation says of the patient (diagnoses, risks, contraindications), each with its code and
dates. Re-exported by record.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fhir_mapping.code_systems import system_label
from fhir_mapping.condition_category import PROBLEM_LIST_ITEM
from fhir_mapping.disposition_record import Disposition
from fhir_mapping.finding_kinds import DEPRESSION_DIAGNOSIS_KINDS, FindingKind
from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.source_ref import SourceRef

# The kinds live in finding_kinds.py; importers of this module keep finding them here.
__all__ = ["DEPRESSION_DIAGNOSIS_KINDS", "Finding", "FindingKind"]


@dataclass(frozen=True, slots=True)
class Finding:
    kind: FindingKind
    code: str
    system: str
    display: str
    onset: date | None
    source: SourceRef | None = None
    severity: str | None = None  # e.g. "severe" for MDD coded with severity
    # Review 10 recheck R7: the onset as written when it is a partial date ("2024", "2024-05");
    # `onset` is then its first day, which is not on record (a history a visit reason's words
    # date, visit_risk.py: its last day, as `onset_latest` reads it; review s29 RQ4 finding 1).
    # None when the onset states its day.
    onset_written: str | None = None
    # Recheck 13 n04: the Condition's state on the as-of date as
    # conditions._condition_state reads it ("active", "inactive": resolved or inactive, "remission"),
    # and its abatement date when one is on record, so a finding kept after it resolved
    # (counts_when_resolved: tardive dyskinesia) is said as history, not as a current effect.
    state: str = "active"
    abated: date | None = None
    # The Condition's verificationStatus when it marks the diagnosis as not confirmed
    # ("unconfirmed", "provisional", "differential"); None when confirmed or not stated (US Core
    # allows it absent). Such a finding still counts (a differential bipolar II must still stop
    # an antidepressant-only plan); cards name it as not confirmed (review 14 M1).
    verification: str | None = None
    # Where a suicidal-ideation or self-harm finding was recorded when it is not the problem
    # list (fhir_mapping/visit_risk.py; review 16 recheck U-b): as what ("encounter diagnosis",
    # "visit reason") and at which visit ("ED visit on 2025-05-23"; None when the visit is not
    # on record). `recorded` None: the problem list.
    recorded: str | None = None
    visit: str | None = None
    # What the code records when it is less than the kind's name says: "a seizure" (ICD-10-CM
    # R56.9, SNOMED CT 91175000) under EPILEPSY (condition_codes.csv `named_as`). The finding
    # counts as its kind (a TMS or bupropion contraindication holds: the safer reading); a card
    # names it by these words, never as a seizure disorder (review 19 D1). None: the kind itself.
    named_as: str | None = None
    # A PREGNANCY finding's dating as recorded (fhir_mapping/pregnancy.py): the estimated
    # delivery date and the last menstrual period (LOINC 8665-2), when sent, so the rules can
    # tell the gestational age (services/pregnancy_now.py; review s21 RD findings 8, 11).
    edd: date | None = None
    lmp: date | None = None
    # The entry states no onset, so `onset` is its recordedDate: the day it was entered (often an
    # encounter diagnosis at a follow-up visit), not the day the condition began. Said
    # "recorded", never "since" (s25 RT finding 5: F33.2 coded at a 2026-01-05 visit read as
    # depression "since 5 Jan 2026" beside the problem-list F33.2 with onset 2025-01-06).
    onset_recorded: bool = False
    # The entry's recordedDate when it is earlier than the onset it states (review s25 RK4
    # finding 13: a problem-list onset of 2026-01-20 on an entry recorded 2025-01-06): the
    # condition was on record before the day given as its start, so the packet says both and
    # dates "on record" by the earlier (services/diagnosis_onset.py). None otherwise.
    recorded_before: date | None = None
    # The Condition's category codes as written (fhir_mapping/condition_category.py:
    # "problem-list-item", "encounter-diagnosis", ...); () for a finding of another resource or
    # a Condition that states none. An active problem-list entry is the list's statement now,
    # an encounter diagnosis that day's: the stale-pregnancy question weighs them apart
    # (services/pregnancy_now.py; review s26 GC item 1).
    categories: tuple[str, ...] = ()
    # The discharge disposition of the visit it was recorded at, when a card must name it (an
    # ED visit that ended in a transfer to a psychiatric facility: visit_risk.py, review s27 RE
    # finding 6); None otherwise.
    visit_disposition: Disposition | None = None
    # A SELF_HARM finding read from a Condition's words that state it as past ("Remote SIB in
    # adolescence, none since", "SIB in remission": fhir_mapping/self_harm_past.py; recheck
    # K27a s31, session 31 fix sib37): a risk factor to ask about, not a current act. A DELIVERY
    # finding of an undated Condition whose words say history ("History of postpartum
    # hemorrhage"): a past birth, which ends no pregnancy (fhir_mapping/past_delivery.py, preg65).
    stated_past: bool = False
    # A SELF_HARM finding a visit reason's or a text-only Condition's words date before the visit
    # or entry ("Prior SA 2010, denies current SI" at an ED visit of 2026-11-20, "History of
    # suicide attempt 2019" entered 2026-11-20: visit_risk.py, condition_text.py): that visit's
    # or entry's day, which the past warning's window runs from (services/past_answers.py
    # `attempt_event`; fix hist38); None otherwise. The act is dated by its own year.
    stated_on: date | None = None
    # A SUICIDAL_IDEATION or SELF_HARM finding read from a Condition's note (condition_harm_notes
    # .py): the note's day, which is when the words were written, not the problem's onset; the
    # card says "note of 2026-11-25", never "since" it (session 32 fix forms44, recheck K32a).
    noted_on: date | None = None
    # How a card dates a finding read from a record that is no Condition, when the record's kind
    # says what its day is ("ordered 2025-03-10", "filled 2026-11-21, 30 days", "stated
    # 2026-01-05": services/unidentified_screen.py, fix drug49); said in place of
    # `onset_phrase`'s "since"/"recorded". None for every other finding.
    dated_as: str | None = None
    # A SUICIDAL_IDEATION or SELF_HARM finding of a visit or Condition dated after as-of (fix
    # fut63, review K59b finding 1): that date, the finding being read as of today (`onset`
    # as-of), the way a PHQ-9 item 9 dated after today is (review 15 recheck U-a): a typing
    # error in a date does not make the risk less real, and the card names the date as suspect
    # (fhir_mapping/risk_after_today.py). None for every other finding.
    after_today: date | None = None

    @property
    def on_problem_list(self) -> bool:
        """Whether the Condition is on the problem list (category problem-list-item)."""
        return PROBLEM_LIST_ITEM in self.categories

    @property
    def onset_latest(self) -> date | None:
        """The last day the onset as written allows (`onset` when it states its day): the
        shortest reading of how long the condition has lasted, which does not inflate
        chronicity on a day the record does not state."""
        onset, written = self.onset, self.onset_written
        if onset is None or written is None:
            return onset
        if len(written) == 4:
            return date(onset.year, 12, 31)
        following = date(onset.year + onset.month // 12, onset.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)

    @property
    def onset_word(self) -> str:
        """The word before the finding's date: "since" for an onset, "recorded" for a
        recordedDate standing in for one (`onset_recorded`)."""
        return "recorded" if self.onset_recorded else "since"

    @property
    def onset_phrase(self) -> str | None:
        """The finding's date as every card says it: "since 2024-05-20", "since 2024 (year
        only)", or "recorded 2026-01-05" for an entry dated only by its recordedDate (the day
        entered, not the day the condition began: s25 RT finding 5); None when undated. The one
        rule: a card never writes "since" before a finding's date itself. `dated_as` when set."""
        if self.dated_as is not None:
            return self.dated_as
        if self.onset is None:
            return None
        return f"{self.onset_word} {self.onset_text}"

    @property
    def onset_text(self) -> str | None:
        """The onset as the record states it: "2024-05-20", "2024 (year only)", "2024-05
        (month only)"; None when there is none."""
        if self.onset is None:
            return None
        written = self.onset_written
        if written is None:
            return self.onset.isoformat()
        return f"{written} ({'year' if len(written) == 4 else 'month'} only)"

    @property
    def dated(self) -> str:
        """How a card dates the finding after its name: "since 2024-05-20" (its onset as
        written), or "recorded at the visit of 2026-11-20" for one read from a visit (`visit` set:
        fhir_mapping/visit_pregnancy.py, visit_risk.py), whose date is the visit's and not the
        day the condition began (review s22: a prenatal visit's reason read "pregnant since" the
        visit); "" when undated."""
        if self.onset is None:
            return ""
        if self.visit is not None:
            return f"recorded at the {self.visit}"
        if self.recorded is not None:
            return f"recorded ({self.recorded}) on {self.onset.isoformat()}"
        return self.onset_phrase or ""

    @property
    def coding(self) -> str:
        """How a card names the finding's code: "ICD-10-CM F10.20", the system as clinicians
        know it (data/code_systems.csv `label`; an unknown system as sent: audit 13 finding 6),
        or "typed in" for a diagnosis read from text alone (fhir_mapping/diagnosis_text.py:
        system "text", no code), never an empty "(text )" (review 9 finding 14)."""
        if self.system == "text":
            return "typed in"
        return f"{system_label(self.system)} {self.code}"


quick_frozen_init(Finding)
