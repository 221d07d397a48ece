"""Antimanic cover on the as-of date: the mood stabilisers and antipsychotics running at an
antimanic dose, and those running below it (data/mood_stabilisers.csv, services/mood_cover.py).

Apart from pathway.py because no PathwayFacts field reads it: the order checks
(services/order_checks/bipolar.py) and the diagnosis review card ask it of the record directly.
"""

from __future__ import annotations

from fhir_mapping.record import PatientRecord, Trial
from services import mood_cover, tables


def ongoing_mood_stabiliser(record: PatientRecord) -> str | None:
    """An antimanic mood stabiliser or antipsychotic running on the as-of date at an antimanic
    dose (data/mood_stabilisers.csv: the `antimanic` rows, from `min_antimanic_mg_day` when the
    row has one; order-hook review finding 2)."""
    stabilisers = tables.mood_stabilisers()
    return next(
        (
            t.ingredient
            for t in record.trials
            if t.ongoing
            and t.ingredient.lower() in stabilisers
            and not _below_antimanic_dose(t, record)
        ),
        None,
    )


def stabilisers_below_antimanic_dose(record: PatientRecord) -> tuple[Trial, ...]:
    """Antimanic agents running below their antimanic dose (or at a dose not read), which
    `ongoing_mood_stabiliser` does not count: the cards name them and their dose."""
    stabilisers = tables.mood_stabilisers()
    return tuple(
        t
        for t in record.trials
        if t.ongoing and t.ingredient.lower() in stabilisers and _below_antimanic_dose(t, record)
    )


def _below_antimanic_dose(trial: Trial, record: PatientRecord) -> bool:
    return mood_cover.antimanic_dose_short(
        trial.ingredient, trial.current_mg_per_day, trial.dose_basis
    ) and not mood_cover.in_labelled_combination(trial, record)
