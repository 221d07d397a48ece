"""The request bodies the load generator sends, written as files for wrk.

Built from the project's own fixture builders (tests/fixtures/sizes.py): small, typical and
ten_year patient-view requests, as compact JSON. `first_sight` variants rewrite every UUID of a
request (resource ids, references, the patient) into a fresh one, consistently, so each variant is a
chart the service has never seen: its caches cannot help.
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


def first_sight_variants(body: Body, count: int, directory: Path) -> list[Path]:
    """`count` copies of the body, each with every UUID replaced by a variant-specific one."""
    raw = body.path.read_bytes()
    out: list[Path] = []
    for n in range(count):
        path = directory / f"{body.name}-first-sight-{n:04d}.json"
        path.write_bytes(_renamed(raw, f"trd-cds-bench/{body.name}/{n}"))
        out.append(path)
    return out


def _renamed(raw: bytes, seed: str) -> bytes:
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
