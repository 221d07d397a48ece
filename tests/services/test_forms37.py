"""Session 31 fix forms37: self-harm form questions and answers of recheck K27a (vendor-shaped
Epic nursing-form QuestionnaireResponses with all 19 prefetch keys in forms37_charts/, built by
the reviewer's probe from forms35's q_injuries_intentionally; as of 2026-12-01). Each test named
"failed" fails on a547f569 and passes here; the controls pass both.

1. "Was the injury intentional?" / "Was this injury self-inflicted?" / "Self-inflicted?" = yes
   raised nothing (no self-harm term in the question): `intent-question` words make it a
   self-harm question. "Any injuries since last visit?" = "No - cut self on purpose" raised
   nothing: after an opening no, a later act done on purpose wins (form_injury_intent.meant).
2. "Suicide risk screen" = "Positive" / "High risk" raised nothing and "C-SSRS screen result" =
   "High risk" was the warning to check: a screen's result read positive or moderate/high is a
   positive answer. C-SSRS screener question 3 ("thinking about how you might do this") is a
   `plan` question. "Not right now, but yesterday yes" to "Have you actually had any thoughts of
   killing yourself?" (the past month) is a yes.
3. "Yes, husband hit her intentionally" is an assault, no self-harm; decision: "Yes, intentional
   - punched wall" stays critical (the safer choice; form_injury_intent.py).
4. A nursing comment about a relative's risk ("Reports brother attempted suicide",
   "worried about her son who is suicidal") is not the patient's (form_note_relative.py).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_cards = chart_files.topic_reader(Path(__file__).parent / "forms37_charts", date(2026, 12, 1))


def _critical(name: str) -> dict[str, Any]:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", (name, card)
    assert TMS not in cards
    return card


def _quiet(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards, (name, cards[RISK]["summary"])


# 1 and 2. Failed before: no card or only the warning; critical now.
@pytest.mark.parametrize(
    "name",
    [
        "q_Was_the_injury_intentional_Yes",
        "q_Was_this_injury_self_inflicted_Yes",
        "q_Self_inflicted_Y",
        "q_Any_injuries_since_last_visit_No_cut_self_on_purpose",
        "q_Any_injuries_since_last_visit_no_but_did_burn_self_on_purpose",
        "q_Suicide_risk_screen_Positive",
        "q_Suicide_risk_screen_High_risk",
        "q_C_SSRS_screen_result_High_risk",
        "q_C_SSRS_risk_level_High",
        "q_Have_you_been_thinking_about_how_you_might_do_this_Yes",
        "q_Have_you_actually_had_any_thoughts_of_killing_yourself_Not_right_now",
        "q_Have_you_actually_had_any_thoughts_of_killing_yourself_Denies_curren",
    ],
)
def test_failed_now_critical(name: str) -> None:
    card = _critical(name)
    assert card["summary"].startswith("Self-harm question")


# 1 and 2. Controls: a no, a negative or low screen, a fall-risk level, an opening no with no
# act after it stay quiet; an answer to an intent question not read is the warning to check.
@pytest.mark.parametrize(
    "name",
    [
        "q_Was_the_injury_intentional_No",
        "q_Self_inflicted_N",
        "q_Suicide_risk_screen_Negative",
        "q_Suicide_risk_screen_Low_risk",
        "q_C_SSRS_screen_result_Negative",
        "q_Fall_risk_level_High",
        "q_Any_injuries_since_last_visit_No_deliberate",
        "q_Any_injuries_since_last_visit_No_nothing_deliberate",
        "q_Have_you_actually_had_any_thoughts_of_killing_yourself_Not_currently",
    ],
)
def test_controls_quiet(name: str) -> None:
    _quiet(name)


def test_intent_unsure_is_the_warning() -> None:
    card = _cards("q_Was_the_injury_intentional_Unsure")[RISK]
    assert card["indicator"] == "warning"


def test_yes_to_others_after_a_no_is_no_yes_of_the_self() -> None:
    cards = _cards("q_Have_you_actually_had_any_thoughts_of_killing_yourself_No_yes_to_oth")
    assert cards[RISK]["indicator"] == "warning"


# 3. Failed before: an assault was a critical self-harm card.
@pytest.mark.parametrize(
    "name",
    [
        "q_Any_injuries_since_last_visit_Yes_husband_hit_her_intentionally",
        "q_Was_the_injury_intentional_Yes_assaulted_by_boyfriend",
    ],
)
def test_assault_is_no_self_harm(name: str) -> None:
    _quiet(name)


# 3. Controls and decision: the patient's own act stays critical.
@pytest.mark.parametrize(
    "name",
    [
        "q_Any_injuries_since_last_visit_Yes_intentional_punched_wall",
        "q_Any_injuries_since_last_visit_Yes_cut_herself_on_purpose_after_husba",
    ],
)
def test_own_act_stays_critical(name: str) -> None:
    _critical(name)


# 4. Failed before: a relative's risk in a nursing comment was the patient's critical card.
@pytest.mark.parametrize(
    "name",
    [
        "q_Nursing_comment_Pt_denies_SI_Reports_brother_attempted_suicide_last_",
        "q_Nursing_comment_Pt_worried_about_her_son_who_is_suicidal",
    ],
)
def test_relatives_risk_in_a_comment_is_not_the_patients(name: str) -> None:
    _quiet(name)


# 4. Controls: a relative's report of the patient, the patient sharing it, and the patient's own
# risk beside a relative's stay critical.
@pytest.mark.parametrize(
    "name",
    [
        "q_Nursing_comment_Mother_reports_suicide_attempt",
        "q_Nursing_comment_Pt_s_mother_states_pt_threatened_to_kill_herself",
        "q_Nursing_comment_Reports_brother_attempted_suicide_pt_also",
        "q_Nursing_comment_Pt_worried_about_her_son_who_is_suicidal_pt_states_s",
    ],
)
def test_patients_risk_beside_a_relative_stays_critical(name: str) -> None:
    _critical(name)
