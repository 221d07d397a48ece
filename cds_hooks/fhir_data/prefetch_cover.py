"""Whether a prefetch key of the EHR's own naming stands in for one of the service's keys that the
EHR did not send (review K51b finding 1).

An own key covers a service key only when it answers the same query: the same resource type with
no filter narrower than the service's template. A key named after its type ("Observation",
"observations": AHRQ style) with no self link, or one whose Bundle's self link searches the type
by patient alone, holds all of that type and covers every service key of it. A key named
otherwise ("vitalSigns", "phq9") or whose self link filters (`code=85354-9`, `category=...`)
holds an unknown part of it: covering `observations` with it read a chart of blood pressures as
"no PHQ-9 total on record" while the server held a positive item 9, with no word of data not read.
Such a key's data is used all the same; the service key is fetched beside it, or named missing.

Apart from prefetch.py (which decides what to fetch) because this is the reading of one query
against another; nothing here asks a FHIR server.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from fhir_mapping.fhir_fields import one_or_many

# Search parameters that do not narrow which of the patient's resources a search matches: the
# patient itself (that the data is the context patient's is hook_context's check), paging and
# sorting, and what is added beside the matches. Any other parameter (`code`, `category`,
# `status`, `date`, `_elements`, a modifier on one of these...) makes a narrower query.
_NOT_NARROWING = frozenset(
    {
        "patient",
        "subject",
        "_count",
        "_sort",
        "_include",
        "_revinclude",
        "_format",
        "_pretty",
        "_total",
        "_getpages",
        "_getpagesoffset",
        "_offset",
        "page",
    }
)

Filters = frozenset[tuple[str, str]]


def covers(key: str, value: Any, kind: str, template: str) -> bool:
    """Whether the EHR's own `key` (holding `value`, with resources of type `kind`) answers the
    service's `template` (a search of `kind`) or more. A read (`Patient/{{...}}`) is answered by
    any resource of its type: its one resource is the read's whole answer."""
    path, _, query = template.partition("?")
    if "/" in path:
        return True  # a read: the resource itself (hook_context checks whose it is)
    own = _own_filters(key, value, kind)
    return own is not None and own <= _filters(query)


def _own_filters(key: str, value: Any, kind: str) -> Filters | None:
    """The narrowing filters of the search an own key answers: its Bundle's self link's when it
    searches `kind`; else none when the key is named after `kind`; None: not known."""
    if isinstance(value, Mapping) and value.get("resourceType") == "Bundle":
        for link in one_or_many(value.get("link")):
            if not (
                isinstance(link, Mapping)
                and link.get("relation") == "self"
                and isinstance(link.get("url"), str)
            ):
                continue
            parts = urlsplit(str(link["url"]))
            if parts.path.rstrip("/").rsplit("/", 1)[-1] == kind:
                return _filters(parts.query)
            # A self link of another shape (`_search`, a paging url) says nothing of the query.
    lowered = key.lower()
    if lowered in (kind.lower(), kind.lower() + "s"):
        return frozenset()
    return None


def _filters(query: str) -> Filters:
    """A query string's narrowing parameters, as (name, value) pairs (values decoded)."""
    return frozenset(
        (name, value)
        for name, value in parse_qsl(query, keep_blank_values=True)
        if name.split(":", 1)[0] not in _NOT_NARROWING
    )


def covered_by_own_key(
    kind: str,
    template: str,
    covered: Mapping[str, set[str]],
    service_keys: frozenset[str],
    prefetch: Mapping[str, Any],
) -> bool:
    """Whether an absent service key (asking `template`, a search of `kind`) came under a key of
    the EHR's own naming that answers the same query (`covers`). The service's other keys of the
    same type do not count: `observations` sent does not mean `labs` (a different code list)
    was."""
    return any(
        kind in types and covers(key, prefetch.get(key), kind, template)
        for key, types in covered.items()
        if key not in service_keys
    )
