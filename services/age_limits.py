"""Labelled maximum doses for older adults (issue 11 item 5): data/older_adult_doses.csv.

Citalopram above 20 mg/day over 60 prolongs the QT interval (FDA 2011, revised 2012); a few other
labels set an older-adult maximum (escitalopram, paroxetine, imipramine, desipramine). Order hooks
warn when a draft exceeds it, patient-view when a running dose does, and a dose the service proposes
never goes above it (`capped`).

A row may name a release formulation (column `formulation`, a fhir_mapping/data/formulations.csv
key): paroxetine CR's label starts older adults at 12.5 mg/day and stops at 50, where the
immediate-release label says 10 and 40 (s25 RK1 finding 3: a CR 25 mg start at 80 was told to
start at 10 mg/day, a strength CR does not come in). A draft or course taken in that formulation
is judged by its row; any other (immediate release, or no form named) by the drug's row, the
lower limits (the safer reading when the form is not known).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping import formulations
from services.drug_rule_rows import optional_number


@dataclass(frozen=True, slots=True)
class AgeLimit:
    ingredient: str
    min_age: int  # the limit applies from this age (inclusive: the safer reading)
    max_mg: float
    note: str
    # The short citation a card prints ("Lexapro US label, Dosage (elderly)"); `source` keeps the
    # long provenance (where it was read, what was not confirmed) for whoever maintains the table
    # and is never printed (data/README.md: cards print a cite, never a source).
    cite: str
    source: str
    status: str
    # "maximum": the label says not to exceed it (citalopram over 60, paroxetine, desipramine);
    # "recommended": the label gives the usual or recommended older-adult dose (escitalopram
    # 10 mg/day, imipramine "generally not necessary to exceed"), which cards must not call a
    # maximum (order-hook review finding 11).
    kind: str = "maximum"
    # The guidelines.csv key a card about this limit names as its source: the FDA citalopram
    # communication for citalopram only, the drug's own label (fda-labels) for the others
    # (audit 13 WRONG 11).
    guideline: str = "fda-labels"
    # The label's older-adult start dose (column start_mg_day: Paxil "10 mg/day for elderly or
    # debilitated patients", Tofranil "30 to 40 mg/day" read at 40), or None where the label gives
    # none: a NEW start above it gets a caution (order_checks/older_adult_start.py, s25 FA item 2).
    start_mg: float | None = None
    # The formulations.csv key of a row that holds for one release form only ("paroxetine-cr"),
    # None for the drug's row.
    formulation: str | None = None

    def form(self) -> str:
        """ " CR" after the drug's name on a card when the row is one formulation's, else ""."""
        found = formulations.get(self.formulation)
        return f" {found.shown_as}" if found is not None else ""

    def words(self) -> str:
        """ "labelled maximum" or "labelled recommended dose", as the label says it."""
        return "labelled maximum" if self.kind == "maximum" else "labelled recommended dose"

    def short(self) -> str:
        """ "older-adult maximum" or "older-adult recommended dose", for a short summary."""
        return "older-adult maximum" if self.kind == "maximum" else "older-adult recommended dose"

    def labelled(self, mg: str) -> str:
        """ "labelled 20 mg/day maximum" / "labelled recommended 10 mg/day" (`mg` formatted)."""
        if self.kind == "maximum":
            return f"labelled {mg} mg/day maximum"
        return f"labelled recommended {mg} mg/day"


def _row(row: dict[str, str]) -> AgeLimit:
    return AgeLimit(
        ingredient=row["ingredient"].strip().lower(),
        min_age=int(row["min_age"]),
        max_mg=float(row["max_mg_day"]),
        note=row["note"].strip(),
        cite=row["cite"].strip(),
        source=row["source"].strip(),
        status=row["status"].strip(),
        kind=row["limit_kind"].strip(),
        guideline=(row.get("guideline") or "").strip() or "fda-labels",
        start_mg=optional_number(row.get("start_mg_day") or ""),
        formulation=(row.get("formulation") or "").strip() or None,
    )


@cache
def _rows() -> tuple[dict[str, str], ...]:
    text = resources.files("services").joinpath("data/older_adult_doses.csv").read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines()))


@cache
def limits() -> dict[str, AgeLimit]:
    """The drug rows (no formulation named), by ingredient."""
    return {
        row["ingredient"].strip().lower(): _row(row)
        for row in _rows()
        if not (row.get("formulation") or "").strip()
    }


@cache
def formulation_limits() -> dict[str, AgeLimit]:
    """The rows of one release formulation, by its formulations.csv key ("paroxetine-cr")."""
    return {form: _row(row) for row in _rows() if (form := (row.get("formulation") or "").strip())}


def _row_for(ingredient: str, formulation: str | None) -> AgeLimit | None:
    """The formulation's own row when it has one (of this ingredient), else the drug's."""
    own = formulation_limits().get(formulation) if formulation else None
    if own is not None and own.ingredient == ingredient.lower():
        return own
    return limits().get(ingredient.lower())


def limit_for(ingredient: str, age: int | None, formulation: str | None = None) -> AgeLimit | None:
    """The older-adult maximum that applies to this patient, or None (no label limit, or the age
    is unknown: an unknown age is not assumed old, and the cards do not guess). `formulation`:
    the draft's or course's release form (module docstring)."""
    if age is None:
        return None
    limit = _row_for(ingredient, formulation)
    return limit if limit is not None and age >= limit.min_age else None


def exceeded(
    ingredient: str, age: int | None, mg_per_day: float | None, formulation: str | None = None
) -> AgeLimit | None:
    """The limit a daily dose is above, or None."""
    limit = limit_for(ingredient, age, formulation)
    if limit is None or mg_per_day is None or mg_per_day <= limit.max_mg:
        return None
    return limit


def start_above(
    ingredient: str, age: int | None, mg_per_day: float | None, formulation: str | None = None
) -> AgeLimit | None:
    """The older-adult row whose labelled start dose a daily dose is above, or None (no start in
    the label, the age unknown or below the row's, the dose not read or within the start)."""
    limit = limit_for(ingredient, age, formulation)
    if limit is None or limit.start_mg is None or mg_per_day is None:
        return None
    return limit if mg_per_day > limit.start_mg else None


def capped(
    ingredient: str, age: int | None, mg_per_day: float | None, formulation: str | None = None
) -> float | None:
    """A proposed daily dose, lowered to the older-adult maximum where one applies."""
    limit = limit_for(ingredient, age, formulation)
    if limit is None or mg_per_day is None:
        return mg_per_day
    return min(mg_per_day, limit.max_mg)


def label(limit: AgeLimit) -> str:
    """The card line: the label's words and the row's short cite."""
    status = "" if limit.status != "UNVERIFIED" else " (UNVERIFIED)"
    return f"{limit.note}. Source: {limit.cite}{status}."
