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

So (`close_at_ward_stop`, on one drug's spans): an open home order (status `active`, with no
stated end or one after the ward's stop: Epic writes an "Until" date a year on as the
boundsPeriod end, review s27 K2 finding 2) dated on or before the ward's order runs no further
than the ward's stop when

- every ward order of the drug dated on or after it is finished, with an end (the latest end is
  the stop: a later ward order still open keeps the course running by itself), and
- the ward's last dose of it charted (given or not: a dose refused on the day before discharge
  shows the order still in force) came well before the stay's end: more than
  `policy.ward_stop_days` days before the day the stay ended (WardDose.stay_end, its Encounter's
  period.end; after a transfer, the end of the stay it led to: stay_chains.py), or, for a stay still in progress, before the last day the MAR shows any pathway
  drug given in it (`stays_charted_until`). A ward order charted up to discharge, or with only
  its last day or two not charted, is the usual "resume home medications": the patient goes
  back to the home supply, the open home order's reading (ward_orders.after_the_ward; review
  s27 K2 finding 9: venlafaxine given to 2 days before a discharge read "stopped on the ward").
  Before, the stay's end was not read: the MAR had to go on with another drug after the stop,
  so a drug stopped mid-stay with nothing else charted read as one course run on to as-of (K2
  finding 1). A dose naming no stay tells neither: read as before;
- no dispense of the drug is handed over on or after the stay's end (a stay in progress: after
  its last charted day). A home fill after the discharge shows the drug taken up again
  (restarted at discharge, or by the patient): the home order runs on as before. A fill during
  the stay (a mail-order refill sent while the patient was on the ward) shows nothing of the
  kind (K2 finding 7; before, any fill on or after the stop counted): its span is moved to the
  stop, covering no day, so it does not run the course on by itself.

The later record wins, as a stated end does (rule 2a): the ward's stop is the last word on the
drug, the home order's `active` an entry nobody closed. The span keeps one note, the line the
trial shows: "stopped on the ward 2026-11-11; the home order is still open: reconcile" (the
patient may still hold tablets from it at home). A later order of the drug (a discharge
prescription restarting it) starts a new course (course_clusters.py), as after a prescriber's
stop: the days between were off the drug. Apart from event_spans.py because it reads across one
drug's records (a ward order against a home order), after each span is made.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

from fhir_mapping.adherence_record import DoseReading, WardDose
from fhir_mapping.event_spans import _Span
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.medication_types import ORDER_ENDED
from fhir_mapping.policy import MappingPolicy

_ORDER = EventKind.ORDER
_DISPENSE = EventKind.DISPENSE
_TAKEN = DoseReading.TAKEN
_HELD = DoseReading.HELD
# A home order the ward's stop may close: open (an `on-hold` order covers no time of its own:
# event_spans.py rule 2c).
_OPEN = "active"


def stays_charted_until(events: Iterable[MedicationEvent]) -> dict[str, date]:
    """The last day the MAR shows any pathway drug given in each chain of stays (keyed by the
    stay that ends it, WardDose.chain: a transfer is one stay here, review s28 K5 finding 1),
    for `close_at_ward_stop`: whether the ward went on after a drug's stop."""
    until: dict[str, date] = {}
    for event in events:
        for dose in event.ward_doses:
            key = dose.chain or dose.encounter
            if dose.reading is _TAKEN and key and dose.day > until.get(key, date.min):
                until[key] = dose.day
    return until


def close_at_ward_stop(
    spans: Sequence[_Span],
    dispense_starts: Sequence[date],
    charted: Mapping[str, date],
    policy: MappingPolicy,
) -> bool:
    """Cut each open home order of one drug's `spans` at the ward's later stop (module
    docstring), in place; True when a fill's span was moved to the stop (the spans are then to
    be sorted again). `dispense_starts`: the drug's dispenses, sorted; `charted`:
    `stays_charted_until` of every drug's events."""
    wards = [s.event for s in spans if s.event.kind is _ORDER and s.event.ward_order]
    if not wards:  # nearly every drug: no ward order
        return False
    moved = False
    for span in spans:
        home = span.event
        if home.kind is not _ORDER or home.ward_order or home.status != _OPEN:
            continue
        later = [w for w in wards if w.start >= home.start]
        if not later or any(w.status not in ORDER_ENDED or w.end is None for w in later):
            continue
        last = max(later, key=lambda w: (w.end or date.min, w.start))
        stop = last.end
        if stop is None or span.end <= stop or span.start >= stop:
            continue
        if home.end is not None and home.end <= stop:
            continue  # the home order's own end comes first
        given = _last_given(last)
        if given is None:
            continue
        stay = given.chain or given.encounter
        ward_until = given.stay_end or (charted.get(stay) if stay else None)
        if ward_until is None or (ward_until - _last_charted(last)).days <= policy.ward_stop_days:
            continue  # charted up to the stay's end (the home supply taken up again), or not told
        # A fill on or after the discharge (a stay in progress: after its last charted day).
        taken_up = given.stay_end or ward_until + timedelta(days=1)
        if dispense_starts and dispense_starts[-1] >= taken_up:
            continue  # a home fill after the stay: taken up again
        span.end = stop
        span.ward_stop = given.day
        if span.covered_until is not None and span.covered_until >= stop:
            span.covered_until = span.listed = None
        span.note = (
            f"{home.source}: stopped on the ward {span.ward_stop.isoformat()}; the home order "
            "is still open: reconcile"
        )
        for fill in spans:
            if fill.event.kind is not _DISPENSE or fill.end <= stop or fill.start >= taken_up:
                continue
            if fill.start >= stop:
                # Handed over during the stay, after the ward's stop (a mail-order refill): no
                # day on the drug of its own; joined at the stop, which it does not run on.
                fill.start, moved = stop, True
            # A supply running past the stop ends there, as at a stated end (rule 2a).
            fill.end = stop
    return moved


def _last_given(ward: MedicationEvent) -> WardDose | None:
    """The last dose the MAR shows given under the ward's order, None when it shows none."""
    name = str(ward.source)
    given = [d for d in ward.ward_doses if d.reading is _TAKEN and d.request == name]
    return max(given, key=lambda d: d.day) if given else None


def _last_charted(ward: MedicationEvent) -> date:
    """The last day the MAR charts a dose under the ward's order, given or missed (a dose the
    patient refused on the day before discharge was offered: the order was still in force then).

    A dose held (DoseReading.HELD: "Held by provider", NPO, a procedure) does not count: the
    ward order read here is always finished (`close_at_ward_stop` reads only `stopped` or
    `completed` ones), and a hold charted against it day after day is the drug not given on
    purpose, no sign that it goes on (review s28 K5 finding 3: venlafaxine's stopped ward order
    charted "Held by provider" every day to discharge read as charted up to discharge, so the
    open home order ran it on beside the duloxetine that replaced it). Of the two readings this
    is the safer: counted, the drug the ward stopped reads as running (its trial and the later
    PHQ-9s scored against it, two SNRIs on the cards); not counted, the trial ends at the last
    dose given and the card still says the home order is open: reconcile. Against an order
    still active or on hold a held dose is never read here (such an order keeps the course
    running by itself)."""
    name = str(ward.source)
    charted = [d.day for d in ward.ward_doses if d.request == name and d.reading is not _HELD]
    return max(charted) if charted else date.min


def ward_stopped(spans: Sequence[_Span]) -> date | None:
    """The last day the ward gave the drug, when one of the course's home orders was cut at the
    ward's stop while still open (Trial.home_order_open); else None."""
    days = [s.ward_stop for s in spans if s.ward_stop is not None]
    return max(days) if days else None
