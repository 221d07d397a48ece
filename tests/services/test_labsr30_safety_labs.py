"""Review s29 RL findings 1-3 on RL's charts (labsr30_charts: patient-view requests with all 19
prefetch keys, as of 2026-12-01): drug-safety labs as vendors send them.

1. A preliminary lithium, QTc, sodium, nortriptyline level or eGFR was dropped in silence (only
   the diagnosis review's tests were read before final): now read, and said "(preliminary)".
2. A value sent as text (valueString "126", "1.6 mmol/L", "<0.2", "512", "25 mL/min/1.73m2") was
   not read: read with a unit its lab_ranges.csv row knows, or bare where the row names one
   customary unit and the number is in its plausible range. What stays unread (an ECG's QTc in
   its sentence, a nortriptyline "600" with no unit) is named on the data-quality card, never only
   on an info card, and no dose raise is offered while the drug's latest level is not read.
3. A lithium or nortriptyline level under a local code with only a display is named "under a code
   this service does not know".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.data_quality_card import TOPIC as DATA_QUALITY
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_load = chart_files.loader(Path(__file__).parent / "labsr30_charts")
_at = Evaluator(date(2026, 12, 1))
OPTIMISE = "optimize-switch-augment"


def _cards(name: str) -> list[Doc]:
    cards: list[Doc] = _at.cards(_load(name))
    return cards


def _summaries(cards: list[Doc]) -> list[str]:
    return [c["summary"] for c in cards]


def _card(cards: list[Doc], start: str) -> Doc:
    found = [c for c in cards if c["summary"].startswith(start)]
    assert found, f"no card starting {start!r} in {_summaries(cards)}"
    return found[0]


def _topic(cards: list[Doc], topic: str) -> Doc:
    (card,) = [c for c in cards if c["source"]["topic"]["code"] == topic]
    return card


# --- 1. preliminary safety labs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "start", "indicator", "shown"),
    [
        (
            "li06_prelim_1_9_HH",
            "Lithium 1.9 mmol/L on 2026-11-25 (preliminary)",
            "critical",
            "**Lithium level 1.9 mmol/L on 2026-11-25 (preliminary)**",
        ),
        (
            "q08_prelim_512",
            "QTc 512 ms on 2026-11-25 (preliminary) with citalopram running",
            "warning",
            "**QTc 512 ms on 2026-11-25 (preliminary)**",
        ),
        (
            "s05_prelim_122_LL",
            # Below 125 mmol/L: the profound tier's summary (session 29 sodium31).
            "Sodium 122 on 2026-11-25 (preliminary): profound hyponatraemia on venlafaxine",
            # The lab's LL (critical low) flag keeps its critical weight (branch labsw30), and
            # 122 is below the profound line too.
            "critical",
            "**Sodium 122 mmol/L on 2026-11-25 (preliminary)**",
        ),
        (
            "n04_prelim_600_HH",
            "Nortriptyline level 600 ng/mL on 2026-11-25 (preliminary)",
            "critical",
            "**Nortriptyline level 600 ng/mL on 2026-11-25 (preliminary)**",
        ),
        (
            "r03_egfr_prelim_25",
            "Running at labelled renal limits or dose reductions with eGFR 25 on 2026-11-25",
            "warning",
            "eGFR 25 mL/min/1.73 m2 on 2026-11-25 (preliminary)",
        ),
    ],
)
def test_a_preliminary_safety_lab_raises_its_card_and_says_preliminary(
    name: str, start: str, indicator: str, shown: str
) -> None:
    card = _card(_cards(name), start)
    assert card["indicator"] == indicator
    assert shown in card["detail"]


# --- 2. values sent as text ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "start", "indicator"),
    [
        ("s03_string_126", "Sodium 126 on 2026-11-25 with venlafaxine", "warning"),
        ("s12_string_126_mmol", "Sodium 126 mmol/L on 2026-11-25 with venlafaxine", "warning"),
        ("q16_string_512_no_unit", "QTc 512 (no unit sent, read as ms) on 2026-11-25", "warning"),
        (
            "li02_valuestring_1_6",
            "Lithium 1.6 (no unit sent, read as mmol/L) on 2026-11-25 (at or above 1.5",
            "critical",
        ),
        ("li03_valuestring_1_6_mmol", "Lithium 1.6 mmol/L on 2026-11-25 (at or above", "critical"),
        ("n03_string_600_ngml", "Nortriptyline level 600 ng/mL on 2026-11-25: above", "critical"),
        (
            "r06_egfr_text_25_unit",
            "Running at labelled renal limits or dose reductions with eGFR 25",
            "warning",
        ),
    ],
)
def test_a_value_sent_as_text_with_a_known_unit_or_bare_in_range_is_read(
    name: str, start: str, indicator: str
) -> None:
    assert _card(_cards(name), start)["indicator"] == indicator


def test_a_lithium_below_the_assay_limit_sent_as_text_is_read_as_a_bound() -> None:
    cards = _cards("li05_lt_0_2_string")
    assert (
        "last level < 0.2 (no unit sent, read as mmol/L) on 2026-11-25, below the 0.5-0.8 mmol/L target"
        in "".join(c["detail"] for c in cards)
    )
    assert not any("no lithium level" in s for s in _summaries(cards))


@pytest.mark.parametrize("name", ["q13_ecg_8601_7_text", "q11_ecg_comp_no_code_display_only"])
def test_an_ecg_whose_qtc_is_not_read_is_named_beside_citalopram(name: str) -> None:
    card = _topic(_cards(name), DATA_QUALITY)
    assert card["indicator"] == "warning"
    assert (
        "ECG whose QTc is in its text or under a code this service does not know"
        in (card["detail"])
    )


def test_a_level_not_read_is_named_off_the_info_cards_and_holds_the_raise() -> None:
    cards = _cards("n02_string_600")
    quality = _topic(cards, DATA_QUALITY)
    assert quality["indicator"] == "warning"
    assert "nortriptyline level result that is missing or not a number" in quality["detail"]
    assert not any("raise nortriptyline" in s for s in _summaries(cards))
    optimise = _topic(cards, OPTIMISE)
    assert "Its latest level (on 2026-11-25) could not be read" in optimise["detail"]
    assert not any(s["label"].startswith("Raise nortriptyline") for s in optimise["suggestions"])


# --- 3. levels under a local code with a display only ----------------------------------------


@pytest.mark.parametrize(
    ("name", "test"),
    [("li09_display_only_oracle", "lithium level"), ("n07_local_code", "nortriptyline level")],
)
def test_a_level_under_a_local_code_is_named(name: str, test: str) -> None:
    cards = _cards(name)
    # On the data-quality card, or on a warning card that lists it (labs70: the lithium
    # monitoring card names the level under a local code and is a warning, so it carries the
    # gap and the data-quality card is not needed for it).
    listed = [c for c in cards if c["indicator"] != "info" and "Data not read" in c["detail"]]
    assert any(
        f"named {test} under a code this service does not know" in c["detail"] for c in listed
    )
    assert not any("raise nortriptyline" in s for s in _summaries(cards))


def test_the_charts_carry_every_prefetch_key() -> None:
    for path in sorted((Path(__file__).parent / "labsr30_charts").glob("*.json")):
        chart_files.check_chart(_load(path.stem))
