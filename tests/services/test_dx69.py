"""Session 40 fix dx69: diagnosis-review leftovers of session 39 (sleep apnea words, a TSH its lab
called normal, WHO F32.8 / F06.3).

1. "OSA; insomnia resolved" (also "," and "and") on an entry with no clinicalStatus read the OSA
   resolved: a resolution word now speaks of its own item (sleep_apnea_text.says_resolved).
   Controls: "OSA - resolved", "OSA s/p UPPP 2016, resolved on repeat PSG" (no status).
2. "r/o OSA" / "Rule out OSA" read as untreated sleep apnea on record: now "sleep apnea
   suspected: rule out" (marked `differential` as "r/o bipolar disorder" is). "h/o OSA" / "Hx of
   OSA", "h/o severe OSA (HCC)" with nothing else is a history: no sleep-apnea line. Controls:
   "h/o OSA on CPAP" (treated, no line), "History of OSA, CPAP intolerant", "h/o OSA, s/p UPPP",
   "Prior PSG showed severe OSA" and "OSA" (untreated).
3. A TSH of 8.5 mIU/L flagged N by its lab (or inside the lab's own range 0.5-10) read normal: now
   read by the project's interval (fhir_mapping/data/lab_ranges.csv 0.45-4.12), the line naming
   the disagreement (services/rules/thyroid_lab_range.py). Controls: TSH 2.1 and 3.9 flagged N,
   8.5 flagged H.
4. WHO ICD-10 F32.8 and F06.3 were named unread: now read as ICD-10-CM F32.89 and F06.31/F06.32
   are (condition_codes.csv WHO rows).

Charts: tests/services/dx69_charts/ (dx68's s_OSA chart, trd_meets_tms as of 2025-06-01, its OSA
entry retyped; the TSH charts without it; who75's charts recoded).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "dx69_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2025, 6, 1))

REVIEW = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
HEAD = "Confirm the diagnosis before escalating: "
UNTREATED = HEAD + "untreated sleep apnea"
SUSPECTED = HEAD + "sleep apnea suspected: rule out"
ADD_FREE_T4 = HEAD + "TSH high 8.5, no free T4: add free T4"

# The diagnosis review's summary.
REVIEWED = {
    "r_OSA_semicolon_insomnia_resolved": (UNTREATED, "failing before"),
    "r_OSA_comma_insomnia_resolved": (UNTREATED, "failing before"),
    "r_OSA_and_insomnia_resolved": (UNTREATED, "failing before"),
    "r_Insomnia_resolved_semicolon_OSA": (UNTREATED, "failing before"),
    "r_G47_33_note_insomnia_resolved": (UNTREATED, "failing before"),
    "o_r_o_OSA": (SUSPECTED, "failing before"),
    "o_Rule_out_OSA": (SUSPECTED, "failing before"),
    "o_G47_33_r_o_OSA": (SUSPECTED, "failing before"),
    "hc_History_of_OSA_CPAP_intolerant": (UNTREATED, "control"),
    "hc_OSA": (UNTREATED, "control"),
    # A past word before a study is no history of the apnea; more than the history is current.
    "hc_Prior_PSG_showed_severe_OSA": (UNTREATED, "control"),
    "hc_h_o_OSA_s_p_UPPP": (UNTREATED, "control"),
    "l_TSH_8_5_flag_N": (ADD_FREE_T4, "failing before"),
    "l_TSH_8_5_flag_N_no_range": (ADD_FREE_T4, "failing before"),
    "l_TSH_8_5_lab_range_0_5_10": (ADD_FREE_T4, "failing before"),
    "l_TSH_12_flag_N": (HEAD + "TSH high 12", "failing before"),
    "l_TSH_0_2_flag_N": (HEAD + "TSH low 0.2", "failing before"),
    # Above 4.5 mIU/L, the widest interval labs commonly report (lab_range_citations.csv).
    "l_TSH_4_8_flag_N": (ADD_FREE_T4.replace("8.5", "4.8"), "failing before"),
    "lc_TSH_8_5_flag_H": (ADD_FREE_T4, "control"),
}

NOT_REVIEWED = {
    "h_h_o_OSA": "failing before",
    "h_Hx_of_OSA": "failing before",
    "h_h_o_severe_OSA_HCC": "failing before",
    "hc_h_o_OSA_on_CPAP": "control",
    "rc_OSA_resolved_no_status": "control",
    "rc_G47_33_OSA_sp_UPPP_resolved_no_status": "control",
    "lc_TSH_2_1_flag_N": "control",
    "lc_TSH_3_9_flag_N": "control",
    # Above the project's 4.12 but inside 4.5: the lab's "normal" stands (lead, session 40: noise).
    "lc_TSH_4_4_flag_N": "control",
}

# WHO codes beside the CM F33.2 problem: read, no longer named unread.
WHO_BESIDE = {
    "w_who_F32_8_beside_F33_2": "failing before",
    "w_who_F06_3_beside_F33_2": "failing before",
}
WHO_ONLY = {
    "w_who_F32_8_only_depression": "failing before",
    "w_who_F06_3_only_depression": "failing before",
}

PROJECT = "the project's range 0.45-4.12 mIU/L (NHANES III, AACE/ATA 2012)"


@pytest.mark.parametrize("name", sorted(REVIEWED))
def test_the_diagnosis_review_says_it(name: str) -> None:
    cards = _cards(name)
    assert REVIEW in cards, name
    assert cards[REVIEW]["summary"] == REVIEWED[name][0]
    assert TMS in cards  # held one click at most, never withdrawn


@pytest.mark.parametrize("name", sorted(NOT_REVIEWED))
def test_no_diagnosis_review(name: str) -> None:
    cards = _cards(name)
    assert REVIEW not in cards, cards.get(REVIEW, {}).get("summary")
    assert TMS in cards


def test_a_rule_out_says_suspected() -> None:
    detail = _cards("o_r_o_OSA")[REVIEW]["detail"]
    assert "**Sleep apnea suspected, not confirmed:** r/o OSA (typed in" in detail
    assert "entered to rule out: confirm or rule it out (sleep study)" in detail


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("l_TSH_8_5_flag_N", "8.5 mIU/L, high, 2025-03-24 (flagged normal by the lab, above "),
        ("l_TSH_8_5_lab_range_0_5_10", "(within the lab's reference range, above "),
        ("l_TSH_0_2_flag_N", "(flagged normal by the lab, below "),
    ],
)
def test_the_tsh_line_names_the_lab_and_the_project_range(name: str, words: str) -> None:
    detail = _cards(name)[REVIEW]["detail"]
    assert words in detail
    assert PROJECT in detail


def test_a_tsh_the_lab_flagged_high_is_worded_as_before() -> None:
    assert PROJECT not in _cards("lc_TSH_8_5_flag_H")[REVIEW]["detail"]


@pytest.mark.parametrize("name", sorted(WHO_BESIDE))
def test_who_code_beside_mdd_is_read(name: str) -> None:
    cards = _cards(name)
    assert "could not be read" not in cards[OPTIMISE]["detail"]
    assert TMS in cards


def test_who_f32_8_alone_is_depression_type_not_stated() -> None:
    cards = _cards("w_who_F32_8_only_depression")
    assert TMS in cards
    assert "Other depressive episodes (WHO ICD-10 F32.8)" in cards[TMS]["detail"]
    assert "MDD not documented (depression, type not stated)" in cards[TMS]["detail"]


def test_who_f06_3_alone_is_a_depression_other_than_mdd() -> None:
    cards = _cards("w_who_F06_3_only_depression")
    assert TMS not in cards
    assert (
        "**Diagnosis on record is not major depression:** Organic mood [affective] disorders "
        "(WHO ICD-10 F06.3)"
    ) in cards[OPTIMISE]["detail"]


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, REVIEWED, NOT_REVIEWED, WHO_BESIDE, WHO_ONLY)
