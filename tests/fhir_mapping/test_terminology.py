"""Recognising antidepressants and adjuncts from RxNorm, ATC and names."""

from __future__ import annotations

from typing import Any

import pytest

from fhir_mapping.drug_table import drug_info
from fhir_mapping.record import Role
from fhir_mapping.terminology import Component, parse_product_text, recognise
from tests.fhir_mapping.medication_resources import (
    ATC,
    INGREDIENT_ONLY_MEDICATION,
    RXNORM,
    SERTRALINE_MEDICATION,
    SOLUTION_MEDICATION,
    rxnorm,
)


def summary(components: tuple[Component, ...]) -> list[tuple[str, float | None, bool]]:
    return [(c.ingredient, c.strength_mg, c.per_ml) for c in components]


@pytest.mark.parametrize(
    ("concept", "expected"),
    [
        # SCD code alone: the strength comes from the product table, not from a display.
        (rxnorm("312941"), [("sertraline", 50.0, False)]),
        # Synthea 2025: SCD with a tall-man display.
        (rxnorm("310385", "FLUoxetine 20 MG Oral Capsule"), [("fluoxetine", 20.0, False)]),
        # 312938 is 100 mg in RxNorm and in Synthea's display.
        (rxnorm("312938", "Sertraline 100 MG Oral Tablet"), [("sertraline", 100.0, False)]),
        # Synthea 2019 legacy codes: strength as Synthea's display says.
        (rxnorm("406022", "Fluoxetine 25MG"), [("fluoxetine", 25.0, False)]),
        (rxnorm("328670", "Sertraline 100MG"), [("sertraline", 100.0, False)]),
        # Ingredient (IN) code: the strength is read from the name.
        (rxnorm("36437", "sertraline", "sertraline 100 mg tablet"), [("sertraline", 100.0, False)]),
        (rxnorm("36437", "sertraline"), [("sertraline", None, False)]),
        # Precise ingredient (salt) code.
        (
            rxnorm("476250", "duloxetine hydrochloride", "DULoxetine HCl 60 MG DR Capsule"),
            [("duloxetine", 60.0, False)],
        ),
        # Brand-name (BN) code.
        (rxnorm("82728", "Zoloft", "Zoloft 50 mg tablet"), [("sertraline", 50.0, False)]),
        # Oral solution: mg per mL.
        (rxnorm("310386", "fluoxetine 4 MG/ML Oral Solution"), [("fluoxetine", 4.0, True)]),
        # 24 HR products: the "24" is not the strength.
        (
            rxnorm("993541", "24 HR buPROPion hydrochloride 150 MG Extended Release Oral Tablet"),
            [("bupropion", 150.0, False)],
        ),
        # Combination SCD: one component per ingredient; olanzapine is an adjunct.
        (
            rxnorm("403969", "fluoxetine 25 MG / olanzapine 6 MG Oral Capsule"),
            [("fluoxetine", 25.0, False), ("olanzapine", 6.0, False)],
        ),
        # amitriptyline/perphenazine: both, as fluoxetine/olanzapine (perphenazine is an
        # antipsychotic the antipsychotic checks must see).
        (
            rxnorm("856797", "amitriptyline hydrochloride 25 MG / perphenazine 2 MG Oral Tablet"),
            [("amitriptyline", 25.0, False), ("perphenazine", 2.0, False)],
        ),
        # Auvelity: one drug (NMDA antagonist), dose basis = its bupropion component.
        (
            rxnorm(
                "2611260",
                "bupropion hydrochloride 105 MG / dextromethorphan hydrobromide 45 MG Extended Release Oral Tablet",
            ),
            [("dextromethorphan-bupropion", 105.0, False)],
        ),
        # Transdermal selegiline: 0.25 mg/h for 24 h = 6 mg per patch-day.
        (
            rxnorm("865206", "24 HR selegiline 0.25 MG/HR Transdermal System"),
            [("selegiline", 6.0, False)],
        ),
        # Titration pack: strength unknown.
        (
            rxnorm(
                "1653469",
                "{7 (vilazodone hydrochloride 10 MG Oral Tablet) / 23 (vilazodone hydrochloride 20 MG Oral Tablet) } Pack",
            ),
            [("vilazodone", None, False)],
        ),
        # An RxNorm code we do not know (an SBD) with a recognisable display.
        (
            {
                "coding": [
                    {
                        "system": RXNORM,
                        "code": "352272",
                        "display": "Escitalopram 10 MG Oral Tablet [Lexapro]",
                    }
                ]
            },
            [("escitalopram", 10.0, False)],
        ),
        # ATC coding, strength from the text.
        (
            {
                "coding": [{"system": ATC, "code": "N06AB10", "display": "escitalopram"}],
                "text": "Escitalopram 20mg tab",
            },
            [("escitalopram", 20.0, False)],
        ),
        (
            {"coding": [{"system": ATC, "code": "N05AN01"}], "text": "Lithium 300 mg cap"},
            [("lithium", 300.0, False)],
        ),
    ],
)
def test_codes(concept: dict[str, Any], expected: list[tuple[str, float | None, bool]]) -> None:
    assert summary(recognise(concept)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zoloft 50 mg tab", [("sertraline", 50.0, False)]),
        ("Wellbutrin XL 300 mg tablet", [("bupropion", 300.0, False)]),
        ("Lexapro 10mg", [("escitalopram", 10.0, False)]),
        ("Celexa 20 mg", [("citalopram", 20.0, False)]),
        ("PAXIL CR 25 MG", [("paroxetine", 25.0, False)]),
        ("Effexor XR 75 mg capsule", [("venlafaxine", 75.0, False)]),
        ("Pristiq 50 mg", [("desvenlafaxine", 50.0, False)]),
        ("Cymbalta 60mg", [("duloxetine", 60.0, False)]),
        ("Remeron 15 mg at bedtime", [("mirtazapine", 15.0, False)]),
        ("Trintellix 10 mg", [("vortioxetine", 10.0, False)]),
        ("Desyrel 50 mg", [("trazodone", 50.0, False)]),
        ("Elavil 25 mg", [("amitriptyline", 25.0, False)]),
        ("Pamelor 50 mg capsule", [("nortriptyline", 50.0, False)]),
        ("Abilify 5mg", [("aripiprazole", 5.0, False)]),
        ("Rexulti 1 mg", [("brexpiprazole", 1.0, False)]),
        ("Seroquel XR 150 mg", [("quetiapine", 150.0, False)]),
        ("Lithobid 300 mg ER tablet", [("lithium", 300.0, False)]),
        ("Cytomel 25 mcg", [("liothyronine", 0.025, False)]),
        ("Spravato 28 mg nasal spray", [("esketamine", 28.0, False)]),
        ("Emsam 6 mg/24 hr transdermal patch", [("selegiline", 6.0, False)]),
        # Tall-man letters and salts.
        ("traZODone HCl 50 MG Oral Tablet", [("trazodone", 50.0, False)]),
        ("escitalopram oxalate 10 MG Oral Tablet", [("escitalopram", 10.0, False)]),
        ("desvenlafaxine succinate ER 100 mg", [("desvenlafaxine", 100.0, False)]),
        ("QUEtiapine [Seroquel] 25 mg", [("quetiapine", 25.0, False)]),
        ("lithium carbonate 300 MG Oral Capsule", [("lithium", 300.0, False)]),
        ("sertraline 20 mg/mL oral concentrate", [("sertraline", 20.0, True)]),
        ("fluoxetine 20 mg/5 mL oral solution", [("fluoxetine", 4.0, True)]),
        ("50 mg sertraline tablet", [("sertraline", 50.0, False)]),
        # Combination in text, either order; ambiguous strengths stay unknown.
        (
            "OLANZapine 6 MG / FLUoxetine 25 MG Oral Capsule",
            [("olanzapine", 6.0, False), ("fluoxetine", 25.0, False)],
        ),
        (
            "fluoxetine/olanzapine 25/6 mg",
            [("fluoxetine", None, False), ("olanzapine", None, False)],
        ),
        ("Symbyax 6-25 capsule", [("fluoxetine", None, False), ("olanzapine", None, False)]),
        ("Auvelity ER tablet", [("dextromethorphan-bupropion", None, False)]),
        ("dextromethorphan-bupropion 45-105 mg", [("dextromethorphan-bupropion", None, False)]),
    ],
)
def test_text(text: str, expected: list[tuple[str, float | None, bool]]) -> None:
    assert summary(recognise({"text": text})) == expected


