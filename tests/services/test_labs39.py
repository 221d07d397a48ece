"""Session 31 labs39: recheck K27b's lithium level findings and labs38's running-QTc leftover
(as of 2026-12-01).

1. UNSAFE: a lithium level sent as valueQuantity {value: 1.8} (no unit, no code, no flag) fell
   out of every lithium check: a raise signed beside it got only the dose-range card, the chart
   gave no lithium card. Its text twin "1.8" was critical. data/lab_ranges.csv `bare_quantity`
   now reads it as the text is (mmol/L, within 0.05-10).
2. A lithium with no unit whose flag came from the reference range sent with it said "flagged
   high by the lab" though the lab sent no flag: it says "above its reference range".
3. Lithium 18 mmol/L is still acted on (at or above 1.5) but shown "implausible: check the
   entry" (`unit_bounds` check); 18 mg/L is converted (about 2.59 mmol/L: molar mass 6.94).
4. The critical summary of a level in umol/L kept "with lisinopril" (dropped the dose instead).
5. Lithium 0.9 flagged AA (within the lab's 0.6-1.2 range) acts at chart open and order-sign as
   labs38 made a tricyclic level or QTc called critical act.
6. The chart-open running-QTc card speaks for a QTc the lab called critical under the stop line
   (440 AA, 470 "Critical" / HH), as the order check does.

Charts: tests/services/labs39_charts/ (K27b's lithium charts, made from labs37's
k02_lithium_critical_no_value; os_li_raise_09_aa and the pv_cit_qtc_* charts made here from
os_li_raise_18 and labs38's q04, pv_traz_* with trazodone for citalopram; all 19 prefetch keys).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIR = Path(__file__).parent / "labs39_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))

LEVEL = "running-lithium-level"
ORDER = "order-lithium-level"
QTC = "running-drug-qtc"


def _cards(name: str) -> dict[str, Doc]:
    return _at.by_topic(_chart(name))


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_whole(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- 1: a quantity with no unit ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "said"),
    [
        # labs40 (recheck K28c s31 finding 2): the unit not sent is said to be inferred.
        ("os_li_raise_nounit", "1.8 (no unit sent, read as mmol/L)"),
        ("os_li_raise_18", "1.8 mmol/L"),
    ],
)
def test_a_raise_beside_a_level_with_no_unit_is_critical_as_with_mmol(name: str, said: str) -> None:
    card = _cards(name)[ORDER]
    assert card["indicator"] == "critical"
    assert f"last level {said} on 2026-11-18 at or above 1.5: toxicity risk" in card["summary"]


@pytest.mark.parametrize("name", ["li_1_8_no_unit_norr_nolis", "li_18_vstring"])
def test_a_level_with_no_unit_gives_the_critical_level_card(name: str) -> None:
    cards = _cards(name)
    card = cards[LEVEL]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(
        "Lithium 1.8 (no unit sent, read as mmol/L) on 2026-11-18 (at or above 1.5"
    )
    assert "not compared: unit not stated" not in cards["optimize-switch-augment"]["detail"]


# --- 2: a range's flag is not the lab's --------------------------------------------------------


def test_a_flag_from_the_reference_range_is_not_called_the_labs() -> None:
    # 18 with no unit beside a mmol/L range: read in the range's unit, 18 mmol/L, acted on with
    # "check the entry" (labs40, recheck K28c s31 finding 2); a range with no unit keeps the
    # range's flag wording (tests/services/test_labs40.py).
    card = _cards("li_18_no_unit_rr")[LEVEL]
    assert "18 (unit from its reference range: mmol/L)" in card["summary"]
    assert "by the lab" not in card["summary"] + card.get("detail", "")


def test_a_level_with_no_unit_and_a_range_is_read_not_flagged() -> None:
    card = _cards("li_1_8_no_unit")[LEVEL]
    assert card["indicator"] == "critical"
    assert "flagged high by the lab" not in card["summary"]


# --- 3: an implausible level, a level in mg/L ---------------------------------------------------


def test_an_implausible_level_still_acts_and_asks_to_check_the_entry() -> None:
    card = _cards("li_18_implaus")[LEVEL]
    assert card["indicator"] == "critical"
    assert "18 mmol/L on 2026-11-18 (implausible: check the entry)" in card["summary"]
    assert "at or above 1.5" in card["summary"]


@pytest.mark.parametrize("name", ["li_18_mgL_nolis", "os_li_raise_mgL"])
def test_a_level_in_mg_per_l_is_converted(name: str) -> None:
    cards = _cards(name)
    card = cards.get(LEVEL) or cards[ORDER]
    assert card["indicator"] == "critical"
    assert "18 mg/L (about 2.59 mmol/L)" in card["summary"]


def test_a_plausible_level_says_nothing_of_the_entry() -> None:
    card = _cards("li_18_meq")[LEVEL]
    assert "check the entry" not in card["summary"] + card.get("detail", "")


# --- 4: the raising drug outlasts the dose in a long summary ------------------------------------


@pytest.mark.parametrize("name", ["li_18_umolL", "li_18_implaus", "li_09_aa"])
def test_a_long_critical_summary_keeps_the_raising_drug(name: str) -> None:
    assert "with lisinopril" in _cards(name)[LEVEL]["summary"]


# --- 5: lithium 0.9 called critical -------------------------------------------------------------


def test_a_level_in_range_called_critical_acts_at_chart_open() -> None:
    card = _cards("li_09_aa")[LEVEL]
    assert card["indicator"] == "critical"
    assert (
        "flagged critical by the lab, though not above 1.5 mmol/L by its value" in card["summary"]
    )
    assert "critical normal" not in card["summary"]


def test_a_raise_beside_a_level_called_critical_is_critical() -> None:
    card = _cards("os_li_raise_09_aa")[ORDER]
    assert card["indicator"] == "critical"
    assert "0.9 mmol/L on 2026-11-18 flagged critical by the lab" in card["summary"]
    assert "at or above 1.5" not in card["summary"]


# --- 6: the running QTc card and the lab's critical call ---------------------------------------


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("pv_cit_qtc_440_AA", "QTc 440 ms on 2026-11-25 with citalopram running: flagged critical"),
        ("pv_cit_qtc_470_critical", "QTc 470 ms on 2026-11-25 with citalopram running: flagged"),
        ("pv_cit_qtc_470_HH", "flagged critical high by the lab"),
        # trazodone has a caution row only: its class's qtc-high line (500 ms) is the one called
        ("pv_traz_qtc_440_AA", "QTc 440 ms on 2026-11-25 with trazodone running: flagged"),
    ],
)
def test_a_qtc_called_critical_under_the_stop_line_speaks_on_chart_open(
    name: str, said: str
) -> None:
    card = _cards(name)[QTC]
    assert card["indicator"] == "warning"
    assert said in card["summary"]
    assert "read the ECG first" in card["summary"]
    assert "not above 500 ms by its value" in card["detail"]


@pytest.mark.parametrize("name", ["pv_cit_qtc_440", "pv_cit_qtc_470", "pv_traz_qtc_440"])
def test_the_same_qtc_unflagged_gives_no_card(name: str) -> None:
    assert QTC not in _cards(name)
