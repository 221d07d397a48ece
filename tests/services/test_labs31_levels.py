"""Session 29 labs31 (after labsr30 and labsw30) on review charts K17, RL, RQ4 and labsr30 s05
(labs31_charts: patient-view requests with all 19 prefetch keys, as of 2026-12-01).

1. A tricyclic level at or above its range (a toxic nortriptyline 600 ng/mL) read "settle this
   first, then raise nortriptyline from 75 toward 150 mg/day" and the TMS card "raise
   nortriptyline first": no raise is proposed on such a level; the card says hold or lower.
2. A lithium "<0.2" after 0.8 on the same dose read "raise lithium ... (level 0.2 ...)": the bound
   keeps its "<", and a fall to undetectable on an unchanged dose asks adherence and the 12 h
   trough first.
3. A flag after a value sent as text ("1.6 H", "126 (L)", "600 ng/mL HH") is read as the lab's
   flag and the value read.
4. A lithium "> 3.0 mmol/L" read "last level 3" on the interaction card: "> 3".
5. A creatinine flagged high (or above its own reference range) with lithium running and no eGFR
   gave no card: a renal warning asks for a clearance estimate.
6. A preliminary sodium's summary said no "(preliminary)" where it dropped the unit.
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
_load = chart_files.loader(Path(__file__).parent / "labs31_charts")
_at = Evaluator(date(2026, 12, 1))
OPTIMISE = "optimize-switch-augment"
RENAL = "running-drug-renal"


def _cards(name: str) -> list[Doc]:
    cards: list[Doc] = _at.cards(_load(name))
    return cards


def _topic(cards: list[Doc], topic: str) -> list[Doc]:
    return [c for c in cards if c["source"]["topic"]["code"] == topic]


def _all_text(cards: list[Doc]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail') or ''}" for c in cards)


# --- 1. no raise on a level at or above its range -----------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "n01_nortriptyline_2280_nmol_toxic",
        "n02_nortriptyline_prelim_600_HH",
        "n03_nortriptyline_160_flagged_H_no_unit",
        "n06_nortriptyline_600_ngml_HH_text",
    ],
)
def test_no_raise_on_a_high_tricyclic_level(name: str) -> None:
    cards = _cards(name)
    summaries = [c["summary"] for c in cards]
    assert not any("raise nortriptyline" in s for s in summaries), summaries
    (optimise,) = _topic(cards, OPTIMISE)
    assert "hold or lower the dose per the level" in optimise["summary"]
    assert "Raise it first" not in optimise["detail"]
    assert "hold or lower the dose per the level; no raise is proposed" in optimise["detail"]
    # No one-click raise of it either.
    labels = [s["label"] for s in optimise.get("suggestions", [])]
    assert not any(label.startswith("Raise nortriptyline") for label in labels)


def test_a_level_at_the_top_of_the_range_is_not_raised() -> None:
    cards = _cards("n05_nortriptyline_150_at_top")
    assert not any("raise nortriptyline" in c["summary"] for c in cards)
    (optimise,) = _topic(cards, OPTIMISE)
    assert "at the top of 50-150 ng/mL" in optimise["detail"]


def test_control_level_in_range_still_raised() -> None:
    (optimise,) = _topic(_cards("n04_control_nortriptyline_120_in_range"), OPTIMISE)
    assert "raise nortriptyline from 75 toward 150 mg/day first" in optimise["summary"]


# --- 2. lithium "<0.2": the sign, and adherence before a raise ----------------------------------


def test_undetectable_lithium_after_a_level_in_range_asks_adherence_first() -> None:
    cards = _cards("l01_lithium_lt_0_2_after_0_8_same_dose")
    (optimise,) = _topic(cards, OPTIMISE)
    assert optimise["summary"] == (
        "Lithium 600 mg/day, level < 0.2 on 2026-11-29 after 0.8 on the same dose: check "
        "adherence and timing (12 h trough) before raising"
    )
    assert "fell to < 0.2 on 2026-11-29 after 0.8 mmol/L on 2026-11-25" in optimise["detail"]
    assert not any("raise lithium" in c["summary"] for c in cards)


@pytest.mark.parametrize("name", ["l02_lithium_lt_0_2_alone", "l03_lithium_lt_0_2_after_0_3"])
def test_undetectable_lithium_without_a_fall_is_raised_and_keeps_its_sign(name: str) -> None:
    (optimise,) = _topic(_cards(name), OPTIMISE)
    assert optimise["summary"].endswith(
        "raise lithium toward 0.5-0.8 mmol/L first (level < 0.2 on 2026-11-29)"
    )


# --- 3. a flag written after a text value -------------------------------------------------------


def test_lithium_1_6_H_is_read_as_1_6_flagged_high() -> None:
    cards = _cards("l04_lithium_1_6_H_text")
    assert cards[0]["indicator"] == "critical"
    assert cards[0]["summary"].startswith(
        "Lithium 1.6 (no unit sent, read as mmol/L) on 2026-11-25 (at or above 1.5"
    )
    assert "could not be read" not in _all_text(cards)


def test_sodium_126_L_is_read() -> None:
    cards = _cards("s01_sodium_126_L_text")
    assert cards[0]["summary"].startswith("Sodium 126 on 2026-11-25 with venlafaxine")


def test_lithium_16_out_of_range_is_named_unread() -> None:
    cards = _cards("l05_lithium_16_bare_out_of_range")
    text = _all_text(cards)
    assert "lithium level on 2026-11-25 not compared: read it" in text
    assert "no lithium level since" not in text


# --- 4. a bound keeps its comparator on the interaction card ------------------------------------


def test_lithium_gt_3_keeps_its_sign() -> None:
    summaries = [c["summary"] for c in _cards("l06_lithium_gt_3_0_mmol_text")]
    assert any("last level > 3 on 2026-11-25" in s for s in summaries), summaries
    assert not any("last level 3 on" in s for s in summaries)


# --- 5. a creatinine flagged high with lithium and no eGFR --------------------------------------


@pytest.mark.parametrize(
    "name", ["r01_creatinine_250_H_lithium_no_egfr", "r03_creatinine_250_above_reference_range"]
)
def test_flagged_creatinine_with_lithium_gets_a_renal_warning(name: str) -> None:
    (card,) = _topic(_cards(name), RENAL)
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Kidney function abnormal (creatinine 250 umol/L flagged high) with lithium running: "
        "estimate clearance before continuing lithium"
    )


def test_unflagged_creatinine_gets_no_renal_card() -> None:
    assert not _topic(_cards("r02_control_creatinine_80_unflagged"), RENAL)


# --- 6. "(preliminary)" on the sodium summary ---------------------------------------------------


def test_preliminary_sodium_summary_says_so() -> None:
    cards = _cards("s02_sodium_prelim_122_LL")
    # Below 125 mmol/L: the profound tier's summary (session 29 sodium31), "(preliminary)" kept.
    assert cards[0]["summary"].startswith(
        "Sodium 122 on 2026-11-25 (preliminary): profound hyponatraemia"
    )
