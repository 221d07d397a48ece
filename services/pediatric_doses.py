"""The labelled pediatric doses for depression (review s27 RC finding 4): data/pediatric_doses.csv.

Two antidepressants are FDA-approved for depression under 18, fluoxetine from 8 and escitalopram
from 12 (data/age_restricted_antidepressants.csv), and their labels give a pediatric dose below
the adult range: Prozac 2.2 10-20 mg/day (lower-weight children may stay at 10), Lexapro 2.1
10-20 mg/day for adolescents. Fluoxetine 60 mg/day drafted at 9 passed with no dose line, as 60 is
the top of the adult range (CANMAT 2023 Table 3.3). An order above the row's top gets the age-limit
card (order_checks/pediatric_dose.py). Below a row's `min_age` the under-age line speaks instead
(order_checks/caution_lines.under_min_age_line): no row applies there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class PediatricDose:
    ingredient: str
    min_age: int  # the row holds from this age (inclusive) ...
    below_age: int  # ... up to this age (exclusive)
    start_mg: float
    max_mg: float  # the top of the dose the label gives for pediatric depression
    dose_words: str  # "10-20 mg/day (start 10 mg/day; ...)", as the card says it
    cite: str  # the short citation a card prints ("Prozac label 2.2")
    source: str  # how it was read: for maintainers, never printed
    status: str


@cache
def rows() -> tuple[PediatricDose, ...]:
    text = resources.files("services").joinpath("data/pediatric_doses.csv").read_text("utf-8")
    return tuple(
        PediatricDose(
            ingredient=r["ingredient"].strip().lower(),
            min_age=int(r["min_age"]),
            below_age=int(r["below_age"]),
            start_mg=float(r["start_mg_day"]),
            max_mg=float(r["max_mg_day"]),
            dose_words=r["dose_words"].strip(),
            cite=r["cite"].strip(),
            source=r["source"].strip(),
            status=r["status"].strip(),
        )
        for r in csv.DictReader(text.splitlines())
    )


def row_for(ingredient: str, age: int | None) -> PediatricDose | None:
    """The row of this drug at this age, or None (an unknown age is not assumed young)."""
    if age is None:
        return None
    name = ingredient.lower()
    return next(
        (r for r in rows() if r.ingredient == name and r.min_age <= age < r.below_age), None
    )


def exceeded(ingredient: str, age: int | None, mg_per_day: float | None) -> PediatricDose | None:
    """The row whose top a daily dose is above, or None."""
    row = row_for(ingredient, age)
    if row is None or mg_per_day is None or mg_per_day <= row.max_mg:
        return None
    return row
