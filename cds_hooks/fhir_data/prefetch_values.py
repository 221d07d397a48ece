"""Reading one prefetch value: the resources a Bundle (or a single resource) holds, in one walk.

What the EHR sent under a key is read here, apart from what `prefetch.gather` does with it (which
keys to fetch, which feeds are missing or incomplete), so that the reading can be tested on its
own against the plain reading of each field (tests/cds_hooks/test_gather_one_pass.py). Nothing
here asks a FHIR server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cds_hooks.fhir_data.fhir_source import outcome_failure, outcome_incomplete
from cds_hooks.fhir_data.search_bundles import bundle_entries
from fhir_mapping.fhir_fields import one_or_many


def resources_in(value: Mapping[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """The resources a prefetch value holds (Bundle entries, or the resource itself)."""
    if value.get("resourceType") == "Bundle":
        out: list[dict[str, Any]] = []
        entries, skipped = bundle_entries(value)
        for entry in entries:
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
                skipped += 1
                continue
            search = entry.get("search")
            if resource["resourceType"] == "OperationOutcome" or (
                isinstance(search, dict) and search.get("mode") == "outcome"
            ):
                continue  # a warning about the search, not patient data
            out.append(resource)
        return out, skipped
    if isinstance(value.get("resourceType"), str):
        return [dict(value)], 0
    return [], 1


def list_items(value: list[Any]) -> tuple[list[dict[str, Any]], int, str | None]:
    """(resources, items that are none, failure) of a bare-list prefetch value (tolerated in
    place of a Bundle): its OperationOutcomes are about the search, not patient data, and are
    left out as a Bundle's are (`read_value`; review s24 RB finding 6: an Epic 4119 notice
    beside Conditions was said as "holds OperationOutcome, not Condition"); an error or fatal
    one is a failed search (`failure`), as in a Bundle."""
    items = [i for i in value if isinstance(i, dict) and isinstance(i.get("resourceType"), str)]
    skipped = len(value) - len(items)
    outcomes = [i for i in items if i["resourceType"] == "OperationOutcome"]
    if not outcomes:
        return items, skipped, None
    kept = [i for i in items if i["resourceType"] != "OperationOutcome"]
    return kept, skipped, outcome_failure(outcomes)


# Not frozen: one is built per prefetch value (19 on every call, most of them empty Bundles) and
# only read after; a frozen dataclass's __init__ sets each field through object.__setattr__,
# which made building one cost about as much as reading a Bundle of five entries (issue 14).
@dataclass(slots=True)
class ValueReading:
    """What `prefetch._collect` needs of one prefetch value, from one walk over a Bundle's entries
    (issue 14: the four walks it replaces cost ~0.85 M instructions more on a typical first
    sight of ~25 M). Each field reads as the plain reading named beside it
    (tests/cds_hooks/test_gather_one_pass.py). Read only: nothing sets a field after it is built."""

    resources: list[dict[str, Any]]  # resources_in(value)[0]
    skipped: int  # resources_in(value)[1]
    match_types: list[str]  # the sorted resource types of the match entries
    matches: int  # fhir_source.match_count(value) for a Bundle (0 for a single resource)
    failure: str | None  # fhir_source.search_failure(value)
    incomplete: str | None = None  # fhir_source.search_incomplete(value)
    # The resource types of the kept entries that are not matches (`include`: a Medication sent
    # with its order), so that match_types + other_types are the types of all of `resources`
    # without a second walk over them.
    other_types: frozenset[str] = frozenset()


_MATCH_MODES = (None, "match")  # FHIR: an entry without search.mode is a match


def read_value(value: Mapping[str, Any]) -> ValueReading:
    """The resources, skipped entries, match types, match count and failed-search codes of a
    prefetch value (a Bundle, or a single resource), in one walk."""
    if value.get("resourceType") != "Bundle":
        single, skipped = resources_in(value)
        kind = value.get("resourceType")
        return ValueReading(
            resources=single,
            skipped=skipped,
            match_types=[kind] if isinstance(kind, str) else [],
            matches=0,  # not a searchset: no `total` to compare with
            failure=None,
        )
    entries, skipped = bundle_entries(value)
    if not entries:
        # Read as nothing; a value in place of the list that is not empty counts as skipped.
        return ValueReading(
            resources=[],
            skipped=skipped,
            match_types=[],
            matches=0,
            failure=None,
        )
    resources: list[dict[str, Any]] = []
    matches = 0
    kinds: set[str] = set()  # of the match entries only
    others: set[str] = set()  # of the kept entries that are not matches
    outcomes: list[dict[str, Any]] = []
    # `type(x) is dict` first, then isinstance: the parsed body's objects are dicts, and the
    # call is left for the rare other value (issue 14, perf14: ~2,000 entries on a 10-year chart).
    keep = resources.append
    for entry in entries:
        if type(entry) is not dict and not isinstance(entry, dict):
            skipped += 1
            continue
        resource = entry.get("resource")
        search = entry.get("search")
        mode = search.get("mode") if type(search) is dict or isinstance(search, dict) else None
        match = mode is None or mode == "match"  # as `mode in _MATCH_MODES`
        if type(resource) is not dict and not isinstance(resource, dict):
            skipped += 1
            if match:
                matches += 1  # `total` counts it all the same
            continue
        kind = resource.get("resourceType")
        if kind == "OperationOutcome":
            outcomes.append(resource)  # about the search, not patient data, nor a match
            continue
        if match:
            matches += 1
        if type(kind) is not str and not isinstance(kind, str):
            skipped += 1
        elif match:  # (a match is never "outcome")
            keep(resource)
            kinds.add(kind)
        elif mode != "outcome":
            keep(resource)
            others.add(kind)
    return ValueReading(
        resources=resources,
        skipped=skipped,
        match_types=sorted(kinds),
        matches=matches,
        failure=outcome_failure(outcomes) if outcomes else None,
        incomplete=outcome_incomplete(outcomes) if outcomes else None,
        other_types=frozenset(others) if others else frozenset(),
    )


def _type_named_by(key: str, bundle: Mapping[str, Any]) -> str | None:
    for link in one_or_many(bundle.get("link")):
        if (
            isinstance(link, dict)
            and link.get("relation") == "self"
            and isinstance(link.get("url"), str)
        ):
            path = str(link["url"]).split("?", 1)[0].rstrip("/")
            candidate = path.rsplit("/", 1)[-1]
            if candidate[:1].isupper():
                return candidate
    candidate = key[:1].upper() + key[1:]
    return candidate[:-1] if candidate.endswith("s") else candidate
