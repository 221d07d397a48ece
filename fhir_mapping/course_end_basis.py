"""What an ended course's last day rests on when no record states it (review K58a finding 5).

A course ends on the latest day its records cover. That day is a recorded stop only when a
record states it (an order's boundsPeriod.end, a statement's effectivePeriod.end, a stop the
mapping cut at: `Trial.end_not_recorded`). Otherwise it is worked out: the end of the days'
supply of the last fill, of an order's supply (or the 30 days counted for an order or statement
that states no duration, rule 2d). A card must then say so ("last filled 2026-10-01, 30 days'
supply, to 2026-10-31"), never "last taken on 2026-10-31 as recorded": no dose was recorded
that day (services/washout_state.py). Worked out by course_clusters.end_from.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum


class EndKind(StrEnum):
    """The kind of record an ended course's last day was worked out from."""

    FILL = "fill"  # MedicationDispense: its days' supply
    ORDER = "order"  # MedicationRequest: its supply, or days assumed
    STATEMENT = "statement"  # MedicationStatement: days assumed


@dataclass(frozen=True, slots=True)
class EndFrom:
    """The record an ended course's `end` was worked out from: a fill, an order or a statement, its day (hand-over, authoredOn, effective start) and the days counted
    from it. `until` is the end it explains: a later step that moves the course's end (a ward
    stop, clinic sessions) leaves it behind, and a reader then trusts it no more."""

    kind: EndKind
    day: date
    days: int
    until: date
    assumed: bool = False  # rule 2d: no duration stated, the days counted by assumption
