"""Adjuncts that share a mechanism (services/data/adjunct_mechanisms.csv): aripiprazole,
brexpiprazole and cariprazine are dopamine D2 partial agonists. After one of them failed as an
adjunct, the optimise card names the next one's shared mechanism beside it (review 16 W6: the one
one-click left was brexpiprazole after aripiprazole failed, with nothing said), so the choice
between it and an adjunct of another mechanism is the clinician's, made knowingly."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class AdjunctMechanism:
    ingredient: str
    mechanism: str  # "dopamine D2 partial agonist"
    short: str  # as a card line says it: "D2 partial agonist"
    source: str
    status: str


@cache
def _table() -> dict[str, AdjunctMechanism]:
    text = resources.files("services").joinpath("data/adjunct_mechanisms.csv").read_text("utf-8")
    return {row["ingredient"]: AdjunctMechanism(**row) for row in csv.DictReader(text.splitlines())}


def mechanism(ingredient: str) -> AdjunctMechanism | None:
    """The drug's row, or None for a drug the table does not group (lithium, liothyronine)."""
    return _table().get(ingredient)


def shares_mechanism(ingredient: str, other: str) -> bool:
    """Whether two different drugs have the same mechanism in the table."""
    if ingredient == other:
        return False
    mine, theirs = mechanism(ingredient), mechanism(other)
    return mine is not None and theirs is not None and mine.mechanism == theirs.mechanism
