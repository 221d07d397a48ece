"""`evaluate()` in process, against chart size: what a hook costs once the HTTP layer is gone.

Each point is timed two ways:
- first sight (issue 14): `FIRST_SIGHT_CHARTS` variants of the chart with every id renamed
  (bench/bodies.py), each evaluated once: charts the process has never seen, so nothing keyed by
  a resource or a patient can help; the median is reported;
- repeat: the same hook input again and again (what a per-resource cache inside `evaluate()`
  would speed up; there is none since the mapping reads tolerantly, so the two should agree).

Three series:
- `irrelevant`: sized(n), n = 10..5000 resources around a constant relevant core (the fixture's
  CORE_SIZE): real charts grow by vitals, labs and other medications the rules never read;
- `relevant`: the same small chart plus k weekly PHQ-9s, so only what the rules read grows;
- `relevant_fills`: the same small chart plus k weekly fills of its venlafaxine order (7-day
  supply each): medication events, the costliest relevant resources to read.
A least-squares line through each series gives the cost per added resource, and R^2 shows how
straight it is. Times are the CPU time of the calling thread (`time.thread_time`), not wall time:
the machine is shared, and another process's burst would otherwise land in a point at random. The
process's GC is set up as the server's is (`cds_hooks.performance.gc_tuning`): start-up objects
frozen, and no automatic collection during a call (the server holds collections between requests,
`CollectBetweenRequests`); a collection that falls due runs between calls, untimed.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from bench.bodies import renamed_request
from cds_hooks.performance.gc_tuning import settle_gc
from fhir_mapping import conformance
from services.evaluation import Evaluation, HookInput, evaluate
from services.policy import Policy
from tests.fixtures import builders, sizes

IRRELEVANT_SIZES = (10, 25, 50, 100, 250, 500, 1000, 2000, 3500, 5000)
RELEVANT_EXTRA = (0, 25, 50, 100, 200, 400)
FIRST_SIGHT_CHARTS = 7  # never-seen variants per point; the median is reported
_clock = time.thread_time  # CPU seconds of this thread


@dataclass(frozen=True, slots=True)
class Point:
    resources: int
    relevant: int  # by the fixture's own definition (sizes.relevant_count)
    validations: int  # whole-resource model validations one evaluate() ran (0: tolerant reader)
    first_ms: float  # median over FIRST_SIGHT_CHARTS never-seen variants, one evaluate() each
    repeat_ms: float  # median, the same hook input evaluated again
    cards: int


@dataclass(frozen=True, slots=True)
class Fit:
    per_resource_us: float  # slope
    intercept_ms: float
    r2: float


def hook_input(request: dict[str, Any], as_of: date) -> HookInput:
    return HookInput(
        service_id="trd-patient-view",
        hook="patient-view",
        hook_instance=request["hookInstance"],
        patient_id=request["context"]["patientId"],
        resources=sizes.flatten(request),
        as_of=as_of,
    )


def measure(
    request: dict[str, Any], *, as_of: date, label: str = "point", budget_s: float = 0.4
) -> Point:
    policy = Policy()
    hook = hook_input(request, as_of)
    evaluate(hook, policy)  # tables and code paths loaded before anything is timed
    fresh_inputs = [
        hook_input(renamed_request(request, f"trd-cds-bench/inprocess/{label}/{n}"), as_of)
        for n in range(FIRST_SIGHT_CHARTS)
    ]
    # As in the server, what exists before the calls is out of the collector's way (the server
    # freezes its start-up objects; here the fixtures), so a collection scans only a call's own.
    gc.collect()
    gc.freeze()
    firsts: list[float] = []
    validations = 0
    cards = 0
    resources = sizes.resource_count(request)
    for fresh in fresh_inputs:
        before = conformance.validations
        seconds, result = _timed(fresh, policy)
        firsts.append(seconds)
        validations = conformance.validations - before
        cards = len(result.recommendations)
    repeats: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(repeats) < 5 or (time.perf_counter() < deadline and len(repeats) < 200):
        repeats.append(_timed(hook, policy)[0])
    return Point(
        resources=resources,
        relevant=sizes.relevant_count(request),
        validations=validations,
        first_ms=round(statistics.median(firsts) * 1000, 3),
        repeat_ms=round(statistics.median(repeats) * 1000, 3),
        cards=cards,
    )


def _timed(hook: HookInput, policy: Policy) -> tuple[float, Evaluation]:
    """One call's CPU time, with automatic collection off during it, as in the server."""
    gc.disable()
    try:
        started = _clock()
        result = evaluate(hook, policy)
        return _clock() - started, result
    finally:
        gc.enable()


