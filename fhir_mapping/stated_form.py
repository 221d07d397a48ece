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

`with_stated_form` reads those places (Medication.form text and coding displays, an ingredient
strength per time, each dosage line's dose units, and the order's or fill's quantity units) for
the same required-form words, and when one names the form, reads the drug as its ingredient again.
Each of those describes THIS product. A sig is free text that may name the form of anything:
"max 10 mg/24 h" is a ceiling, not a strength; "Keep using your nicotine patch" is another drug;
"not the patch" and "not transdermal" deny it (recheck K41a finding 4: each turned an oral
selegiline order into the transdermal antidepressant, a false critical MAOI card beside its own
fills). So the sig is read only for a verb-form instruction that begins one of its clauses
(data/form_sig_phrases.csv: "Apply 1 patch onto the skin daily.", "1 patch daily").

A fill states little of its own: an Oracle-style fill of that order carries the ingredient code,
no form and "30 each" (recheck K41a finding 3: the order read as the patch, its fills as oral
selegiline, two drugs: "oral selegiline possibly running ... stop one", "filled as another drug
than its order", "never filled"). `with_order_form` reads such a fill with the form of the one
order it fills (authorizingPrescription), when the fill names no product and has no
Medication.form of its own: a fill is dispensed against its prescription.

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

import csv
import re
from collections.abc import Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.code_systems import RXNORM
from fhir_mapping.drug_vocabulary import _products, _required_forms, _without_form
from fhir_mapping.fhir_fields import JSON_OBJECT, array, codings
from fhir_mapping.product_text import Component, _normalise

# The term types whose code names a clinical drug or pack, so its form (drug_concept.py reads
# every other RxNorm product code as an ingredient or brand).
_INGREDIENT_TTYS = frozenset({"IN", "PIN", "MIN"})


# Where a sig clause begins (structure, not a clinical fact): the text's start or a sentence
# break. Not a comma or colon: "Nicotine: 1 patch daily" names another drug's patch.
_CLAUSE_START = r"(?:^|[.;\n(])\s*"


@cache
def _sig_phrases() -> re.Pattern[str] | None:
    """The verb-form phrases of data/form_sig_phrases.csv, each only at a clause's start; "#" a
    number, "~" one to four words of the clause, a word ending in "*" a word start."""
    text = resources.files("fhir_mapping").joinpath("data/form_sig_phrases.csv")
    parts = []
    for row in csv.DictReader(text.read_text("utf-8").splitlines()):
        words = []
        for word in row["phrase"].strip().lower().split():
            if word == "#":
                words.append(r"\d+(?:\.\d+)?")
            elif word == "~":  # one to four words within the clause ("one 6 mg/24 hr")
                words.append(r"(?:[^\s.;(]+\s+){0,3}[^\s.;(]+")
            elif word.endswith("*"):
                words.append(re.escape(word[:-1]) + r"[a-z]*")
            else:
                words.append(re.escape(word))
        if words:
            parts.append(r"\s+".join(words) + r"(?![a-z])")
    if not parts:
        return None
    return re.compile(_CLAUSE_START + "(?P<phrase>" + "|".join(parts) + ")")


def _sig_form_texts(sig: str) -> Iterator[str]:
    """The form-stating phrases of a sig (module docstring): "apply 1 patch", never the word
    "patch" or "/24 h" elsewhere in it."""
    pattern = _sig_phrases()
    if pattern is not None:
        for found in pattern.finditer(_normalise(sig)):
            yield found.group("phrase")


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
    if not read_without_form(found):
        return found  # nearly always: checked first, at no cost to other drugs
    fallbacks = _read_without_form()
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


def read_without_form(found: tuple[Component, ...]) -> bool:
    """Whether a component of `found` was read without its required form (oral selegiline)."""
    fallbacks = _read_without_form()
    # A plain loop, no generator built and resumed: asked of every medication resource read
    # (issue 14, perf14), nearly always of one component that is not such a fallback.
    for component in found:  # noqa: SIM110 (a generator in any() costs more per call)
        if component.ingredient in fallbacks:
            return True
    return False


def with_order_form(
    found: tuple[Component, ...],
    fill: Mapping[str, Any],
    medication: Mapping[str, Any] | None,
    ordered: tuple[Component, ...],
) -> tuple[Component, ...]:
    """`found` (a fill's components), with a component read without its required form (oral
    selegiline) read as its ingredient when `ordered`, the components of the one order the fill
    fills, read that ingredient, and the fill states no form of its own: it is named by the
    ingredient alone, with no strength and no Medication.form (module docstring); otherwise
    `found` itself."""
    fallbacks = _read_without_form()
    if not any(c.ingredient in fallbacks for c in found):
        return found
    if medication is not None and any(_concept_texts(medication.get("form"))):
        return found  # its own form: a fill of another form than its order is another drug
    names = [
        *_concept_texts(fill.get("medicationCodeableConcept")),
        *(_concept_texts(medication.get("code")) if medication is not None else ()),
    ]
    wanted = {c.ingredient for c in ordered}
    return tuple(
        Component(fallbacks[c.ingredient], c.strength_mg, c.per_ml, c.display)
        if c.ingredient in fallbacks
        and fallbacks[c.ingredient] in wanted
        and c.strength_mg is None
        # Named by its ingredient alone ("selegiline", RxNorm 9639): a name with more in it
        # ("selegiline 5 mg capsule", an oral SCD) states its own product, which stands.
        and all(_normalise(name) == fallbacks[c.ingredient] for name in names)
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
    displays), an ingredient strength per time, the dosage lines (the form phrases of their text
    and patient instruction, the dose's unit and code) and the quantities' units (an order's
    dispenseRequest, a fill's quantity: "30 patch")."""
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
                    yield from _sig_form_texts(line[name])
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
