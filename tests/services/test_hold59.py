"""Session 40 review K63b findings 1, 2 and 5 (fix hold59), on Epic-shaped variants of
tests/fixtures/patients/one_failed_trial.request.json (sertraline 150 mg/day) as of 2025-06-01.

- Findings 1-2 (UNSAFE): linezolid or IV methylene blue beside sertraline, or phenelzine beside
  it, made the critical MAOI-combination card while the optimise card offered "Raise sertraline
  to 200 mg/day", the aripiprazole / brexpiprazole adjuncts, or "Raise phenelzine to 45 mg/day"
  (below range) as one click. While the critical card shows they are text, under a line saying
  "held: settle the MAOI combination first" (services/rules/maoi_combination_hold.py).
- Finding 5 (UNSAFE): a QTc of 510 ms under an Epic local code (data-quality card: "named QTc
  under a code this service does not know") left "Raise citalopram to 40 mg/day" one click; the
  raise of a QT-lengthening drug is held while the QTc is not read
  (services/rules/unread_qtc_hold.py).
- Controls: a warfarin card holds the sertraline raise as before, adjuncts one click; a QTc
  8636-3 of 450 ms at 45 leaves the citalopram raise one click; linezolid stopped 30 days ago
  (past its washout) makes no card and holds nothing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "hold59_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2025, 6, 1))

OPTIMISE = "optimize-switch-augment"
MAOI = "maoi-combination"
MAOI_HELD = "held: settle the MAOI combination first"
QTC_HELD = "Not one click while a QTc result is not read"

# chart -> the optimise card's summary fragment; every drug order held (failing before).
MAOI_CHARTS = {
    "u1_linezolid_beside_sertraline": "raise held (settle the MAOI combination first)",
    "u2_methylene_blue_beside_sertraline": "raise held (settle the MAOI combination first)",
    "u3_phenelzine_15_below_range_beside_sertraline": (
        "Phenelzine 15 mg/day is below the adequate range (45-90): raise held (settle the MAOI "
        "combination first)"
    ),
    "u4_phenelzine_45_beside_sertraline_adjuncts": "settle the MAOI combination before augmenting",
}
# chart -> the one-click drug orders left (failing before: the citalopram raise was one of them).
QTC_CHARTS = {
    "u5_qtc_epic_local_code_citalopram": ["aripiprazole", "brexpiprazole"],
    "u6_qtc_interval_epic_local_code_citalopram": ["aripiprazole", "brexpiprazole"],
}
CONTROLS = {
    "c1_warfarin_beside_sertraline": "control",
    "c2_qtc_8636_3_450_citalopram": "control",
    "c3_linezolid_stopped_30_days_ago_sertraline": "control",
}


def _ordered(card: dict[str, Any]) -> list[str]:
    """The drugs the card's one-click suggestions order (their medicationCodeableConcept.text)."""
    return [
        a["resource"]["medicationCodeableConcept"]["text"]
        for s in card.get("suggestions", [])
        for a in s.get("actions", [])
        if (a.get("resource") or {}).get("resourceType") == "MedicationRequest"
    ]


@pytest.mark.parametrize("name", sorted(MAOI_CHARTS))
def test_critical_maoi_card_holds_every_drug_order(name: str) -> None:
    cards = _cards(name)
    assert cards[MAOI]["indicator"] == "critical"
    card = cards[OPTIMISE]
    assert _ordered(card) == [], (name, _ordered(card))
    assert MAOI_CHARTS[name] in card["summary"], card["summary"]
    assert MAOI_HELD in card["detail"]


@pytest.mark.parametrize("name", sorted(QTC_CHARTS))
def test_unread_qtc_holds_the_qt_drug_raise(name: str) -> None:
    cards = _cards(name)
    assert "named QTc under a code this service does not know" in cards["data-quality"]["detail"]
    card = cards[OPTIMISE]
    assert _ordered(card) == QTC_CHARTS[name]
    assert "citalopram raise held (QTc result not read" in card["summary"]
    assert f"**{QTC_HELD}:** Raise citalopram to 40 mg/day" in card["detail"]


def test_warfarin_hold_unchanged() -> None:
    card = _cards("c1_warfarin_beside_sertraline")[OPTIMISE]
    assert "raise held (settle the interaction first)" in card["summary"]
    assert _ordered(card) == ["aripiprazole", "brexpiprazole"]
    assert "MAOI" not in card["detail"]


def test_readable_qtc_450_leaves_the_raise() -> None:
    cards = _cards("c2_qtc_8636_3_450_citalopram")
    assert "running-drug-qtc" not in cards
    assert _ordered(cards[OPTIMISE]) == ["citalopram", "aripiprazole", "brexpiprazole"]
    assert QTC_HELD not in cards[OPTIMISE]["detail"]


def test_linezolid_past_its_washout_holds_nothing() -> None:
    cards = _cards("c3_linezolid_stopped_30_days_ago_sertraline")
    assert MAOI not in cards
    assert _ordered(cards[OPTIMISE]) == ["sertraline", "aripiprazole", "brexpiprazole"]


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(
        _FOLDER, dict.fromkeys(MAOI_CHARTS, "fixed"), dict.fromkeys(QTC_CHARTS, "fixed"), CONTROLS
    )
