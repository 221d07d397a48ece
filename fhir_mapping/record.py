"""Domain records the decision rules read.

Plain frozen dataclasses: no FHIR model types and no HTTP types leave this package, so the rules in
`services/` are pure functions of these records and can be tested without either.

The shape follows the Maudsley Treatment Inventory's per-drug row (drug, dose, weeks at or above
the minimum dose, adherence, response), which is what a psychiatrist writes down when taking a
treatment history (Fekadu, Donocik, Cleare, BMC Psychiatry 2018;18:100).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from operator import attrgetter
from typing import TYPE_CHECKING

from fhir_mapping.code_systems import system_label
from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.scale_outcomes import remission_below as _scale_remission_below

# The date type under another name, for a class whose field named `date` hides it.
_Day = date

if TYPE_CHECKING:  # the screen record lives with its reader; no import cycle at run time
    from fhir_mapping.suicide_screen import SuicideScreen


@dataclass(frozen=True, slots=True)
class SourceRef:
    """The FHIR resource a fact was read from (type and logical id), so a card can cite it."""

    resource_type: str
    id: str

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.id}"


class Role(StrEnum):
    """What a medication is on this pathway."""

    ANTIDEPRESSANT = "antidepressant"
    AUGMENTATION = "augmentation"  # adjunct per CANMAT 2023 Table 7.2 (aripiprazole, lithium, ...)
    # Not a pathway drug: recognised only because it interacts with antidepressants (linezolid and
    # methylene blue act as MAOIs, issue 11 item 1). Never a trial of the pathway, never proposed.
    INTERACTING = "interacting"


class DoseBasis(StrEnum):
    """What a drug's dose is counted per (data/dose_basis.csv). Only DAILY doses are judged
    against a mg/day range; a per-session or per-interval dose is shown as such, never as mg/day
    (issue 11 item 5b)."""

    DAILY = "daily"
    SESSION = "session"  # esketamine: 56 or 84 mg per session in clinic
    INTERVAL = "interval"  # long-acting injectables: mg per injection every few weeks


class AdherenceStatus(StrEnum):
    VERIFIED = "verified"  # refill data exist and PDC >= policy threshold, no refill gap
    POOR = "poor"  # refill data contradict adherence (PDC below threshold or a refill gap)
    UNVERIFIED = "unverified"  # no refill data: not contradicted, but the card says so


class Verdict(StrEnum):
    """The adequacy verdict of one trial (ATHF-style: was this a fair test of the drug?)."""

    ADEQUATE = "adequate"
    INADEQUATE = "inadequate"
    ONGOING = "ongoing"  # still running and not yet long enough at an adequate dose
    NOT_A_TRIAL = "not-a-trial"  # e.g. low-dose trazodone for sleep: not an antidepressant trial


class InadequacyReason(StrEnum):
    DOSE_BELOW_MINIMUM = "dose-below-minimum"
    TOO_SHORT = "too-short"
    POOR_ADHERENCE = "poor-adherence"
    DOSE_UNKNOWN = "dose-unknown"
    LOW_DOSE_OTHER_INDICATION = "low-dose-other-indication"
    # Stopped for side effects, an allergy or an adverse event (issue 10): not a fair test of
    # efficacy, and not poor adherence either. Payers may count it toward TMS (Policy).
    INTOLERANCE = "intolerance"
    # Every stated reason of the course's orders / statements is non-psychiatric (smoking
    # cessation, neuropathic pain, migraine prevention: fhir_mapping/indications.py): the course
    # is no depression trial, whatever its dose and weeks (Verdict.NOT_A_TRIAL).
    OTHER_INDICATION = "other-indication"
    # Every record of the course is an order that does not show the drug was taken: intent
    # `plan` (no authorization), status `unknown`, or an order on hold never filled; no fill, no
    # statement (review 14 W5, W6). Not counted until the record shows it was taken
    # (Verdict.NOT_A_TRIAL): "to confirm".
    NOT_SHOWN_TAKEN = "not-shown-taken"


class IndicationCategory(StrEnum):
    """What an order's or statement's stated reason (reasonCode / reasonReference) says the drug
    was for, as far as counting a depression trial goes (fhir_mapping/indications.py)."""

    DEPRESSION = "depression"  # counts, as a course with no reason does
    # Anxiety, PTSD, OCD, panic, bulimia, PMDD: counted (the dose usually treats a co-occurring
    # depression too), but "to confirm it was a trial for the depression" where it is counted.
    PSYCHIATRIC_OTHER = "psychiatric-other"
    NON_PSYCHIATRIC = "non-psychiatric"  # smoking cessation, pain, migraine, insomnia, ...
    UNCLASSIFIED = "unclassified"  # stated, in no table: counted, and named to confirm
    NOT_READ = "not-read"  # a reasonReference that does not resolve: never a guess


@dataclass(frozen=True, slots=True)
class StatedReason:
    """One stated reason of an order or statement: its category, the words a card names it by
    ("smoking cessation", "PTSD", or the chart's own text), the code as written ("Z72.0"; None
    for text only or a reason not read) and the resource that states it."""

    category: IndicationCategory
    label: str
    code: str | None
    source: SourceRef

    @property
    def text(self) -> str:
        """ "smoking cessation (Z72.0)", as a card says it."""
        return f"{self.label} ({self.code})" if self.code else self.label


@dataclass(frozen=True, slots=True)
class DoseSegment:
    """One stretch of a trial at one daily dose. `mg_per_day` None means the dose is unknown.

    A ranged dose ("50-200 mg", "1-2 tablets") has both ends: `mg_per_day` is the LOWER end, the
    dose the record proves was taken (trial adequacy reads it), `mg_per_day_high` the upper end
    (None: no range). Checks of a dose that may be too high read `mg_per_day_upper`."""

    start: date
    end: date
    mg_per_day: float | None
    mg_per_day_high: float | None = None
    # Taken only as needed (dose.as_needed: asNeededBoolean, "prn" in the sig): the dose is what
    # one administration gives, at most once a day, not a daily dose. Its days never count as
    # weeks at an adequate dose, and cards write it "50 mg as needed", never "50 mg/day".
    as_needed: bool = False
    # The most such a dose allows a day in mg (maxDosePerPeriod); None: not stated.
    as_needed_max_mg: float | None = None

    @property
    def mg_per_day_upper(self) -> float | None:
        return self.mg_per_day_high if self.mg_per_day_high is not None else self.mg_per_day


@dataclass(frozen=True, slots=True)
class RefillGap:
    """A stretch with no supply on hand longer than the policy's refill-gap threshold."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True, slots=True)
