"""Antimanic cover in bipolar disorder: what counts, and what does not and why
(data/mood_stabilisers.csv).

An antidepressant in bipolar I only as an adjunct to an antimanic agent (ISBD 2013; CANMAT/ISBD
2018). Some agents listed as mood stabilisers or antipsychotics give no antimanic cover:
lamotrigine (prevents depressive relapse, no antimanic efficacy), lurasidone (bipolar depression,
not mania), brexpiprazole (no bipolar indication). Each such row says why in `not_cover_because`,
so the order-hook card and the diagnosis review name the drug and the reason in the same words.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

from fhir_mapping.record import PatientRecord
from services import tables


@cache
def _reasons() -> dict[str, str]:
    """Ingredient -> why it is not antimanic cover, for the rows whose `antimanic` is false."""
    text = resources.files("services").joinpath("data/mood_stabilisers.csv").read_text("utf-8")
    return {
        row["ingredient"].strip().lower(): row["not_cover_because"].strip()
        for row in csv.DictReader(text.splitlines())
        if row["antimanic"].strip().lower() != "true"
    }


def why_not_cover(ingredient: str) -> str:
    """ "has no antimanic efficacy" (lamotrigine); a generic phrase for a row without a note."""
    return _reasons().get(ingredient.lower()) or "gives no antimanic cover"


def without_antimanic_cover(record: PatientRecord, *, drafts: bool = True) -> tuple[str, ...]:
    """Agents running (and, with `drafts`, on the order) that give no antimanic cover, in record
    order without repeats: "only lamotrigine (not antimanic)" is what the cards then say."""
    weak = tables.stabilisers_without_antimanic_cover()
    running = [t.ingredient for t in record.trials if t.ongoing and t.ingredient.lower() in weak]
    ordered = (
        [d.ingredient for d in record.draft_orders if d.ingredient.lower() in weak]
        if drafts
        else []
    )
    return tuple(dict.fromkeys(running + ordered))


def only_text(names: tuple[str, ...]) -> str:
    """ "only lamotrigine (not antimanic)", "only lamotrigine and lurasidone (not antimanic)"."""
    return f"only {' and '.join(names)} (not antimanic)"


def reasons_text(names: tuple[str, ...]) -> str:
    """ "Lamotrigine has no antimanic efficacy" for each, joined into one sentence."""
    return "; ".join(f"{n.capitalize()} {why_not_cover(n)}" for n in names)
