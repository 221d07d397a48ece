"""Fix lai61 (review K63b finding 4): a long-acting injectable antipsychotic given on the MAR runs
between injections.

- UNSAFE: Abilify Maintena 400 mg IM charted only as a MedicationAdministration 22 days before
  as-of (no order) was a one-day ward course that had ended: aripiprazole read "Adjuncts already
  used" and brexpiprazole was one click (two antipsychotics). Now an injection counts as running
  for its interval plus a grace (fhir_mapping/injection_courses.py, data/injection_intervals.csv);
  the same for Aristada, Invega Sustenna / Trinza and haloperidol decanoate (dose_basis.csv
  rows added for paliperidone palmitate and haloperidol decanoate).
- WRONG: the same injection ordered every 4 weeks read "aripiprazole 14.29 mg/day"; now "400 mg
  every 4 weeks (long-acting injection)" (services/trial_dose_text.injection_dose).

Charts (tests/services/lai61_charts/, Epic-shaped: medicationReference with its Medication
included, SNOMED + Epic route codes), from tests/fixtures/patients/one_failed_trial, as of
2025-06-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "lai61_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2025, 6, 1))

# Antipsychotic one-clicks offered before the fix beside a running long-acting injectable.
FIXED = {
    "a_maintena_400_given_22_days_ago": "fixed",
    "a_maintena_400_last_given_33_days_ago": "fixed",
    "a_aristada_882_given_40_days_ago": "fixed",
    "a_invega_sustenna_234_given_20_days_ago": "fixed",
    "a_invega_trinza_819_given_60_days_ago": "fixed",
    "a_haloperidol_decanoate_100_given_20_days_ago": "fixed",
    "a_maintena_400_order_every_4_weeks": "fixed (wording)",
}
# As before: an injection long past its cover, one refused, a one-time agitation dose.
CONTROLS = {
    "c_maintena_400_given_5_months_ago": "control",
    "c_maintena_400_refused_22_days_ago": "control",
    "c_invega_sustenna_234_given_60_days_ago": "control",
    "c_olanzapine_10_im_once_20_days_ago": "control",
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


@pytest.mark.parametrize("name", sorted(FIXED))
def test_no_second_antipsychotic_beside_a_running_injection(name: str) -> None:
    assert _antipsychotic_clicks(_cards(name)) == []


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("a_maintena_400_last_given_33_days_ago", "aripiprazole 400 mg per injection"),
        ("a_invega_trinza_819_given_60_days_ago", "paliperidone 819 mg per injection"),
        ("a_maintena_400_order_every_4_weeks", "aripiprazole 400 mg every 4 weeks"),
    ],
)
def test_the_running_injection_is_named_per_injection(name: str, said: str) -> None:
    detail = _details(_cards(name))
    assert f"An antipsychotic is already running ({said} (long-acting injection))" in detail
    assert "14.29 mg/day" not in detail


# Invega Sustenna given 60 days before (cover 45 days) is within its tail since fix lai62
# (half-life weeks: still acting), so its antipsychotic adjuncts are text only: test_lai62.py.
_IN_TAIL = {"c_invega_sustenna_234_given_60_days_ago"}


@pytest.mark.parametrize("name", sorted(set(CONTROLS) - _IN_TAIL))
def test_controls_still_offer_an_antipsychotic_adjunct(name: str) -> None:
    assert "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)" in (
        _antipsychotic_clicks(_cards(name))
    )
    assert "An antipsychotic is already running" not in _details(_cards(name))


def test_sustenna_past_its_cover_is_still_acting_since_lai62() -> None:
    cards = _cards("c_invega_sustenna_234_given_60_days_ago")
    assert _antipsychotic_clicks(cards) == []
    assert "still acting for weeks after a missed dose" in _details(cards)
