"""Round-11 first-sight shortcuts of the medication reading (issue 14) read as the plain readings.

- usable_events.usable_sorted: the usable events of a chart, keyed, sorted and unique in one walk,
  exactly as `_sorted_unique` of the events `_usable` keeps (the order every later step reads).
- dose_tables.duration_days: a Duration whose code is written as the unit table writes a time
  unit is read by one lookup, exactly as unit_factor's reading of it.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

import pytest

from bench import inprocess
from fhir_mapping import episodes, medications
from fhir_mapping.dose_tables import _DAYS_BY_CODE, _units, duration_days, unit_factor
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.record import Role, SourceRef
from fhir_mapping.usable_events import _event_key, _sorted_unique, _usable, usable_sorted
from tests.fixtures import sizes, vendor_charts

AS_OF = date(2025, 6, 2)


def _chart_events() -> list[MedicationEvent]:
    resources: list[Any] = list(sizes.flatten(sizes.ten_year()))
    # The benchmark's course of daily fills (bench/inprocess.py): one order, 62 dispenses.
    resources.extend(sizes.flatten(inprocess.with_fills(inprocess.fills_base(AS_OF), 60)))
    for chart in (vendor_charts.epic_chart(), vendor_charts.oracle_chart()):
        resources.extend(r for r in chart.resources if isinstance(r, dict))
    medication = [r for r in resources if str(r.get("resourceType", "")).startswith("Medication")]
    events, _ = medications.medication_events(medication, as_of=date(2030, 1, 1))
    return events


def _event(day: int, kind: EventKind, status: str, rid: str, **more: Any) -> MedicationEvent:
    source = {
        EventKind.ORDER: "MedicationRequest",
        EventKind.STATEMENT: "MedicationStatement",
        EventKind.DISPENSE: "MedicationDispense",
    }[kind]
    return MedicationEvent(
        kind,
        "sertraline",
        "SSRI",
        Role.ANTIDEPRESSANT,
        date(2025, 1, 1) + timedelta(days=day),
        more.pop("end", None),
        more.pop("mg", 100.0),
        more.pop("days", 30.0),
        status,
        SourceRef(source, rid),
        **more,
    )


def _plain(events: list[MedicationEvent], as_of: date) -> list[tuple[MedicationEvent, Any]]:
    return _sorted_unique([e for e in events if _usable(e, as_of)])


def test_a_long_chart_reads_as_the_plain_reading() -> None:
    events = _chart_events()
    assert len(events) > 100
    for as_of in (date(2030, 1, 1), AS_OF, date(2020, 1, 1)):
        found = usable_sorted(events, as_of)
        assert found == _plain(events, as_of)
        assert [key for _, key in found] == [_event_key(e) for e, _ in found]
    # Shuffled input, exact duplicates and a near duplicate: the same list, duplicates gone.
    pool = [*events[::-1], *events[::4], dataclasses.replace(events[0], refills=9)]
    found = usable_sorted(pool, date(2030, 1, 1))
    assert found == _plain(pool, date(2030, 1, 1))
    assert len(found) == len({e for e in pool if _usable(e, date(2030, 1, 1))})


def test_what_is_left_out_and_the_order_of_ties() -> None:
    events = [
        _event(0, EventKind.ORDER, "active", "o-1"),
        _event(0, EventKind.ORDER, "draft", "o-2"),  # left out: nothing was taken
        _event(0, EventKind.STATEMENT, "not-taken", "s-1"),  # left out
        _event(0, EventKind.STATEMENT, "active", "s-2"),
        _event(1, EventKind.DISPENSE, "in-progress", "d-1"),  # left out: not handed over
        _event(1, EventKind.DISPENSE, "completed", "d-2", mg=None),
        _event(1, EventKind.DISPENSE, "completed", "d-3", mg=150.0),  # higher dose first
        _event(400, EventKind.ORDER, "active", "o-3"),  # after as-of
        # Equal keys, unequal events (notes are not in the key): both kept, in input order.
        _event(2, EventKind.DISPENSE, "completed", "d-4", notes=("b",)),
        _event(2, EventKind.DISPENSE, "completed", "d-4", notes=("a",)),
        _event(2, EventKind.DISPENSE, "completed", "d-4", notes=("b",)),  # an exact duplicate
    ]
    as_of = date(2025, 6, 1)
    for ordering in (events, events[::-1], events[3:] + events[:3]):
        found = usable_sorted(ordering, as_of)
        assert found == _plain(ordering, as_of)
    ids = [(e.source.id, e.notes) for e, _ in usable_sorted(events, as_of)]
    assert ids == [
        ("o-1", ()),
        ("s-2", ()),
        ("d-3", ()),
        ("d-2", ()),
        ("d-4", ("b",)),
        ("d-4", ("a",)),
    ]
    assert usable_sorted([], as_of) == []


def test_build_trials_reads_the_events_through_the_shortcut() -> None:
    events = _chart_events()
    calls: list[int] = []

    def counted(found: Any, as_of: date) -> Any:
        calls.append(1)
        return usable_sorted(found, as_of)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(episodes, "usable_sorted", counted)
        trials = episodes.build_trials(events, as_of=AS_OF)
    assert calls == [1] and trials == episodes.build_trials(events, as_of=AS_OF)


def _plain_duration(quantity: Any) -> float | None:
    """duration_days as it read before the shortcut: unit_factor on (unit, code)."""
    if not isinstance(quantity, dict):
        return None
    value = quantity.get("value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    unit, code = quantity.get("unit"), quantity.get("code")
    if unit is None and code is None:
        return float(value)
    found = unit_factor(unit, code)
    if found is None or found[0] != "time":
        return None
    return float(value) * found[1]


def test_every_time_unit_of_the_table_is_found_by_its_code() -> None:
    times = {text for text, (kind, _) in _units().items() if kind == "time"}
    assert {"d", "wk", "mo", "h"} <= times and set(_DAYS_BY_CODE) == times


@pytest.mark.parametrize(
    "quantity",
    [
        {"value": 30, "unit": "day", "system": "http://unitsofmeasure.org", "code": "d"},
        {"value": 1, "unit": "day", "code": "d"},
        {"value": 2.5, "unit": "wk", "code": "wk"},
        {"value": 3, "code": "mo"},
        {"value": 12, "code": "h"},
        {"value": 1, "code": "a"},
        {"value": 30, "unit": "mg", "code": "d"},  # the code decides, as unit_factor reads it
        {"value": 30, "unit": "d", "code": "mg"},  # a code of another kind: no duration
        {"value": 30, "unit": "days", "code": "D"},  # not as the table writes it: read below
        {"value": 30, "unit": "days", "code": " d "},
        {"value": 30, "unit": "days", "code": "{tbl}"},
        {"value": 30, "unit": "days"},
        {"value": 30, "unit": "days", "code": None},
        {"value": 30, "unit": "days", "code": 7},
        {"value": 30},
        {"value": True, "code": "d"},
        {"value": "30", "code": "d"},
        {"value": float("nan"), "code": "d"},
        {"value": 1e308, "code": "a"},
        {"code": "d"},
        "30 days",
        None,
    ],
)
def test_a_duration_reads_as_unit_factor_reads_it(quantity: Any) -> None:
    found, plain = duration_days(quantity), _plain_duration(quantity)
    assert found == plain or (found != found and plain != plain)  # NaN reads as NaN
