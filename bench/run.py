"""`python -m bench.run` (`make bench`): the service against the framework floor, in one run.

Steps: build the request bodies from the fixture builders; start the service and the floor (one at
a time, timing each from exec to its first answers); warm both up; drive them with the load
generator, alternating service and floor round by round: the repeat cells (one chart sent again
and again: a chart seen moments ago) at each concurrency, then the first-sight cells (issue 14:
every request a chart never seen before, each sent once; see bench/bodies.py for how the ids are
varied); measure RSS; stop them; time `evaluate()` in process against chart size, on first sight
and repeated; check the targets of issues 6 and 14; write bench/results/latest.json and latest.md
and print the table. Bounded: about three minutes.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench import bodies, inprocess, load, machine, report, servers

RESULTS = Path(__file__).resolve().parent / "results"
# Each README shows the latest table between the report's markers, when it has them.
READMES = (
    Path(__file__).resolve().parent / "README.md",
    Path(__file__).resolve().parents[1] / "README.md",
)
# First-sight cells: (rounds, charts per round). Each round sends its own never-seen charts to the
# service, then the same bodies to the floor; no chart is sent twice to the same server.
FIRST_SIGHT = {"typical": (5, 100), "ten_year": (4, 10)}
# The packages a deployed service imports: compiled to bytecode before any server starts, as
# `pip install .` does in the image (Dockerfile). A source checkout run with
# PYTHONDONTWRITEBYTECODE=1 (as the image and this machine set it) never writes __pycache__, so
# every measured start recompiled ~410 modules (0.45-0.6 s of CPU): a cold start the deployed
# service does not have.
PACKAGES = tuple(
    Path(__file__).resolve().parents[1] / name for name in ("cds_hooks", "fhir_mapping", "services")
)
COLD_STARTS = 2  # starts of each server before the measured pair's own: the median of 3
FIRST_SIGHT_TIMEOUT_S = 120  # upper bound of one round (wrk -d); a round ends with its last answer


def aggregate(rounds: list[load.LoadResult]) -> dict[str, Any]:
    """One cell from its rounds: throughput over all of them, the median round's percentiles, the
    worst maximum, every error."""
    seconds = sum(r.seconds for r in rounds)
    requests = sum(r.requests for r in rounds)
    return {
        "requests": requests,
        "seconds": round(seconds, 2),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": round(statistics.median(r.p50_ms for r in rounds), 3),
        "p90_ms": round(statistics.median(r.p90_ms for r in rounds), 3),
        "p99_ms": round(statistics.median(r.p99_ms for r in rounds), 3),
        "max_ms": round(max(r.max_ms for r in rounds), 3),
        "errors": sum(r.errors for r in rounds),
        "rounds": [r.as_dict() for r in rounds],
    }


def alternate(
    pair: list[servers.Server],
    body: list[Path],
    *,
    connections: int,
    rounds: int,
    seconds: int,
    workdir: Path,
) -> dict[str, dict[str, Any]]:
    """service, floor, service, floor, ...: both see the same machine state, round by round."""
    results: dict[str, list[load.LoadResult]] = {s.name: [] for s in pair}
    for _ in range(rounds):
        for server in pair:
            results[server.name].append(
                load.run_load(
                    server.url(servers.SERVICE_PATH),
                    body,
                    connections=connections,
                    seconds=seconds,
                    workdir=workdir,
                )
            )
    return {name: aggregate(cell) for name, cell in results.items()}


def pooled(rounds: list[load.LoadResult]) -> dict[str, Any]:
    """One first-sight cell from its rounds: percentiles over every request of every round (each
    a different chart), so the max is the worst chart of the cell."""
    latencies = sorted(x / 1000 for r in rounds for x in r.latencies_us)
    seconds = sum(r.seconds for r in rounds)
    requests = sum(r.requests for r in rounds)
    return {
        "requests": requests,
        "seconds": round(seconds, 2),
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "p50_ms": round(load.percentile(latencies, 50), 3),
        "p90_ms": round(load.percentile(latencies, 90), 3),
        "p99_ms": round(load.percentile(latencies, 99), 3),
        "max_ms": round(latencies[-1], 3) if latencies else 0.0,
        "errors": sum(r.errors for r in rounds),
        "rounds": [{k: v for k, v in r.as_dict().items() if k != "latencies_us"} for r in rounds],
    }


def first_sight(
    pair: list[servers.Server],
    body: bodies.Body,
    *,
    rounds: int,
    per_round: int,
    workdir: Path,
    first_variant: int = 0,
) -> dict[str, Any]:
    """Each round: `per_round` variants never sent before, each POSTed once at concurrency 1 to
    the service, then the same bodies to the floor."""
    results: dict[str, list[load.LoadResult]] = {s.name: [] for s in pair}
    for n in range(rounds):
        paths = bodies.first_sight_variants(
            body, per_round, workdir, start=first_variant + n * per_round
        )
        for server in pair:
            results[server.name].append(
                load.run_load(
                    server.url(servers.SERVICE_PATH),
                    paths,
                    connections=1,
                    seconds=FIRST_SIGHT_TIMEOUT_S,
                    workdir=workdir,
                    once=True,
                )
            )
        bodies.remove(paths)
    cells = {name: pooled(cell) for name, cell in results.items()}
    return {
        **cells,
        "ratio": ratios(cells),
        "charts": rounds * per_round,
        "rounds": rounds,
        "ids": "every UUID renamed per chart (bench/bodies.py): no chart sent twice",
    }


def _median_start(starts: list[dict[str, float]]) -> dict[str, Any]:
    """The median of each cold-start measure over `starts`, with the samples."""
    return {
        "discovery_s": round(statistics.median(s["discovery_s"] for s in starts), 3),
        "first_hook_s": round(statistics.median(s["first_hook_s"] for s in starts), 3),
        "samples_first_hook_s": [s["first_hook_s"] for s in starts],
    }


def ratios(cells: dict[str, dict[str, Any]]) -> dict[str, float]:
    service, floor = cells["service"], cells["floor"]
    return {
        "p50": round(service["p50_ms"] / floor["p50_ms"], 2),
        "p99": round(service["p99_ms"] / floor["p99_ms"], 2),
        "rps": round(service["rps"] / floor["rps"], 2),
    }


def run(
    *,
    seconds: int,
    rounds: int,
    workdir: Path,
    factory: str = servers.SERVICE_FACTORY,
    in_process: bool = True,
) -> dict[str, Any]:
    wall = time.perf_counter()
    for package in PACKAGES:
        compileall.compile_dir(package, quiet=1)
    made = bodies.standard(workdir, today=date.today())
    typical = [made["typical"].path]
    ten_year = [made["ten_year"].path]
    config = servers.write_config(workdir)
    first_body = made["typical"].path.read_bytes()

    # A cold start is one sample of a noisy thing (the first exec after a change, the page
    # cache, a neighbour's burst): COLD_STARTS more starts of each, alternating, each with a
    # database file of its own, and the median of all of them is reported.
    samples: dict[str, list[dict[str, float]]] = {"service": [], "floor": []}
    for n in range(COLD_STARTS):
        own = workdir / f"cold-{n}"
        own.mkdir()
        for name, made_by, cfg in (
            ("service", factory, servers.write_config(own)),
            ("floor", servers.FLOOR_FACTORY, None),
        ):
            trial = servers.start_and_time(
                name, made_by, workdir=own, config=cfg, first_body=first_body
            )
            trial.stop()
            samples[name].append(trial.cold_start)

    started: list[servers.Server] = []
    try:
        # One at a time, so neither start-up competes with the other for the CPU.
        service = servers.start_and_time(
            "service",
            factory,
            workdir=workdir,
            config=config,
            first_body=first_body,
        )
        started.append(service)
        floor = servers.start_and_time(
            "floor", servers.FLOOR_FACTORY, workdir=workdir, config=None, first_body=first_body
        )
        started.append(floor)
        pair = [service, floor]

        for server in pair:  # warm-up: caches, allocator, connection paths
            for body, connections in ((typical, 8), (ten_year, 1)):
                load.run_load(
                    server.url(servers.SERVICE_PATH),
                    body,
                    connections=connections,
                    seconds=1,
                    workdir=workdir,
                )

        cells: dict[str, Any] = {}
        for connections in (1, 8):
            cell = alternate(
                pair,
                typical,
                connections=connections,
                rounds=rounds,
                seconds=seconds,
                workdir=workdir,
            )
            cells[f"typical_c{connections}"] = {**cell, "ratio": ratios(cell)}
        cell = alternate(
            pair,
            ten_year,
            connections=1,
            rounds=max(1, rounds - 1),
            seconds=seconds,
            workdir=workdir,
        )
        cells["ten_year_c1"] = {**cell, "ratio": ratios(cell)}
        cell = alternate(
            pair, [made["small"].path], connections=1, rounds=1, seconds=seconds, workdir=workdir
        )
        cells["small_c1"] = {**cell, "ratio": ratios(cell)}
        # Every request a chart the service has never seen (fresh ids): no cache can help. A short
        # warm-up of never-seen charts first (variants numbered apart from the measured ones).
        first_sight(
            pair, made["typical"], rounds=1, per_round=20, workdir=workdir, first_variant=90_000
        )
        for name, (chart_rounds, per_round) in FIRST_SIGHT.items():
            cells[f"{name}_first_sight_c1"] = first_sight(
                pair, made[name], rounds=chart_rounds, per_round=per_round, workdir=workdir
            )
        rss = {s.name: s.rss_mb() for s in pair}
        cold = {s.name: _median_start([*samples[s.name], s.cold_start]) for s in pair}
    finally:
        for server in started:
            server.stop()

    # In process the as-of date is an argument: the fixtures' own (the bodies above are dated
    # for today instead, since the server reads as of its clock).
    evaluation = inprocess.run(bodies.FIXTURES_AS_OF) if in_process else {}
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(load.tool()),
        "settings": {
            "seconds_per_round": seconds,
            "rounds": rounds,
            "first_sight": {name: list(plan) for name, plan in FIRST_SIGHT.items()},
            "server": "uvicorn, 1 worker, uvloop, httptools, access log off, 127.0.0.1",
            "service_factory": factory,
            "database": "SQLite (temporary file)",
        },
        "requests": {
            name: {
                "resources": b.resources,
                "relevant": b.relevant,
                "bytes": b.size_bytes,
            }
            for name, b in made.items()
        },
        "load": cells,
        "cold_start": cold,
        "rss_mb": rss,
        "evaluate": evaluation,
        "bench_seconds": round(time.perf_counter() - wall, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--seconds", type=int, default=3, help="seconds per load round (3)")
    parser.add_argument("--rounds", type=int, default=5, help="service/floor rounds per cell (5)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results directory")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when a target of issue 6 or 14 is missed"
    )
    parser.add_argument(
        "--service-factory",
        default=servers.SERVICE_FACTORY,
        help="the service's app factory (module:function), e.g. a variant without one piece of "
        "machinery; results then go to --out only, never to the READMEs",
    )
    parser.add_argument(
        "--skip-inprocess", action="store_true", help="HTTP cells only (no evaluate() series)"
    )
    args = parser.parse_args(argv)
    load_before = _load_average()  # the machine is shared: the report says how busy it was
    with tempfile.TemporaryDirectory(prefix="trd-cds-bench-") as tmp:
        results = run(
            seconds=args.seconds,
            rounds=args.rounds,
            workdir=Path(tmp),
            factory=args.service_factory,
            in_process=not args.skip_inprocess,
        )
    results["load_average"] = {"before": load_before, "after": _load_average()}
    results["targets"] = report.targets(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    table = report.markdown(results)
    (args.out / "latest.md").write_text(table, "utf-8")
    published = args.out == RESULTS and args.service_factory == servers.SERVICE_FACTORY
    if published and not args.skip_inprocess:  # the published results: the READMEs show them
        for readme in READMES:
            inside = readme.parent != RESULTS.parent  # the project README: its own heading
            report.replace_section(readme, report.without_heading(table) if inside else table)
    print(table)
    missed = [t["name"] for t in results["targets"] if not t["met"]]
    if missed:
        print(f"targets missed: {'; '.join(missed)}", file=sys.stderr)
    return 1 if args.check and missed else 0


def _load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover - no /proc/loadavg
        return []


if __name__ == "__main__":
    sys.exit(main())
