"""Thresholds the mapping applies when it turns medication history into trials.

They are clinic policy, not facts: each default cites where it comes from, and a clinic may set
them differently in the `[policy]` table of the TOML configuration (see README, "Policy").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import tzinfo

from fhir_mapping.site_codes import SiteCodes

# MappingPolicy.unknown_ended_days's default, named for the readers that take it as a default
# argument (a slots dataclass's field is no class attribute).
UNKNOWN_ENDED_DAYS = 35
# MappingPolicy.unknown_order_days's default, named for the same reason (unknown_order.py).
UNKNOWN_ORDER_DAYS = 70
# MappingPolicy.supply_gap_days's default, named for the same reason (unidentified_taken.py).
SUPPLY_GAP_DAYS = 30


@dataclass(frozen=True, slots=True)
class UnknownWindows:
    """The two windows a record read `unknown` is kept possibly running by, as the medication
    readers take them (MappingPolicy.unknown_ended_days, unknown_order_days)."""

    ended_days: int = UNKNOWN_ENDED_DAYS
    order_days: int = UNKNOWN_ORDER_DAYS


# The default windows, for the readers that take them as a default argument.
UNKNOWN_WINDOWS = UnknownWindows()


@dataclass(frozen=True, slots=True)
class MappingPolicy:
    # >= 6 weeks at >= the minimum adequate dose: the blog rule the clinic adopted, the Fabbri 2021
    # EHR phenotype (>= 6 weeks before a switch) and the MTI's 6-week column.
    min_adequate_weeks: float = 6.0
    # 4 to < 6 weeks at an adequate dose is "possibly adequate - review", not adequate: it is not
    # counted as a failure, but the card asks the clinician to judge it (REFERENCE.md 0.2; the ATHF
    # long form counted > 4 weeks).
    possibly_adequate_weeks: float = 4.0
    # Proportion of days covered >= 80 %: the common adherence convention (UNVERIFIED as a
    # guideline value; kept as policy).
    pdc_threshold: float = 0.8
    # Fabbri 2021 (CPRD TRD phenotype): > 26 weeks between prescriptions of the same drug starts a
    # new episode; > 14 weeks between supplies marks a treatment break (likely non-adherence).
    new_trial_gap_weeks: float = 26.0
    refill_gap_weeks: float = 14.0
    # Review 10 recheck R3: re-orders of the same drug and dose that state no duration or end
    # and no supply (Synthea writes a chronic drug as one MedicationRequest a year, each
    # `completed` but the last, with no dispenseRequest and no dispenses) are one course whose
    # continuity is assumed and whose adherence is unverified, when each comes within this many
    # days of the order before it: the months between are "supply not stated", not a stop, and
    # cutting them into 30-day courses would read four years of maintenance as several short
    # failed trials. About 13 months: one yearly renewal plus a month's slack (Synthea renews on
    # the yearly visit, a few days either side). A DESIGN CHOICE (no guideline value; UNVERIFIED).
    # A longer gap, or a stated supply that ran out, still starts a new trial (new_trial_gap_weeks).
    renewal_join_days: int = 400
    # A stretch of >= 30 days with no dispensed supply on hand inside a trial is named on the cards
    # and the packet (review 6 finding 1) and is not counted as time on the drug, even where an
    # open order spans it; a PHQ-9 taken in it does not decide a failure. 30 days is one usual
    # fill: a DESIGN CHOICE (no guideline value found; permissible gaps of about a month are a
    # common pharmacoepidemiology convention, UNVERIFIED). It does not by itself make adherence
    # POOR (that stays PDC and refill_gap_weeks). It is also the grace after the last fill's days
    # run out: a course adequate on its supply is judged up to that day, and this many days on
    # with no fill the cards say "no supply since DATE" (review s20 RA finding 4:
    # supply_breaks.py).
    supply_gap_days: int = SUPPLY_GAP_DAYS
    # Ward MAR days (ward_adherence.py, review s25 RK1 finding 1, RK4 finding 2): a course whose
    # fills give a refill PDC has its ward days weighed with the fill days (the course PDC with
    # the ward days read in): one dose refused on a 2-day stay, or 2 in a week, does not outweigh
    # a year of on-time fills. The ward days judge the adherence on their own (a ward PDC below
    # pdc_threshold makes it POOR whatever the fills say) only when there are no fills, or when
    # they are more than this share of the course's days counted: the ward is then most of what
    # is known of the course. 0.5 ("most of the course") is a DESIGN CHOICE (no guideline value
    # found; UNVERIFIED). A fixed day count (7, before) made the reading flip between 6 and 7 ward
    # days whatever the course's length.
    ward_alone_share: float = 0.5
    # ... or when one ward run (one stay's days, first to last, held days left out) counts at
    # least this many days (review s25 RK5 finding 1: a 21-day stay with every dose refused,
    # weighed with a year of fills, read 93 % and the trial counted as failed, with an augment
    # one click). A fortnight of directly observed doses not given is evidence the fills cannot
    # outweigh: the safer reading before an escalation. 14 is a DESIGN CHOICE (no guideline
    # value found; UNVERIFIED); 2 refusals in a 7-day stay stay weighed.
    ward_alone_days: int = 14
    # A ward run's stretch of doses held (on hold, or not done for a clinical reason: NPO, a
    # procedure, a prescriber's hold), none given and none refused between, of at least this
    # many days is no time on the drug: cut from the weeks at an adequate dose and named on the
    # trial line (ward_adherence.py, review s28 K9 finding 1: 24 days held read as 7.4 weeks
    # at dose, adequate). Shorter holds (a day or two NPO for a procedure, a BP hold inside a
    # long stay) do not break the course: a week is a sixth of the 6-week adequacy minimum,
    # and shorter holds are within the rounding of weeks at dose the charting allows. 7 is a
    # DESIGN CHOICE (no guideline value found; UNVERIFIED).
    ward_held_days: int = 7
    # A ward order finished while its home order was left open is read as the ward's stop of the
    # drug (fhir_mapping/ward_stop.py) only when its last dose given came more than this many
    # days before the stay ended (in progress: before the MAR's last day of the stay): a dose or
    # two not given before discharge (held, refused, the patient on leave) is the usual "resume
    # home medications", not a stop (review s27 K2 finding 9). 3 days is a DESIGN CHOICE (no
    # guideline value found; UNVERIFIED).
    ward_stop_days: int = 3
    # An `active` MedicationStatement with no end counts as time on the drug only up to this many
    # days after the record last confirms it: its dateAsserted, else its start, or a later order,
    # dispense or statement of the drug (review 6 finding 11). C-CDA medication lists are
    # snapshots, and "active" in a 2012 document says nothing of 2025. Past that the drug is only
    # listed ("listed as active in a statement; not confirmed since ..."): not counted towards an
    # adequate trial, still in view of the MAOI and interaction checks (a listed-active MAOI is
    # the safer reading there). meta.lastUpdated is NOT a confirmation: a server sets it when it
    # stores or converts the resource (the HL7 C-CDA-on-FHIR Smile sample: lastUpdated 2022 on a
    # 2012 list entry). 365 days is about one annual medication review: a DESIGN CHOICE (no
    # guideline value found; UNVERIFIED). An `active` order that states no supply (no quantity,
    # no duration) and that no fill confirms is read alike (review s21 RN finding 5: a
    # fluoxetine order of 1993, never renewed, read "On fluoxetine since 1993" in 2026).
    statement_confirmed_days: int = 365
    # A record that says only that its drug MAY be taken now (a MedicationStatement `unknown`, a
    # record whose code and name give different drugs: fhir_mapping/to_confirm_settled.py) is
    # read as possibly running, for every check, for this many days after the newest record of
    # the drug (its own day, or a later order, fill or statement); past that, with nothing of
    # the drug since, it is named in the data-gap line only (review s21 RR finding 5: a 2019
    # `unknown` fluoxetine held today's adjuncts). 365 days, as statement_confirmed_days: about
    # one annual medication review, after which even an `active` statement no longer counts as
    # time on the drug. A DESIGN CHOICE (no guideline value; UNVERIFIED). Never shorter than the
    # longest washout of services/data/maoi_washout.csv (fluoxetine, 35 days): the policy table
    # refuses it (services/policy/mapping_config.py), so a record within any washout period is
    # always still read by the MAOI and serotonergic checks, the safer reading.
    maybe_running_days: int = 365
    # A MedicationStatement `unknown` whose stated effectivePeriod ended more than this many days
    # before as-of (a full date) is read as the past course it states, not as a drug that may be
    # taken now (review s27 RA finding 5: fluoxetine 40 mg 2025-03-02 to 2025-08-31, asserted
    # 2026-07-08, read "may be running ... dose and start not known" in 2026-12 and held the
    # adjuncts, though its dose and dates were stated). `unknown` says only that today's use is not
    # known; the period says when it was taken. With an end within these days, or none, it stays
    # "may be running" (status_to_confirm.py). 35 days: the longest washout of
    # services/data/maoi_washout.csv (fluoxetine), so a stated end recent enough for a drug to
    # still act is kept in view as possibly running. A DESIGN CHOICE (no guideline value;
    # UNVERIFIED).
    unknown_ended_days: int = UNKNOWN_ENDED_DAYS
    # A clinic order read `unknown` that states no supply and that no completed fill names
    # (unknown_order.unbounded) is read as possibly running for this many days after its own
    # day; past that it is read as ended (fix maoi56, review K62a finding 7: a phenelzine order
    # of 2019 so read gave the critical MAOI card beside a sertraline draft in 2026). It has no
    # end for unknown_ended_days to count from, so this counts from its day: 70 = 35 days it
    # may have been taken (unknown_ended_days' default) plus the longest washout of
    # services/data/maoi_washout.csv (fluoxetine, 35 days; 14 after an MAOI), so an order
    # recent enough for its drug still to be taken or still to act keeps every MAOI check. A
    # DESIGN CHOICE (no guideline value; UNVERIFIED); never shorter (the policy table refuses
    # it: services/policy/mapping_config.py).
    unknown_order_days: int = UNKNOWN_ORDER_DAYS
    # Score windows around a trial: baseline = latest PHQ-9 in the 30 days before the start, or
    # the first 14 days of treatment; on-treatment = latest from week 4 to 30 days after the end
    # (CANMAT 2023: response is judged after >= 4 weeks; early improvement by week 4, para 191).
    # The same weeks judge a raised dose (services/dose_raises.py, review s20 RA finding 5): the
    # relapse and optimise cards propose no switch, adjunct or further raise before a PHQ-9
    # taken this long after the raise ("reassess from DATE"), unless the PHQ-9 worsens.
    baseline_days_before: int = 30
    baseline_days_after: int = 14
    on_treatment_from_week: float = 4.0
    on_treatment_days_after_end: int = 30
    # An ICD-10-CM adverse-effect code of a class (T43.225A, SSRI) marks a course of that class
    # stopped for intolerance when the course ended within this many days of the code's day
    # (fhir_mapping/adverse_effect_codes.py; RC review s23 finding 3). 14 days: about the visit
    # after a stop for side effects. A DESIGN CHOICE (no guideline value; UNVERIFIED).
    adverse_effect_code_days: int = 14
    # A response or remission on a drug is read as lost to a relapse on it (relapse_on_drug.py,
    # review s23 RC finding 1) only when it held on this many consecutive PHQ-9s on the drug:
    # one low total between higher ones (18, 8 at week 6, 17) is no response, as
    # tests/services/test_a4_scales.py pins. A DESIGN CHOICE (no guideline value; UNVERIFIED).
    relapse_held_scores: int = 2
    # A drug started while the previous antidepressant is stopped within this many weeks (its
    # course ends, or a taper sig "... then stop" starts, within the window) is a switch by
    # cross-taper, not an augmentation (review 10 finding 11). Cross-tapering "can usually be
    # undertaken cautiously over 2 to 4 weeks" (NHS Specialist Pharmacy Service, "Antidepressant
    # switching strategies", with the Maudsley Prescribing Guidelines' 4-week example; found with
    # the search tool, not in ../shared/clinical: corroborated). Longer would call a true
    # augmentation whose base drug was stopped weeks later a switch; the staging then counts one
    # augmentation fewer, the smaller error. The same window says a course that ended (or states
    # its end) within it of its step down to the bottom of the adequate range was tapered to a
    # stop: those weeks are not weeks at an adequate dose (taper_weeks.py, session 26 LA item 2,
    # RK1 finding 7: a step that stays above the minimum still counts). Longer would drop a reduced
    # dose's weeks from more trials (a trial "too short" longer); shorter would count more tapers
    # as tried doses (a drug called failed on weeks off it), the larger error.
    cross_taper_weeks: float = 4.0
    # The current episode ends after >= 6 months of remission (PHQ-9 < 5) or a treatment-free gap
    # of that length ending in a PHQ-9 < 5 (ATHF long form separates episodes by 2 months of
    # euthymia; 6 months is the conservative choice: more trials stay in the episode).
    episode_gap_months: int = 6
    remission_below: int = 5  # PHQ-9 < 5 is remission (CMS159)
    # An adequate trial counts as failed (toward treatment resistance, TMS, the Maudsley staging)
    # only when its baseline PHQ-9 was at least this: the moderate band's floor (Kroenke 2001,
    # services/data/phq9_bands.csv: >= 10 indicates depression). From a mild baseline (5-9) a
    # 50 % drop means a few points, and an on-treatment score still below this floor is
    # residual mild symptoms, not non-response (review 15 W1: sertraline 50 mg from PHQ-9 9 to 6
    # was called a failed trial and one-click aripiprazole offered). CANMAT 2023's sequence is
    # then optimise the dose and add psychological treatment (Figure 7.1, paras 185-187), not an
    # adjunct. A trial whose score rose to this floor or above from a mild baseline is still
    # failed (it worsened on the drug). Other scales use their own moderate floor
    # (data/scale_outcomes.csv, moderate_from). A DESIGN CHOICE (no guideline sets a minimum
    # baseline for counting a failed trial; UNVERIFIED as a guideline value).
    failure_min_baseline_phq9: int = 10
    # A depression Condition coded resolved (or in remission) with an abatement date is a stated
    # end of an episode (fhir_mapping/episode.py rule 1c, review 11 finding 4) only when the next
    # one (a new depression Condition's onset, or a PHQ-9 at relapse_phq9_at_least) comes at least
    # this many months after the abatement: the ATHF separates episodes by 2 months of euthymia
    # (REFERENCE.md 1.2, secondary summary: corroborated). A problem-list recode (F32.9 resolved,
    # F33.1 added the same week) is then no boundary, and the earlier trials stay in the episode.
    episode_recovery_months: int = 2
    # A PHQ-9 at or above this after remission on a running drug reads as a relapse
    # (services/rules/relapse.py, review 11 finding 3), and after a stated abatement as the start
    # of a new episode: the moderate band's floor, where the PHQ-9 indicates depression (Kroenke
    # 2001: >= 10 sensitivity and specificity 88 % for MDD; services/data/phq9_bands.csv,
    # REFERENCE.md 4.2: confirmed). Mild symptoms after remission (5-9) are not called a relapse.
    relapse_phq9_at_least: int = 10
    # The site's local codes mapped to standard ones (the `[codes]` table, not `[policy]`: it
    # describes the EHR, not a clinical choice). Empty by default: standard codes only.
    site_codes: SiteCodes = field(default_factory=SiteCodes)
    # The site's time zone (`[server] timezone`, set by cds_hooks like `site_codes`: it describes
    # where the clinic is, not a clinical choice). A dateTime sent as an instant ("...T02:15:00Z")
    # is read as its calendar date there, the same calendar "today" is taken in
    # (fhir_fields.SITE_ZONE; review 15 recheck U-a). None: dates as written.
    site_zone: tzinfo | None = None
    # A "Pregnant" (or "Possible pregnancy") Pregnancy Status Observation, or a positive (or
    # equivocal) hCG test (pregnancy_tests.py), with no estimated
    # delivery date counts as a current pregnancy for this many weeks after it was recorded
    # (fhir_mapping/pregnancy.py; review 10 finding 3). 42 weeks is the longest a pregnancy
    # lasts (post-term from 42 0/7 weeks, ACOG): a status recorded at any point of a pregnancy
    # has been overtaken by its end by then. Shorter would drop the caveats while she may still
    # be pregnant; the card asks to confirm it is current. A DESIGN CHOICE (UNVERIFIED as a
    # guideline value).
    pregnancy_status_weeks: float = 42.0
    # An estimated delivery date ends the pregnancy only this many days after it has passed:
    # about half of pregnancies go past the EDD, and post-term is EDD + 14 days (42 0/7 weeks,
    # ACOG), so until then she may still be pregnant (the safer reading). UNVERIFIED.
    pregnancy_edd_overdue_days: int = 14
    # Once the EDD has passed (beyond pregnancy_edd_overdue_days), for this many days after it the
    # record reads as "EDD passed: probably postpartum" (fhir_mapping/pregnancy.py; review 10
    # R13): the cards then ask about breastfeeding before a drug is chosen rather than fall
    # silent. 365: the postnatal period of perinatal mental health care is "up to 1 year after
    # childbirth" (NICE CG192 and quality standard QS115, introduction: corroborated via
    # nice.org.uk/guidance/qs115), and breastfeeding commonly lasts months. DSM-5's "with
    # peripartum onset" specifier is narrower (onset within 4 weeks after delivery: recalled,
    # UNVERIFIED here) but is about when an episode began, not about drug choice. A clinic may
    # shorten it; 0 turns the line off.
    postpartum_after_edd_days: int = 365
    # An inpatient stay recorded in progress is read as left (nothing held on it; its status to
    # check: fhir_mapping/admissions.py `read_current_stays`) when outpatient evidence after its
    # admission day (an ambulatory visit that took place, a dispense not to the ward) falls on at
    # least `stay_left_min_days` days with the last of them `stay_left_after_days` or more days
    # after the admission, or when any such event comes `stay_left_single_after_days` or more
    # days after it (review 17 second recheck M2, M3). One encounter during a short stay may be a
    # consult or test an EHR files as ambulatory (st04: a 3-day stay released by a "Consultation"
    # the day before), so one event early in a stay keeps the hold and is said as a conflict: a
    # held one-click costs a click, an outpatient order placed around a ward team is the harm.
    # A week is about the length of an acute stay (US community-hospital mean about 4.5-5.5
    # days, psychiatric longer: recalled, UNVERIFIED); 30 days of fills or visits after an
    # admission is a patient living at home. DESIGN CHOICES (no guideline value; UNVERIFIED).
    stay_left_min_days: int = 2
    stay_left_after_days: int = 7
    stay_left_single_after_days: int = 30
    # An emergency-department visit recorded in progress (fhir_mapping/current_stays.py) is said
    # as open too long ("ED visit open since ... (N days)", its status to check, the hold KEPT:
    # review s25 RK4 finding 11) once its arrival day is more than this many days before the
    # as-of date, and within this many days of its arrival a PHQ-9 or fill naming no encounter
    # is no evidence the patient left (RK4 finding 10). (Review s25 RK2 finding 2, an ED visit
    # left "in-progress" since August holding every one-click for three months, had made the
    # ceiling lift the hold; a psychiatric boarder on day 5 then lost it.) ED visits last hours: mean length of stay 7.8 h for adults with a primary
    # psychiatric diagnosis (Florida 2010-2013, Psychiatric Services 2016, doi
    # 10.1176/appi.ps.201500283), 11.5 h for psychiatric patients at five EDs (Weiss, Ann Emerg
    # Med 2012); boarding awaiting a transfer had a median of 13.9 h (IQR 9.3-20.2) and ran up to
    # 243 h at one centre (O'Neil, West J Emerg Med 2016). Three days covers all but the rare
    # boarder past that; dates, not times, are read (a visit from late evening counts its
    # arrival day). A DESIGN CHOICE from those figures (no guideline value; UNVERIFIED).
    # The `stay_left_*` thresholds above are for ward stays: one outpatient event after an ED
    # visit's arrival day ends it.
    ed_visit_max_days: int = 3
    # How long an ED visit whose reason is a Condition not in the record is named on the cards
    # (ed_reason_unread.py; fix fut63): the post-discharge period a stay of unread reason is
    # read in (services policy suicide_post_discharge_days, 90: Chung 2017's first 3 months).
    # A DESIGN CHOICE (no guideline value for an ED visit; UNVERIFIED).
    ed_reason_unread_days: int = 90
    # How long psychotic features a visit alone records stay current (review K64a finding 3,
    # tms61 findings 1-2): a status-less encounter diagnosis (R44.3 of a 2019 visit) or an ED
    # visit's reason ("Psychosis", "+AH/VH") says what was assessed at that visit, not that the
    # features are present now. The window the services read a status-less substance or sleep
    # apnea visit diagnosis by (services policy substance_visit_current_days, 365), so one visit
    # diagnosis ages the same way whatever it names. A DESIGN CHOICE (no guideline value;
    # UNVERIFIED); inside it the finding holds TMS and gives the psychotic headline (the safer).
    psychotic_visit_current_days: int = 365

    def unknown_windows(self) -> UnknownWindows:
        """The windows the medication readers keep a record read `unknown` by."""
        return UnknownWindows(self.unknown_ended_days, self.unknown_order_days)
