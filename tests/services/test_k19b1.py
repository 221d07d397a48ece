"""Recheck K19b s29 (fix k19b1): four findings of the recheck of labs31 and k18a.

1. UNSAFE: nortriptyline 75 mg/day, level 600 ng/mL on 2026-11-25 (toxic), lowered to 50 mg/day
   on 2026-11-27, no level since: a draft to 150 or back to 75 mg/day got NO order card (the
   order check read tca_level.high_levels, which drops a level a lower dose acted on). Now
   critical at or above the dose the level was drawn on, a warning for a raise below it
   (order_checks/tca_level_lowered.py); the lowered dose itself says nothing.
2. UNSAFE-ish: a woman of 56 with a beta-hCG of 5200 mIU/mL lost every pregnancy card (k18a
   dropped every hCG past age 55): now only a result below the positive cut-off (25 mIU/mL) is
   dropped; a higher one is asked by its value, as a man's is (services/pregnancy_now.py).
3. UNSAFE-ish: a normal eGFR of 2025-03-10 hid the creatinine-flagged-high card of 2026: an eGFR
   drawn before the creatinine, or not recent, is no current reading
   (rules/kidney_flag_level_drug.py).
4. WRONG: flags "1.6H", "1.6 High", "H 1.6", "0.3 N" beside a text value were not read, so the
   value was not either (fhir_mapping/lab_text.py).

Charts: tests/services/k19b1_charts/ (all 19 prefetch keys): K19b's probes (scratch-K19b) and
variants.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.lab_text import text_flag, value_from_text
from tests.services import chart_files
from tests.services.helpers import Evaluator, of_topic

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "k19b1_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_late = Evaluator(date(2026, 12, 1))
LEVEL = "order-drug-level-high"
LOWERED = (
    "Nortriptyline raised: latest level 600 ng/mL on 2026-11-25 was toxic at 75 mg/day; no level "
    "since: no raise to that dose until a new level"
)


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- 1: a raise back toward the dose that produced a toxic level ----------------------------------


@pytest.mark.parametrize(
    ("name", "indicator"),
    [
        ("a1_level600_lowered50_then_draft150", "critical"),
        ("a1b_level600_lowered50_then_draft75", "critical"),  # back to the dose of the level
        ("a2_level600_lowered50_then_draft60", "warning"),  # above the lowered dose, below 75
    ],
)
def test_a_raise_after_a_lowered_toxic_level_is_carded(name: str, indicator: str) -> None:
    (card,) = of_topic(_late.cards(_chart(name)), LEVEL)
    assert (card["indicator"], card["summary"]) == (indicator, LOWERED)
    assert "no level has been drawn since" in card["detail"]


def test_the_lowered_dose_itself_says_nothing() -> None:
    assert not of_topic(_late.cards(_chart("a3_level600_lowered50_then_draft50")), LEVEL)


# --- 2: an hCG at or above the positive cut-off past the pregnancy age ----------------------------


def _hcg_words(name: str) -> str:
    cards = _late.cards(_chart(name))
    return "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in cards)


def test_a_high_hcg_at_56_is_asked_by_its_value() -> None:
    said = _hcg_words("h10_female_age56_bhcg5200")
    assert "**hCG 5200 mIU/mL on 2026-11-25 (past the pregnancy age" in said
    assert "confirm whether she can be pregnant" in said
    assert "positive pregnancy test" not in said


# --- 3: an old eGFR is no current reading beside a new creatinine flagged high --------------------


@pytest.mark.parametrize(
    "name", ["r10_creat250H_old_egfr92_2025", "r12_creat250H_egfr92_week_before"]
)
def test_an_egfr_older_than_the_creatinine_keeps_the_card(name: str) -> None:
    (card,) = of_topic(_late.cards(_chart(name)), "running-drug-renal")
    assert card["summary"].startswith("Kidney function abnormal (creatinine 250 umol/L flagged")
    assert "is older than this creatinine" in card["detail"]


def test_an_egfr_after_the_creatinine_places_the_band() -> None:
    assert not of_topic(_late.cards(_chart("r11_creat250H_egfr92_after_it")), "running-drug-renal")


# --- 4: a flag beside a text value ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "flag", "value"),
    [
        ("1.6H", "H", 1.6),
        ("1.6 High", "H", 1.6),
        ("H 1.6", "H", 1.6),
        ("0.3 N", "N", 0.3),
        ("Normal 0.6 mmol/L", "N", 0.6),
        ("1.6 LOW", "L", 1.6),
        ("1.6 mmol/L", None, 1.6),  # the L of the unit is no flag
    ],
)
def test_a_flag_beside_the_value_is_read(text: str, flag: str | None, value: float) -> None:
    assert text_flag(text) == flag
    read = value_from_text("lithium", text)
    assert read is not None and read[0] == value


@pytest.mark.parametrize("text", ["1.6 Hx", "N/A 1.6", "1.6 mmol/LH", "high, 1.6"])
def test_other_words_are_not_read(text: str) -> None:
    assert value_from_text("lithium", text) is None


@pytest.mark.parametrize(
    "name", ["l02_lithium_1_6H_nospace", "l03_lithium_1_6_High", "l04_lithium_H_1_6"]
)
def test_a_flagged_toxic_lithium_text_is_carded(name: str) -> None:
    cards = _late.cards(_chart(name))
    assert any(
        c["indicator"] == "critical"
        and c["summary"].startswith(
            "Lithium 1.6 (no unit sent, read as mmol/L) on 2026-11-25 (at or above 1.5"
        )
        for c in cards
    )


def test_a_normal_flagged_lithium_text_is_read() -> None:
    said = _hcg_words("l07_lithium_0_3_N")
    assert re.search(
        r"raise lithium toward 0\.5-0\.8 mmol/L first \(level 0\.3 on 2026-11-25\)", said
    )
