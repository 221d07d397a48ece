"""Structural properties behind the benchmark's numbers (issue 6). No timing is asserted here:
only what work is done, and how often.

- irrelevant resources (vitals, labs the rules do not read, encounters, other medications) are
  never model-validated, so cost grows with the resources the rules read, not with the chart;
- the validation cache and the evaluation cache avoid repeating work for the same chart, and
  never serve a stale answer when a resource changes;
- each in-process series (bench/inprocess.py) is like for like: every point gives the same cards,
  and every resource a relevant series adds is read, so a slope is the cost of one resource;
- absent prefetch keys are fetched concurrently;
- a cached answer is served without waiting on anything (no fetch, no lock), and the cards it
  issued are stored in batches.
"""

from __future__ import annotations

import asyncio
import copy
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from bench.inprocess import SeriesPlan, hook_input, plans, with_phq9s
from cds_hooks import runner as runner_module
from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.fhir_data.prefetch import gather
from cds_hooks.hook_answer import Answer, LoopMiss
from cds_hooks.models.request import HookRequest
from cds_hooks.performance import evaluation_cache
from cds_hooks.performance.evaluation_cache import EvaluationCache, digest
from cds_hooks.runner import HookRunner
from cds_hooks.security.caller import Caller
from cds_hooks.storage.batch_writer import BatchWriter
from cds_hooks.storage.issued_cards import IssuedCard, issued_rows
from cds_hooks.storage.issued_recorder import IssuedRecorder
from cds_hooks.storage.store import Store
from cds_hooks.storage.timestamps import utcnow
from fhir_mapping import conformance
from fhir_mapping.record import PatientRecord, SourceRef, Trial
from services.catalog import by_id
from services.evaluation import Evaluation, HookInput, evaluate
from services.policy import Policy
from services.taken_to_confirm import NEVER_FILLED, NO_FILL_ON_RECORD
from tests.fixtures import sizes
from tests.fixtures.scenarios import Chart

AS_OF = date(2025, 6, 2)  # the fixtures' as-of date
SERVICE = "trd-patient-view"


def _validations(hook: HookInput) -> int:
    """Model validations one evaluate() runs (none: the mapping reads tolerantly)."""
    before = conformance.validations
    evaluate(hook, Policy())
    return conformance.validations - before


def _input(resources: list[dict[str, Any]], patient_id: str) -> HookInput:
    return HookInput(
        service_id=SERVICE,
        hook="patient-view",
        hook_instance="h-1",
        patient_id=patient_id,
        resources=resources,
        as_of=AS_OF,
    )


# --- the hot path reads tolerantly: no whole-resource model validation at all (issue 10) -------


def test_a_chart_of_irrelevant_resources_runs_no_validation() -> None:
    chart = Chart(
        "bench-irrelevant", given="A", family="B", gender="female", birth_date=date(1970, 1, 1)
    )
    for n in range(20):  # encounters: never asked for, never read
        chart.visit(AS_OF - timedelta(days=30 * n + 1))
    sizes.add_irrelevant(chart, 600, AS_OF - timedelta(days=3650), AS_OF - timedelta(days=1))
    kinds = {r["resourceType"] for r in chart.resources}
    assert {"Encounter", "Observation", "MedicationRequest", "Condition"} <= kinds
    assert _validations(_input(chart.resources, chart.pid)) == 0


@pytest.mark.parametrize("extra", [0, 7, 40])
def test_relevant_resources_are_read_without_model_validation(extra: int) -> None:
    request = with_phq9s(sizes.sized(10), extra)
    hook = hook_input(request, AS_OF)
    assert _validations(hook) == 0
    # ... and still read: every extra PHQ-9 reaches the record.
    record = evaluate(hook, Policy()).record
    assert len(record.phq9()) >= extra


def test_a_ten_year_chart_runs_no_validation() -> None:
    assert _validations(hook_input(sizes.ten_year(), AS_OF)) == 0


