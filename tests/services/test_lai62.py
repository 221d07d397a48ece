"""Fix lai62 (lai61's leftover): a long-acting injectable antipsychotic past its cover still acts.

- UNSAFE: Abilify Maintena 400 mg given on the MAR 52 days before as-of (cover 45 days) read as
  stopped: "Adjuncts already used: aripiprazole" and brexpiprazole in one click, with no word of
  the missed injection or of the drug still in the body (half-life weeks: a second antipsychotic
  started now overlaps). Now, within the row's `tail_days` after the cover
  (fhir_mapping/data/injection_intervals.csv, injection_tail.py), the antipsychotic adjuncts are
  text only and the augment paragraph says "last injection DATE (cover to DATE): still acting for
  weeks after a missed dose: confirm whether injections continue before adding another
  antipsychotic". Beyond the tail, as before.

Charts (tests/services/lai62_charts/): lai61's Epic-shaped Maintena chart with the injection's
day moved, as of 2025-06-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "lai62_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2025, 6, 1))

# An antipsychotic one-click offered before the fix beside an injection still acting.
FIXED = {
    "a_maintena_400_given_52_days_ago": "fixed",
    "a_maintena_400_given_70_days_ago": "fixed",
}
# As before: long past its tail (one click as today), within its cover (running, lai61).
CONTROLS = {
    "c_maintena_400_given_5_months_ago": "control",
    "c_maintena_400_given_22_days_ago": "control",
}


def test_the_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def _antipsychotic_clicks(cards: dict[str, Any]) -> list[str]:
    return [
        s["label"]
        for card in cards.values()
        for s in card.get("suggestions", [])
        if "adjunctive aripiprazole" in s["label"] or "adjunctive brexpiprazole" in s["label"]
    ]


def _details(cards: dict[str, Any]) -> str:
    return "\n".join(card.get("detail", "") for card in cards.values())


@pytest.mark.parametrize(
    ("name", "given", "cover"),
    [
        ("a_maintena_400_given_52_days_ago", "2025-04-10", "2025-05-24"),
        ("a_maintena_400_given_70_days_ago", "2025-03-23", "2025-05-06"),
    ],
)
def test_an_injection_past_its_cover_holds_a_second_antipsychotic(
    name: str, given: str, cover: str
) -> None:
    cards = _cards(name)
    assert _antipsychotic_clicks(cards) == []
    assert (
        f"last injection {given} (cover to {cover}): still acting for weeks after a missed dose: "
        "confirm whether injections continue before adding another antipsychotic"
    ) in _details(cards)


def test_beyond_the_tail_the_adjunct_is_one_click_as_before() -> None:
    cards = _cards("c_maintena_400_given_5_months_ago")
    assert "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)" in (
        _antipsychotic_clicks(cards)
    )
    assert "still acting for weeks" not in _details(cards)


def test_within_the_cover_it_is_running_as_lai61_reads_it() -> None:
    cards = _cards("c_maintena_400_given_22_days_ago")
    assert _antipsychotic_clicks(cards) == []
    assert "still acting for weeks" not in _details(cards)
