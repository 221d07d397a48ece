"""Fix 19a, finding 2: a drug read from a record whose code and name disagree "may be running".

An active order coded escitalopram (RxNorm 321988, or an SCD of it) and named "phenelzine 15 mg
tablet" is to confirm (fhir_mapping/product_conflict.py): both drugs are taken now for every
safety check. At a serotonergic draft the MAOI card said "Sertraline ordered while phenelzine
(MAOI) is running" as a fact; the record does not show it. The one rule
(services/taken_to_confirm.py), for the MAOI order check, the MAOI combination card and the
interaction table: such a drug "may be running", the card carries the drug-to-confirm line, its
indicator is what either drug would raise, and its two readings are one record, never a pair.

Charts: tests/services/running_to_confirm_charts/ (Epic / US Core shaped requests, every
prefetch key): rc01-rc03 order-select (the ingredient code; venlafaxine drafted; the mirror,
coded phenelzine and named escitalopram), rc04-rc05 patient-view (the record alone; beside a
running sertraline), rc06 an interaction-table pair (coded escitalopram, named fluvoxamine;
tizanidine drafted).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]
# The order to confirm, named by its day as the data-not-read list names it (session 21 F4).
RECORD = "the order of 2025-01-06"
RECORD_ID = "9a397a85-8a38-559f-ba82-3cb5ff4fc8f8"
MAOI_ORDER = "order-maoi-interaction"
COMBINATION = "maoi-combination"
OPTIMISE = "optimize-switch-augment"

_chart = chart_files.loader(Path(__file__).parent / "running_to_confirm_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


def _topic(card: Doc) -> str:
    code: str = card["source"]["topic"]["code"]
    return code


def _confirm_line(code: str, name: str) -> str:
    return (
        f"**Drug to confirm:** {RECORD}, coded and named as different drugs (code: {code}; "
        f"name: {name}): confirm which the patient takes; checked as either drug."
    )


@pytest.mark.parametrize(
    ("name", "drafted", "code", "named"),
    [
        (
            "rc01_code_esc_ingredient_name_phenelzine_draft_sertraline",
            "Sertraline",
            "escitalopram",
            "phenelzine 15 mg tablet",
        ),
        (
            "rc02_code_esc_name_phenelzine_draft_venlafaxine",
            "Venlafaxine",
            "escitalopram 10 MG Oral Tablet",
            "phenelzine 15 mg tablet",
        ),
        (
            "rc03_code_phenelzine_name_esc_draft_sertraline",
            "Sertraline",
            "phenelzine 15 MG Oral Tablet",
            "escitalopram 10 mg tablet",
        ),
    ],
)
def test_maoi_order_card_says_may_be_running_and_stays_critical(
    name: str, drafted: str, code: str, named: str
) -> None:
    cards = _cards(_chart(name))
    critical = [c for c in cards if c["indicator"] == "critical"]
    assert len(critical) == 1, [c["summary"] for c in cards]
    (card,) = critical
    assert _topic(card) == MAOI_ORDER
    assert card["summary"] == (
        f"{drafted} ordered while phenelzine (MAOI) may be running: serotonin syndrome risk; "
        "14 days off phenelzine first"
    )
    assert card["detail"].startswith(_confirm_line(code, named))
    assert f"phenelzine may be running ({RECORD})" in card["detail"]
    assert not any("is running" in c["summary"] + c["detail"] for c in cards)


def test_a_record_that_says_the_drug_for_certain_still_says_is_running() -> None:
    # Phenelzine also on an order of its own, coded and named alike, whose dates cannot be read:
    # that record shows it is taken, whatever the record to confirm adds.
    doc = _chart("rc01_code_esc_ingredient_name_phenelzine_draft_sertraline")
    orders = doc["prefetch"]["medicationRequests"]["entry"]
    entry = copy.deepcopy(next(e for e in orders if e["resource"]["id"] == RECORD_ID))
    order = entry["resource"]
    order["id"] = "f19a0000-0000-5000-8000-00000000a001"
    entry["fullUrl"] = f"https://ehr.example.org/fhir/R4/MedicationRequest/{order['id']}"
    order["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "312347",
                "display": "phenelzine 15 MG Oral Tablet",
            }
        ],
        "text": "phenelzine 15 mg tablet",
    }
    del order["authoredOn"]  # an active order with no usable date: taken now, no trial
    orders.append(entry)
    (card,) = [c for c in _cards(doc) if c["indicator"] == "critical"]
    assert "phenelzine (MAOI) is running" in card["summary"], card["summary"]
    assert "may be running" not in card["detail"]


def test_patient_view_does_not_pair_the_record_with_itself() -> None:
    # Before: "Phenelzine (MAOI) and escitalopram both running: ...; stop one", of one order.
    cards = _cards(_chart("rc04_code_esc_name_phenelzine_patient_view"))
    assert COMBINATION not in [_topic(c) for c in cards]
    assert not any("both running" in c["summary"] for c in cards)
    optimise = next(c for c in cards if _topic(c) == OPTIMISE)
    assert (
        "**Washout (MAOI):** phenelzine (an MAOI) may be running: at least 14 days"
        in (optimise["detail"])
    )
    assert "(drug to confirm: its code and its name give different drugs)" in optimise["detail"]


def test_patient_view_pair_beside_a_running_drug_is_critical_and_may_be_running() -> None:
    cards = _cards(_chart("rc05_code_esc_name_phenelzine_sertraline_running_patient_view"))
    (card,) = [c for c in cards if _topic(c) == COMBINATION]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Phenelzine (MAOI) may be running with sertraline: serotonin syndrome or hypertensive "
        "crisis risk; confirm the drug, stop one"
    )
    detail = card["detail"]
    assert detail.startswith(
        _confirm_line("escitalopram 10 MG Oral Tablet", "phenelzine 15 mg tablet")
    )
    assert "**Phenelzine with sertraline:** phenelzine (MAOI) possibly running" in detail
    assert "sertraline (serotonergic) running since 2025-05-05" in detail
    assert "Phenelzine with escitalopram" not in detail


def test_interaction_card_says_may_be_running_and_stays_critical() -> None:
    cards = _cards(_chart("rc06_code_esc_name_fluvoxamine_draft_tizanidine"))
    (card,) = [c for c in cards if _topic(c) == "order-drug-interaction"]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Tizanidine ordered while fluvoxamine may be running: ")
    assert card["detail"].startswith(
        _confirm_line("escitalopram 10 MG Oral Tablet", "fluvoxamine 100 mg tablet")
    )
    assert (
        f"fluvoxamine dose not read, may be running, start not recorded ({RECORD})"
        in (card["detail"])
    )
    assert "running start not recorded" not in card["detail"]
