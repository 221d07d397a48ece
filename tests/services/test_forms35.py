"""Session 30 fix forms35: recheck K25b s30 (scratch-K25b charts, patient-view requests with all
19 prefetch keys in forms35_charts/; as of 2026-12-01). Each chart in a "failed" group fails on
8df3be3d and passes here; the controls pass both.

1. "SIB" alone or with ordinary words ("SIB", "Increased SIB", "Autism with SIB", "SIB: head
   banging", an ED visit "Eval for SIB") lost its critical card: fix forms34 read SIB as an act
   only after a patient verb. SIB is the act again unless a sibling context names a sibling
   ("Sib with", "Sib: brother", "SIB (sibling)", a family-history word or a relative before it:
   self_harm_sib.py); "SIB (sibling) with SI" and "Sib (brother) with SIB" are the sibling's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_chart = chart_files.loader(Path(__file__).parent / "forms35_charts")
_evaluate = Evaluator(date(2026, 12, 1))


def _cards(name: str) -> dict[str, Any]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    cards: dict[str, Any] = _evaluate.by_topic(doc)
    return cards


def _critical(name: str) -> dict[str, Any]:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", name
    assert TMS not in cards
    return card


def _not_critical(name: str) -> dict[str, Any]:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is None or card["indicator"] != "critical", (name, card and card["summary"])
    return cards


# 1. Failed before: critical now ("SIB" is self-injurious behaviour).
@pytest.mark.parametrize(
    "name",
    [
        "e_SIB_alone",
        "e_SIB_worsening",
        "e_SIB_eval",
        "c_SIB_alone",
        "c_pt_SIB",
        "c_increased_SIB",
        "c_SIB_x2",
        "c_autism_with_SIB",
        "c_cutting_SIB_paren",
        "c_SIB_head_banging",
        "c_sib_brother_pt_SIB",
    ],
)
def test_sib_is_self_injury(name: str) -> None:
    _critical(name)


# 1. Failed before: the sibling's, no critical card ("SIB (sibling) with SI").
def test_sib_sibling_bracket_is_the_siblings() -> None:
    _not_critical("c_SIB_sibling_paren")


# 1. Controls: a sibling stays a sibling; the patient's SI beside a sib stays read.
@pytest.mark.parametrize(
    "name", ["c_sib_brother_with_SIB", "c_sib_hx_SIB", "c_sib_SIB", "c_sibs_SI", "e_SIB_screen_neg"]
)
def test_sibling_controls_quiet(name: str) -> None:
    _not_critical(name)


def test_patient_and_sib_si_control() -> None:
    _critical("c_pt_and_sib_SI")
