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
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import orjson

from fhir_mapping.code_systems import ATC, RXNORM
from fhir_mapping.dose import unit_factor
from fhir_mapping.drug_table import all_drugs, canonical_ingredient, drug_info, drug_namings
from fhir_mapping.fhir_fields import JSON_OBJECT, array, codings

# Ingredient-level term types: the code names the drug, the strength comes from the text.
_INGREDIENT_TTYS = frozenset({"IN", "PIN", "MIN"})


@dataclass(frozen=True, slots=True)
class Component:
    """One ingredient of a recognised product.

    `strength_mg` is mg per unit of the product (tablet, capsule, patch-day), or mg per mL when
    `per_ml`; None when the product does not say (ingredient-level code, titration pack, brand
    name alone).
    """

    ingredient: str
    strength_mg: float | None
    per_ml: bool
    display: str


@dataclass(frozen=True, slots=True)
class _Product:
    rxcui: str
    tty: str
    display: str
    ingredients: tuple[str, ...]
    strengths: tuple[float | None, ...]
    per_ml: bool
    excluded: bool


def _table(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


def _float(text: str) -> float | None:
    text = text.strip()
    return float(text) if text else None


@cache
def _products() -> dict[str, _Product]:
    products: dict[str, _Product] = {}
    for row in _table("rxnorm_products.csv"):
        ingredients = tuple(i.strip() for i in row["ingredients"].split(";"))
        strengths = tuple(_float(s) for s in row["strength_mg"].split(";"))
        if len(strengths) != len(ingredients):
            strengths = tuple(None for _ in ingredients)
        products[row["rxcui"].strip()] = _Product(
            rxcui=row["rxcui"].strip(),
            tty=row["tty"].strip(),
            display=row["display"].strip(),
            ingredients=ingredients,
            strengths=strengths,
            per_ml=row["per_ml"].strip() == "true",
            excluded=row["status"].strip() == "excluded",
        )
    return products


@cache
def _brands() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """(brand name lower case -> ingredients, brand RxCUI -> ingredients)."""
    by_name: dict[str, tuple[str, ...]] = {}
    by_code: dict[str, tuple[str, ...]] = {}
    for row in _table("brand_names.csv"):
        ingredients = tuple(i.strip() for i in row["ingredients"].split(";") if i.strip())
        by_name[row["brand"].strip().lower()] = ingredients
        if row["rxcui"].strip():
            by_code[row["rxcui"].strip()] = ingredients
    return by_name, by_code


@cache
def _atc_index() -> dict[str, str]:
    return {d.atc.upper(): d.ingredient for d in all_drugs() if d.atc}


@cache
def _exclusion_pattern() -> re.Pattern[str]:
    terms = [row["term"].strip().lower() for row in _table("text_exclusions.csv")]
    return re.compile(r"(?<![a-z])(" + "|".join(re.escape(t) for t in terms) + r")(?![a-z])")


@cache
def _names() -> tuple[dict[str, tuple[str, tuple[str, ...]]], re.Pattern[str]]:
    """Every name looked for in text -> (kind, ingredients) and one pattern matching them all.

    kind: "ingredient" (generic name or alias), "brand", or "part" (a name that only counts
    inside a fixed combination, e.g. dextromethorphan in dextromethorphan-bupropion).
    """
    names: dict[str, tuple[str, tuple[str, ...]]] = {}
    for naming in drug_namings():
        for part in naming.combination_of:
            if canonical_ingredient(part) is None:
                names[part] = ("part", (part,))
    for naming in drug_namings():
        for name in (naming.ingredient, *naming.aliases):
            names[name] = ("ingredient", (naming.ingredient,))
    for brand, ingredients in _brands()[0].items():
        names.setdefault(brand, ("brand", ingredients))
    ordered = sorted(names, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![a-z0-9])(" + "|".join(re.escape(n) for n in ordered) + r")(?![a-z0-9])"
    )
    return names, pattern


