"""TMS referral: the failed trials and score a referral needs, the payer rule set it is judged
against, the psychotherapy trial payers ask for, and the TMS course once it runs.

The settings' defaults, with their sources, and their `[policy]` table bounds (README "Policy").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field


@dataclass(frozen=True)
class TmsPolicy:
    # TMS: >= 2 adequate failed trials in the current episode (CANMAT 2023 TRD definition; most
    # payers). Medicare LCD L34998 accepts 1; Ambetter CP.BH.200 and L37086 want >= 2 classes.
    tms_min_failed_trials: int = 2
    tms_require_distinct_classes: bool = False
    # With tms_require_distinct_classes: how many distinct mechanism classes must have failed
    # (L37086 "at least 2 classes"; Ambetter CP.BH.200 "from different classes").
    tms_min_distinct_classes: int = 2
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
    # "adequate psychotherapy trial" nor silences the psychotherapy card. Nor "substance-use":
    # an H0004 whose only diagnosis is a substance-use disorder (fhir_mapping/session_kinds.py).
    psychotherapy_course_kinds: tuple[str, ...] = ("standalone", "group")
    # Sessions that make "an adequate psychotherapy trial" where the payer's text states no number
    # (none of the shipped rule sets does): fewer is "to confirm", not "met". 8: the shortest
    # structured course NICE NG222 (2022) describes for depression (group CBT, "usually 8 regular
    # sessions"; individual CBT, IPT and behavioural activation for more severe depression usually
    # run 12-16). A clinic whose payer names a number sets it, or the rule set's min_sessions.
    psychotherapy_min_sessions: int = 8
    # Psychotherapy counts as current for the psychotherapy card (services/psychotherapy_current.py)
    # when a session of a course falls in this episode or within this many days, or an open
    # referral was written in this episode or within this many days (review s24 RQ findings 2-3):
    # a course that ended three years ago, or a referral left `active` since 2023 and never
    # attended, is history to name, not therapy arranged, and no longer silences the card. 180:
    # a DESIGN CHOICE (UNVERIFIED as a guideline value): twice the 90-day measurement-based-care
    # interval, longer than a usual wait for a first therapy appointment and than the gap between
    # sessions of a running course; shorter asks more often (the safer side: a CBT or IPT prompt
    # the clinician can dismiss). Undated sessions and referrals count (nothing says they are old).
    psychotherapy_current_days: int = 180
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
    # TMS course management (issue 12, services/tms_course.py). Sessions (CPT 90867-90869) more
    # than tms_course_gap_days apart start a new course (for the cards, the packet, the
    # timeline and the payer's retreatment criterion alike: review s25 RT 3); a course with a session in the last
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
    # A TMS course that ended with fewer sessions than this is no adequate course (review s24
    # RA findings 2-3): it does not cut a running drug's scoring window (the drug is judged on
    # its own later scores: fhir_mapping/device_course_scores.py) and a "no response" from it
    # does not bar a referral (services/tms_course.py). 20: the Clinical TMS Society consensus
    # (Perera et al., Brain Stimul 2016;9(3):336, PMC5612370) gives the cleared acute course
    # as daily sessions over 4-6 weeks, 20-30 sessions, and the response check here starts at
    # week 4 (tms_response_check_weeks); reading its lower end as the minimum adequate course is
    # this project's (UNVERIFIED as a stated minimum: no payer text read states one).
    tms_min_course_sessions: int = 20
    # A TMS course's outcome is read from the PHQ-9s up to this many days after its last session,
    # the best of them when it is a response or remission (fhir_mapping/device_course_outcome.py,
    # review s24 RC finding 3: PHQ-9 16 -> 12 three days after a 20-session course -> 7 a month
    # on was "No response" and drugs were proposed at 7). TMS keeps acting after its last session
    # and the post-course score is taken at a follow-up visit weeks on; a drug's 30-day window
    # (mapping on_treatment_days_after_end) missed a visit on day 31. 42 days (6 weeks): a
    # follow-up a month after the course, late by up to two weeks. A DESIGN CHOICE (UNVERIFIED
    # as a guideline value: no guideline or payer text read states a post-course window).
    # Longer credits TMS with more of a later drop (the drug beside it is judged before the
    # course either way: fhir_mapping/device_course_scores.py).
    tms_outcome_days_after_end: int = 42
    # After a TMS course that responded, a PHQ-9 this many points or more above the course's
    # outcome is named as rising on the card that names the course ("PHQ-9 rising since the
    # course (8 -> 13 on ...)", services/tms_retreatment.rising; s25 FB item 2), whether or not
    # it reaches the relapse threshold (mapping relapse_phq9_at_least). 5: the minimal clinically
    # important PHQ-9 change (../shared/clinical/REFERENCE.md: CMS159 citing Trivedi 2009, stated
    # for a drop; read here for a rise too, UNVERIFIED as a stated rise threshold). Lower says it
    # sooner (the safer direction: a line, no order); below 5 a rise is within a score's noise.
    tms_rise_points: int = 5
    # An ECT course is current (services/lithium_ect.py: lithium drafted or running during it)
    # while its latest session (CPT 90870) is at most this many days old, or an ECT order is
    # open. 42 days: continuation/maintenance ECT is given every one to four weeks, up to
    # monthly (data/ect_schedule.csv), so six weeks covers one late monthly session; a clinic
    # whose maintenance runs further apart sets a longer window (review 21 RF finding 1).
    ect_recent_session_days: int = 42
    # Under an open ECT order with two or more sessions after it (a continuation/maintenance
    # schedule), the course stays current until this many times the last gap between sessions
    # has passed since the latest one, when that is longer than ect_recent_session_days:
    # maintenance every 7 weeks is still a course 47 days after a session (review s22 RR
    # finding 5). 1.5: one session late by half an interval (services/open_referrals.py).
    ect_session_gap_factor: float = 1.5
    # The gap-derived window is read only from a schedule of at least this many sessions under
    # the order, and is never longer than ect_session_window_max_days: two sessions a year apart
    # kept an order "current" six months after the last (review s22 RR2 finding 7). 3: two gaps
    # make a schedule, one gap may be a single late top-up. 90 days: 1.5 times a 60-day gap,
    # twice the longest maintenance interval on record (monthly, data/ect_schedule.csv); past
    # it the course has ended or paused and the lithium-ECT line no longer applies by itself.
    ect_schedule_min_sessions: int = 3
    ect_session_window_max_days: int = 90
    # After an acute ECT course the optimise card's drug steps and the TMS referral wait for its
    # outcome, a PHQ-9 after the last session (services/open_referrals.ect_outcome_pending), up to
    # this many days after that session (never less than mapping on_treatment_days_after_end,
    # the course's outcome window). Review s25 RK3 finding 4: the hold dropped on day 31 with no
    # PHQ-9 since, and adjuncts came back one click beside "none within 30 days after it". A cap
    # still: past it the ECT course is history, and what the next step turns on is the patient's
    # state now, which the measurement-based-care card then asks for (its interval,
    # mbc_interval_days, is 90 days too: the last PHQ-9, at the latest during the course, is then
    # over 90 days old). 90 days: that interval, a DESIGN CHOICE (UNVERIFIED as a guideline
    # value). Longer keeps drugs off one click longer (the safer side: they can still be ordered
    # by hand, and a PHQ-9 releases them at once).
    ect_outcome_hold_max_days: int = 90
    # A TMS or ECT course charted as one Procedure `in-progress` over an open period runs to
    # as-of (fhir_mapping/procedures_devices.py). Open longer than this many weeks since its
    # start it is no longer read as running (recheck K18 s29 finding 2: "week 99.1 ... judge at
    # week 4-6 first", every drug held behind an ECT record open since 2025): the cards say "in
    # progress for N weeks: confirm it is still running" and hold nothing on it
    # (services/open_course.py). TMS 10: the longest acute course the payer data cites, 30 daily
    # sessions over 6 weeks plus a 6-session taper over 3 weeks (Aetna CPB 0469 "30 plus taper",
    # Ambetter CP.BH.200 "up to 36": services/tms_full_course.py; L34998 "up to 6 weeks"), so 9
    # weeks, and a week's slack. ECT 12: an acute course is 6-12 treatments two to three times a
    # week (data/ect_schedule.csv), at most 6 weeks; twice that for an extended course. A DESIGN
    # CHOICE (UNVERIFIED as a guideline value): maintenance ECT runs for months, but as sessions
    # each on record, not as one open record. Longer holds the cards longer on a stale record.
    tms_course_open_max_weeks: float = 10.0
    ect_course_open_max_weeks: float = 12.0
    # The same for a record named maintenance or continuation (fhir_mapping/course_protocols.py):
    # such a course runs for months, so the acute limit does not fit it, but no limit at all held
    # every drug step behind "Maintenance ECT" open since 2023 (recheck K20b s30). 52: a year,
    # twice the six months of continuation ECT (data/ect_schedule.csv); past it the cards ask to
    # confirm it still runs. A DESIGN CHOICE (UNVERIFIED as a guideline value).
    maintenance_course_open_max_weeks: float = 52.0


class TmsPolicyConfig(BaseModel):
    tms_min_failed_trials: int = Field(2, ge=1, le=10)
    tms_require_distinct_classes: bool = False
    tms_min_distinct_classes: int = Field(2, ge=2, le=10)
    tms_min_phq9: int = Field(10, ge=0, le=27)
    tms_count_intolerant_trials: bool = True
    tms_intolerant_min_days: int = Field(14, ge=0, le=365)
    psychotherapy_course_kinds: tuple[
        Literal["standalone", "group", "family", "add-on", "crisis", "substance-use"], ...
    ] = (
        "standalone",
        "group",
    )
    psychotherapy_min_sessions: int = Field(8, ge=1, le=100)
    psychotherapy_current_days: int = Field(180, ge=1, le=3650)
    payer_criteria: str = Field("l37086", min_length=1)
    payer_criteria_file: str | None = None
    tms_card_when_payer_criteria_unmet: bool | Literal["patient-view"] = "patient-view"
    payer_score_max_age_days: int = Field(90, ge=1, le=730)
    tms_course_gap_days: int = Field(30, ge=1, le=365)
    tms_session_recent_days: int = Field(7, ge=1, le=90)
    tms_scale_interval_days: int = Field(7, ge=1, le=90)
    tms_response_check_weeks: float = Field(4.0, gt=0, le=26)
    tms_course_weeks: float = Field(6.0, gt=0, le=26)
    tms_min_course_sessions: int = Field(20, ge=1, le=60)
    tms_outcome_days_after_end: int = Field(42, ge=0, le=180)
    tms_rise_points: int = Field(5, ge=1, le=27)
    ect_recent_session_days: int = Field(42, ge=1, le=365)
    ect_session_gap_factor: float = Field(1.5, ge=1.0, le=4.0)
    ect_schedule_min_sessions: int = Field(3, ge=2, le=20)
    ect_session_window_max_days: int = Field(90, ge=1, le=365)
    ect_outcome_hold_max_days: int = Field(90, ge=0, le=365)
    tms_course_open_max_weeks: float = Field(10.0, gt=0, le=104)
    ect_course_open_max_weeks: float = Field(12.0, gt=0, le=104)
    maintenance_course_open_max_weeks: float = Field(52.0, gt=0, le=520)
