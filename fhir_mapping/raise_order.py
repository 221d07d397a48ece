"""A dose raise ordered on a filled course, no fill at the new dose yet (Trial.raise_unfilled,
fhir_mapping/raise_unfilled.py, orders39), and a lowering so (Trial.lower_unfilled, orders41):
apart so that trial.py can name them without reading the events raise_unfilled.py reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class RaiseOrder:
    """The order's day, the daily dose it orders (mg/day) and the latest fill on or after its
    day, at the old dose (orders40: the order's fills cover the old dose), else None."""

    day: date
    mg_per_day: float
    old_fill: date | None = None


@dataclass(frozen=True, slots=True)
class LowerOrder:
    """A dose LOWERING ordered on a filled course after its latest fill, no fill at the new dose
    on or after its day (orders41): the order's day, the daily dose it orders, the dose the fills
    before it show (mg/day), and the latest fill since at that old dose, else None. The course
    reads the new dose from the order's day (raise_unfilled.py says why); cards say it is not
    filled yet and the verdict is judged on the fills (Trial.lower_unfilled)."""

    day: date
    mg_per_day: float
    filled_mg: float
    old_fill: date | None = None
