"""What the service stores from a request, fuzzed on each database it supports.

SQLite stores anything; PostgreSQL refuses a NUL (U+0000) in text and a string longer than its
VARCHAR column, and each refusal was a 500 (the hookInstance kept with issued cards, a feedback
card id, an override reason's code or system, a comment). The models refuse such values with a
400 (cds_hooks/models/text.py, models/feedback.py), the same on both databases. PostgreSQL runs
when TRD_CDS_TEST_POSTGRES_URL names a server (scripts/with-postgres.sh), in a database of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import event, given
from hypothesis import strategies as st

from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from tests.deploy.databases import _fresh_postgres_database
from tests.fuzz.hostile import (
    BASES,
    FEEDBACK,
    FUZZ,
    PATIENT_VIEW,
    assert_clean,
    base_request,
    draw_feedback,
    post,
)


@pytest.fixture(
    scope="module",
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ],
)
def db_client(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    urls: Iterator[str]
    if request.param == "sqlite":
        urls = iter([f"sqlite:///{tmp_path_factory.mktemp('stored') / 'db.sqlite'}"])
    else:
        urls = _fresh_postgres_database()
    url = next(urls)
    settings = load_settings(None, database={"url": url}, logging={"level": "WARNING"})
    try:
        with TestClient(create_app(settings)) as client:
            yield client
    finally:
        for _ in urls:  # drops the PostgreSQL database
            pass


@pytest.fixture(scope="module")
def cards(db_client: TestClient) -> list[dict[str, Any]]:
    body = assert_clean(post(db_client, PATIENT_VIEW, base_request()))
    issued: list[dict[str, Any]] = body["cards"]
    assert any(card.get("overrideReasons") for card in issued)
    return issued


def _override(card: dict[str, Any], **reason: Any) -> dict[str, Any]:
    coding = dict(card["overrideReasons"][0], **reason)
    return {
        "feedback": [
            {
                "card": card["uuid"],
                "outcome": "overridden",
                "overrideReason": {"reason": coding},
                "outcomeTimestamp": "2025-06-02T14:30:00Z",
            }
        ]
    }


def _with_card(card_id: str) -> dict[str, Any]:
    return {
        "feedback": [
            {"card": card_id, "outcome": "accepted", "outcomeTimestamp": "2025-06-02T14:30:00Z"}
        ]
    }


@pytest.mark.parametrize(
    ("build", "where", "status"),
    [
        (lambda c: _with_card("a\x00b"), "feedback.0.card", 400),
        (lambda c: _override(c, code="x\x00"), "feedback.0.overrideReason.reason.code", 400),
        (lambda c: _override(c, system="urn:\x00"), "feedback.0.overrideReason.reason.system", 400),
        (lambda c: _override(c, code="c" * 201), "feedback.0.overrideReason.reason.code", 400),
        (lambda c: _override(c, system="s" * 501), "feedback.0.overrideReason.reason.system", 400),
        (lambda c: _override(c, code="c" * 200, system="s" * 500), None, 200),
        # Ids no card of this service has: looked up without error, refused as unknown (400).
        (lambda c: _with_card("k" * 200), None, 400),
        (lambda c: _with_card("\u00e9\u2028\U0001f600"), None, 400),
    ],
    ids=[
        "nul-card",
        "nul-code",
        "nul-system",
        "code-201",
        "system-501",
        "code-200-system-500",
        "card-200",
        "card-unicode",
    ],
)
def test_feedback_text_the_store_cannot_keep_is_a_400(
    db_client: TestClient, cards: list[dict[str, Any]], build: Any, where: str | None, status: int
) -> None:
    card = next(c for c in cards if c.get("overrideReasons"))
    response = post(db_client, FEEDBACK, build(card))
    body = assert_clean(response, feedback=True)
    assert response.status_code == status, body
    if where is not None:
        assert body["message"].startswith(f"invalid {where}: "), body


def test_a_comment_with_nul_is_a_400(db_client: TestClient, cards: list[dict[str, Any]]) -> None:
    card = next(c for c in cards if c.get("overrideReasons"))
    body = _override(card)
    body["feedback"][0]["overrideReason"]["userComment"] = "fine\x00"
    response = post(db_client, FEEDBACK, body)
    assert assert_clean(response, feedback=True)["message"].startswith(
        "invalid feedback.0.overrideReason.userComment: Value error, must not contain NUL"
    )


@pytest.mark.parametrize("kind", sorted(BASES))
@pytest.mark.parametrize(
    ("hook_instance", "status"),
    [("a\x00b", 400), ("h" * 200, 200), ("\u00e9\u2028\U0001f600", 200)],
    ids=["nul", "200-chars", "unicode"],
)
def test_hook_instances_the_store_keeps(
    db_client: TestClient, kind: str, hook_instance: str, status: int
) -> None:
    request = base_request(kind)
    request["hookInstance"] = hook_instance
    response = post(db_client, BASES[kind][0], request)
    body = assert_clean(response)
    assert response.status_code == status, body


@FUZZ
@given(data=st.data())
def test_feedback_bodies_on_each_database(
    db_client: TestClient, cards: list[dict[str, Any]], data: st.DataObject
) -> None:
    shape, body = draw_feedback(data, cards)
    response = post(db_client, FEEDBACK, body)
    event(f"{shape}: status {response.status_code}")  # --hypothesis-show-statistics
    assert_clean(response, feedback=True)
    # 409: the database is shared by the examples, and one stored another answer for the card.
    assert response.status_code in (200, 400, 409)


@FUZZ
@given(kind=st.sampled_from(sorted(BASES)), hook_instance=st.text(min_size=1, max_size=200))
def test_any_hook_instance_on_each_database(
    db_client: TestClient, kind: str, hook_instance: str
) -> None:
    request = base_request(kind)
    request["hookInstance"] = hook_instance
    response = post(db_client, BASES[kind][0], request)
    assert_clean(response)
    assert response.status_code == (400 if "\x00" in hook_instance else 200)
