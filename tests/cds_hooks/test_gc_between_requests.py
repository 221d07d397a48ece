"""No automatic garbage collection inside a request; collections that fall due run between
requests (issue 14: a 10-year chart set off several collections per call, each scanning the chart
in flight, and found nothing to collect)."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.performance import gc_tuning
from cds_hooks.performance.gc_tuning import CollectBetweenRequests
from services.evaluation import Evaluation, HookInput, evaluate
from services.policy import Policy
from tests.fixtures import sizes


@pytest.fixture(autouse=True)
def collector_restored() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if was_enabled:
        gc.enable()
    else:
        gc.disable()


def _http() -> Scope:
    return {"type": "http", "method": "GET", "path": "/"}


async def _receive() -> dict[str, object]:
    return {"type": "http.request", "body": b""}


async def _send(_message: object) -> None:
    return None


def test_the_collector_is_off_during_a_request_and_on_after_it() -> None:
    seen: list[bool] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(gc.isenabled())

    asyncio.run(CollectBetweenRequests(app)(_http(), _receive, _send))
    assert seen == [False]
    assert gc.isenabled()


def test_overlapping_requests_turn_it_back_on_only_when_the_last_one_ends() -> None:
    release = asyncio.Event()
    during: list[bool] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/slow":
            await release.wait()
        during.append(gc.isenabled())

    async def both() -> None:
        middleware = CollectBetweenRequests(app)
        slow = asyncio.create_task(middleware({**_http(), "path": "/slow"}, _receive, _send))
        await asyncio.sleep(0)
        await middleware(_http(), _receive, _send)  # ends while /slow is still in flight
        assert not gc.isenabled()
        release.set()
        await slow
        assert gc.isenabled()

    asyncio.run(both())
    assert during == [False, False]


def test_past_the_overlap_limit_the_collector_runs_anyway(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Requests that never leave a gap must not hold cyclic garbage without bound."""
    release = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"] == "/slow":
            await release.wait()

    async def both() -> None:
        middleware = CollectBetweenRequests(app)
        slow = asyncio.create_task(middleware({**_http(), "path": "/slow"}, _receive, _send))
        await asyncio.sleep(0)
        monkeypatch.setattr(gc_tuning, "OVERLAP_LIMIT", -1)  # always past it
        await middleware(_http(), _receive, _send)
        assert gc.isenabled()  # /slow is still in flight
        release.set()
        await slow

    asyncio.run(both())


def test_a_collector_turned_off_elsewhere_stays_off() -> None:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        return None

    gc.disable()
    asyncio.run(CollectBetweenRequests(app)(_http(), _receive, _send))
    assert not gc.isenabled()


def test_lifespan_and_other_scopes_pass_through_untouched() -> None:
    seen: list[bool] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(gc.isenabled())

    asyncio.run(CollectBetweenRequests(app)({"type": "lifespan"}, _receive, _send))
    assert seen == [True]


def test_the_service_holds_collections_while_it_maps_a_chart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wired into the app: the collector is off while a hook call evaluates, on afterwards."""
    import cds_hooks.runner as runner_module

    during: list[bool] = []

    def observed(hook: HookInput, policy: Policy) -> Evaluation:
        during.append(gc.isenabled())
        return evaluate(hook, policy)

    monkeypatch.setattr(runner_module, "evaluate", observed)
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    with TestClient(create_app(settings)) as client:
        response = client.post("/cds-services/trd-patient-view", json=sizes.typical())
        assert response.status_code == 200
        assert during == [False]
        assert gc.isenabled()


def test_a_thread_pool_call_lets_go_of_its_arguments_before_it_returns() -> None:
    """The worker thread must not hold a parsed chart past the call (hooks.py `_OneCall`)."""
    import weakref

    from cds_hooks.routes.hooks import _OneCall

    class Chart:
        pass

    chart = Chart()
    alive = weakref.ref(chart)
    seen: list[bool] = []

    def answer(_chart: Chart, *, flag: bool) -> str:
        seen.append(flag)
        return "answer"

    call = _OneCall(answer, chart, flag=True)
    del chart
    assert alive() is not None  # held by the call until it runs
    assert call() == "answer" and seen == [True]
    assert alive() is None  # released although `call` is still referenced
    with pytest.raises(RuntimeError):
        call()


def test_a_request_that_says_it_is_done_stops_counting_before_it_returns() -> None:
    during_tail: list[bool] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        scope[gc_tuning.REQUEST_DONE]()
        during_tail.append(gc.isenabled())  # e.g. waiting for the issued cards' batch
        scope[gc_tuning.REQUEST_DONE]()  # a second call changes nothing

    asyncio.run(CollectBetweenRequests(app)(_http(), _receive, _send))
    assert during_tail == [True]
    assert gc.isenabled()


def test_the_hook_route_lets_go_of_the_chart_once_the_answer_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The issued cards are recorded with the request in flight (no collection), the answer is
    sent, and only then is the parsed chart let go and the request no longer counted (issue 14:
    freeing a chart costs its size in deallocations, which the EHR need not wait for)."""
    from cds_hooks.hook_answer import Answer
    from cds_hooks.routes import hooks
    from cds_hooks.runner import HookRunner

    steps: list[tuple[str, bool]] = []
    sent: list[bool] = []
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    app = create_app(settings)
    real_record = HookRunner.record
    real_let_go = hooks._let_go

    async def record(self: HookRunner, answer: Answer) -> None:
        steps.append(("record", gc.isenabled()))
        await real_record(self, answer)

    async def let_go(held: list[object], request_done: Callable[[], None] | None) -> None:
        steps.append(("let go", gc.isenabled()))
        sent.append(bool(body_sent))
        await real_let_go(held, request_done)
        assert not held
        steps.append(("after", gc.isenabled()))

    body_sent: list[bytes] = []

    async def watched(scope: Scope, receive: Receive, send: Send) -> None:
        async def watch(message: dict[str, object]) -> None:
            if message["type"] == "http.response.body":
                body_sent.append(bytes(message.get("body", b"")))  # type: ignore[arg-type]
            await send(message)

        await app(scope, receive, watch)  # type: ignore[arg-type]

    monkeypatch.setattr(HookRunner, "record", record)
    monkeypatch.setattr(hooks, "_let_go", let_go)
    with TestClient(watched) as client:  # type: ignore[arg-type]
        response = client.post("/cds-services/trd-patient-view", json=sizes.typical())
        assert response.status_code == 200
    assert steps == [("record", False), ("let go", False), ("after", True)]
    assert sent == [True]  # the answer had left before the chart was let go