def fit(xs: Sequence[float], ys: Sequence[float]) -> Fit:
    slope, intercept = statistics.linear_regression(xs, ys)
    mean = statistics.fmean(ys)
    total = sum((y - mean) ** 2 for y in ys)
    residual = sum((y - (slope * x + intercept)) ** 2 for x, y in zip(xs, ys, strict=True))
    r2 = 1.0 - residual / total if total else 1.0
    return Fit(round(slope * 1000, 2), round(intercept, 3), round(r2, 4))


def _with_entries(
    request: dict[str, Any], key: str, resources: list[dict[str, Any]]
) -> dict[str, Any]:
    bundle = request["prefetch"][key]
    added = [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources]
    grown = {**bundle, "entry": [*bundle.get("entry", []), *added]}
    return {**request, "prefetch": {**request["prefetch"], key: grown}}


def with_phq9s(request: dict[str, Any], extra: int) -> dict[str, Any]:
    """The request plus `extra` weekly PHQ-9 totals (relevant: the rules read every one)."""
    patient = request["context"]["patientId"]
    first = date(2016, 1, 4)
    added = []
    for week in range(extra):
        added.extend(builders.phq9(first + timedelta(weeks=week), 15 + week % 5, patient=patient))
    return _with_entries(request, "observations", added)


def with_fills(request: dict[str, Any], extra: int) -> dict[str, Any]:
    """The request plus `extra` weekly 7-day fills of its venlafaxine order, the newest a week
    before the order's last PHQ-9 (relevant: each is a medication event of the current trial)."""
    patient = request["context"]["patientId"]
    order = next(
        r
        for r in sizes.flatten(request)
        if r["resourceType"] == "MedicationRequest"
        and "venlafaxine" in str(r.get("medicationCodeableConcept", {})).lower()
    )
    coding = order["medicationCodeableConcept"]["coding"][0]
    last = date(2025, 5, 5)
    fills = [
        builders.medication_dispense(
            coding["code"],
            coding["display"],
            last - timedelta(weeks=week),
            7,
            7,
            patient=patient,
            prescription=order["id"],
            refill=week < extra - 1,
            id=builders.make_id("bench-fill", patient, str(week)),
        )
        for week in range(extra)
    ]
    return _with_entries(request, "medicationDispenses", fills)


def series(
    label: str, requests: Sequence[dict[str, Any]], x: Callable[[Point], int], as_of: date
) -> dict[str, Any]:
    points = [measure(r, as_of=as_of, label=f"{label}/{n}") for n, r in enumerate(requests)]
    xs = [x(p) for p in points]
    return {
        "label": label,
        "points": [asdict(p) for p in points],
        "first_fit": asdict(fit(xs, [p.first_ms for p in points])),
        "repeat_fit": asdict(fit(xs, [p.repeat_ms for p in points])),
    }


def run(as_of: date) -> dict[str, Any]:
    settle_gc()  # the server's GC settings (cds_hooks/app.py applies them after start-up)
    by_size = series(
        "irrelevant", [sizes.sized(n) for n in IRRELEVANT_SIZES], lambda p: p.resources, as_of
    )
    base = sizes.sized(10)
    by_relevant = series(
        "relevant", [with_phq9s(base, k) for k in RELEVANT_EXTRA], lambda p: p.resources, as_of
    )
    by_fills = series(
        "relevant_fills",
        [with_fills(base, k) for k in RELEVANT_EXTRA],
        lambda p: p.resources,
        as_of,
    )
    return {"irrelevant": by_size, "relevant": by_relevant, "relevant_fills": by_fills}
