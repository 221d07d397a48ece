"""Session 31 labs38: the lab-safety leftovers (as of 2026-12-01).

1. UNSAFE: an interpretation "Critical" / v3 AA (a critical call with no side) acted only on
   lithium and low sodium. A tricyclic level or a QTc the lab called critical, with no value or
   with a value within this service's line, did nothing. Now (data/lab_safety.csv
   `critical_call`): with no value it counts as beyond the line, as on lithium (the critical
   running-drug-level card, the drafted raise critical, the QTc order's stop card); with a value
   within the line (AA or HH: lab_safety.called_critical) the level card says the lab's call
   and the value ("flagged critical by the lab, though not above 50-150 ng/mL by its value"),
   the optimise card and the drafted raise hold the raise, and a QT order is asked to read the
   ECG first. Controls: the same level / QTc unflagged, or flagged N, changes nothing.
2. An older adult's nortriptyline "180 H" (a bare number, no unit) was shown, not read: the
   optimise card and the order asked for a level while it was on record. The lab's high flag
   (H, HH, AA) alone counts as above the range; the value is shown as sent, no unit guessed.
3. Which tests a result is read for were literals in code: lab_status.STATUSLESS_READ is
   data/safety_lab_tests.csv `any_status`, the AA-on-lithium / AA-on-low-sodium tests of
   lab_safety.above / below are data/lab_safety.csv `critical_call`.

Charts: tests/services/labs38_charts/ (all 19 prefetch keys), made from the labs31, labs32,
labs33, labs35 and labsr30 charts with the level or QTc Observation as Epic (interpretation
text "Critical", valueString "see comment" / "180 H") and US Core (v3 AA / HH / N codings,
valueQuantity in ng/mL or ms) send it.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import lab_status
from fhir_mapping.record import LabResult
from services import lab_safety
from tests.services import chart_files
from tests.services.helpers import Evaluator, of_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIR = Path(__file__).parent / "labs38_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))

LEVEL = "running-drug-level"
DRAFT_LEVEL = "order-drug-level-high"
OPTIMISE = "optimize-switch-augment"
QTC = "order-qtc"
OLDER_ORDER = "order-older-adult-level-dose"


def _cards(name: str) -> list[Doc]:
    cards: list[Doc] = _at.cards(_chart(name))
    return cards


def _text(cards: list[Doc]) -> str:
    return "\n".join(c["summary"] + "\n" + (c.get("detail") or "") for c in cards)


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- 1: a tricyclic level the lab called critical ----------------------------------------------


def test_a_level_flagged_critical_with_no_value_is_the_critical_level_card() -> None:
    cards = _cards("t01_nortriptyline_see_comment_critical")
    (card,) = of_topic(cards, LEVEL)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Nortriptyline level with no value read, on 2026-11-25: flagged critical by the lab; "
        "assess for toxicity now (ECG for QRS and QTc)"
    )
    assert "flagged critical high" not in _text(cards)  # no side the lab did not give
    (optimise,) = of_topic(cards, OPTIMISE)
    assert "hold or lower the dose per the level" in optimise["summary"]
    assert "raise nortriptyline" not in _text(cards)


@pytest.mark.parametrize(
    ("name", "side"),
    [("t02_nortriptyline_120_AA", "critical"), ("t03_nortriptyline_120_HH", "critical high")],
)
def test_a_level_in_range_the_lab_called_critical_says_both_and_holds_the_raise(
    name: str, side: str
) -> None:
    cards = _cards(name)
    (card,) = of_topic(cards, LEVEL)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        f"Nortriptyline level 120 ng/mL on 2026-11-25: flagged {side} by the lab; assess for "
        "toxicity now (ECG for QRS and QTc)"
    )
    assert (
        f"flagged {side} by the lab, though not above 50-150 ng/mL by its value" in (card["detail"])
    )
    assert "above the 500 ng/mL" not in _text(cards)  # never a line the value did not pass
    (optimise,) = of_topic(cards, OPTIMISE)
    assert "hold or lower the dose per the level" in optimise["summary"]
    assert "raise nortriptyline" not in _text(cards)


def test_control_a_level_in_range_unflagged_is_still_raised() -> None:
    cards = _cards("c01_control_nortriptyline_120")
    assert not of_topic(cards, LEVEL)
    (optimise,) = of_topic(cards, OPTIMISE)
    assert "raise nortriptyline from 75 toward 150 mg/day first" in optimise["summary"]


def test_a_drafted_raise_on_a_level_in_range_called_critical_is_critical() -> None:
    (card,) = of_topic(_cards("t04_ordersign_raise_on_120_AA"), DRAFT_LEVEL)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Nortriptyline raised: level 120 ng/mL on 2026-11-25: do not raise; hold or lower per level"
    )
    assert (
        "flagged critical by the lab, though not above 50-150 ng/mL by its value"
        in (card["detail"])
    )


def test_a_drafted_raise_on_a_level_called_critical_with_no_value_names_no_line_passed() -> None:
    (card,) = of_topic(_cards("t05_ordersign_raise_on_AA_no_value"), DRAFT_LEVEL)
    assert card["indicator"] == "critical"
    assert "do not raise" in card["summary"]
    assert (
        "flagged critical by the lab; no value read, not compared with the 500 ng/mL toxic line"
        in (card["detail"])
    )
    assert "above the 500 ng/mL toxic line" not in card["detail"]


def test_control_a_drafted_raise_on_a_level_in_range_unflagged_has_no_level_card() -> None:
    assert not of_topic(_cards("c02_control_ordersign_raise_on_120"), DRAFT_LEVEL)


# --- 1: a QTc the lab called critical ---------------------------------------------------------


def test_a_qtc_in_range_called_critical_asks_for_the_ecg_at_a_citalopram_order() -> None:
    (card,) = of_topic(_cards("q01_citalopram_order_qtc_440_AA"), QTC)
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Citalopram 40 mg/day with QTc 440 ms on 2026-11-10: flagged critical by the lab, though "
        "not above 450 ms by its value: read the ECG first"
    )
    assert "Read the ECG and the lab's report before deciding." in card["detail"]


def test_a_qtc_called_critical_with_no_value_is_the_stop_card_at_a_citalopram_order() -> None:
    (card,) = of_topic(_cards("q02_citalopram_order_qtc_see_comment_critical"), QTC)
    assert card["indicator"] == "critical"  # the citalopram stop row's indicator, as for HH
    assert (
        "flagged critical by the lab; no value read, not compared with the 500 ms line"
        in (card["summary"])
    )


def test_a_qtc_in_range_called_critical_is_said_at_a_gepirone_order() -> None:
    (card,) = of_topic(_cards("q03_gepirone_ordersign_qtc_440_AA"), QTC)
    assert "flagged critical by the lab, though not above 450 ms by its value" in card["summary"]


def test_a_qtc_called_critical_with_no_value_is_the_running_qtc_card() -> None:
    (card,) = of_topic(
        _cards("q04_running_citalopram_qtc_see_comment_critical"), "running-drug-qtc"
    )
    assert card["summary"] == (
        "QTc with no value read, on 2026-11-25 with citalopram running: flagged critical by the lab"
    )


@pytest.mark.parametrize(
    "name", ["c03_control_citalopram_order_qtc_440", "c04_control_citalopram_order_qtc_440_N"]
)
def test_control_a_qtc_in_range_unflagged_or_normal_has_no_qtc_card(name: str) -> None:
    assert not of_topic(_cards(name), QTC)


# --- 2: an older adult's "180 H" with no unit ----------------------------------------------------


def test_an_older_adults_180_h_counts_as_above_the_range_by_the_flag() -> None:
    cards = _cards("o01_older_nortriptyline_180_H_text")
    (optimise,) = of_topic(cards, OPTIMISE)
    assert "nortriptyline level 180 flagged high by the lab: lower the dose" in optimise["summary"]
    assert (
        "**nortriptyline level 180 with no unit (not read), on 2026-11-25 is flagged high by the "
        "lab, not compared with the 50-150 ng/mL range: lower the dose**"
    ) in optimise["detail"]
    text = _text(cards)
    assert "check a nortriptyline level before any raise" not in text
    assert "180 ng/mL" not in text and "180 nmol/L" not in text  # no unit guessed


def test_an_older_adults_raise_on_180_h_is_told_to_lower_the_dose() -> None:
    (card,) = of_topic(_cards("o02_older_ordersign_raise_on_180_H_text"), OLDER_ORDER)
    assert card["summary"] == (
        "Nortriptyline 150 mg/day at age 76: nortriptyline level 180 flagged high by the lab: "
        "lower the dose"
    )
    assert "check a nortriptyline level before any raise" not in card["summary"]


def test_an_older_adults_180_called_critical_is_the_critical_level_card() -> None:
    cards = _cards("o03_older_nortriptyline_180_text_AA")
    (card,) = of_topic(cards, LEVEL)
    assert card["indicator"] == "critical"
    (optimise,) = of_topic(cards, OPTIMISE)
    assert "check a nortriptyline level before any raise" not in optimise["summary"]


def test_control_an_older_adults_level_in_range_is_unchanged() -> None:
    (optimise,) = of_topic(_cards("c05_control_older_nortriptyline_120"), OPTIMISE)
    assert "nortriptyline level 120 ng/mL, within 50-150 ng/mL: no raise" in optimise["summary"]


# --- 3: the tests a result is read for are table rows ------------------------------------------


def test_the_tests_read_whatever_their_status_are_the_tables() -> None:
    assert not hasattr(lab_status, "STATUSLESS_READ")
    assert lab_status.statusless_read() == {
        "lithium",
        "nortriptyline",
        "amitriptyline-nortriptyline",
        "imipramine-desipramine",
        "sodium",
        "qtc",
        "ecg",
        "egfr",
        "creatinine",
        "hcg",
        "crcl",  # session 37 renal50: a creatinine clearance, read as the eGFR is
    }


def _critical_alone(test: str) -> LabResult:
    return LabResult(test=test, date=date(2026, 11, 25), value=None, unit=None, critical=True)


def test_the_side_of_a_critical_call_is_the_rows_critical_call_column() -> None:
    lithium = lab_safety.rule_for("lithium-toxic", "lithium", "")
    sodium = lab_safety.rule_for("sodium-low", "sertraline", "SSRI")
    assert lithium is not None and sodium is not None
    assert lithium.critical_call == "above" and sodium.critical_call == "below"
    assert lab_safety.above(lithium, _critical_alone("lithium")) is True
    assert lab_safety.below(sodium, _critical_alone("sodium")) is True
    # The logic reads the column, not the test's name: without it the call counts for nothing.
    assert (
        lab_safety.above(dataclasses.replace(lithium, critical_call=""), _critical_alone("lithium"))
        is None
    )
    assert (
        lab_safety.below(dataclasses.replace(sodium, critical_call=""), _critical_alone("sodium"))
        is None
    )
    rows = {(r.check, r.test): r.critical_call for r in lab_safety.rules()}
    assert rows[("level-toxic", "nortriptyline")] == "above"
    assert rows[("qtc-stop", "qtc")] == "above"
    assert rows[("sodium-profound", "sodium")] == ""