@cache
def _combinations() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((n.ingredient, n.combination_of) for n in drug_namings() if n.combination_of)


@cache
def _required_forms() -> dict[str, tuple[str, ...]]:
    return {n.ingredient: n.requires_form for n in drug_namings() if n.requires_form}


@cache
def _without_form() -> dict[str, str]:
    """Ingredient -> what a product of it without its required form is read as (oral
    selegiline: an MAO-B inhibitor for the MAOI checks), from the drug table."""
    return {n.ingredient: n.without_form for n in drug_namings() if n.without_form}


# --------------------------------------------------------------------------------------------
# Text


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


_STRENGTH = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<u>mg|mcg|ug|g)(?![a-z])(?:\s*/\s*(?P<d>\d+(?:\.\d+)?)?\s*(?P<per>ml|hr|h)(?![a-z]))?"
)
_AMBIGUOUS_BEFORE = re.compile(r"\d\s*[-/]\s*$")  # "6/25 mg": which number is whose?


def _strength(segment: str) -> tuple[float | None, bool]:
    """The first strength written in a piece of a product name: (mg per unit, per mL)."""
    match = _STRENGTH.search(segment)
    if match is None or _AMBIGUOUS_BEFORE.search(segment[: match.start()]):
        return None, False
    found = unit_factor(match.group("u"))
    if found is None:
        return None, False
    value = float(match.group("n")) * found[1]
    per = match.group("per")
    if per is None:
        return value, False
    per_amount = float(match.group("d")) if match.group("d") else 1.0
    if per_amount <= 0:
        return None, False
    if per == "ml":
        return value / per_amount, True
    # mg per hour of a transdermal system worn for a day: mg per patch-day.
    return value * 24 / per_amount, False


@dataclass(frozen=True, slots=True)
class _Mention:
    start: int
    end: int
    kind: str
    ingredients: tuple[str, ...]


@lru_cache(maxsize=8192)
def parse_product_text(text: str) -> tuple[Component, ...]:
    """Components named in a product name or free text ("sertraline 50 MG Oral Tablet")."""
    normalised = _normalise(text)
    if not normalised or _exclusion_pattern().search(normalised):
        return ()
    names, pattern = _names()
    mentions = [
        _Mention(m.start(), m.end(), *names[m.group(1)]) for m in pattern.finditer(normalised)
    ]
    if not mentions:
        return ()
    found: list[tuple[str, float | None, bool]] = []
    for i, mention in enumerate(mentions):
        segment_end = mentions[i + 1].start if i + 1 < len(mentions) else len(normalised)
        if mention.kind == "brand" and len(mention.ingredients) > 1:
            # "Symbyax 6/25": the strengths of a multi-ingredient brand cannot be assigned.
            found.extend((ingredient, None, False) for ingredient in mention.ingredients)
            continue
        strength, per_ml = _strength(normalised[mention.end : segment_end])
        if strength is None and len(mentions) == 1:
            strength, per_ml = _strength(normalised)  # "50 mg sertraline tablet"
        found.extend((ingredient, strength, per_ml) for ingredient in mention.ingredients)
    found = _apply_combinations(found)
    components: dict[str, Component] = {}
    for ingredient, strength, per_ml in found:
        if drug_info(ingredient) is None:
            continue  # a combination part on its own (dextromethorphan cough syrup)
        current = components.get(ingredient)
        if current is None or (current.strength_mg is None and strength is not None):
            components[ingredient] = Component(ingredient, strength, per_ml, text.strip())
    return _with_required_forms(tuple(components.values()), normalised)


def _apply_combinations(
    found: list[tuple[str, float | None, bool]],
) -> list[tuple[str, float | None, bool]]:
    """Names that together make a fixed combination count as that one drug, with the strength
    of its first-listed component (the one its dose range is expressed in)."""
    present = {ingredient for ingredient, _, _ in found}
    for combination, parts in _combinations():
        if combination in present or not all(p in present for p in parts):
            continue
        basis = next(
            ((s, pm) for i, s, pm in found if i == parts[0] and s is not None), (None, False)
        )
        found = [f for f in found if f[0] not in parts]
        found.append((combination, basis[0], basis[1]))
    return found


