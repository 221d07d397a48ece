"""Session 32 fix heads43 (recheck K30a findings 6-8, heads42's leftovers): plan headings and
flowsheet rows. Vendor-shaped patient-view requests with all 19 prefetch keys in heads43_charts/
(built by a script, not kept, from forms38's and K30a's two-failed-trial charts,
the TMS card offered), as of 2026-12-01, one resource holding the words:
- e_: an Epic ED visit's reason; o_: a nursing flowsheet comment row (local code, valueString);
  q_: a nursing form's comment item; c_: a text-only problem-list Condition;
- os_: an Epic flowsheet row "Suicidal thoughts" (local code, no LOINC); qs_: the same question
  as a form's item; ol_: the C-SSRS plan question (LOINC 93250-9) answered in a valueString;
- cn_: a problem-list entry (the chart's depression) whose Condition.note, timed 2026-11-25, holds
  the words (no card before: only mania was read in a note).
Before the fix (312b34dd): the flowsheet row "Suicidal thoughts" = "Yes" gave no card (TMS
offered), = "Intent: accidental" or "see note" nothing, though the same item on a form (qs_) is
critical or the warning that it could not be read; the C-SSRS plan question with an answer not
read gave nothing either (a gap in "Data not read" only); a count with a drug's name or no unit
("Plan: take 30 of her lithium", "Plan: take 100 tylenol") gave no card in any reader, TMS
offered; dosing plans with
"take all" ("Plan: take all pills with food", "take all meds as directed") and "hang" with an
everyday object ("Plan: hang pictures") were critical, TMS withheld.
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
_cards = chart_files.topic_reader(Path(__file__).parent / "heads43_charts", date(2026, 12, 1))
_READERS = ("e", "o", "q", "c")


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


def _warned(name: str) -> dict[str, Any]:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "warning", (name, card)
    assert "could not be read" in card["summary"], card["summary"]
    return card


# 2. A count after "take" with a drug's name or no unit: an overdose's count (failed before).
_COUNTS = ("Plan_take_30_of_her_lithium", "Plan_take_100_tylenol")
# Controls: critical before and after (plan_take_most; "take all" with no dose's words).
_STILL_RISKS = (
    *("Plan_take_30_tabs_at_bedtime", "Plan_take_all_pills", "Plan_take_all_her_pills_tonight"),
    *("Plan_hang_self", "Plan_hang_herself", "Plan_hang_myself"),
    *("Plan_hang_from_tree", "Plan_hang_from_beam"),
)
# 3. Dosing plans with "take all" or "of" (critical before); 4. "hang" an everyday object.
_DOSING = (
    *("Plan_take_all_pills_with_food", "Plan_take_all_pills_with_meals"),
    *("Plan_take_all_her_meds_with_food", "Plan_take_all_meds_as_directed"),
    *("Plan_take_all_3_meds_at_bedtime", "Plan_take_3_tabs_of_lithium_nightly"),
)
_EVERYDAY = (
    *("Plan_hang_pictures", "Plan_hang_curtains", "Plan_hang_shelves"),
    *("Plan_hang_laundry", "Plan_hang_clothes", "Plan_hang_a_sign"),
)
# Controls quiet before and after: a dose, a small count, a count of days.
_STILL_QUIET = (
    *("Plan_lithium_300_mg_take_3_tabs_nightly", "Plan_take_2_tylenol"),
    "Plan_take_12_days_off_work",
)


@pytest.mark.parametrize("name", [f"{w}_{t}" for t in (*_COUNTS, *_STILL_RISKS) for w in _READERS])
def test_plan_counts_and_methods_critical(name: str) -> None:
    _critical(name)


@pytest.mark.parametrize(
    "name", [f"{w}_{t}" for t in (*_DOSING, *_EVERYDAY, *_STILL_QUIET) for w in _READERS]
)
def test_dosing_and_everyday_plans_quiet(name: str) -> None:
    _quiet(name)


def test_count_card_quotes_the_plan() -> None:
    card = _critical("e_Plan_take_30_of_her_lithium")
    assert card["summary"].startswith("Plan: take 30 of her lithium"), card["summary"]


# 1. A self-harm question answered yes is critical in every reader; an answer not read says so.
@pytest.mark.parametrize("name", ["os_Yes", "qs_Yes", "ol_Yes"])
def test_self_harm_question_yes_critical(name: str) -> None:
    _critical(name)


@pytest.mark.parametrize(
    "name", [f"{w}_{a}" for a in ("Intent_accidental", "see_note") for w in ("os", "qs", "ol")]
)
def test_self_harm_answer_not_read_warns(name: str) -> None:
    _warned(name)
    assert TMS in _cards(name), name  # a warning asks to check it; TMS waits on that check


@pytest.mark.parametrize("name", ["os_No", "qs_No", "ol_No"])
def test_self_harm_question_no_quiet(name: str) -> None:
    _quiet(name)


def test_flowsheet_row_card_quotes_the_row() -> None:
    card = _critical("os_Yes")
    assert '"Suicidal thoughts" = yes' in card["summary"], card["summary"]


# 5. A problem-list entry's note (only mania was read there): a plan or SI is critical.
@pytest.mark.parametrize("name", ["cn_SI_with_plan_to_hang_self", "cn_Plan_hang_self"])
def test_condition_note_self_harm_critical(name: str) -> None:
    card = _critical(name)
    assert "hang self" in card["summary"].lower(), card["summary"]


@pytest.mark.parametrize("name", ["cn_Denies_SI", "cn_Mother_has_SI"])
def test_condition_note_denial_or_relative_quiet(name: str) -> None:
    _quiet(name)
