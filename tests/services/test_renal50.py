"""Session 37 review K56a finding 7 (fix helper renal50): creatinine clearance was never read.

The labels set their renal bands in creatinine clearance (Cockcroft-Gault), but only the eGFR
was compared: CrCl 25 beside eGFR 50 read venlafaxine's moderate band ("reduce by 25-50 %")
instead of the severe one, lithium at CrCl 25 beside eGFR 45 read its caution band, not "not
recommended", and CrCl 45 beside eGFR 65, or with no eGFR, gave no card. A creatinine clearance
(LOINC 35591-7 Cockcroft-Gault, 2164-2 24-hour urine; under the `labsSI` key) is now read beside
the eGFR; of two recent readings the one whose band asks more (the lower) is read, and the card
names the measure it read and the one it passed over. The clearance is never computed here.

Controls: CrCl 75 beside eGFR 50 (the eGFR is lower: read as before, the CrCl named as passed
over) and CrCl 80 beside eGFR 75 (the mild band: no card).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "renal50_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

RENAL = "running-drug-renal"
NOTE = "the eGFR is read as its estimate here"

# Failing before the fix.
FIXED = {
    "v_venlafaxine225_crcl25_egfr50": "fixed",
    "v_venlafaxine225_crcl45_egfr65": "fixed",
    "v_venlafaxine225_crcl45_noegfr": "fixed",
    "l_lithium600_crcl25_egfr45": "fixed",
}

# Controls: their kidney cards stay as they were.
CONTROLS = {
    "v_venlafaxine225_crcl75_egfr50": "control",
    "v_venlafaxine225_crcl80_egfr75": "control",
}


def _renal(cards: dict[str, Any], name: str) -> dict[str, Any]:
    card = cards.get(RENAL)
    assert card is not None and card["indicator"] == "warning", (name, sorted(cards))
    return card


@pytest.mark.parametrize("name", sorted(FIXED | CONTROLS))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_crcl_25_beside_egfr_50_reads_the_severe_band() -> None:
    # Before: "... with eGFR 50 ...: label says reduce the daily dose by 25-50 %".
    card = _renal(_cards("v_venlafaxine225_crcl25_egfr50"), "crcl25_egfr50")
    assert card["summary"] == (
        "Venlafaxine 225 mg/day running with CrCl 25 on 2026-11-25: label says reduce the daily "
        "dose by 50 % or more"
    )
    assert "The latest creatinine clearance 25 mL/min on 2026-11-25" in card["detail"]
    assert "read rather than the eGFR 50 on 2026-11-25" in card["detail"]
    assert NOTE not in card["detail"]  # the labels' own measure: no estimate caveat


def test_crcl_45_beside_egfr_65_gives_the_moderate_card() -> None:
    # Before: no kidney card (eGFR 65 is in the mild band, which makes none).
    card = _renal(_cards("v_venlafaxine225_crcl45_egfr65"), "crcl45_egfr65")
    assert card["summary"].startswith("Venlafaxine 225 mg/day running with CrCl 45 on 2026-11-25")
    assert "reduce the daily dose by 25-50 %" in card["summary"]
    assert "read rather than the eGFR 65 on 2026-11-25" in card["detail"]


def test_crcl_45_with_no_egfr_gives_the_moderate_card() -> None:
    # Before: no kidney card (no eGFR on record).
    card = _renal(_cards("v_venlafaxine225_crcl45_noegfr"), "crcl45_noegfr")
    assert "running with CrCl 45 on" in card["summary"]
    assert "creatinine clearance 45 mL/min" in card["detail"]
    assert "read rather than" not in card["detail"]


def test_lithium_at_crcl_25_is_not_recommended() -> None:
    # Before: "... with eGFR 45 ...: label says start lower, titrate slowly, check levels often".
    card = _renal(_cards("l_lithium600_crcl25_egfr45"), "lithium_crcl25")
    assert "with CrCl 25 on 2026-11-25" in card["summary"]
    assert "not recommended below 30 mL/min" in card["summary"]


def test_lower_egfr_is_still_read() -> None:
    card = _renal(_cards("v_venlafaxine225_crcl75_egfr50"), "crcl75_egfr50")
    assert card["summary"].startswith("Venlafaxine 225 mg/day running with eGFR 50 on 2026-11-25")
    assert "read rather than the CrCl 75 on 2026-11-25" in card["detail"]
    assert NOTE in card["detail"]


def test_mild_band_stays_quiet() -> None:
    assert RENAL not in _cards("v_venlafaxine225_crcl80_egfr75")


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