class Fill:
    """A trial's first hand-over day and the days' supply handed over then (the longest of the
    day's fills: two strengths handed over together cover the same days)."""

    date: date
    days: int


@dataclass(frozen=True, slots=True)
class Adherence:
    status: AdherenceStatus
    pdc: float | None = None  # proportion of days covered, 0..1, from MedicationDispense
    refill_gaps: tuple[RefillGap, ...] = ()
    # Adherence documented on the order or statement (US Core medication-adherence extension),
    # e.g. "Drugs - partial non-compliance (finding), 2023-08-11, MedicationRequest/abc".
    documented: str | None = None
    # Stretches of >= MappingPolicy.supply_gap_days with no dispensed supply on hand (review 6
    # finding 1): named on the cards and the packet, not counted as time on the drug, and a PHQ-9
    # taken in one does not decide a failure. They do not change `status` (PDC and
    # `refill_gaps` do).
    supply_gaps: tuple[RefillGap, ...] = ()
    # The trial's dispenses on record (review 6 finding 9): fills without daysSupply are still
    # fills, so "no dispensing data" is never said when this is above 0.
    fills: int = 0
    # Some days of supply were estimated (quantity / the authorising order's daily dose).
    estimated: bool = False
    # Set when the fills state their days but no PDC is given (`pdc` None, adherence.py): the
    # course is no longer than its first fill's supply (no refill was due), or it has one fill
    # day only (a PDC of one fill is that fill's days over the course). The first fill, so cards
    # say "one fill (2025-05-01, 30 days)" instead of a "PDC 100 %" that says nothing.
    first_fill: Fill | None = None
    # Days at the course's end that only a statement covers (an outside organisation's
    # continuation or a report, no fills seen: adherence.outside_tail), e.g. "adherence not
    # verified 2024-06-06 – 2024-08-12: outside record from ..., no fills seen (...)". Its own
    # field, never `documented`: cards read `documented` as the adherence a clinician recorded,
    # and this is neither non-adherence nor compliance (wave 4 K1).
    not_verified: str | None = None


@dataclass(frozen=True, slots=True)
class Intolerance:
    """Why a course is documented as not tolerated: a stop reason (statusReason "adverse
    effect"), an AllergyIntolerance or an AdverseEvent naming the drug (issue 10)."""

    ingredient: str
    reason: str  # as documented, e.g. "Medication stopped - side effect", "nausea"
    date: date | None  # when it was documented or occurred, where known
    source: SourceRef
    # The reaction says mania or hypomania, by a code or by words not negated: the judgement the
    # bipolar finding reads (intolerance.says_mania). A course it ended is a manic switch, not a
    # fair test of efficacy: never a failed trial (trial_record), whatever `reason` words say.
    manic_reaction: bool = False


@dataclass(frozen=True, slots=True)
class Score:
    """One rating-scale result. `instrument` is "PHQ-9", "PHQ-2" or "GAD-7"."""

    instrument: str
    value: int | None
    date: date
    item9: int | None = None  # PHQ-9 item 9 (LOINC 44260-8), 0..3, where known
    source: SourceRef | None = None
    # Item 9 not recorded: `item9` is the lower bound the total proves (the other eight items
    # score at most 24, so a total of 25-27 means item 9 >= total - 24). Cards must say so.
    item9_inferred: bool = False
    # No total recorded: `value` is the sum of the nine answered items (QuestionnaireResponse).
    total_computed: bool = False
    # A PHQ-9 item 9 answer of this score is on record but could not be read (a code under an
    # unknown system, out of range, not a number) and no readable one joined it: the answer's
    # resource (id "" when it has none). It may be positive, so the suicide-risk rule names it
    # (review patient-view finding 3); it is also a DataGap. On an answer with no total of its
    # own, `value` and `item9` are None.
    item9_unread: SourceRef | None = None
    # The FHIR status of a result that is not final (fhir_mapping/result_statuses.py): a
    # preliminary or cancelled Observation. None: a result read in full. Such scores live in
    # PatientRecord.unfinished_scores, never in `scores` (review 14 U1).
    status: str | None = None


# The PHQ-9's instrument name (item9_floor.PHQ9; not imported: item9_floor imports this module).
_PHQ9 = "PHQ-9"

# Response: a PHQ-9 at or below this fraction of its baseline (a >= 50 % drop, CANMAT 2023 para
# 180). One name for every reader (Trial, adherence.response_before_gap); a constant, not a call,
# as `failed` is asked of every trial several times per card (issue 14).
RESPONSE_FRACTION = 0.5


@dataclass(frozen=True, slots=True)
class WrittenDates:
    """A course's dates as the record writes them when one is a partial date (review 10 finding
    5): "2023 to 2024" may be two days or two years, so its length is not known from them.

    `start` / `end` are the partial date as written ("2023", "2023-05"), or None when that end
    of the course states its day (or states nothing). `earliest_start` and `latest_end` are the
    widest reading (the first day the start allows, the last day the end allows; None: no end
    written), for the question "may this course have run then?" (fhir_mapping/episode.py)."""

    start: str | None
    end: str | None
    earliest_start: date
    latest_end: date | None

    @property
    def precision(self) -> str:
        """The coarsest precision written: "year" when either end is a year only, else "month"."""
        year_only = [d for d in (self.start, self.end) if d is not None and len(d) == 4]
        return "year" if year_only else "month"


@dataclass(frozen=True, slots=True)
class Product:
    """The combination product a course was read from (fhir_mapping/combination_products.py):
    Symbyax's fluoxetine, Contrave's bupropion. Read where the drug is read, so no service parses
    it back out of a note.

    `counts_as_trial` is the table's judgement of the product's labelled indication: False for a
    product taken for something other than depression (Contrave: chronic weight management), whose
    pathway drug is then never an antidepressant trial or an augmentation, while the safety checks
    (shared ingredient, total dose, seizure risk, interactions, MAOI) still count it."""

    name: str  # the ingredients as cards name the product: "fluoxetine/olanzapine"
    brand: str | None = None  # the brand the product table knows it by: "Contrave"
    indication: str | None = None  # its labelled indication, from the product table
    counts_as_trial: bool = True  # an unlisted combination counts, as it always has


