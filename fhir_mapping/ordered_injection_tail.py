"""The tail of a long-acting injectable antipsychotic known from its orders and fills only, no
MAR (fix lai63, lai62's leftover).

lai62 gave the MAR's injection courses a tail (injection_tail.py); a course read from an Epic
clinic-administered order and its fill had none: Abilify Maintena 400 mg, the order completed
and filled 35 days before as-of, ended with its 28-day supply, and a quetiapine draft got no
stacking card, brexpiprazole stayed one click. The label's interval plus grace (data/
injection_intervals.csv) is longer than the supply a fill states, and the drug acts for weeks
after that. Such a course carries a tail from its latest order or fill: its last injection read
as that day, its cover as the course's end as read (the supply), the drug acting until the row's
interval, grace and `tail_days` from that day.

Fix psy62 (lai63's leftover): the row is the product's the order or fill names
(MedicationEvent.injection_names: its RxNorm display, text, Medication code, "ARISTADA",
"aripiprazole lauroxil", "Abilify Asimtufii", "Invega Trinza"), read as injection_courses.py reads
the MAR's. Before, the first row the dose reached was read: Aristada 882 mg with the Maintena row
(31 + 14 days, tail 93), not its own (42 + 14, tail 70). When no product is named ("aripiprazole
960 mg ER suspension", a generic RxNorm order), the dose alone does not tell the product (the
table keys a product-less row by its lowest dose only), so the row of the drug whose
interval, grace and tail end latest, among those the dose reaches, is read: the safer reading,
as the table's own "the longer schedule read" rows are, because a drug read as still acting
holds a second antipsychotic (no stacking in one click), while a tail read too short lets one be
offered beside a depot still acting (the cost of too long: a stacking card a clinician can
dismiss). The dose reaches a row with a `min_mg` at or below it and a row keyed by no product;
a row keyed by its product only (Abilify Asimtufii, Invega Hafyera, Risperdal Consta) is not
one a dose reaches: unnamed paliperidone 156 mg is Invega Sustenna, never read with Hafyera's
318-day tail. Aripiprazole 1064 mg unnamed: Aristada 1064's row (61 + 14, tail 110), not
Maintena's (before); 882 mg unnamed: Maintena's (31 + 14 + 93 = 138 days acting) over Aristada
882's (126).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.injection_courses import IntervalRow, interval_of, interval_rows
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
    row = _row(last.ingredient, last.injection_names or "", last.mg_per_administration)
    if row is None:
        return None
    covered = last.start + timedelta(days=row.interval_days + row.grace_days - 1)
    # Its cover as read is the course's end (a supply shorter than the label's interval leaves
    # no gap in which the drug is neither running nor acting); it acts until the later of the
    # two plus the tail.
    return InjectionTail(
        last.start, min(end, covered), max(end, covered) + timedelta(days=row.tail_days)
    )


def _row(ingredient: str, names: str, mg: float | None) -> IntervalRow | None:
    """The row of the product `names` names, else the longest-acting the dose `mg` reaches
    (module docstring)."""
    rows = interval_rows().get(ingredient, ())
    if any(r.pattern is not None and r.pattern.search(names) for r in rows):
        return interval_of(ingredient, names, mg)
    reached = [
        r
        for r in rows
        if (r.min_mg is None and r.pattern is None)
        or (r.min_mg is not None and mg is not None and mg >= r.min_mg)
    ]
    # max keeps the first of equal rows (table order).
    return max(reached, key=_acting_days, default=None)


def _acting_days(row: IntervalRow) -> int:
    return row.interval_days + row.grace_days + row.tail_days
