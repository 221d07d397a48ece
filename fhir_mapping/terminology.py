"""Recognise antidepressants and augmentation agents in FHIR medication codes and names.

Order of evidence (REFERENCE §0.8; issue 3 "Medications"):

1. RxNorm codings at any level (system http://www.nlm.nih.gov/research/umls/rxnorm, or any name
   code_systems.py knows for it, such as urn:oid:2.16.840.1.113883.6.88): clinical
   drugs and packs with their strength (data/rxnorm_products.csv, built from the VSAC
   antidepressant value sets plus Synthea's legacy codes 406022 "Fluoxetine 25MG" and 328670
   "Sertraline 100MG"), ingredient and precise-ingredient (salt) codes, and brand-name codes
   (data/brand_names.csv).
2. ATC codings (http://www.whocc.no/atc) of the drug tables (N06A* and the adjuncts' codes).
3. The text and displays, normalised: case (tall-man letters such as "FLUoxetine"), salts (the
   ingredient name is found on its own, so "hydrochloride", "HCl", "oxalate" need no list),
   brand names ("Zoloft", "sertraline 50 MG Oral Tablet [Zoloft]") and the strength that follows
   each ingredient ("fluoxetine 25 MG / olanzapine 6 MG": one component per ingredient).

A code-level match decides on its own: a clinical drug the table marks `excluded` (oral
selegiline, Parkinson disease doses) is not read again from its name. Non-systemic forms
(creams, ...) and supplements (lithium orotate) are never recognised (data/text_exclusions.csv).
Unknown drugs give an empty tuple cheaply: most medications in a chart are not psychiatric.

Where each part lives: the tables (products, brands, ATC codes, names, exclusions, combinations,
required forms) drug_vocabulary.py; reading a product name or free text, and `Component`,
product_text.py; reading a CodeableConcept (codes first, then its text), `names_a_drug` and the
memo by content, drug_concept.py. Here: `recognise`, the entry point, and the Medication resource
(its code, else its ingredients with their Ratio strengths).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.dose import unit_factor
from fhir_mapping.drug_concept import NDC as NDC

# The `name as name` imports are re-exports, so no importer changed with the split: Component,
# concept_reading, names_a_drug, unread_reason, NDC and parse_product_text are public (medications.py,
# medication_drug.py, medication_supply.py and the tests import them here), and the tests of the
# issue-14 memo (test_first_sight_shortcuts, test_hot_path) reach `_read_concept`, `_from_concept`
# and `_recognised` through this module.
from fhir_mapping.drug_concept import _from_concept as _from_concept
from fhir_mapping.drug_concept import _read_concept as _read_concept
from fhir_mapping.drug_concept import _recognised as _recognised
from fhir_mapping.drug_concept import concept_reading as concept_reading
from fhir_mapping.drug_concept import names_a_drug as names_a_drug
from fhir_mapping.drug_concept import unread_reason as unread_reason
from fhir_mapping.fhir_fields import JSON_OBJECT, array
from fhir_mapping.product_text import Component as Component
from fhir_mapping.product_text import parse_product_text as parse_product_text


def _ratio_strength(ratio: object) -> tuple[float | None, bool]:
    """mg per unit (or per mL) from Medication.ingredient.strength, a Ratio such as
    50 mg / 1 tablet or 20 mg / 5 mL."""
    if not isinstance(ratio, Mapping):
        return None, False
    numerator, denominator = ratio.get("numerator"), ratio.get("denominator")
    if not isinstance(numerator, Mapping):
        return None, False
    value = numerator.get("value")
    mass = unit_factor(numerator.get("unit"), numerator.get("code"))
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or mass is None
        or mass[0] != "mass"
    ):
        return None, False
    mg = float(value) * mass[1]
    if not isinstance(denominator, Mapping):
        return None, False
    per = denominator.get("value", 1)
    if isinstance(per, bool) or not isinstance(per, int | float) or per <= 0:
        return None, False
    if denominator.get("unit") is None and denominator.get("code") is None:
        return mg / per, False
    kind = unit_factor(denominator.get("unit"), denominator.get("code"))
    if kind is None:
        return None, False
    if kind[0] == "count":
        return mg / per, False
    if kind[0] == "volume":
        return mg / (per * kind[1]), True
    if kind[0] == "time":
        # A rate (6 mg / 24 h: an Oracle-style transdermal selegiline): mg per day, the strength
        # of one patch worn a day, as rxnorm_products.csv writes the Emsam SCDs (rate x 24).
        # Review K38b finding 3: a strength per hours was read as no strength.
        return mg / (per * kind[1]), False
    return None, False


def _from_medication(medication: Mapping[str, Any]) -> tuple[Component, ...]:
    code = medication.get("code")
    from_code = _from_concept(code) if isinstance(code, Mapping) else ()
    from_ingredients: dict[str, Component] = {}
    for ingredient in array(medication.get("ingredient")):
        if not isinstance(ingredient, Mapping) or not isinstance(
            ingredient.get("itemCodeableConcept"), Mapping
        ):
            continue
        strength, per_ml = _ratio_strength(ingredient.get("strength"))
        for component in _from_concept(ingredient["itemCodeableConcept"]):
            if strength is not None:
                component = Component(component.ingredient, strength, per_ml, component.display)
            from_ingredients.setdefault(component.ingredient, component)
    if not from_code:
        return tuple(from_ingredients.values())
    filled: list[Component] = []
    for component in from_code:
        known = from_ingredients.get(component.ingredient)
        if component.strength_mg is None and known is not None and known.strength_mg is not None:
            component = Component(
                component.ingredient, known.strength_mg, known.per_ml, component.display
            )
        filled.append(component)
    return tuple(filled)


def recognise(
    concept: Mapping[str, Any] | None, medication: Mapping[str, Any] | None = None
) -> tuple[Component, ...]:
    """The antidepressant / augmentation components of a medication, or () when it is none.

    `concept` is a medicationCodeableConcept; `medication` a Medication resource (from a
    medicationReference), read when the concept says nothing.
    """
    # dict first: answered at C speed for every medication resource of a chart (issue 14); and
    # None (no Medication, nearly always) before the Mapping ABC check, which costs more.
    if concept is not None and isinstance(concept, JSON_OBJECT):
        components = _from_concept(concept)
        if components:
            return components
    if medication is not None and isinstance(medication, JSON_OBJECT):
        return _from_medication(medication)
    return ()
