"""`PatientRecord` as JSON and back: how records are stored in the database, as data.

The shared timeline store (and the packet store after it) keeps evaluated records in a table that
every replica reads. They used to be pickled; unpickling a row runs whatever the row says, so
anyone able to write that table could run code in the service. JSON cannot: decoding here builds
only the classes `PatientRecord` declares, field by field, each value checked against its declared
type (`date` from "YYYY-MM-DD", `datetime` from ISO 8601 with its offset, an enum from one of its values, `tuple[X, ...]` from a list of X,
`X | None` from null or X). What a row says never chooses a class.

The codec follows the dataclasses' own type hints, so a field added to the record (with a type
built from those above) is stored without a change here; a field of any other type makes
`encode` raise at once (tests/cds_hooks/test_record_codec.py round-trips every fixture record).
Decoding is strict about types and lenient about names: a field the record no longer has is
ignored and a field it gained since the row was written takes its default, so replicas of two
adjacent versions read each other's rows during a rolling upgrade.

`for_storage(record)` is what goes into the database: the record without the patient's id (the
timeline page never shows it; the row is keyed by an opaque token). Format:
`{"format": 1, "record": {...}}`.
"""

from __future__ import annotations

import dataclasses
import sys
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, TypeVar, cast

import orjson

from fhir_mapping.ages import Age
from fhir_mapping.record import PatientRecord
from fhir_mapping.suicide_screen import SuicideScreen

FORMAT = 1

T = TypeVar("T")
_Encoder = Callable[[Any], Any]
_Decoder = Callable[[Any], Any]

# Names record.py imports for type checking only (an import cycle at run time otherwise).
_TYPE_CHECKING_NAMES: dict[str, Any] = {"SuicideScreen": SuicideScreen}


class RecordCodecError(ValueError):
    """A stored record that is not what this version of the service writes."""


def encode(record: PatientRecord) -> bytes:
    """The record as JSON bytes (raises TypeError on a value its field's type does not allow)."""
    return orjson.dumps({"format": FORMAT, "record": to_json(record)})


def decode(data: bytes | str) -> PatientRecord:
    """The record `encode` wrote. Raises RecordCodecError on anything else."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise RecordCodecError(f"not JSON: {exc.msg}") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise RecordCodecError(f"not a stored record of format {FORMAT}")
    return from_json(document.get("record"))


def to_json(record: PatientRecord) -> dict[str, Any]:
    return cast(dict[str, Any], _encoder(PatientRecord)(record))


def from_json(value: Any) -> PatientRecord:
    return cast(PatientRecord, _decoder(PatientRecord)(value))


def for_storage(record: PatientRecord) -> PatientRecord:
    """The record as the database may hold it: no patient id. The id is in `patient.id` and, for
    a Patient resource the mapping had to leave out, in that gap's source; nothing else in a record
    names the patient (resource ids name the resources)."""
    gaps = tuple(
        dataclasses.replace(gap, source=None)
        if gap.source is not None and gap.source.resource_type == "Patient"
        else gap
        for gap in record.gaps
    )
    return dataclasses.replace(
        record, patient=dataclasses.replace(record.patient, id=None), gaps=gaps
    )


# --- encoders and decoders, built once per type from its hints ------------------------------------


@cache
def _encoder(tp: Any) -> _Encoder:
    optional = _optional_of(tp)
    if optional is not None:
        inner = _encoder(optional)
        return lambda value: None if value is None else inner(value)
    origin = typing.get_origin(tp)
    if origin is tuple:
        item = _encoder(_tuple_item(tp))
        return lambda value: [item(v) for v in _checked(value, tuple, tp)]
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        fields = [(f.name, _encoder(hint)) for f, hint in _fields(tp)]
        return lambda value: {
            name: encode_field(getattr(_checked(value, tp, tp), name))
            for name, encode_field in fields
        }
    if isinstance(tp, type) and issubclass(tp, Enum):
        return lambda value: _checked(value, tp, tp).value
    if tp is date:
        return lambda value: _exactly(value, date).isoformat()
    if tp is datetime:  # Score.instant: with its offset, as written
        return lambda value: _exactly(value, datetime).isoformat()
    if tp is bool:
        return lambda value: _exactly(value, bool)
    if tp is int:
        return lambda value: _exactly(_plain(value), int)
    if tp is float:  # an int where a float is declared stays an int: "50 mg", not "50.0 mg"
        return lambda value: _number(value, TypeError)
    if tp is str:
        return lambda value: _checked(value, str, str)
    raise TypeError(f"record_codec cannot store a field of type {tp!r}")


@cache
def _decoder(tp: Any) -> _Decoder:
    optional = _optional_of(tp)
    if optional is not None:
        inner = _decoder(optional)
        return lambda value: None if value is None else inner(value)
    origin = typing.get_origin(tp)
    if origin is tuple:
        item = _decoder(_tuple_item(tp))
        return lambda value: tuple(item(v) for v in _stored(value, list, "a list"))
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    if isinstance(tp, type) and issubclass(tp, Enum):
        return lambda value: _enum(tp, value)
    if tp is date:
        return _date
    if tp is datetime:
        return _datetime
    if tp is bool:
        return lambda value: _stored_exactly(value, bool)
    if tp is int:
        return lambda value: _stored_exactly(value, int)
    if tp is float:
        return lambda value: _number(value, RecordCodecError)
    if tp is str:
        return lambda value: _stored(value, str, "a string")
    raise TypeError(f"record_codec cannot read a field of type {tp!r}")


def _dataclass_decoder(cls: type[Any]) -> _Decoder:
    fields = [(f.name, _decoder(hint), _has_default(f)) for f, hint in _fields(cls)]

    def decode_object(value: Any) -> Any:
        data = _stored(value, dict, f"an object ({cls.__name__})")
        arguments: dict[str, Any] = {}
        for name, decode_field, optional in fields:
            if name in data:
                arguments[name] = decode_field(data[name])
            elif not optional:
                raise RecordCodecError(f"{cls.__name__} without {name!r}")
        try:
            return cls(**arguments)
        except (TypeError, ValueError) as exc:  # a dataclass's own checks, if it has any
            raise RecordCodecError(f"{cls.__name__}: {exc}") from exc

    return decode_object


def _fields(cls: type[Any]) -> list[tuple[dataclasses.Field[Any], Any]]:
    module = sys.modules[cls.__module__]
    hints = typing.get_type_hints(cls, globalns=vars(module), localns=_TYPE_CHECKING_NAMES)
    return [(f, hints[f.name]) for f in dataclasses.fields(cls) if f.init]


def _has_default(f: dataclasses.Field[Any]) -> bool:
    return f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING


def _optional_of(tp: Any) -> Any | None:
    """X for `X | None`; None for any other type (other unions are refused)."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    arguments = [a for a in typing.get_args(tp) if a is not type(None)]
    if len(arguments) != 1 or len(typing.get_args(tp)) != 2:
        raise TypeError(f"record_codec stores X | None unions only, not {tp!r}")
    return arguments[0]


