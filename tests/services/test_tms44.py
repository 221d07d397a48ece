"""Session 32 fix tms44: holes in the antiseizure screen (recheck K32a findings 1, 2, 8, 9, 10;
the reviewer's charts in tms44_charts/, all 19 prefetch keys; as of 2026-12-01; two failed
trials, PHQ-9 18; the os* charts are order-sign requests drafting bupropion 150 mg/day).

1. An antiseizure drug named by its brand (RxNorm display "Keppra 500 MG Oral Tablet", Epic
   local codes "KEPPRA 500 MG PO TABS", "DILANTIN 100 MG PO CPSR", "VIMPAT 100 MG PO TABS") is
   read as its ingredient (fhir_mapping/data/brand_names.csv): the TMS screen asks, bupropion is
   not listed, the bupropion order is warned.
2. A seizure code as an order's reason (levetiracetam ordered for G40.909, nothing on the problem
   list) is a coded seizure disorder: TMS held as for epilepsy on the problem list, the bupropion
   order critical (services/antiseizure_screen.py).
8. Gabapentin beside E11.42, topiramate beside G43.909, pregabalin beside M79.7 on the problem
   list: explained (fhir_mapping/condition_indications.py, data/indication_drugs.csv), no
   question, bupropion listed.
9. The wording: no empty code slot in the order-sign detail, no "seizure disorder? on record",
   no "No epilepsy/seizure disorder ... recognised" beside the screen item.
10. A concussion within the TMS window (six months old) is a bupropion caution (the labels list
   head trauma among the factors that raise its seizure risk).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

TMS = "tms-referral"
OPTIMIZE = "optimize-switch-augment"
CAUTION = "order-drug-caution"
CONTRAINDICATED = "order-drug-contraindicated"
_cards = chart_files.topic_reader(Path(__file__).parent / "tms44_charts", date(2026, 12, 1))
_QUESTION = "running, no indication coded: seizure disorder?"
_NOT_LISTED = "bupropion not listed: an antiseizure drug runs with no seizure disorder coded"
_CLEARED = "No epilepsy/seizure disorder, metal or stimulator near the head, or other TMS"


@pytest.mark.parametrize(
    ("chart", "ingredient"),
    [
        ("u01_keppra_brand", "levetiracetam"),
        ("u01b_keppra_epic_local", "levetiracetam"),
        ("u02_dilantin_epic_local", "phenytoin"),
        ("u03_vimpat_epic_local", "lacosamide"),
    ],
)
def test_an_antiseizure_brand_is_screened_and_holds_bupropion(chart: str, ingredient: str) -> None:
    cards = _cards(chart)
    tms = cards[TMS]
    assert f"safety screen first: {ingredient} {_QUESTION}" in tms["summary"]
    assert _CLEARED not in tms["detail"]
    switch = cards[OPTIMIZE]["detail"]
    assert "NDRI: bupropion" not in switch
    assert _NOT_LISTED in switch


def test_bupropion_drafted_beside_keppra_is_warned() -> None:
    cards = _cards("os02_bupropion_with_keppra")
    card = cards[CAUTION]
    assert card["indicator"] == "warning"
    assert "levetiracetam running, no indication coded: seizure disorder?" in card["detail"]


def test_a_seizure_code_as_the_orders_reason_holds_tms_and_bupropion() -> None:
    cards = _cards("t06_lev_reason_G40")
    assert TMS not in cards  # held, as with epilepsy on the problem list
    switch = cards[OPTIMIZE]["detail"]
    assert "NDRI: bupropion" not in switch
    assert "bupropion not listed: contraindicated in seizure disorders" in switch


def test_bupropion_drafted_beside_a_levetiracetam_ordered_for_epilepsy_is_critical() -> None:
    cards = _cards("os04_bupropion_lev_reason_G40")
    assert CAUTION not in cards
    card = cards[CONTRAINDICATED]
    assert card["indicator"] == "critical"
    assert "contraindicated in seizure disorders" in card["summary"]
    assert "ICD-10-CM G40.909, recorded (the levetiracetam order's reason)" in card["detail"]


@pytest.mark.parametrize(
    "chart",
    ["t01_gaba_neuropathy_list", "t02_topiramate_migraine_list", "t08_pregabalin_fibro"],
)
def test_a_condition_the_drug_treats_on_the_problem_list_explains_it(chart: str) -> None:
    cards = _cards(chart)
    assert "safety screen" not in cards[TMS]["summary"]
    assert "seizure disorder?" not in cards[TMS]["detail"]
    assert "NDRI: bupropion" in cards[OPTIMIZE]["detail"]


def test_the_order_sign_detail_has_no_empty_code_slot() -> None:
    detail = _cards("os01_bupropion_with_lev")[CAUTION]["detail"]
    assert "seizure disorder?, since 2026-09-20" in detail
    assert ",  ," not in detail


def test_the_screen_line_does_not_claim_nothing_was_found_beside_the_question() -> None:
    cards = _cards("t00_lev_control")
    tms = cards[TMS]["detail"]
    assert f"to screen: levetiracetam {_QUESTION}" in tms
    assert "No epilepsy/seizure disorder and no metal" not in tms
    assert "No epilepsy/seizure disorder coded, but an antiseizure drug runs" in tms
    switch = cards[OPTIMIZE]["detail"]
    assert f"(levetiracetam {_QUESTION})." in switch
    assert "seizure disorder? on record" not in switch


def test_a_recent_concussion_is_a_bupropion_caution() -> None:
    switch = _cards("c01_concussion_6mo")[OPTIMIZE]["detail"]
    assert "NDRI: bupropion" not in switch
    assert "bupropion not listed: a head injury is on record" in switch


# Controls: unchanged by the fix.


def test_control_an_old_concussion_leaves_bupropion_listed() -> None:
    assert "NDRI: bupropion" in _cards("c02_concussion_18mo")[OPTIMIZE]["detail"]


def test_control_gabapentin_ordered_for_a_neuropathy_stays_explained() -> None:
    cards = _cards("t01b_gaba_neuropathy_reason")
    assert "safety screen" not in cards[TMS]["summary"]
    assert "NDRI: bupropion" in cards[OPTIMIZE]["detail"]


def test_control_epilepsy_on_the_problem_list_is_critical_at_order_sign() -> None:
    card = _cards("os03_bupropion_epilepsy")[CONTRAINDICATED]
    assert card["indicator"] == "critical"
    assert "ICD-10-CM G40.909, since 2010-01-01" in card["detail"]


def test_control_bupropion_alone_gets_no_seizure_card() -> None:
    cards = _cards("os00_bupropion_control")
    assert CAUTION not in cards
    assert CONTRAINDICATED not in cards