# --- the in-process series are like for like (bench/inprocess.py) -----------------------------
# A card gained or lost between two points of a series is a step the fitted line spreads over
# every resource: the slope would not be the cost of one more resource. The bench runs the series
# as of the fixtures' date (bench/run.py); a year and a half later is checked too, so they stay
# like for like whatever date they are run at.
SERIES_AS_OF = (AS_OF, date(2026, 12, 2))


def _plan(label: str, as_of: date) -> SeriesPlan:
    return next(p for p in plans(as_of) if p.label == label)


def _steps(plan: SeriesPlan) -> list[int]:
    """The smallest, a middle and the largest point."""
    return [plan.steps[0], plan.steps[len(plan.steps) // 2], plan.steps[-1]]


def _evaluated(request: dict[str, Any], as_of: date) -> Evaluation:
    return evaluate(hook_input(request, as_of), Policy())


def _added(smaller: dict[str, Any], larger: dict[str, Any]) -> list[dict[str, Any]]:
    """The resources of `larger` that `smaller` does not hold (by type and id)."""
    held = {(r["resourceType"], r["id"]) for r in sizes.flatten(smaller)}
    return [r for r in sizes.flatten(larger) if (r["resourceType"], r["id"]) not in held]


def _venlafaxine(record: PatientRecord) -> Trial:
    [trial] = [t for t in record.trials if t.ingredient == "venlafaxine"]  # one trial, never two
    return trial


def _feed_words(text: str) -> str:
    """`text` with an unfilled order's wording made one: "never filled or renewed" on a chart that
    carries a fill feed (any dispense, fhir_mapping/unfilled_order.py), "no fill on record" on one
    that sends none (session 31 orders33). The irrelevant series' other-drug fills are such a feed
    from 500 resources on, not at 10: the cards and everything else on them must still match."""
    return text.replace(f"{NEVER_FILLED} since", NEVER_FILLED).replace(
        NEVER_FILLED, NO_FILL_ON_RECORD
    )


@pytest.mark.parametrize("as_of", SERIES_AS_OF, ids=str)
@pytest.mark.parametrize("label", ["irrelevant", "relevant", "relevant_fills", "relevant_item9"])
def test_every_point_of_an_in_process_series_gives_the_same_cards(label: str, as_of: date) -> None:
    plan = _plan(label, as_of)
    evaluations = [_evaluated(plan.request(n), as_of) for n in _steps(plan)]
    card_sets = [[(r.topic, r.indicator) for r in e.recommendations] for e in evaluations]
    texts = [
        [
            (_feed_words(r.summary), _feed_words(r.detail), tuple(s.label for s in r.suggestions))
            for r in e.recommendations
        ]
        for e in evaluations
    ]
    assert card_sets[0]  # a series that raised no card would be like for like trivially
    assert card_sets[1:] == [card_sets[0]] * 2  # the same rules, indicators and number of cards
    assert texts[1:] == [texts[0]] * 2  # ... word for word: nothing on them counts resources
    assert len({e.record.episode_start for e in evaluations}) == 1


@pytest.mark.parametrize("as_of", SERIES_AS_OF, ids=str)
def test_every_phq9_the_relevant_series_adds_is_read_and_changes_no_trial(as_of: date) -> None:
    plan = _plan("relevant", as_of)
    smallest, *larger = [plan.request(n) for n in _steps(plan)]
    base = _evaluated(smallest, as_of).record
    for request, extra in zip(larger, _steps(plan)[1:], strict=True):
        added = _added(smallest, request)
        assert len(added) == extra - plan.steps[0]
        assert {r["resourceType"] for r in added} == {"Observation"}
        record = _evaluated(request, as_of).record
        # every added PHQ-9 is a score the rules read ...
        assert len(record.scores) == len(base.scores) + len(added)
        assert {SourceRef("Observation", r["id"]) for r in added} <= {
            s.source for s in record.phq9()
        }
        # ... and none is a trial's baseline or on-treatment score
        assert record.trials == base.trials


@pytest.mark.parametrize("as_of", SERIES_AS_OF, ids=str)
def test_every_item9_the_long_history_series_adds_joins_its_total(as_of: date) -> None:
    """The series measures the item-9 join (review s25 RP H1): every added answer must reach it
    and join the total of its day, so the slope is the join's cost per PHQ-9."""
    plan = _plan("relevant_item9", as_of)
    smallest, *larger = [plan.request(n) for n in _steps(plan)]
    base = _evaluated(smallest, as_of).record
    for request, extra in zip(larger, _steps(plan)[1:], strict=True):
        added = _added(smallest, request)
        assert len(added) == 2 * (extra - plan.steps[0])  # a total and its item 9 each
        record = _evaluated(request, as_of).record
        assert len(record.scores) == len(base.scores) + len(added) // 2  # each item 9 joined
        joined = {s.source: s.item9 for s in record.phq9()}
        totals = [r for r in added if "44261-6" in str(r["code"])]
        assert {joined[SourceRef("Observation", r["id"])] for r in totals} == {0}
        assert record.trials == base.trials


@pytest.mark.parametrize("as_of", SERIES_AS_OF, ids=str)
def test_every_fill_the_fills_series_adds_is_an_event_of_the_same_trial(as_of: date) -> None:
    plan = _plan("relevant_fills", as_of)
    smallest, *larger = [plan.request(n) for n in _steps(plan)]
    base = _evaluated(smallest, as_of).record
    for request, extra in zip(larger, _steps(plan)[1:], strict=True):
        added = _added(smallest, request)
        assert len(added) == extra - plan.steps[0]
        assert {r["resourceType"] for r in added} == {"MedicationDispense"}
        record = _evaluated(request, as_of).record
        trial, before = _venlafaxine(record), _venlafaxine(base)
        # every added fill is a medication event of the venlafaxine trial ...
        assert len(trial.sources) == len(before.sources) + len(added)
        assert {SourceRef("MedicationDispense", r["id"]) for r in added} <= set(trial.sources)
        # ... and only that: the same trial (start, end, dose, weeks, adherence, verdict) but
        # for its count of fills, the same other trials
        assert trial.adherence.fills == before.adherence.fills + len(added)
        assert replace(trial, sources=(), adherence=replace(trial.adherence, fills=0)) == replace(
            before, sources=(), adherence=replace(before.adherence, fills=0)
        )
        assert [t for t in record.trials if t is not trial] == [
            t for t in base.trials if t is not before
        ]


def test_the_relevant_series_add_valid_fhir() -> None:
    for label in ("relevant", "relevant_fills", "relevant_item9"):
        plan = _plan(label, AS_OF)
        for resource in sizes.flatten(plan.request(plan.steps[1])):
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)


class _Counting:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, hook: HookInput) -> Evaluation:
        self.calls += 1
        return evaluate(hook, Policy())


