"""A refused setting, said so an operator can fix it: the key, what was given and what is expected.

Pydantic's own wording is written for programmers: a key that takes `true`, `false` or
"patient-view" fails with one error per alternative ("...unmet.bool: Input should be a valid
boolean"), and a validator's message comes prefixed with "Value error,". Here the alternatives of
one key are folded into one "expected" clause, the prefix is dropped, and the value given is
repeated unless the key may hold a secret (a database URL carries its password; a secret file's
content is never echoed) (review RI finding 7).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic_core import ErrorDetails

# Keys whose value may be a credential: their value is never repeated in a message.
_SECRET_WORDS = ("url", "password", "secret", "token", "key")
_LONGEST_SHOWN = 80
_VALUE_ERROR = "Value error, "
_SHOULD_BE = "Input should be "
# pydantic's error types for a list, tuple or set key given something else.
_LIST_TYPES = frozenset({"list_type", "tuple_type", "set_type", "frozen_set_type"})
LIST_EXAMPLE = '["https://ehr.example.org"]'  # a list key's example value (JSON and TOML alike)


Loc = tuple[int | str, ...]


def refused_key(errors: Sequence[ErrorDetails]) -> Loc:
    """Where the first error is. A table's own validator (payer_criteria against
    payer_criteria_file) fails at the table; its message starts with the key it is about, so the
    key is named, and with it the variable that set it."""
    first = errors[0]
    loc = tuple(first["loc"])
    value = first["input"]
    if first["type"] == "value_error" and isinstance(value, dict):
        message = first["msg"].removeprefix(_VALUE_ERROR)
        key = message.split(" ", 1)[0]
        if key in value:
            return (*loc, key)
    return loc


def field_problem(
    errors: Sequence[ErrorDetails], *, secret: bool = False, environment: bool = False
) -> tuple[str, str]:
    """(the dotted key, the problem) for the first refused key among `errors`.

    `secret`: the value came from a secret file, so it is not shown whatever the key.
    `environment`: it came from an environment variable, where a list is written as JSON."""
    first = errors[0]
    loc = refused_key(errors)
    # A union (bool | Literal["patient-view"]) fails once per alternative, each error's location
    # ending in the alternative's tag: fold them into one key with every alternative expected.
    same = [e for e in errors if len(e["loc"]) == len(loc) and tuple(e["loc"])[:-1] == loc[:-1]]
    if len(loc) > 1 and len(same) > 1 and all(_is_alternative(e) for e in same):
        where = ".".join(str(p) for p in loc[:-1])
        expected = _one_of([_expected(e) for e in same])
        return where, f"{_given(where, first['input'], secret)}expected {expected}"
    where = ".".join(str(p) for p in loc)
    message = first["msg"]
    if first["type"] == "value_error" or message.startswith(_VALUE_ERROR):
        # The validator's own message already names the value and what is accepted.
        return where, message.removeprefix(_VALUE_ERROR)
    if first["type"] == "extra_forbidden":
        return where, "not a known key (check its spelling and its table)"
    if first["type"] in _LIST_TYPES:
        expected = list_expected(
            first["input"], environment, shown=not (secret or looks_secret(where))
        )
        return where, f"{_given(where, first['input'], secret)}expected {expected}"
    if message.startswith(_SHOULD_BE):
        return where, f"{_given(where, first['input'], secret)}expected {_expected(first)}"
    return where, message


def list_expected(value: Any, environment: bool, *, shown: bool) -> str:
    """What a list key expects, with an example to copy: the one string given, as a list, when
    it may be shown. pydantic says "a valid tuple" (review s26 RX finding 6): a site that set
    TRD_CDS_SERVER__FRAME_ANCESTORS='"https://ehr.example.org"' was not told to add brackets."""
    item = value if shown and isinstance(value, str) and 0 < len(value) <= _LONGEST_SHOWN else None
    example = json.dumps([item]) if item is not None else LIST_EXAMPLE
    if environment:
        return f"a JSON list, e.g. '{example}'"
    return f"a list, e.g. {example}"


def _is_alternative(error: ErrorDetails) -> bool:
    return str(error["msg"]).startswith(_SHOULD_BE)


def _expected(error: ErrorDetails) -> str:
    if error["type"] in ("bool_parsing", "bool_type"):
        return "true or false"
    ctx = error.get("ctx") or {}
    if error["type"] == "literal_error" and "expected" in ctx:
        return str(ctx["expected"]).replace("'", '"')
    return error["msg"].removeprefix(_SHOULD_BE)


def _one_of(choices: list[str]) -> str:
    words: list[str] = []
    for choice in choices:  # "true or false" and '"patient-view"' -> true, false or "patient-view"
        words += [w.strip() for part in choice.split(" or ") for w in part.split(",")]
    words = [w for w in dict.fromkeys(words) if w]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} or {words[-1]}"


def _given(where: str, value: Any, secret: bool) -> str:
    if secret or looks_secret(where):
        return "the value given is refused (not shown: it may be a secret); "
    if isinstance(value, dict | list):
        return ""
    shown = repr(value)
    if len(shown) > _LONGEST_SHOWN:
        shown = shown[: _LONGEST_SHOWN - 3] + "..."
    return f"got {shown}; "


def looks_secret(where: str) -> bool:
    """Whether a key's value may be a credential (its value is then never repeated)."""
    return any(word in where.lower() for word in _SECRET_WORDS)
