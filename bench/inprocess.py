"""`evaluate()` in process, against chart size: what a hook costs once the HTTP layer is gone.

Each point is timed two ways:
- first sight (issue 14): `FIRST_SIGHT_CHARTS` variants of the chart with every id renamed
  (bench/bodies.py), each evaluated once: charts the process has never seen, so nothing keyed by
  a resource or a patient can help; the median is reported;
- repeat: the same hook input again and again (what a per-resource cache inside `evaluate()`
  would speed up; there is none since the mapping reads tolerantly, so the two should agree).

Four series, each like-for-like: at every point the evaluation gives the same cards, word for
word, so a series' slope is the cost of reading one more resource of its kind and nothing else (a
card gained or lost between two points would add a step that the line spreads over every
resource; tests/bench/test_structure.py checks the cards and that every added resource is read):
- `irrelevant`: sized_unread(n), n = 10..5000 resources around a constant relevant core (the
  fixture's CORE_SIZE): real charts grow by vitals, labs and other medications the rules never
  read. Not sized(n): its chronic care holds metabolic panels, HbA1c and lipids, which the
  safety-lab checks read, and lisinopril (an interacting drug); sized_unread(n) has the same
  visits with none of them, so the slope is the cost of a resource the service does not read;
- `relevant`: the same small chart plus k weekly PHQ-9s from before its episode (`with_phq9s`),
  so only what the rules read grows;
- `relevant_item9`: the same, each PHQ-9 with its standalone item 9 (0), 25 to 2,500 of them: a
  long history whose answers join their totals (fhir_mapping/item9_join.py; review s25 RP H1);
- `relevant_fills`: a small chart with a long venlafaxine trial (`fills_base`) plus k more daily
  fills of its order inside that trial (`with_fills`): medication events, the costliest relevant
  resources to read.
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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from bench.bodies import renamed_request
from cds_hooks.performance.gc_tuning import settle_gc
from fhir_mapping import conformance
from services.evaluation import Evaluation, HookInput, evaluate
from services.policy import Policy
from tests.fixtures import builders, sizes
from tests.fixtures.scenarios import (
    Chart,
    Scenario,
    cds_request,
)

IRRELEVANT_SIZES = (10, 25, 50, 100, 250, 500, 1000, 2000, 3500, 5000)
RELEVANT_EXTRA = (0, 25, 50, 100, 200, 400)
# The long-history series: PHQ-9s each with its standalone item 9, up to a long registry history
# (review s25 RP H1: 2,500 such PHQ-9s took ~70 s on first sight when the item-9 join compared
# every answer with every total; a line through these points shows a square term as a bad fit).
ITEM9_EXTRA = (25, 250, 500, 1000, 2500)
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


PHQ9_TOTAL = "44261-6"  # LOINC: PHQ-9 total score
# Weekly PHQ-9s before the episode: the newest this long before the chart's first PHQ-9 (the
# episode's baseline), well outside every trial's baseline window (30 days before its start).
PHQ9_LEAD = timedelta(weeks=20)


def with_phq9s(request: dict[str, Any], extra: int, *, item9: bool = False) -> dict[str, Any]:
    """The request plus `extra` weekly PHQ-9 totals (44261-6, as builders.phq9 writes them) from
    before its current episode: the newest PHQ9_LEAD before the request's earliest PHQ-9, the
    others a week apart going back (400 reach back about eight years).

    Relevant, and read: the score reader keeps every one (record.scores grows by `extra`), and
    the rules walk them (episode start, severity and payer windows, suicide-risk screens). Like
    for like, so the cards stay the same word for word at every point:
    - before the episode: no trial's baseline or on-treatment window holds one, so no response
      or remission changes, and none is the latest PHQ-9 of the chart or of any window;
    - the newest added one has the same date and total at every point (they are added going
      back), so a list of the latest PHQ-9s reads the same however many there are;
    - totals 6-9 (mild, Kroenke 2001): never below the remission cut-off (5), so no run of them
      is a sustained remission that would close an earlier episode, and no severe symptoms the
      chart's diagnosis dates would contradict (residual symptoms of recurrent MDD between
      episodes, followed in a measurement-based-care registry). Weekly is denser than most
      registries, but a chart of 400 monthly PHQ-9s would have to reach back 33 years.
    Within the episode they could not be like for like: 400 of them would not fit an episode of
    months at any sane rate, and each would change the scores the cards list.

    `item9`: each total with its item 9 (0, a standalone Observation as a flowsheet sends it),
    which joins its total (fhir_mapping/item9_join.py): the `relevant_item9` series.
    """
    patient = request["context"]["patientId"]
    first = _earliest(
        r["effectiveDateTime"]
        for r in sizes.flatten(request)
        if r["resourceType"] == "Observation" and PHQ9_TOTAL in _codes(r.get("code"))
    )
    newest = first - PHQ9_LEAD
    added = []
    for week in range(extra):
        when, total = newest - timedelta(weeks=week), 6 + week % 4
        added.extend(builders.phq9(when, total, 0 if item9 else None, patient=patient))
    return _with_entries(request, "observations", added)


# The fills series' chart: sized()'s core story a year earlier, so its venlafaxine trial (since
# FILLS_VENLAFAXINE_FROM, ongoing) holds 401 daily fills before the fixtures' as-of date
# (2025-06-02) and any later one.
FILLS_SERTRALINE_FROM = date(2023, 10, 23)
FILLS_VENLAFAXINE_FROM = date(2024, 2, 12)


def fills_base(as_of: date) -> dict[str, Any]:
    """The fills series' smallest chart, 11 resources: sized()'s relevant core (a TRD patient
    who meets TMS criteria: MDD, an adequate failed sertraline trial, then venlafaxine 225 mg
    with PHQ-9 19 -> 17 -> 18, one psychotherapy session, one TSH) with its two trials, the
    PHQ-9s at their starts and the session a year earlier (`sizes.core_relevant`'s date
    parameters), a first fill of the venlafaxine order on its day supplying up to `as_of`, and
    two daily fills of it, handed over the two days before `as_of`.

    Why not sized(10): its venlafaxine trial is 16 weeks long at the fixtures' as-of date, too
    short to hold 400 fills at any realistic rate, and fills outside the trial (the old series
    went back years before the order) move the trial's start, which changes its weeks, the
    episode, the staging and, at a later as-of, the adherence verdict and so the cards. Why two
    fills already here: without any the trial's adherence is "unverified" and a card says so; one
    fill is no refill to judge (adherence.py: no PDC, "covers the course: no refill was due");
    with two, adherence is verified (PDC 100 %) at every point, so the cards read the same.
    """
    chart = Chart(
        "bench_fills",
        given="Morgan",
        family="Delacroix",
        gender="female",
        birth_date=date(1972, 5, 18),
        as_of=as_of,
    )
    sizes.core_relevant(
        chart,
        sertraline_from=FILLS_SERTRALINE_FROM,
        venlafaxine_from=FILLS_VENLAFAXINE_FROM,
        psychotherapy_on=date(2023, 12, 5),
    )
    venlafaxine = builders.ANTIDEPRESSANTS["808748"]
    # The first fill, on the order's day, supplies the whole time up to as-of: a course counts
    # from its first fill after the order (fhir_mapping/first_fill.py, review s23 RT 1), so
    # the trial starts on the order's day however many daily fills the series adds after it.
    span = (as_of - FILLS_VENLAFAXINE_FROM).days
    chart.add(
        builders.medication_dispense(
            venlafaxine.rxcui,
            venlafaxine.display,
            FILLS_VENLAFAXINE_FROM,
            span,
            span,
            patient=chart.pid,
            quantity_unit=venlafaxine.unit,
            prescription=chart.id("venlafaxine"),
            dose_unit=venlafaxine.unit,
            id=builders.make_id("bench-first-fill", chart.id("venlafaxine")),
        ),
        *_daily_fills(
            chart.pid, chart.id("venlafaxine"), venlafaxine, as_of - timedelta(days=1), 2
        ),
    )
    # The order states its supply, as an instalment prescription does (a year, renewable twice):
    # an order stating none, first filled more than statement_confirmed_days after it, starts
    # its course at the fill (review s22), so each added fill would move the trial's start.
    for resource in chart.resources:
        if resource["resourceType"] == "MedicationRequest" and resource["id"] == chart.id(
            "venlafaxine"
        ):
            resource["dispenseRequest"] = {
                "expectedSupplyDuration": _YEAR_SUPPLY,
                "numberOfRepeatsAllowed": 2,
            }
    scenario = Scenario(chart.name, "bench: fills series", as_of, chart.pid, chart.resources, {})
    return cds_request(scenario, observation_filter=False)


_YEAR_SUPPLY = {"value": 365, "unit": "days", "system": "http://unitsofmeasure.org", "code": "d"}


def with_fills(request: dict[str, Any], extra: int) -> dict[str, Any]:
    """The request plus `extra` daily fills of its venlafaxine order, on the days before the
    earliest fill of that order already on the request (fills_base has one), going back.

    Each fill hands over one tablet, a day's supply, as builders.medication_dispense writes a
    fill (authorizingPrescription: the order; type: refill, since the order's first fill
    predates the dispensing on record). Daily (instalment) dispensing is what a pharmacy does
    where the prescriber limits the supply a patient holds (e.g. for overdose risk); it is how 400
    fills fit in one trial of over a year. Like for like, so the cards stay the same word for word at every point:
    - every fill lies inside the trial (after the order, before as-of), so the trial's start,
      end, dose, weeks and verdict do not move, and it is one trial at every point;
    - each fill's supply lasts exactly until the next, so the supply is continuous from the
      first fill to as-of: PDC 100 %, no refill gap, adherence verified at every point.
    Relevant, and read: each is a medication event of the venlafaxine trial (its sources grow by
    `extra`), and the adherence reader walks every one.
    """
    patient = request["context"]["patientId"]
    resources = sizes.flatten(request)
    order = next(
        r
        for r in resources
        if r["resourceType"] == "MedicationRequest"
        and "venlafaxine" in str(r.get("medicationCodeableConcept", {})).lower()
    )
    reference = f"MedicationRequest/{order['id']}"
    earliest = _earliest(
        r["whenHandedOver"]
        for r in resources
        if r["resourceType"] == "MedicationDispense"
        and any(p.get("reference") == reference for p in r.get("authorizingPrescription", []))
        and r.get("daysSupply", {}).get("value") == 1  # the daily fills, not the first fill
    )
    product = builders.ANTIDEPRESSANTS[order["medicationCodeableConcept"]["coding"][0]["code"]]
    fills = _daily_fills(patient, order["id"], product, earliest - timedelta(days=1), extra)
    return _with_entries(request, "medicationDispenses", fills)


def _daily_fills(
    patient: str, order: str, product: builders.Product, newest: date, count: int
) -> list[dict[str, Any]]:
    """`count` fills of one tablet (a day's supply) of `order`, one a day, the newest on `newest`."""
    days = [newest - timedelta(days=n) for n in range(count)]
    return [
        builders.medication_dispense(
            product.rxcui,
            product.display,
            day,
            1,
            1,
            patient=patient,
            quantity_unit=product.unit,
            prescription=order,
            refill=True,
            dose_unit=product.unit,
            id=builders.make_id("bench-fill", order, day.isoformat()),
        )
        for day in days
    ]


def _earliest(moments: Iterable[str]) -> date:
    """The earliest day of FHIR dateTimes; a series extends what its base chart already holds."""
    days = [date.fromisoformat(moment[:10]) for moment in moments]
    if not days:
        raise ValueError("the request holds none of what this series extends (see its base)")
    return min(days)


def _codes(concept: Any) -> set[str]:
    return {str(c.get("code")) for c in (concept or {}).get("coding", [])}


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


@dataclass(frozen=True, slots=True)
class SeriesPlan:
    """One series: the sizes of its points and how to build the request at one of them (the
    bench measures these; tests/bench/test_structure.py checks the same requests)."""

    label: str
    steps: tuple[int, ...]
    request: Callable[[int], dict[str, Any]]


def plans(as_of: date) -> tuple[SeriesPlan, ...]:
    base = sizes.sized(10)
    fills = fills_base(as_of)
    return (
        SeriesPlan("irrelevant", IRRELEVANT_SIZES, sizes.sized_unread),
        SeriesPlan("relevant", RELEVANT_EXTRA, lambda k: with_phq9s(base, k)),
        SeriesPlan("relevant_fills", RELEVANT_EXTRA, lambda k: with_fills(fills, k)),
        SeriesPlan("relevant_item9", ITEM9_EXTRA, lambda k: with_phq9s(base, k, item9=True)),
    )


def run(as_of: date) -> dict[str, Any]:
    settle_gc()  # the server's GC settings (cds_hooks/app.py applies them after start-up)
    return {
        plan.label: series(
            plan.label, [plan.request(n) for n in plan.steps], lambda p: p.resources, as_of
        )
        for plan in plans(as_of)
    }
