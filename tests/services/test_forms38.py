"""Session 31 fix forms38: leftovers of forms37 (recheck K27a s31). Vendor-shaped patient-view
requests with all 19 prefetch keys in forms38_charts/, built from forms37's base chart (a TRD
patient the TMS card is offered to) with one resource added: an Epic flowsheet row under a local
code with a valueString (o_), an ED visit's reasonCode text (e_), a problem-list Condition with
code.text only (c_), an Epic nursing form's QuestionnaireResponse item (q_); as of 2026-12-01.
Each chart in a "failed" group fails on ce5c38bf and passes here; the controls pass both.

1. A relative reporting the patient's risk is the patient's risk: "Mother worried pt will hurt
   herself" ("will", "might", "would" are ideation qualifiers), "Sister found pills hidden in pt's
   room" (`preparatory` words: a plan) were silent everywhere; "Husband states pt has plan to
   overdose" was silent on a form or flowsheet row (the forms net did not read a thought or plan
   of self-harm: self_harm_text.ideation). All critical now.
2. "Any injuries since last visit?" = "No injuries; thoughts of cutting" was silent: the later
   clause states self-harm ideation (the same reading as item 1's plan).
3. A later "yes" of another finding is no yes of the question: "No SI, yes HI", "No, yes to
   anxiety" to "Have you actually had any thoughts of killing yourself?" were critical; now the
   lowest answer (the project reads no HI card). "No, yes to SI" stays critical.
4. Another person's finding: "Pt worried about her son who is suicidal", "Her son who is
   suicidal" as a problem-list or visit-reason text, and "Mother wants to kill herself" there,
   were the patient's critical card; now the relative's (self_harm_subject._clause_governs,
   self_harm_text.ideation reads whose thought it is). "Pt and her mother have SI" stays the
   patient's (it was the mother's alone on a form).
5. "Not in the past month" to the C-SSRS screener's past-month items was the unread warning: a
   no now. To the lifetime behaviour item (6) it stays the answer to check.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_chart = chart_files.loader(Path(__file__).parent / "forms38_charts")
_evaluate = Evaluator(date(2026, 12, 1))
_WHERE = ("o", "e", "c", "q")


def _cards(name: str) -> dict[str, Any]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    cards: dict[str, Any] = _evaluate.by_topic(doc)
    return cards


def _critical(name: str) -> dict[str, Any]:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", (name, card)
    assert TMS not in cards
    return card


def _quiet(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards, (name, cards[RISK]["summary"])
    assert TMS in cards, name  # the chart's own TMS card, nothing holding it


def _everywhere(*texts: str) -> list[str]:
    return [f"{where}_{text}" for text in texts for where in _WHERE]


# 1. Failed before: silent (no card, TMS offered).
@pytest.mark.parametrize(
    "name",
    [
        *_everywhere(
            "Mother_worried_pt_will_hurt_herself", "Sister_found_pills_hidden_in_pt_s_room"
        ),
        "o_Husband_states_pt_has_plan_to_overdose",
        "q_Husband_states_pt_has_plan_to_overdose",
    ],
)
def test_collateral_risk_failed_now_critical(name: str) -> None:
    _critical(name)


# 1. Controls: critical before and now.
@pytest.mark.parametrize(
    "name",
    [
        *_everywhere("Husband_reports_pt_said_she_wants_to_die"),
        "e_Husband_states_pt_has_plan_to_overdose",
        "c_Husband_states_pt_has_plan_to_overdose",
    ],
)
def test_collateral_risk_controls_critical(name: str) -> None:
    _critical(name)


# 1. Controls: a denial, and the new qualifiers and words negated, stay quiet.
@pytest.mark.parametrize("name", _everywhere("Pt_will_not_hurt_herself", "No_pills_hidden"))
def test_denied_stays_quiet(name: str) -> None:
    _quiet(name)


# 2. Failed before: silent.
@pytest.mark.parametrize(
    "name", ["qi_No_injuries_thoughts_of_cutting", "oi_No_injuries_thoughts_of_cutting"]
)
def test_later_clause_ideation_failed_now_critical(name: str) -> None:
    _critical(name)


@pytest.mark.parametrize(
    "name",
    [
        "qi_No_injuries_no_thoughts_of_cutting",
        "oi_No_injuries_no_thoughts_of_cutting",
        "qi_No_injuries",
        "oi_No_injuries",
    ],
)
def test_injury_controls_quiet(name: str) -> None:
    _quiet(name)


# 3. Failed before: critical; a yes of another finding is no yes of the question.
@pytest.mark.parametrize("name", ["q2_No_SI_yes_HI", "q2_No_yes_to_anxiety"])
def test_later_yes_of_another_finding_failed_now_quiet(name: str) -> None:
    _quiet(name)


@pytest.mark.parametrize("name", ["q2_No_yes_to_SI", "q2_No_HI_yes_SI", "q2_No_but_yes_last_week"])
def test_later_yes_of_the_finding_stays_critical(name: str) -> None:
    _critical(name)


# 4. Failed before: another person's finding was the patient's critical card.
@pytest.mark.parametrize(
    "name",
    [
        "e_Pt_worried_about_her_son_who_is_suicidal",
        "c_Pt_worried_about_her_son_who_is_suicidal",
        "e_Her_son_who_is_suicidal",
        "c_Her_son_who_is_suicidal",
        "e_Mother_wants_to_kill_herself",
        "c_Mother_wants_to_kill_herself",
    ],
)
def test_another_persons_finding_failed_now_quiet(name: str) -> None:
    _quiet(name)


# 4. Controls: quiet before and now (forms37's comment reading; the new "will" qualifier after a
# relative is the relative's).
@pytest.mark.parametrize(
    "name",
    [
        *_everywhere("Mother_has_SI", "Son_with_SI", "Pt_worried_mother_will_kill_herself"),
        "o_Pt_worried_about_her_son_who_is_suicidal",
        "q_Pt_worried_about_her_son_who_is_suicidal",
        "o_Her_son_who_is_suicidal",
        "q_Her_son_who_is_suicidal",
        "o_Mother_wants_to_kill_herself",
        "q_Mother_wants_to_kill_herself",
    ],
)
def test_another_persons_finding_controls_quiet(name: str) -> None:
    _quiet(name)


# 4. The patient named beside the relative: the patient's too (on a form it was the mother's).
@pytest.mark.parametrize("name", _everywhere("Pt_and_her_mother_have_SI"))
def test_patient_and_relative_is_the_patients(name: str) -> None:
    _critical(name)


# 5. Failed before: the unread warning.
@pytest.mark.parametrize(
    "name", ["q1_Not_in_the_past_month", "q2_Not_in_the_past_month", "q3_Not_in_the_past_month"]
)
def test_not_in_the_past_month_failed_now_a_no(name: str) -> None:
    _quiet(name)


# 5. Control: the lifetime behaviour item keeps its answer to check; with its past-3-months
# follow-up answered yes, the yes is read.
def test_not_in_the_past_month_to_the_lifetime_item_is_the_warning() -> None:
    assert _cards("q6_Not_in_the_past_month")[RISK]["indicator"] == "warning"


def test_lifetime_item_with_a_recent_yes_is_read() -> None:
    assert RISK in _cards("q6b_lifetime_Not_in_the_past_month_within_3_months_Yes")
