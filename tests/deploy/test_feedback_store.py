"""Feedback durability on SQLite and PostgreSQL: one row per item under concurrency, nothing lost
once answered 200 (even when the process is killed), nothing stored from a batch that fails.

Feedback is accepted only for cards the service issued (to the same caller), so each test first
records its cards as issued, the way a hook call does (`issue`)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests
from fastapi.testclient import TestClient

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.security.tenancy import Scope
from cds_hooks.storage import store as store_module
from cds_hooks.storage.feedback_records import FeedbackRecord, FeedbackRefused
from cds_hooks.storage.issued_cards import IssuedCard
from cds_hooks.storage.store import Store
from tests.deploy.test_processes import free_port, wait_for

SERVICE = "trd-patient-view"
URL = f"/cds-services/{SERVICE}/feedback"
WHEN = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def item(card: str, outcome: str = "accepted", **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "card": card,
        "outcome": outcome,
        "outcomeTimestamp": "2026-03-01T10:00:00Z",
    }
    if outcome == "accepted":
        body["acceptedSuggestions"] = [{"id": "a7c1f3e2-3b9d-4c51-9f0e-6d2b8a4c7e10"}]
    body.update(extra)
    return body


def record(card: str, outcome: str = "accepted", code: str | None = None) -> FeedbackRecord:
    return FeedbackRecord(
        service_id=SERVICE,
        card_uuid=card,
        outcome=outcome,
        outcome_timestamp=WHEN,
        accepted_suggestions=("s1",) if outcome == "accepted" else (),
        override_code=code,
        override_system="urn:trd-cds:override-reason" if code else None,
        override_comment=None,
    )


def issue(store: Store, *cards: str, patient: str = "patient-1") -> str:
    """Record `cards` as issued by SERVICE to the local caller (auth off); the patient's key."""
    patient_key = store.patient_key(patient, Scope())
    assert patient_key is not None
    store.record_issued(
        [
            IssuedCard(card, SERVICE, "hook-1", "tms-referral", patient_key, None, True)
            for card in cards
        ],
        WHEN,
    )
    return patient_key


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(None, database={"url": database_url})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def race(action: Any, threads: int) -> list[Any]:
    barrier = threading.Barrier(threads)
    results: list[Any] = []
    lock = threading.Lock()

    def worker(i: int) -> None:
        barrier.wait()
        outcome = action(i)
        with lock:
            results.append(outcome)

    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(timeout=60)
    assert len(results) == threads
    return results


def test_concurrent_posts_of_the_same_item_store_one_row(client: TestClient) -> None:
    card = str(uuid.uuid4())
    issue(client.app.state.store, card)  # type: ignore[attr-defined]
    body = {"feedback": [item(card)]}
    responses = race(lambda _i: client.post(URL, json=body), threads=12)
    assert [r.status_code for r in responses] == [200] * 12
    assert sum(r.json()["stored"] for r in responses) == 1
    assert all(r.json()["received"] == 1 for r in responses)
    rows = client.app.state.store.feedback_rows(card)  # type: ignore[attr-defined]
    assert len(rows) == 1
    assert rows[0]["outcome"] == "accepted"


def test_two_replicas_racing_on_one_database_store_one_row(database_url: str) -> None:
    replicas = [Store(database_url), Store(database_url)]
    card = str(uuid.uuid4())
    issue(replicas[0], card)
    results = race(
        lambda i: replicas[i % 2].add_feedback(
            [record(card)], snooze_days=90, now=WHEN, scope=Scope()
        ),
        threads=10,
    )
    assert sorted(results) == [0] * 9 + [1]
    assert len(replicas[0].feedback_rows(card)) == 1
    for replica in replicas:
        replica.close()


def test_concurrent_contradicting_answers_store_one(client: TestClient) -> None:
    """Integration review 16 M2: one card was stored as both accepted and overridden. Requests
    racing with the two answers store one of them; the others hear 409 with the one on record."""
    card = str(uuid.uuid4())
    issue(client.app.state.store, card)  # type: ignore[attr-defined]
    answers = [
        item(card),
        item(
            card,
            outcome="overridden",
            overrideReason={"reason": {"code": "patient-declined", "system": "urn:x"}},
        ),
    ]
    responses = race(lambda i: client.post(URL, json={"feedback": [answers[i % 2]]}), threads=12)
    rows = client.app.state.store.feedback_rows(card)  # type: ignore[attr-defined]
    assert len(rows) == 1
    stored = rows[0]["outcome"]
    assert sum(r.json().get("stored", 0) for r in responses if r.status_code == 200) == 1
    for response in responses:
        if response.status_code == 409:
            (refused,) = response.json()["details"]["refused"]
            assert refused["storedOutcome"] == stored and refused["card"] == card
        else:
            assert response.status_code == 200 and response.json()["received"] == 1
    assert [r.status_code for r in responses].count(409) == 6


