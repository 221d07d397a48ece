"""Closed-loop HTTP load on loopback: wrk (Debian's package) when installed, else an asyncio client.

Both keep `connections` keep-alive connections busy, each sending the next POST as soon as the
previous answer arrived, for `seconds`; both report the same LoadResult. wrk is preferred: it is C,
so it takes less of the two cores away from the server under test.

With `once=True` (the first-sight cells) each body is sent exactly once and the run ends with the
last answer (`seconds` is then only an upper bound), always by the asyncio client: the result
carries every request's own latency, so a cell can pool its rounds and report exact percentiles
over all the charts it sent. wrk cannot give those: it corrects its histogram for coordinated
omission (synthetic samples below each slow one) and does not expose single latencies.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

_LUA = Path(__file__).with_name("post.lua")


@dataclass(frozen=True, slots=True)
class LoadResult:
    tool: str
    connections: int
    seconds: float
    requests: int
    errors: int  # socket errors, time-outs and non-2xx answers
    rps: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    latencies_us: tuple[int, ...] = ()  # every request's latency, ascending (`once` runs only)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def tool() -> str:
    return "wrk" if shutil.which("wrk") else "asyncio"


def run_load(
    url: str,
    bodies: Sequence[Path],
    *,
    connections: int,
    seconds: int,
    workdir: Path,
    once: bool = False,
) -> LoadResult:
    """POST the bodies (cycled, one after another) to `url` for `seconds`; with `once`, each body
    exactly once (at most `seconds`)."""
    if tool() == "wrk" and not once:
        return _wrk(url, bodies, connections=connections, seconds=seconds, workdir=workdir)
    raw = [b.read_bytes() for b in bodies]
    return asyncio.run(_asyncio_load(url, raw, connections=connections, seconds=seconds, once=once))


def percentile(ascending: Sequence[float], p: float) -> float:
    """Nearest-rank percentile of an ascending sequence (p in 0..100)."""
    if not ascending:
        return 0.0
    rank = max(1, -(-len(ascending) * p // 100))  # ceil(n * p / 100), at least 1
    return ascending[min(len(ascending), int(rank)) - 1]


# ---------------------------------------------------------------------------------------------
# wrk


def _wrk(
    url: str, bodies: Sequence[Path], *, connections: int, seconds: int, workdir: Path
) -> LoadResult:
    listing = workdir / "wrk-bodies.txt"
    listing.write_text("".join(f"{b}\n" for b in bodies), "utf-8")
    command = [
        "wrk",
        "-t1",  # one thread: wrk's event loop keeps 8 connections busy, and leaves a core free
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(_LUA),
        url,
    ]
    env = {**os.environ, "BENCH_BODIES": str(listing)}
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=seconds + 30, check=False
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr.strip()[:500]}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    errors = sum(raw[k] for k in ("connect", "read", "write", "status", "timeout"))
    duration = raw["duration_us"] / 1e6
    return LoadResult(
        tool="wrk",
        connections=connections,
        seconds=round(duration, 3),
        requests=raw["requests"],
        errors=errors,
        rps=round(raw["requests"] / duration, 1),
        p50_ms=raw["p50_us"] / 1000,
        p90_ms=raw["p90_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        max_ms=raw["max_us"] / 1000,
        mean_ms=round(raw["mean_us"] / 1000, 3),
    )


# ---------------------------------------------------------------------------------------------
# asyncio fallback: HTTP/1.1 keep-alive on raw streams, bounded by time and request count

_MAX_REQUESTS = 200_000


async def _asyncio_load(
    url: str, bodies: Sequence[bytes], *, connections: int, seconds: int, once: bool = False
) -> LoadResult:
    host_port, _, path = url.removeprefix("http://").partition("/")
    host, _, port = host_port.partition(":")
    messages = [
        (
            f"POST /{path} HTTP/1.1\r\nHost: {host_port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode()
        + body
        for body in bodies
    ]
    sent_count = 0
    latencies: list[float] = []
    errors = 0
    started = time.perf_counter()
    deadline = started + seconds
    limit = len(messages) if once else _MAX_REQUESTS

    async def worker() -> None:
        nonlocal errors, sent_count
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while time.perf_counter() < deadline and sent_count < limit:
                message = messages[sent_count % len(messages)]
                sent_count += 1
                sent = time.perf_counter()
                writer.write(message)
                await writer.drain()
                status = await _read_response(reader)
                latencies.append(time.perf_counter() - sent)
                if not 200 <= status < 300:
                    errors += 1
        finally:
            writer.close()

    results = await asyncio.gather(*(worker() for _ in range(connections)), return_exceptions=True)
    errors += sum(1 for r in results if isinstance(r, BaseException))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies) or [0.0]

    def pct(p: float) -> float:
        return round(percentile(ordered, p) * 1000, 3)

    return LoadResult(
        tool="asyncio",
        connections=connections,
        seconds=round(elapsed, 3),
        requests=len(latencies),
        errors=errors,
        rps=round(len(latencies) / elapsed, 1),
        p50_ms=pct(50),
        p90_ms=pct(90),
        p99_ms=pct(99),
        max_ms=round(ordered[-1] * 1000, 3),
        mean_ms=round(statistics.fmean(ordered) * 1000, 3),
        latencies_us=tuple(round(x * 1e6) for x in sorted(latencies)) if once else (),
    )


async def _read_response(reader: asyncio.StreamReader) -> int:
    header = await reader.readuntil(b"\r\n\r\n")
    lines = header.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status
