"""Session 32 fix heads42: a risk heading's stated plan ("Plan: hang self", "Method: hanging",
"Intent: high", "Plan: take 30 tabs at bedtime") read outside a visit's reason
(fhir_mapping/stated_plan_text.py). Vendor-shaped patient-view requests with all 19 prefetch keys
in heads42_charts/, built from forms38's base chart (a TRD patient with two failed trials, the TMS
card offered) with one resource holding the words, as of 2026-12-01:
- o_: an Epic nursing flowsheet comment row (local code, valueString); os_: a row asking
  "Suicidal thoughts"; oc_: a "C-SSRS screen completed" row; ol_: the C-SSRS plan question
  (LOINC 93250-9) answered in a valueString; on_: a row whose comment is its Observation.note;
  ocm_: a "Suicide risk screen" row whose comment is a component's valueString (no reader read
  a note or component's words: "SI with plan to hang self" there was silent too);
- q_: an Epic nursing form's QuestionnaireResponse comment item; qs_: an item asking of
  suicidal thoughts or a plan; qn_: a "C-SSRS screen completed" note item;
- c_: an Epic problem-list Condition with code.text only; h_: an Oracle Health health-concern
  text-only Condition; d_: a resolved text-only encounter diagnosis.
Before the fix (5d2c8072) only the visit reason read these headings: every chart of a "failed"
group gave no suicide-risk card and the TMS card was offered, or (oc_, qs_) only the warning
that an answer could not be read, TMS still offered. The controls, fix hist39's exclusions
(no suicidal intent, another heading's method, a dosing or everyday plan, means restriction),
stay quiet in each reader, as in a visit reason.
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
_cards = chart_files.topic_reader(Path(__file__).parent / "heads42_charts", date(2026, 12, 1))

_RISKS = ("Plan_hang_self", "Method_hanging", "Intent_high", "Plan_take_30_tabs_at_bedtime")
_CONTROLS = (
    *("Intent_accidental", "Intent_unintentional", "Intent_to_get_high"),
    *("Contraception_method_pills", "Plan_take_2_tabs_q6h_prn", "Plan_hang_out_with_friends"),
    "Plan_remove_guns_from_home",
)


def _critical(name: str) -> dict[str, Any]:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", (name, card)
    assert TMS not in cards, name
    return card


def _quiet(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards, (name, cards[RISK]["summary"])
    assert TMS in cards, name  # the chart's own TMS card, nothing holding it


@pytest.mark.parametrize(
    "name",
    [
        *(f"{where}_{text}" for text in _RISKS for where in ("o", "q", "c")),
        *("os_Plan_hang_self", "oc_Plan_hang_self", "ol_Plan_hang_self"),
        *("qs_Plan_hang_self", "qs_Intent_high", "qn_Method_hanging"),
        *("h_Plan_hang_self", "d_Intent_high"),
        *("on_Plan_hang_self", "on_SI_with_plan_to_hang_self", "ocm_Intent_high"),
    ],
)
def test_stated_plan_failed_now_critical(name: str) -> None:
    _critical(name)


@pytest.mark.parametrize(
    "name",
    [
        *(f"{where}_{text}" for text in _CONTROLS for where in ("o", "q", "c")),
        *("h_Intent_accidental", "d_Intent_to_get_high"),
        *("on_Intent_accidental", "ocm_Plan_take_2_tabs_q6h_prn"),
    ],
)
def test_hist39_exclusions_stay_quiet(name: str) -> None:
    _quiet(name)


@pytest.mark.parametrize("name", ["os_Contraception_method_pills", "ol_Intent_accidental"])
def test_self_harm_question_answered_otherwise_is_not_read(name: str) -> None:
    # The answer of a self-harm question that states no plan is not read, and says so (fix
    # heads43: these were silent, as a form's item so answered was not): a warning, TMS offered.
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "warning", (name, card)
    assert "could not be read" in card["summary"], card["summary"]
    assert TMS in cards, name


def test_condition_plan_is_ideation_not_an_overdose() -> None:
    # "Plan: overdose" as problem text was read as an overdose taken ("Overdose, intent not
    # recorded"); a planned method is ideation with a plan, as in a visit reason (fix hist38).
    card = _critical("c_Plan_overdose")
    assert "intent not recorded" not in card["summary"].lower(), card["summary"]
    assert card["summary"].startswith("Plan: overdose"), card["summary"]


def test_flowsheet_card_quotes_the_row() -> None:
    card = _critical("os_Plan_hang_self")
    assert '"Suicidal thoughts"' in card["summary"], card["summary"]


def test_note_card_quotes_the_comment() -> None:
    card = _critical("on_Plan_hang_self")
    assert "plan: hang self" in card["summary"].lower(), card["summary"]
