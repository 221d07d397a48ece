"""Which long-acting aripiprazole product an injection is, when its record names only the drug
and the dose (fix care67, care66's leftover).

Before, "aripiprazole 720 mg" or "960 mg" given with no product named was read with the
any-product row of data/injection_intervals.csv: Abilify Maintena's month (31 + 14 days), so a
two-monthly Abilify Asimtufii injection 52 days before as-of read as a missed dose. The label
strengths of each product (data/injection_dose_products.csv) tell the product when only one has
that dose: the injection is read as it, and the cards say so ("read as Abilify Asimtufii by its
dose"). A dose no product has (500 mg), or one the named product does not have (Abilify
Maintena 720 mg), is never read as another product's dose: the cards ask to confirm it
("dose not matched to a product: confirm"), and the row read is the named product's, or with
none named the longest-acting one the drug has (the safer reading, as ordered_injection_tail.py:
a drug read as still acting holds a second antipsychotic; the cost of too long is a stacking
card a clinician can dismiss).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.dose_basis import term_pattern

# Said after the dose when it fits no product (project wording; the cards put it in brackets).
NOT_MATCHED = "dose not matched to a product: confirm"


@dataclass(frozen=True, slots=True)
class DoseProduct:
    ingredient: str
    product: str  # "Abilify Asimtufii"
    term: str  # the first product term: what the interval row of the product is keyed by
    pattern: re.Pattern[str]
    doses_mg: frozenset[float]


@dataclass(frozen=True, slots=True)
class ProductReading:
    names: str  # the names to read the interval row with (a product term added when read by dose)
    note: str  # "read as Aristada by its dose", NOT_MATCHED, or ""
    longest: bool  # no product named or matched: the longest-acting row is read


@cache
def _products() -> dict[str, tuple[DoseProduct, ...]]:
    path = resources.files("fhir_mapping").joinpath("data/injection_dose_products.csv")
    found: dict[str, list[DoseProduct]] = {}
    for row in csv.DictReader(path.read_text("utf-8").splitlines()):
        terms = [t.strip().lower() for t in row["product_terms"].split(";") if t.strip()]
        ingredient = row["ingredient"].strip().lower()
        found.setdefault(ingredient, []).append(
            DoseProduct(
                ingredient=ingredient,
                product=row["product"].strip(),
                term=terms[0],
                pattern=re.compile("|".join(map(term_pattern, terms))),
                doses_mg=frozenset(float(d) for d in row["doses_mg"].split(";") if d.strip()),
            )
        )
    return {ingredient: tuple(rows) for ingredient, rows in found.items()}


def reading(ingredient: str, names: str, mg: float | None) -> ProductReading:
    """How the injection of `ingredient` named `names` (lower case) at `mg` is read (module
    docstring); names unchanged and no note for a drug the table does not list or an unread
    dose."""
    products = _products().get(ingredient, ())
    if not products or mg is None:
        return ProductReading(names, "", False)
    named = [p for p in products if p.pattern.search(names)]
    if named:
        fits = any(mg in p.doses_mg for p in named)
        return ProductReading(names, "" if fits else NOT_MATCHED, False)
    by_dose = [p for p in products if mg in p.doses_mg]
    if len(by_dose) == 1:
        product = by_dose[0]
        return ProductReading(
            f"{names} | {product.term}", f"read as {product.product} by its dose", False
        )
    return ProductReading(names, NOT_MATCHED, True)
