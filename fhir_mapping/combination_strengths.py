"""The strengths a combination product's brand text writes ("Symbyax 6-25 mg capsule": meds45,
review K51a finding 4).

A record naming a combination product by its brand in text only (no coding) was read with its
components and no strength: fluoxetine "dose unknown", a missed trial, where the coded product
(RxNorm 403969, fluoxetine 25 MG / olanzapine 6 MG) reads fluoxetine 25 mg. The text does state
the strengths, only not which ingredient each belongs to: a brand writes them in its label's order
(Symbyax: olanzapine/fluoxetine), which no table of ours holds. The product's own strengths do
say it: the RxNorm SCDs of the same ingredients (data/rxnorm_products.csv, from VSAC) give each
product's pair, and the text's pair is read as the one SCD whose strengths are those numbers,
each ingredient then the strength that SCD gives it. Two numbers that are no product's pair, or
that fit more than one product, or a text with more than one pair, read as before (no strength:
never a guess at a dose).
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping.drug_vocabulary import _products
from fhir_mapping.terminology import Component

# Two strengths written together: "6-25 mg", "6 mg/25 mg", "6/25mg" (a text's mg, read as written).
_PAIR = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:mg\s*)?[-/]\s*(\d+(?:\.\d+)?)\s*mg\b", re.IGNORECASE
)


@cache
def _pairs() -> dict[tuple[str, ...], tuple[dict[str, float], ...]]:
    """Each two-ingredient product's strengths by ingredient, the SCDs of one pair together."""
    found: dict[tuple[str, ...], list[dict[str, float]]] = {}
    for product in _products().values():
        strengths = product.strengths
        if (
            product.tty != "SCD"
            or product.excluded
            or product.per_ml
            or len(product.ingredients) != 2
            or any(s is None for s in strengths)
        ):
            continue
        pair = {i: s for i, s in zip(product.ingredients, strengths, strict=True) if s is not None}
        found.setdefault(tuple(sorted(product.ingredients)), []).append(pair)
    return {key: tuple(value) for key, value in found.items()}


def written_strengths(components: tuple[Component, ...], text: str) -> dict[str, float] | None:
    """Each component's strength as `text` writes the pair (module docstring), else None."""
    products = _pairs().get(tuple(sorted(c.ingredient for c in components)))
    if not products:
        return None
    written = _PAIR.findall(text)
    if len(written) != 1:
        return None
    numbers = sorted(float(n) for n in written[0])
    fits = [p for p in products if sorted(p.values()) == numbers]
    return fits[0] if len(fits) == 1 else None
