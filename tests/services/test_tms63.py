"""Session 41 fix tms63 (recheck K68a findings 6-8 on tms62).

- Finding 7: everyday "paranoid" ("feels paranoid at work", "paranoid about neighbours",
  "paranoid thoughts") gave the psychotic-features headline and held TMS: a psychosis the
  record does not show. "paranoid" / "paranoia" are read only beside a psychotic context word
  ("paranoid, delusional", "paranoia with psychotic features", "psychosis 2015, paranoid");
  "paranoid ideation" alone is not (DSM-5 uses it for non-psychotic, stress-related paranoia).
- Finding 6: "psychotic break 2015 hearing voices" (a symptom after the year),
  "hallucinations in 2025 continuing", "psychotic features 2024 persist" (present words) and
  "brother psychotic, pt now too" (the patient shares it) were read past or the relative's:
  TMS offered. They hold TMS with the headline now.
- Finding 8: "bullet fragments in head, some removed" offered TMS with a screen line: only part
  was removed, so the metal stays held ("all removed" is still screened).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "tms63_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPTIMISE = "optimize-switch-augment"
_PSYCHOTIC = "Psychotic features"
_SCREEN = "TMS safety screen required"

# TMS held with the psychotic-features headline.
PSYCHOTIC_HELD = {
    "e_psychotic_break_2015_hearing_voices": "fixed",
    "e_hallucinations_in_2025_continuing": "fixed",
    "e_psychotic_features_2024_persist": "fixed",
    "e_brother_psychotic_pt_now_too": "fixed",
    "e_paranoid_delusional": "control",
    "e_paranoid_delusions": "control",
    "e_paranoia_with_psychotic_features": "control",
    "e_psychosis_2015_paranoid": "control",
    "e_psychosis_2015_ongoing": "control",
}
# TMS offered, no psychotic headline.
NOT_PSYCHOTIC = {
    "e_feels_paranoid_at_work": "fixed",
    "e_paranoid_about_neighbours": "fixed",
    "e_paranoid_thoughts": "fixed",
    "e_paranoid_ideation": "fixed",
    "e_paranoid_no_delusions": "fixed",
    "e_brother_psychotic": "control",
    "e_hallucinations_2020_resolved": "control",
}
# Metal in the head held: TMS not offered, no suicide-risk card.
METAL_HELD = {
    "h_bullet_fragments_in_head_some_removed": "fixed",
    "h_bullet_fragments_in_head_not_all_removed": "control",
}
# Said removed: TMS offered with the safety-screen line.
SCREENED = {"t_bullet_fragments_in_head_all_removed": "control"}


def _psychotic_headline(cards: dict[str, object]) -> bool:
    optimise = cards.get(_OPTIMISE)
    return isinstance(optimise, dict) and _PSYCHOTIC in optimise.get("detail", "")


@pytest.mark.parametrize("name", sorted(PSYCHOTIC_HELD))
def test_current_or_shared_psychotic_features_hold_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name
    assert _psychotic_headline(cards), name


@pytest.mark.parametrize("name", sorted(NOT_PSYCHOTIC))
def test_everyday_paranoid_past_or_relative_offer_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS in cards, name
    assert not _psychotic_headline(cards), name


@pytest.mark.parametrize("name", sorted(METAL_HELD))
def test_head_metal_partly_removed_holds_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name


@pytest.mark.parametrize("name", sorted(SCREENED))
def test_head_metal_all_removed_is_screened(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS in cards, name
    assert _SCREEN in cards[chart_files.TMS]["detail"], name


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, PSYCHOTIC_HELD, NOT_PSYCHOTIC, METAL_HELD, SCREENED)
