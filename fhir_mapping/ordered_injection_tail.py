"""The tail of a long-acting injectable antipsychotic known from its orders and fills only, no
MAR (fix lai63, lai62's leftover).

lai62 gave the MAR's injection courses a tail (injection_tail.py); a course read from an Epic
clinic-administered order and its fill had none: Abilify Maintena 400 mg, the order completed
and filled 35 days before as-of, ended with its 28-day supply, and a quetiapine draft got no
stacking card, brexpiprazole stayed one click. The label's interval plus grace (data/
injection_intervals.csv) is longer than the supply a fill states, and the drug acts for weeks
after that. Such a course carries a tail from its latest order or fill: its last injection read
as that day, its cover as the course's end as read (the supply), the drug acting until the row's
interval, grace and `tail_days` from that day. The product's own row is not known here (the
event keeps no product words), so the first row of the drug the dose reaches (for aripiprazole
400 mg the Maintena row) is read.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.injection_courses import interval_of
from fhir_mapping.injection_tail import InjectionTail
from fhir_mapping.record import DoseBasis

_ORDERED = (EventKind.ORDER, EventKind.DISPENSE)


def ordered_tail(events: Sequence[MedicationEvent], end: date) -> InjectionTail | None:
    """The tail of the course whose events are `events` and whose end as read is `end` (module
    docstring), or None: not a long-acting injection ordered or filled, or no row of it."""
    given = [e for e in events if e.kind in _ORDERED and e.dose_basis is DoseBasis.INTERVAL]
    if not given:
        return None
    last = max(given, key=lambda e: e.start)
    row = interval_of(last.ingredient, "", last.mg_per_administration)
    if row is None:
        return None
    covered = last.start + timedelta(days=row.interval_days + row.grace_days - 1)
    # Its cover as read is the course's end (a supply shorter than the label's interval leaves
    # no gap in which the drug is neither running nor acting); it acts until the later of the
    # two plus the tail.
    return InjectionTail(
        last.start, min(end, covered), max(end, covered) + timedelta(days=row.tail_days)
    )
