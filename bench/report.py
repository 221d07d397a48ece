"""The targets of issues 6 and 14 checked against a run's results, and the Markdown table of the run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bench.servers import SERVICE_FACTORY

# A README shows the latest results between these two lines (the lines themselves are kept).
SECTION_START = "<!-- bench:start (written by `make bench`) -->"
SECTION_END = "<!-- bench:end -->"

# The targets of issue 6.
P50_RATIO_MAX = 2.0  # service p50 <= 2x the floor's, repeat cells (issue 14: every one of them)
RPS_RATIO_MIN = 0.5  # service throughput >= 50 % of the floor's, typical request, concurrency 8
TEN_YEAR_P99_MAX_MS = 150.0
COLD_START_MAX_S = 2.0
RSS_MAX_MB = 200.0
# The targets of issue 14 (first sight: every request a chart the service has never seen).
FIRST_SIGHT_TYPICAL_RATIO_MAX = 4.0  # typical chart: service p50 <= 4x the floor's
FIRST_SIGHT_TEN_YEAR_P50_MAX_MS = 20.0
FIRST_SIGHT_TEN_YEAR_MAX_MS = 40.0  # the worst of the cell's charts (40)
PER_RELEVANT_MAX_US = 20.0  # in process, first sight, per added relevant resource
PER_IRRELEVANT_MAX_US = 5.0  # in process, first sight, per added irrelevant resource

REPEAT_CELLS = {
    "typical_c1": "typical, c=1",
    "typical_c8": "typical, c=8",
    "ten_year_c1": "10-year, c=1",
    "small_c1": "small, c=1",
}
FIRST_SIGHT_CELLS = {
    "typical_first_sight_c1": "typical, first sight, c=1",
    "ten_year_first_sight_c1": "10-year, first sight, c=1",
}
SERIES = {
    "irrelevant": "irrelevant (vitals, unread labs, other drugs)",
    "relevant": "relevant (PHQ-9s)",
    "relevant_fills": "relevant (antidepressant fills)",
    "relevant_item9": "relevant (PHQ-9s with their item 9, a long history)",
}


def _target(
    name: str, value: float, limit: float, *, at_most: bool, unit: str, issue: str
) -> dict[str, Any]:
    met = value <= limit if at_most else value >= limit
    return {
        "issue": issue,
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
    # The mapping reads tolerantly (issue 10): no model validation on any evaluate() point.
    no_validation = all(p["validations"] == 0 for s in evaluation.values() for p in s["points"])
    typical_first = cells["typical_first_sight_c1"]
    ten_year_first = cells["ten_year_first_sight_c1"]
    out = [
        _target(
            f"{label}: service p50 / floor p50 (repeat)",
            cells[key]["ratio"]["p50"],
            P50_RATIO_MAX,
            at_most=True,
            unit="x",
            issue="6, 14" if key == "typical_c1" else "14",
        )
        for key, label in REPEAT_CELLS.items()
    ]
    out += [
        _target(
            "typical c=8: service req/s / floor req/s (repeat)",
            cells["typical_c8"]["ratio"]["rps"],
            RPS_RATIO_MIN,
            at_most=False,
            unit="x",
            issue="6",
        ),
        _target(
            "10-year c=1: service p99 (repeat)",
            cells["ten_year_c1"]["service"]["p99_ms"],
            TEN_YEAR_P99_MAX_MS,
            at_most=True,
            unit=" ms",
            issue="6",
        ),
        _target(
            f"typical, first sight ({typical_first['charts']} charts): service p50 / floor p50",
            typical_first["ratio"]["p50"],
            FIRST_SIGHT_TYPICAL_RATIO_MAX,
            at_most=True,
            unit="x",
            issue="14",
        ),
        _target(
            f"10-year, first sight ({ten_year_first['charts']} charts): service p50",
            ten_year_first["service"]["p50_ms"],
            FIRST_SIGHT_TEN_YEAR_P50_MAX_MS,
            at_most=True,
            unit=" ms",
            issue="14",
        ),
        _target(
            f"10-year, first sight: service max over {ten_year_first['charts']} charts",
            ten_year_first["service"]["max_ms"],
            FIRST_SIGHT_TEN_YEAR_MAX_MS,
            at_most=True,
            unit=" ms",
            issue="14",
        ),
    ]
    for key in ("relevant", "relevant_fills", "relevant_item9") if evaluation else ():
        out.append(
            _target(
                f"in process, first sight: per added {SERIES[key]} resource",
                evaluation[key]["first_fit"]["per_resource_us"],
                PER_RELEVANT_MAX_US,
                at_most=True,
                unit=" µs",
                issue="14",
            )
        )
    if evaluation:
        out.append(
            _target(
                f"in process, first sight: per added {SERIES['irrelevant']} resource",
                evaluation["irrelevant"]["first_fit"]["per_resource_us"],
                PER_IRRELEVANT_MAX_US,
                at_most=True,
                unit=" µs",
                issue="14",
            )
        )
    out += [
        _target(
            "cold start: exec to first hook answer",
            service_start["first_hook_s"],
            COLD_START_MAX_S,
            at_most=True,
            unit=" s",
            issue="6, 14",
        ),
        _target(
            "RSS of the service worker after load",
            results["rss_mb"]["service"]["VmRSS"],
            RSS_MAX_MB,
            at_most=True,
            unit=" MB",
            issue="6, 14",
        ),
        _target(
            "no model validation on the hot path (every evaluate() point)",
            1.0 if no_validation else 0.0,
            1.0,
            at_most=False,
            unit="",
            issue="10",
        ),
        _target(
            "failed requests (all cells)", float(errors), 0.0, at_most=True, unit="", issue="6"
        ),
    ]
    return out


def _row(cells: list[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _ms(value: float) -> str:
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def _load_row(label: str, who: str, c: dict[str, Any]) -> str:
    return _row(
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


def _ratio_row(label: str, r: dict[str, float]) -> str:
    return _row(
        [label, "**service / floor**", f"{r['rps']}x", f"{r['p50']}x", f"{r['p99']}x", "", ""]
    )


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    settings = results["settings"]
    load_average = results.get("load_average", {})
    busy = ""
    if load_average.get("before"):
        busy = (
            f" Load average (1, 5, 15 min) {', '.join(map(str, load_average['before']))} before "
            f"the run, {', '.join(map(str, load_average.get('after', [])))} after: the machine "
            "is shared, so read the ratios (service and floor measured alternately) before the "
            "absolute numbers."
        )
    factory = settings.get("service_factory")
    variant = f" Service factory: `{factory}`." if factory != SERVICE_FACTORY else ""
    lines = [
        "## Benchmark (`make bench`)",
        "",
        f"Run {results['date']} on {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, "
        f"{m['platform']}; load generator: {m['load_generator']}; "
        f"{settings['server']}; {settings['database']}. "
        f"Repeat cells: {settings['rounds']} rounds of {settings['seconds_per_round']} s, service "
        "and floor alternating, one chart sent again and again (a chart seen moments ago); p50/p99 "
        "are the median round's, max the worst. First-sight cells: every request a chart the "
        "service has never seen (every UUID in it renamed per chart, see bench/bodies.py: no "
        "cache keyed by a resource or patient can help), each sent once at concurrency 1, in "
        "rounds alternating service and floor (the floor gets the same bodies); percentiles over "
        "all the cell's charts. The floor is the same stack with a handler that parses the body "
        f"and returns one fixed card. Whole run: {results['bench_seconds']} s.{busy}{variant}",
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
    for key, label in REPEAT_CELLS.items():
        cell = results["load"][key]
        for who in ("service", "floor"):
            lines.append(_load_row(f"{label}, repeat", who, cell[who]))
        lines.append(_ratio_row(f"{label}, repeat", cell["ratio"]))
    for key, label in FIRST_SIGHT_CELLS.items():
        cell = results["load"][key]
        full = f"{label}, {cell['charts']} charts"
        for who in ("service", "floor"):
            lines.append(_load_row(full, who, cell[who]))
        lines.append(_ratio_row(full, cell["ratio"]))
    if results["evaluate"]:
        lines += _evaluate_lines(results["evaluate"])
    lines += [
        "",
        "| process | exec → first 200 on /cds-services | exec → first hook answered (median; each start) | RSS after load | peak RSS |",
        "|---|---:|---:|---:|---:|",
    ]
    for who in ("service", "floor"):
        cold, rss = results["cold_start"][who], results["rss_mb"][who]
        lines.append(
            _row(
                [
                    who,
                    f"{cold['discovery_s']:.2f} s",
                    f"{cold['first_hook_s']:.2f} s"
                    + (
                        f" ({', '.join(f'{x:.2f}' for x in cold['samples_first_hook_s'])})"
                        if cold.get("samples_first_hook_s")
                        else ""
                    ),
                    f"{rss['VmRSS']:.0f} MB",
                    f"{rss['VmHWM']:.0f} MB",
                ]
            )
        )
    lines += ["", "| issue | target | value | limit | met |", "|---|---|---:|---|---|"]
    for t in results["targets"]:
        lines.append(
            _row([t["issue"], t["name"], t["value"], t["limit"], "yes" if t["met"] else "**NO**"])
        )
    return "\n".join(lines) + "\n"


def _evaluate_lines(evaluation: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "| in-process `evaluate()` | resources | relevant | validations | first sight ms | repeat ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, s in evaluation.items():
        for p in s["points"]:
            lines.append(
                _row(
                    [
                        SERIES.get(name, name),
                        p["resources"],
                        p["relevant"],
                        p["validations"],
                        _ms(p["first_ms"]),
                        _ms(p["repeat_ms"]),
                    ]
                )
            )
    fits = "; ".join(
        f"per added *{SERIES.get(name, name)}* resource {s['first_fit']['per_resource_us']} µs on "
        f"first sight (R² {s['first_fit']['r2']}), {s['repeat_fit']['per_resource_us']} µs "
        f"repeated (R² {s['repeat_fit']['r2']})"
        for name, s in evaluation.items()
    )
    lines += [
        "",
        f"Linear fits (least squares): {fits}. First sight = the median of "
        "evaluate() on never-seen variants of the chart (ids renamed); repeat = the same input "
        "again; CPU time of the calling thread.",
    ]
    return lines


def without_heading(table: str) -> str:
    """The table without its "## Benchmark" heading: the project README shows it inside its own
    Performance section."""
    first, _, rest = table.partition("\n")
    return rest.lstrip("\n") if first.startswith("## ") else table


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
