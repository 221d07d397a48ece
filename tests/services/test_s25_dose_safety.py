"""Session 25 FA: three dose-safety defects left open by session 24.

- Item 1: fluoxetine 80 mg/day, running or drafted, was a warning "above the usual maximum of 60
  mg/day" (CANMAT 2023 Table 3.3) though the Prozac US label allows up to 80 mg/day. Now a dose
  above the range and within the clinic market's label that allows more is said as information
  ("above CANMAT's usual range (up to 60 mg/day), within the US label's maximum of 80 mg/day")
  and holds nothing; above the label (100 mg/day) it stays a warning and names the label too; at
  a Canadian clinic, or one that names no market, 80 mg/day stays a warning (the lower ceiling).
- Item 2: paroxetine 20 mg/day drafted for a 78-year-old new to it said nothing of the Paxil
  label's older-adult start of 10 mg/day. Now a NEW start above it gets a caution at order-select
  and order-sign; 10 mg/day, or a renewal of a running 20 mg/day, gets none.
- Item 3: behind an acute suicide-risk hold (PHQ-9 item 9 = 2 today), a dose above its usual
  maximum and a low sodium held nothing more (every drug proposal was already off) and were said
  on no optimise summary. Now both steps are said, the suicide-risk one first, within 140
  characters, and each holding card's line names the proposals it holds too.

Charts: tests/services/dose_safety25_charts/ (Epic / US Core shaped requests, every prefetch
key; built from running_dose24, dose_first and leftover18 charts).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.helpers import drug_orders as _drug_orders

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
RANGE = "running-dose-above-range-max"
ABOVE = "order-dose-above-range"
START = "order-older-adult-start-dose"
BEERS = "order-older-adult-anticholinergic"
OPTIMISE = "optimize-switch-augment"

_chart = chart_files.loader(Path(__file__).parent / "dose_safety25_charts")
_open = Evaluator(date(2026, 12, 1))  # the running fluoxetine charts
_order = Evaluator(date(2025, 6, 2))  # the drafts
_risk = Evaluator(date(2025, 8, 4))  # the acute item 9 charts


# --- item 1: above CANMAT's range, within the US label -------------------------------------------


def test_fluoxetine_80_running_is_information_within_the_us_label() -> None:
    cards = _open.by_topic(_chart("fluoxetine_80_running"))
    card = cards[RANGE]
    assert card["indicator"] == "info"  # before: warning
    assert card["summary"] == (
        "Fluoxetine 80 mg/day running: above CANMAT's usual range (up to 60 mg/day), within the "
        "US label's maximum of 80 mg/day"
    )
    assert (
        "above the usual maximum of 60 mg/day, the CANMAT 2023 Table 3.3 range (20-60 mg/day, "
        "from product monographs); within the US label's maximum of 80 mg/day (Prozac US label "
        "2.1, MDD)."
    ) in card["detail"]
    assert "no change is asked for" in card["detail"]
    assert "lower it to the usual maximum" not in card["detail"]
    assert "usual maximum" not in cards[OPTIMISE]["summary"]  # nothing held for it


def test_fluoxetine_100_running_stays_a_warning_and_names_the_label() -> None:
    card = _open.by_topic(_chart("fluoxetine_100_running"))[RANGE]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Fluoxetine 100 mg/day running: above the usual maximum of 60 mg/day"
    )
    assert (
        "It is above the US label's maximum of 80 mg/day (Prozac US label 2.1, MDD) too."
        in card["detail"]
    )
    assert "lower it to the usual maximum" in card["detail"]


@pytest.mark.parametrize("market", ["Canada", "any"])
def test_fluoxetine_80_elsewhere_keeps_the_lower_ceiling(market: str) -> None:
    policy = Policy(drug_market=market)  # type: ignore[arg-type]
    card = _open.by_topic(_chart("fluoxetine_80_running"), policy=policy)[RANGE]
    assert card["indicator"] == "warning"
    assert card["summary"] == "Fluoxetine 80 mg/day running: above the usual maximum of 60 mg/day"
    drafted = _order.by_topic(_chart("fluoxetine_80_draft_select"), policy=policy)[ABOVE]
    assert drafted["indicator"] == "warning"


def test_fluoxetine_80_drafted_is_information_within_the_us_label() -> None:
    card = _order.by_topic(_chart("fluoxetine_80_draft_select"))[ABOVE]
    assert card["indicator"] == "info"  # before: warning, "above the usual maximum of 60"
    assert card["summary"] == (
        "Fluoxetine 80 mg/day is above CANMAT's usual range (up to 60 mg/day), within the US "
        "label's maximum of 80 mg/day"
    )
    assert (
        "within the US label's maximum of 80 mg/day (Prozac US label 2.1, MDD)" in (card["detail"])
    )


def test_fluoxetine_100_drafted_stays_a_warning_and_names_the_label() -> None:
    card = _order.by_topic(_chart("fluoxetine_100_draft_select"))[ABOVE]
    assert card["indicator"] == "warning"
    assert card["summary"] == "Fluoxetine 100 mg/day is above the usual maximum of 60 mg/day"
    assert (
        "above the US label's maximum of 80 mg/day (Prozac US label 2.1, MDD) too"
        in (card["detail"])
    )


# --- item 2: the older-adult start dose -------------------------------------------------------------


@pytest.mark.parametrize(
    "chart", ["paroxetine_20_new_at_78_select", "paroxetine_20_new_at_78_sign"]
)
def test_paroxetine_20_started_at_78_is_above_the_older_adult_start(chart: str) -> None:
    cards = _order.by_topic(_chart(chart))
    card = cards[START]  # before: no card spoke of the start
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Paroxetine 20 mg/day started at age 78: above the labelled older-adult start of 10 mg/day"
    )
    assert "the label's older-adult start dose from age 65 is 10 mg/day" in card["detail"]
    assert "Consider starting at 10 mg/day" in card["detail"]
    assert "within the labelled maximum of 40 mg/day" in card["detail"]
    assert BEERS in cards  # the Beers card stays beside it


def test_paroxetine_10_started_at_78_gets_no_start_card() -> None:
    assert START not in _order.by_topic(_chart("paroxetine_10_new_at_78_select"))


def test_a_renewal_of_a_running_20_mg_at_78_gets_no_start_card() -> None:
    cards = _order.by_topic(_chart("paroxetine_20_renewal_at_78_select"))
    assert START not in cards
    assert BEERS in cards


def test_below_the_rows_age_no_start_card() -> None:
    doc = _chart("paroxetine_20_new_at_78_select")
    doc["prefetch"]["patient"]["birthDate"] = "1962-01-10"  # 63 on 2025-06-02
    assert START not in _order.by_topic(doc)


# --- item 3: a second hold behind the suicide-risk hold -----------------------------------------


def test_acute_item9_and_a_dose_above_its_maximum_are_both_said() -> None:
    cards = _risk.by_topic(_chart("ven_450mg_item9_acute"))
    assert cards["suicide-risk"]["indicator"] == "critical"
    optimise = cards[OPTIMISE]
    summary = optimise["summary"]
    # Before: "...: suicide risk assessment first, then augment or switch class".
    assert summary.endswith(
        ": suicide risk assessment and review the dose above its usual maximum first, "
        "then augment or switch class"
    )
    assert len(summary) <= 140
    assert _drug_orders(optimise) == []
    detail = optimise["detail"]
    # The suicide-risk line first, the dose's after it.
    assert detail.startswith("**Suicide risk card open:**")
    assert detail.index("**Not one click while a dose is above its usual maximum:**") > 0


def test_acute_item9_a_low_sodium_and_a_dose_above_its_maximum_are_all_said() -> None:
    optimise = _risk.by_topic(_chart("ven_450mg_item9_acute_low_sodium"))[OPTIMISE]
    summary = optimise["summary"]
    # The count prefix gave way whole (review s26 RN finding 9), the steps said whole.
    assert summary == (
        "Suicide risk assessment, check the sodium and review the dose above its usual "
        "maximum first, then augment or switch class"
    )
    assert len(summary) <= 140
    assert optimise["detail"].startswith("**Suicide risk card open:**")
    assert "**Not one click while the sodium is low**" in optimise["detail"]
