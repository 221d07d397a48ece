"""Session 41 fix psy62 (tms61 / lai63 leftovers).

1. NOISE (TMS lost, wrong headline): an active problem-list Condition, text only, "Hx psychosis
   2015, resolved", "History of psychosis, resolved", "psychotic episode 2012, in remission" or
   "h/o psychotic depression 2018, none since" read as current psychotic features: the optimise
   card's antipsychotic headline and TMS held. Past or resolved words are read now for every
   psychotic term, as on a visit's reason (psychotic_current.stated_not_current,
   data/psychotic_over_after.csv). Controls, still held with the headline: "Psychosis",
   "psychotic depression, current episode", "psychosis, r/o", "MDD with psychotic features, in
   partial remission".
2. WRONG: a long-acting injection known only from an order and its fill was read with the first
   data/injection_intervals.csv row its dose reached (Aristada 882 mg with Abilify Maintena's:
   31 + 14 days, tail 93), not its own (42 + 14, tail 70; 1064 mg: 61 + 14, tail 110): the product
   the order names is read now (ordered_injection_tail.py). Aristada 882 mg filled 130 days before
   as-of is gone (no stacking card on a quetiapine draft); Aristada 1064 mg filled 155 days
   before still acts (stacking card). Controls: Aristada 882 mg 100 days on still acts; an
   unnamed aripiprazole 400 mg injection is read with the Maintena row, as before.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "psy62_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_lai = Evaluator(date(2025, 6, 1))
_load = chart_files.loader(_FOLDER)
_OPTIMISE = "optimize-switch-augment"
_PSYCHOTIC = "Psychotic features"
_STILL = "Quetiapine: aripiprazole injection still acting: confirm whether injections continue"

TMS_OFFERED = {
    "t_Hx_psychosis_2015_resolved": "fixed",
    "t_History_of_psychosis_resolved": "fixed",
    "t_psychotic_episode_2012_in_remission": "fixed",
    "t_h_o_psychotic_depression_2018_none_since": "fixed",
}
HELD = {
    "h_Psychosis": "control",
    "h_psychotic_depression_current_episode": "control",
    "h_psychosis_r_o": "control",
    "h_MDD_with_psychotic_features_in_partial_remission": "control",
}
STACKING = {
    "a_aristada_1064_filled_155_days_ago_sign_quetiapine": "fixed: still acting (no card before)",
    "c_aristada_882_filled_100_days_ago_sign_quetiapine": "control: still acting",
    "c_unnamed_aripiprazole_400_filled_130_days_ago_sign_quetiapine": "control: Maintena row",
}
GONE = {"a_aristada_882_filled_130_days_ago_sign_quetiapine": "fixed: its own tail has ended"}


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, TMS_OFFERED, HELD, STACKING, GONE)


@pytest.mark.parametrize("name", sorted(TMS_OFFERED))
def test_past_or_resolved_psychosis_offers_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS in cards, name
    assert chart_files.RISK not in cards, name
    assert _PSYCHOTIC not in cards.get(_OPTIMISE, {}).get("detail", ""), name


@pytest.mark.parametrize("name", sorted(HELD))
def test_current_or_suspected_psychosis_still_holds(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name
    assert _PSYCHOTIC in cards[_OPTIMISE]["detail"], name


def _summaries(name: str) -> list[str]:
    cards: list[dict[str, Any]] = _lai.cards(_load(name))
    return [c["summary"] for c in cards]


@pytest.mark.parametrize("name", sorted(STACKING))
def test_an_ordered_injection_still_acting_by_its_own_row(name: str) -> None:
    assert _STILL in _summaries(name), name


def test_aristada_882_past_its_own_tail_gives_no_stacking_card() -> None:
    assert not [s for s in _summaries(*GONE) if s.startswith("Quetiapine")]


def test_the_tail_is_counted_from_the_product_row() -> None:
    # Aristada 1064 mg: cover 61 + 14 days from 2024-12-28, capped at the fill's 56-day supply.
    cards: list[dict[str, Any]] = _lai.cards(
        _load("a_aristada_1064_filled_155_days_ago_sign_quetiapine")
    )
    detail = next(c["detail"] for c in cards if c["summary"] == _STILL)
    assert "last injection 2024-12-28 (cover to 2025-02-22): still acting" in detail
