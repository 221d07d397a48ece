"""The combination product a medication record names, read once where the drug is read.

A record of a product of several ingredients gives one event per pathway ingredient (Symbyax:
fluoxetine and olanzapine; Contrave: bupropion, its naltrexone being no pathway drug). Which
product it was is a structured fact on the events and the course (`record.Product`), not a note
the services parse back. data/combination_products.csv says, per product, its labelled
indication and whether its pathway drug `counts_as_trial`: Contrave is a weight-management product
whose label says it is not approved for depression, so its bupropion is never an antidepressant
trial or an augmentation (Maudsley augmentation is a drug added to treat the depression), while
every safety check still sees the bupropion (it adds to another bupropion product's dose, lowers
the seizure threshold and interacts as bupropion does).

A product is recognised, in this order, by its brand named in the text ("Contrave"), by all of its
listed ingredients named ("bupropion ... / naltrexone ..."), or by its pathway components; a
combination the table does not list is named by its components and counts as a trial, as such
products always have. A listed product with one strength ("Contrave": 90 mg bupropion per tablet)
gives its component that strength whatever numbers a brand text carries ("Contrave 8-90 mg" is not
8 mg of bupropion). Named by its ingredients only, a text is that product only when the strengths
it gives are the product's (or it gives none): "bupropion XL 450 mg daily + naltrexone 50 mg" is
two drugs taken side by side, not Contrave at 90 mg, and its bupropion is a 450 mg course, a trial
like any, that the dose and seizure checks count in full (wave 4 K2).
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from importlib import resources

from fhir_mapping.combination_strengths import written_strengths
from fhir_mapping.drug_table import components as components_of
from fhir_mapping.drug_table import drug_info
from fhir_mapping.record import InadequacyReason, Product, Role, Verdict
from fhir_mapping.terminology import Component

Judgement = tuple[Verdict, tuple[InadequacyReason, ...], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class _Row:
    product: Product
    ingredients: frozenset[str]
    strengths: dict[str, float]  # per unit, for a product of one strength
    # The brand, or the words the table's `named_by` gives ("smoking cessation": RxNorm's name of
    # the Zyban generic), in any text of the record.
    brand_pattern: re.Pattern[str] | None


def _words(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z])" + re.escape(name.lower()) + r"(?![a-z])")


def _names(brand: str | None, named_by: list[str]) -> re.Pattern[str] | None:
    """The brand or any of the `named_by` words, as whole words; None when the row has neither."""
    names = [n.strip().lower() for n in [brand or "", *named_by] if n.strip()]
    if not names:
        return None
    return re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, names)) + r")(?![a-z])")


@cache
def _rows() -> tuple[_Row, ...]:
    """data/combination_products.csv, in table order."""
    text = (
        resources.files("fhir_mapping").joinpath("data/combination_products.csv").read_text("utf-8")
    )
    rows: list[_Row] = []
    for row in csv.DictReader(text.splitlines()):
        brand = row["brand"].strip() or None
        strengths: dict[str, float] = {}
        for pair in row["strength_mg"].split(";"):
            if ":" in pair:
                ingredient, mg = pair.split(":", 1)
                strengths[ingredient.strip()] = float(mg)
        rows.append(
            _Row(
                Product(
                    name=row["product"].strip(),
                    brand=brand,
                    indication=row["indication"].strip() or None,
                    counts_as_trial=row["counts_as_trial"].strip() == "true",
                ),
                frozenset(i.strip() for i in row["ingredients"].split(";") if i.strip()),
                strengths,
                _names(brand, (row.get("named_by") or "").split(";")),
            )
        )
    return tuple(rows)


@cache
def _ingredient_patterns() -> dict[str, re.Pattern[str]]:
    return {i: _words(i) for row in _rows() for i in row.ingredients}


def _listed(components: tuple[Component, ...]) -> tuple[_Row | None, str]:
    """(the listed product the components name, else None; the texts they were read from, lower
    case, when the product was named by its ingredients or components, "" when by its brand)."""
    texts = " | ".join(dict.fromkeys(c.display for c in components)).lower()
    for row in _rows():
        if row.brand_pattern is not None and row.brand_pattern.search(texts):
            return row, ""
    patterns = _ingredient_patterns()
    for row in _rows():
        # A product of one ingredient (Zyban) is never named by its ingredient alone: every
        # record of that drug would be it.
        if len(row.ingredients) > 1 and all(patterns[i].search(texts) for i in row.ingredients):
            return row, texts
    found = {c.ingredient for c in components}
    if len(found) > 1:
        for row in _rows():
            if row.ingredients == found:
                return row, texts
    return None, ""


def _writes_mg(texts: str, mg: float) -> bool:
    """Whether `texts` write `mg` as a strength ("90 mg", "90mg", "90.0 mg")."""
    number = re.escape(f"{mg:g}")
    return re.search(rf"(?<![\d.]){number}(?:\.0+)?\s*mg(?![a-z])", texts) is not None


def _strengths_are_the_products(row: _Row, components: tuple[Component, ...], texts: str) -> bool:
    """Whether a text naming the product by its ingredients, not its brand, gives the strengths
    the product has (or none). "bupropion XL 450 mg daily + naltrexone 50 mg" names both of
    Contrave's ingredients at strengths Contrave does not have: two drugs taken side by side, and
    reading it as Contrave would put the bupropion at 90 mg a tablet and make a real course no
    trial, undercounting the dose and seizure checks (wave 4 K2). The product's strength written
    anywhere in the text still makes it the product: "naltrexone/bupropion 8 mg/90 mg" reads its
    first number as the bupropion's (product_text.py), yet is Contrave."""
    for c in components:
        mg = row.strengths.get(c.ingredient)
        if mg is None or c.strength_mg is None:
            continue
        if (c.per_ml or not math.isclose(c.strength_mg, mg)) and not _writes_mg(texts, mg):
            return False
    return True


