"""The resources of one request, before any is read: each counted once (`dedupe`: the same type
and id once, the latest meta.lastUpdated / versionId winning; content without an id once, by its
canonical JSON) and whose they are (`not_belonging`, `patient_counts`, `has_own_resource`: only the
context patient's resources are read, issue 10).

Apart from build.py because the protocol layer asks whose a request's resources are before any
record is built (cds_hooks/fhir_data/hook_context.py, through build.py's re-export), and the
issue-14 shortcuts here (`_all_distinct` against `_unique_by_walk`) are tested on their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from itertools import repeat
from typing import Any, cast

import orjson

from fhir_mapping.fhir_fields import JSON_OBJECT, references_patient, subject_reference
from fhir_mapping.gaps import ANOTHER_PATIENT, DOMAINS_OF_TYPE, NO_SUBJECT, SUBJECT_UNCONFIRMED

Resource = Mapping[str, Any]


def _version(resource: Resource) -> tuple[str, int, bytes]:
    meta = resource.get("meta")
    updated, version = "", -1
    if isinstance(meta, JSON_OBJECT):
        if isinstance(meta.get("lastUpdated"), str):
            updated = meta["lastUpdated"]
        raw = meta.get("versionId")
        # isdecimal, not isdigit: int() refuses "²"; and an id is at most 64 characters (int()
        # refuses more than 4300 digits).
        if isinstance(raw, str) and raw.isdecimal() and len(raw) <= 64:
            version = int(raw)
    return (updated, version, _canonical(resource) or b"")


def _canonical(resource: Resource) -> bytes | None:
    """Sorted-key JSON of a resource; None when orjson cannot write it (nested deeper than its
    254-level limit: such a resource is kept as it came and fails model validation later)."""
    try:
        return orjson.dumps(resource, option=orjson.OPT_SORT_KEYS, default=str)
    except TypeError:  # orjson.JSONEncodeError
        return None


def _all_distinct(items: list[object]) -> list[Resource] | None:
    """`items` themselves when each is a resource with an id no other item has, as in nearly every
    request; else None. Found at C speed (issue 14: `_unique_by_walk` cost a quarter of reading
    an irrelevant resource): every item a JSON object (`dict.get` refuses anything but a dict),
    its resourceType and id strings (`str.join` refuses anything else), no id empty, no id twice.
    Ids distinct whatever the type means (type, id) pairs distinct, so the walk would keep every
    item, in order. Two passes over the items and one over their ids (session 19: the five
    passes before, each item's type and each id's type asked apart, cost 267 k instructions on
    the typical chart; now 207 k)."""
    objects = cast("list[dict[str, Any]]", items)  # checked here: dict.get refuses the rest
    try:
        # TypeError: an item that is not a dict.
        kinds: list[Any] = list(map(dict.get, objects, repeat("resourceType")))
        ids: list[Any] = list(map(dict.get, objects, repeat("id")))
        "".join(kinds)  # TypeError: a type that is not a string (None: absent)
        "".join(ids)  # TypeError: an id that is not a string
        distinct = set(ids)
    except TypeError:
        return None
    if len(distinct) != len(ids) or "" in distinct:
        return None
    return cast("list[Resource]", items)


def dedupe(resources: Iterable[object]) -> tuple[list[Resource], int]:
    """Unique resources (order of first appearance) and how many inputs were not resources."""
    items = list(resources)
    distinct = _all_distinct(items)
    return (distinct, 0) if distinct is not None else _unique_by_walk(items)


def _unique_by_walk(items: Iterable[object]) -> tuple[list[Resource], int]:
    """`dedupe`, one item at a time: the same type and id count once, the latest version
    winning; content without an id once; what is not a resource is counted."""
    by_key: dict[tuple[str, str] | bytes | int, Resource] = {}
    keep = by_key.setdefault  # the first of a key is kept as it comes: one lookup, not two
    not_resources = 0
    for item in items:
        if not isinstance(item, JSON_OBJECT) or not isinstance(
            kind := item.get("resourceType"), str
        ):
            not_resources += 1
            continue
        rid = item.get("id")
        # No id: the same content counts once; content orjson cannot write counts apart.
        key: tuple[str, str] | bytes | int = (
            (kind, rid) if isinstance(rid, str) and rid else _canonical(item) or id(item)
        )
        current = keep(key, item)
        if current is not item and _version(item) > _version(current):
            by_key[key] = item
    return list(by_key.values()), not_resources


Identifiers = AbstractSet[tuple[str, str]]


def _no_identifiers() -> Identifiers:
    return frozenset()


def identifier_key(identifier: object) -> tuple[str, str] | None:
    """(system, value) of an Identifier that has both, else None: an identifier without its
    system (an MRN of which hospital?) confirms nothing."""
    if not isinstance(identifier, JSON_OBJECT):
        return None
    system, value = identifier.get("system"), identifier.get("value")
    if isinstance(system, str) and system and isinstance(value, str) and value:
        return system, value
    return None


def patient_identifiers(
    resources: Iterable[object], patient_id: str | None
) -> frozenset[tuple[str, str]]:
    """(system, value) of every identifier of the context patient's Patient resources."""
    found: set[tuple[str, str]] = set()
    if patient_id is None:
        return frozenset()
    for item in resources:
        if (
            isinstance(item, JSON_OBJECT)
            and item.get("resourceType") == "Patient"
            and item.get("id") == patient_id
        ):
            identifiers = item.get("identifier")
            for identifier in identifiers if isinstance(identifiers, list) else ():
                if (key := identifier_key(identifier)) is not None:
                    found.add(key)
    return frozenset(found)


