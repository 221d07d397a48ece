"""Suicide-risk card: how long a PHQ-9 item 9 answer, a coded ideation or self-harm, an inpatient
discharge or an ED visit stays a current signal or history.

The settings' defaults, with their sources, and their `[policy]` table bounds (README "Policy").
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field


@dataclass(frozen=True)
class SuicideRiskPolicy:
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


class SuicideRiskPolicyConfig(BaseModel):
    suicide_item9_lookback_days: int = Field(30, ge=1)
    suicide_unassessed_item9_days: int = Field(365, ge=1)
    suicide_condition_recent_days: int = Field(90, ge=1)
    suicide_post_discharge_days: int = Field(90, ge=1, le=3660)
    suicide_ed_visit_history_days: int = Field(365, ge=1, le=3660)
