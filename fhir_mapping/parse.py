"""Model validation of the resources the rules read, with fhir.resources R4B.

Validation costs ~1 ms per resource (../shared/fhir/FHIR_RESOURCES.md), so the mapping first
rejects irrelevant resources with a cheap dict check (resourceType and code) and validates only what
it keeps. Each resource is validated on its own: one broken resource is skipped and counted, never
fatal. Results are cached by (type, id, digest of the content) so repeated hooks for the same
chart do not pay twice; a resource without an id is validated every time.

The content is part of the key, not just versionId and lastUpdated: a server that does not version
its resources (or an EHR with a bug, or a hostile client) can send a changed resource under the
same id and meta, and the readers after validation rely on it (a `status` that is a string, a
`coding` that is a list). Hashing the JSON costs microseconds; validating costs a millisecond.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Mapping
from threading import Lock
from typing import Any

import orjson
from fhir.resources.R4B import get_fhir_model_class

_CACHE_SIZE = 50_000
_cache: OrderedDict[tuple[str, str, bytes], bool] = OrderedDict()
_lock = Lock()
validations = 0  # how many model validations ran (tests assert irrelevant resources never count)


def _key(resource: Mapping[str, Any]) -> tuple[str, str, bytes] | None:
    rid = resource.get("id")
    if not isinstance(rid, str) or not rid:
        return None
    try:
        content = orjson.dumps(resource)
    except TypeError:  # orjson.JSONEncodeError: nested past orjson's depth limit; not cached
        return None
    digest = hashlib.blake2b(content, digest_size=16).digest()
    return (str(resource.get("resourceType")), rid, digest)


def is_valid(resource: Mapping[str, Any]) -> bool:
    """True when the resource validates against its R4B model."""
    global validations
    key = _key(resource)
    if key is not None:
        with _lock:
            hit = _cache.get(key)
            if hit is not None:
                _cache.move_to_end(key)
                return hit
    resource_type = resource.get("resourceType")
    ok = False
    if isinstance(resource_type, str):
        try:
            model = get_fhir_model_class(resource_type)
        except KeyError:
            model = None
        if model is not None:
            validations += 1
            try:
                model.model_validate(dict(resource))
                ok = True
            except Exception:  # noqa: BLE001 - any validation failure means "skip this resource"
                ok = False
    if key is not None:
        with _lock:
            _cache[key] = ok
            if len(_cache) > _CACHE_SIZE:
                _cache.popitem(last=False)
    return ok


def clear_cache() -> None:
    with _lock:
        _cache.clear()
