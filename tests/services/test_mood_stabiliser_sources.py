"""Carbamazepine counts as antimanic cover on a checked source: the
Equetro label's acute manic or mixed episode indication (bipolar I) and its 400 mg/day starting
dose. Its row was UNVERIFIED, so a bipolar order card marked its threshold "(UNVERIFIED)"."""

from __future__ import annotations

import csv
from importlib import resources

from services import mood_cover


def _row(ingredient: str) -> dict[str, str]:
    text = resources.files("services").joinpath("data/mood_stabilisers.csv").read_text("utf-8")
    return next(r for r in csv.DictReader(text.splitlines()) if r["ingredient"] == ingredient)


def test_carbamazepine_is_antimanic_cover_on_the_equetro_label() -> None:
    row = _row("carbamazepine")
    assert row["antimanic"] == "true"
    assert row["status"] == "corroborated"
    assert "Equetro" in row["source"] and "acute manic or mixed" in row["source"]


def test_carbamazepine_threshold_is_the_labelled_starting_dose_not_unverified() -> None:
    dose = mood_cover.antimanic_dose("carbamazepine")
    assert dose is not None
    assert dose.min_mg == 400
    assert dose.status == "corroborated"  # the order card no longer marks it "(UNVERIFIED)"


def test_haloperidol_antimanic_row_cites_a_source() -> None:
    row = _row("haloperidol")
    assert row["status"] == "corroborated"
    assert "acute manic" in row["source"]
