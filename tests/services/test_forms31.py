"""Session 30 fix forms31: session 29's leftovers in the suicide-risk reading of forms and text,
as patient-view requests (forms31_charts/: the lithium chart of s29_k19a1_charts, all 19
prefetch keys, with one form "Nursing Admission Assessment" or one Epic flowsheet row under a
local code; each chart fails on 7b7f2ad1 and passes here, the controls pass both):

1. an item or Observation whose QUESTION names no self-harm but whose ANSWER states it
   ("Patient educated on crisis line" = "Yes, pt endorses SI", "Safety plan reviewed" = "pt
   reports SI with plan") was silent: its answer is read as free text, a stated SI critical, a
   denial nothing (form_self_harm_notes.said_in_answer, screen_lookalike.read_named);
2. "Thoughts of hurting yourself" = "Yes" on a form not worded as the PHQ-9 was "PHQ-9 item 9
   answer could not be read": a yes of that question, critical (phq9_form_item9._net_yes);
3. "pt also" anywhere after a relative's SI made it the patient's ("Mother with SI; pt also has
   diabetes": critical): a `relative_same` word counts only when it refers to the finding
   (self_harm_subject.py);
4. the past-answer warning's detail said a past yes "with no current question answered no" is
   critical, as if one current no were enough: it now states the rule (every current item no);
5. "Endorses others; denies self" stays the warning to check, which claims no suicidal ideation.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import self_harm_text
from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.record import FindingKind
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
_chart = chart_files.loader(Path(__file__).parent / "forms31_charts")
_k19a1 = chart_files.loader(Path(__file__).parent / "s29_k19a1_charts")
_k19a2 = chart_files.loader(Path(__file__).parent / "k19a2_charts")
_evaluate = Evaluator(date(2026, 12, 1))


def _card(doc: dict[str, Any]) -> dict[str, Any] | None:
    chart_files.check_chart(doc)
    card: dict[str, Any] | None = _evaluate.by_topic(doc).get(RISK)
    return card


@pytest.mark.parametrize(
    ("name", "quoted"),
    [
        (
            "crisis_line_answer_endorses_si",
            '"Patient educated on crisis line" = yes, pt endorses si',
        ),
        ("safety_plan_answer_si_with_plan", '"Safety plan reviewed" = pt reports si with plan'),
        ("obs_crisis_line_endorses_si", '"Patient educated on crisis line" = yes, pt endorses si'),
        ("obs_safety_plan_si_with_plan", '"Safety plan reviewed" = pt reports si with plan'),
    ],
)
def test_an_answer_stating_si_is_critical(name: str, quoted: str) -> None:
    card = _card(_chart(name))
    assert card is not None and card["indicator"] == "critical"
    assert card["summary"].startswith(f"Self-harm question {quoted} on 2026-11-25: ")


@pytest.mark.parametrize(
    "name", ["safety_plan_answer_denies_si_control", "obs_safety_plan_denies_si_control"]
)
def test_an_answer_denying_si_is_nothing(name: str) -> None:
    assert _card(_chart(name)) is None


@pytest.mark.parametrize(
    "name", ["hurting_yourself_yes_nursing_form", "hurting_yourself_true_nursing_form"]
)
def test_a_yes_to_thoughts_of_hurting_yourself_on_another_form_is_critical(name: str) -> None:
    card = _card(_chart(name))
    assert card is not None and card["indicator"] == "critical"
    assert card["summary"].startswith('Self-harm question "Thoughts of hurting yourself" = yes')
    assert "PHQ-9" not in card["summary"] and "could not be read" not in card["detail"]


def test_a_no_to_thoughts_of_hurting_yourself_stays_quiet() -> None:
    assert _card(_chart("hurting_yourself_no_nursing_form_control")) is None


def test_pt_also_with_another_finding_is_the_relatives_alone() -> None:
    assert _card(_chart("mother_with_si_pt_also_has_diabetes")) is None
    card = _card(_chart("mother_with_si_pt_also_endorses_si"))
    assert card is not None and card["indicator"] == "critical"
    same = _card(_k19a2("father_with_si_pt_reports_same"))  # kept (k19a2)
    assert same is not None and same["indicator"] == "critical"


@pytest.mark.parametrize(
    ("text", "patients"),
    [
        ("Mother with SI; pt also has diabetes", False),
        ("Mother with SI, pt also has HTN", False),
        ("Mother with SI; pt also endorses SI", True),
        ("Mother with SI; pt also reports this", True),
        ("Father with SI; pt also", True),
        ("Father with SI - pt reports same", True),
        ("Sister with SI, as does pt", True),
    ],
)
def test_relative_same_words_refer_to_the_finding(text: str, patients: bool) -> None:
    assert (FindingKind.SUICIDAL_IDEATION in text_kinds(text)) is patients


@pytest.mark.parametrize(
    ("text", "patients"),
    [
        ("Mother attempted suicide; pt also attempted last month", True),
        ("Mother attempted suicide; pt also", True),
        ("Mother attempted suicide; pt also has diabetes", False),
    ],
)
def test_relative_same_words_of_an_attempt(text: str, patients: bool) -> None:
    assert (self_harm_text.reading(text) is not None) is patients


def test_the_past_warning_states_its_rule() -> None:
    card = _card(_k19a1("hx_si_yes_current_no_plan_no_intent_no"))
    assert card is not None and card["indicator"] == "warning"
    detail = " ".join(card["detail"].split())
    assert "no to every one of the same form's questions about now" in detail
    assert "with no current question answered no" not in detail
    assert "with one answered yes or not read, is a critical card" in detail


def test_others_yes_self_no_claims_no_ideation() -> None:
    card = _card(_k19a1("harm_others_endorses_others_denies_self"))
    assert card is not None and card["indicator"] == "warning"
    said = f"{card['summary']} {card['detail']}".lower()
    assert "ideation" not in said and "could not be read" in said
