"""Dating facts of data/gestation.csv (each row's source there), read by services/pregnancy_now.py
(gestational age) and services/past_births.py (which delivery can end this pregnancy). Apart from
pregnancy_now.py, which was at the 400-line limit (fix preg65)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Gestation:
    """Facts of data/gestation.csv (each row's source there)."""

    edd_from_lmp_days: int
    z3a_first_week: int
    z3a_last_week: int
    delivery_min_weeks: int


@cache
def gestation() -> Gestation:
    text = resources.files("services").joinpath("data/gestation.csv").read_text("utf-8")
    values = {row["name"]: int(row["value"]) for row in csv.DictReader(text.splitlines())}
    return Gestation(**values)
