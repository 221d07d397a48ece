"""`evaluate()` in process, against chart size: what a hook costs once the HTTP layer is gone.

Two series, each timed cold (the validation cache cleared: a chart seen for the first time) and
warm (every resource already validated: the same chart again):
- `irrelevant`: sized(n), n = 10..5000 resources around a constant relevant core (the fixture's
  CORE_SIZE): real charts grow by vitals, labs and other medications the rules never read;
- `relevant`: the same small chart plus k weekly PHQ-9s, so only what the rules read grows.
A least-squares line through each series gives the cost per added resource, and R^2 shows how
straight it is.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from fhir_mapping import parse
from services.evaluation import HookInput, evaluate
from services.policy import Policy
from tests.fixtures import builders, sizes

IRRELEVANT_SIZES = (10, 25, 50, 100, 250, 500, 1000, 2000, 3500, 5000)
RELEVANT_EXTRA = (0, 25, 50, 100, 200, 400)


@dataclass(frozen=True, slots=True)
class Point:
    resources: int
    relevant: int  # by the fixture's own definition (sizes.relevant_count)
    validations: int  # model validations a cold evaluate() ran
    cold_ms: float  # median, validation cache cleared before each run
    warm_ms: float  # median, validation cache warm
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


def measure(request: dict[str, Any], *, as_of: date, budget_s: float = 0.6) -> Point:
    hook = hook_input(request, as_of)
    policy = Policy()
    colds: list[float] = []
    validations = 0
    cards = 0
    for _ in range(3):
        parse.clear_cache()
        before = parse.validations
        started = time.perf_counter()
        result = evaluate(hook, policy)
        colds.append(time.perf_counter() - started)
        validations = parse.validations - before
        cards = len(result.recommendations)
    warms: list[float] = []
    deadline = time.perf_counter() + budget_s
    while len(warms) < 5 or (time.perf_counter() < deadline and len(warms) < 200):
        started = time.perf_counter()
        evaluate(hook, policy)
        warms.append(time.perf_counter() - started)
    return Point(
        resources=sizes.resource_count(request),
        relevant=sizes.relevant_count(request),
        validations=validations,
        cold_ms=round(statistics.median(colds) * 1000, 3),
        warm_ms=round(statistics.median(warms) * 1000, 3),
        cards=cards,
    )


def fit(xs: Sequence[float], ys: Sequence[float]) -> Fit:
    slope, intercept = statistics.linear_regression(xs, ys)
    mean = statistics.fmean(ys)
    total = sum((y - mean) ** 2 for y in ys)
    residual = sum((y - (slope * x + intercept)) ** 2 for x, y in zip(xs, ys, strict=True))
    r2 = 1.0 - residual / total if total else 1.0
    return Fit(round(slope * 1000, 2), round(intercept, 3), round(r2, 4))


def with_phq9s(request: dict[str, Any], extra: int) -> dict[str, Any]:
    """The request plus `extra` weekly PHQ-9 totals (relevant: the rules read every one)."""
    patient = request["context"]["patientId"]
    bundle = request["prefetch"]["observations"]
    first = date(2016, 1, 4)
    added = []
    for week in range(extra):
        for resource in builders.phq9(
            first + timedelta(weeks=week), 15 + week % 5, patient=patient
        ):
            added.append({"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource})
    observations = {**bundle, "entry": [*bundle.get("entry", []), *added]}
    return {**request, "prefetch": {**request["prefetch"], "observations": observations}}


def series(
    label: str, requests: Sequence[dict[str, Any]], x: Callable[[Point], int], as_of: date
) -> dict[str, Any]:
    points = [measure(r, as_of=as_of) for r in requests]
    xs = [x(p) for p in points]
    return {
        "label": label,
        "points": [asdict(p) for p in points],
        "cold_fit": asdict(fit(xs, [p.cold_ms for p in points])),
        "warm_fit": asdict(fit(xs, [p.warm_ms for p in points])),
    }


def run(as_of: date) -> dict[str, Any]:
    by_size = series(
        "irrelevant", [sizes.sized(n) for n in IRRELEVANT_SIZES], lambda p: p.resources, as_of
    )
    base = sizes.sized(10)
    by_relevant = series(
        "relevant", [with_phq9s(base, k) for k in RELEVANT_EXTRA], lambda p: p.validations, as_of
    )
    return {"irrelevant": by_size, "relevant": by_relevant}
