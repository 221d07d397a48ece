"""A quicker `__init__` for the frozen, slotted dataclasses built by the thousand on a chart's
first sight (MedicationEvent, Score, SourceRef): the same object, built without a call per field.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any


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
    medications.py passes them positionally, dataclasses.replace by keyword)."""
    own = fields(cls)
    # Only what the generated code reproduces: every field an __init__ parameter with a plain
    # default or none, no __post_init__, the slots exactly the fields.
    assert all(f.init and f.default_factory is MISSING for f in own)
    assert not hasattr(cls, "__post_init__")
    assert tuple(f.name for f in own) == cls.__slots__
    twin = type(f"_{cls.__name__}Draft", (), {"__slots__": cls.__slots__})
    scope: dict[str, Any] = {"_set": object.__setattr__, "_cls": cls, "_twin": twin}
    params = []
    for f in own:
        if f.default is MISSING:
            params.append(f.name)
        else:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
    lines = [
        f"def __init__(self, {', '.join(params)}):",
        "    _set(self, '__class__', _twin)",
        *(f"    self.{f.name} = {f.name}" for f in own),
        "    _set(self, '__class__', _cls)",
    ]
    exec("\n".join(lines), scope)  # noqa: S102 - the text above, from the fields' names
    init = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = dict(cls.__init__.__annotations__)
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init
