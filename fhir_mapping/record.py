"""Domain records the decision rules read.

Plain frozen dataclasses: no FHIR model types and no HTTP types leave this package, so the rules in
`services/` are pure functions of these records and can be tested without either.

The shape follows the Maudsley Treatment Inventory's per-drug row (drug, dose, weeks at or above
the minimum dose, adherence, response), which is what a psychiatrist writes down when taking a
treatment history (Fekadu, Donocik, Cleare, BMC Psychiatry 2018;18:100).

This module holds the record of a chart (PatientRecord), its patient, draft orders and data gaps;
the records it is made of live beside it, one idea each (source_ref.py, trial_parts.py, trial.py,
findings.py, clinical_records.py), and are re-exported here: rules import every record from
`fhir_mapping.record`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from typing import TYPE_CHECKING

from fhir_mapping.admission_record import Admission as Admission
from fhir_mapping.admission_record import CurrentStay as CurrentStay
from fhir_mapping.ages import Age
from fhir_mapping.clinical_records import (
    BloodPressure,
    ClinicalContext,
    LabResult,
    Measurement,
    PgxResult,
    ProcedureKind,
    ProcedureRecord,
    Referral,
)
from fhir_mapping.corrected_totals import CorrectedTotal as CorrectedTotal
from fhir_mapping.data_gap import DataDomain as DataDomain
from fhir_mapping.data_gap import DataGap as DataGap
from fhir_mapping.data_gap import GapCause as GapCause
from fhir_mapping.data_gap import SetAside as SetAside
from fhir_mapping.draft_timing import NO_TIMING, DraftTiming
from fhir_mapping.findings import Finding, FindingKind
from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.source_ref import SourceRef
from fhir_mapping.trial import Trial
from fhir_mapping.trial_parts import (
    RESPONSE_FRACTION,
    Adherence,
    AdherenceStatus,
    CodedAdverseEffect,
    DoseBasis,
    DoseNotTolerated,
    DoseSegment,
    Fill,
    InadequacyReason,
    IndicationCategory,
    Intolerance,
    Product,
    RefillGap,
    Role,
    Score,
    StatedReason,
    TaperSpan,
    TotalConflict,
    Verdict,
    WrittenDates,
)
from fhir_mapping.undated_answer import UndatedItem9

if TYPE_CHECKING:  # the screen record lives with its reader; no import cycle at run time
    from fhir_mapping.suicide_screen import SuicideScreen

__all__ = [
    "Adherence",
    "AdherenceStatus",
    "BloodPressure",
    "ClinicalContext",
    "DataDomain",
    "DataGap",
    "DoseBasis",
    "DoseNotTolerated",
    "DoseSegment",
    "DraftOrder",
    "Fill",
    "Finding",
    "FindingKind",
    "GapCause",
    "InadequacyReason",
    "IndicationCategory",
    "CodedAdverseEffect",
    "Intolerance",
    "LabResult",
    "Measurement",
    "Patient",
    "PatientRecord",
    "PgxResult",
    "ProcedureKind",
    "ProcedureRecord",
    "Product",
    "RESPONSE_FRACTION",
    "Referral",
    "RefillGap",
    "Role",
    "Score",
    "SetAside",
    "SourceRef",
    "StatedReason",
    "TaperSpan",
    "TotalConflict",
    "Trial",
    "Verdict",
    "WrittenDates",
]


@dataclass(frozen=True, slots=True)
class Patient:
    id: str | None  # logical id: used only to key snoozes (hashed), never logged
    age: int | None
    sex: str | None
    # Patient.deceasedBoolean true or a deceasedDateTime on or before as-of: no pathway card at
    # any hook, the safety cards under one status card (services/deceased.py).
    deceased: bool = False
    # The deceasedDateTime's date when it could be read (None for deceasedBoolean): named by the
    # order hooks' one line on a deceased patient's order (review 18b M2).
    deceased_on: date | None = None
    # A deceasedDateTime after as-of (recheck 18a d01): read as alive (the record's own date
    # says the death has not happened), and named as a data-quality line since it cannot be right.
    deceased_after: date | None = None
    # The first day a record (a medication record, an encounter) is dated after the recorded
    # death: the date is doubtful, so courses are not ended at it (death_ends_courses.py).
    death_doubted_by: date | None = None
    # The last such day (None when none): how long after the death the record goes on
    # (services/deceased.py: paperwork days after a death is no conflict, a visit years on is).
    death_last_record: date | None = None
    # A birth date that gives its year or month only (review 19 D4): the youngest age it allows
    # and why ("birth year only"); `age` is then the oldest, as an ages.Age that words the range
    # and keeps each age rule on its safer side. Kept as plain fields so a stored record (the
    # record codec) rebuilds the same Age.
    age_youngest: int | None = None
    age_basis: str = ""

    def __post_init__(self) -> None:
        if self.age_youngest is not None and self.age is not None and type(self.age) is int:
            older = Age(self.age, self.age_youngest, self.age, self.age_basis)
            object.__setattr__(self, "age", older)


@dataclass(frozen=True, slots=True)
class DraftOrder:
    """An antidepressant or adjunct on the hook's draftOrders (order-select / order-sign)."""

    id: str  # the draft resource's id (stable across order-select and order-sign)
    ingredient: str
    drug_class: str
    role: Role
    mg_per_day: float | None
    min_adequate_mg: float | None
    max_mg: float | None
    source: SourceRef | None = None
    dose_basis: DoseBasis = DoseBasis.DAILY  # see Trial.dose_basis
    mg_per_administration: float | None = None
    # The upper end of a ranged order ("50-200 mg daily"); None: no range. `mg_per_day` is the
    # lower end (see DoseSegment): "below the minimum" reads it, "above the maximum" and the age
    # limits read `mg_per_day_upper`.
    mg_per_day_high: float | None = None
    # A product whose mg are not the range's mg (see Trial.dose_equivalence): `mg_per_day` is the
    # reference dose (Aplenzin 522 mg -> 450 mg bupropion HCl).
    dose_equivalence: str | None = None
    # An order taken only as needed, and its daily ceiling (see DoseSegment.as_needed).
    as_needed: bool = False
    as_needed_max_mg: float | None = None
    # The combination product the draft names (Contrave, Symbyax), read as a course's is
    # (Trial.product): a renewal of the same product is a renewal, another product of the same
    # drug is a second one whose doses add up (order_checks/shared_ingredient.py).
    product: Product | None = None
    # A draft in dose steps whose highest step is above the one it ends on, or whose unsequenced
    # lines are of unclear shape (fhir_mapping/taper.draft_steps): what its cards say about the
    # dose read ("drafted in 3 steps: ...; its ceilings are checked at step 1"); None otherwise.
    dose_note: str | None = None
    # Its steps take the drug down to a stop: no trial is meant, so no "below the minimum".
    tapers_to_stop: bool = False
    # When it is taken: its first dose's day, its last one's for a taper to a stop
    # (draft_timing.py: the washout and the two-drugs-on-one-order checks read it).
    timing: DraftTiming = NO_TIMING
    # The release formulation the draft names when it has its own labelled ceilings (bupropion
    # SR / IR / XL, paroxetine CR, venlafaxine IR / XR: fhir_mapping/formulations.py, review 15
    # W3), its key; and one dose of it at the upper end of a range, in mg (the day's mg over
    # the administrations a day; an uneven split reads as its average). None: not named.
    formulation: str | None = None
    mg_per_dose: float | None = None
    # A draft whose code and name give different drugs (review 18a recheck UNSAFE: coded
    # aripiprazole, named "escitalopram 10 mg tablet"): one DraftOrder per reading, each with
    # this line naming both (fhir_mapping/product_conflict.confirm_line); None otherwise.
    drug_to_confirm: str | None = None
    # The order's stated reasons (reasonCode / reasonReference: fhir_mapping/indications.py), so
    # a card can fit its words to what the drug is drafted for (review 19 a04: neuropathy).
    stated_reasons: tuple[StatedReason, ...] = ()
    # A daily draft whose dose was not read ("take as directed") of a product whose unit
    # states its mg (a 40 mg tablet): one unit's mg, the least a whole-unit dose implies (the
    # age limit checks it: review s25 RO finding 3). None when the dose was read or no unit mg.
    unit_mg: float | None = None
    # The dose as entered on its one dosage line ("100 tablets": fhir_mapping/dose_entered.py),
    # named when the dose read is so far above the maximum that the entry is the likelier error.
    # Words only, read from the dose the other fields already hold: not compared (two readings
    # of one order are the same draft whatever their words).
    dose_entered: str | None = field(default=None, compare=False)

    @property
    def mg_per_day_upper(self) -> float | None:
        return self.mg_per_day_high if self.mg_per_day_high is not None else self.mg_per_day

    def other_reading(self, other: DraftOrder) -> bool:
        """Whether `other` is another reading of this same draft (`drug_to_confirm`): the
        patient gets one of the two drugs, never both, so no check pairs them."""
        return (
            self.drug_to_confirm is not None
            and other.id == self.id
            and other.drug_to_confirm == self.drug_to_confirm
            and other.ingredient != self.ingredient
        )