@dataclass(frozen=True, slots=True)
class Trial:
    """One ingredient's course in one episode of treatment."""

    ingredient: str  # lower-case generic name, e.g. "sertraline"
    drug_class: str  # mechanism group used for "switch to a different mechanism", e.g. "SSRI"
    role: Role
    start: date
    end: date  # the as-of date for an ongoing course
    ongoing: bool
    segments: tuple[DoseSegment, ...]
    min_adequate_mg: float | None  # from the dose table; None when the table has no verified value
    max_mg: float | None
    weeks_at_adequate_dose: float
    adherence: Adherence
    verdict: Verdict
    reasons: tuple[InadequacyReason, ...] = ()
    baseline: Score | None = None  # latest PHQ-9 in the 30 days before start (or first 14 days)
    on_treatment: Score | None = None  # latest PHQ-9 from week 4 to 30 days after the end
    sources: tuple[SourceRef, ...] = ()
    notes: tuple[str, ...] = ()  # e.g. "part of fluoxetine/olanzapine combination product"
    # The clinic's remission cut-off (MappingPolicy.remission_below; CMS159: PHQ-9 < 5), carried
    # on the trial so `remission` follows the clinic's policy rather than a literal.
    remission_below: int = 5
    # Documented intolerance of this course (side effects, allergy, adverse event), else None.
    intolerance: Intolerance | None = None
    # A per-session or per-interval drug (esketamine, long-acting injectables): the segments'
    # mg/day are a time average for supply arithmetic only, never a dose to judge or show.
    dose_basis: DoseBasis = DoseBasis.DAILY
    mg_per_administration: float | None = None  # the latest session / injection dose, in mg
    # Every event of the course is a product whose mg are not the range's mg (bupropion HBr,
    # weekly fluoxetine: dose_basis.equivalences): the segments hold the reference mg/day, and
    # this key lets a card write the dose as the record does beside it. None: written as is.
    dose_equivalence: str | None = None
    # The course's latest statement or order is `on-hold`, nothing taking it up again after it
    # (review 6 finding 3): the drug is not taken now. The date is the last one the record
    # supports, never after as-of (review 14 W6): a statement's dateAsserted, else its start;
    # for a held order (FHIR R4 records no hold date) the end of its last fill's supply, or,
    # never filled, the order's own date.
    on_hold: date | None = None
    # The course runs on only because a MedicationStatement lists it `active` and nothing has
    # confirmed it for MappingPolicy.statement_confirmed_days (review 6 finding 11): the last
    # date the record confirms it. Time after that + the policy's days is not covered (the
    # segments stop there); the course stays ongoing for the safety checks, and a PHQ-9 taken
    # after the covered time does not decide its outcome. None: no such listing.
    unconfirmed_since: date | None = None
    # The day the course became an adequate trial (MappingPolicy.min_adequate_weeks at >= the
    # minimum dose: adequacy.adequate_from), else None (review 7 finding 6). Only a PHQ-9 taken
    # on or after it can show that the trial failed (`failed`, `outcome_unmeasured`).
    adequate_from: date | None = None
    # Days counted for records of the course that state no duration at all (episodes.py rule
    # 2d: ASSUMED_DAYS_WITHOUT_DURATION), summed; None when every record states one. Cards and
    # the packet say "duration not recorded" (services/trial_dates.py, review 6 finding 8).
    assumed_days: int | None = None
    # The course's start or end is a partial date ("2023", "2023-05"; review 10 finding 5): the
    # dates as written. `start` and `end` are then the shortest reading of them (the latest day
    # the start allows, the first day the end allows), so the weeks are ones the record proves;
    # cards say the dates as written (services/trial_dates.py). None: the dates state the day.
    written_dates: WrittenDates | None = None
    # Review 10 finding 14: no PHQ-9 is left in the on-treatment window once the next
    # antidepressant's time is cut off it (score_windows.py); why the score after the course
    # is not its outcome, e.g. "PHQ-9 21 on 2024-09-30 was taken on venlafaxine, 14 days into
    # it and 21 days after sertraline stopped". None: no score was left out.
    outcome_note: str | None = None
    # The combination product the course was read from (every record of it, or some of them when
    # the same drug was also taken on its own), else None: a structured fact, never a note.
    product: Product | None = None
    # Every record of the course rests on the patient's own report (a home medication:
    # MedicationRequest reportedBoolean, a statement whose informationSource is the patient;
    # fhir_mapping/patient_reported.py), with no order by a clinician and no fill: the trial row
    # and the TMS trial criterion say "patient-reported", to confirm (review 12 finding 14).
    patient_reported: bool = False
    # The reasons the course's orders and statements state (reasonCode / reasonReference,
    # fhir_mapping/indications.py), one per (category, text), in record order; () when none
    # states one (nearly every course). A course whose every stated reason is non-psychiatric is
    # NOT_A_TRIAL (InadequacyReason.OTHER_INDICATION); any other is counted as before, and
    # services name what is left to confirm (services/trial_indication.py).
    stated_reasons: tuple[StatedReason, ...] = ()
    # The most the course's latest dose may be a day when that dose is to confirm (its dosage
    # lines carry no sequence and read as neither steps nor one day's doses: taper._to_confirm,
    # the event's mg_per_day None and mg_per_day_high its highest reading), else None. Never a
    # dose taken (adequacy does not read it); the ceiling checks of a running drug (age, renal,
    # hepatic limits) compare it and say "up to N mg/day (dose to confirm)".
    dose_to_confirm_mg: float | None = None
    # The PHQ-9 pair shows neither response nor remission, but another
    # validated scale's pair in the same windows does (HAM-D17 28 -> 12): (baseline,
    # on-treatment) of that scale (score_windows.py). The PHQ-9 still decides; services mark
    # the failure "to confirm" (services/trial_count.py). (): no such disagreement. A plain
    # tuple[Score, ...]: the stored-record codec (cds_hooks/storage/record_codec.py) takes no
    # fixed-length tuple.
    disagreeing: tuple[Score, ...] = ()
    # Review 14 M4: the as-of date when an ongoing course ends there by a stated end (an order's
    # boundsPeriod.end dated as-of: trial_record._stops_on). FHIR Period.end is inclusive, so the
    # course still covers as-of (ongoing, for the safety checks) but stops that day: cards say
    # "stop dated <day>", never "still running". None for every other course.
    stops_on: date | None = None

    @property
    def outcome_gap(self) -> RefillGap | None:
        """The supply gap the on-treatment PHQ-9 was taken in, else None (review 6 finding 1):
        a score taken off the drug does not decide the trial's outcome."""
        on_treatment = self.on_treatment
        if on_treatment is None:
            return None
        day = on_treatment.date
        for gap in self.adherence.supply_gaps:
            if gap.start <= day < gap.end:
                return gap
        return None

    @property
    def max_mg_per_day(self) -> float | None:
        doses = [s.mg_per_day for s in self.segments if s.mg_per_day is not None]
        return max(doses) if doses else None

    @property
    def current_mg_per_day(self) -> float | None:
        """The latest segment's dose, at the LOWER end of a range (adequacy, cover)."""
        return self.segments[-1].mg_per_day if self.segments else None

    @property
    def current_mg_per_day_upper(self) -> float | None:
        """The latest segment's dose at the UPPER end of a range: for "above a maximum" checks."""
        return self.segments[-1].mg_per_day_upper if self.segments else None

    @property
    def current_mg_per_day_high(self) -> float | None:
        """The latest segment's upper end when its dose is a range, else None."""
        return self.segments[-1].mg_per_day_high if self.segments else None

    @property
    def response(self) -> bool | None:
        """>= 50 % drop in PHQ-9 from baseline (CANMAT 2023); None when either score is missing."""
        if not (self.baseline and self.on_treatment):
            return None
        if self.baseline.value is None or self.on_treatment.value is None:
            return None
        if self.baseline.value == 0:
            return None
        return self.on_treatment.value <= self.baseline.value * RESPONSE_FRACTION

    @property
    def remission(self) -> bool | None:
        """PHQ-9 below the remission cut-off on treatment (CMS159: < 5), or the other scale's
        own cut-off when the pair is another scale's (`outcome_remission_below`)."""
        if self.on_treatment is None or self.on_treatment.value is None:
            return None
        return self.on_treatment.value < self.outcome_remission_below

    @property
    def outcome_scale(self) -> str:
        """The scale the outcome pair is on: "PHQ-9", or another depression scale ("MADRS")
        when the course had no PHQ-9 on treatment but that scale before and on it
        (score_windows.py, review 13 W10). Both scores of the pair are always one scale's."""
        on_treatment = self.on_treatment
        return _PHQ9 if on_treatment is None else on_treatment.instrument

    @property
    def outcome_remission_below(self) -> int:
        """The remission cut-off (exclusive) of the outcome pair's scale: the clinic's PHQ-9
        cut-off (`remission_below`), else the other scale's (data/scale_outcomes.csv: MADRS
        <= 10 is < 11). `remission_below` itself stays the PHQ-9's: episode.py compares PHQ-9
        totals with it."""
        on_treatment = self.on_treatment
        if on_treatment is None or on_treatment.instrument == _PHQ9:
            return self.remission_below
        below = _scale_remission_below(on_treatment.instrument)
        return self.remission_below if below is None else below

    @property
    def outcome_before_adequate(self) -> bool:
        """The on-treatment PHQ-9 (the latest) was taken before the course became adequate
        (`adequate_from`) and shows neither response nor remission (review 7 finding 6): no
        PHQ-9 since the trial became adequate says whether it failed. REFERENCE.md 0.2: 4 to
        < 6 weeks is "possibly adequate - review", so a week-5 score cannot prove the failure
        of an adequate trial; a response or remission at week 5 is still one."""
        adequate_from, on_treatment = self.adequate_from, self.on_treatment
        if adequate_from is None or on_treatment is None or on_treatment.value is None:
            return False
        if on_treatment.date >= adequate_from or on_treatment.value < self.outcome_remission_below:
            return False
        baseline = self.baseline
        if baseline is None or baseline.value is None or baseline.value == 0:
            return True  # response unknown
        return not on_treatment.value <= baseline.value * RESPONSE_FRACTION

    @property
    def outcome_unmeasured(self) -> bool:
        """No PHQ-9 total on treatment, or none since the course became adequate that could
        show its failure (`outcome_before_adequate`): whether it failed is not measured."""
        on_treatment = self.on_treatment
        if on_treatment is None or on_treatment.value is None:
            return True
        return self.adequate_from is not None and self.outcome_before_adequate

    @property
    def unmeasured_text(self) -> str:
        """Why the outcome is not measured, as cards say it: "no PHQ-9 on treatment", or "no
        PHQ-9 since it became adequate (2025-05-26)" when the only score predates that."""
        if self.adequate_from is not None and self.outcome_before_adequate:
            return f"no PHQ-9 since it became adequate ({self.adequate_from.isoformat()})"
        if self.outcome_note is not None:
            return f"no PHQ-9 on treatment ({self.outcome_note})"
        return "no PHQ-9 on treatment"

    @property
    def outcome_inferred(self) -> bool:
        """Counted as failed with no PHQ-9 on treatment: the failure was read from the course
        having stopped (Fabbri 2021 EHR phenotype), not measured; every card that counts it says
        so."""
        return self.failed and self.outcome_unmeasured

    @property
    def failed(self) -> bool:
        """An adequate trial without response or remission: counts toward treatment resistance.

        For a course that has ended, a missing on-treatment score is not evidence of response:
        stopping or switching is read as failure and the card says the outcome was inferred (the
        Fabbri 2021 EHR phenotype counts a switch after >= 6 weeks as a failure). A course still
        running with no on-treatment score has no outcome yet: it is not counted as failed, so no
        switch, augmentation or TMS is proposed on an unmeasured trial (the safer reading; the
        measurement-based-care card asks for the PHQ-9 instead).
        """
        if self.verdict is not _ADEQUATE:
            return False
        # `remission is not True and response is not True`, read straight off the scores: the
        # rules ask this of every trial several times per card (issue 14).
        on_treatment = self.on_treatment
        if on_treatment is None or on_treatment.value is None:
            # Outcome unmeasured: neither remission nor response known. A course stopped for a
            # documented intolerance (nausea) was stopped for that, not for lack of effect: no
            # failure is read from the stop (audit 13 WRONG 4); it counts as not tolerated.
            return not self.ongoing and self.intolerance is None
        if self.adequate_from is not None and self.outcome_before_adequate:
            # No PHQ-9 since the course became adequate (review 7 finding 6): read exactly as
            # no PHQ-9 on treatment: a running course has no outcome yet, an ended one is an
            # inferred failure (outcome_inferred), never a measured one.
            return not self.ongoing
        if self.on_hold is not None and on_treatment.date > self.on_hold:
            return False  # scored while the drug was held (review 6 finding 3): to confirm
        if self.unconfirmed_since is not None and (
            not self.segments or on_treatment.date >= self.segments[-1].end
        ):
            return False  # scored after the time the record confirms (review 6 finding 11)
        if self.adherence.supply_gaps and self.outcome_gap is not None:
            # Scored with no drug on hand (review 6 finding 1): a relapse off the drug, or a score
            # that says nothing of the drug; never a failure of it. "To confirm", not counted: the
            # safer reading for a TMS referral and a payer packet.
            return False
        if on_treatment.value < self.outcome_remission_below:
            return False  # remission (the PHQ-9's cut-off, or the other scale's)
        baseline = self.baseline
        if baseline is None or baseline.value is None or baseline.value == 0:
            return True  # response unknown
        return not on_treatment.value <= baseline.value * RESPONSE_FRACTION


