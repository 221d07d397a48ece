"""Dose limits by CYP2C19 / CYP2D6 phenotype (review 13 W4): data/pgx_doses.csv, each row with
its label section (or guideline, for escitalopram, whose label sets none) and where it was read.

The results come from fhir_mapping/pgx.py (record.pgx_results); the order check is
services/order_checks/pgx.py and the optimise card's line `record_line` below. Only the rows
of this table are checked: a phenotype with no row (an ultrarapid CYP2C19 metabolizer on
escitalopram, a CYP2D6 poor metabolizer on a tricyclic) is named by no card here, which the README
says.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping import pgx
from fhir_mapping.record import PgxResult
from services.card_format import fmt_mg
from services.recommendation import Indicator


@dataclass(frozen=True, slots=True)
class PgxRow:
    """One row of data/pgx_doses.csv."""

    ingredient: str
    gene: str
    phenotype: str  # "poor"
    max_mg_day: float
    says: str  # what the label (or guideline) says, as the card quotes it
    short: str  # "at most 20 mg/day"
    cite: str  # "Celexa label 2.2"
    indicator: Indicator
    status: str

    @property
    def flag(self) -> str:
        return " (UNVERIFIED)" if self.status == "UNVERIFIED" else ""

    @property
    def top(self) -> str:
        return f"{fmt_mg(self.max_mg_day)} mg/day"


@cache
def _rows() -> tuple[PgxRow, ...]:
    text = resources.files("services").joinpath("data/pgx_doses.csv").read_text("utf-8")
    return tuple(
        PgxRow(
            ingredient=row["ingredient"].strip().lower(),
            gene=row["gene"].strip(),
            phenotype=row["phenotype"].strip(),
            max_mg_day=float(row["max_mg_day"]),
            says=row["says"],
            short=row["short"],
            cite=row["cite"],
            indicator=Indicator(row["indicator"].strip()),
            status=row["status"].strip(),
        )
        for row in csv.DictReader(text.splitlines())
    )


def rows_for(ingredient: str) -> tuple[PgxRow, ...]:
    return tuple(r for r in _rows() if r.ingredient == ingredient.lower())


def rows_for_result(result: PgxResult) -> tuple[PgxRow, ...]:
    return tuple(r for r in _rows() if r.gene == result.gene and r.phenotype == result.phenotype)


def record_line(results: Sequence[PgxResult]) -> str:
    """The optimise card's line for the results on record (review 13 M7), or "": each gene's
    latest result that a row speaks to ("CYP2C19 poor metabolizer (2024-08-01): citalopram at most
    20 mg/day (Celexa label 2.2) ..."), or that was not interpreted (the drugs of the table are
    then dosed without knowing the phenotype). A result no row speaks to (a normal metabolizer)
    names nothing: it changes no option here."""
    parts: list[str] = []
    for gene in sorted(pgx.genes()):
        result = pgx.latest(results, gene)
        if result is None:
            continue
        if result.phenotype is None:
            parts.append(f"{result.words()}: ask the lab for the phenotype")
            continue
        limits = rows_for_result(result)
        if limits:
            drugs = "; ".join(f"{r.ingredient} {r.short} ({r.cite}{r.flag})" for r in limits)
            parts.append(f"{result.words()}: {drugs}")
    if not parts:
        return ""
    return "**Pharmacogenomic results on record:** " + ". ".join(parts) + "."
