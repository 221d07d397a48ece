"""One antidepressant (or augmentation) course as a trial: the Maudsley Treatment Inventory's
per-drug row (drug, dose, weeks at or above the minimum dose, adherence, response) and the
judgements the rules ask of it. Re-exported by record.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fhir_mapping.course_end_basis import EndFrom
from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.injection_tail import InjectionTail
from fhir_mapping.raise_order import LowerOrder, RaiseOrder
from fhir_mapping.source_ref import SourceRef
from fhir_mapping.trial_dose import TrialDose
from fhir_mapping.trial_outcome import TrialOutcome
from fhir_mapping.trial_parts import (
    Adherence,
    BeforeGap,
    DoseBasis,
    DoseNotTolerated,
    DoseSegment,
    InadequacyReason,
    Intolerance,
    Product,
    Role,
    Score,
    StatedReason,
    TaperSpan,
    Verdict,
    WrittenDates,
)
from fhir_mapping.trial_taper import TrialTaper


@dataclass(frozen=True, slots=True)
class FillToConfirm:
    """A fill read whose status is to confirm (Trial.fills_to_confirm): its day and status."""

    day: date
    status: str  # as sent: "unknown", "in-progress"


@dataclass(frozen=True, slots=True)
class Trial(TrialOutcome, TrialDose, TrialTaper):
    """One ingredient's course in one episode of treatment (its outcome judgements:
    trial_outcome.py)."""

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
    # supports, never after as-of (review 14 W6): a statement's dateAsserted, else its start; a
    # held order's (FHIR R4 records no hold date) its last supply's end, or its own date unfilled.
    on_hold: date | None = None
    held_long: bool = False  # that date supply_gap_days or more ago (course_support.held_long)
    # The course runs on only because a MedicationStatement lists it `active` and nothing has
    # confirmed it for MappingPolicy.statement_confirmed_days (review 6 finding 11): the last
    # date the record confirms it. Time after that + the policy's days is not covered (the
    # segments stop there); the course stays ongoing for the safety checks, and a PHQ-9 taken
    # after the covered time does not decide its outcome. None: no such listing.
    unconfirmed_since: date | None = None
    # That listing is an `active` order no fill or renewal confirms (review s21 RN finding 5:
    # a fluoxetine order of 1993, never renewed), not a statement: how the cards word it.
    unconfirmed_order: bool = False
    # A running course (not `unconfirmed_since`) whose supply on record ran out more than
    # statement_confirmed_days before as-of, no later fill (review s22 RR2 finding 5: a phenelzine
    # order of 2024 left active, filled once in 2024-03, read "is running" in 2026-12): the day
    # it ran out (Adherence.supply_until; the last fill: Adherence.last_fill). Cards call it
    # "listed", to confirm, as an old statement (services/taken_to_confirm.course_claim); it
    # stays ongoing for the safety checks (the safer reading). None for every other course.
    supply_out_since: date | None = None
    # Only an `active` order keeps the course, no fill yet on a fill feed, inside rule 2c's window
    # (s23 RR2 finding 6): the order's day. "is ordered (2026-11-21, no fill yet)", not "running".
    awaiting_fill: date | None = None
    # A dispense of the course's order (or drug, on or after it) declined, cancelled or stopped,
    # no fill showing it taken (unfilled_order.py, s23 RR2 finding 5): "fill declined 2025-06-02".
    # `no_fill_feed`: order-only, the chart sends no dispense (orders33): "no fill on record".
    fill_refused: str = ""
    no_fill_feed: bool = False
    # span73: an order-only course before the feed's first pathway fill, read as on an orders-only
    # chart (feed_coverage.py): "the fills on record start 2026-07-31". "" for every other course.
    fills_from: str = ""
    feed_unfilled: bool = False  # listed, a fill feed shows never filled: never failed (orders34)
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
    # it and 21 days after sertraline stopped". Or, with an outcome score taken after the next
    # course started beside this one (audit 17b W2), that it was taken on both: "PHQ-9 16 on
    # 2025-05-23 was taken on both: venlafaxine 19 weeks in, sertraline 9 days in". None: neither.
    outcome_note: str | None = None
    # A TMS or ECT course ended the drug's scoring window (device_course_scores.device_cut_off):
    # its name ("TMS", "ECT") and first session, the last day a score may be the drug's outcome;
    # None when no course did. Services say the weeks scored up to it beside the weeks in all
    # (s25 RT finding 9) and mark the cut on the timeline (finding 7).
    device_cut: str | None = None
    device_cut_on: date | None = None
    # The combination product the course was read from (every record of it, or some of them when
    # the same drug was also taken on its own), else None: a structured fact, never a note.
    product: Product | None = None
    # Every record of the course rests on the patient's own report (a home medication:
    # MedicationRequest reportedBoolean, a statement whose informationSource is the patient;
    # fhir_mapping/patient_reported.py), with no order by a clinician and no fill: the trial row
    # and the TMS trial criterion say "patient-reported", to confirm (review 12 finding 14).
    patient_reported: bool = False
    # Every record of the course is a medication-list entry, at least one of them an order
    # entered as reported by a clinician or another organisation (MedicationEvent.listed_order:
    # an Epic home medication whose reportedReference is a Practitioner), the rest statements:
    # no order for a pharmacy to fill and no fill, so `statement_only` (recheck K4 s27 finding 1).
    listed_order: bool = False
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
    # The latest PHQ-9 on the drug that showed response or remission, when the outcome score
    # (`on_treatment`, taken later on the drug too) shows neither: a response, then a relapse on
    # the drug (relapse_on_drug.py, review s23 RC finding 1: sertraline 21 -> 5 -> 19). Not a
    # failed trial (`failed`): the clinician judges it; cards name it. None for nearly every
    # course.
    relapsed_from: Score | None = None
    # PHQ-9s of the course's pair whose filed total disagrees with their items and whose two
    # readings give different outcomes (phq9_conflict_readings.py, review s27 RB finding 1): the
    # on-treatment score is set aside, the outcome is not judged (never an inferred failure) and
    # the cards name these scores. () for nearly every course.
    conflicted: tuple[Score, ...] = ()
    # The claims (`phq9_conflict_readings.CLAIMS`: "response", "remission", ...) the readings of
    # such a PHQ-9 give differently when they agree on whether the course failed (review s27 K3
    # finding 2: 17 -> filed 4, items 5 is a response either way, remission on one reading
    # only): the score stays the outcome, the claims both readings give stand, and these are
    # not claimed (Trial.response / remission None: "to confirm"). () for nearly every course.
    unsettled: tuple[str, ...] = ()
    # Review 14 M4: the as-of date when an ongoing course ends there by a stated end (an order's
    # boundsPeriod.end dated as-of: course_support._stops_on). FHIR Period.end is inclusive, so the
    # course still covers as-of (ongoing, for the safety checks) but stops that day: cards say
    # "stop dated <day>", never "still running". None for every other course.
    stops_on: date | None = None
    # The last day of a running course that a draft of the order being signed stops (a halt:
    # the day it is signed; a dated taper: its last dose), set by the order checks that list the
    # course (order_checks/repeat.py), never by the mapping: its dates end there, "stop on this
    # order", never "ongoing" (review s27 K1 recheck finding 6). None for every other course.
    stopped_on_order: date | None = None
    held_on_order: bool = False  # that draft only holds it (DraftTiming.held): "on hold", no stop
    # The days records of the course said were steps off the drug ("100 mg daily for 7 days,
    # then 50 mg daily for 7 days, then stop": taper.taper_spans), each up to the day a later
    # record went on at a steady dose (s26 RK1 finding 2), else to the course's end. (): no taper.
    taper_spans: tuple[TaperSpan, ...] = ()
    # The days `weeks_at_adequate_dose` leaves out as steps off the drug (taper_weeks.course_cut:
    # a taper sig's steps from its first step down, or the step to the minimum at the end of a
    # course that ended within cross_taper_weeks), the very cut the verdict was judged with. A
    # dose on such a day is a step off the drug: the timeline says "taper step", never "adequate
    # dose" (s25 FW item 3; s26 TT item 1: a step cut at the end of a course read "adequate
    # dose" beside a card that did not count it). (): nothing cut.
    taper_cut: tuple[TaperSpan, ...] = ()
    # An add-on that went on alone after its base courses ended (went_on_alone.py, role 48): the
    # day it did, from which its weeks are counted, and the courses it was added to. Cards say
    # "alone since <day>" for its start and weeks (role 49). None / (): every other course.
    alone_from: date | None = None
    added_to: tuple[str, ...] = ()
    # An ongoing course whose records all end by a stated end (an order's boundsPeriod.end, a
    # statement's effectivePeriod.end) after as-of, within MappingPolicy.cross_taper_weeks: that
    # end (course_support._ends_soon). A drug drafted beside it may be a planned cross-taper, and
    # the order checks say the date instead of asking whether both continue (review 14 audit
    # d01 / y04). None for every other course (an open order, supply only, a later end).
    ends_soon: date | None = None
    # A course on hold (`on_hold`): the last day a PHQ-9 is still this course's outcome, the
    # hold's date + MappingPolicy.on_treatment_days_after_end (trial_record.py; review 14 recheck
    # r10b). The record gives no hold date, only the last day a supply covers: a course that ran
    # out of supply and stopped is scored up to that many days after its end (score_windows.py),
    # and a hold is no different for the days before it. None: the hold date itself.
    held_scored_until: date | None = None
    # The date of an order of the drug on hold that is newer than every record taking the drug
    # (an active renewal, a statement), while the course is not on hold (`on_hold` None: a
    # running order's fills take it up): review 14 audit W4, chart o02, where a 2025-05-31 order
    # on hold beside an active order filled on 2025-06-01 was named on no card. Whether the drug
    # is being held again is the prescriber's to confirm; the course is counted as running.
    newer_order_on_hold: date | None = None
    # The course runs on only by supply after its latest order was recorded `stopped` (review s21
    # RR2 finding 5: lithium "Held before ECT", a fill not used up): the order's stated end, its
    # stop recorded (meta.lastUpdated), else its own date. The course stays ongoing for the safety
    # checks (tablets at home); a card that calls the drug running says the order is stopped.
    order_stopped: date | None = None
    # The clinic's least baseline PHQ-9 for a failed trial (MappingPolicy.
    # failure_min_baseline_phq9: the moderate floor, 10), carried like `remission_below`. A
    # trial from a milder baseline that is still below it on treatment is `mild_residual`, not
    # failed (review 15 W1).
    failure_min_baseline: int = 10
    # The release formulation the course is taken in now, when it has its own labelled ceilings
    # (bupropion SR 400 mg/day, XL 450; paroxetine CR 62.5; venlafaxine XR 225:
    # formulations.py, review 15 W3), its key: the latest record naming one decides
    # (course_events._formulation). The optimise card's range and raise, and the running-dose
    # ceiling card, read its ceiling instead of the drug row's. None: no formulation named.
    formulation: str | None = None
    # The episode's baseline, set only when it was moderate or worse (at or above
    # `outcome_moderate_from`) while this course's own baseline is milder: the highest score of
    # the baseline's scale in the current episode up to this course's baseline
    # (episode_baseline.py; review 15 recheck m05: PHQ-9 19, escitalopram to 9, then sertraline
    # from 9 to 8 was "a mild baseline"). Such a course's mild baseline is what is left of a
    # moderate or severe episode: it is `mild_residual` only when the episode has responded
    # (`episode_responded`), else it is judged on its own pair as any course is (a failure).
    episode_baseline: Score | None = None
    # The mg of one dose of the course now, read with its formulation (course_events._per_dose:
    # the latest records stating one, their highest); the running-dose card meets it against the
    # formulation's single-dose limit (bupropion IR 150 mg). None: not read.
    mg_per_dose: float | None = None
    # Every record is dated only by the day it was entered (MedicationEvent.entry_dated): its
    # start is that day, not a day the drug was begun (trial_dates.py; recheck 2 of review 16).
    entry_dated: bool = False
    # Their status says not taken now (episodes.py rule 2e): the day it had ended by, its start.
    taken_before: date | None = None
    # An ended course whose order was recorded `stopped` (meta.lastUpdated) after its supply on
    # record ran out (course_support._stop_recorded_after, review s20 r3 finding 1): the latest
    # day the drug may have been taken. Not time on the drug (`end` stays the supply's end);
    # the washout before an MAOI counts from it (services/washout.exposures). None otherwise.
    stop_recorded: date | None = None
    # An ended course whose latest order was recorded `stopped` before its supply on record ran
    # out (course_support._order_stopped: the order's stated end, its stop recorded, else its own
    # date), when that day is before `end`: `end` is the supply's end, as the fills count on
    # after a stop (`order_stopped` for a running course), so between the two the tablets may
    # still have been at hand (session 27 item 1: a toxic level then was quiet). None otherwise.
    supply_after_stop: date | None = None
    # An ended course whose `end` is only the day its stop was recorded by: an order `stopped`
    # cut at its meta.lastUpdated, or at as-of when it gives no day (episodes.py rules 2f/2g,
    # event_spans._Span.stopped), not a recorded last dose (review s20 r4 finding 3: "was last
    # taken on 2025-06-02 as recorded" was the as-of day). Cards say "stopped on or before".
    end_not_recorded: bool = False
    # An ended course whose `end` no record states, worked out from its last fill's supply, an
    # order's supply or days assumed (course_end_basis.py, review K58a finding 5): that record, for
    # the cards to name ("last filled 2026-10-01, 30 days' supply"). None: a recorded end.
    end_from: EndFrom | None = None
    # An ended course the ward stopped while its home order was left open (fhir_mapping/
    # ward_stop.py, review s27 RE finding 3): the last day the ward gave it. The course ends at
    # the ward's stop; the open order is a reconciliation question (tablets may be at home, a
    # pharmacy may refill it): the suicide card's quantity line says so. None otherwise.
    home_order_open: date | None = None
    # An `end_not_recorded` course adequate only counted up to that day, and not on the time other
    # records show (fills, a stated end, a later record of the drug: session 21 F3 item 1,
    # fhir_mapping/duration_to_confirm.py): the latest day they show it taken. Its verdict is
    # then INADEQUATE (too short on that time), its weeks those counted up to the recorded stop
    # ("at most"); cards say "adequacy to confirm". None for every other course.
    shown_until: date | None = None
    # A drug given as clinic sessions (esketamine) whose order is still active but whose sessions
    # show the course ended (services/clinic_courses.settled, one rule for every card): its last
    # session, the day the course is ended at (`ongoing` False). Kept so a card can still say the
    # order was left open. None for every other course.
    sessions_ended: date | None = None
    # The doses of this course that ended for an adverse effect, lowest first
    # (fhir_mapping/dose_not_tolerated.py): the optimise card proposes no raise to one above the
    # running dose (review s20 RA finding 1). () for nearly every course.
    doses_not_tolerated: tuple[DoseNotTolerated, ...] = ()
    # The course adequate on its supply (or an order no fill shows taken: its authorised supply,
    # orders33), then that supply ran out on this day, no fill for supply_gap_days or more up to
    # as-of (review s20 RA finding 4: supply_breaks.py): judged up to it, as one that stopped
    # there (adherence, weeks, outcome: a PHQ-9 up to on_treatment_days_after_end after it);
    # `ongoing` while an order is open (safety checks); cards say "no supply since DATE".
    supply_ran_out: date | None = None
    # The days of the fills left out (data gaps: their medication not read, several orders
    # named) dated after `supply_ran_out` that could be this course's: they name its order, or
    # no order at all (fhir_mapping/unread_fills.py, review s21 RR2 finding 4). The record then
    # does not show the supply ran out, only that the fills since were not read: cards say so,
    # never "no fill since ... likely stopped". () for every other course.
    unread_fills: tuple[date, ...] = ()
    # Fills of the course's drug dated after `supply_ran_out` whose status says neither that they
    # were handed over nor that they were not (a dispense `unknown` or `in-progress`: never
    # supply counted, usable_events.py), oldest first. The lithium cards
    # name them, never "no fill since" (session 35 lith53, fhir_mapping/unread_fills.py).
    fills_to_confirm: tuple[FillToConfirm, ...] = ()
    # The course had become an adequate trial on its supply before its first supply gap of
    # >= MappingPolicy.supply_gap_days, its supply taken up again after it (session 21 G:
    # fhir_mapping/verdict_before_gap.py): that course judged up to the gap. Once its PHQ-9 up
    # to the gap showed the trial failed (BeforeGap.failed), that verdict stands: the trial is
    # ADEQUATE and failed whatever the refills after the gap show. None for every other course.
    before_gap: BeforeGap | None = None
    # The dose (lower, upper mg/day; upper None: no range) the course's latest order states when
    # the present dose is the one its latest fills imply from quantity and days and differs
    # from it (s22 RU review finding 6: "1-2 tablets" of 50 mg ordered, 60 tablets per 30 days
    # filled: 100 mg/day from fills, 50-100 ordered; fhir_mapping/fill_dose.py). None otherwise.
    ordered_mg_per_day: float | None = None
    ordered_mg_per_day_high: float | None = None
    # The finished course's last stop reason says nothing of efficacy or tolerability (RC review
    # s23 finding 5; fhir_mapping/stop_reasons.py): "pregnancy or breastfeeding". A course not
    # adequate so stopped is "stopped for pregnancy or breastfeeding, not a failure" and no
    # adherence question. None: no such reason (nearly every course), or it ended for intolerance.
    stopped_for: str | None = None
    # The course starts at the first fill of an order written earlier (first_fill.py, review s23
    # RT finding 1): that order's authoredOn, the day the decision to treat was made on the
    # PHQ-9 of that visit. The baseline window opens from it (order_day_baseline.py, review s23
    # RP finding 6). None for every other course (its start is its first record's own day).
    ordered_on: date | None = None
    raise_unfilled: RaiseOrder | None = None  # ordered after the last fill, unfilled (orders39)
    # A lowering ordered after the last fill, no fill at it yet: read from its own day (the TCA
    # level checks rest on it), said "no fill at the new dose yet" (raise_unfilled.py, orders41).
    lower_unfilled: LowerOrder | None = None
    # The weeks at an adequate dose the fills alone show when they make adequate a course that
    # lowering leaves not adequate: adequacy to confirm, no failed trial (lowered_adequacy.py).
    lower_filled_weeks: float | None = None
    # A long-acting injection's course: its last injection's tail (injection_tail.py, lai62).
    injection_tail: InjectionTail | None = None

    @property
    def listed(self) -> bool:
        """The one state every card calls "listed" (services/taken_to_confirm.course_claim): a
        running course the record no longer shows taken, only kept running by a stale listing
        (`unconfirmed_since`) or by an order left active whose supply ran out long ago
        (`supply_out_since`). Never "running", "On X since" or measured (session 23 L2 item 1:
        the measurement card said "On fluoxetine since 2024-03-01" of an order filled once in
        2024-03); it stays ongoing for the safety checks."""
        return self.unconfirmed_since is not None or self.supply_out_since is not None

    @property
    def statement_only(self) -> bool:
        """Every record of the course is a MedicationStatement whose source is not the patient
        (`patient_reported` covers theirs): a clinician-entered statement, an Epic or Oracle home
        medication with no informationSource, an outside organisation's; or a reported order
        entered so, alone or with such statements (`listed_order`, recheck K4 s27 finding 1). No
        prescription, no fill, no administration is on record, so adherence is no more verified
        than a patient's word: the trial row and the TMS trial criterion say it, to confirm
        (review s27 RA finding 2)."""
        if self.patient_reported:
            return False
        # A set, not all() over a generator left suspended (issue 14, s31: GeneratorExit, 3.11).
        types = {s.resource_type for s in self.sources}
        return self.listed_order or types == {"MedicationStatement"}

    @property
    def report_only(self) -> bool:
        """Whether the course rests on reports only: the patient's (`patient_reported`) or a
        medication-list statement whoever entered it (`statement_only`). No order by a
        clinician and no fill shows the drug dispensed, so its dose is no more than what was
        written down: no raise of it is one click and no PHQ-9 on or after its stated start is
        its baseline (review s27 RA finding 2, branch statementraise)."""
        return self.patient_reported or self.statement_only

    def __hash__(self) -> int:
        # Equal trials give equal keys (these are fields __eq__ compares), so sets and dicts of
        # trials hold what they held. The generated hash walked every field, the dose segments
        # and scores within them included: 25-60 us a trial, a set or dict.fromkeys of a few
        # trials on every optimise card (issue 14).
        return hash((self.ingredient, self.role, self.start, self.end))


quick_frozen_init(Trial)
