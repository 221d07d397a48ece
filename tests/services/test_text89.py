"""Session 38 fix text89: suicide items of scales written as text (UNSAFE: quiet, TMS offered).

- An answer written before its item ("Pt scored 2 on item 9", "scored 1 on PHQ-9 item 9") or
  after a word following the separator ("item 9: scored 2"): only "item 9: 2" was read.
- The C-SSRS screener written as a number ("C-SSRS: 2", "C-SSRS 2/6"): read as its count of yes
  answers, positive above 0; a date ("C-SSRS 11/20: negative") or a question's number with its
  answer ("C-SSRS 2: no") is no count.
- The suicide items of other depression scales (data/scale_suicide_items.csv): HAM-D item 3
  "Suicide" (0-4), MADRS item 10 "Suicidal thoughts" (0-6), QIDS-SR16 item 12 "Thoughts of death
  or suicide" (0-3), each positive above 0 (fhir_mapping/scale_suicide_items.py says why), also
  after the scale's total ("HAM-D 22 (item 3 = 2)", "MADRS 30, item 10: 4").
Controls: each at 0, "scored 0 on item 9", and another item of those scales ("QIDS item 9: 2",
"HAM-D item 9: 2") or another scale's item 9 ("GDS item 9: 2") stay quiet.
Prefixes: e_ an ED visit's reason, cn_ a Condition's note, o_ an Epic nursing flowsheet comment
row (valueString and note), on_ a row whose comment is its Observation.note (heads42's charts).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text89_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_Pt_scored_2_on_item_9": "fixed",
    "e_scored_1_on_PHQ_9_item_9": "fixed",
    "e_item_9_scored_2": "fixed",
    "e_C_SSRS_2": "fixed",
    "e_C_SSRS_2_6": "fixed",
    "e_HAM_D_item_3_2": "fixed",
    "e_HAMD_17_item_3_1": "fixed",
    "e_MADRS_item_10_4": "fixed",
    "e_rated_4_on_MADRS_item_10": "fixed",
    "e_QIDS_item_12_2": "fixed",
    "e_QIDS_SR16_12_2": "fixed",
    "cn_Pt_scored_2_on_item_9": "fixed",
    "cn_C_SSRS_2_6": "fixed",
    "cn_HAM_D_item_3_2": "fixed",
    "o_QIDS_item_12_2": "fixed",
    "o_C_SSRS_2": "fixed",
    "on_MADRS_item_10_4": "fixed",
    # The scale's total between its name and the item.
    "e_HAM_D_22_item_3_2": "fixed",
    "e_MADRS_30_item_10_4": "fixed",
    # Read before the fix: the nearest critical controls.
    "e_item_9_score_of_2": "control",
    "e_CSSRS_screen_positive": "control",
}

QUIET = {
    "e_HAM_D_item_3_0": "control",
    "e_MADRS_item_10_0": "control",
    "e_QIDS_item_12_0": "control",
    "e_item_9_0": "control",
    "e_scored_0_on_item_9": "control",
    "e_QIDS_item_9_2": "control",
    "e_HAM_D_item_9_2": "control",
    "e_GDS_item_9_2": "control",
    "e_scored_2_on_GDS_item_9": "control",
    "e_C_SSRS_0": "control",
    "e_C_SSRS_0_6": "control",
    "e_C_SSRS_2_no": "control",
    "e_C_SSRS_11_20_negative": "control",
    "cn_MADRS_item_10_0": "control",
    "e_MADRS_30_item_10_0": "control",
    "o_QIDS_item_12_0": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
