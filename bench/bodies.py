"""The request bodies the load generator sends, written as files for wrk.

Built from the project's own fixture builders (tests/fixtures/sizes.py): small, typical and
ten_year patient-view requests, as compact JSON.

First-sight variants (issue 14): variant n of a body has every UUID in it (each resource's id, every
reference and fullUrl, context.patientId and userId, hookInstance: the fixtures write all of them as
UUIDs) replaced by uuid5(uuid5(NAMESPACE_URL, "trd-cds-bench/<body>/<n>"), old UUID). The same old
id becomes the same new id within a variant, so references still resolve and the chart means the
same; no id is shared between two variants or with the original. The evaluation cache's key names
each resource by its type and id (cds_hooks/performance/evaluation_cache.py), so each variant is a chart the
service has never seen, and nothing keyed by a resource or patient id can help. Only the ids change:
codes, displays and texts are the same, as in a real EHR's stream of different patients on the
same formulary.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from tests.fixtures import sizes

_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True, slots=True)
class Body:
    name: str
    path: Path
    resources: int
    relevant: int
    size_bytes: int


def write(name: str, request: dict[str, Any], directory: Path) -> Body:
    raw = orjson.dumps(request)
    path = directory / f"{name}.json"
    path.write_bytes(raw)
    return Body(
        name=name,
        path=path,
        resources=sizes.resource_count(request),
        relevant=sizes.relevant_count(request),
        size_bytes=len(raw),
    )


def standard(directory: Path) -> dict[str, Body]:
    makers: dict[str, Callable[[], dict[str, Any]]] = {
        "small": sizes.small,
        "typical": sizes.typical,
        "ten_year": sizes.ten_year,
    }
    return {name: write(name, make(), directory) for name, make in makers.items()}


def first_sight_variants(body: Body, count: int, directory: Path, *, start: int = 0) -> list[Path]:
    """Variants start .. start + count - 1 of the body (see the module docstring), as files."""
    raw = body.path.read_bytes()
    out: list[Path] = []
    for n in range(start, start + count):
        path = directory / f"{body.name}-first-sight-{n:05d}.json"
        path.write_bytes(renamed(raw, variant_seed(body.name, n)))
        out.append(path)
    return out


def variant_seed(name: str, n: int) -> str:
    return f"trd-cds-bench/{name}/{n}"


def remove(paths: list[Path]) -> None:
    """Delete variant files once sent (a 10-year variant is 2.6 MB)."""
    for path in paths:
        path.unlink(missing_ok=True)


def renamed_request(request: dict[str, Any], seed: str) -> dict[str, Any]:
    """The request with every UUID renamed for `seed` (the in-process first-sight series)."""
    loaded: dict[str, Any] = orjson.loads(renamed(orjson.dumps(request), seed))
    return loaded


def renamed(raw: bytes, seed: str) -> bytes:
    """Every UUID in `raw` replaced by uuid5(namespace of `seed`, old): the same old id always
    becomes the same new one, so references still resolve."""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, seed)
    mapping: dict[bytes, bytes] = {}

    def swap(match: re.Match[bytes]) -> bytes:
        old = match.group(0)
        new = mapping.get(old)
        if new is None:
            new = str(uuid.uuid5(namespace, old.decode())).encode()
            mapping[old] = new
        return new

    return _UUID.sub(swap, raw)
