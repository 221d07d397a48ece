"""A dose raise ordered on a filled course, no fill at the new dose yet (Trial.raise_unfilled,
fhir_mapping/raise_unfilled.py, orders39): apart so that trial.py can name it without reading
the events raise_unfilled.py reads."""

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
