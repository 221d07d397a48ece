"""Which medication events count, and the one order every later step reads them in (rule 1 of
episodes.py).

An event that says nothing was taken (an order `draft` or `cancelled`, a statement `not-taken`, a
dispense other than `completed`) or that starts after as-of is left out (`_usable`). The rest are
sorted by `_event_key` (start; then an order before a statement before a dispense; then the higher
dose; ...) with exact duplicates dropped (`_sorted_unique`). Apart because the spans, the clusters,
the dose timeline and the notes all rely on that one order: it is defined here, once, and nothing
here reads how long or at what dose a drug was taken.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from operator import eq, itemgetter

from fhir_mapping.events import EventKind, MedicationEvent

_DROPPED: dict[EventKind, frozenset[str]] = {
    EventKind.ORDER: frozenset({"draft", "cancelled", "entered-in-error"}),
    EventKind.STATEMENT: frozenset({"not-taken", "intended", "entered-in-error"}),
}
_KIND_RANK = {EventKind.ORDER: 0, EventKind.STATEMENT: 1, EventKind.DISPENSE: 2}

# Enum members compared once per event, as module constants: on Python 3.11 reading a member off
# its Enum class costs about ten times reading a global (issue 14).
_DISPENSE = EventKind.DISPENSE


def _usable(event: MedicationEvent, as_of: date) -> bool:
    if event.start > as_of:
        return False
    if event.kind is _DISPENSE:
        return event.status == "completed"
    return event.status not in _DROPPED[event.kind]


_EventKey = tuple[date, int, float, str, date, float, str]


def _event_key(e: MedicationEvent) -> _EventKey:
    source = e.source
    return (
        e.start,
        _KIND_RANK[e.kind],
        -(e.mg_per_day if e.mg_per_day is not None else -1.0),
        # str(source), written out: one call fewer per event (issue 14).
        f"{source.resource_type}/{source.id}",
        e.end or date.min,
        e.days_supply if e.days_supply is not None else -1.0,
        e.status,
    )


_SECOND = itemgetter(1)


def _sorted_unique(
    events: Iterable[MedicationEvent],
) -> list[tuple[MedicationEvent, _EventKey]]:
    """The events in _event_key order, each with its key (computed once: it travels with the
    event's span, issue 14), an event equal to an earlier one left out. Equal events have equal
    keys, so duplicates are looked for only among neighbours with the same key, not by hashing
    every event's seventeen fields. Events whose keys tie keep their input order."""
    keyed = sorted([(e, _event_key(e)) for e in events], key=_SECOND)
    unique: list[tuple[MedicationEvent, _EventKey]] = []
    run_start = 0  # where the current run of equal keys starts in `unique`
    last: _EventKey | None = None
    for pair in keyed:
        key = pair[1]
        if key == last:
            event = pair[0]
            if any(event == other for other, _ in unique[run_start:]):
                continue
        else:
            run_start = len(unique)
        last = key  # the key of unique[-1]
        unique.append(pair)
    return unique


_COMPLETED = "completed"


def usable_sorted(
    events: Iterable[MedicationEvent], as_of: date
) -> list[tuple[MedicationEvent, _EventKey]]:
    """`_sorted_unique` of the events `_usable` keeps, as build_trials reads them: each event is
    judged and keyed in one walk, without a call for either (issue 14: the two calls were a sixth
    of building a long course's trial per fill), and when no two neighbours in key order have
    equal keys (nearly always: a chart seldom repeats a resource under two ids) there is no
    duplicate to look for, which is found at C speed. tests/fhir_mapping/test_trial_shortcuts.py
    pins this to the plain reading."""
    keyed: list[tuple[MedicationEvent, _EventKey]] = []
    append = keyed.append
    rank = _KIND_RANK
    dropped = _DROPPED
    for e in events:
        start = e.start
        if start > as_of:
            continue
        kind = e.kind
        status = e.status
        if status != _COMPLETED if kind is _DISPENSE else status in dropped[kind]:
            continue
        mg = e.mg_per_day
        source = e.source
        days = e.days_supply
        append(
            (
                e,
                (  # _event_key(e), written out
                    start,
                    rank[kind],
                    -(mg if mg is not None else -1.0),
                    f"{source.resource_type}/{source.id}",
                    e.end or date.min,
                    days if days is not None else -1.0,
                    status,
                ),
            )
        )
    keyed.sort(key=_SECOND)
    keys = [pair[1] for pair in keyed]
    if any(map(eq, keys, keys[1:])):
        return _sorted_unique([e for e, _ in keyed])  # equal keys: the walk that drops duplicates
    return keyed
