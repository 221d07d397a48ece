"""Issue 6's targets checked against a run's results, and the Markdown table of the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# A README shows the latest results between these two lines (the lines themselves are kept).
SECTION_START = "<!-- bench:start (written by `make bench`) -->"
SECTION_END = "<!-- bench:end -->"

# The targets of issue 6.
P50_RATIO_MAX = 2.0  # service p50 <= 2x the floor's, typical request, concurrency 1
RPS_RATIO_MIN = 0.5  # service throughput >= 50 % of the floor's, typical request, concurrency 8
TEN_YEAR_P99_MAX_MS = 150.0
COLD_START_MAX_S = 2.0
RSS_MAX_MB = 200.0


def _target(name: str, value: float, limit: float, *, at_most: bool, unit: str) -> dict[str, Any]:
    met = value <= limit if at_most else value >= limit
    return {
        "name": name,
        "value": value,
        "limit": f"{'<=' if at_most else '>='} {limit:g}{unit}",
        "met": met,
    }


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    cells = results["load"]
    service_start = results["cold_start"]["service"]
    evaluation = results["evaluate"]
    errors = sum(
        cell[who]["errors"]
        for cell in cells.values()
        for who in ("service", "floor")
        if who in cell
    )
    validated_only_relevant = all(
        p["validations"] == p["relevant"] for s in evaluation.values() for p in s["points"]
    )
    return [
        _target(
            "typical c=1: service p50 / floor p50",
            cells["typical_c1"]["ratio"]["p50"],
            P50_RATIO_MAX,
            at_most=True,
            unit="x",
        ),
        _target(
            "typical c=8: service req/s / floor req/s",
            cells["typical_c8"]["ratio"]["rps"],
            RPS_RATIO_MIN,
            at_most=False,
            unit="x",
        ),
        _target(
            "10-year record c=1: service p99",
            cells["ten_year_c1"]["service"]["p99_ms"],
            TEN_YEAR_P99_MAX_MS,
            at_most=True,
            unit=" ms",
        ),
        _target(
            "cold start: exec to first hook answer",
            service_start["first_hook_s"],
            COLD_START_MAX_S,
            at_most=True,
            unit=" s",
        ),
        _target(
            "RSS of the service worker after load",
            results["rss_mb"]["service"]["VmRSS"],
            RSS_MAX_MB,
            at_most=True,
            unit=" MB",
        ),
        _target(
            "model validations = relevant resources (every evaluate() point)",
            1.0 if validated_only_relevant else 0.0,
            1.0,
            at_most=False,
            unit="",
        ),
        _target("failed requests (all cells)", float(errors), 0.0, at_most=True, unit=""),
    ]


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _ms(value: float) -> str:
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "## Benchmark (`make bench`)",
        "",
        f"Run {results['date']} on {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, "
        f"{m['platform']}; load generator: {m['load_generator']}; "
        f"{results['settings']['server']}; {results['settings']['database']}. "
        f"Each cell: {results['settings']['rounds']} rounds of "
        f"{results['settings']['seconds_per_round']} s, service and floor alternating; p50/p99 are "
        "the median round's, max the worst. The floor is the same stack with a handler that parses "
        f"the body and returns one fixed card. Whole run: {results['bench_seconds']} s.",
        "",
        "| request | resources | relevant | bytes |",
        "|---|---:|---:|---:|",
    ]
    for name, r in results["requests"].items():
        lines.append(_row([name, r["resources"], r["relevant"], f"{r['bytes']:,}"]))
    lines += [
        "",
        "| load | server | req/s | p50 ms | p99 ms | max ms | errors |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "typical_c1": "typical, c=1",
        "typical_c8": "typical, c=8",
        "ten_year_c1": "10-year, c=1",
        "small_c1": "small, c=1",
        "typical_first_sight_c1": "typical, never-seen charts, c=1",
    }
    for key, label in labels.items():
        cell = results["load"][key]
        for who in ("service", "floor"):
            if who not in cell:
                continue
            c = cell[who]
            lines.append(
                _row(
                    [
                        label,
                        who,
                        f"{c['rps']:.0f}",
                        _ms(c["p50_ms"]),
                        _ms(c["p99_ms"]),
                        _ms(c["max_ms"]),
                        c["errors"],
                    ]
                )
            )
        if "ratio" in cell:
            r = cell["ratio"]
            lines.append(
                _row(
                    [
                        label,
                        "**service / floor**",
                        f"{r['rps']}x",
                        f"{r['p50']}x",
                        f"{r['p99']}x",
                        "",
                        "",
                    ]
                )
            )
    lines += [
        "",
        "| in-process `evaluate()` | resources | relevant | validations | cold ms | warm ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, s in results["evaluate"].items():
        for p in s["points"]:
            lines.append(
                _row(
                    [
                        name,
                        p["resources"],
                        p["relevant"],
                        p["validations"],
                        _ms(p["cold_ms"]),
                        _ms(p["warm_ms"]),
                    ]
                )
            )
    irrelevant, relevant = results["evaluate"]["irrelevant"], results["evaluate"]["relevant"]
    lines += [
        "",
        "Linear fits (least squares): per added *irrelevant* resource "
        f"{irrelevant['cold_fit']['per_resource_us']} µs cold (R² {irrelevant['cold_fit']['r2']}), "
        f"{irrelevant['warm_fit']['per_resource_us']} µs warm (R² {irrelevant['warm_fit']['r2']}); "
        f"per added *relevant* resource {relevant['cold_fit']['per_resource_us']} µs cold "
        f"(R² {relevant['cold_fit']['r2']}), {relevant['warm_fit']['per_resource_us']} µs warm "
        f"(R² {relevant['warm_fit']['r2']}). Cold = validation cache cleared (a chart never seen); "
        "warm = the same chart again.",
        "",
        "| process | exec → first 200 on /cds-services | exec → first hook answered | RSS after load | peak RSS |",
        "|---|---:|---:|---:|---:|",
    ]
    for who in ("service", "floor"):
        cold, rss = results["cold_start"][who], results["rss_mb"][who]
        lines.append(
            _row(
                [
                    who,
                    f"{cold['discovery_s']:.2f} s",
                    f"{cold['first_hook_s']:.2f} s",
                    f"{rss['VmRSS']:.0f} MB",
                    f"{rss['VmHWM']:.0f} MB",
                ]
            )
        )
    lines += ["", "| target (issue 6) | value | limit | met |", "|---|---:|---|---|"]
    for t in results["targets"]:
        lines.append(_row([t["name"], t["value"], t["limit"], "yes" if t["met"] else "**NO**"]))
    return "\n".join(lines) + "\n"


def replace_section(readme: Path, table: str) -> bool:
    """Put `table` between the README's markers; False (nothing written) when it has none."""
    if not readme.is_file():
        return False
    text = readme.read_text("utf-8")
    start, end = text.find(SECTION_START), text.find(SECTION_END)
    if start < 0 or end < start:
        return False
    head = text[: start + len(SECTION_START)]
    readme.write_text(f"{head}\n\n{table.rstrip()}\n\n{text[end:]}", "utf-8")
    return True
