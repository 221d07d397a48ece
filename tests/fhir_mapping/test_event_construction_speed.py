"""MedicationEvent's quick __init__ (issue 14; frozen_init.quick_frozen_init) builds what the frozen
dataclass's own __init__ builds: the same fields from the same arguments, positional or keyword,
the same defaults, still frozen and hashable; and it does so without a call per field."""

from __future__ import annotations

import dataclasses
import inspect
import sys
from datetime import date
from types import FrameType
from typing import Any

import pytest

from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.record import DoseBasis, Role, Score, SourceRef, WrittenDates


def _reference_class() -> type[Any]:
    """A frozen, slotted dataclass with MedicationEvent's fields, built by dataclasses alone."""
    return dataclasses.make_dataclass(
        "ReferenceEvent",
        [(f.name, f.type, f) for f in dataclasses.fields(MedicationEvent)],
        frozen=True,
        slots=True,
    )


def _values(event: object) -> tuple[object, ...]:
    return tuple(getattr(event, f.name) for f in dataclasses.fields(MedicationEvent))


_REQUIRED: tuple[Any, ...] = (
    EventKind.DISPENSE,
    "venlafaxine",
    "SNRI",
    Role.ANTIDEPRESSANT,
    date(2025, 5, 28),
    None,
    225.0,
    30.0,
    "completed",
    SourceRef("MedicationDispense", "d-1"),
)


def test_positional_arguments_give_the_dataclass_fields() -> None:
    reference = _reference_class()
    optional = [
        f for f in dataclasses.fields(MedicationEvent) if f.default is not dataclasses.MISSING
    ]
    # A distinct value for every optional field, so a field stored under another name shows.
    extra: list[Any] = [f"value of {f.name}" for f in optional]
    event = MedicationEvent(*_REQUIRED, *extra)
    assert type(event) is MedicationEvent
    assert _values(event) == _values(reference(*_REQUIRED, *extra))
    assert _values(event)[len(_REQUIRED) :] == tuple(extra)


def test_defaults_and_keywords_give_the_dataclass_fields() -> None:
    reference = _reference_class()
    names = [f.name for f in dataclasses.fields(MedicationEvent)]
    keywords: dict[str, Any] = dict(zip(names, _REQUIRED, strict=False))
    event = MedicationEvent(**keywords)
    assert _values(event) == _values(reference(**keywords))
    assert event.dose_basis is DoseBasis.DAILY and event.notes == () and event.taper is None
    written = WrittenDates("2023", None, date(2023, 1, 1), None)
    later = dataclasses.replace(event, written_dates=written, refills=2)
    assert type(later) is MedicationEvent
    assert later.written_dates is written and later.refills == 2
    assert _values(later)[:9] == _values(event)[:9]


def test_the_signature_is_the_dataclass_signature() -> None:
    mine = inspect.signature(MedicationEvent).parameters
    theirs = inspect.signature(_reference_class()).parameters
    assert [(p.name, p.kind, p.default) for p in mine.values()] == [
        (p.name, p.kind, p.default) for p in theirs.values()
    ]


def test_a_built_event_is_still_frozen_equal_and_hashable() -> None:
    one, two = MedicationEvent(*_REQUIRED), MedicationEvent(*_REQUIRED)
    assert one == two and hash(one) == hash(two) and len({one, two}) == 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.mg_per_day = 300.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del one.status
    assert one.mg_per_day == 225.0 and not hasattr(one, "__dict__")


def test_a_wrong_call_fails_as_the_dataclass_call_does() -> None:
    with pytest.raises(TypeError):
        MedicationEvent(*_REQUIRED[:-1])
    with pytest.raises(TypeError):
        MedicationEvent(*_REQUIRED, kind=EventKind.ORDER)  # type: ignore[misc]
    with pytest.raises(TypeError):
        MedicationEvent(*_REQUIRED, colour="blue")  # type: ignore[call-arg]


def test_building_an_event_runs_a_few_steps_per_field() -> None:
    # The frozen dataclass's own __init__ stores each field with a call to object.__setattr__ (8
    # bytecode steps a field on Python 3.11, 200 for MedicationEvent); the quick one stores them
    # as plain attributes of its slotted twin (3 steps a field, plus two calls in all).
    steps = 0

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal steps
        if frame.f_code is not MedicationEvent.__init__.__code__:
            return None
        frame.f_trace_opcodes = True
        if event == "opcode":
            steps += 1
        return trace

    sys.settrace(trace)
    try:
        MedicationEvent(*_REQUIRED)
    finally:
        sys.settrace(None)
    fields = len(dataclasses.fields(MedicationEvent))
    assert fields * 3 <= steps <= fields * 4


@pytest.mark.parametrize(
    ("cls", "args"),
    [
        (SourceRef, ("Observation", "phq9-1")),
        (
            Score,
            ("PHQ-9", 21, date(2025, 5, 19), 1, SourceRef("Observation", "phq9-1")),
        ),
    ],
    ids=["SourceRef", "Score"],
)
def test_score_and_source_ref_build_as_their_dataclasses(
    cls: type[Any], args: tuple[Any, ...]
) -> None:
    """record.py gives the same quick __init__ to the two classes built for every PHQ-9."""
    reference = dataclasses.make_dataclass(
        f"Reference{cls.__name__}",
        [(f.name, f.type, f) for f in dataclasses.fields(cls)],
        frozen=True,
        slots=True,
    )
    names = [f.name for f in dataclasses.fields(cls)][: len(args)]
    for built, theirs in (
        (cls(*args), reference(*args)),
        (cls(**dict(zip(names, args, strict=True))), reference(*args)),
    ):
        assert type(built) is cls
        assert [getattr(built, f.name) for f in dataclasses.fields(cls)] == [
            getattr(theirs, f.name) for f in dataclasses.fields(cls)
        ]
    one, two = cls(*args), cls(*args)
    assert one == two and hash(one) == hash(two)
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.__setattr__(dataclasses.fields(cls)[0].name, "x")
    # SourceRef (two fields) stores through its slots' descriptors, Score through the twin
    # (frozen_init.py: whichever costs fewer instructions; test_frozen_init_strategies.py).
    quick = "_store_resource_type" if cls is SourceRef else "_twin"
    assert cls.__init__.__code__.co_name == "__init__" and quick in cls.__init__.__code__.co_names
