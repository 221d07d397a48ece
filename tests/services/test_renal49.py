"""Session 37 review K55a findings 3 and 5 (fix helper renal49).

- Finding 3: venlafaxine XR 225 mg/day running at eGFR 50 raised no kidney card. The Effexor XR
  label asks for a lower total daily dose in moderate renal impairment (both label versions: by
  25-50 % at CLcr 30-59 in the current one, by 25 % at GFR 10-70 in older ones), but the
  moderate row of services/data/renal_doses.csv was `info` and the running-drug card speaks only
  for warning rows. The row is now a warning (corroborated).
- Finding 5: lithium at eGFR 45 is in its label's caution band (start low, titrate slowly, check
  levels often), yet the optimise card said "running beyond the labelled renal limit" and its
  summary "review lithium (renal limit)". The words now follow the row's `action`
  (RenalRow.kind): a limit (avoid, a maximum), a dose reduction, or a caution.

Controls: eGFR 75 (the mild bands make no card) and eGFR 25 (lithium's avoid band stays a
limit; venlafaxine's severe band keeps its card).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "renal49_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

RENAL = "running-drug-renal"
OPTIMISE = "optimize-switch-augment"
LIMIT = "beyond the labelled renal limit"

# Failing before the fix.
FIXED = {
    "v_venlafaxine225_egfr50": "fixed",
    "l_lithium600_egfr45": "fixed",
    "l_lithium600_level1_3_venlafaxine225_egfr45": "fixed",
}

# Controls: their kidney cards stay as they were.
CONTROLS = {
    "v_venlafaxine225_egfr75": "control",
    "v_venlafaxine225_egfr25": "control",
    "l_lithium600_egfr75": "control",
    "l_lithium600_egfr25": "control",
}


def _renal(cards: dict[str, Any], name: str) -> dict[str, Any]:
    card = cards.get(RENAL)
    assert card is not None and card["indicator"] == "warning", (name, sorted(cards))
    return card


@pytest.mark.parametrize("name", sorted(FIXED | CONTROLS))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_venlafaxine_225_at_egfr_50_is_a_warning() -> None:
    # Before: no kidney card at all; the optimise card proposed adjuncts one click.
    cards = _cards("v_venlafaxine225_egfr50")
    card = _renal(cards, "v_venlafaxine225_egfr50")
    assert card["summary"].startswith("Venlafaxine 225 mg/day running with eGFR 50 on 2026-11-25")
    assert "reduce the daily dose by 25-50 %" in card["summary"]
    assert "Review the dose: the record cannot show whether it is the reduced one" in card["detail"]
    optimise = cards[OPTIMISE]
    assert "review venlafaxine (renal dose-reduction) first" in optimise["summary"]
    assert LIMIT not in optimise["detail"]
    assert "running in a labelled renal dose-reduction band" in optimise["detail"]


def test_lithium_at_egfr_45_is_a_caution_not_a_limit() -> None:
    # Before: "**Lithium 600 mg/day running beyond the labelled renal limit**" and
    # "review lithium (renal limit) first".
    cards = _cards("l_lithium600_egfr45")
    card = _renal(cards, "l_lithium600_egfr45")
    assert "label says start lower, titrate slowly, check levels often" in card["summary"]
    optimise = cards[OPTIMISE]
    assert "review lithium (renal caution) first" in optimise["summary"]
    assert LIMIT not in optimise["detail"]
    assert "**Lithium 600 mg/day running in a labelled renal caution band**" in optimise["detail"]


def test_lithium_and_venlafaxine_at_egfr_45_name_both_kinds() -> None:
    # Before: lithium alone, called "beyond the labelled renal limit" (K55a c06).
    name = "l_lithium600_level1_3_venlafaxine225_egfr45"
    cards = _cards(name)
    card = _renal(cards, name)
    assert card["summary"].startswith(
        "Running at labelled renal dose reductions or cautions with eGFR 45 on 2026-11-25"
    )
    assert "venlafaxine 225 mg/day" in card["summary"] and "lithium 600 mg/day" in card["summary"]
    optimise = cards[OPTIMISE]
    assert LIMIT not in optimise["detail"]
    assert "(renal dose-reduction or caution)" in optimise["summary"]


@pytest.mark.parametrize("name", ["v_venlafaxine225_egfr75", "l_lithium600_egfr75"])
def test_mild_band_stays_quiet(name: str) -> None:
    assert RENAL not in _cards(name)


def test_lithium_below_30_stays_a_limit() -> None:
    cards = _cards("l_lithium600_egfr25")
    card = _renal(cards, "l_lithium600_egfr25")
    assert "not recommended below 30 mL/min" in card["summary"]
    assert f"**Lithium 600 mg/day running {LIMIT}**" in cards[OPTIMISE]["detail"]
    assert "review lithium (renal limit) first" in cards[OPTIMISE]["summary"]


def test_venlafaxine_below_30_keeps_its_card() -> None:
    card = _renal(_cards("v_venlafaxine225_egfr25"), "v_venlafaxine225_egfr25")
    assert card["summary"] == (
        "Venlafaxine 225 mg/day running with eGFR 25 on 2026-11-25: label says reduce the daily "
        "dose by 50 % or more"
    )


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
