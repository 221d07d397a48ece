"""Review s26 RG (pregnancy and the order hooks): the findings fixed here.

- Finding 1 (UNSAFE): divalproex 500 mg twice daily drafted in a first-trimester pregnancy got no
  card on either order hook: no drug table read valproate (a text-only draft was no drug at all)
  and condition_drug_rules.csv had no valproate row. Valproate is now read by name, brand and
  RxNorm 11118 (fhir_mapping/data/other_psychotropics.csv), and valproate and carbamazepine carry
  a pregnancy "never" row: a warning on the order, its risk in the summary.
- Finding 2: lithium in pregnancy read "see the caveat"; the summary now states the risk (the
  row's short_note).
- Finding 3: zuranolone drafted for a major depression with nothing postpartum on record got no
  card; an information card now says it is labelled for postpartum depression only.
- Finding 4: a QTc of exactly 480 ms with citalopram 40 mg/day was information "above 450 ms";
  the 480 ms line itself is now the warning band (lab_safety.csv `at_line`).

Charts: tests/services/s26_pregnancy_orders_charts/ (the reviewer's Epic-shaped requests, every
prefetch key; a 44-year-old woman with recurrent MDD, sertraline failed, venlafaxine running).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_load = chart_files.loader(Path(__file__).parent / "s26_pregnancy_orders_charts")
_at = Evaluator(as_of=date(2026, 12, 1))
CONTRAINDICATED = "order-drug-contraindicated"
CAUTION = "order-drug-caution"


def _drafted(doc: Doc, concept: Doc) -> Doc:
    """The chart with its one draft's medication replaced by `concept`."""
    doc["context"]["draftOrders"]["entry"][0]["resource"]["medicationCodeableConcept"] = concept
    return doc


def _topic(cards: list[Doc], topic: str) -> list[Doc]:
    return [c for c in cards if c["source"]["topic"]["code"] == topic]


# --- finding 1: valproate and carbamazepine drafted in pregnancy ----------------------------------


@pytest.mark.parametrize("hook", ["select", "sign"])
def test_divalproex_in_first_trimester_is_a_warning_on_both_hooks(hook: str) -> None:
    cards = _at.cards(_load(f"pregnant_t1_divalproex_drafted_{hook}"))
    [card] = _topic(cards, CONTRAINDICATED)
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Valproate: neural tube defects, other malformations and lower IQ after exposure in "
        "pregnancy: only if no other medicine works"
    )
    assert "Pregnant state, incidental (ICD-10-CM Z33.1)" in card["detail"]
    assert "FDA 2013; valproate boxed warning" in card["source"]["label"]


@pytest.mark.parametrize(
    "concept",
    [
        {"text": "divalproex sodium DR 500 mg tablet"},
        {"text": "Depakote ER 500 MG 24HR tablet"},
        {"text": "valproic acid 250 MG Oral Capsule"},
        {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "11118"}]},
    ],
    ids=["divalproex-text", "depakote-brand", "valproic-acid", "rxnorm-11118"],
)
def test_every_valproate_naming_is_read(concept: Doc) -> None:
    doc = _drafted(_load("pregnant_t1_divalproex_drafted_select"), concept)
    [card] = _topic(_at.cards(doc), CONTRAINDICATED)
    assert card["summary"].startswith("Valproate: neural tube defects")


@pytest.mark.parametrize("text", ["carbamazepine 200 MG Oral Tablet", "Tegretol 200 mg tablet"])
def test_carbamazepine_in_pregnancy_is_a_warning(text: str) -> None:
    # Carbamazepine is read on any draft (the drug table's CYP3A4 inducer row); with no pregnancy
    # row it passed in silence beside venlafaxine, which it is not read with.
    doc = _drafted(_load("pregnant_t1_divalproex_drafted_select"), {"text": text})
    [card] = _topic(_at.cards(doc), CONTRAINDICATED)
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Carbamazepine: spina bifida and other malformations")


def test_divalproex_without_pregnancy_gets_no_pregnancy_card() -> None:
    """No pregnancy row without a pregnancy; since s26 RK1 finding 3 the childbearing-age
    warning instead (a woman of 44 could become pregnant: test_childbearing_teratogen_orders)."""
    doc = _drafted(
        _load("not_pregnant_lithium_drafted_select"),
        {"text": "divalproex sodium 500 MG Delayed Release Oral Tablet"},
    )
    cards = _at.cards(doc)
    assert not _topic(cards, CONTRAINDICATED)
    assert not any("perinatal psychiatry" in c["detail"] for c in cards)  # the pregnancy row
    [card] = _topic(cards, CAUTION)
    assert card["summary"].startswith("Valproate in a female patient aged 44: fetal risk")


# --- finding 2: the lithium caveat states its risk ----------------------------------------------


def test_lithium_in_pregnancy_summary_states_the_risk() -> None:
    cards = _at.cards(_load("pregnant_t1_lithium_drafted_select"))
    [card] = [c for c in cards if c["summary"].startswith("Lithium: ")]
    assert card["summary"] == (
        "Lithium: cardiac malformation risk in pregnancy (dose-related): decide with perinatal "
        "psychiatry, monitor levels (Patorno 2017 NEJM; label)"
    )
    assert "see the caveat" not in card["summary"]
    assert len(card["summary"]) <= 140


# --- finding 3: zuranolone outside postpartum depression ----------------------------------------


def test_zuranolone_for_mdd_with_nothing_postpartum_is_named_as_off_label() -> None:
    cards = _at.cards(_load("mdd_no_postpartum_zuranolone_drafted_select"))
    [card] = _topic(cards, CAUTION)
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Zuranolone: labelled for postpartum depression only: no postpartum depression on record "
        "(ZURZUVAE label 1)"
    )
    assert "complete response letter, 2023-08-04" in card["detail"]


def test_zuranolone_with_postpartum_depression_coded_gets_no_label_card() -> None:
    cards = _at.cards(_load("ppd_lactating_zuranolone_drafted_select"))
    assert not any("labelled for postpartum" in c["summary"] for c in cards)
    # Its lactation caveat is unchanged.
    assert any(c["summary"].startswith("Zuranolone: while breastfeeding") for c in cards)


# --- finding 4: QTc at the 480 ms line ----------------------------------------------------------


def test_citalopram_40_with_qtc_exactly_480_is_a_warning() -> None:
    cards = _at.cards(_load("citalopram40_drafted_qtc480_select"))
    [card] = [c for c in cards if "QTc 480 ms" in c["summary"]]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Citalopram 40 mg/day with QTc 480 ms on 2026-11-20: at the 480 ms line, close to the "
        "500 ms line where the label says to stop it"
    )


def test_qtc_479_stays_information() -> None:
    doc = _load("citalopram40_drafted_qtc480_select")
    for resource in chart_files.prefetch_resources(doc):
        quantity = resource.get("valueQuantity")
        if resource.get("resourceType") == "Observation" and quantity and quantity["value"] == 480:
            quantity["value"] = 479
    [card] = [c for c in _at.cards(doc) if "QTc 479 ms" in c["summary"]]
    assert card["indicator"] == "info"
    assert card["summary"].endswith("above 450 ms")
