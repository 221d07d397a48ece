"""quick_frozen_init's two ways of building (issue 14, first-sight speed): a class of few fields
stores each through its slot's descriptor, a larger one through the slotted twin. Either way the
object is what the frozen dataclass's own __init__ builds: same fields, defaults and keywords,
still frozen, equal and hashable."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import pkgutil
import sys
from typing import Any

import pytest

import fhir_mapping
import services
from fhir_mapping.frozen_init import _DESCRIPTOR_FIELDS, quick_frozen_init


def _pair(count: int) -> tuple[type[Any], type[Any]]:
    """(a frozen slotted dataclass of `count` fields given the quick __init__, the same class
    left as dataclasses builds it); the last field has a default."""
    specs: list[Any] = [(f"f{n}", int) for n in range(count - 1)]
    specs.append((f"f{count - 1}", int, dataclasses.field(default=7)))
    quick = dataclasses.make_dataclass("Quick", specs, frozen=True, slots=True)
    plain = dataclasses.make_dataclass("Plain", specs, frozen=True, slots=True)
    quick_frozen_init(quick)
    return quick, plain


@pytest.mark.parametrize("count", [1, 2, _DESCRIPTOR_FIELDS, _DESCRIPTOR_FIELDS + 1, 8])
def test_either_way_builds_the_dataclass_object(count: int) -> None:
    quick, plain = _pair(count)
    names = [f.name for f in dataclasses.fields(quick)]
    args = tuple(range(10, 10 + count))
    expected = dataclasses.astuple(plain(*args))
    assert dataclasses.astuple(quick(*args)) == expected
    assert dataclasses.astuple(quick(**dict(zip(names, args, strict=True)))) == expected
    assert dataclasses.astuple(quick(*args[:-1])) == dataclasses.astuple(plain(*args[:-1]))
    one, two = quick(*args), quick(*args)
    assert type(one) is quick and one == two and hash(one) == hash(two)
    with pytest.raises(dataclasses.FrozenInstanceError):
        one.__setattr__(names[0], 0)
    with pytest.raises(TypeError):
        quick(*args, 99)


def test_few_fields_go_through_the_descriptors_more_through_the_twin() -> None:
    few, _ = _pair(_DESCRIPTOR_FIELDS)
    more, _ = _pair(_DESCRIPTOR_FIELDS + 1)
    assert "_store_f0" in few.__init__.__code__.co_names
    assert "_twin" not in few.__init__.__code__.co_names
    assert "_twin" in more.__init__.__code__.co_names


def _factory_pair() -> tuple[type[Any], type[Any]]:
    """(quick, plain) classes with a required field, a plain default, a default_factory and a
    keyword-only field, as PathwayFacts, PatientRecord and HookInput have."""
    specs: list[Any] = [
        ("a", int),
        ("b", int, dataclasses.field(default=3)),
        ("c", dict, dataclasses.field(default_factory=dict)),
        ("d", int, dataclasses.field(default=5, kw_only=True)),
        ("e", list, dataclasses.field(default_factory=list, kw_only=True)),
    ]
    quick = dataclasses.make_dataclass("QuickF", specs, frozen=True, slots=True)
    plain = dataclasses.make_dataclass("PlainF", specs, frozen=True, slots=True)
    quick_frozen_init(quick)
    return quick, plain


def test_factories_and_keyword_only_fields_as_dataclasses_builds_them() -> None:
    quick, plain = _factory_pair()
    assert dataclasses.astuple(quick(1)) == dataclasses.astuple(plain(1)) == (1, 3, {}, 5, [])
    given = quick(1, 2, {"k": 1}, d=4, e=[9])
    assert dataclasses.astuple(given) == (1, 2, {"k": 1}, 4, [9])
    # A new object from the factory for each instance, never one shared between them.
    one, two = quick(1), quick(1)
    assert one.c is not two.c and one.e is not two.e
    with pytest.raises(TypeError):
        quick(1, 2, {}, 4)  # d is keyword-only, as in the dataclass's own __init__
    with pytest.raises(TypeError):
        plain(1, 2, {}, 4)
    assert str(inspect.signature(quick.__init__)) == str(inspect.signature(plain.__init__))


def _is_quick(value: object) -> bool:
    """A class of this module's making: its __init__ goes through the twin or the descriptors."""
    if not (isinstance(value, type) and dataclasses.is_dataclass(value)):
        return False
    names = value.__init__.__code__.co_names
    return "_twin" in names or any(name.startswith("_store_") for name in names)


def _quick_classes() -> list[type[Any]]:
    """Every class of the packages given the quick __init__."""
    for package in (fhir_mapping, services):
        for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)
    return [
        value
        for module in list(sys.modules.values())
        if getattr(module, "__name__", "").startswith(("fhir_mapping.", "services."))
        for value in vars(module).values()
        if _is_quick(value) and value.__module__ == module.__name__
    ]


def test_the_records_built_on_first_sight_have_it_and_no_subclass() -> None:
    quick = {cls.__name__: cls for cls in _quick_classes()}
    # The records built on every first sight (issue 14, session 19), beside the per-resource ones.
    for name in (
        "Trial",
        "Recommendation",
        "PathwayFacts",
        "PatientRecord",
        "CriterionResult",
        "MedicationEvent",
        "Score",
        "SourceRef",
        "Finding",
        "Evidence",
    ):
        assert name in quick
    for cls in quick.values():
        # A subclass instance would be turned into `cls` by the twin's second swap.
        assert cls.__subclasses__() == [], cls


def test_each_quick_class_stores_every_field_in_its_own_slot() -> None:
    for cls in _quick_classes():
        own = dataclasses.fields(cls)
        values = {f.name: object() for f in own}
        positional = [values[f.name] for f in own if not f.kw_only]
        keyword = {f.name: values[f.name] for f in own if f.kw_only}
        built = cls(*positional, **keyword)
        assert type(built) is cls
        assert all(getattr(built, name) is value for name, value in values.items()), cls
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(built, own[0].name, 1)
