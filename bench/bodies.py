"""The request bodies the load generator sends, written as files for wrk.

Built from the project's own fixture builders (tests/fixtures/sizes.py): small, typical and
ten_year patient-view requests, as compact JSON.

Dated for the day of the run: the fixtures are written as of FIXTURES_AS_OF, and the server reads a
chart as of its own clock. Sent as written, the charts would age a day with every run (by late
2026 the typical chart had gained "no PHQ-9 in 569 days" cards and its trials had changed their
adherence verdicts), so runs on different days would measure different cards. So every date in a
body is moved by the days between FIXTURES_AS_OF and the run's date (`shift_dates`): the server
reads on that day the chart the fixtures describe as of FIXTURES_AS_OF
(tests/bench/test_first_sight.py checks the cards are the same).

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
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

from tests.fixtures import sizes
from tests.fixtures.scenarios import AS_OF

FIXTURES_AS_OF = AS_OF  # the date the fixture builders write their charts as of

_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True, slots=True)
class Body:
    name: str
    path: Path
    resources: int
    relevant: int
    size_bytes: int


# A FHIR date or the date part of a dateTime/instant (YYYY-MM-DD), not inside a longer number.
_DATE = re.compile(rb"(?<![0-9])([0-9]{4})-([0-9]{2})-([0-9]{2})(?![0-9])")


def write(
    name: str, request: dict[str, Any], directory: Path, *, today: date | None = None
) -> Body:
    """The request as a body file; with `today`, dated for that day (module docstring)."""
    raw = orjson.dumps(request)
    if today is not None:
        raw = shift_dates(raw, today - FIXTURES_AS_OF)
    path = directory / f"{name}.json"
    path.write_bytes(raw)
    return Body(
        name=name,
        path=path,
        resources=sizes.resource_count(request),
        relevant=sizes.relevant_count(request),
        size_bytes=len(raw),
    )


def standard(directory: Path, *, today: date) -> dict[str, Body]:
    makers: dict[str, Callable[[], dict[str, Any]]] = {
        "small": sizes.small,
        "typical": sizes.typical,
        "ten_year": sizes.ten_year,
    }
    return {name: write(name, make(), directory, today=today) for name, make in makers.items()}


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


def shift_dates(raw: bytes, by: timedelta) -> bytes:
    """Every date in `raw` (dates, and the date part of dateTimes and instants; the time of day
    and zone stay as written) moved by `by`. Intervals between dates, ages and weekday-free
    rules read the same; a string that only looks like a date (an invalid month or day) is left
    as it is. UUIDs cannot match: their groups are 8-4-4-4-12 hex digits."""

    def move(match: re.Match[bytes]) -> bytes:
        try:
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return match.group(0)
        return (day + by).isoformat().encode()

    return _DATE.sub(move, raw) if by else raw


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