class FindingKind(StrEnum):
    """Diagnoses and findings the rules need, recognised from SNOMED CT / ICD-10-CM value sets."""

    DEPRESSION = "depression"  # MDD or depression, any
    TRD = "trd"  # SNOMED 1153570009
    MDD_IN_REMISSION = "mdd-in-remission"
    BIPOLAR = "bipolar"  # bipolar disorder, mania or hypomania
    # A bipolar diagnosis entered with verificationStatus `refuted` (review 14 recheck b01): never
    # BIPOLAR (a refuted entry drops the diagnosis it states), but read so that a card which still
    # blocks on another, differential entry of it can name the entry that refutes it. Its onset
    # is the day the refuting entry was recorded (recordedDate), else its onset.
    BIPOLAR_REFUTED = "bipolar-refuted"
    PSYCHOTIC = "psychotic"  # psychotic features or a psychotic disorder
    # A primary psychotic disorder (schizophrenia, schizoaffective, delusional disorder: ICD-10-CM
    # F20-F25), recorded beside PSYCHOTIC (review 7 finding 9): not MDD with psychotic features,
    # and the unipolar TRD pathway does not apply (REFERENCE.md; CMS159 exclusion).
    PSYCHOTIC_DISORDER = "psychotic-disorder"
    SUBSTANCE_USE = "substance-use"  # active (a code or text "in remission" reads as the next)
    SUBSTANCE_USE_IN_REMISSION = "substance-use-in-remission"  # F1x.11/.21/.91 (review 7 f. 8)
    # Chronic liver disease or cirrhosis (ICD-10-CM K70, K72-K74, B18): duloxetine is avoided
    # there (Cymbalta label; review 7 finding 3). Rows whose code means hepatic impairment is
    # likely (cirrhosis, hepatic failure, portal hypertension) carry severity "impairment" in
    # condition_codes.csv; the finding keeps it only while the condition is active (context.py).
    LIVER_DISEASE = "liver-disease"
    EPILEPSY = "epilepsy"  # epilepsy or seizures (TMS contraindication)
    HYPOTHYROIDISM = "hypothyroidism"
    B12_DEFICIENCY = "b12-deficiency"
    FOLATE_DEFICIENCY = "folate-deficiency"
    VITAMIN_D_DEFICIENCY = "vitamin-d-deficiency"
    SLEEP_APNEA = "sleep-apnea"
    SLEEP_APNEA_TREATED = "sleep-apnea-treated"  # CPAP on record
    ANXIETY = "anxiety"
    PTSD = "ptsd"
    # Premenstrual dysphoric disorder (ICD-10-CM F32.81): not a major depressive episode. With no
    # depression code beside it, the TRD pathway takes no step (services/pathway.py pmdd_only).
    PMDD = "pmdd"
    PREGNANCY = "pregnancy"
    # Onset in the puerperium (ICD-10-CM F53.x, O90.6; SNOMED postpartum-onset MDD): whether it
    # is also depression is the DEPRESSION row's call (O90.6 "postpartum blues" is not MDD).
    POSTPARTUM = "postpartum"
    # A puerperal psychosis (ICD-10-CM F53.1, SNOMED 18260003) recorded as resolved or inactive,
    # or abated: never PSYCHOTIC or POSTPARTUM (it is not current), but a strong marker of
    # bipolarity, so the history warning names it (rules/postpartum_psychosis.py; context.py
    # `_RESOLVED_ONLY`).
    PUERPERAL_PSYCHOSIS_HISTORY = "puerperal-psychosis-history"
    # A recorded delivery (ICD-10-CM O80/O82, Z37.x, Z39.0/Z39.2; SNOMED delivery procedures):
    # ends a pregnancy coded before it and starts the postnatal year (review 11 finding 5/11c).
    DELIVERY = "delivery"
    # Breastfeeding on record (Z39.1; a Breastfeeding status Observation, LOINC 63895-7, read by
    # fhir_mapping/pregnancy.py): the lactation caveats of condition_drug_rules.csv apply.
    LACTATION = "lactation"
    # A recorded "not breastfeeding" answer (63895-7 answered LA29253-4, v2-0136 N, "No",
    # false): its own kind, never LACTATION, so no reader that asks "is a lactation finding on
    # record" can take a "no" for breastfeeding (the safer split); it ends breastfeeding recorded
    # before it (services/rules/populations.py).
    NOT_BREASTFEEDING = "not-breastfeeding"
    SUICIDAL_IDEATION = "suicidal-ideation"
    SELF_HARM = "self-harm"
    # Catatonic features (ICD-10-CM F06.1, SNOMED "with catatonic features"): ECT or a
    # benzodiazepine first, not TMS (CANMAT 2023 Table 3.6, para 215; issue 11 item 8).
    CATATONIA = "catatonia"
    IMPLANTED_DEVICE = (
        "implanted-device"  # metal or stimulators near the head (TMS contraindication)
    )
    # TMS safety screen items that keep the TMS card but must be screened first (issue 11 item
    # 6; tms_safety.py): pacemaker/ICD, CSF shunt, stent, retained fragments, stroke, brain
    # tumour, traumatic brain injury, raised intracranial pressure.
    TMS_CAUTION = "tms-caution"
    # Label contraindications of bupropion (issue 11 item 5a): a current or past eating disorder
    # (anorexia or bulimia nervosa: counts when resolved) and an active alcohol or sedative
    # withdrawal (abrupt discontinuation lowers the seizure threshold).
    EATING_DISORDER = "eating-disorder"
    ALCOHOL_SEDATIVE_WITHDRAWAL = "alcohol-sedative-withdrawal"
    # Frailty coded on the chart (ICD-10-CM R54, SNOMED frailty findings; condition_codes.csv). Kept in
    # ClinicalContext.frailty, not in `findings`: it only qualifies "older adult" (issue 12).
    FRAILTY = "frailty"
    # A fall, repeated falls or a history of falling (ICD-10-CM R29.6, Z91.81, W00-W19; SNOMED
    # falls findings; data/falls_codes.csv): named on the low-sodium card (review 10 finding 7).
    FALLS = "falls"
    # SIADH coded (ICD-10-CM E22.2): an SSRI or SNRI drafted beside it gets a sodium warning at
    # the order hooks whatever the latest sodium (services/order_checks/sodium_draft.py, review
    # 12 finding 7).
    SIADH = "siadh"
    # Angle-closure glaucoma or an anatomically narrow angle (ICD-10-CM H40.2x, H40.03x, H40.06x;
    # SNOMED CT 392288006): a tricyclic's anticholinergic mydriasis, and the pupillary dilation the
    # SSRI, SNRI, bupropion and mirtazapine labels warn of, can set off an angle-closure attack
    # (services/order_checks/drug_disease.py; review 13 W5). Open-angle glaucoma (H40.1x) is not
    # this kind: the labels' warning is about narrow angles.
    ANGLE_CLOSURE = "angle-closure"
    # Urinary retention (ICD-10-CM R33.x; SNOMED CT 267064002, 236648008) or benign prostatic
    # hyperplasia with lower urinary tract symptoms (N40.1): a strongly anticholinergic drug (a
    # tricyclic) can bring on retention (AGS Beers 2023 drug-disease table; review 13 W5).
    URINARY_RETENTION = "urinary-retention"
    # Kidney failure coded (ICD-10-CM N18.5, N18.6, I12.0, Z49.0; SNOMED ESRD, CKD stage 5) and
    # dialysis coded (Z99.2, Z49.3; SNOMED dependence on dialysis): the renal checks read the
    # labels' ESRD band from them when no eGFR can be relied on (services/renal_doses.py).
    KIDNEY_FAILURE = "kidney-failure"
    DIALYSIS = "dialysis"
    # A kidney transplant on record (ICD-10-CM Z94.0; SNOMED transplanted kidney present, history
    # of renal transplant): dated after every dialysis code, it ends the dialysis reading and an
    # eGFR since the transplant decides (services/renal_doses.py; review 11 recheck 2 finding 5).
    KIDNEY_TRANSPLANT = "kidney-transplant"
    # A liver transplant on record (ICD-10-CM Z94.4; SNOMED 737297006 transplanted liver
    # present): dated after every cirrhosis or hepatic failure code, those codes are read as the
    # native liver's, not as current hepatic impairment (services/hepatic_doses.py; recheck 12
    # finding 4).
    LIVER_TRANSPLANT = "liver-transplant"
    # Chronic kidney disease stage 4 or 3 coded (ICD-10-CM N18.4, N18.3/N18.30-N18.32; SNOMED
    # 431857002, 433144002, 700378005, 700379002): with no eGFR on record the renal checks read
    # the stage's eGFR range (KDIGO G4 15-29, G3 30-59, G3a 45-59, G3b 30-44;
    # services/data/ckd_stages.csv); an eGFR on record decides instead (services/renal_doses.py).
    CKD_STAGE_4 = "ckd-stage-4"
    CKD_STAGE_3 = "ckd-stage-3"
    CKD_STAGE_3A = "ckd-stage-3a"
    CKD_STAGE_3B = "ckd-stage-3b"
    # An acute myocardial infarction (ICD-10-CM I21.x, I22.x; SNOMED 22298006 and the acute
    # STEMI/NSTEMI children Synthea writes): the TCA labels contraindicate them "during the acute
    # recovery period after myocardial infarction" (review 12 finding 2). Read whatever its
    # clinical status (an MI is often resolved within weeks): how recent it must be to count is
    # clinic policy (services/policy.py recent_mi_days), applied in services/cardiac.py.
    ACUTE_MI = "acute-mi"
    # Heart failure (ICD-10-CM I50.x; SNOMED 84114007, 42343007, 88805009): citalopram's label
    # asks for ECG monitoring and corrected potassium and magnesium there (review 12 finding 15).
    HEART_FAILURE = "heart-failure"
    # Heart failure recorded as resolved or inactive, or abated (review 14 recheck t01: I50.9
    # resolved 2015): never HEART_FAILURE (not current), but a cardiac history the liothyronine
    # caution still names as past (Cytomel label 5.1: caution in cardiovascular disease;
    # services/thyroid_hormone_cautions.py). Read like PUERPERAL_PSYCHOSIS_HISTORY (context.py
    # `_RESOLVED_ONLY`).
    HEART_FAILURE_HISTORY = "heart-failure-history"
    # An old (healed) myocardial infarction (ICD-10-CM I25.2; SNOMED 1755008): the tricyclic
    # labels ask for close watch in cardiovascular disorders, a caution line on a tricyclic
    # order (services/order_checks/cautions.py), never the acute-MI contraindication.
    OLD_MI = "old-mi"
    # Adverse effects of a running augmenting agent (review 13 U2, U3, W9):
    # atrial fibrillation or flutter and other tachyarrhythmias, and thyrotoxicosis, with
    # liothyronine running (Cytomel label 5.1: overtreatment may precipitate arrhythmias);
    # tardive dyskinesia and akathisia with an antipsychotic running (the antipsychotic labels).
    # Read by services/rules/adjunct_harm.py (services/data/adjunct_harms.csv).
    ARRHYTHMIA = "arrhythmia"
    THYROTOXICOSIS = "thyrotoxicosis"
    # Coronary artery disease or angina (ICD-10-CM I25.1x, I20.x; SNOMED CT 53741008): a
    # liothyronine proposal or order beside it carries the label's caution (Cytomel label 5.1:
    # lower starting doses in cardiovascular disease;
    # services/thyroid_hormone_cautions.py).
    CORONARY_DISEASE = "coronary-disease"
    TARDIVE_DYSKINESIA = "tardive-dyskinesia"
    AKATHISIA = "akathisia"
    # Diabetes mellitus coded (ICD-10-CM E10.x, E11.x; SNOMED CT 44054006, 46635009): named on
    # the running-antipsychotic metabolic line with the last HbA1c (review 13 W7 recheck: a2's
    # type 2 diabetes and its A1c of 8.9 % went unnamed beside quetiapine; services/lab_safety.py
    # metabolic_text). Antipsychotics worsen glycaemic control (ADA/APA consensus 2004).
    DIABETES = "diabetes"


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
    # `onset` is then its first day, which is not on record. None when the onset states its day.
    onset_written: str | None = None
    # Recheck 13 n04: the Condition's state on the as-of date as
    # context._condition_state reads it ("active", "inactive": resolved or inactive, "remission"),
    # and its abatement date when one is on record, so a finding kept after it resolved
    # (counts_when_resolved: tardive dyskinesia) is said as history, not as a current effect.
    state: str = "active"
    abated: date | None = None
    # The Condition's verificationStatus when it marks the diagnosis as not confirmed
    # ("unconfirmed", "provisional", "differential"); None when confirmed or not stated (US Core
    # allows it absent). Such a finding still counts (a differential bipolar II must still stop
    # an antidepressant-only plan); cards name it as not confirmed (review 14 M1).
    verification: str | None = None

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
    def coding(self) -> str:
        """How a card names the finding's code: "ICD-10-CM F10.20", the system as clinicians
        know it (data/code_systems.csv `label`; an unknown system as sent: audit 13 finding 6),
        or "typed in" for a diagnosis read from text alone (fhir_mapping/diagnosis_text.py:
        system "text", no code), never an empty "(text )" (review 9 finding 14)."""
        if self.system == "text":
            return "typed in"
        return f"{system_label(self.system)} {self.code}"


