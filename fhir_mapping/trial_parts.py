"""What a Trial (trial.py) is made of: its role, dose basis and verdict, the reasons a course is
not an adequate trial, stated indications, dose segments, supply gaps, fills and adherence,
intolerances, scores, written dates and products. Re-exported by record.py, where the rules
import them from."""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from fhir_mapping.adherence_record import Adherence as Adherence
from fhir_mapping.adherence_record import AdherenceStatus as AdherenceStatus
from fhir_mapping.adherence_record import Fill as Fill
from fhir_mapping.adherence_record import RefillGap as RefillGap
from fhir_mapping.dose_basis_kind import DoseBasis as DoseBasis
from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.source_ref import SourceRef


class Role(StrEnum):
    """What a medication is on this pathway."""

    ANTIDEPRESSANT = "antidepressant"
    AUGMENTATION = "augmentation"  # adjunct per CANMAT 2023 Table 7.2 (aripiprazole, lithium, ...)
    # Not a pathway drug: recognised only because it interacts with antidepressants (linezolid and
    # methylene blue act as MAOIs, issue 11 item 1). Never a trial of the pathway, never proposed.
    INTERACTING = "interacting"


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
    # The course's orders were read but its refill data (MedicationDispense) could not be
    # (the FHIR search failed, or the EHR sent an error in place of them: review s21 RC W2):
    # adherence is not known, so weeks at an adequate dose are not confirmed as a fair trial and
    # the course is not counted as a failed adequate trial (fhir_mapping/refills_unread.py).
    ADHERENCE_NOT_READ = "adherence-not-read"
    # An antipsychotic ordered only as needed or as one-time injections (rapid tranquillisation
    # for agitation, review s27 RE finding 4; agitation_doses.py): no augmentation course
    # (Verdict.NOT_A_TRIAL), never an adjunct used nor staged.
    AS_NEEDED_OR_ONE_TIME = "as-needed-or-one-time"
    # A drug dosed to a serum level (lithium) with no level on the course at its therapeutic
    # minimum (fhir_mapping/level_adequacy.py, fix trial74): adequacy not shown, never a failure.
    LEVEL_NOT_SHOWN = "level-not-shown"


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

    @property
    def from_condition(self) -> bool:
        """Read from a Condition on record, not stated by an order or statement: the course
        states no reason and the record holds a condition the drug treats (review 19 I2;
        condition_indications.py). Cards say "taken with ... on record", never "ordered for"."""
        return self.source.resource_type == "Condition"


quick_frozen_init(StatedReason)


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


quick_frozen_init(DoseSegment)


@dataclass(frozen=True, slots=True)
class TaperSpan:
    """Days a record of a course said were steps off the drug (a sig "..., then stop":
    taper.taper_spans), from `start` up to `end`, the day a later record of the course went on
    at a steady dose (the taper not followed through); `end` None: the taper runs to the
    course's end, the course being taken off the drug (s26 RK1 finding 2)."""

    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def days_of(self, start: date, end: date) -> int:
        """How many of the days [start, end) the span covers."""
        last = end if self.end is None else min(end, self.end)
        return max(0, (last - max(start, self.start)).days)


quick_frozen_init(TaperSpan)


@dataclass(frozen=True, slots=True)
class BeforeGap:
    """A course judged up to its first supply gap (a stretch of >= supply_gap_days with no supply
    on hand, the supply taken up again after it): fhir_mapping/verdict_before_gap.py. Set only
    when the course had become an adequate trial on its supply by then."""

    until: date  # the gap's first day without supply
    resumed: date  # the fill that took the supply up again (the gap's end)
    adherence: Adherence  # judged up to `until`
    adequate_from: date  # the day it became adequate (adequacy.adequate_from)
    # Set once the PHQ-9 up to `until` showed the adequate trial failed: that verdict stands
    # whatever the refills after the gap show (score_windows.attach_scores).
    failed: bool = False
    # The restart's outcome, when it showed response or remission (verdict_before_gap.
    # restart_reading, session 21 G2): the latest score on the drug since the restart and the
    # baseline it was read against. The failure still counts, but the current recommendation
    # follows this reading (verdict_before_gap.responding_now). None when the restart has not
    # responded, or when `failed` is not set.
    after: Score | None = None
    after_baseline: Score | None = None


quick_frozen_init(BeforeGap)


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
    # The allergen as written when the allergy names a drug class, not this drug ("SSRIs"): the
    # class is held back whole and the cards name it as written (review 16 U1). "" otherwise.
    allergen_class: str = ""
    # Criticality high, a reaction severity "severe", anaphylaxis, angioedema ...
    # (allergy_classes.severe_reaction): critical.
    severe: bool = False
    # Read from an order's or statement's free-text note, not a coded reason (note_intolerance.py;
    # RC review s23 finding 3b): named and held back as any intolerance, not counted toward TMS
    # until confirmed (services/intolerance_count.py).
    to_confirm: bool = False


@dataclass(frozen=True, slots=True)
class CodedAdverseEffect:
    """An ICD-10-CM adverse-effect Condition naming a class (T43.225A: an SSRI;
    fhir_mapping/adverse_effect_codes.py), kept on the record so a code that no course of its
    class on this chart explains is still said (s29 RN finding 3: it was ignored, and the switch
    card offered SSRIs plainly)."""

    code: str  # as written, "T43.225A"
    label: str  # "an SSRI"
    day: date
    source: SourceRef
    covers: tuple[str, ...]  # the ingredients of the drug table the code names, in its order


