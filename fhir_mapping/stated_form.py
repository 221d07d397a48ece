"""The required form of a drug read from the rest of its record, when its name does not say it.

Selegiline is an antidepressant only as the transdermal system (antidepressants.csv
requires_form "transdermal;patch;/hr;/24 h;emsam"); a product of it whose name carries none of
those words is read as what the table's without_form_read_as says ("oral selegiline", an MAO-B
inhibitor read for the MAOI checks only, never a trial). The name is not the only place a record
states the form: an Oracle-style contained Medication codes the ingredient only (RxNorm 9639
"selegiline") and writes the form in Medication.form ("transdermal patch", or a SNOMED CT / EDQM
coding whose display says so), and its sig says "Apply 1 patch onto the skin daily" with a dose
of 1 {patch}. Review K38b finding 3: such a course was read as oral selegiline, its MAOI trial
dropped and the washout card named "oral selegiline".

`with_stated_form` reads those places (Medication.form text and coding displays; each dosage
line's text, patient instruction, and dose, and the order's or fill's quantity units) for the
same required-form words, and when one names the form, reads the drug as its ingredient again.

Only a reading made WITHOUT a form is reconsidered: a drug code that names a clinical drug or
pack (an oral selegiline capsule SCD, RxNorm 859186) decides on its own, whatever the sig says
(terminology.py rule "a code-level match decides on its own").

Where no form is stated anywhere (an ingredient code or the bare name "selegiline", no
Medication.form, a sig with no form word), the reading stays oral selegiline, not a trial. Both
readings keep every MAOI check (the washout before a serotonergic drug, the draft checks:
interacting_drugs.csv "oral selegiline" and antidepressants.csv "selegiline" are both MAOIs to
them), so the choice decides only whether a trial is counted. Counting an MAOI trial the record
does not show (selegiline 5-10 mg by mouth is the Parkinson disease drug) would advance the
treatment-resistance stage and the TMS payer criteria on evidence that is not there; leaving out
one that happened under-counts, which the clinician sees on the record line ("oral selegiline
(MAO-B inhibitor)") and can correct. Not counting is the safer error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from typing import Any

from fhir_mapping.code_systems import RXNORM
from fhir_mapping.drug_vocabulary import _products, _required_forms, _without_form
from fhir_mapping.fhir_fields import JSON_OBJECT, array, codings
from fhir_mapping.product_text import Component, _normalise

# The term types whose code names a clinical drug or pack, so its form (drug_concept.py reads
# every other RxNorm product code as an ingredient or brand).
_INGREDIENT_TTYS = frozenset({"IN", "PIN", "MIN"})


@cache
def _read_without_form() -> dict[str, str]:
    """What a product without its required form is read as -> the ingredient it is of ("oral
    selegiline" -> "selegiline"), from the drug table (antidepressants.csv)."""
    return {other: ingredient for ingredient, other in _without_form().items()}


def with_stated_form(
    found: tuple[Component, ...],
    resource: Mapping[str, Any],
    medication: Mapping[str, Any] | None,
) -> tuple[Component, ...]:
    """`found` (read_drug's components), with a component read without its required form (oral
    selegiline) read as its ingredient (selegiline) when the resource or its Medication states
    that form (module docstring); otherwise `found` itself."""
    fallbacks = _read_without_form()
    if not any(c.ingredient in fallbacks for c in found):
        return found  # nearly always: checked first, at no cost to other drugs
    if _names_a_product(resource.get("medicationCodeableConcept")) or (
        medication is not None and _names_a_product(medication.get("code"))
    ):
        return found
    stated = " | ".join(_normalise(text) for text in _form_texts(resource, medication))
    if not stated:
        return found
    required = _required_forms()
    return tuple(
        Component(fallbacks[c.ingredient], c.strength_mg, c.per_ml, c.display)
        if c.ingredient in fallbacks
        and any(word in stated for word in required.get(fallbacks[c.ingredient], ()))
        else c
        for c in found
    )


def _names_a_product(concept: object) -> bool:
    """Whether a concept carries an RxNorm code the tables know as a clinical drug or pack (its
    form is in the code: that reading stands)."""
    if not isinstance(concept, JSON_OBJECT):
        return False
    products = _products()
    for system, code, _display in codings(concept):
        product = products.get(code) if system == RXNORM else None
        if product is not None and product.tty not in _INGREDIENT_TTYS:
            return True
    return False


def _form_texts(resource: Mapping[str, Any], medication: Mapping[str, Any] | None) -> Iterator[str]:
    """The texts in which a record states its drug's form: Medication.form (text and coding
    displays), the dosage lines (text, patient instruction, the dose's unit and code) and the
    quantities' units (an order's dispenseRequest, a fill's quantity: "30 patch")."""
    if medication is not None:
        yield from _concept_texts(medication.get("form"))
        for ingredient in array(medication.get("ingredient")):
            yield from _per_time(ingredient)
    for field in ("dosageInstruction", "dosage"):
        value = resource.get(field)
        lines = [value] if isinstance(value, JSON_OBJECT) else array(value)
        for line in lines:
            if not isinstance(line, JSON_OBJECT):
                continue
            for name in ("text", "patientInstruction"):
                if isinstance(line.get(name), str):
                    yield line[name]
            yield from _quantity_units(line.get("dose"))  # MedicationAdministration.dosage
            for rate in array(line.get("doseAndRate")):
                if isinstance(rate, JSON_OBJECT):
                    yield from _quantity_units(rate.get("doseQuantity"))
                    for end in ("low", "high"):
                        range_ = rate.get("doseRange")
                        if isinstance(range_, JSON_OBJECT):
                            yield from _quantity_units(range_.get(end))
    yield from _quantity_units(resource.get("quantity"))
    request = resource.get("dispenseRequest")
    if isinstance(request, JSON_OBJECT):
        yield from _quantity_units(request.get("quantity"))


def _concept_texts(concept: object) -> Iterator[str]:
    if not isinstance(concept, JSON_OBJECT):
        return
    if isinstance(concept.get("text"), str):
        yield concept["text"]
    for coding in array(concept.get("coding")):  # a display with no code still states it
        if isinstance(coding, JSON_OBJECT) and isinstance(coding.get("display"), str):
            yield coding["display"]


def _quantity_units(quantity: object) -> Iterator[str]:
    """A Quantity's unit and code ("patch", UCUM "{patch}")."""
    if isinstance(quantity, JSON_OBJECT):
        for name in ("unit", "code"):
            if isinstance(quantity.get(name), str):
                yield quantity[name]


def _per_time(ingredient: object) -> Iterator[str]:
    """An ingredient strength per hours (6 mg / 24 h) written as a name writes it ("/24 h",
    "/hr"): a strength per time is a system worn over hours, never a tablet."""
    strength = ingredient.get("strength") if isinstance(ingredient, JSON_OBJECT) else None
    per = strength.get("denominator") if isinstance(strength, JSON_OBJECT) else None
    if not isinstance(per, JSON_OBJECT):
        return
    value = per.get("value")
    for unit in (per.get("unit"), per.get("code")):
        if isinstance(unit, str) and unit.strip():
            yield f"/{unit.strip()}"
            if isinstance(value, int | float) and not isinstance(value, bool):
                yield f"/{value:g} {unit.strip()}"
