"""Session 43 labs71: review K71a findings 5, 6 (lithium mg/dL), 8 and 9 left by labs70.

- Finding 1 (safety): a creatinine above range (3.5 mg/dL, 310 umol/L, or above the lab's own
  referenceRange) with no eGFR, lithium running, gave no renal line at chart open: the lithium
  monitoring card is a warning reading "creatinine ... (high), no eGFR on record: check renal
  function before continuing lithium" (services/creatinine_high.py).
- Finding 2: a lithium level in mg/dL (3719-2 or 14334-7) was "not compared": 1 mg/dL = 1.441
  mmol/L (services/data/lab_unit_factors.csv), so 0.5 mg/dL reads 0.72 mmol/L and 1.11 mg/dL is
  toxic; an unknown unit stays not compared.
- Finding 3: a sodium 127 under a local code only (Epic "SODIUM", Oracle "Sodium Lvl") with a unit
  sent is compared by the low-sodium card, "under a local code"; one with no unit stays named.
- Finding 4: a TSH 12 listed only by a DiagnosticReport marked entered-in-error is not used, and
  the "No TSH" line names it; one a live report also lists stands.
- Finding 5: the diagnosis review's summary gives a low B12 or folate with its value and date.

Charts: tests/services/labs71_charts/ (built from labs70's lithium + venlafaxine + lisinopril
chart and diagnosis_review22's control_normal_tsh).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "labs71_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

LITHIUM = "running-lithium-level"
SODIUM = "running-drug-low-sodium"
PAIR = "drug-interaction"
DIAGNOSIS = "diagnosis-review"
RENAL_LINE = "no eGFR on record: check renal function before continuing lithium"

FIXED = {
    "f1_creatinine_3_5_mg_dl_no_egfr": "finding 1",
    "f1_creatinine_310_umol_l_no_egfr": "finding 1",
    "f1_creatinine_1_25_above_its_range": "finding 1",
    "f2_lithium_0_5_mg_dl_3719_2": "finding 2",
    "f2_lithium_1_11_mg_dl_14334_7": "finding 2",
    "f3_sodium_127_epic_local_code": "finding 3",
    "f3_sodium_127_oracle_local_code": "finding 3",
    "f4_tsh_12_report_entered_in_error": "finding 4",
    "f5_b12_150_pg_ml": "finding 5",
    "f5_folate_2_ng_ml_flagged_low": "finding 5",
}

CONTROLS = {
    "f1c_creatinine_1_0_no_egfr": "control",
    "f1c_creatinine_3_5_with_egfr_60": "control",
    "f1c_creatinine_3_5_unknown_unit": "control",
    "f2c_lithium_1_1_mg_ml_unknown_unit": "control",
    "f3c_sodium_127_epic_local_no_unit": "control",
    "f3c_sodium_140_epic_local_code": "control",
    "f4c_tsh_12_report_final": "control",
    "f4c_tsh_12_in_voided_and_live_report": "control",
}


def test_the_folder_holds_the_named_charts() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("f1_creatinine_3_5_mg_dl_no_egfr", "creatinine 3.5 mg/dL on 2026-11-20 (high)"),
        ("f1_creatinine_310_umol_l_no_egfr", "creatinine 310 umol/L on 2026-11-20 (high)"),
        ("f1_creatinine_1_25_above_its_range", "creatinine 1.25 mg/dL on 2026-11-20 (high)"),
    ],
)
def test_a_high_creatinine_with_no_egfr_asks_for_renal_function(name: str, said: str) -> None:
    card = _cards(name)[LITHIUM]
    assert card["indicator"] == "warning"
    assert f"{said}, {RENAL_LINE}" in card["summary"]
    assert RENAL_LINE in card["detail"]


@pytest.mark.parametrize(
    "name",
    [
        "f1c_creatinine_1_0_no_egfr",
        "f1c_creatinine_3_5_with_egfr_60",
        "f1c_creatinine_3_5_unknown_unit",
    ],
)
def test_control_no_renal_line(name: str) -> None:
    cards = _cards(name)
    assert LITHIUM not in cards
    assert RENAL_LINE not in str(cards)


def test_a_lithium_level_in_mg_dl_is_converted() -> None:
    pair = _cards("f2_lithium_0_5_mg_dl_3719_2")[PAIR]
    assert "last level 0.72 mmol/L on 2026-11-20" in pair["summary"]
    assert "0.5 mg/dL (about 0.721 mmol/L) on 2026-11-20" in pair["detail"]
    assert "not compared" not in pair["summary"]


def test_a_toxic_lithium_level_in_mg_dl_is_critical() -> None:
    card = _cards("f2_lithium_1_11_mg_dl_14334_7")[LITHIUM]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Lithium 1.11 mg/dL (about 1.6 mmol/L) on 2026-11-20")


def test_control_a_lithium_level_in_an_unknown_unit_is_named_not_compared() -> None:
    cards = _cards("f2c_lithium_1_1_mg_ml_unknown_unit")
    assert "lithium level on 2026-11-20 not compared: read it" in cards[PAIR]["summary"]
    assert LITHIUM not in cards


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("f3_sodium_127_epic_local_code", "127 mmol/L"),
        ("f3_sodium_127_oracle_local_code", "127 mEq/L"),
    ],
)
def test_a_local_coded_sodium_with_a_unit_is_compared(name: str, value: str) -> None:
    card = _cards(name)[SODIUM]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(f"Sodium {value} on 2026-11-20 under a local code")
    assert "venlafaxine" in card["summary"]
    assert "under a local code only" in card["detail"]


@pytest.mark.parametrize(
    "name", ["f3c_sodium_127_epic_local_no_unit", "f3c_sodium_140_epic_local_code"]
)
def test_control_a_local_sodium_with_no_unit_or_normal_gives_no_card(name: str) -> None:
    cards = _cards(name)
    assert SODIUM not in cards
    assert "under a local code: read it" in cards[LITHIUM]["summary"]


def test_a_tsh_in_a_withdrawn_report_is_not_used_and_is_named() -> None:
    card = _cards("f4_tsh_12_report_entered_in_error")[DIAGNOSIS]
    assert "TSH high" not in card["summary"]
    said = "a TSH of 2026-10-19 in a report marked entered-in-error: not used"
    assert said in card["detail"]


@pytest.mark.parametrize(
    "name", ["f4c_tsh_12_report_final", "f4c_tsh_12_in_voided_and_live_report"]
)
def test_control_a_tsh_a_live_report_lists_stands(name: str) -> None:
    card = _cards(name)[DIAGNOSIS]
    assert card["summary"] == "Confirm the diagnosis before escalating: TSH high 12"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("f5_b12_150_pg_ml", "low B12 150 on 2026-10-19"),
        ("f5_folate_2_ng_ml_flagged_low", "low folate 2 on 2026-10-19"),
    ],
)
def test_a_low_b12_or_folate_summary_gives_value_and_date(name: str, said: str) -> None:
    assert _cards(name)[DIAGNOSIS]["summary"].endswith(said)
