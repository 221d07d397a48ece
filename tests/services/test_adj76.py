"""Session 43 review K73a findings 1, 2, 6, 8, 9 (fix adj76): antipsychotic adjunct proposals.

- Finding 1 (UNSAFE): an aripiprazole allergy whose reaction is "neuroleptic malignant syndrome"
  held back aripiprazole alone; brexpiprazole (and olanzapine on the psychotic path) stayed one
  click and NMS was not named. NMS recorded on an antipsychotic (class_effects.csv NMS rows, "NMS"
  too) is now NMS on record: every antipsychotic text only, left to psychiatry, the card naming
  "neuroleptic malignant syndrome (aripiprazole allergy, 2025-03-01)".
- Finding 2 (UNSAFE): NMS coded as a Condition (ICD-10-CM G21.0, SNOMED CT 15244003) was not read;
  it is now a finding kept when resolved (condition_codes.csv), with the same hold.
- Finding 6 (WRONG): a class allergy in code.text only ("Antipsychotics", "Antipsychotic Agents",
  "Neuroleptics", "Dopamine antagonists") held nothing; they are allergy_classes.csv words now.
- Finding 8 (WRONG): in pregnancy the summary named "aripiprazole or brexpiprazole" while the
  detail held both back; the summary names only what the detail offers.
- Finding 9 (WRONG): a 4-week aripiprazole course of 2023 was not named when aripiprazole was
  proposed again; it is named on the augment line.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import drug_orders

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "adj76_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPTIMISE = "optimize-switch-augment"
_ANTIPSYCHOTICS = ("aripiprazole", "brexpiprazole", "cariprazine", "olanzapine", "quetiapine")

# No antipsychotic one click, NMS named (value: words the detail must hold).
NMS = {
    "n_aripiprazole_allergy_NMS": "neuroleptic malignant syndrome (aripiprazole allergy, 2025-03-01)",
    "n_haloperidol_allergy_NMS_abbreviation": "neuroleptic malignant syndrome (haloperidol allergy",
    "n_condition_G21_0": "Neuroleptic malignant syndrome (ICD-10-CM G21.0)",
    "n_condition_G21_0_resolved_2019": "Neuroleptic malignant syndrome (ICD-10-CM G21.0)",
    "p_psychotic_aripiprazole_allergy_NMS": "neuroleptic malignant syndrome (aripiprazole allergy",
}
# A class allergen in text only: no antipsychotic one click, none named in the summary.
CLASS = {
    "c_Antipsychotics": "fixed",
    "c_ANTIPSYCHOTICS": "fixed",
    "c_Anti-psychotics": "fixed",
    "c_Antipsychotic_Agents": "fixed",
    "c_Neuroleptics": "fixed",
    "c_Dopamine_antagonists": "fixed",
    "c_Atypical_antipsychotics": "control (held before the fix)",
}
# The summary names no adjunct the detail holds back (finding 8).
SUMMARY = {"s_pregnant": "fixed"}
# Finding 9: the earlier course named on the augment line (value: the words).
EARLIER = {
    "e_aripiprazole_2023_4_weeks": "aripiprazole 2-10 mg/day (earlier course: aripiprazole 5 mg/day "
    "2023-02 to 2023-03, 4 weeks: not an adequate trial (too short))",
}
# Controls: the one-click adjuncts as before the fix (value: the drugs ordered one click).
CONTROLS = {
    "k_no_allergy": "aripiprazole brexpiprazole",
    "k_aripiprazole_allergy_rash": "brexpiprazole",
    "k_aripiprazole_allergy_nausea_no_NMS": "brexpiprazole",
    "k_Miscellaneous_antidepressants": "aripiprazole brexpiprazole",
    "e_aripiprazole_failed_13_weeks": "brexpiprazole",
}


def _optimise(name: str) -> dict[str, Any]:
    card: dict[str, Any] = _cards(name)[_OPTIMISE]
    return card


def _antipsychotic_orders(card: dict[str, Any]) -> list[str]:
    return [o for o in drug_orders(card) if any(d in o.lower() for d in _ANTIPSYCHOTICS)]


@pytest.mark.parametrize("name", sorted(NMS))
def test_nms_holds_every_antipsychotic_and_is_named(name: str) -> None:
    card = _optimise(name)
    assert _antipsychotic_orders(card) == [], (name, drug_orders(card))
    assert NMS[name] in card["detail"], name
    assert "aripiprazole" not in card["summary"] and "brexpiprazole" not in card["summary"]


@pytest.mark.parametrize("name", sorted(CLASS))
def test_class_allergen_holds_the_antipsychotics(name: str) -> None:
    card = _optimise(name)
    assert _antipsychotic_orders(card) == [], (name, drug_orders(card))
    assert "aripiprazole" not in card["summary"], card["summary"]
    assert "could not place" not in card["detail"], name


@pytest.mark.parametrize("name", sorted(SUMMARY))
def test_summary_names_only_what_the_detail_offers(name: str) -> None:
    card = _optimise(name)
    assert "aripiprazole" not in card["summary"], card["summary"]
    assert "brexpiprazole" not in card["summary"], card["summary"]
    assert _antipsychotic_orders(card) == []


@pytest.mark.parametrize("name", sorted(EARLIER))
def test_earlier_adjunct_course_named(name: str) -> None:
    card = _optimise(name)
    assert EARLIER[name] in card["detail"]
    assert any("aripiprazole" in o for o in drug_orders(card))


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_controls_keep_their_one_click_adjuncts(name: str) -> None:
    card = _optimise(name)
    ordered = sorted(
        d for d in _ANTIPSYCHOTICS if any(f"adjunctive {d}" in o for o in drug_orders(card))
    )
    assert ordered == CONTROLS[name].split(), (name, drug_orders(card))
    assert "neuroleptic malignant" not in card["detail"].lower()


@pytest.mark.parametrize(
    "name", sorted(set(NMS) | set(CLASS) | set(SUMMARY) | set(EARLIER) | set(CONTROLS))
)
def test_no_suicide_risk_card(name: str) -> None:
    assert chart_files.RISK not in _cards(name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, NMS, CLASS, SUMMARY, EARLIER, CONTROLS)
