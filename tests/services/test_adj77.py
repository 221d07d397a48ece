"""Session 43 review K73a findings 3, 4, 5, 7 (fix adj77): proposals beside dementia, Parkinson's
disease, a coded long QT syndrome and diabetes.

- Finding 3 (UNSAFE): dementia on record (F03.90, SNOMED 52448006) left aripiprazole,
  brexpiprazole (and olanzapine on the psychotic path) one click with nothing said. Now text only,
  naming the boxed warning, Beers 2023 and the condition with its date
  (data/condition_drug_rules.csv), at any age (age 46 too: the safer reading, as the
  anticholinergic dementia rows); an antipsychotic drafted gets the drug-disease warning.
- Finding 5 (UNSAFE): Parkinson's disease (G20.x, SNOMED 49049000) the same, for every
  antipsychotic but quetiapine and clozapine (Beers 2023); G21 secondary parkinsonism is not it.
- Finding 4 (UNSAFE): I45.81 / SNOMED 9651007 was read nowhere, so "Raise escitalopram to 20
  mg/day" stayed one click. Now a long-qt finding: the raise is held by the running-drug caution
  (data/drug_cautions.csv), and citalopram and escitalopram leave the switch list.
- Finding 7 (WRONG): olanzapine proposed beside diabetes said nothing while the order check warns
  on it. The card now names diabetes and the metabolic risk; the one click stays
  (rules/metabolic_line.py says why).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import labels

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "adj77_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPTIMISE = "optimize-switch-augment"
_DRUG_DISEASE = "order-drug-disease"

HELD = {
    "v_dementia_age72": "boxed warning",
    "v_dementia_age46": "boxed warning",
    "p_dementia_age76": "boxed warning",
    "v_parkinson": "AGS Beers 2023 says avoid antipsychotics in Parkinson disease",
    "v_parkinson_snomed_only": "AGS Beers 2023 says avoid antipsychotics in Parkinson disease",
    "p_parkinson": "AGS Beers 2023 says avoid antipsychotics in Parkinson disease",
}
LONG_QT = {"e_long_qt_I45_81": "fixed", "e_long_qt_snomed_only": "fixed"}
ORDERS = {
    "o_dementia_aripiprazole_select": "Aripiprazole ordered with dementia on record",
    "o_parkinson_aripiprazole_select": "Aripiprazole ordered with Parkinson's disease on record",
}
OTHER = {"v_long_qt_switch_list": "fixed", "p_diabetes": "fixed"}
CONTROLS = {
    "v_base_control": "control",
    "p_psychosis_control": "control",
    "v_parkinsonism_secondary_control": "control",
    "v_long_qt_venlafaxine_control": "control",
    "e_qtc475_control": "control",
    "o_aripiprazole_select_control": "control",
}


def _optimise(name: str) -> dict[str, Any]:
    found: dict[str, Any] = _cards(name)[_OPTIMISE]
    return found


def _one_clicks(card: dict[str, Any]) -> list[str]:
    return [s["label"] for s in card.get("suggestions", []) if s.get("actions")]


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, HELD, LONG_QT, ORDERS, OTHER, CONTROLS)


@pytest.mark.parametrize("name", sorted(HELD))
def test_antipsychotic_not_one_click(name: str) -> None:
    card = _optimise(name)
    drugs = ("aripiprazole", "brexpiprazole", "olanzapine", "risperidone", "cariprazine")
    assert not [x for x in _one_clicks(card) if any(d in x.lower() for d in drugs)]
    assert HELD[name] in card["detail"]
    assert "since 2024-01-10" in card["detail"]  # the condition with its date


@pytest.mark.parametrize("name", sorted(LONG_QT))
def test_long_qt_holds_the_escitalopram_raise(name: str) -> None:
    cards = _cards(name)
    assert not [x for x in _one_clicks(cards[_OPTIMISE]) if "escitalopram" in x.lower()]
    assert "Long QT syndrome on record rules against escitalopram" in cards[_OPTIMISE]["detail"]


def test_long_qt_leaves_citalopram_off_the_switch_list() -> None:
    detail = _optimise("v_long_qt_switch_list")["detail"]
    switch = next(line for line in detail.splitlines() if line.startswith("**Switch:**"))
    options = switch.split("citalopram not listed")[0]
    assert "escitalopram" not in options and "citalopram," not in options
    assert "citalopram not listed" in switch and "escitalopram not listed" in switch


@pytest.mark.parametrize("name", sorted(ORDERS))
def test_antipsychotic_draft_warned(name: str) -> None:
    card = _cards(name)[_DRUG_DISEASE]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(ORDERS[name])


def test_diabetes_named_beside_olanzapine() -> None:
    card = _optimise("p_diabetes")
    assert any("olanzapine" in x.lower() for x in _one_clicks(card))  # stays: see metabolic_line
    assert "**Diabetes on record** (Type 2 diabetes mellitus" in card["detail"]


@pytest.mark.parametrize(
    ("name", "drug"),
    [
        ("v_base_control", "aripiprazole"),
        ("v_parkinsonism_secondary_control", "aripiprazole"),
        ("v_long_qt_venlafaxine_control", "aripiprazole"),
        ("e_qtc475_control", "aripiprazole"),
        ("p_psychosis_control", "olanzapine"),
    ],
)
def test_controls_keep_their_one_clicks(name: str, drug: str) -> None:
    card = _optimise(name)
    assert any(drug in x.lower() for x in _one_clicks(card)), labels(card)
    assert "Diabetes on record" not in card["detail"]
    assert "boxed warning: increased mortality" not in card["detail"]


def test_qtc475_still_holds_the_raise() -> None:
    card = _optimise("e_qtc475_control")
    assert not [x for x in _one_clicks(card) if "escitalopram" in x.lower()]


def test_order_control_has_no_drug_disease_card() -> None:
    assert _DRUG_DISEASE not in _cards("o_aripiprazole_select_control")