def _lone_component(components: tuple[Component, ...]) -> Product | None:
    """A product the table does not list, of one antidepressant and ingredients that are no
    pathway drugs, written as RxNorm writes a combination ("A 90 MG / B 8 MG"): named by the
    first word of each part (review 10 recheck R2)."""
    display = (components[0].display or "") if len(components) == 1 else ""
    # Two parts that each begin with a name: "20 mg / 5 mL" is a liquid's strength, no second
    # ingredient ("fluoxetine 20 mg / 5 mL oral solution").
    parts = [part.split() for part in display.split(" / ")]
    names = [words[0].lower() for words in parts if words and words[0][:1].isalpha()]
    if len(names) < 2:
        return None
    info = drug_info(components[0].ingredient)
    if (
        info is None
        or info.role is not Role.ANTIDEPRESSANT
        or len(components_of(info.ingredient)) > 1
    ):
        return None  # Auvelity is a combination row of its own (drug_table.components)
    return Product("/".join(names))


@lru_cache(maxsize=4096)
def product_of(
    components: tuple[Component, ...],
) -> tuple[Product | None, tuple[Component, ...]]:
    """(the combination product a record's components were read from, else None; the components
    with the strength the product table gives a product of one strength). Remembered, bounded:
    a chart names the same few products again and again (issue 14)."""
    if not components:
        return None, components
    row, ingredient_texts = _listed(components)
    if (
        row is not None
        and ingredient_texts
        and row.strengths
        and not _strengths_are_the_products(row, components, ingredient_texts)
    ):
        # Named by its ingredients at other strengths: no product at all, each drug its own
        # course at the strength written (not an unlisted combination either).
        return None, components
    if row is None:
        if len(components) > 1:
            return Product("/".join(c.ingredient for c in components)), components
        return _lone_component(components), components
    strengths = row.strengths
    if not strengths and not ingredient_texts and all(c.strength_mg is None for c in components):
        # Named by its brand in text, its strengths written as a pair (combination_strengths.py).
        strengths = written_strengths(components, components[0].display or "") or {}
    if strengths:
        components = tuple(
            replace(c, strength_mg=strengths[c.ingredient], per_ml=False)
            if c.ingredient in strengths
            else c
            for c in components
        )
    return row.product, components


def course_product(
    products: Iterable[Product | None], ingredient: str
) -> tuple[Product | None, Judgement | None]:
    """(the product of a course whose records name `products`, one per record: the first that
    names one; the NOT_A_TRIAL judgement when every record of the course is of a product that
    does not count as a trial, else None). A course that also has records of the drug on its
    own (Wellbutrin beside Contrave) stays a course of the antidepressant, judged as any."""
    found = list(products)
    first = next((p for p in found if p is not None), None)
    if first is None or not all(p is not None and not p.counts_as_trial for p in found):
        return first, None
    named = f"{first.brand} ({first.name})" if first.brand else first.name
    use = f", a {first.indication} product" if first.indication else ""
    note = (
        f"{ingredient} taken in {named}{use}: not an antidepressant trial or augmentation; "
        f"its {ingredient} counts in the dose, seizure and interaction checks"
    )
    return first, (Verdict.NOT_A_TRIAL, (), (note,))


def product_label(product: Product) -> str:
    """How a card names a product: its brand for one taken for another indication (what the
    patient and the prescriber know it as, and it says at once that it is no psychiatric
    product: "Contrave"); its ingredients otherwise ("fluoxetine/olanzapine"), as cards always
    have."""
    if product.brand is not None and not product.counts_as_trial:
        return product.brand
    return product.name
