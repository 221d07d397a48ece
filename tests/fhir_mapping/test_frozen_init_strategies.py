"""quick_frozen_init's two ways of building (issue 14, first-sight speed): a class of few fields
stores each through its slot's descriptor, a larger one through the slotted twin. Either way the
object is what the frozen dataclass's own __init__ builds: same fields, defaults and keywords,
still frozen, equal and hashable."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

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