def _with_required_forms(
    components: tuple[Component, ...], normalised_text: str
) -> tuple[Component, ...]:
    required = _required_forms()
    if not any(c.ingredient in required for c in components):
        return components
    kept: list[Component] = []
    for c in components:
        if c.ingredient not in required or any(
            word in normalised_text for word in required[c.ingredient]
        ):
            kept.append(c)
        elif (other := _without_form().get(c.ingredient)) is not None:
            kept.append(Component(other, c.strength_mg, c.per_ml, c.display))
    return tuple(kept)


# --------------------------------------------------------------------------------------------
# CodeableConcept and Medication


def _texts(concept: Mapping[str, Any]) -> list[str]:
    texts: list[str] = []
    if isinstance(concept.get("text"), str) and concept["text"].strip():
        texts.append(concept["text"])
    for coding in array(concept.get("coding")):
        if (
            isinstance(coding, Mapping)
            and isinstance(coding.get("display"), str)
            and coding["display"].strip()
            and coding["display"] not in texts
        ):
            texts.append(coding["display"])
    return texts


def _codes(concept: Mapping[str, Any], system: str) -> list[str]:
    """The codes of a concept's codings in `system` (a canonical URI), whatever name the coding
    gives its system (its OID, another spelling: code_systems.py)."""
    return [code for found, code, _ in codings(concept) if found == system]


def _with_text_strengths(ingredients: Iterable[str], texts: list[str]) -> tuple[Component, ...]:
    """Components for ingredients known from codes, with strengths read from the names."""
    parsed: dict[str, Component] = {}
    for text in texts:
        for component in parse_product_text(text):
            if component.strength_mg is not None:
                parsed.setdefault(component.ingredient, component)
    display = texts[0] if texts else ""
    result: dict[str, Component] = {}
    for ingredient in ingredients:
        if drug_info(ingredient) is None or ingredient in result:
            continue
        result[ingredient] = parsed.get(ingredient) or Component(ingredient, None, False, display)
    return tuple(result.values())


# Drug code systems whose codes identify a drug even without a display: a code of these that the
# tables do not list is a drug off this pathway. A coding in any other system (a site's local code)
# with no text identifies nothing the service can read.
_DRUG_SYSTEMS = frozenset(
    {
        "http://www.nlm.nih.gov/research/umls/rxnorm",
        "http://hl7.org/fhir/sid/ndc",
        "http://www.whocc.no/atc",
        "http://snomed.info/sct",
    }
)


def names_a_drug(concept: object) -> bool:
    """True when a CodeableConcept names a drug in a way a reader can check (a text, a display,
    or a standard drug code), so "not recognised" means "not on this pathway", not "unreadable"."""
    if not isinstance(concept, JSON_OBJECT):
        return False
    text = concept.get("text")
    if isinstance(text, str) and text.strip():
        return True
    return any(
        display.strip() or system in _DRUG_SYSTEMS for system, _code, display in codings(concept)
    )


