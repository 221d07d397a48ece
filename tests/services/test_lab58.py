"""Session 36 fix lab58: leftovers of lab57 (tests/services/test_lab57.py).

Charts in lab58_charts/ (all 19 prefetch keys; as of 2026-12-01), built from lab57's Oracle Health
B12 chart (b2) and its Epic TSH chart (l2):

1. A B12, folate or 25-OH vitamin D under a site's local code only (b1 Oracle Health "Vitamin B12
   Lvl" code set 72 with no unit, b2 the same in pg/mL, b3 Epic "FOLATE" 3 ng/mL, b4 Epic
   "VITAMIN D, 25-HYDROXY" 12 ng/mL) was dropped in silence: no line, no gap. Now a
   data/lab_lookalike_terms.csv `compared` row names it; the diagnosis review compares it by its
   name on a line saying it is under a local code (alongside escalation, nothing held), "unit
   not recorded" when it has none. Controls: b5 B12 150 pmol/L (normal: an info line, no summary),
   b6 1,25-dihydroxy vitamin D and b7 a red-cell folate (other tests: `unless`, no line).
2. A TSH valueQuantity with no unit (t1: 12) was "not compared" while the text "12" read 12 mIU/L:
   now read so (lab_ranges.csv bare_quantity), "12 (no unit sent, read as mIU/L)"; t2 (2, no
   unit) read as normal (was "not compared"). Control: t3 12 uIU/mL.
3. The "Data not read" line of a result with no unit says "unit not recorded" (was "unit not
   stated"), the card's words (lab57 b1-b3, test below).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

REVIEW = "diagnosis-review"
TMS = "tms-referral"
_FOLDER = Path(__file__).parent / "lab58_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_lab57 = chart_files.topic_reader(Path(__file__).parent / "lab57_charts", date(2026, 12, 1))

FIXED = {
    "b1_b12_150_local_code_no_unit_oracle": "fixed",
    "b2_b12_150_local_code_pg_ml_oracle": "fixed",
    "b3_folate_3_local_code_ng_ml_epic": "fixed",
    "b4_vitamin_d_12_local_code_ng_ml_epic": "fixed",
    "t1_tsh_12_quantity_no_unit_epic": "fixed",
    "t2_tsh_2_quantity_no_unit_normal": "fixed",
}
CONTROLS = {
    "b5_b12_150_local_code_pmol_l_control": "control",
    "b6_vitamin_d_1_25_dihydroxy_local_code_control": "control",
    "b7_folate_rbc_local_code_control": "control",
    "t3_tsh_12_uiu_ml_control": "control",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def _all_text(cards: dict[str, dict[str, Any]]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards.values())


def test_local_b12_with_no_unit_is_named_unit_not_recorded() -> None:
    review = _cards("b1_b12_150_local_code_no_unit_oracle")[REVIEW]
    assert (
        "vitamin B12 150 on 2026-11-10 under a local code, unit not recorded" in review["summary"]
    )
    assert "the unit is not guessed: pg/mL or pmol/L" in review["detail"]
    assert "low B12" not in review["summary"]


@pytest.mark.parametrize(
    ("name", "short"),
    [
        (
            "b2_b12_150_local_code_pg_ml_oracle",
            "low vitamin B12 under a local code (150 on 2026-11-10)",
        ),
        ("b3_folate_3_local_code_ng_ml_epic", "low folate under a local code (3 on 2026-11-10)"),
        (
            "b4_vitamin_d_12_local_code_ng_ml_epic",
            "low vitamin D under a local code (12 on 2026-11-10)",
        ),
    ],
)
def test_local_low_result_is_compared_alongside(name: str, short: str) -> None:
    cards = _cards(name)
    review = cards[REVIEW]
    assert short in review["summary"]
    assert review["summary"].startswith("Review alongside escalation")
    assert "compared by its name only, not read as a result" in review["detail"]
    # Never a result the service vouches for: nothing held on the TMS card.
    assert "first, then consider TMS" not in cards.get(TMS, {}).get("summary", "")


def test_local_normal_b12_is_said_in_the_detail_only() -> None:
    review = _cards("b5_b12_150_local_code_pmol_l_control")[REVIEW]
    assert "B12" not in review["summary"]
    assert "**Vitamin B12 under a local code:** 150 pmol/L, normal, 2026-11-10" in review["detail"]


@pytest.mark.parametrize(
    "name",
    ["b6_vitamin_d_1_25_dihydroxy_local_code_control", "b7_folate_rbc_local_code_control"],
)
def test_other_tests_named_alike_are_not_read(name: str) -> None:
    text = _all_text(_cards(name))
    assert "under a local code" not in text
    assert "named vitamin D" not in text and "named folate" not in text


def test_tsh_with_no_unit_is_read_in_miu_l() -> None:
    cards = _cards("t1_tsh_12_quantity_no_unit_epic")
    assert "TSH high 12" in cards[REVIEW]["summary"]
    assert "12 (no unit sent, read as mIU/L), high, 2026-11-10" in cards[REVIEW]["detail"]
    assert "not compared" not in _all_text(cards)


def test_normal_tsh_with_no_unit_is_read() -> None:
    text = _all_text(_cards("t2_tsh_2_quantity_no_unit_normal"))
    assert "TSH" not in text or "not compared" not in text


def test_tsh_with_its_unit_is_unchanged() -> None:
    review = _cards("t3_tsh_12_uiu_ml_control")[REVIEW]
    assert "TSH high 12" in review["summary"]
    assert "unit not recorded" not in review["detail"]


def test_data_not_read_says_unit_not_recorded() -> None:
    detail = _lab57("b1_b12_150_quantity_no_unit_epic")[REVIEW]["detail"]
    assert "vitamin B12 not compared: unit not recorded" in detail
    assert "unit not stated" not in detail
