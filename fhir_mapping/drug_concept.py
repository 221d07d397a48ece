"""Reading the drugs a CodeableConcept names, codes first, and remembering each reading.

Rules 1-3 of the order of evidence (terminology.py) applied to one concept: RxNorm clinical drugs
and packs with their strengths, ingredient and brand codes (strength from the text), ATC codes,
then the text and displays (product_text.py). A code-level match decides on its own. Also
`names_a_drug` (does the concept name a drug a reader can check) and the memo by the concept's
JSON (`concept_reading`, issue 14). Apart from the Medication resource (terminology.py), which
reads its concepts through here, and from the text reading, which knows nothing of codes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson

from fhir_mapping.bounded_memo import remember
from fhir_mapping.code_systems import ATC, RXNORM
from fhir_mapping.drug_table import drug_info
from fhir_mapping.drug_vocabulary import (
    _atc_index,
    _brands,
    _exclusion_pattern,
    _Product,
    _products,
    _without_form,
)
from fhir_mapping.fhir_fields import JSON_OBJECT, array, codings
from fhir_mapping.placeholder_drug_names import is_placeholder
from fhir_mapping.product_text import (
    Component,
    _normalise,
    _with_required_forms,
    parse_product_text,
)

# Ingredient-level term types: the code names the drug, the strength comes from the text.
_INGREDIENT_TTYS = frozenset({"IN", "PIN", "MIN"})


# --------------------------------------------------------------------------------------------
# CodeableConcept


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


# Drug code systems whose codes identify a drug even without a display, when the tables know the
# code. A code of these the tables do not list, with no text or display beside it, is not "a drug
# off this pathway": it may be an antidepressant coded at a level the tables do not hold (a brand
# SBD, a pack, a retired or remapped code: vendor README trap 2, "RxNorm at any level ... several
# codes without display"), so it is reported as not identified, named with its code, as an NDC
# alone is (review 18a U1: escitalopram coded by SBD 352273 only was dropped in silence and an
# MAOI drafted beside it got no card). The noise this could raise is small: every one of the 670
# medication concepts in the Epic, US Core, C-CDA, Synthea and CDS Hooks sample data under
# ../shared carries a text or a display, and a concept that names any drug (lisinopril) stays
# read as "not on this pathway", as before. A coding in any other system (a site's local code)
# with no text identifies nothing the service can read. NDC is not among them: the tables list no
# NDC (package codes, thousands per ingredient), so an NDC alone may be sertraline as well as
# lisinopril: a fill coded so (payer claims, PDex) is reported as unread, never skipped as "off
# the pathway" (review 11 finding 8).
_DRUG_SYSTEMS = frozenset(
    {
        "http://www.nlm.nih.gov/research/umls/rxnorm",
        "http://www.whocc.no/atc",
        "http://snomed.info/sct",
    }
)
NDC = "http://hl7.org/fhir/sid/ndc"
# How a card names a drug code it could not identify ("RxNorm 352273"), so the integration
# engineer or the clinician can look it up.
_SYSTEM_NAMES = {RXNORM: "RxNorm", ATC: "ATC", "http://snomed.info/sct": "SNOMED CT"}

# The reasons `unread_reason` gives (reasons go to the logs: no code or drug name in them; the
# code goes in the gap's `stated`, `unknown_codes`).
NDC_ONLY = "drug not identifiable: NDC code only (no name; NDC codes are not mapped to drugs)"
UNKNOWN_CODE = (
    "drug not identifiable: a drug code this service's drug tables do not hold, and no name"
)
NO_NAME_NO_CODE = (
    "drug not identifiable: no name, and no code of a system this service maps to drugs (RxNorm, "
    "ATC, SNOMED CT)"
)
# A name the tables do not hold ("Zorvexa 20 MG Oral Tablet", a new brand, beside a code they do
# not hold either) on an order or a statement that states depression as its reason: it may be an
# antidepressant, so it is not identified, not "a drug off the pathway" (fix meds47:
# fhir_mapping/depression_unknown_name.py).
NAME_FOR_DEPRESSION = (
    "drug not identifiable: a name this service's drug tables do not hold, with depression as its "
    "reason"
)


def _known_code(system: str, code: str) -> bool:
    """Whether the tables say what drug a code is (a product, a brand, an ingredient's ATC)."""
    if system == RXNORM:
        return code in _products() or code in _brands()[1]
    if system == ATC:
        return code.upper() in _atc_index()
    return False


def _unknown_codes(concept: object) -> list[tuple[str, str]]:
    """(system, code) of a concept's drug-system codings the tables do not know."""
    return [
        (system, code)
        for system, code, _display in codings(concept)
        if system in _DRUG_SYSTEMS and not _known_code(system, code)
    ]


def ndc_only(concept: object) -> bool:
    """Whether a concept `names_a_drug` rejects carries an NDC code: an NDC with no name or drug
    code beside it, which the tables cannot map (the note on _DRUG_SYSTEMS above)."""
    return isinstance(concept, JSON_OBJECT) and any(s == NDC for s, _c, _d in codings(concept))


def unknown_codes(concept: object) -> str:
    """ "RxNorm 352273": the drug codes of a concept `names_a_drug` rejects that the tables do
    not know, for the card line beside the record's id (DataGap.stated); "" when it has none."""
    return ", ".join(
        f"{_SYSTEM_NAMES.get(system, system)} {code}" for system, code in _unknown_codes(concept)
    )


def unread_names(concept: object) -> str:
    """ "RxNorm 352273", "NDC 0093-7198-56", "\"Medication 4471\"": what a concept `names_a_drug`
    rejects states that a reader can look up, for the card line beside the record (DataGap.
    stated): the drug codes the tables do not know, its NDC codes (fix drug51: an NDC alone was
    "no name or drug code read", though the RxNorm case named its code), and a text or display
    holding a number in a name's place, as written (placeholder_drug_names.py: an item number);
    "" when it has none. A text of placeholder words only ("Unknown medication") says nothing
    to look up, and is left out."""
    if not isinstance(concept, JSON_OBJECT):
        return ""
    names = [f"{_SYSTEM_NAMES.get(s, s)} {code}" for s, code in _unknown_codes(concept)]
    names.extend(f"NDC {code}" for system, code, _ in codings(concept) if system == NDC)
    names.extend(
        f'"{text.strip()}"'
        for text in _texts(concept)
        if any(c.isdigit() for c in text) and is_placeholder(text)
    )
    return ", ".join(dict.fromkeys(names))


def tables_know(concept: object) -> bool:
    """Whether a concept carries a drug code the tables know (what drug it is, on this pathway
    or not): its name is then no name the tables do not hold (fix meds47)."""
    return any(
        system in _DRUG_SYSTEMS and _known_code(system, code)
        for system, code, _display in codings(concept)
    )


def excluded_form(text: str) -> bool:
    """Whether a drug name says a form no course of this pathway is given in ("cream")."""
    return bool(_exclusion_pattern().search(_normalise(text)))


def unread_reason(concept: object) -> str:
    """Why a concept that `names_a_drug` rejects could not be read: a drug code the tables do not
    know, or an NDC alone, is said so, for the integration engineer who can send the name beside
    it (and for the table, which may lack a product of a pathway drug: review 18a U1)."""
    if _unknown_codes(concept):
        return UNKNOWN_CODE
    if ndc_only(concept):
        return NDC_ONLY
    return NO_NAME_NO_CODE


def names_a_drug(concept: object) -> bool:
    """True when a CodeableConcept names a drug in a way a reader can check (a text, a display,
    or a drug code the tables know), so "not recognised" means "not on this pathway", not
    "unreadable". A drug code the tables do not know, alone, names nothing checkable (the note on
    _DRUG_SYSTEMS); nor does a placeholder in the name's place ("Medication", "See instructions":
    placeholder_drug_names.py, recheck 18b W2)."""
    if not isinstance(concept, JSON_OBJECT):
        return False
    text = concept.get("text")
    if isinstance(text, str) and _a_name(text):
        return True
    return any(
        _a_name(display) or (system in _DRUG_SYSTEMS and _known_code(system, code))
        for system, code, display in codings(concept)
    )


def _a_name(text: str) -> bool:
    """Whether a text or display is a name a reader can check: not blank, not a placeholder."""
    return bool(text.strip()) and not is_placeholder(text)


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
# A look is (the key, or None when JSON cannot write the concept; the components; names_a_drug):
# the key rides along so the other readings of the same concept remembered by its JSON
# (product_conflict.name_reading) do not write it again (issue 14: a fill's concept was written
# up to three times, for the memo here, read_drug and drug_conflict).
ConceptLook = tuple[bytes | None, tuple[Component, ...], bool]
_recognised: dict[bytes, ConceptLook] = {}


def concept_key(concept: Mapping[str, Any]) -> bytes | None:
    """The concept's memo key, as `concept_look` writes it; None when JSON cannot write it."""
    try:
        return orjson.dumps(concept, option=_KEY_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError
        return None


def concept_look(concept: Mapping[str, Any]) -> ConceptLook:
    """(the concept's memo key, `concept_reading`'s two answers), remembered by the key."""
    try:
        key = orjson.dumps(concept, option=_KEY_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError
        return None, _read_concept(concept), names_a_drug(concept)
    found = _recognised.get(key)
    if found is None:
        found = (key, _read_concept(concept), names_a_drug(concept))
        remember(_recognised, key, found, _RECOGNISED_MAX)  # refilled by the products in use
    return found


def concept_reading(concept: Mapping[str, Any]) -> tuple[tuple[Component, ...], bool]:
    """(the antidepressant / augmentation components a CodeableConcept names, `names_a_drug`),
    remembered by the concept's content: what `read_drug` in medication_drug.py asks of every
    medication resource, most of which are off this pathway (lisinopril, metformin)."""
    _, found, named = concept_look(concept)
    return found, named


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