class OwnIdentifiers:
    """The context patient's identifiers (`patient_identifiers`), read from the request's
    resources the first time a subject given only as an identifier asks for them: nearly every
    resource names the patient by reference, and the walk is not paid for them (issue 14)."""

    __slots__ = ("_found", "_patient_id", "_resources")

    def __init__(self, resources: Iterable[object], patient_id: str | None) -> None:
        self._resources = resources
        self._patient_id = patient_id
        self._found: frozenset[tuple[str, str]] | None = None

    def __call__(self) -> frozenset[tuple[str, str]]:
        if self._found is None:
            self._found = patient_identifiers(self._resources, self._patient_id)
        return self._found


def not_belonging(
    resource: Resource,
    patient_id: str | None,
    own_identifiers: Callable[[], Identifiers] = _no_identifiers,
) -> str | None:
    """Why a resource is not this patient's, or None when it is (or carries no patient at all,
    as Medication, Practitioner and Organization do).

    Issue 10 ("one patient, whole data"): only the context patient's resources are read; another
    patient's are left out and reported, never merged (another patient's PHQ-9 once raised a
    critical card for the context patient). A clinical resource with no subject cannot be
    attributed, so it is left out and reported too.

    A subject with no reference but an identifier (Reference.identifier, valid R4) is this
    patient's when its system and value are those of an identifier of the context Patient
    (`own_identifiers`): review 17 U1, an active phenelzine order whose subject was the patient's
    own MRN was dropped as another patient's and the MAOI combination never shown. One that
    matches none is SUBJECT_UNCONFIRMED. A reference to another Patient stays another patient's,
    whatever identifier it also carries: the reference is what the server resolved.
    """
    if patient_id is None:
        return None
    kind = resource["resourceType"]
    if kind == "Patient":
        return None if resource.get("id") == patient_id else ANOTHER_PATIENT
    if kind not in DOMAINS_OF_TYPE or kind == "Medication":
        return None
    subject = subject_reference(resource)
    if subject is None:
        return NO_SUBJECT
    if references_patient(subject, patient_id):
        return None
    if isinstance(subject, JSON_OBJECT) and not isinstance(subject.get("reference"), str):
        key = identifier_key(subject.get("identifier"))
        if key is not None and key in own_identifiers():
            return None
        return SUBJECT_UNCONFIRMED
    return ANOTHER_PATIENT


def _attributions(resources: Iterable[object], patient_id: str) -> Iterator[bool]:
    """For each clinical resource (not Medication), whether it is about `patient_id` (by
    reference, or by an identifier of its Patient among `resources`: `not_belonging`)."""
    items = resources if isinstance(resources, list) else list(resources)
    own = OwnIdentifiers(items, patient_id)
    for item in items:
        if not isinstance(item, JSON_OBJECT) or not isinstance(item.get("resourceType"), str):
            continue
        kind = item["resourceType"]
        if kind not in DOMAINS_OF_TYPE or kind == "Medication":
            continue
        yield not_belonging(item, patient_id, own) is None


def patient_counts(resources: Iterable[object], patient_id: str) -> tuple[int, int]:
    """(resources about `patient_id`, clinical resources about someone else or no one): lets the
    protocol layer refuse a request whose prefetch is all another patient's (issue 10)."""
    own = foreign = 0
    for about_patient in _attributions(resources, patient_id):
        own += about_patient
        foreign += not about_patient
    return own, foreign


def has_own_resource(resources: Iterable[object], patient_id: str) -> bool:
    """Whether any clinical resource is about `patient_id`: `patient_counts(...)[0] > 0`, decided
    at the first such resource (in a real request, nearly always the first one) instead of after
    reading every resource of a 2,000-resource chart (issue 14)."""
    return any(_attributions(resources, patient_id))