@dataclass(frozen=True, slots=True)
class Measurement:
    """A measurement an ECG reports beside the QTc it lacks (its QT interval, its heart rate), as
    sent: shown on the "QTc not compared" card, never compared, never used to compute a QTc."""

    test: str  # "qt" | "heart-rate" (fhir_mapping/data/lab_panel_measures.csv)
    value: float
    unit: str | None


@dataclass(frozen=True, slots=True)
class BloodPressure:
    """One blood pressure reading (fhir_mapping/blood_pressure.py): a US Core Blood Pressure panel
    (LOINC 85354-9) with its systolic (8480-6) and diastolic (8462-4) components, or the two
    sent as Observations of their own and paired by their time. In mm Hg."""

    date: date
    systolic: float | None
    diastolic: float | None
    source: SourceRef | None = None
    # The time the reading was taken when the resource gives one (ISO text), so two readings of
    # one day stay in order and a card can show which is the later.
    taken: str = ""

    def text(self) -> str:
        """ "162/102 mm Hg on 2025-05-20" (a missing half as "?")."""

        def part(value: float | None) -> str:
            return "?" if value is None else f"{value:g}"

        return f"{part(self.systolic)}/{part(self.diastolic)} mm Hg on {self.date.isoformat()}"


@dataclass(frozen=True, slots=True)
class PgxResult:
    """One pharmacogenomic result of a gene the service reads (fhir_mapping/pgx.py; review 13
    W4): a phenotype Observation (LOINC 79714-2 CYP2C19, 79715-9 CYP2D6) or a genotype one
    (84413-4) naming the gene. `phenotype` is the lab's own interpretation ("poor", "normal",
    ...: fhir_mapping/data/pgx_codes.csv), or None when the result gives none the service can
    read: "not interpreted", never guessed from a genotype."""

    gene: str  # "CYP2C19" | "CYP2D6"
    phenotype: str | None
    date: date
    source: SourceRef | None = None
    # The phenotype as the lab wrote it ("Poor metabolizer"), or the genotype text ("*2/*2") of a
    # result not interpreted; for the card line, never for logs.
    text: str = ""

    def words(self) -> str:
        """ "CYP2C19 poor metabolizer (2024-08-01)" or "CYP2C19 result *2/*2 (2024-08-01), not
        interpreted as a phenotype" """
        when = self.date.isoformat()
        if self.phenotype is None:
            shown = f" {self.text}" if self.text else ""
            return f"{self.gene} result{shown} ({when}), not interpreted as a phenotype"
        return f"{self.gene} {self.phenotype} metabolizer ({when})"


