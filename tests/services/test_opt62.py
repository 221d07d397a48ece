"""Session 40 opt62: review K63b findings 6 and 7 (optimise card text beside a card that rules
against the running drug).

- Finding 6 (WRONG): the summary or "Dose first" text said to raise a drug another card rules
  against while its one-click was held: "then raise bupropion from 300 toward 450 mg/day" beside
  epilepsy or anorexia, "then raise duloxetine from 60 toward 120" beside cirrhosis, "raise lithium
  toward 0.5-0.8 mmol/L first" at eGFR 25, "Raise it first if tolerated: to 30 mg/day" for
  paroxetine beside tamoxifen. It now says "No raise: ... review whether it continues"
  (rules/optimize/ruled_against.py).
- Finding 7 (WRONG): at eGFR 25 the switch list kept duloxetine ("labelled renal limits:
  duloxetine: avoid") and the second line kept lithium ("not recommended"); both are now left
  out with a "not listed" line, as duloxetine is beside cirrhosis (renal_doses.left_out).
Controls: bupropion 300 with no seizure risk keeps its raise; eGFR 45 keeps duloxetine listed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "opt62_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2025, 6, 1))
_OPTIMISE = "optimize-switch-augment"

# Failing before the fix: the running drug, as the card names it.
FIXED = {
    "bupropion300_epilepsy": "bupropion",
    "bupropion300_anorexia": "bupropion",
    "duloxetine60_cirrhosis": "duloxetine",
    "paroxetine20_tamoxifen": "paroxetine",
    "sertraline_lithium_egfr25_level04": "lithium",
    "sertraline_egfr25": "renal lists",
}

CONTROLS = {
    "control_bupropion300": "bupropion",
    "control_duloxetine60": "duloxetine",
    "control_sertraline_egfr45": "renal lists",
}

_RAISE_DRUGS = sorted(k for k, v in FIXED.items() if v != "renal lists")


def _optimise(name: str) -> dict[str, Any]:
    card = _cards(name).get(_OPTIMISE)
    assert card is not None, name
    found: dict[str, Any] = card
    return found


def _section(detail: str, head: str) -> str:
    return next(s for s in detail.split("\n\n") if s.startswith(head))


@pytest.mark.parametrize("name", _RAISE_DRUGS)
def test_no_raise_text_beside_a_card_that_rules_against_the_drug(name: str) -> None:
    card = _optimise(name)
    drug = FIXED[name]
    said = f"{card['summary']}\n{card['detail']}".lower()
    assert f"raise {drug}" not in said, card["summary"]
    assert "raise it first" not in said
    assert "no raise" in said
    assert not any(s["label"].startswith(f"Raise {drug}") for s in card.get("suggestions", []))


@pytest.mark.parametrize("name", ["bupropion300_epilepsy", "duloxetine60_cirrhosis"])
def test_summary_leads_with_the_switch(name: str) -> None:
    summary = _optimise(name)["summary"]
    assert "switch to a non-" in summary and f"review {FIXED[name]}" in summary, summary


def test_renal_avoid_band_leaves_the_drug_out_of_the_lists() -> None:
    detail = _optimise("sertraline_egfr25")["detail"]
    switch = _section(detail, "**Switch:**")
    options = switch.split("duloxetine not listed:")[0]
    assert "duloxetine" not in options
    assert "duloxetine not listed: avoid it below 30 mL/min" in switch
    assert "desvenlafaxine: at most 25 mg/day" in switch  # a limit, not an avoid: still listed
    augment = _section(detail, "**Augment:**")
    assert "lithium (serum" not in augment and "lithium: not recommended" not in augment
    assert "lithium not listed: not recommended in severe renal impairment" in augment


def test_control_bupropion_without_seizure_risk_keeps_its_raise() -> None:
    card = _optimise("control_bupropion300")
    assert "raise bupropion from 300 toward 450 mg/day first" in card["summary"]
    assert "Raise it first if tolerated" in card["detail"]


def test_control_duloxetine_without_liver_disease_keeps_its_raise() -> None:
    assert "raise duloxetine from 60 toward 120" in _optimise("control_duloxetine60")["summary"]


def test_control_egfr45_keeps_duloxetine_and_lithium_listed() -> None:
    detail = _optimise("control_sertraline_egfr45")["detail"]
    switch = _section(detail, "**Switch:**")
    assert "duloxetine," in switch and "not listed" not in switch
    assert "Kidney function: eGFR 45" in switch
    assert "lithium (serum 0.5-0.8 mmol/L)" in _section(detail, "**Augment:**")


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
