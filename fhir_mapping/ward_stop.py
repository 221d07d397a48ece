"""A drug the ward stopped ends there, though the home order was left open (review s27 RE
finding 3).

On admission the ward writes its own order of a home drug (category `inpatient`, ward_orders.py)
and gives it from the MAR; when the ward stops it (the order `stopped` or `completed`, ended the
day after the last dose given: ward_orders.ended_on_ward), the home (community) order is often
left `active`: discharge reconciliation did not close it. Rule 2c then ran the open home order
on to as-of, so venlafaxine stopped on the ward on 2026-11-11 (duloxetine begun the next day)
read "2026-08-24 -> 2026-12-01 (ongoing)": the later PHQ-9s scored against it, the suicide card's
"venlafaxine, duloxetine are running" and the order hook's "two SNRIs". With the home order
closed the same chart ended venlafaxine on 2026-11-12.

So (`close_at_ward_stop`, on one drug's spans): an open home order (status `active`, no stated
end) dated on or before the ward's order runs no further than the ward's stop when

- every ward order of the drug dated on or after it is finished, with an end (the latest end is
  the stop: a later ward order still open keeps the course running by itself), and
- no dispense of the drug is handed over on or after that stop. A home fill after the ward stop
  shows the drug taken up again (restarted at discharge, or by the patient): the home order runs
  on as before;
- the ward went on charting after the stop: the MAR shows a pathway drug given in the same stay
  (WardDose.encounter) after the day the stop falls on (`stays_charted_until`). A ward order
  that ends with the stay (given up to discharge, then `completed`) is the usual "resume home
  medications": the patient goes back to the home supply, the open home order's reading
  (ward_orders.after_the_ward). A dose naming no stay tells neither: read as before.

The later record wins, as a stated end does (rule 2a): the ward's stop is the last word on the
drug, the home order's `active` an entry nobody closed. The span keeps one note, the line the
trial shows: "stopped on the ward 2026-11-11; the home order is still open: reconcile" (the
patient may still hold tablets from it at home). Apart from event_spans.py because it reads
across one drug's records (a ward order against a home order), after each span is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from fhir_mapping.adherence_record import DoseReading, WardDose
from fhir_mapping.event_spans import _Span
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.medication_types import ORDER_ENDED

_ORDER = EventKind.ORDER
_TAKEN = DoseReading.TAKEN
# A home order the ward's stop may close: open (an `on-hold` order covers no time of its own:
# event_spans.py rule 2c).
_OPEN = "active"


def stays_charted_until(events: Iterable[MedicationEvent]) -> dict[str, date]:
    """The last day the MAR shows any pathway drug given in each stay (WardDose.encounter), for
    `close_at_ward_stop`: whether the ward went on after a drug's stop."""
    until: dict[str, date] = {}
    for event in events:
        for dose in event.ward_doses:
            if (
                dose.reading is _TAKEN
                and dose.encounter
                and dose.day > until.get(dose.encounter, date.min)
            ):
                until[dose.encounter] = dose.day
    return until


def close_at_ward_stop(
    spans: Sequence[_Span], dispense_starts: Sequence[date], charted: Mapping[str, date]
) -> None:
    """Cut each open home order of one drug's `spans` at the ward's later stop (module
    docstring), in place. `dispense_starts`: the drug's dispenses, sorted; `charted`:
    `stays_charted_until` of every drug's events."""
    wards = [s.event for s in spans if s.event.kind is _ORDER and s.event.ward_order]
    if not wards:  # nearly every drug: no ward order
        return
    for span in spans:
        home = span.event
        if home.kind is not _ORDER or home.ward_order or home.status != _OPEN or home.end:
            continue
        later = [w for w in wards if w.start >= home.start]
        if not later or any(w.status not in ORDER_ENDED or w.end is None for w in later):
            continue
        last = max(later, key=lambda w: (w.end or date.min, w.start))
        stop = last.end
        if stop is None or span.end <= stop or span.start >= stop:
            continue
        if dispense_starts and dispense_starts[-1] >= stop:
            continue  # a home fill after the ward's stop: taken up again
        given = _last_given(last)
        if given is None or charted.get(given.encounter, date.min) <= stop:
            continue  # ended with the stay (the home supply taken up again), or not told
        span.end = stop
        span.ward_stop = given.day
        if span.covered_until is not None and span.covered_until >= stop:
            span.covered_until = span.listed = None
        span.note = (
            f"{home.source}: stopped on the ward {span.ward_stop.isoformat()}; the home order "
            "is still open: reconcile"
        )


def _last_given(ward: MedicationEvent) -> WardDose | None:
    """The last dose the MAR shows given under the ward's order, None when it shows none."""
    name = str(ward.source)
    given = [d for d in ward.ward_doses if d.reading is _TAKEN and d.request == name]
    return max(given, key=lambda d: d.day) if given else None


def ward_stopped(spans: Sequence[_Span]) -> date | None:
    """The last day the ward gave the drug, when one of the course's home orders was cut at the
    ward's stop while still open (Trial.home_order_open); else None."""
    days = [s.ward_stop for s in spans if s.ward_stop is not None]
    return max(days) if days else None
