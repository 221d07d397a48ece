"""Session 32 fix dose46 (recheck K32b findings 5, 8): a count of tablets after "take" is read
by its object alone. Vendor-shaped patient-view requests with all 19 prefetch keys in
dose46_charts/ (the reviewer's charts of recheck K32b, built from
neg37_charts/e_Hx_SI_Plan_none.json, two failed trials and the TMS card offered; the others
built the same way), as of 2026-12-01, an Epic ED visit's reason holding the words.
Before the fix (b9f11380): an unlisted drug was a count's object only as the answer's last word
or before dosing words, so "Plan: take 60 tylenol with wine", "Plan: take 50 tylenol and go to
sleep", "Plan: take 20 benadryl then sleep" gave no card (TMS offered) while "Plan: take 60
tylenol tonight" was critical; a plan said without a "Plan:" heading ("Plans to take 30
tylenol", "Plans to take 20 of her pills", "Wants to take 30 tylenol") gave none either; and
any last word was read as a drug ("Plan: take 12 credits", "Plan: take 10 steps" critical, TMS
withheld).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import stated_dosing, stated_plan_count
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_cards = chart_files.topic_reader(Path(__file__).parent / "dose46_charts", date(2026, 12, 1))


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
        "e_Plan_take_60_tylenol_with_wine",
        "e_Plan_take_50_tylenol_and_go_to_sleep",
        "e_Plan_take_20_benadryl_then_sleep",
        "e_Plans_to_take_30_tylenol",
        "e_Plans_to_take_20_of_her_pills",
        "e_Wants_to_take_30_tylenol",
        "e_Going_to_take_40_pills_tonight",
    ],
)
def test_count_of_a_drug_is_a_plan_whatever_follows(name: str) -> None:
    """Finding 5: more tablets than a dose takes of a drug or pill word, whatever follows it, and
    after "plans to" / "wants to" / "going to" as after a "Plan:" heading."""
    card = _critical(name)
    assert card["summary"].lower().startswith(name[2:].split("_")[0].lower()), card["summary"]


@pytest.mark.parametrize(
    "name",
    [
        "e_Plan_take_12_credits",
        "e_Plan_take_10_steps",
        "e_Plan_take_5_classes",
        "e_Plan_take_10_deep_breaths",
        "e_Plan_take_12_days_off_work",
        "e_Plans_to_take_10_classes",
    ],
)
def test_count_of_something_else_is_no_plan(name: str) -> None:
    """Finding 8: a word neither a drug of the tables, a `plan_take_drug` row nor a pill word
    counts no tablets."""
    _quiet(name)


@pytest.mark.parametrize(
    "name",
    [
        "e_Denies_plans_to_take_30_pills",
        "e_No_plans_to_take_30_tylenol",
        "e_Plan_take_2_tylenol_q6h_prn",
    ],
)
def test_denied_or_dosed_stays_quiet(name: str) -> None:
    """Controls: a denied plan and a dose within `plan_take_most` state none."""
    _quiet(name)


@pytest.mark.parametrize(
    "name", ["e_Plan_take_60_tylenol_tonight", "e_Plan_take_30_tabs_at_bedtime"]
)
def test_earlier_risks_stay(name: str) -> None:
    """Controls: fix heads43's and hist38's risks, dosing words beside the count or not."""
    _critical(name)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("take 60 tylenol with wine", [60]),
        ("take 30 sleeping pills", [30]),
        ("take 30 of them", [30]),
        ("take 30", [30]),
        ("take 30 at bedtime", [30]),
        ("take 12 credits", []),
        ("take 300 mg", []),
        ("take 10 steps", []),
    ],
)
def test_counts_read_the_object(answer: str, expected: list[int]) -> None:
    assert list(stated_dosing.counts(answer)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plans to take 30 tylenol", True),
        ("wants to take 20 of her pills tonight", True),
        ("going to take 3 tylenol", False),
        ("plans to take 12 credits", False),
        ("took 30 tylenol", False),
    ],
)
def test_planned_many(text: str, expected: bool) -> None:
    assert bool(list(stated_plan_count.planned_many(text))) is expected  # moved by fix text50a
