"""The treatment pathway: what TRD and adulthood mean here, measurement-based care, new starts,
titration grace, the TSH check, esketamine sessions, older adults and the drug market.

The settings' defaults, with their sources, and their `[policy]` table bounds (README "Policy").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from pydantic import BaseModel, Field

# The markets the drug table's not_marketed_in column names (CANMAT 2023 Table 3.3 availability
# notes: fhir_mapping/data/antidepressants.csv), or "any" for no market (see Policy.drug_market).
DrugMarket = Literal["US", "Canada", "any"]


@dataclass(frozen=True)
class TreatmentPolicy:
    # TRD = inadequate response to >= 2 adequate antidepressant trials in the current episode
    # (CANMAT 2023 Q.7.b para 182; CPS 2023; Weissman 2023). Gates the TSH check and staging text.
    trd_min_failed_trials: int = 2
    # Adulthood for the pathway: CANMAT 2023 is the adult MDD guideline, LCD L34998 covers adults
    # and Ambetter CP.BH.200 wants >= 18. Younger patients get no TMS card (the optimise card says
    # why: the only adolescent clearance found is NeuroStar K231926, as an adjunct for ages 15-21,
    # REFERENCE.md 3.1, a specialist decision rather than a pathway default), and the optimise
    # card says its doses and agents come from adult guidelines. An unknown age does not block.
    adult_age: int = 18
    # Measurement-based care: PHQ-9 at least every 90 days on an antidepressant, and one after a
    # trial's 4th week (CANMAT 2023 Table 5.1, Level 2: use validated scales).
    mbc_interval_days: int = 90
    mbc_after_trial_weeks: float = 4.0
    # A PHQ-9 this many days old or less answers the "adequate duration reached, no PHQ-9 since"
    # check (it was taken just before the trial became adequate): a PHQ-9 of day 41 is not
    # "repeat the PHQ-9" on day 42 (review s23 RT finding 6). It does not judge the outcome (a
    # score before 6 weeks proves no failure: REFERENCE.md 0.2), and once it is older the repeat
    # is asked again, so a non-response at week 6 is not left unsaid until the 90-day interval.
    # A DESIGN CHOICE (UNVERIFIED as a guideline value).
    mbc_adequacy_grace_days: int = 7
    # A responding course not in remission gets the optimise card's "optimise toward remission"
    # (a dose raise within the range, CANMAT 2023 para 187) only once it has run this many weeks
    # at its present dose, or sooner when its last two PHQ-9s stop improving (review s24 RJ
    # finding 3: sertraline 20 -> 6 at week 6, 4 weeks at 100 mg, still falling, remitted by
    # week 12 unchanged). CANMAT 2023 para 191 (../shared/clinical/REFERENCE.md 1.7) judges
    # response and remission at 8-12 weeks; 8, its lower end, read as weeks at the present dose:
    # a DESIGN CHOICE (the guideline times treatment, not a dose; UNVERIFIED as that value).
    optimise_responder_after_weeks: float = 8.0
    # A response without remission (PHQ-9 still >= 10) gets its optimise card only once the
    # scores stop falling: a course whose PHQ-9 fell by at least residual_falling_points over the
    # last residual_falling_weeks before its latest score is still improving and left quiet
    # (recheck K31b finding 4: 24 -> 18 -> 14 -> 11, about 3 points every 2 weeks, at week 10 of
    # 225 mg/day). 5 points: the PHQ-9 change Loewe 2004 (Med Care 42:1194) took as clinically
    # significant for one patient; 4 weeks: two fortnightly scores. A DESIGN CHOICE (UNVERIFIED
    # as guideline values).
    residual_falling_points: int = 5
    residual_falling_weeks: float = 4.0
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
    # Diagnosis review: a CPAP Procedure (a titration, a set-up) at most this old reads as sleep
    # apnea treated; an older one, none since, is "CPAP on record <date>: check it is used",
    # alongside escalation (review s22 RX finding 3: a lone titration of 2019 read as current
    # treatment). 365: a DESIGN CHOICE (UNVERIFIED as a guideline value): a year is the
    # interval at which the service already asks for a new TSH; CPAP use is often given up in the
    # first year, so a shorter window asks more often (the cautious side). A CPAP Device (undated
    # in R4) and the apnea entry's own words are read whatever this says.
    cpap_current_days: int = 365
    # Esketamine given only in clinic (MedicationAdministration or HCPCS G2082/G2083 sessions, no
    # order or fill): a session within this many days is a running course, for every card that
    # says so (services/clinic_courses.py; recheck 18a e05, audit 19 finding 3). 28: the SPRAVATO
    # label's schedule is twice weekly in weeks 1-4, weekly in weeks 5-8, then weekly or every 2
    # weeks, so two missed fortnightly sessions still read as treatment going on (a DESIGN
    # CHOICE on the label's schedule; longer flags more).
    esketamine_session_recent_days: int = 28
    # An adjunct dosed to a serum level (lithium: augmentation_agents.csv dose_by_level) is judged
    # by its level only while the latest one on the course is at most this many days old (review
    # s21 RF finding 3: the optimise card's "raise lithium toward 0.5-0.8 mmol/L first"). Older,
    # the level is named with its date and a new one is asked for before any dose change or a
    # second adjunct: dose, kidney function, hydration and interacting drugs move the level, so
    # an old one is not today's. 90: the 3-monthly level interval NICE advises in the first year
    # of lithium and for older or at-risk patients (the GPnotebook summary of NICE NG222 quoted in
    # services/data/lab_safety.csv lithium-high-older), shorter than the 6-12 months of routine
    # monitoring (CANMAT 2023 para 164), which is for a patient stable at the target. A DESIGN
    # CHOICE (UNVERIFIED as a guideline value); shorter asks for a level more often (the safer
    # side: a blood test before a drug is added).
    adjunct_level_current_days: int = 90
    # Ketamine doses on the MAR (no order, no trial: ketamine is also an anaesthetic) on at least
    # this many separate days of this episode, none a day with an ECT session, are named on the
    # optimise card as a possible depression series and take IV ketamine off the untried options
    # (review s21 RF finding 2; services/ketamine_doses.py). 2: one dose is likelier a sedation or
    # an anaesthetic; a depression series is repeated infusions (CANMAT 2023 Table 7.2 lists IV
    # ketamine as a course of infusions, the schedule not read here). A DESIGN CHOICE.
    ketamine_dose_min_days: int = 2
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
    # A pregnancy diagnosis past the pregnancy window (services/pregnancy_now.py) is no longer
    # read as a pregnancy, but a drug with a pregnancy caution drafted for a patient who could be
    # pregnant asks "confirm she is not pregnant" (review s21 RD finding 5). That question is not
    # asked past this age (review s21 RR finding 7: a woman of 71 with an O09 from 2008). 55: the
    # age at which every woman may stop contraception, conception being exceptionally rare after
    # it (FSRH 2017 Contraception for Women Aged over 40, as summarised by Guidelines in Practice
    # and patient.info; corroborated). The youngest age the record allows is compared, so a
    # birth year alone never drops the question early. The same age ends the childbearing-age
    # line of a teratogen drafted with no pregnancy on record (order_checks/childbearing.py).
    pregnancy_possible_max_age: int = 55
    # ... nor when the stale pregnancy was coded more than this many years ago. A DESIGN CHOICE
    # (UNVERIFIED as a guideline value): a pregnancy coded within the last 2 years (the
    # postnatal year and the year after) marks someone recently pregnant, or a current pregnancy
    # whose code kept an old date, and is worth the question; an older code says no more about
    # a pregnancy now than her age and sex do, and the service does not ask that of every woman
    # (a 2022 Z34.82 read in 2026 was noise). Longer asks more often (the cautious side). An
    # ACTIVE problem-list entry is asked whatever its age (services/pregnancy_now.py; s26 GC).
    stale_pregnancy_ask_years: float = 2.0
    # An order's daily dose at or above this many times the drug's usual maximum (the dose
    # table's max, as "above the usual maximum" reads it) is said to be probably a unit or entry
    # error, naming the dose as entered ("100 tablets"), not worded as a dose to reconsider
    # (services/order_checks/dose_entry_error.py; review s28 RG finding 2). A DESIGN CHOICE
    # (UNVERIFIED as a guideline value): the higher ceilings a label allows beyond the range
    # (data/label_maximums.csv, formulation ceilings) sit well under twice the range's top, so
    # 5 times it is no intended regimen, while a tablet count entered as mg, or mg as a count,
    # is out by the tablet's strength (10 to 100 times). Below it the usual "above the maximum"
    # card speaks, the right words for a deliberate high dose.
    dose_entry_error_factor: float = 5.0

    def __post_init__(self) -> None:
        # The `[policy]` table is checked at the edge (TreatmentPolicyConfig, pydantic: the
        # Literal). A Policy built in code (an offline script, a test) was not: Policy(
        # drug_market="CA") ran silently as a market no drug-table row names, so neither the US
        # nor the Canadian labels applied (s25 RK1 finding 10). The same Literal refuses it here,
        # naming the field and the values allowed.
        allowed = get_args(DrugMarket)
        if self.drug_market not in allowed:
            raise ValueError(
                f"drug_market: {self.drug_market!r} is not allowed; use one of "
                f"{', '.join(repr(v) for v in allowed)}"
            )


class TreatmentPolicyConfig(BaseModel):
    trd_min_failed_trials: int = Field(2, ge=1, le=10)
    adult_age: int = Field(18, ge=0, le=120)
    mbc_interval_days: int = Field(90, ge=1)
    mbc_after_trial_weeks: float = Field(4.0, ge=0)
    mbc_adequacy_grace_days: int = Field(7, ge=0, le=28)
    optimise_responder_after_weeks: float = Field(8.0, ge=0, le=52)
    residual_falling_points: int = Field(5, ge=1, le=27)
    residual_falling_weeks: float = Field(4.0, ge=0, le=52)
    antidepressant_new_start_days: int = Field(90, ge=0, le=3660)
    below_range_grace_weeks: float = Field(2.0, ge=0, le=12)
    tsh_lookback_days: int = Field(365, ge=1)
    cpap_current_days: int = Field(365, ge=1, le=3660)
    esketamine_session_recent_days: int = Field(28, ge=1, le=365)
    adjunct_level_current_days: int = Field(90, ge=7, le=3660)
    ketamine_dose_min_days: int = Field(2, ge=1, le=30)
    older_adult_age: int = Field(65, ge=18, le=120)
    older_adult_requires_frailty: bool = False
    drug_market: DrugMarket = "US"
    pregnancy_possible_max_age: int = Field(55, ge=40, le=120)
    stale_pregnancy_ask_years: float = Field(2.0, ge=0, le=50)
    dose_entry_error_factor: float = Field(5.0, ge=2, le=100)