@dataclass(frozen=True, slots=True)
class LabResult:
    """A lab the diagnosis review reads. `test` is "tsh", "free-t4", "b12", "folate" or "vitamin-d"."""

    test: str
    value: float | None
    unit: str | None
    date: date
    flag: str | None = None  # "low" | "high" | "normal" from interpretation or reference range
    source: SourceRef | None = None
    # A QTc read from an ECG that gives none (or none that is a number): what the ECG does report
    # (fhir_mapping/lab_measures.py), so the card shows what was measured. Empty otherwise.
    reported: tuple[Measurement, ...] = ()
    # valueQuantity.comparator as sent ("<", "<=", ">", ">="; None: an exact value): "eGFR > 60"
    # is a bound, not 60 (a renal check must not read it as mild impairment).
    comparator: str | None = None
    # The high end of the Observation's own referenceRange, in the value's unit, for the tests
    # judged as a multiple of the upper limit of normal (ALT, AST: fhir_mapping/labs.py
    # ULN_TESTS, services/transaminases.py); None when not sent or for other tests.
    range_high: float | None = None


class ProcedureKind(StrEnum):
    PSYCHOTHERAPY = "psychotherapy"
    ECT = "ect"
    TMS = "tms"
    CPAP = "cpap"
    # A supervised esketamine session (HCPCS G2082/G2083): the sessions of a course on record
    # (review 7 finding 7), so esketamine is not offered again as if untried.
    ESKETAMINE = "esketamine"
    # A documented suicide risk assessment (SNOMED 225337009): acknowledges an earlier positive
    # suicide-risk signal (issue 11 item 10).
    SUICIDE_RISK_ASSESSMENT = "suicide-risk-assessment"
    # A dialysis session or dialysis service (SNOMED 302497006 haemodialysis, Synthea's; CPT
    # 90935/90937, 90945/90947, 90960-90970): a recent one reads as on dialysis, as Z99.2 does
    # (services/renal_doses.py; policy.dialysis_procedure_recent_days).
    DIALYSIS = "dialysis"


