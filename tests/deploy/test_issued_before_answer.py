"""A hook's answer leaves only once its issued cards are committed, on SQLite and PostgreSQL
(review 21 M1: with the commit just after the answer, a process killed within ~50 ms of answering
lost the cards; the clinician's override then got `400 unknown-card`, and EHRs do not resend after
a 4xx, so the override was lost).

The first test is deterministic: it looks in the database at the moment the response body is
handed to the server. The second is the review's scenario end to end: SIGKILL as soon as the
answer is read, then the database is opened again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import requests
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.storage.store import Store
from tests.deploy.test_processes import free_port, wait_for
from tests.fixtures import sizes

SERVICE = "/cds-services/trd-patient-view"
ROOT = Path(__file__).resolve().parents[2]  # this tree, also for the served subprocess


def _uuids(body: bytes) -> list[str]:
    return [card["uuid"] for card in json.loads(body)["cards"]]


def test_the_issued_cards_are_committed_before_the_answer_is_sent(database_url: str) -> None:
    settings = load_settings(None, database={"url": database_url}, logging={"level": "WARNING"})
    app = create_app(settings)
    # What a second connection sees when the answer's body leaves: rows committed, not pending.
    seen_when_sent: list[tuple[str, bool]] = []

    async def probe(scope: Scope, receive: Receive, send: Send) -> None:
        async def watched(message: Message) -> None:
            if message["type"] == "http.response.body" and scope.get("path") == SERVICE:
                reader = Store(database_url)
                try:
                    for uuid in _uuids(message["body"]):
                        seen_when_sent.append((uuid, reader.issued_card(uuid) is not None))
                finally:
                    reader.close()
            await send(message)

        await app(scope, receive, watched)

    with TestClient(probe) as client:
        response = client.post(SERVICE, json=sizes.typical())
    assert response.status_code == 200
    assert len(seen_when_sent) == len(_uuids(response.content)) > 0
    assert all(committed for _uuid, committed in seen_when_sent), seen_when_sent


def test_the_issued_cards_survive_a_process_killed_as_it_answers(
    database_url: str, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[database]\nurl = "{database_url}"\n[logging]\nlevel = "WARNING"\n')
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
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    body: dict[str, Any] = {}
    try:
        assert wait_for(f"http://127.0.0.1:{port}/health", 30, process).status_code == 200
        response = requests.post(
            f"http://127.0.0.1:{port}{SERVICE}", json=sizes.typical(), timeout=30
        )
        process.send_signal(signal.SIGKILL)  # no shut-down, no flush: at once
        assert response.status_code == 200
        body = response.json()
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    uuids = [card["uuid"] for card in body["cards"]]
    assert uuids
    reopened = Store(database_url)
    try:
        assert [u for u in uuids if reopened.issued_card(u) is None] == []
    finally:
        reopened.close()
