"""A quicker `__init__` for the frozen, slotted dataclasses built on a chart's first sight
(MedicationEvent, Score and SourceRef by the thousand; Trial, Recommendation, the payer criteria
and the pathway facts by the dozen): the same object, built without `object.__setattr__` per
field.
"""

from __future__ import annotations

import inspect
from dataclasses import MISSING, Field, fields
from typing import Any

# Up to this many fields a class's fields are stored through their slots' descriptors, beyond it
# through the slotted twin (quick_frozen_init's docstring: instruction counts of the two).
_DESCRIPTOR_FIELDS = 4


def quick_frozen_init(cls: type[Any]) -> None:
    """Give the frozen, slotted dataclass `cls` an `__init__` that builds the same object several
    times faster (issue 14: building a MedicationEvent was an eighth of reading a fill; a Score and its
    SourceRef a fifth of reading a PHQ-9).

    A frozen dataclass's own `__init__` stores each field through `object.__setattr__`, a call
    per field (about 110 ns each, twenty-five fields). This one turns the new instance into a
    plain slotted twin of `cls` (same slots, so the same memory layout: the interpreter allows
    the `__class__` change only then), stores the fields as ordinary attributes, and turns it
    back; then, exactly as before, the object is a `cls` whose fields cannot be set. Generated
    from the dataclass's fields, as dataclasses generates its own, so a field added later is
    built the same way: same parameters, same order, same defaults (positional or keyword:
    medications.py passes them positionally, dataclasses.replace by keyword).

    A class of few fields (SourceRef: two) is built another way, without the twin: each field
    stored through its slot's own descriptor (`member_descriptor.__set__`, which a frozen
    class's `__setattr__` does not guard). Measured with callgrind on Python 3.11 (issue 14):
    a class swap costs about 1,700 instructions, a descriptor store about 600, a plain store on
    the twin about 20; so up to _DESCRIPTOR_FIELDS fields the descriptors are cheaper (SourceRef:
    2,800 instructions instead of 4,500; the dataclass's own __init__ 4,200), beyond it the two
    swaps (Score, eight fields: 5,400 instead of 6,900).

    Keyword-only fields and fields with a default_factory are built as dataclasses builds them
    (the factory called once per object whose argument is left out). Given to every frozen record
    built on each first sight, not only the per-resource ones (issue 14, session 19: a Trial of
    42 fields, a Recommendation and its copies, the pathway facts, the payer criteria: 4.7 % of
    `evaluate()` on the typical chart, 18.14 M -> 17.28 M instructions). Only for a class no
    other class extends: a subclass instance would be turned into `cls` (none exists; the test
    of this module checks)."""
    own = fields(cls)
    # Only what the generated code reproduces: every field an __init__ parameter, no
    # __post_init__, the slots exactly the fields.
    assert all(f.init for f in own)
    assert not hasattr(cls, "__post_init__")
    assert tuple(f.name for f in own) == cls.__slots__
    scope: dict[str, Any] = {"_FACTORY": _FACTORY}
    # As dataclasses orders them: the positional parameters, then the keyword-only ones.
    positional = [_param(f, scope) for f in own if not f.kw_only]
    keyword = [_param(f, scope) for f in own if f.kw_only]
    params = ", ".join([*positional, *(["*", *keyword] if keyword else [])])
    # A field with a default_factory: the factory's value when the argument is left out, as
    # dataclasses' own __init__ does (its sentinel default, replaced in the body).
    made = [
        f"    if {f.name} is _FACTORY: {f.name} = _factory_{f.name}()"
        for f in own
        if f.default_factory is not MISSING
    ]
    if len(own) <= _DESCRIPTOR_FIELDS:
        # Each slot's descriptor stores its field (see the docstring: cheaper than two swaps).
        scope.update({f"_store_{f.name}": cls.__dict__[f.name].__set__ for f in own})
        body = [f"    _store_{f.name}(self, {f.name})" for f in own]
    else:
        # On the same bases (Trial's TrialOutcome holds slots of its own): the same layout.
        twin = type(f"_{cls.__name__}Draft", cls.__bases__, {"__slots__": cls.__slots__})
        scope.update({"_set": object.__setattr__, "_cls": cls, "_twin": twin})
        body = [
            "    _set(self, '__class__', _twin)",
            *(f"    self.{f.name} = {f.name}" for f in own),
            "    _set(self, '__class__', _cls)",
        ]
    # The same parameters as dataclasses' own __init__, in its order (an InitVar would be one
    # that `fields` does not list: the check fails at import, not on a first chart).
    assert [*inspect.signature(cls.__init__).parameters][1:] == [
        *(f.name for f in own if not f.kw_only),
        *(f.name for f in own if f.kw_only),
    ]
    lines = [f"def __init__(self, {params}):", *made, *body]
    exec("\n".join(lines), scope)  # noqa: S102 - the text above, from the fields' names
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = dict(cls.__init__.__annotations__)
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init


class _Factory:
    """The default of a parameter whose field has a default_factory (dataclasses' own __init__
    uses a sentinel the same way): the factory is called only when the argument is left out."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


def _param(f: Field[Any], scope: dict[str, Any]) -> str:
    """The __init__ parameter of field `f`, its default (or factory) put into `scope`."""
    if f.default_factory is not MISSING:
        scope[f"_factory_{f.name}"] = f.default_factory
        return f"{f.name}=_FACTORY"
    if f.default is not MISSING:
        scope[f"_default_{f.name}"] = f.default
        return f"{f.name}=_default_{f.name}"
    return f.name