def _read_concept(concept: Mapping[str, Any]) -> tuple[Component, ...]:
    """The components a CodeableConcept names, read afresh (`_from_concept` remembers them)."""
    texts = _texts(concept)
    joined = _normalise(" | ".join(texts))
    if _exclusion_pattern().search(joined):
        return ()
    products = _products()
    brand_codes = _brands()[1]
    clinical: list[_Product] = []
    ingredients: list[str] = []
    excluded = False
    excluded_products: list[_Product] = []
    for code in _codes(concept, RXNORM):
        product = products.get(code)
        if product is not None:
            if product.excluded:
                excluded = True
                excluded_products.append(product)
            elif product.tty in _INGREDIENT_TTYS:
                ingredients.extend(product.ingredients)
            else:
                clinical.append(product)
        elif code in brand_codes:
            ingredients.extend(brand_codes[code])
    if clinical:
        product = clinical[0]
        components = tuple(
            Component(ingredient, strength, product.per_ml, product.display)
            for ingredient, strength in zip(product.ingredients, product.strengths, strict=True)
            if drug_info(ingredient) is not None
        )
        return _with_required_forms(components, _normalise(product.display + " | " + joined))
    if ingredients:
        return _with_required_forms(_with_text_strengths(ingredients, texts), joined)
    if excluded:
        # An excluded clinical drug (oral selegiline) is still read as what its ingredient is
        # without the required form, when the table says (antidepressants.csv
        # without_form_read_as); otherwise not at all.
        return _excluded_as(excluded_products)
    atc = _atc_index()
    atc_ingredients = [atc[c.upper()] for c in _codes(concept, ATC) if c.upper() in atc]
    if atc_ingredients:
        return _with_required_forms(_with_text_strengths(atc_ingredients, texts), joined)
    for text in texts:
        components = parse_product_text(text)
        if components:
            return components
    return ()


# What a concept is recognised as, by its content (issue 14). Charts of different patients name
# the same products (the same codes, displays and texts), and recognising one costs a regex pass
# over its names: a medication-heavy chart seen for the first time spent most of its mapping
# here, on products it (and the charts before it) had already named. The key is the concept's
# JSON, written by orjson at C speed (building a key of its fields in Python cost as much as the
# rest of rejecting a lisinopril order): the same JSON is the same content, so the same reading.
# Keys are written in the order sent, not sorted: the same sender writes a product the same way,
# and a concept sent in another key order is only a second entry, read the same. A concept JSON
# cannot write (not a dict, nesting past orjson's limit, a number beyond 64 bits, invalid UTF-8)
# is read every time, and so is one holding a value orjson would write as a string or an object
# but the readings above do not read as one (a str subclass, a date, a dataclass: the options
# below make orjson refuse them). JSON writes NaN as null: both are a value of another type than
# a string, which every reading above takes as absent. A request body is JSON, so the Python
# values orjson still writes as JSON (a tuple, a UUID, an Enum) never reach here from one. The
# tables read are loaded once per process.
_RECOGNISED_MAX = 4096
_KEY_OPTIONS = (
    orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
)
_recognised: dict[bytes, tuple[tuple[Component, ...], bool]] = {}


def concept_reading(concept: Mapping[str, Any]) -> tuple[tuple[Component, ...], bool]:
    """(the antidepressant / augmentation components a CodeableConcept names, `names_a_drug`),
    remembered by the concept's content: what `read_drug` in medication_drug.py asks of every
    medication resource, most of which are off this pathway (lisinopril, metformin)."""
    try:
        key = orjson.dumps(concept, option=_KEY_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError
        return _read_concept(concept), names_a_drug(concept)
    found = _recognised.get(key)
    if found is None:
        found = (_read_concept(concept), names_a_drug(concept))
        if len(_recognised) >= _RECOGNISED_MAX:
            _recognised.clear()  # bounded; refilled by the products now in use
        _recognised[key] = found
    return found


def _excluded_as(products: list[_Product]) -> tuple[Component, ...]:
    other = _without_form()
    return tuple(
        Component(other[ingredient], strength, product.per_ml, product.display)
        for product in products[:1]
        for ingredient, strength in zip(product.ingredients, product.strengths, strict=True)
        if ingredient in other
    )


def _from_concept(concept: Mapping[str, Any]) -> tuple[Component, ...]:
    """`_read_concept`, remembered by content (`concept_reading`)."""
    return concept_reading(concept)[0]


# The reading itself stays reachable as `__wrapped__`, as when a decorator remembered it (tests
# compare the two).
_from_concept.__wrapped__ = _read_concept  # type: ignore[attr-defined]


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
