"""`python -m bench.run` (`make bench`): the service against the framework floor, in one run.

Steps: build the request bodies from the fixture builders; start the service and the floor (one at
a time, timing each from exec to its first answers); warm both up; drive them with the load
generator, alternating service and floor round by round at each concurrency; measure RSS; stop
them; time `evaluate()` in process against chart size; check the targets of issue 6; write
bench/results/latest.json and latest.md and print the table. Bounded: about two minutes.
"""

from __future__ import annotations

import argparse
import json
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
FIRST_SIGHT_VARIANTS = 150


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


def ratios(cells: dict[str, dict[str, Any]]) -> dict[str, float]:
    service, floor = cells["service"], cells["floor"]
    return {
        "p50": round(service["p50_ms"] / floor["p50_ms"], 2),
        "p99": round(service["p99_ms"] / floor["p99_ms"], 2),
        "rps": round(service["rps"] / floor["rps"], 2),
    }


def run(*, seconds: int, rounds: int, workdir: Path) -> dict[str, Any]:
    wall = time.perf_counter()
    made = bodies.standard(workdir)
    typical = [made["typical"].path]
    ten_year = [made["ten_year"].path]
    first_sight = bodies.first_sight_variants(made["typical"], FIRST_SIGHT_VARIANTS, workdir)
    config = servers.write_config(workdir)
    first_body = made["typical"].path.read_bytes()

    started: list[servers.Server] = []
    try:
        # One at a time, so neither start-up competes with the other for the CPU.
        service = servers.start_and_time(
            "service",
            servers.SERVICE_FACTORY,
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
        # Every request a chart the service has never seen (fresh ids): no cache can help.
        cells["typical_first_sight_c1"] = {
            "service": aggregate(
                [
                    load.run_load(
                        service.url(servers.SERVICE_PATH),
                        first_sight,
                        connections=1,
                        seconds=seconds,
                        workdir=workdir,
                    )
                ]
            ),
            "variants": len(first_sight),
        }
        rss = {s.name: s.rss_mb() for s in pair}
        cold = {s.name: s.cold_start for s in pair}
    finally:
        for server in started:
            server.stop()

    evaluation = inprocess.run(date.today())
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine.describe(load.tool()),
        "settings": {
            "seconds_per_round": seconds,
            "rounds": rounds,
            "server": "uvicorn, 1 worker, uvloop, httptools, access log off, 127.0.0.1",
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
        "--check", action="store_true", help="exit 1 when a target of issue 6 is missed"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="trd-cds-bench-") as tmp:
        results = run(seconds=args.seconds, rounds=args.rounds, workdir=Path(tmp))
    results["targets"] = report.targets(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    table = report.markdown(results)
    (args.out / "latest.md").write_text(table, "utf-8")
    if args.out == RESULTS:  # the published results: the READMEs show them
        for readme in READMES:
            report.replace_section(readme, table)
    print(table)
    missed = [t["name"] for t in results["targets"] if not t["met"]]
    if missed:
        print(f"targets missed: {'; '.join(missed)}", file=sys.stderr)
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
