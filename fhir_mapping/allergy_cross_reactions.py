"""The drugs one allergen stands for beside itself, where a label says so
(data/allergy_cross_reactions.csv: citalopram and its S-enantiomer escitalopram, venlafaxine and
its active metabolite desvenlafaxine; review 16 recheck U-a). Moved out of allergy_classes.py
(which re-exports it) to keep that module under 400 lines (s31 allergy38)."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class CrossReaction:
    """`drug` is held back by an allergy to `allergen`: "{drug} {relation}" says why."""

    drug: str
    allergen: str
    relation: str


@cache
def _cross_reactions() -> Mapping[str, tuple[CrossReaction, ...]]:
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/allergy_cross_reactions.csv")
        .read_text("utf-8")
    )
    found: dict[str, tuple[CrossReaction, ...]] = {}
    for row in csv.DictReader(text.splitlines()):
        allergen = row["allergen"].strip()
        reaction = CrossReaction(row["drug"].strip(), allergen, row["relation"].strip())
        found[allergen] = (*found.get(allergen, ()), reaction)
    return found


def cross_reactions(allergen: str) -> tuple[CrossReaction, ...]:
    """The drugs an allergy to `allergen` holds back beside itself (citalopram for an
    escitalopram allergy, and the reverse): () for most drugs."""
    return _cross_reactions().get(allergen, ())