@dataclass(frozen=True, slots=True)
class ProcedureRecord:
    kind: ProcedureKind
    code: str
    system: str
    date: date | None
    source: SourceRef | None = None
    # The last day of a performedPeriod that spans days (a whole TMS or ECT course documented as
    # one Procedure); None for a procedure on one day. A course's dates must come from the record,
    # not be cut to its first day (patient-view review finding 9).
    performed_end: _Day | None = None


@dataclass(frozen=True, slots=True)
class Referral:
    """An open or completed ServiceRequest the rules must not duplicate (TMS, psychiatry, ...)."""

    kind: str  # "tms" | "ect" | "psychiatry" | "psychotherapy" | "suicide-risk-assessment" | "lab:<test>"
    status: str
    authored: date | None
    source: SourceRef | None = None


@dataclass(frozen=True, slots=True)
class ClinicalContext:
    findings: tuple[Finding, ...] = ()
    labs: tuple[LabResult, ...] = ()
    # Active, confirmed frailty Conditions (condition_codes.csv kind "frailty"; context.py), oldest first.
    frailty: tuple[Finding, ...] = ()

    def has(self, kind: FindingKind) -> bool:
        return any(f.kind is kind for f in self.findings)

    def of(self, kind: FindingKind) -> tuple[Finding, ...]:
        # A list, not a generator, into the tuple: the rules ask this dozens of times per request.
        return tuple([f for f in self.findings if f.kind is kind])

    def latest_lab(self, test: str) -> LabResult | None:
        found = [lab for lab in self.labs if lab.test == test]
        return max(found, key=lambda lab: lab.date) if found else None


