"""Two replicas behind one address behave as one service: two `trd-cds serve` processes on one
PostgreSQL database, with nothing configured for it but `[database] url` (the shared stores are the
database by default). Both have auth on with the same issuer and the same `public_url`, as behind a
load balancer; each call below goes to the replica it names, as a balancer may send it.

- a token (jti) used on one replica is refused on the other;
- a timeline link made by one opens on the other;
- an override sent through one snoozes the card on the other, and feedback sent through either is
  accepted for a card the other issued;
- a replica killed with SIGKILL right after answering feedback 200 has lost nothing, and replicas
  killed and started again in any order still behave as one.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import requests

from cds_hooks.storage.store import Store
from tests.deploy.databases import _fresh_postgres_database
from tests.deploy.test_processes import free_port, wait_for
from tests.security import chart
from tests.security.tokens import PUBLIC_URL, SANDBOX_ISS, SERVICE, Minter, new_ec_key

pytestmark = pytest.mark.postgres

TOPIC = "optimize-switch-augment"  # snoozable, with a timeline link, on the security chart
HOOK = f"/cds-services/{SERVICE}"


class Replica:
    """One `trd-cds serve` process; `kill()` is SIGKILL (no shutdown, no flush)."""

    def __init__(self, name: str, config: Path, folder: Path) -> None:
        self.name = name
        self.config = config
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Replica:
        log = (self.folder / f"{self.name}.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cds_hooks.cli", "serve", "--config", str(self.config)]
            + ["--port", str(self.port)],
            cwd=self.folder,
            env={
                **os.environ,
                "PYTHONWARNINGS": "ignore::DeprecationWarning",
                "TRD_CDS_SECRETS_DIR": str(self.folder),  # no /run/secrets of the machine
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        assert wait_for(f"{self.base}/readyz", 60, self.process).status_code == 200
        return self

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        assert self.process.returncode == -signal.SIGKILL

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def database() -> Iterator[str]:
    databases = _fresh_postgres_database()  # migrated, as `trd-cds db upgrade` leaves it
    try:
        yield next(databases)
    finally:
        databases.close()


@pytest.fixture
def minter(tmp_path: Path) -> Minter:
    key = new_ec_key("replicas-es384")
    (tmp_path / "jwks.json").write_text(json.dumps(key.jwks()))
    return Minter(key, SANDBOX_ISS)


@pytest.fixture
def replicas(database: str, minter: Minter, tmp_path: Path) -> Iterator[tuple[Replica, Replica]]:
    config = tmp_path / "config.toml"
    config.write_text(
        "[server]\n"
        f'public_url = "{PUBLIC_URL}"\n'
        "[auth]\n"
        "required = true\n"
        "[[auth.issuers]]\n"
        f'iss = "{SANDBOX_ISS}"\n'
        f'jwks_file = "{tmp_path / "jwks.json"}"\n'
        "[database]\n"
        f'url = "{database}"\n'
        "[logging]\n"
        'level = "WARNING"\n'
    )
    a, b = Replica("a", config, tmp_path), Replica("b", config, tmp_path)
    try:
        a.start()
        b.start()
        yield a, b
    finally:
        a.stop()
        b.stop()


def hook(replica: Replica, token: str) -> requests.Response:
    return requests.post(
        replica.base + HOOK,
        json=chart.hook_request(),
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )


def cards(replica: Replica, minter: Minter) -> dict[str, dict[str, Any]]:
    response = hook(replica, minter.token())
    assert response.status_code == 200, response.text
    return {card["source"]["topic"]["code"]: card for card in response.json()["cards"]}


def feedback(
    replica: Replica, minter: Minter, card: dict[str, Any], outcome: str
) -> requests.Response:
    item: dict[str, Any] = {
        "card": card["uuid"],
        "outcome": outcome,
        "outcomeTimestamp": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if outcome == "overridden":
        item["overrideReason"] = {"reason": card["overrideReasons"][0]}
    return requests.post(
        f"{replica.base}{HOOK}/feedback",
        json={"feedback": [item]},
        headers={"Authorization": f"Bearer {minter.token(aud=f'{PUBLIC_URL}{HOOK}/feedback')}"},
        timeout=60,
    )


def issued(database: str, card: dict[str, Any], seconds: float = 10.0) -> None:
    """Wait until the card is recorded as issued: a replica commits a call's cards just after
    answering it (within milliseconds; a clinician answers a card seconds later)."""
    store = Store(database)
    try:
        deadline = time.monotonic() + seconds
        while store.issued_card(card["uuid"]) is None:
            assert time.monotonic() < deadline, "the issued card was never recorded"
            time.sleep(0.05)
    finally:
        store.close()


def test_a_token_used_on_one_replica_is_refused_on_the_other(
    replicas: tuple[Replica, Replica], minter: Minter
) -> None:
    a, b = replicas
    token = minter.token()
    assert hook(a, token).status_code == 200
    assert hook(b, token).status_code == 401
    assert hook(a, token).status_code == 401


def test_a_timeline_link_made_by_one_replica_opens_on_the_other(
    replicas: tuple[Replica, Replica], minter: Minter
) -> None:
    a, b = replicas
    link = next(
        link["url"] for link in cards(a, minter)[TOPIC]["links"] if "/timeline/" in link["url"]
    )
    assert link.startswith(f"{PUBLIC_URL}/timeline/")
    page = requests.get(b.base + link.removeprefix(PUBLIC_URL), timeout=30)
    assert page.status_code == 200 and "sertraline" in page.text.lower()


def test_an_override_through_one_replica_snoozes_on_the_other_and_survives_sigkill(
    replicas: tuple[Replica, Replica], minter: Minter, database: str
) -> None:
    a, b = replicas
    shown = cards(a, minter)
    card, other = shown[TOPIC], next(c for t, c in shown.items() if t != TOPIC)
    issued(database, card)
    issued(database, other)
    # Feedback through the replica that did not issue the card: accepted (shared issued cards).
    answered = feedback(b, minter, card, "overridden")
    assert answered.status_code == 200, answered.text
    assert TOPIC not in cards(a, minter) and TOPIC not in cards(b, minter)

    # Killed right after a feedback 200: what it answered for is in the database.
    answered = feedback(b, minter, other, "accepted")
    assert answered.json() == {"stored": 1, "received": 1}
    b.kill()
    store = Store(database)
    assert {r["card_uuid"] for r in store.feedback_rows()} == {card["uuid"], other["uuid"]}
    store.close()

    # Started again, and the other killed: still one service.
    b.start()
    assert TOPIC not in cards(b, minter)
    a.kill()
    a.start()
    assert TOPIC not in cards(a, minter)
    token = minter.token()
    assert hook(b, token).status_code == 200 and hook(a, token).status_code == 401
