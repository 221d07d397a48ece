"""The vocabulary drug recognition reads: the products, brands, ATC codes and names it knows.

Loaded once per process from the data tables (data/rxnorm_products.csv, data/brand_names.csv,
data/text_exclusions.csv) and the drug table (drug_table.py): which RxNorm products and brands name
which ingredients at which strength, which ATC code is which ingredient, every name looked for in
text, the fixed combinations, the forms an ingredient needs and what it is read as without them.
Apart from the reading (product_text.py for text, drug_concept.py for codes): the tables answer
"what does this code or name mean", the readers "what does this record say".
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.drug_table import all_drugs, canonical_ingredient, drug_namings


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


def _word_pattern(terms: list[str]) -> re.Pattern[str] | None:
    """Whole words or phrases; a term ending in "*" is a word start ("suppress*")."""
    parts = [
        re.escape(t[:-1]) + r"[a-z]*" if t.endswith("*") else re.escape(t)
        for t in (term.strip().lower() for term in terms)
        if t
    ]
    if not parts:
        return None
    return re.compile(r"(?<![a-z])(?:" + "|".join(parts) + r")(?![a-z])")


@cache
def _text_contexts() -> dict[str, tuple[re.Pattern[str] | None, re.Pattern[str] | None]]:
    """Ingredient -> (words one of which free text must hold for the name to count, words
    beside which it never counts), from data/text_name_contexts.csv: a name that is also an
    ordinary word ("thyroid") names a drug in text only in a drug's context."""
    return {
        row["ingredient"].strip(): (
            _word_pattern(row["needs_any"].split(";")),
            _word_pattern(row["never_with"].split(";")),
        )
        for row in _table("text_name_contexts.csv")
    }