@dataclass(frozen=True, slots=True)
class Patient:
    id: str | None  # logical id: used only to key snoozes (hashed), never logged
    age: int | None
    sex: str | None
    # Patient.deceasedBoolean true or a deceasedDateTime on or before as-of: no cards at any hook
    # (issue 11 item 14).
    deceased: bool = False


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

    @property
    def mg_per_day_upper(self) -> float | None:
        return self.mg_per_day_high if self.mg_per_day_high is not None else self.mg_per_day


class DataDomain(StrEnum):
    """The kinds of chart data a conclusion rests on. A gap in one is reported on the cards whose
    conclusion it could change (issue 10 "never silent")."""

    MEDICATIONS = "medications"  # MedicationRequest / Statement / Dispense (and Medication)
    SCORES = "scores"  # PHQ-9 and other scales (Observation, QuestionnaireResponse)
    CONDITIONS = "conditions"  # diagnoses: bipolar, psychosis, epilepsy, MDD, ...
    PROCEDURES = "procedures"  # psychotherapy, ECT, TMS, CPAP
    REFERRALS = "referrals"  # ServiceRequest
    DEVICES = "devices"  # implants (TMS safety)
    LABS = "labs"  # TSH, B12, folate, vitamin D
    INTOLERANCES = "intolerances"  # AllergyIntolerance / AdverseEvent naming a drug
    PATIENT = "patient"  # the Patient resource (age, sex)
    # Drugs read only because another is on the chart (DrugInfo.read_only_with: an NSAID, ACE
    # inhibitor, ARB or thiazide with lithium): they can change only the interaction cards, not
    # the trials or the TMS criteria (review 9 finding 11).
    PARTNER_DRUGS = "partner-drugs"
    # An ECG or QTc result that could not be read (an ECG with no QTc, a QTc that is not a
    # number): it can change only the QTc checks, not the TSH, lithium-level or sodium ones that
    # share the `labs` feed (review 9 recheck: the ECG notice rode those cards too).
    QTC = "qtc"
    # Esketamine sessions given in clinic and charted on the MAR (MedicationAdministration:
    # fhir_mapping/administrations.py, review 10 finding 10). Apart from PROCEDURES: a MAR that
    # could not be fetched hides no psychotherapy, ECT or TMS, only these sessions.
    SESSIONS = "esketamine sessions"
    # ALT and AST (the `liverTests` prefetch key, services/catalog.py): apart from LABS so that a
    # chart sent without that key (an EHR with the older discovery) leaves only the transaminase
    # checks unseen, never the lithium, TSH or sodium ones that come under `labs` (review 12 H10).
    LIVER_TESTS = "liver tests"
    # Blood pressure readings (the `vitals` prefetch key, services/catalog.py; fhir_mapping/
    # blood_pressure.py): apart from LABS, as only the blood-pressure checks of the SNRIs and
    # bupropion read them (review 13 W6), so a chart sent without the key leaves nothing else unseen.
    VITALS = "vital signs"
    # Pharmacogenomic results (the `pgx` prefetch key, services/catalog.py; fhir_mapping/pgx.py):
    # read only by the PGx dose check at the order hooks and the optimise card's PGx line (review
    # 13 W4), so a chart sent without the key leaves only those unseen (topic_data.csv).
    PGX = "pharmacogenomic results"


class GapCause(StrEnum):
    LEFT_OUT = "left-out"  # a resource that was sent and could not be read
    NOT_PROVIDED = "not-provided"  # a kind of data neither sent nor fetchable
    PARTIAL = "partial"  # data sent in part (a Bundle whose next pages could not be read)


@dataclass(frozen=True, slots=True)
class DataGap:
    """Data the service could not read, so a card can say so instead of concluding in silence.

    Either one resource left out (`source` names it, `reason` says why: "medication reference not
    found", "no date", "another patient's resource") or a whole domain that was neither provided
    nor fetchable (`whole_domain`, `reason` says why: "prefetch key 'procedures' was not sent and
    the FHIR server could not be asked"). Reasons carry no patient data beyond resource ids.
    """

    domain: DataDomain
    reason: str
    source: SourceRef | None = None
    whole_domain: bool = False
    cause: GapCause = GapCause.LEFT_OUT
    # A recognised drug the resource says is taken now (an active MedicationStatement or order)
    # whose dates could not be read: its ingredients, so the safety checks that ask what is
    # running (an MAOI with a serotonergic drug: services/washout.py) still see it, and the card
    # line names it. Never in `reason`: reasons go to the logs, drug names must not.
    taken_now: tuple[str, ...] = ()
    # The date of the resource left out, where a card needs it ("PHQ-9 on 2025-05-23
    # incomplete": review 13 W11). Never in `reason` (reasons go to the logs).
    date: date | None = None

    def line(self) -> str:
        if self.whole_domain:
            return f"{self.domain.value} not available: {self.reason}"
        where = f"{self.source}, " if self.source is not None else ""
        return f"{where}{self.reason}"


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


# Built for every PHQ-9, lab and fact read (issue 14): frozen_init.py.
quick_frozen_init(Score)
quick_frozen_init(SourceRef)
