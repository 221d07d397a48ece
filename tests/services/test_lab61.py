"""Session 38 fix lab61: lithium and renal leftovers.

Charts in lab61_charts/ (all 19 prefetch keys; as of 2026-12-01), Epic / Oracle Health / US Core
shaped (effectiveDateTime with offsets, valueQuantity in UCUM, the clearance under `labsSI`):

1. A lithium start with only a creatinine clearance (LOINC 35591-7 Cockcroft-Gault, 2164-2 24-hour
   urine) said "creatinine or eGFR: none on record" (k1, k2; k3 a CrCl 25 beside the renal card).
   A clearance is now accepted as the renal baseline (augmentation_monitoring.csv `+crcl`), named
   with its value and band (k4: no sodium, so the card speaks); the card still names and asks
   for creatinine or eGFR (c2).
2. A clearance normalised to body surface (mL/min/{1.73_m2}, mL/min/1.73m2) was not read: CrCl 25
   and 28 gave no renal card (n1, n2). Under a local code with the text "Creatinine clearance" it
   was dropped in silence (n3): now named as a result not read, never compared.
3. Same-day lithium pairs "0.3 then 0.9" and "0.9 then 0.2" (p1, p2): both results are named
   (lab59), the higher read; no change, controls.
4. The over-65 lithium lines were weighed at any age: at 51 a 0.55 and 0.65 (a1), a 0.35 and 0.45
   (a2), with no lab flag, were said to disagree across the older target (0.4-0.6). Controls: the
   same pair at 79 (a3), 0.75 and 0.9 at 51 across the 0.8 target (a4).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "lab61_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

BASELINE = "order-lithium-baseline"
RENAL = "order-renal-dose"
LEVEL_NOTE = "disagree"

FIXED = {
    "k1_lithium_start_crcl_cockcroft_85_only_epic": "fixed",
    "k2_lithium_start_crcl_24h_urine_2164_2_only": "fixed",
    "k3_lithium_start_crcl_25_only_severe_band": "fixed",
    "k4_lithium_start_crcl_25_no_sodium_band_named": "fixed",
    "n1_lithium_start_crcl_25_ml_min_1_73_m2_ucum": "fixed",
    "n2_lithium_start_crcl_28_unit_written_ml_min_1_73m2": "fixed",
    "n3_lithium_start_crcl_local_code_text_only": "fixed",
    "a1_lithium_0_55_then_0_65_same_day_age_51_no_flags": "fixed",
    "a2_lithium_0_35_then_0_45_same_day_age_51_no_flags": "fixed",
}
CONTROLS = {
    "c1_lithium_start_egfr_85_control": "control",
    "c2_lithium_start_no_renal_test_control": "control",
    "c3_lithium_0_3_then_0_9_next_day_control": "control",
    "p1_lithium_0_3_then_0_9_same_day_epic": "control",
    "p2_lithium_0_9_then_0_2_same_day_epic": "control",
    "a3_lithium_0_55_then_0_65_same_day_age_79_control": "control",
    "a4_lithium_0_75_then_0_9_same_day_age_51_control": "control",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def _all_text(cards: dict[str, dict[str, Any]]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards.values())


@pytest.mark.parametrize(
    "name",
    [
        "k1_lithium_start_crcl_cockcroft_85_only_epic",
        "k2_lithium_start_crcl_24h_urine_2164_2_only",
        "k3_lithium_start_crcl_25_only_severe_band",
        "n1_lithium_start_crcl_25_ml_min_1_73_m2_ucum",
        "n2_lithium_start_crcl_28_unit_written_ml_min_1_73m2",
        "c1_lithium_start_egfr_85_control",
    ],
)
def test_a_clearance_or_egfr_is_a_renal_baseline(name: str) -> None:
    # Sodium and TSH are on record too: nothing is wanting, so no baseline card.
    assert BASELINE not in _cards(name)
    assert "creatinine or eGFR" not in _all_text(_cards(name))


def test_no_renal_test_is_still_asked_for() -> None:
    card = _cards("c2_lithium_start_no_renal_test_control")[BASELINE]
    assert "no creatinine or eGFR in 365 days" in card["summary"]
    assert "- creatinine or eGFR: **none on record**" in card["detail"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("k3_lithium_start_crcl_25_only_severe_band", "25 mL/min on"),
        ("n1_lithium_start_crcl_25_ml_min_1_73_m2_ucum", "25 mL/min/1.73m2 on"),
        ("n2_lithium_start_crcl_28_unit_written_ml_min_1_73m2", "28 mL/min/1.73m2 on"),
    ],
)
def test_a_low_clearance_in_any_ucum_unit_reads_the_severe_band(name: str, value: str) -> None:
    card = _cards(name)[RENAL]
    assert "not recommended below 30 mL/min" in card["summary"]
    assert f"creatinine clearance {value}" in card["detail"]
    assert "severe renal impairment band of the lithium label" in card["detail"]


def test_a_clearance_in_the_baseline_is_named_with_its_band() -> None:
    card = _cards("k4_lithium_start_crcl_25_no_sodium_band_named")[BASELINE]
    assert "no sodium in 365 days" in card["summary"]
    assert (
        "- creatinine clearance 25 mL/min on 2026-11-20: **severe renal impairment band of the "
        "lithium label (not recommended; lithium label 2 and 8.6): see the renal card**"
    ) in card["detail"]
    assert "creatinine or eGFR" not in card["detail"]


def test_a_local_code_clearance_is_named_not_read() -> None:
    cards = _cards("n3_lithium_start_crcl_local_code_text_only")
    detail = cards[BASELINE]["detail"]
    # Not compared: the card still asks for a creatinine or eGFR, and names the result not read.
    assert "- creatinine or eGFR: **none on record**" in detail
    assert "named creatinine clearance under a code this service does not know" in detail
    assert RENAL not in cards


@pytest.mark.parametrize(
    ("name", "named"),
    [
        (
            "p1_lithium_0_3_then_0_9_same_day_epic",
            ("0.3 mmol/L low at 08:00-05:00", "0.9 mmol/L normal at 14:00-05:00"),
        ),
        (
            "p2_lithium_0_9_then_0_2_same_day_epic",
            ("0.9 mmol/L normal at 08:00-05:00", "0.2 mmol/L low at 14:00-05:00"),
        ),
    ],
)
def test_a_same_day_low_and_high_level_are_both_named(name: str, named: tuple[str, str]) -> None:
    cards = _cards(name)
    assert "last level 0.9 on 2026-11-18" in cards["drug-interaction"]["summary"]
    text = _all_text(cards)
    assert LEVEL_NOTE in text
    assert text.index(named[0]) < text.index(named[1])
    # No card calls the lithium trial adequate on such a day: the augment line names the higher
    # level as above the target, with the low one beside it.
    assert "**above the 0.5-0.8 mmol/L target**" in cards["optimize-switch-augment"]["detail"]


@pytest.mark.parametrize(
    ("name", "last"),
    [
        ("a1_lithium_0_55_then_0_65_same_day_age_51_no_flags", "last level 0.65 on"),
        ("a2_lithium_0_35_then_0_45_same_day_age_51_no_flags", "last level 0.45 on"),
    ],
)
def test_older_lines_are_not_weighed_at_51(name: str, last: str) -> None:
    cards = _cards(name)
    assert LEVEL_NOTE not in _all_text(cards)
    assert last in cards["drug-interaction"]["summary"]


@pytest.mark.parametrize(
    "name",
    [
        "a3_lithium_0_55_then_0_65_same_day_age_79_control",
        "a4_lithium_0_75_then_0_9_same_day_age_51_control",
    ],
)
def test_pairs_across_a_line_of_the_age_still_disagree(name: str) -> None:
    assert LEVEL_NOTE in _all_text(_cards(name))


def test_next_day_pair_names_no_disagreement() -> None:
    assert LEVEL_NOTE not in _all_text(_cards("c3_lithium_0_3_then_0_9_next_day_control"))
