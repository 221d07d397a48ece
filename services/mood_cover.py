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
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import DoseBasis, PatientRecord, Trial
from services import tables


@cache
def _rows() -> tuple[dict[str, str], ...]:
    text = resources.files("services").joinpath("data/mood_stabilisers.csv").read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines()))


@cache
def _reasons() -> dict[str, str]:
    """Ingredient -> why it is not antimanic cover, for the rows whose `antimanic` is false."""
    return {
        row["ingredient"].strip().lower(): row["not_cover_because"].strip()
        for row in _rows()
        if row["antimanic"].strip().lower() != "true"
    }


@dataclass(frozen=True, slots=True)
class AntimanicDose:
    """The daily dose from which an antimanic agent counts as cover against a switch to mania
    (data/mood_stabilisers.csv `min_antimanic_mg_day`, acute-mania doses, with its status)."""

    min_mg: float
    status: str  # confirmed | corroborated | UNVERIFIED (the card marks UNVERIFIED)


@cache
def _antimanic_doses() -> dict[str, AntimanicDose]:
    return {
        row["ingredient"].strip().lower(): AntimanicDose(
            float(row["min_antimanic_mg_day"]), row["dose_status"].strip()
        )
        for row in _rows()
        if row["min_antimanic_mg_day"].strip()
    }


@cache
def _cover_with() -> dict[str, frozenset[str]]:
    """Ingredient -> the drugs with which a labelled combination product counts as cover at any
    dose of it (olanzapine with fluoxetine: Symbyax, labelled for bipolar I depression)."""
    return {
        row["ingredient"].strip().lower(): frozenset(
            part.strip().lower() for part in row["cover_with"].split(";") if part.strip()
        )
        for row in _rows()
        if row["cover_with"].strip()
    }


def in_labelled_combination(trial: Trial, record: PatientRecord) -> bool:
    """`trial` comes from the same resource as a running course of a drug it is labelled with
    for bipolar depression (data/mood_stabilisers.csv `cover_with`): the olanzapine of an
    olanzapine/fluoxetine capsule is cover at the combination's 6-12 mg."""
    partners = _cover_with().get(trial.ingredient.lower())
    if not partners or not trial.sources:
        return False
    mine = set(trial.sources)
    return any(
        t.ongoing and t.ingredient.lower() in partners and mine & set(t.sources)
        for t in record.trials
    )


def antimanic_dose(ingredient: str) -> AntimanicDose | None:
    """The antimanic dose threshold of an agent; None: none. Lithium and valproate have none:
    they are judged by the serum level, which this service does not read, and the dose-to-level
    relation varies too much (age, renal function, interacting drugs) for a dose to stand in for
    it: a course the prescriber titrates by level keeps counting as cover whatever its dose."""
    return _antimanic_doses().get(ingredient.lower())


def antimanic_dose_short(ingredient: str, mg_per_day: float | None, basis: DoseBasis) -> bool:
    """True when an agent with an antimanic dose threshold is not shown to be at it: below the
    table's minimum (quetiapine 25 mg at night, aripiprazole 2 mg as augmentation), or a dose
    that cannot be judged as mg/day (not read, or a per-injection dose). A dose that cannot be
    judged is treated as not cover, the safer reading: the bipolar card then fires and asks.

    `mg_per_day` is the LOWER end of a ranged dose ("25-300 mg at night"; DoseSegment): cover is
    "is the dose high enough to protect", and a dose that may not be taken is no cover."""
    threshold = antimanic_dose(ingredient)
    if threshold is None:
        return False
    if mg_per_day is None or basis is not DoseBasis.DAILY:
        return True
    return mg_per_day < threshold.min_mg


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