def test_issued_suggestion_ids_are_kept_and_checked(database_url: str) -> None:
    store = Store(database_url)
    card, old = str(uuid.uuid4()), str(uuid.uuid4())
    key = store.patient_key("patient-1", Scope())
    store.record_issued(
        [
            IssuedCard(
                card, SERVICE, "hook-1", "tms-referral", key, None, True, suggestion_ids=("s1",)
            ),
            # A card recorded without its suggestions (before migration 0003): not checked.
            IssuedCard(old, SERVICE, "hook-1", "tms-referral", key, None, True),
        ],
        WHEN,
    )
    issued = store.issued_card(card)
    assert issued is not None and issued.suggestion_ids == ("s1",)
    wrong = FeedbackRecord(SERVICE, card, "accepted", WHEN, ("s2",), None, None, None)
    with pytest.raises(FeedbackRefused) as refused:
        store.add_feedback([wrong], snooze_days=90, now=WHEN, scope=Scope())
    assert [(r.position, r.unknown_suggestions) for r in refused.value.refused] == [(0, ("s2",))]
    assert store.feedback_rows() == []
    assert (
        store.add_feedback([record(card), record(old)], snooze_days=90, now=WHEN, scope=Scope())
        == 2
    )
    store.close()


def test_a_batch_with_one_invalid_item_stores_nothing(client: TestClient) -> None:
    good, bad, unknown = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
    issue(client.app.state.store, good, bad)  # type: ignore[attr-defined]
    for invalid in (
        item(bad, outcome="maybe"),
        item(bad, overrideReason={"userComment": "accepted with a reason"}),
        {**item(bad), "outcomeTimestamp": "yesterday"},
    ):
        response = client.post(URL, json={"feedback": [item(good), invalid]})
        assert response.status_code == 400
    # Naming only cards this service never issued: refused whole.
    response = client.post(URL, json={"feedback": [item(unknown), item(str(uuid.uuid4()))]})
    assert response.status_code == 400 and response.json()["error"] == "unknown-card"
    assert client.app.state.store.feedback_rows() == []  # type: ignore[attr-defined]


def test_a_batch_with_one_unknown_card_stores_the_known_items(client: TestClient) -> None:
    """Review 8 finding 5, on each database: the known item is stored, the unknown one named."""
    good, unknown = str(uuid.uuid4()), str(uuid.uuid4())
    issue(client.app.state.store, good)  # type: ignore[attr-defined]
    batch = {"feedback": [item(unknown), item(good)]}
    first = client.post(URL, json=batch)
    again = client.post(URL, json=batch)  # idempotent: nothing more is stored
    assert first.json() == {"stored": 1, "received": 2, "unknownCards": ["feedback.0.card"]}
    assert again.json() == {"stored": 0, "received": 2, "unknownCards": ["feedback.0.card"]}
    rows = client.app.state.store.feedback_rows()  # type: ignore[attr-defined]
    assert [r["card_uuid"] for r in rows] == [good]


def test_a_failure_inside_the_transaction_stores_nothing(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = Store(database_url)
    card, other = str(uuid.uuid4()), str(uuid.uuid4())
    patient_key = issue(store, card, other)
    batch = [record(other), record(card, "overridden", code="patient-declined")]

    def crash(*_args: Any, **_kw: Any) -> None:
        raise RuntimeError("the database went away mid-request")

    monkeypatch.setattr(store_module, "snooze_card", crash)
    with pytest.raises(RuntimeError):
        store.add_feedback(batch, snooze_days=90, now=WHEN, scope=Scope())
    assert store.feedback_rows() == []  # the first item's insert was rolled back with the rest
    # The same for a batch stored in part (review 8 finding 5): still one transaction.
    partial = [record(str(uuid.uuid4())), *batch]
    with pytest.raises(RuntimeError):
        store.add_known_feedback(partial, snooze_days=90, now=WHEN, scope=Scope())
    assert store.feedback_rows() == []
    monkeypatch.undo()
    assert store.add_feedback(batch, snooze_days=90, now=WHEN, scope=Scope()) == 2
    assert store.snoozed_topics(patient_key, WHEN) == {"tms-referral"}
    store.close()


def test_stored_feedback_and_patient_keys_survive_reopening(database_url: str) -> None:
    first = Store(database_url)
    card = str(uuid.uuid4())
    key = issue(first, card)
    assert first.add_feedback([record(card)], snooze_days=90, now=WHEN, scope=Scope()) == 1
    first.close()
    second = Store(database_url)
    assert [r["card_uuid"] for r in second.feedback_rows()] == [card]
    assert second.add_feedback([record(card)], snooze_days=90, now=WHEN, scope=Scope()) == 0
    assert second.patient_key("patient-1", Scope()) == key  # snoozes still find their patient
    second.close()


def test_feedback_answered_200_survives_a_killed_process(database_url: str, tmp_path: Path) -> None:
    """The service process is killed (SIGKILL: no shutdown, no flush) right after answering; every
    item it answered 200 for is in the database when it is opened again."""
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n')
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cds_hooks.cli",
            "serve",
            "--config",
            str(config),
            "--port",
            str(port),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONWARNINGS": "ignore::DeprecationWarning"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    cards = [str(uuid.uuid4()) for _ in range(5)]
    issuer = Store(database_url)  # the cards as a hook call would have recorded them
    issue(issuer, *cards)
    issuer.close()
    try:
        assert wait_for(f"http://127.0.0.1:{port}/health", 30, process).status_code == 200
        for card in cards:
            response = requests.post(
                f"http://127.0.0.1:{port}{URL}", json={"feedback": [item(card)]}, timeout=10
            )
            assert response.status_code == 200
            assert response.json() == {"stored": 1, "received": 1}
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    reopened = Store(database_url)
    assert sorted(r["card_uuid"] for r in reopened.feedback_rows()) == sorted(cards)
    reopened.close()
