"""Session 40 review K63b findings 3 and 8 (fix rx60), on Epic / Oracle Health-shaped variants of
tests/fixtures/patients/one_failed_trial.request.json (sertraline 150 mg/day since 2025-02-24) as
of 2025-06-01.

- Finding 3 (UNSAFE): an active AllergyIntolerance to the SSRI class (SNOMED display "Selective
  serotonin reuptake inhibitor", or text "SSRIs"), criticality high, angioedema, recorded
  2023-05-01, gave no running-drug-allergy card and a one-click "Raise sertraline to 200 mg/day",
  where the same entry coded as sertraline gave the warning and held the raise. A class entry now
  counts for each running drug of its class (services/running_reactions.py), the class named as
  written; an undated one is critical as a drug-coded one is; at order-sign a sertraline draft
  gets the class card as a warning ("check before continuing it"), as the coded entry does.
- Finding 8 (WRONG): breastfeeding on record (LOINC 63895-7 = LA29252-6, or Z39.1) left the
  aripiprazole / brexpiprazole adjuncts one click beside their LactMed caveat ("an alternate drug
  may be preferred"); now named but not one click, as in pregnancy
  (services/data/condition_drug_rules.csv `not-one-click` lactation rows).
- Controls: the sertraline-coded entry unchanged; a low-criticality "SSRI - nausea" intolerance
  behaves as the sertraline-coded one (no card, raise one click); an SSRI entry inactive, refuted
  or entered in error, and an SNRI or MAOI class entry, hold nothing; "not breastfeeding" leaves
  the adjuncts one click.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "rx60_charts"
_AS_OF = date(2025, 6, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)

OPTIMISE = "optimize-switch-augment"
RUNNING = "running-drug-allergy"
ADJUNCTS = ["aripiprazole", "brexpiprazole"]
ALL_ORDERS = ["sertraline", *ADJUNCTS]

# chart -> (running-drug-allergy indicator, the class as the card names it): failing before.
CLASS_RUNNING = {
    "u1_ssri_class_snomed_angioedema_high_sertraline_running": (
        "warning",
        "Selective serotonin reuptake inhibitor",
    ),
    "u2_ssris_text_angioedema_high_sertraline_running": ("warning", "SSRIs"),
    "u3_ssris_text_undated_angioedema_sertraline_running": ("critical", "SSRIs"),
}
LACTATION = {
    "u4_breastfeeding_loinc_adjuncts": "Currently breastfeeding",
    "u5_lactating_z39_1_adjuncts": "Z39.1",
}
ORDER_SIGN = {
    "o1_ssris_text_angioedema_draft_sertraline_200": "fixed",
    "o2_sertraline_coded_angioedema_draft_sertraline_200": "control",
}
# chart -> the one-click drug orders (unchanged by the fix).
QUIET = {
    "c2_ssri_nausea_low_intolerance": ALL_ORDERS,
    "c3_sertraline_coded_nausea_low_intolerance": ALL_ORDERS,
    "c4_ssris_inactive": ALL_ORDERS,
    "c5_ssris_refuted": ALL_ORDERS,
    "c6_ssris_entered_in_error": ALL_ORDERS,
    "c7_snri_class_high": ALL_ORDERS,
    "c8_maois_class_high": ALL_ORDERS,
    "c9_not_breastfeeding_loinc": ALL_ORDERS,
}
CONTROLS = {"c1_sertraline_coded_angioedema_high": "control", **dict.fromkeys(QUIET, "control")}


def _ordered(card: dict[str, Any]) -> list[str]:
    """The drugs the card's one-click suggestions order (their medicationCodeableConcept.text)."""
    return [
        a["resource"]["medicationCodeableConcept"]["text"]
        for s in card.get("suggestions", [])
        for a in s.get("actions", [])
        if (a.get("resource") or {}).get("resourceType") == "MedicationRequest"
    ]


@pytest.mark.parametrize("name", sorted(CLASS_RUNNING))
def test_class_entry_names_the_running_member_and_holds_the_raise(name: str) -> None:
    indicator, allergen = CLASS_RUNNING[name]
    cards = _cards(name)
    card = cards[RUNNING]
    assert card["indicator"] == indicator, card["summary"]
    assert card["summary"].startswith("Sertraline 150 mg/day running: angioedema"), card
    assert f"allergy to the class '{allergen}', severe" in card["detail"]
    optimise = cards[OPTIMISE]
    assert _ordered(optimise) == ADJUNCTS
    assert "raise sertraline" not in optimise["summary"]


def test_class_hold_names_the_class() -> None:
    detail = _cards("u2_ssris_text_angioedema_high_sertraline_running")[OPTIMISE]["detail"]
    assert "A reaction to its class is on record (SSRIs (documented allergy: angioedema" in detail


def test_sertraline_coded_entry_unchanged() -> None:
    cards = _cards("c1_sertraline_coded_angioedema_high")
    assert cards[RUNNING]["indicator"] == "warning"
    assert "(allergy, severe; AllergyIntolerance/" in cards[RUNNING]["detail"]
    assert _ordered(cards[OPTIMISE]) == ADJUNCTS


@pytest.mark.parametrize("name", sorted(QUIET))
def test_controls_hold_nothing(name: str) -> None:
    cards = _cards(name)
    assert RUNNING not in cards
    assert _ordered(cards[OPTIMISE]) == QUIET[name]


@pytest.mark.parametrize("name", sorted(LACTATION))
def test_breastfeeding_keeps_antipsychotic_adjuncts_from_one_click(name: str) -> None:
    card = _cards(name)[OPTIMISE]
    assert _ordered(card) == ["sertraline"]
    for drug in ADJUNCTS:
        assert (
            f"{drug}: named here, not offered as a ready-to-accept order: while breastfeeding"
            in (card["detail"])
        )
    assert LACTATION[name] in card["detail"]


def _order_sign(name: str) -> list[dict[str, Any]]:
    doc = chart_files.loader(_FOLDER)(name)
    chart_files.check_chart(doc)
    return Evaluator(_AS_OF).cards(doc)


@pytest.mark.parametrize("name", sorted(ORDER_SIGN))
def test_order_sign_continuing_sertraline_is_a_warning(name: str) -> None:
    cards = _order_sign(name)
    assert [c["indicator"] for c in cards] == ["warning"], [c["summary"] for c in cards]
    assert cards[0]["summary"].endswith("check before continuing it"), cards[0]["summary"]
    assert "A course since 2025-02-24 runs now, 97 days so far" in cards[0]["detail"]


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(
        _FOLDER,
        dict.fromkeys(CLASS_RUNNING, "fixed"),
        dict.fromkeys(LACTATION, "fixed"),
        ORDER_SIGN,
        CONTROLS,
    )
