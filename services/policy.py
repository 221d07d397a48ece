"""Clinic policy: the thresholds a clinic may set differently, with documented defaults.

Loaded from the `[policy]` table of the TOML configuration (pydantic at the edge, a frozen dataclass
inside). Every default cites its source; README "Policy" lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from fhir_mapping.policy import MappingPolicy

# The markets the drug table's not_marketed_in column names (CANMAT 2023 Table 3.3 availability
# notes: fhir_mapping/data/antidepressants.csv), or "any" for no market (see Policy.drug_market).
DrugMarket = Literal["US", "Canada", "any"]


@dataclass(frozen=True, slots=True)
class Policy:
    mapping: MappingPolicy = field(default_factory=MappingPolicy)
    # TMS: >= 2 adequate failed trials in the current episode (CANMAT 2023 TRD definition; most
    # payers). Medicare LCD L34998 accepts 1; Ambetter CP.BH.200 and L37086 want >= 2 classes.
    tms_min_failed_trials: int = 2
    tms_require_distinct_classes: bool = False
    # With tms_require_distinct_classes: how many distinct mechanism classes must have failed
    # (L37086 "at least 2 classes"; Ambetter CP.BH.200 "from different classes").
    tms_min_distinct_classes: int = 2
    # TRD = inadequate response to >= 2 adequate antidepressant trials in the current episode
    # (CANMAT 2023 Q.7.b para 182; CPS 2023; Weissman 2023). Gates the TSH check and staging text.
    trd_min_failed_trials: int = 2
    # Latest PHQ-9 >= 10 (moderate, Kroenke 2001). Some payers want >= 15 (Ambetter CP.BH.200).
    tms_min_phq9: int = 10
    # Whether a course ended for documented intolerance (side effects, allergy, adverse event)
    # counts toward tms_min_failed_trials / the distinct classes, as payers count it
    # (REFERENCE.md 3.2-3.3): Medicare LCD L34998 "failed >= 1 adequate trial of
    # psychopharmacologic therapy or documented intolerance"; L37086 "inadequate response or
    # intolerance to adequate trials of psychopharmacologic agents"; Ambetter CP.BH.200
    # "failure/intolerance of >= 2 adequate antidepressant trials from different classes".
    # Only ended courses count (a drug still taken despite a recorded reaction is not a failed
    # tolerability trial), one per drug. It does not change the TRD count (trd_min_failed_trials:
    # CANMAT 2023 defines TRD by inadequate response, not intolerance).
    tms_count_intolerant_trials: bool = True
    # A course ended for intolerance counts (above) only when it was a trial of the drug: it
    # reached the drug's minimum adequate dose (the dose table's min, CANMAT 2023 Table 3.3) or
    # ran at least this many days. Otherwise it is "not tolerated (to confirm: ...)" and not
    # counted (review 6 finding 5). Why: L37086 reads "intolerance to adequate trials"; early
    # antidepressant side effects (nausea, jitteriness) are common in the first days and often
    # ease within 1-2 weeks, so a "suspected intolerance" after 4 days of a starting dose is not
    # a tried drug class. 14 days: project convention from that 1-2 week course (patient
    # information sources; UNVERIFIED against a payer's own definition, none read states one).
    tms_intolerant_min_days: int = 14
    # Psychotherapy (review 6 finding 4). The kinds of session that make a course of therapy
    # (fhir_mapping/data/procedure_codes.csv `psychotherapy_kind`): standalone sessions and group
    # psychotherapy (group CBT is a NICE NG222 first-line format). Not add-on psychotherapy to a
    # medication visit (CPT 90833/90836/90838) nor crisis psychotherapy (90839/90840): neither is
    # a trial of CBT, IPT or behavioural activation (CANMAT 2023), so neither satisfies a payer's
    # "adequate psychotherapy trial" nor silences the psychotherapy card.
    psychotherapy_course_kinds: tuple[str, ...] = ("standalone", "group")
    # Sessions that make "an adequate psychotherapy trial" where the payer's text states no number
    # (none of the shipped rule sets does): fewer is "to confirm", not "met". 8: the shortest
    # structured course NICE NG222 (2022) describes for depression (group CBT, "usually 8 regular
    # sessions"; individual CBT, IPT and behavioural activation for more severe depression usually
    # run 12-16). A clinic whose payer names a number sets it, or the rule set's min_sessions.
    psychotherapy_min_sessions: int = 8
    # Adulthood for the pathway: CANMAT 2023 is the adult MDD guideline, LCD L34998 covers adults
    # and Ambetter CP.BH.200 wants >= 18. Younger patients get no TMS card (the optimise card says
    # why: the only adolescent clearance found is NeuroStar K231926, as an adjunct for ages 15-21,
    # REFERENCE.md 3.1, a specialist decision rather than a pathway default), and the optimise
    # card says its doses and agents come from adult guidelines. An unknown age does not block.
    adult_age: int = 18
    # Payer criteria (issue 12): the rule set the TMS card judges a referral against, by id of a
    # shipped set (services/data/payer_criteria: "l34998", "l37086", "l33398",
    # "ambetter-cp-bh-200", "aetna-cpb-0469"). Default L37086: of the Medicare TMS LCDs read it asks
    # the most (two classes, a psychotherapy trial, severe MDD), so "Criteria met" on it is the
    # least likely to be refused; a clinic sets the one its payer mix follows.
    payer_criteria: str = "l37086"
    # The clinic's own rule set file (TOML, the shipped files' format), used instead of
    # payer_criteria; validated at start with the file and the problem named.
    payer_criteria_file: str | None = None
    # Where the TMS card shows when the pathway says TMS but a payer criterion is not met
    # ("Payer criteria not yet met", what to document). "patient-view" (default): on the chart;
    # the order hooks once every criterion is met (discovery: "when the patient already meets
    # TMS criteria"; review 19 I7). True: at every hook. False: nowhere until all are met.
    tms_card_when_payer_criteria_unmet: bool | Literal["patient-view"] = "patient-view"
    # A severity score older than this does not document the current severity for a payer (nor
    # one from before the current episode). 90 days: the measurement-based-care interval below,
    # so a patient on the pathway has a score this recent; payers' own windows were not read.
    payer_score_max_age_days: int = 90
    # Suicide-risk card: any PHQ-9 item 9 > 0 within this many days (a later 0 does not rule
    # risk out: REFERENCE.md 5; the card says when the latest answer was 0). Also the window of
    # the "item 9 not recorded" line (review 19 item 5: services/item9_unrecorded.py), except on
    # the optimise card, whose drug one-clicks it holds until item 9 is recorded (review s20 RA
    # finding 3).
    suicide_item9_lookback_days: int = 30
    # Suicide-risk card: a PHQ-9 item 9 > 0 that no documented risk assessment followed (a C-SSRS
    # that asked about ideation, a documented risk level, a risk-assessment Procedure; a later
    # item 9 = 0 is not one: REFERENCE.md 5, Na et al.) stays an open signal for this many days,
    # past suicide_item9_lookback_days, instead of disappearing on time alone (review
    # patient-view finding 5). 365: Simon 2013 measured the raised attempt risk over the year
    # after the answer (REFERENCE.md 5), and Simon 2016 (J Clin Psychiatry, 2-year follow-up)
    # found the excess risk declining but still raised after the first year. Values below
    # suicide_item9_lookback_days act as suicide_item9_lookback_days.
    suicide_unassessed_item9_days: int = 365
    # Suicide-risk card: suicidal ideation or self-harm on the problem list, or recorded at a visit
    # (an ED encounter diagnosis, a visit's reason: review 16 recheck U-b), is a current signal when
    # dated within this many days (undated active ideation always is); older entries are risk-factor
    # lines. 90 days: the C-SSRS screener's window for recent suicidal behaviour (3 months, LOINC
    # 93269-9), and the measurement-based-care interval, so a patient on the pathway has had a
    # PHQ-9 (with item 9) since. A clinic wanting a longer memory raises it (issue 11 item 9).
    suicide_condition_recent_days: int = 90
    # Suicide-risk card: a psychiatric inpatient stay (fhir_mapping/admissions.py) whose discharge
    # is within this many days names the post-discharge period on the card, and makes a warning
    # card of its own when nothing else raises one (review 16 W4). 90 days: the first 3 months
    # after discharge, when the suicide rate is about 100 times the global rate (Chung et al.,
    # JAMA Psychiatry 2017, PMC5710249; 2,060 per 100,000 person-years in the first month:
    # Chung et al., BMJ Open 2019, PMC6475206).
    suicide_post_discharge_days: int = 90
    # An ED visit for suicidal ideation or self-harm older than suicide_condition_recent_days but
    # within this many days is named as history (one line on the optimise card, or among the
    # suicide-risk card's risk factors), never a card of its own (review 16 second recheck W4).
    # 365: the year after such a visit, over which both cohorts measured a raised suicide rate
    # (Goldman-Mellor et al., JAMA Netw Open 2019;2(12):e1917571: 31.4 times the matched
    # population's after suicidal ideation, 56.8 after self-harm; Olfson et al., J Clin
    # Psychiatry 2021;82(6):20m13833: SMR 10.6 after ideation, 18.2 after self-harm).
    suicide_ed_visit_history_days: int = 365
    # Measurement-based care: PHQ-9 at least every 90 days on an antidepressant, and one after a
    # trial's 4th week (CANMAT 2023 Table 5.1, Level 2: use validated scales).
    mbc_interval_days: int = 90
    mbc_after_trial_weeks: float = 4.0
    # Order hooks: an antidepressant order starts antidepressant treatment when no antidepressant
    # course runs now or ended within this many days; under 25 it then gets the FDA boxed warning
    # (suicidality, "especially during the initial few months") as an information card when no
    # other card carries it (review 14 W4). A course stopped more recently is read as the same
    # treatment interrupted. 90 days: a DESIGN CHOICE (UNVERIFIED as a guideline value).
    antidepressant_new_start_days: int = 90
    # A running dose below its adequate range gets the optimise card's "raise the dose" only
    # after this many weeks on it (review 7 finding 11): a first week at 25 mg of sertraline is
    # a titration step that the sig usually already plans ("then increase to 2 tablets"), and
    # order-select calls a draft below the range "fine for titration". 2 weeks: the shorter end
    # of the review's "about 2-4 weeks", so a dose left below the range is still flagged soon
    # (the safer choice); usual label titration steps are 1 week or less. A DESIGN CHOICE
    # (UNVERIFIED as a guideline value). 0: flag a sub-range dose at once, as before.
    below_range_grace_weeks: float = 2.0
    # Diagnosis review: no TSH within 12 months when TRD is met -> suggest ordering one.
    tsh_lookback_days: int = 365
    # Safety labs (review 7 findings 1 and 4: lithium level, QTc, sodium; services/lab_safety.py):
    # a result acts on an order or a line (a warning) only while it is at most this many days
    # old; an older one is named with its date as "last ... on <date>", never acted on as current.
    # 365: the lithium monitoring interval's upper end (CANMAT 2023 para 164: every 6-12 months),
    # used for QTc and sodium too (project convention, UNVERIFIED: no source sets one window).
    lab_recent_days: int = 365
    # A dialysis Procedure (ProcedureKind.DIALYSIS: SNOMED 302497006, CPT 90935-90970) reads as
    # "on dialysis" (the labels' ESRD band, services/renal_doses.py) while its latest session is at
    # most this many days old; older, the patient is not read as on dialysis now. 90: maintenance
    # haemodialysis runs 3 times a week and the ESRD services (CPT 90960-90970) are billed monthly,
    # so a patient on dialysis has sessions well inside it; dialysis started for an acute kidney
    # injury that stopped over 3 months ago is past. A DESIGN CHOICE (UNVERIFIED as a guideline
    # value): longer keeps an old session read as current (the safer side for dosing).
    dialysis_procedure_recent_days: int = 90
    # An acute myocardial infarction (FindingKind.ACUTE_MI) bars a tricyclic (and weighs against
    # citalopram) while its onset is at most this many days old (services/cardiac.py; review 12
    # finding 2). The TCA labels say "during the acute recovery period after myocardial
    # infarction" and give no number; 183 days (about 6 months) is a DESIGN CHOICE (UNVERIFIED as
    # a label or guideline value), long enough to cover any reading of "acute recovery": a longer
    # window flags a TCA that might have been acceptable (a warning the prescriber can override),
    # a shorter one could let a TCA through while the infarct is still recovering.
    recent_mi_days: int = 183
    # Alcohol screens for the duloxetine rule (review 9 finding 8; services/rules/populations.py).
    # The Cymbalta label (5.2) says duloxetine "should ordinarily not be prescribed to patients with
    # substantial alcohol use": use, not a coded disorder, so a recent screen at or above these
    # scores counts as an active alcohol use disorder does for that rule (and only for it: a screen
    # is not a diagnosis). A later screen below the cut-off supersedes an earlier high one.
    # AUDIT-C (0-12) 8: the "high" AUDIT-C band (VA QUERI AUDIT-C FAQ, archived 2013, question
    # 19: "high AUDIT-C scores (> 8)" as the archive shows it, the sign possibly ">=" in the
    # original; Rubinsky 2013, Alcohol Clin Exp Res: AUD severity and the probability of
    # dependence rise steeply over the upper scores; review 9 finding 8), well above a positive screen
    # (>= 4 men, >= 3 women: VA/DoD 2015 SUD guideline via the Military Health System PHCoE page).
    # That the band is the label's "substantial alcohol use" is a reading, UNVERIFIED (the label
    # gives no score); a clinic wanting the caution earlier lowers it (4 or 3: any positive screen).
    auditc_substantial_use: int = 8
    # AUDIT (0-40) 16: zone III (16-19, harmful use) and IV (20-40, possible dependence) of the
    # WHO AUDIT manual (Babor 2001, 2nd ed.; zones as quoted by the Australian comorbidity
    # guidelines' AUDIT scoring page); zone II (8-15) is hazardous use. The same reading of the
    # label as above: UNVERIFIED.
    audit_substantial_use: int = 16
    # A screen older than this is not "recent": the annual screening interval (VA/DoD 2015 SUD
    # guideline, via the Military Health System PHCoE page: screen annually with the AUDIT-C), so
    # a patient screened as advised has one in the window; AUDIT questions ask about the last year.
    alcohol_screen_recent_days: int = 365
    # Transaminases for the nefazodone and duloxetine checks (review 12 H10; services/
    # transaminases.py): the latest ALT or AST of the last lab_recent_days at or above this
    # multiple of the upper limit of normal counts as the labels' "elevated serum transaminases"
    # (nefazodone boxed warning) and "evidence of ... liver disease" (Cymbalta label 5.2) when no
    # liver disease is coded. 3: the nefazodone label's own line (FDA 2002, JAMA 287(9):1103:
    # withdraw the drug when AST or ALT reaches "three times or higher than the upper limit of
    # normal"; ASHP news 2002-01-15) and the usual drug-induced liver injury threshold (ALT >= 3x
    # ULN; the Hy's law criteria, FDA DILI guidance 2009, recalled, UNVERIFIED here). A clinic
    # wanting the caution on any raised value lowers it (1: above the ULN).
    transaminase_uln_multiple: float = 3.0
    # The upper limit of normal when the result carries no referenceRange (US Core results often
    # do not), in U/L. 40: a common adult ULN for both ALT and AST in US laboratory reports
    # (public reference ranges read via code search give 0-40 U/L), a DESIGN CHOICE (UNVERIFIED as
    # a guideline value: labs differ, and ACG 2017 gives lower healthy limits, 29-33 men and 19-25
    # women, recalled). A lower value flags more; the lab's own range, when sent, always wins.
    transaminase_default_uln: float = 40.0
    # Uncontrolled blood pressure for the SNRI and bupropion checks (review 13 W6; services/
    # blood_pressure.py): the last two readings both at or above this systolic OR this
    # diastolic line (a reading's category is set by the higher of the two, as ACC/AHA 2017
    # classifies). 160/100, a DESIGN CHOICE: ACC/AHA 2017 stage 2 hypertension starts at
    # 140/90, but at that line a large share of adults treated for hypertension would get the
    # card on every SNRI order (noise that teaches the card away); 160/100 is the line the older
    # JNC 7 stage 2 and the ESC/ESH 2018 grade 2 use for hypertension that needs prompt
    # treatment (recalled, UNVERIFIED here), which reads as "not controlled" whatever the
    # patient's target. Two readings, not one: a single high reading (pain, white coat) is not
    # the labels' "pre-existing hypertension" or "sustained increase". A clinic wanting the
    # stage 2 line sets 140 and 90.
    bp_uncontrolled_systolic: int = 160
    bp_uncontrolled_diastolic: int = 100
    # Readings older than this do not count: the latest must be this recent (one year, as
    # lab_recent_days), so a chart whose last readings are years old gets no card.
    bp_recent_days: int = 365
    # Esketamine given only in clinic (MedicationAdministration or HCPCS G2082/G2083 sessions, no
    # order or fill): a session within this many days is a running course, for every card that
    # says so (services/clinic_courses.py; recheck 18a e05, audit 19 finding 3). 28: the SPRAVATO
    # label's schedule is twice weekly in weeks 1-4, weekly in weeks 5-8, then weekly or every 2
    # weeks, so two missed fortnightly sessions still read as treatment going on (a DESIGN
    # CHOICE on the label's schedule; longer flags more).
    esketamine_session_recent_days: int = 28
    # Feedback: an overridden card snoozes its topic for this patient for N days, or until the
    # evidence it rests on changes (a new failed trial, a PHQ-9 in another band: issue 12).
    snooze_days: int = 90
    # The age from which ECT is named first among the options beyond medication (CANMAT 2023
    # para 215: "especially effective in older patients"). 65: the older-adult threshold the
    # drug tables use where a label says only "elderly" (services/data/README.md).
    older_adult_age: int = 65
    # True: ECT is named first only when frailty is also coded (R54 or a SNOMED frailty finding,
    # condition_codes.csv kind "frailty"). False (default, the safer reading): age alone suffices, because
    # para 215 speaks of older patients, not frail ones, and frailty is often not coded, so a chart
    # without the code does not show that the patient is not frail. Coded frailty is named on the
    # card either way.
    older_adult_requires_frailty: bool = False
    # TMS course management (issue 12, services/tms_course.py). Sessions (CPT 90867-90869) more
    # than tms_course_gap_days apart start a new course (the payer rule sets' own grouping,
    # payer_criteria.Criterion.course_gap_days); a course with a session in the last
    # tms_session_recent_days is running (TMS runs 5 days a week: REFERENCE.md 3.3).
    tms_course_gap_days: int = 30
    tms_session_recent_days: int = 7
    # During a course a PHQ-9 at least every tms_scale_interval_days (payer policy PSY301.015:
    # "weekly standardized rating scales", REFERENCE.md 3.3), and a response check from week
    # tms_response_check_weeks; by tms_course_weeks (LCD L34998: "up to 6 weeks" of daily TMS,
    # REFERENCE.md 3.2) a course without response is reviewed.
    tms_scale_interval_days: int = 7
    tms_response_check_weeks: float = 4.0
    tms_course_weeks: float = 6.0
    # Order hooks: a card is left out only when feedback shows the clinician already accepted or
    # overrode that same card (same draft, topic and dose) on a card issued within this many hours
    # by another hook call; a card merely sent is shown again (issue 11 item 15, cds_hooks/storage/store.py
    # acknowledged_dedupe_keys). 0 leaves nothing out.
    order_dedupe_hours: int = 24
    # The market the optimise card's switch list follows: "US", "Canada" or "any". A CANMAT 2023
    # first-line agent that CANMAT's Table 3.3 availability notes say is not marketed there (the
    # drug table's not_marketed_in: mianserin and agomelatine in the US) is neither listed nor
    # named (review 19 I8: "CANMAT also lists mianserin, agomelatine (not marketed in the US)" at
    # a US site was noise). "any": every option listed, each unavailable one with "(not marketed
    # in ...)". A drug sold there but not labelled for
    # depression (off_label_for_depression_in: milnacipran in the US) is listed with "(off-label)"
    # ("off-label in the US" under "any"). Default "US": the default payer rule set
    # is a Medicare LCD, i.e. a US deployment, and an option the clinician cannot prescribe is one
    # more thing to read past on a screen meant to be read at a glance (issue 12). The market's
    # labels also cap the dose ranges where they stop below CANMAT's (data/label_maximums.csv:
    # mirtazapine 45 mg/day in the US, not 60): the optimise card's ranges and raises and the
    # order dose check (services/label_maximums.py); "any" holds to every market's lowest.
    drug_market: DrugMarket = "US"

    @property
    def remission_below(self) -> int:
        return self.mapping.remission_below

    def substantial_alcohol_use_from(self, instrument: str) -> int | None:
        """The least score of an alcohol screen (data/observation_codes.csv instrument) that
        counts as substantial alcohol use; None for an instrument without a cut-off here."""
        if instrument == "AUDIT-C":
            return self.auditc_substantial_use
        if instrument == "AUDIT":
            return self.audit_substantial_use
        return None


class _MappingPolicyConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    min_adequate_weeks: float = Field(6.0, gt=0, le=52)
    possibly_adequate_weeks: float = Field(4.0, ge=0, le=52)
    pdc_threshold: float = Field(0.8, gt=0, le=1)
    new_trial_gap_weeks: float = Field(26.0, gt=0)
    refill_gap_weeks: float = Field(14.0, gt=0)
    supply_gap_days: int = Field(30, ge=1, le=365)
    statement_confirmed_days: int = Field(365, ge=1, le=3660)
    baseline_days_before: int = Field(30, ge=0)
    baseline_days_after: int = Field(14, ge=0)
    on_treatment_from_week: float = Field(4.0, ge=0)
    on_treatment_days_after_end: int = Field(30, ge=0)
    episode_gap_months: int = Field(6, ge=1)
    remission_below: int = Field(5, ge=1, le=27)
    failure_min_baseline_phq9: int = Field(10, ge=0, le=27)
    pregnancy_status_weeks: float = Field(42.0, gt=0, le=60)
    pregnancy_edd_overdue_days: int = Field(14, ge=0, le=60)
    postpartum_after_edd_days: int = Field(365, ge=0, le=730)
    cross_taper_weeks: float = Field(4.0, ge=0, le=26)
    stay_left_min_days: int = Field(2, ge=1, le=30)
    stay_left_after_days: int = Field(7, ge=1, le=365)
    stay_left_single_after_days: int = Field(30, ge=1, le=365)


class PolicyConfig(BaseModel):
    """The `[policy]` table. Unknown keys are refused so a typo cannot silently keep a default."""

    model_config = ConfigDict(extra="forbid")
    tms_min_failed_trials: int = Field(2, ge=1, le=10)
    tms_require_distinct_classes: bool = False
    tms_min_distinct_classes: int = Field(2, ge=2, le=10)
    trd_min_failed_trials: int = Field(2, ge=1, le=10)
    tms_min_phq9: int = Field(10, ge=0, le=27)
    tms_count_intolerant_trials: bool = True
    tms_intolerant_min_days: int = Field(14, ge=0, le=365)
    psychotherapy_course_kinds: tuple[
        Literal["standalone", "group", "family", "add-on", "crisis"], ...
    ] = (
        "standalone",
        "group",
    )
    psychotherapy_min_sessions: int = Field(8, ge=1, le=100)
    adult_age: int = Field(18, ge=0, le=120)
    payer_criteria: str = Field("l37086", min_length=1)
    payer_criteria_file: str | None = None
    tms_card_when_payer_criteria_unmet: bool | Literal["patient-view"] = "patient-view"
    payer_score_max_age_days: int = Field(90, ge=1, le=730)
    suicide_item9_lookback_days: int = Field(30, ge=1)
    suicide_unassessed_item9_days: int = Field(365, ge=1)
    suicide_condition_recent_days: int = Field(90, ge=1)
    suicide_post_discharge_days: int = Field(90, ge=1, le=3660)
    suicide_ed_visit_history_days: int = Field(365, ge=1, le=3660)
    mbc_interval_days: int = Field(90, ge=1)
    mbc_after_trial_weeks: float = Field(4.0, ge=0)
    antidepressant_new_start_days: int = Field(90, ge=0, le=3660)
    below_range_grace_weeks: float = Field(2.0, ge=0, le=12)
    tsh_lookback_days: int = Field(365, ge=1)
    lab_recent_days: int = Field(365, ge=1, le=3660)
    dialysis_procedure_recent_days: int = Field(90, ge=1, le=3660)
    recent_mi_days: int = Field(183, ge=1, le=3660)
    auditc_substantial_use: int = Field(8, ge=1, le=12)
    audit_substantial_use: int = Field(16, ge=1, le=40)
    alcohol_screen_recent_days: int = Field(365, ge=1, le=3660)
    transaminase_uln_multiple: float = Field(3.0, ge=1, le=20)
    transaminase_default_uln: float = Field(40.0, gt=0, le=500)
    bp_uncontrolled_systolic: int = Field(160, ge=120, le=250)
    bp_uncontrolled_diastolic: int = Field(100, ge=70, le=150)
    bp_recent_days: int = Field(365, ge=1, le=3660)
    esketamine_session_recent_days: int = Field(28, ge=1, le=365)
    snooze_days: int = Field(90, ge=0)
    older_adult_age: int = Field(65, ge=18, le=120)
    older_adult_requires_frailty: bool = False
    tms_course_gap_days: int = Field(30, ge=1, le=365)
    tms_session_recent_days: int = Field(7, ge=1, le=90)
    tms_scale_interval_days: int = Field(7, ge=1, le=90)
    tms_response_check_weeks: float = Field(4.0, gt=0, le=26)
    tms_course_weeks: float = Field(6.0, gt=0, le=26)
    order_dedupe_hours: int = Field(24, ge=0)
    drug_market: DrugMarket = "US"
    mapping: _MappingPolicyConfig = Field(default_factory=_MappingPolicyConfig)

    @model_validator(mode="after")
    def _payer_criteria(self) -> PolicyConfig:
        """Load the payer rule set now, so a start with an unknown name or a broken file fails
        with the file and the problem named instead of on the first TMS card."""
        # Imported here: services.payer_criteria reads the pathway, which reads this module.
        from services.payer_criteria import PayerCriteriaError, resolve_rule_set

        if self.payer_criteria_file and "payer_criteria" in self.model_fields_set:
            raise ValueError(
                "set payer_criteria or payer_criteria_file, not both: the file's rule set is "
                "the one used"
            )
        try:
            resolve_rule_set(self.payer_criteria, self.payer_criteria_file)
        except PayerCriteriaError as exc:
            raise ValueError(str(exc)) from exc
        return self

    def to_policy(self) -> Policy:
        data = self.model_dump()
        mapping = MappingPolicy(**data.pop("mapping"))
        return Policy(mapping=mapping, **data)


def load_policy(table: Mapping[str, Any] | None) -> Policy:
    """Build a Policy from the TOML `[policy]` table (None = all defaults)."""
    return PolicyConfig.model_validate(dict(table or {})).to_policy()