@dataclass(frozen=True, slots=True)
class DoseNotTolerated:
    """A dose of a course that ended for an adverse effect (fhir_mapping/dose_not_tolerated.py;
    review s20 RA finding 1): sertraline 150 mg/day stopped 2025-07-14 with statusReason
    "Adverse effect: GI upset and insomnia", 100 mg ordered that day. The optimise card raises
    no higher than below it (services/rules/optimize/room.py)."""

    mg_per_day: float
    intolerance: Intolerance  # the stop reason as documented, its date and resource


@dataclass(frozen=True, slots=True)
class TotalConflict:
    """A PHQ-9 total filed beside nine readable item answers whose sum differs from it (review
    s22 RS finding 1), or beside fewer that already sum to more (s22 RR finding 4):
    fhir_mapping/phq9_item_sum.checked_total."""

    filed: int
    items_sum: int
    # All nine answers read (`items_sum` is the total); False: fewer were filed and already sum
    # to more than `filed`, so the total is at least `items_sum` (review s22 RR finding 4).
    complete: bool = True
    # The item-9 answer filed, when it is below what `filed` proves (item9_floor.checked_item9,
    # review s27 RF finding 3: a total of 25 beside item 9 = 0): `items_sum` is then the MOST the
    # total can be (the other eight items' maximum plus that answer), not a sum. None otherwise.
    item9: int | None = None


# `date` inside Score names its field: its methods say the type by this name.
_Day = date


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
    # The instant the result was taken, when its dateTime states a time with an offset or "Z",
    # in the offset written (fhir_fields.parse_instant); None otherwise. One administration
    # written in two zones (a flowsheet at 23:30-05:00, its QuestionnaireResponse at 04:30Z
    # the next day) is one instant on two written days (fix 20 item 3:
    # questionnaire_duplicates.py). Not compared: `date` stays the day as written.
    instant: datetime | None = field(default=None, compare=False)
    # The filed total and its nine items' sum when they disagree (phq9_item_sum.checked_total):
    # `value` is then the higher of the two, which severity reads (the safer reading), and no
    # response, remission or failure rests on the score unless both numbers give the same one
    # (phq9_conflict_readings.py, review s27 RB 1; the Maudsley stage reads the lower);
    # the cards name both numbers (services/phq9_total_conflict.py).
    total_conflict: TotalConflict | None = None
    # The date as written when it names no day: "2026-11" (a month) or "2026" (a year), as an HIE
    # feed sends a result it only knows by month (FHIR R4 dateTime allows YYYY and YYYY-MM).
    # `date` is then the period's first day, which every window but the suicide-risk one keeps;
    # the cards say "in 2026-11 (month only)", never a day the record does not give (review s23
    # RT finding 3). None: a full date or dateTime.
    written: str | None = field(default=None, compare=False)
    # The item-9 answer on record is below the least one its filed total proves (item9_floor:
    # the other eight items score at most 24, so a total of 25 needs item 9 >= 1; review s27 RF
    # finding 3): that least answer. One of the two numbers is wrong, and it may be item 9, so
    # the suicide-risk rule asks for a look at the form (risk_events.doubt_event) and no outcome
    # or severity rests on the total until it is checked (`total_conflict` says both). None:
    # no such contradiction (nearly always).
    item9_doubt: int | None = None
    # Item 9 alone, read by its words on a form not read as a PHQ-9 (phq9_form_item9.py: a PHQ-A,
    # an opaque site canonical): a safety reading, not a PHQ-9 without its total, so no card asks
    # to score it (phq9_no_total.py; session 28 fix words28 item 3). False: every other score.
    item9_only: bool = field(default=False, compare=False)
    # A self-harm question of no scale answered positively (fhir_mapping/form_self_harm.py: "Yes"
    # to "Previous suicide attempt", a GAD-7 group's "Suicidal thoughts" = "Nearly every day"),
    # `item9` that answer's value: (the answer's words, the question as the form asks it), which
    # the card quotes rather than naming a scale's item nobody asked (tuple[str, ...]: the form
    # record_codec stores; review s29 K16 chart y01,
    # session 29 fixes forms30 and net30). None: every other score.
    asked: tuple[str, ...] | None = field(default=None, compare=False)
    # The form's own scale when an item-9-only reading comes from a version of the PHQ-9 with its
    # own name (fhir_mapping/phqa_form.py: "PHQ-A"): the name the cards give its item 9; the
    # score stays a PHQ-9 item 9 in every rule. None: every other score.
    form: str | None = field(default=None, compare=False)
    # A self-harm question of no scale worded as PAST ("History of suicidal ideation" = yes)
    # while the same form's current item is answered no (form_self_harm.py): what it records,
    # "suicidal ideation" or "self-harm"; the card warns to ask about now (session 29 fix net32).
    past: str | None = field(default=None, compare=False)

    def latest_day(self) -> _Day:
        """The last day the written date allows: the month's or year's last day for a partial
        date, else `date`. The suicide-risk look-back reads an answer by it: "2026-11" may be
        the 30th, and an answer that may be recent is read as recent (the safer reading)."""
        if self.written is None:
            return self.date
        if len(self.written) == 4:
            return date(self.date.year, 12, 31)
        return date(self.date.year, self.date.month, monthrange(self.date.year, self.date.month)[1])

    def day_text(self) -> str:
        """The score's date for a card: "2026-11-20", or "2026-11 (month only)" / "2026 (year
        only)" for a partial date."""
        if self.written is None:
            return self.date.isoformat()
        return f"{self.written} ({'year' if len(self.written) == 4 else 'month'} only)"


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


# Built for every PHQ-9 read (issue 14): frozen_init.py.
quick_frozen_init(Score)
