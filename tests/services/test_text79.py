"""Session 37 fix text79: a screening item's answer written as text (UNSAFE: quiet, TMS offered).

"PHQ-9 item 9: 2", "PHQ9 #9 = 1", "PHQ-9 Q9: 3", "item 9 positive", "EPDS Q10 = 2", "EPDS item
10: yes", "EPDS #10: 3", "C-SSRS Q2: yes", "ASQ positive", "CSSRS screen positive" as an ED visit's
reason or a Condition's note raised nothing while the same answer coded raises the critical card.
They are read as suicidal ideation stated in words (fhir_mapping/screen_item_text.py): positive
above the lowest answer of the item's own list, the coded answer's threshold. "item 9 positive"
with no number is positive (the safer error). A total ("PHQ-9: 9", "EPDS 10"), the lowest answer
("item 9: 0", "never"), a negative screen, and another scale's item 9 ("EPDS item 9: 2", the
crying item) stay quiet; each beside its nearest critical control.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.screen_item_text import positive
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text79_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_PHQ_9_item_9_2": "fixed",
    "e_PHQ9_9_1": "fixed",
    "e_PHQ_9_Q9_3": "fixed",
    "e_item_9_positive": "fixed",
    "e_EPDS_Q10_2": "fixed",
    "e_EPDS_item_10_yes": "fixed",
    "e_EPDS_10_3": "fixed",
    "e_C_SSRS_Q2_yes": "fixed",
    "e_ASQ_positive": "fixed",
    "e_CSSRS_screen_positive": "fixed",
    # The nearest critical control of each quiet text below.
    "e_PHQ_9_total_12_item_9_1": "fixed",
    "e_EPDS_item_10_2": "fixed",
    "e_C_SSRS_positive": "fixed",
    "e_Item_9_several_days": "fixed",
    "e_EPDS_Q10_hardly_ever": "fixed",
    # The same in a Condition's note.
    "cn_PHQ_9_item_9_2": "fixed",
    "cn_EPDS_Q10_2": "fixed",
    "cn_ASQ_positive": "fixed",
    "cn_item_9_positive": "fixed",
}

QUIET = {
    "e_PHQ_9_item_9_0": "control",
    "e_PHQ_9_9": "control",
    "e_PHQ_9_total_12_item_9_0": "control",
    "e_EPDS_item_10_never": "control",
    "e_EPDS_10": "control",
    "e_C_SSRS_negative": "control",
    "e_ASQ_negative": "control",
    "e_EPDS_item_9_2": "control",
    "e_Item_9_not_at_all": "control",
    "cn_PHQ_9_item_9_0": "control",
    "cn_ASQ_negative": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)


@pytest.mark.parametrize(
    "text",
    [
        "PHQ9 item9: 2",
        "PHQ-9 item 9 = 1/3",
        "PHQ-9 item 9 - 2",
        "Item 9 (+)",
        "positive ASQ",
        "+ASQ",
        "ASQ #1 yes",
        "EPDS Q10: Yes, quite often",
        "C-SSRS high risk",
        "Columbia screen positive",
        "GAD-7 12, PHQ-9 14, item 9: 1",
        "PHQ-9 item 9 score of 2",
        "item 9 answered 1",
        "PHQ-9 item 9 response: several days",
        "ASQ non-acute positive",
        "ASQ: acute positive",
        # A number beyond the list is not its lowest answer: read (the safer error).
        "PHQ-9 item 9: 12",
    ],
)
def test_written_answers_above_the_lowest_are_positive(text: str) -> None:
    assert positive(text)


@pytest.mark.parametrize(
    "text",
    [
        "phq-9 #9: 0",
        "PHQ-9 item 9 = 0/3",
        "EPDS 12, item 9: 0",
        "EPDS item 9: 2",
        "C-SSRS Q1 no, Q2 no",
        "C-SSRS low risk",
        "ASQ negative; C-SSRS negative",
        "PHQ-9 score 9",
        "item 9: see flowsheet",
        "item 9 scored 0",
        "PHQ-9 item 9 not endorsed",
        "Negative ASQ",
    ],
)
def test_totals_lowest_answers_and_negatives_are_not(text: str) -> None:
    assert not positive(text)
