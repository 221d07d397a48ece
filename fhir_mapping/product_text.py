"""Reading the drugs a product name or free text names: "sertraline 50 MG Oral Tablet [Zoloft]".

Rule 3 of the order of evidence (terminology.py): the text normalised (case, tall-man letters),
each ingredient, alias or brand name found on its own (so salts need no list), and the strength
that follows each ingredient ("fluoxetine 25 MG / olanzapine 6 MG": one component per ingredient);
names that together make a fixed combination count as that drug, and an ingredient that needs a
form it is not written in is read as the drug table says. Also `Component`, what every reading
returns. Apart from the concept reading (drug_concept.py), which reads codes first and comes here
for strengths and for concepts with no code it knows.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from fhir_mapping.dose import unit_factor
from fhir_mapping.drug_table import drug_info
from fhir_mapping.drug_vocabulary import (
    _combinations,
    _exclusion_pattern,
    _names,
    _products,
    _required_forms,
    _text_contexts,
    _without_form,
)


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


# Every number a strength list writes in mg: "45 mg-105 mg", "45-105 mg", "8/90 mg", "105 mg"
# (a number followed by another after "-" or "/", or by "mg").
_LISTED_MG = re.compile(
    r"(?<![\d.])(\d+(?:\.\d+)?)\s*(?:mg(?![a-z]))?\s*(?=[-/]\s*\d)|(?<![\d.])(\d+(?:\.\d+)?)\s*mg(?![a-z])"
)


@lru_cache(maxsize=64)
def _product_strengths(ingredient: str) -> frozenset[float]:
    """The strengths per unit (mg) the product table knows for a drug of its own
    (data/rxnorm_products.csv: Auvelity's 105 mg of bupropion)."""
    return frozenset(
        strength
        for product in _products().values()
        if product.ingredients == (ingredient,) and not product.per_ml
        for strength in product.strengths
        if strength is not None
    )


def _combination_brand_strength(ingredient: str, segment: str) -> float | None:
    """The strength of a brand of a fixed combination ("Auvelity 45 mg-105 mg tablet": its
    dextromethorphan and bupropion), in the component its dose range is written in: the one
    number written that is a strength the product table knows for the drug (105), else None.

    The first number is not it: "45 mg" is the dextromethorphan, and read as the drug's
    strength it made a 45 mg/day order "below the 105 mg/day minimum". A brand's text does not
    say which number is whose (RxNorm's names do: "bupropion ... 105 MG / dextromethorphan ...
    45 MG"), so a number the table does not know, or more than one it knows, leaves the strength
    unread (a dose to confirm), never a wrong one."""
    written = {float(a or b) for a, b in _LISTED_MG.findall(segment)}
    known = written & _product_strengths(ingredient)
    return next(iter(known)) if len(known) == 1 else None


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
        segment = normalised[mention.end : segment_end]
        if mention.kind == "brand" and mention.ingredients[0] in dict(_combinations()):
            # "Auvelity 45 mg-105 mg": which number is the drug's (_combination_brand_strength).
            alone = segment if _LISTED_MG.search(segment) or len(mentions) > 1 else normalised
            strength = _combination_brand_strength(mention.ingredients[0], alone)
            found.append((mention.ingredients[0], strength, False))
            continue
        strength, per_ml = _strength(segment)
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
    kept = tuple(c for c in components.values() if _in_drug_context(c.ingredient, normalised))
    return _with_required_forms(kept, normalised)


def _in_drug_context(ingredient: str, normalised_text: str) -> bool:
    """Whether free text names the ingredient as a drug (data/text_name_contexts.csv): the bare
    word "thyroid" counts as desiccated thyroid only beside a strength, a brand or "desiccated",
    and never beside an antithyroid drug ("Thyroid blocker - PTU 50 mg", "anti thyroid med per
    endo" were read as thyroid replacement in a thyrotoxic patient: recheck 18a t01b). Not
    reading it is the safer error: a replacement left unread loses an info caution beside a
    liothyronine order, while an antithyroid drug read as replacement tells the prescriber the
    opposite of the patient's condition."""
    context = _text_contexts().get(ingredient)
    if context is None:
        return True
    needs_any, never_with = context
    if never_with is not None and never_with.search(normalised_text):
        return False
    return needs_any is None or needs_any.search(normalised_text) is not None


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
