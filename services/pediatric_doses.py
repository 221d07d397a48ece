"""The labelled pediatric doses for depression (review s27 RC finding 4): data/pediatric_doses.csv.

Two antidepressants are FDA-approved for depression under 18, fluoxetine from 8 and escitalopram
from 12 (data/age_restricted_antidepressants.csv), and their labels give a pediatric dose below
the adult range: Prozac 2.2 10-20 mg/day (lower-weight children may stay at 10), Lexapro 2.1
10-20 mg/day for adolescents. Fluoxetine 60 mg/day drafted at 9 passed with no dose line, as 60 is
the top of the adult range (CANMAT 2023 Table 3.3). An order above the row's top gets the age-limit
card (order_checks/pediatric_dose.py): information up to the top dose trials in the age group
used (fluoxetine 40 mg/day in TADS 2004: review s27 RQ2 finding 1), a warning above it. Below a row's `min_age` the under-age line speaks instead
(order_checks/caution_lines.under_min_age_line): no row applies there.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from services.card_format import fmt_mg


@dataclass(frozen=True, slots=True)
class PediatricDose:
    ingredient: str
    min_age: int  # the row holds from this age (inclusive) ...
    below_age: int  # ... up to this age (exclusive)
    start_mg: float
    max_mg: float  # the top of the dose the label gives for pediatric depression
    dose_words: str  # "10-20 mg/day (start 10 mg/day; ...)", as the card says it
    cite: str  # the short citation a card prints ("Prozac label 2.2")
    # The top dose trials in this age group used (fluoxetine 40 mg/day, TADS 2004), above the
    # label's; None where the label's top is also the adult maximum (escitalopram 20 mg/day).
    trial_max_mg: float | None
    trial_cite: str
    trial_min_age: int | None  # the trials' youngest age (TADS 2004: 12); below it, the label
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
            trial_max_mg=float(r["trial_max_mg_day"]) if r["trial_max_mg_day"].strip() else None,
            trial_min_age=int(r["trial_min_age"]) if r["trial_min_age"].strip() else None,
            trial_cite=r["trial_cite"].strip(),
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


def within_trials(row: PediatricDose, mg_per_day: float | None, years: int | None) -> bool:
    """Whether a dose above the label's pediatric top is still within the dose trials in the age
    group used (fluoxetine 40 mg/day at 12-17, TADS 2004): then the line is information. Below
    the trials' youngest age the label's top is all the evidence (a warning, the safer line)."""
    return (
        row.trial_max_mg is not None
        and mg_per_day is not None
        and mg_per_day <= row.trial_max_mg
        and (row.trial_min_age is None or (years is not None and years >= row.trial_min_age))
    )


def range_words(row: PediatricDose) -> str:
    """ "10-20 mg/day, the dose Prozac label 2.2 gives under 18; trials in adolescents used up to
    40 mg/day (TADS 2004)": the pediatric range as the optimise card and the order card say it."""
    words = (
        f"{fmt_mg(row.start_mg)}-{fmt_mg(row.max_mg)} mg/day, the dose {row.cite} gives under "
        f"{row.below_age}"
    )
    if row.trial_max_mg is None:
        return words
    return f"{words}; {trials_words(row)}"


def trials_words(row: PediatricDose) -> str:
    """ "trials in adolescents used up to 40 mg/day (TADS 2004)", or "" with no trial dose."""
    if row.trial_max_mg is None:
        return ""
    return f"trials in adolescents used up to {fmt_mg(row.trial_max_mg)} mg/day ({row.trial_cite})"
