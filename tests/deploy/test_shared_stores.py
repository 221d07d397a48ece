"""What replicas must share is in the database by default (README, "Scaling out"), and what the
database holds of a timeline link is data: the record as JSON without the patient's id, keyed by a
hash of the link's token, never a pickled object.

With `[database] url` on PostgreSQL, `[auth] replay_store` and `[timeline] store` ("auto" by
default) are the database; with SQLite, the embedded single-host demo, they are process memory.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from cds_hooks.app import create_app
from cds_hooks.config.settings import Settings, load_settings
from cds_hooks.storage.timeline_cache import TimelineCache
from cds_hooks.storage.timeline_store import DatabaseTimelineStore, stored_record_table
from tests.security import chart

SERVICE = "/cds-services/trd-patient-view"
POSTGRES = "postgresql+psycopg://trd:pw@db.example:5432/trd"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (POSTGRES, "database"),
        ("postgresql://trd@db/trd", "database"),
        ("sqlite:///./var/trd-cds.db", "memory"),
        ("sqlite://", "memory"),
        ("SQLite:///x.db", "memory"),
    ],
)
def test_auto_means_the_database_unless_it_is_sqlite(url: str, expected: str) -> None:
    settings = load_settings(None, database={"url": url})
    assert (settings.auth.replay_store, settings.timeline.store) == ("auto", "auto")
    assert (settings.replay_store, settings.timeline_store) == (expected, expected)


def test_an_explicit_choice_is_kept() -> None:
    settings = load_settings(
        None,
        database={"url": POSTGRES},
        auth={"replay_store": "memory"},
        timeline={"store": "memory"},
    )
    assert (settings.replay_store, settings.timeline_store) == ("memory", "memory")
    settings = load_settings(
        None, auth={"replay_store": "database"}, timeline={"store": "database"}
    )
    assert (settings.replay_store, settings.timeline_store) == ("database", "database")


def test_the_embedded_defaults_are_the_sqlite_demo_with_memory_stores() -> None:
    settings = Settings()
    assert settings.database.url.startswith("sqlite:")
    assert (settings.replay_store, settings.timeline_store) == ("memory", "memory")


def test_on_postgresql_the_app_keeps_timeline_records_in_the_database(database_url: str) -> None:
    settings = load_settings(None, database={"url": database_url})
    with TestClient(create_app(settings)) as client:
        timelines = client.app.state.timelines  # type: ignore[attr-defined]
    if database_url.startswith("postgresql"):
        assert isinstance(timelines, DatabaseTimelineStore)
    else:
        assert isinstance(timelines, TimelineCache)


# --- what a timeline row holds ---------------------------------------------------------------------


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    settings = load_settings(
        None,
        database={"url": database_url},
        timeline={"store": "database"},
        logging={"level": "WARNING"},
    )
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def _timeline_path(body: dict[str, Any]) -> str:
    url: str
    (url,) = {
        link["url"]
        for card in body["cards"]
        for link in card.get("links", ())
        if "/timeline/" in link["url"]
    }
    return "/timeline/" + url.rsplit("/timeline/", 1)[1]


def _rows(client: TestClient) -> list[Any]:
    engine = client.app.state.store.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return list(conn.execute(select(stored_record_table)))


def test_a_link_record_is_json_without_the_patient_id_keyed_by_a_hash_of_its_token(
    client: TestClient,
) -> None:
    body = client.post(SERVICE, json=chart.hook_request()).json()
    path = _timeline_path(body)
    token = path.rsplit("/", 1)[1]
    (row,) = _rows(client)
    assert row.token_key == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(tuple(row))  # reading the table gives no working link
    assert row.kind == "timeline"
    document = json.loads(row.record)  # plain JSON data
    assert document["format"] == 1 and document["record"]["patient"]["id"] is None
    assert chart.PATIENT_ID not in row.record
    assert document["record"]["trials"]  # the clinical content the page draws is there
    page = client.get(path)
    assert page.status_code == 200 and "sertraline" in page.text.lower()


def test_a_row_someone_wrote_as_a_pickle_is_never_unpickled(
    client: TestClient, tmp_path: Path
) -> None:
    """Whoever can write the table cannot make the service run code: the row is refused (the
    link answers "not available") and its payload never executes."""
    witness = tmp_path / "ran"

    class Exploit:
        def __reduce__(self) -> tuple[Any, ...]:
            return (witness.write_text, ("pwned",))

    body = client.post(SERVICE, json=chart.hook_request()).json()
    path = _timeline_path(body)
    engine = client.app.state.store.engine  # type: ignore[attr-defined]
    for forged in (
        pickle.dumps(Exploit(), protocol=0).decode("ascii"),  # a text column: no NUL
        json.dumps({"format": 1, "record": {"__reduce__": "os.system"}}),
    ):
        with engine.begin() as conn:
            conn.execute(stored_record_table.update().values(record=forged))
        page = client.get(path)
        assert page.status_code == 404 and "Timeline not available" in page.text
    assert not witness.exists()


def test_a_link_opens_after_a_restart_and_in_another_process_on_the_same_database(
    database_url: str,
) -> None:
    settings = load_settings(
        None,
        database={"url": database_url},
        timeline={"store": "database"},
        logging={"level": "WARNING"},
    )
    with TestClient(create_app(settings)) as first:
        path = _timeline_path(first.post(SERVICE, json=chart.hook_request()).json())
    with TestClient(create_app(settings)) as second:
        assert second.get(path).status_code == 200
        assert second.get(path[:-3] + "xyz").status_code == 404