_DATE = attrgetter("date")

# Enum members the helpers compare per item, as module constants: on Python 3.11 reading a member
# off its Enum class costs about ten times reading a global (issue 14).
_ADEQUATE = Verdict.ADEQUATE
_LEFT_OUT = GapCause.LEFT_OUT
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT


@dataclass(frozen=True, slots=True)
class PatientRecord:
    patient: Patient
    as_of: date
    trials: tuple[Trial, ...] = ()
    scores: tuple[Score, ...] = ()
    context: ClinicalContext = field(default_factory=ClinicalContext)
    procedures: tuple[ProcedureRecord, ...] = ()
    referrals: tuple[Referral, ...] = ()
    draft_orders: tuple[DraftOrder, ...] = ()
    # The drafts that halt their drug (DraftTiming.halted: status stopped or cancelled, or a
    # dose of 0): never a start, so not among `draft_orders` (review s27 RD finding 1: read as
    # starting sertraline beside the MAOI); the stop of a running course (draft_tapers.py).
    draft_stops: tuple[DraftOrder, ...] = ()
    # Referrals (TMS, ECT, ...) among the order hooks' draftOrders (review 11 finding 11a).
    draft_referrals: tuple[Referral, ...] = ()
    episode_start: date | None = None  # start of the current depressive episode, where known
    resources_read: int = 0
    resources_skipped: int = 0  # unparseable or irrelevant resources; counted for the log
    # What could not be read (resources left out, domains not available): see DataGap.
    gaps: tuple[DataGap, ...] = ()
    # Every documented intolerance read (AllergyIntolerance, AdverseEvent, stop reasons), including
    # those of a drug with no course on this chart ("sertraline allergy, 2019"): the cards must
    # never propose such a drug even though no trial carries the record.
    intolerances: tuple[Intolerance, ...] = ()
    # Every ICD-10-CM adverse-effect code read, oldest first: the cards name one no course of its
    # class on this chart explains (tolerability.coded_without_a_course; s29 RN finding 3).
    adverse_effect_codes: tuple[CodedAdverseEffect, ...] = ()
    # C-SSRS screens and documented suicide risk levels, oldest first (suicide_screen.py).
    suicide_screens: tuple[SuicideScreen, ...] = ()
    # Blood pressure readings, oldest first (fhir_mapping/blood_pressure.py; review 13 W6).
    blood_pressures: tuple[BloodPressure, ...] = ()
    # CYP2C19 / CYP2D6 results, oldest first (fhir_mapping/pgx.py; review 13 W4).
    pgx_results: tuple[PgxResult, ...] = ()
    # Scores of preliminary or cancelled Observations, oldest first (`Score.status` set;
    # fhir_mapping/result_statuses.py, review 14 U1). Kept apart from `scores` so that no trial
    # outcome, baseline or TMS severity rests on a result nobody reviewed or that was not
    # completed; read by the suicide-risk signal (a positive item 9), the measurement card
    # (a preliminary total newer than the latest final one) and --explain.
    unfinished_scores: tuple[Score, ...] = ()
    # Final totals a correction replaced, as read (fhir_mapping/corrected_totals.py, fix
    # score54): read and applied, so not gaps; the cards name one where it changes a conclusion.
    corrected_totals: tuple[CorrectedTotal, ...] = ()
    # PHQ-9s dated after as-of whose item 9 is positive or unreadable, and positive C-SSRS
    # screens dated after as-of, oldest first (review 15 recheck U-a: a PHQ-9 item 9 = 3 dated
    # 2025-06-10 by a typing error was hidden). Kept apart from `scores` and `suicide_screens`:
    # their date is suspect, so no outcome rests on them and no assessment is taken from them;
    # the suicide-risk signal alone reads them, as current, naming the date.
    after_today_item9: tuple[Score, ...] = ()
    after_today_screens: tuple[SuicideScreen, ...] = ()
    # PHQ-9 item-9 answers (0 included) on forms with no clinical date (review s34 K39a finding
    # 1; fhir_mapping/undated_answer.py): kept apart from `scores` as those are, read by the
    # suicide-risk signal (a positive or unreadable answer) and the "item 9 not recorded" words.
    undated_item9: tuple[UndatedItem9, ...] = ()
    # Psychiatric inpatient stays that ended by as-of, latest discharge last
    # (fhir_mapping/admissions.py; review 16 W4): the suicide-risk card names a recent discharge.
    admissions: tuple[Admission, ...] = ()
    # Psychiatric inpatient stays still in progress on as-of (review 16 recheck W-c): the patient
    # is an inpatient, so the outpatient one-clicks are held (services/rules/inpatient_hold.py).
    current_stays: tuple[CurrentStay, ...] = ()
    # The required `medicationRequests` prefetch key could not be read (set only where a card
    # is kept alone for it: services/required_gap.py, fix gap48). A stop day read from
    # statements or fills is then only the earliest the drug was last taken: a later dose may
    # be in the orders, so no washout says a firm date and no level is called an earlier course's.
    orders_unread: bool = False
    # The clinic's policy.older_adult_age, set by services/evaluation.py (lab62): the age from
    # which one day's disagreeing lab results are weighed by the older-adult lines
    # (services/same_day_labs.py), as the cards read them; None: the policy's default (a clinic
    # that keeps it, or a record built by hand).
    older_adult_age: int | None = None

    # The gap helpers are asked by many rules per request, mostly of a chart with no gaps: they
    # return before starting a generator then (issue 14).
    def gaps_in(self, *domains: DataDomain) -> tuple[DataGap, ...]:
        """The gaps that touch any of `domains` (all gaps when none is named)."""
        if not domains or not self.gaps:
            return self.gaps
        return tuple([g for g in self.gaps if g.domain in domains])

    def unavailable(self, domain: DataDomain) -> bool:
        """True when none of this domain's data could be seen: a card must then say "not
        available", never "not on record"."""
        if not self.gaps:
            return False
        return any(g.whole_domain and g.domain is domain for g in self.gaps)

    def incomplete(self, domain: DataDomain) -> bool:
        """True when some of this domain's data could not be seen (a kind of it not provided,
        later pages not read, or the whole domain): an absence in it is not proven."""
        if not self.gaps:
            return False
        return any(g.domain is domain and g.cause is not _LEFT_OUT for g in self.gaps)

    def phq9(self) -> tuple[Score, ...]:
        """PHQ-9 totals, oldest first."""
        # Asked for by many rules on every call (issue 14): a list and attrgetter, not a
        # generator and a lambda, read a long chart's scores at about half the cost.
        return tuple(sorted([s for s in self.scores if s.instrument == "PHQ-9"], key=_DATE))

    def latest_phq9(self) -> Score | None:
        """The last of `phq9()` with a value. Found without sorting (asked twice per request,
        issue 14): max keeps the first of equal dates it meets, so over the valued totals
        reversed it keeps the last of the latest day, as the last of phq9() (a stable sort by
        date) is."""
        valued = [s for s in self.scores if s.instrument == "PHQ-9" and s.value is not None]
        return max(reversed(valued), key=_DATE) if valued else None

    def antidepressant_trials(self) -> tuple[Trial, ...]:
        return tuple([t for t in self.trials if t.role is _ANTIDEPRESSANT])


quick_frozen_init(PatientRecord)