def test_the_evaluation_cache_maps_the_same_chart_once() -> None:
    cache: EvaluationCache[Evaluation] = EvaluationCache()
    compute = _Counting()
    request = sizes.small()
    first, cached_first = cache.evaluate(hook_input(request, AS_OF), compute)
    again = hook_input(copy.deepcopy(request), AS_OF)  # equal content, new objects
    second, cached_second = cache.evaluate(again, compute)
    assert (compute.calls, cached_first, cached_second) == (1, False, True)
    assert second is first


def test_the_evaluation_cache_sees_a_new_version_a_changed_unversioned_resource_and_the_date() -> (
    None
):
    request = sizes.small()
    base = digest(hook_input(request, AS_OF))
    # a new version of a versioned resource
    versioned = copy.deepcopy(request)
    versioned["prefetch"]["patient"]["meta"]["versionId"] = "2"
    # the same resource without meta, then with one field changed: named by its content
    unversioned = copy.deepcopy(request)
    del unversioned["prefetch"]["patient"]["meta"]
    edited = copy.deepcopy(unversioned)
    edited["prefetch"]["patient"]["gender"] = "male"
    keys = {
        base,
        digest(hook_input(versioned, AS_OF)),
        digest(hook_input(unversioned, AS_OF)),
        digest(hook_input(edited, AS_OF)),
        digest(hook_input(request, AS_OF + timedelta(days=1))),
    }
    assert len(keys) == 5
    assert digest(hook_input(copy.deepcopy(request), AS_OF)) == base


