"""labs40 (recheck K28c s31): the lithium findings.

1. A serum lithium under LOINC 3719-2 (Mass/volume, mg/L; asked for under `labsSI`) is read,
   converted by labs39's mg/L row: 12.5 mg/L (about 1.8 mmol/L) is critical at chart open and at
   order-sign (it was "no lithium level").
2. A lithium quantity with no unit is read in the unit its referenceRange states, said as
   inferred: 8 beside 4.2-8.3 mg/L is about 1.15 mmol/L (was critical "8 mmol/L"), 12.5 beside
   it is critical (was a warning); a range with no unit leaves the range's flag.
3. An unread unitless 0.03 flagged L: the optimise card shows the value and that its unit is not
   stated (was "level a level").
4. A red-cell lithium under a local code is no "lithium level" on the gap line.

Charts: tests/services/labs40_charts/ (K28c's charts from labs39's li_18_no_unit_rr; O2, O3 and
Q made here from them; all 19 prefetch keys).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.catalog import LABS_SI, services
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIR = Path(__file__).parent / "labs40_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))

LEVEL = "running-lithium-level"
ORDER = "order-lithium-level"
OPTIMISE = "optimize-switch-augment"


def _cards(name: str) -> dict[str, Doc]:
    return _at.by_topic(_chart(name))


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_whole(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- 1: LOINC 3719-2 ----------------------------------------------------------------------------


def test_3719_2_is_asked_for_under_labs_si() -> None:
    template = dict(services()[0].prefetch)[LABS_SI]
    assert "3719-2" in template


@pytest.mark.parametrize(
    ("name", "topic"), [("E_mass_loinc_mgL", LEVEL), ("OS_E_3719_2_mgL", ORDER)]
)
def test_a_mass_lithium_under_3719_2_is_read_and_critical(name: str, topic: str) -> None:
    card = _cards(name)[topic]
    assert card["indicator"] == "critical"
    assert "12.5 mg/L (about 1.8 mmol/L) on 2026-11-18" in card["summary"]


# --- 2: the unit of a unitless value from its reference range ----------------------------------


@pytest.mark.parametrize(
    ("name", "topic"), [("A_nounit_rr_mgL_12", LEVEL), ("OS_A_nounit_rr_mgL_12", ORDER)]
)
def test_12_5_beside_a_mg_per_l_range_is_critical(name: str, topic: str) -> None:
    card = _cards(name)[topic]
    assert card["indicator"] == "critical"
    assert "12.5 (unit from its reference range: mg/L, about 1.8 mmol/L)" in card["summary"]


@pytest.mark.parametrize(
    ("name", "topic"), [("B_nounit_rr_mgL_8", LEVEL), ("OS_B_nounit_rr_mgL_8", ORDER)]
)
def test_8_beside_a_mg_per_l_range_is_not_8_mmol_per_l(name: str, topic: str) -> None:
    cards = _cards(name)
    card = cards[topic]
    assert card["indicator"] != "critical"
    assert "8 (unit from its reference range: mg/L, about 1.15 mmol/L)" in card["summary"]
    assert re.search(r"(?<![\d.])8 mmol/L", json.dumps(cards)) is None  # not "0.5-0.8 mmol/L"


def test_a_range_with_no_unit_gives_no_unit() -> None:
    card = _cards("Q_nounit_18_rr_nounit")[LEVEL]
    assert (
        "Lithium 18 on 2026-11-18 (above its reference range, unit not stated)" in card["summary"]
    )


def test_a_unit_from_a_mmol_range_is_said_on_the_optimise_detail() -> None:
    card = _cards("O_nounit_0p03")[OPTIMISE]
    assert card["summary"].endswith("(level 0.03 on 2026-11-18)")
    assert "a level" not in card["summary"]


# --- 3: an unread unitless level ----------------------------------------------------------------


def test_an_unread_unitless_level_shows_its_value() -> None:
    card = _cards("O3_nounit_0p03_L")[OPTIMISE]
    assert card["summary"].endswith("(level 0.03, unit not stated, on 2026-11-18)")


# --- 4: a red-cell lithium ----------------------------------------------------------------------


def test_a_red_cell_lithium_is_no_lithium_level_on_the_gap_line() -> None:
    text = json.dumps(_cards("C_rbc_local"))
    assert "named lithium level under a code" not in text