def _tuple_item(tp: Any) -> Any:
    arguments = typing.get_args(tp)
    if len(arguments) != 2 or arguments[1] is not Ellipsis:
        raise TypeError(f"record_codec stores tuple[X, ...] only, not {tp!r}")
    return arguments[0]


def _checked(value: Any, kind: type[T], tp: Any) -> T:
    if not isinstance(value, kind):
        raise TypeError(f"{type(value).__name__} where the record declares {tp!r}")
    return value


def _plain(value: Any) -> Any:
    """An ages.Age (a patient's age from a birth year only) as the int it is: Patient stores its
    range in fields of its own and rebuilds the Age when decoded (review 19 D4)."""
    return int(value) if type(value) is Age else value


def _exactly(value: Any, kind: type[T]) -> T:
    # Exact type: a datetime is a date and a bool an int, but neither reads back as declared.
    if type(value) is not kind:
        raise TypeError(f"{type(value).__name__} where the record declares {kind.__name__}")
    return value


def _number(value: Any, error: type[Exception]) -> int | float:
    if type(value) not in (int, float):
        raise error(f"{type(value).__name__} where the record declares a number")
    return cast(int | float, value)


def _stored(value: Any, kind: type[T], what: str) -> T:
    if not isinstance(value, kind):
        raise RecordCodecError(f"{type(value).__name__} where {what} is stored")
    return value


def _stored_exactly(value: Any, kind: type[T]) -> T:
    if type(value) is not kind:
        raise RecordCodecError(f"{type(value).__name__} where {kind.__name__} is stored")
    return value


def _enum(cls: type[Enum], value: Any) -> Enum:
    try:
        return cls(value)
    except ValueError as exc:
        raise RecordCodecError(f"{value!r} is not a {cls.__name__}") from exc


def _date(value: Any) -> date:
    text = _stored(value, str, "a date")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise RecordCodecError(f"{text!r} is not a date") from exc


def _datetime(value: Any) -> datetime:
    text = _stored(value, str, "a dateTime")
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise RecordCodecError(f"{text!r} is not a dateTime") from exc


# Every type reachable from PatientRecord is compiled at import: an unsupported field fails here,
# at start-up, not when the first timeline link is stored.
_encoder(PatientRecord)
_decoder(PatientRecord)