def test_the_evaluation_cache_expires_and_stays_bounded() -> None:
    now = [0.0]
    cache: EvaluationCache[str] = EvaluationCache(60.0, 2, clock=lambda: now[0])
    hooks = [hook_input(sizes.sized(n), AS_OF) for n in (10, 11, 12)]
    for hook in hooks:
        cache.evaluate(hook, lambda _h: "x")
    assert len(cache) == 2
    assert cache.get(hooks[0]) is None  # the least recently used went first
    assert cache.get(hooks[2]) == "x"
    now[0] = 61.0
    assert cache.get(hooks[2]) is None


# --- the FHIR-fetch path --------------------------------------------------------------------------


class _OverlapSource:
    """A FhirSource whose searches only return once `parties` of them are running at the same
    time: fetched one after another, the first would wait forever (BrokenBarrierError)."""

    def __init__(self, parties: int) -> None:
        self.barrier = threading.Barrier(parties, timeout=10)
        self.queries: list[str] = []
        self._lock = threading.Lock()

    def search(self, query: str, *, deadline: float) -> list[dict[str, Any]]:
        with self._lock:
            self.queries.append(query)
        self.barrier.wait()
        # The Patient read finds the patient, as a FHIR server's read does (one answered with
        # nothing is a patient the server does not know: a 412, review 16 W1).
        return [{"resourceType": "Patient", "id": "p1"}] if query.startswith("Patient/") else []


def test_absent_prefetch_keys_are_fetched_concurrently() -> None:
    definition = by_id(SERVICE)
    assert definition is not None
    request = HookRequest.model_validate(
        {"hook": "patient-view", "hookInstance": "h-1", "context": {"patientId": "p1"}}
    )
    source = _OverlapSource(len(definition.prefetch))
    with ThreadPoolExecutor(max_workers=len(definition.prefetch)) as executor:
        gathered = gather(
            definition.prefetch,
            request,
            source=source,
            source_problem=None,
            executor=executor,
            budget_seconds=30.0,
        )
    assert gathered.missing == {}
    assert sorted(gathered.fetched) == sorted(key for key, _template in definition.prefetch)
    assert len(source.queries) == len(definition.prefetch)


# --- a cached answer, on the event loop --------------------------------------------------------


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[HookRunner]:
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    app = create_app(settings)
    hook_runner: HookRunner = app.state.runner
    yield hook_runner
    hook_runner.close()
    hook_runner.store.close()


def _request(payload: dict[str, Any]) -> HookRequest:
    return HookRequest.model_validate(payload)