@pytest.mark.parametrize(
    "concept",
    [
        {"text": "doxepin 5% cream"},
        {"text": "amitriptyline 2% / ketamine 0.5% topical cream"},
        {"text": "Lithium orotate 5 mg"},
        # Not on this pathway (lisinopril is read now: it raises lithium levels).
        rxnorm("308136", "amLODIPine 2.5 MG Oral Tablet"),
        {"text": "atorvastatin 20 mg"},
        {"coding": [{"system": ATC, "code": "C10AA05"}]},
        {"coding": [{"system": "http://snomed.info/sct", "code": "372594008"}]},  # no text
        {},
    ],
)
def test_not_recognised(concept: dict[str, Any]) -> None:
    assert recognise(concept) == ()


@pytest.mark.parametrize(
    "concept",
    [
        {"text": "selegiline 5 mg tablet"},  # MAO-B dose for Parkinson disease
        rxnorm("859193", "selegiline hydrochloride 5 MG Oral Tablet"),  # excluded SCD
        rxnorm("9639", "selegiline", "selegiline 5 mg capsule"),  # IN code, oral form
    ],
)
def test_oral_selegiline_is_read_as_an_mao_b_inhibitor_not_an_antidepressant(
    concept: dict[str, Any],
) -> None:
    """Selegiline is an antidepressant only as the transdermal system; by mouth (Parkinson
    doses) it is still an MAOI for interactions: read as "oral selegiline", an interacting row
    (antidepressants.csv without_form_read_as), never as a selegiline trial."""
    (component,) = recognise(concept)
    assert component.ingredient == "oral selegiline"
    info = drug_info("oral selegiline")
    assert info is not None and info.role is Role.INTERACTING


def test_none_and_garbage_are_not_recognised() -> None:
    assert recognise(None) == ()
    assert recognise({"coding": "not a list", "text": 5}) == ()
    assert recognise({"coding": [None, {"system": RXNORM}]}) == ()
    assert parse_product_text("") == ()


def test_medication_with_code() -> None:
    assert summary(recognise(None, SERTRALINE_MEDICATION)) == [("sertraline", 50.0, False)]


def test_medication_with_ingredient_and_strength_only() -> None:
    assert summary(recognise(None, INGREDIENT_ONLY_MEDICATION)) == [("sertraline", 50.0, False)]


def test_medication_strength_per_ml_from_ratio() -> None:
    assert summary(recognise(None, SOLUTION_MEDICATION)) == [("fluoxetine", 4.0, True)]


def test_concept_wins_over_medication() -> None:
    concept = rxnorm("310385", "FLUoxetine 20 MG Oral Capsule")
    assert summary(recognise(concept, SERTRALINE_MEDICATION)) == [("fluoxetine", 20.0, False)]


def test_display_is_carried() -> None:
    (component,) = recognise(rxnorm("312941"))
    assert component.display == "sertraline 50 MG Oral Tablet"