def _content(cards: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for card in cards:
        card = {k: v for k, v in card.items() if k not in ("uuid", "links")}
        card["suggestions"] = [
            {k: v for k, v in s.items() if k != "uuid"} for s in card.get("suggestions", [])
        ]
        out.append(card)
    return out


def test_a_cached_answer_needs_the_cache_and_nothing_to_fetch(runner: HookRunner) -> None:
    payload = sizes.small()
    request = _request(payload)
    assert (
        runner.answer_from_cache(SERVICE, request, caller=Caller(), base_url="http://x/") is None
    )  # not seen
    full = runner.answer(SERVICE, request, caller=Caller(), base_url="http://x/")
    cached = runner.answer_from_cache(SERVICE, request, caller=Caller(), base_url="http://x/")
    assert cached is not None
    assert _content(cached.cards.cards) == _content(full.cards.cards)
    assert {c["uuid"] for c in cached.cards.cards}.isdisjoint(c["uuid"] for c in full.cards.cards)
    # one prefetch key absent: it has to be fetched, which the event loop never does
    partial = {k: v for k, v in payload.items() if k != "prefetch"}
    partial["prefetch"] = {k: v for k, v in payload["prefetch"].items() if k != "devices"}
    assert (
        runner.answer_from_cache(SERVICE, _request(partial), caller=Caller(), base_url="http://x/")
        is None
    )


def test_a_first_sight_chart_is_gathered_and_digested_once(
    runner: HookRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: a chart not seen yet, with complete prefetch, is read on the event loop once;
    the thread pool maps it from what the loop read (same cards as a full `answer`)."""
    request = _request(sizes.small())
    first = runner.answer_on_loop(SERVICE, request, caller=Caller(), base_url="http://x/")
    assert isinstance(first, LoopMiss)
    assert first.key is not None and len(first.call.resources) == len(sizes.flatten(sizes.small()))
    calls: list[str] = []
    monkeypatch.setattr(runner_module, "gather", lambda *a, **k: calls.append("gather"))
    digests: list[str] = []
    real_digest = evaluation_cache.digest
    monkeypatch.setattr(
        evaluation_cache, "digest", lambda call: digests.append("digest") or real_digest(call)
    )
    reused = runner.answer(SERVICE, request, caller=Caller(), base_url="http://x/", seen=first)
    assert calls == [] and digests == []  # neither done again
    monkeypatch.undo()
    runner.evaluations.clear()
    full = runner.answer(SERVICE, request, caller=Caller(), base_url="http://x/")
    assert _content(reused.cards.cards) == _content(full.cards.cards)
    # cached now: answered on the loop
    assert isinstance(
        runner.answer_on_loop(SERVICE, request, caller=Caller(), base_url="http://x/"), Answer
    )


def _count_mappings(runner: HookRunner, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A list that gets one item per chart the runner maps."""
    prepared: list[str] = []
    real_prepare = runner._prepare
    monkeypatch.setattr(runner, "_prepare", lambda call: prepared.append("x") or real_prepare(call))
    return prepared


def test_a_first_sight_chart_of_typical_size_is_mapped_on_the_loop(
    runner: HookRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 14: no thread hop for a new chart of typical size; the same cards as `answer`."""
    request = _request(sizes.typical())
    first = runner.answer_on_loop(SERVICE, request, caller=Caller(), base_url="http://x/")
    assert isinstance(first, LoopMiss) and first.snoozed is not None
    assert len(first.call.resources) <= runner_module.LOOP_MAX_RESOURCES
    on_loop = runner.answer_first_sight_on_loop(
        request, caller=Caller(), base_url="http://x/", seen=first
    )
    assert on_loop is not None and on_loop.cards.cards
    runner.evaluations.clear()
    full = runner.answer(SERVICE, request, caller=Caller(), base_url="http://x/")
    assert _content(on_loop.cards.cards) == _content(full.cards.cards)


def test_a_large_chart_or_unread_snoozes_go_to_the_thread_pool(
    runner: HookRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = _request(sizes.small())
    first = runner.answer_on_loop(SERVICE, request, caller=Caller(), base_url="http://x/")
    assert isinstance(first, LoopMiss)
    prepared = _count_mappings(runner, monkeypatch)
    kwargs: dict[str, Any] = {"caller": Caller(), "base_url": "http://x/"}
    monkeypatch.setattr(runner_module, "LOOP_MAX_RESOURCES", len(first.call.resources) - 1)
    assert runner.answer_first_sight_on_loop(request, **kwargs, seen=first) is None
    monkeypatch.setattr(runner_module, "LOOP_MAX_RESOURCES", len(first.call.resources))
    unread = LoopMiss(first.gathered, first.call, first.key, first.started, None)
    assert runner.answer_first_sight_on_loop(request, **kwargs, seen=unread) is None
    assert prepared == []  # neither mapped anything on the loop
    assert runner.answer_first_sight_on_loop(request, **kwargs, seen=first) is not None
    assert prepared == ["x"]


def test_the_route_maps_a_typical_new_chart_without_the_thread_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from cds_hooks.routes import hooks as hooks_route

    hops: list[str] = []
    real_hop = hooks_route.run_in_threadpool

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        hops.append("hop")
        return await real_hop(func, *args, **kwargs)

    monkeypatch.setattr(hooks_route, "run_in_threadpool", counted)
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    with TestClient(create_app(settings)) as client:
        response = client.post(f"/cds-services/{SERVICE}", json=sizes.typical())
        assert response.status_code == 200 and response.json()["cards"]
        assert hops == []
        monkeypatch.setattr(runner_module, "LOOP_MAX_RESOURCES", 10)
        renamed = sizes.typical()
        renamed["hookInstance"] = "d5c6a3a0-2f4e-4c55-9a8e-0f1d2c3b4a5e"
        for entry in renamed["prefetch"]["conditions"]["entry"]:
            entry["resource"]["id"] = entry["resource"]["id"] + "-b"  # a chart not seen yet
        response = client.post(f"/cds-services/{SERVICE}", json=renamed)
        assert response.status_code == 200 and response.json()["cards"]
        assert hops == ["hop"]


def test_a_medication_to_read_by_id_is_not_handed_over_from_the_loop(runner: HookRunner) -> None:
    """A MedicationRequest naming a Medication nobody sent: the thread pool must gather with the
    FHIR server (prefetch.py _resolve_medications), so the loop hands nothing over."""
    payload = sizes.small()
    payload["prefetch"]["medicationRequests"]["entry"].append(
        {
            "resource": {
                "resourceType": "MedicationRequest",
                "id": "mr-by-reference",
                "status": "active",
                "intent": "order",
                "medicationReference": {"reference": "Medication/not-sent"},
                "subject": {"reference": f"Patient/{payload['context']['patientId']}"},
                "authoredOn": "2025-01-02",
            }
        }
    )
    request = _request(payload)
    assert runner.answer_on_loop(SERVICE, request, caller=Caller(), base_url="http://x/") is None


def test_the_loop_connection_never_waits_for_a_lock(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite"
    store = Store(f"sqlite:///{database}")
    card = IssuedCard("c-1", SERVICE, "h-1", "tms-referral", "k", None, True)
    other = sqlite3.connect(database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    assert store.write_rows_on_loop(issued_rows([card], utcnow())) is False
    other.execute("ROLLBACK")
    assert store.issued_card("c-1") is None
    assert store.write_rows_on_loop(issued_rows([card], utcnow())) is True
    assert store.issued_card("c-1") == card
    other.close()
    store.close()


def test_the_writer_thread_commits_concurrent_calls_together() -> None:
    batches: list[list[dict[str, Any]]] = []
    writing = threading.Event()
    release = threading.Event()

    def write(rows: list[dict[str, Any]]) -> None:
        writing.set()
        release.wait(10)
        batches.append(rows)

    writer = BatchWriter(write, name="test-writer", min_interval=0.0)
    first = writer.submit([{"n": 1}])  # written alone; the next ones queue behind it
    # Once the writer is inside the first write (not before: on a busy machine the thread may
    # take its batch late, and 1 and 2 would then share it), the next calls queue together.
    assert writing.wait(10)
    second = writer.submit([{"n": 2}])
    third = writer.submit([{"n": 3}, {"n": 4}])
    release.set()
    for future in (first, second, third):
        future.result(timeout=10)
    writer.close()
    assert second is third and first is not second  # one batch, one Future
    assert [[row["n"] for row in batch] for batch in batches] == [[1], [2, 3, 4]]


def test_a_failed_batch_fails_every_caller_of_it() -> None:
    def write(rows: list[dict[str, Any]]) -> None:
        raise OSError("disk full")

    writer = BatchWriter(write, name="test-writer", min_interval=0.0)
    future = writer.submit([{"n": 1}])
    with pytest.raises(OSError, match="disk full"):
        future.result(timeout=10)
    writer.close()


def test_issued_cards_of_concurrent_calls_are_stored_in_one_batch(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'db.sqlite'}")
    writes: list[int] = []
    real = store.write_rows_on_loop

    def counting(rows: list[dict[str, Any]]) -> bool:
        writes.append(len(rows))
        return real(rows)

    store.write_rows_on_loop = counting  # type: ignore[method-assign]
    recorder = IssuedRecorder(store, interval=0.05)
    cards = [
        IssuedCard(f"c-{n}", SERVICE, f"h-{n}", "tms-referral", "k", None, True) for n in range(3)
    ]

    async def calls() -> None:
        await recorder.record(cards[:1], utcnow())  # alone: written at once
        await asyncio.gather(*(recorder.record([card], utcnow()) for card in cards[1:]))

    asyncio.run(calls())
    assert writes == [1, 2]
    assert [store.issued_card(c.card_uuid) for c in cards] == cards
    store.close()


def test_issued_cards_go_to_the_writer_thread_when_the_database_is_locked(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite"
    store = Store(f"sqlite:///{database}")
    recorder = IssuedRecorder(store)
    card = IssuedCard("c-1", SERVICE, "h-1", "tms-referral", "k", None, True)
    other = sqlite3.connect(database, isolation_level=None)

    async def call() -> None:
        other.execute("BEGIN IMMEDIATE")
        waiting = asyncio.ensure_future(recorder.record([card], utcnow()))
        await asyncio.sleep(0.05)  # the loop found the lock taken; the thread waits for it
        assert not waiting.done()
        other.execute("ROLLBACK")
        await waiting

    asyncio.run(call())
    assert store.issued_card("c-1") == card
    other.close()
    store.close()


def test_a_database_timeline_store_is_never_written_from_the_event_loop(tmp_path: Path) -> None:
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"},
        timeline={"store": "database"},
    )
    app = create_app(settings)
    runner: HookRunner = app.state.runner
    request = _request(sizes.typical())

    def links(cards: list[dict[str, Any]]) -> set[str]:
        # The timeline links (the TMS card's referral-summary link shares their token).
        return {
            link["url"]
            for card in cards
            for link in card.get("links", [])
            if "/timeline/" in link["url"]
        }

    first = runner.answer(SERVICE, request, caller=Caller(), base_url="http://x/")
    assert len(links(first.cards.cards)) == 1  # the thread pool wrote the token
    again = runner.answer_from_cache(SERVICE, request, caller=Caller(), base_url="http://x/")
    assert again is not None and links(again.cards.cards) == links(first.cards.cards)
    # Past half its life the token is renewed, which is a database write: not on the loop.
    prepared = next(iter(runner.evaluations._items.values()))[1]
    token, _expires_at = prepared.timeline[0]
    prepared.timeline[:] = [(token, 1.0)]
    assert runner.answer_from_cache(SERVICE, request, caller=Caller(), base_url="http://x/") is None
    renewed = runner.answer(SERVICE, request, caller=Caller(), base_url="http://x/")
    assert links(renewed.cards.cards).isdisjoint(links(first.cards.cards))
    runner.close()
    runner.store.close()


def test_a_first_sight_needing_a_database_timeline_token_finishes_in_the_thread_pool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mapped on the loop, but the new token is a database write: the loop gives up, and the
    thread pool answers from the evaluation the loop made (mapped once)."""
    settings = load_settings(
        None,
        database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"},
        timeline={"store": "database"},
    )
    runner: HookRunner = create_app(settings).state.runner
    request = _request(sizes.typical())
    first = runner.answer_on_loop(SERVICE, request, caller=Caller(), base_url="http://x/")
    assert isinstance(first, LoopMiss)
    prepared = _count_mappings(runner, monkeypatch)
    kwargs: dict[str, Any] = {"caller": Caller(), "base_url": "http://x/"}
    assert runner.answer_first_sight_on_loop(request, **kwargs, seen=first) is None
    answer = runner.answer(SERVICE, request, **kwargs, seen=first)
    assert prepared == ["x"]
    assert any(
        "/timeline/" in link["url"] for c in answer.cards.cards for link in c.get("links", [])
    )
    runner.close()
    runner.store.close()
