"""Replay every published CDS Hooks request in ../shared/cds-hooks through the real app.

Whatever they hold (many are non-conformant or not even JSON), the service must answer 2xx or a
4xx naming the problem, never 5xx; every 200 must satisfy the spec's card invariants. None of
these requests may make the service call out: their fhirServer values are not on the allowlist.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks.models import CdsResponse
from tests.conftest import SHARED

CDS_HOOKS = SHARED / "cds-hooks"
HOOK_TO_SERVICE = {
    "patient-view": "trd-patient-view",
    "order-select": "trd-order-select",
    "order-sign": "trd-order-sign",
}


def _example_files() -> list[Path]:
    if not CDS_HOOKS.is_dir():
        return []
    return sorted(p for p in CDS_HOOKS.rglob("*.json") if p.is_file())


def _looks_like_request(data: Any) -> bool:
    return (
        isinstance(data, dict) and "hook" in data and ("context" in data or "hookInstance" in data)
    )


def assert_spec_invariants(body: dict[str, Any]) -> None:
    """The response rules of CDS Hooks 2.0.1 plus our own (no nulls or empty arrays)."""
    assert set(body) == {"cards"}
    CdsResponse.model_validate(
        body
    )  # uuid, summary < 140, indicator, source.label, selectionBehavior
    for card in body["cards"]:
        assert card["uuid"] and len(card["summary"]) < 140
        assert card["source"]["label"]
        if card.get("suggestions"):
            assert card["selectionBehavior"] in ("at-most-one", "any")
            for suggestion in card["suggestions"]:
                assert suggestion["uuid"]
        for reason in card.get("overrideReasons", []):
            assert reason["display"] and reason["code"]

    def walk(value: Any, in_resource: bool = False) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if not in_resource:
                    assert item is not None and item != [], key
                walk(item, in_resource or key == "resource")
        elif isinstance(value, list):
            for item in value:
                walk(item, in_resource)

    walk(body["cards"])


@pytest.fixture(scope="module")
def examples() -> list[Path]:
    files = _example_files()
    if not files:
        pytest.skip("../shared/cds-hooks is not beside the repository")
    return files


def test_there_are_examples_to_replay(examples: list[Path]) -> None:
    requests = [p for p in examples if _looks_like_request(_load(p))]
    assert len(examples) > 100
    assert len(requests) >= 20


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except (ValueError, UnicodeDecodeError):
        return None


def test_every_published_request_gets_a_clean_answer(
    client: TestClient, examples: list[Path]
) -> None:
    outcomes: dict[int, int] = {}
    for path in examples:
        raw = path.read_bytes()
        data = _load(path)
        if data is None:
            if b'"hook"' not in raw:
                continue
            # Not valid JSON as published: must be a 400 naming the problem.
            response = client.post(
                "/cds-services/trd-patient-view",
                content=raw,
                headers={"Content-Type": "application/json"},
            )
            assert response.status_code == 400, path
            assert "JSON" in response.json()["message"] or "UTF-8" in response.json()["message"], (
                path
            )
            outcomes[400] = outcomes.get(400, 0) + 1
            continue
        if not _looks_like_request(data):
            continue
        service = HOOK_TO_SERVICE.get(str(data.get("hook")), "trd-patient-view")
        response = client.post(f"/cds-services/{service}", json=data)
        assert response.status_code < 500, (path, response.text)
        outcomes[response.status_code] = outcomes.get(response.status_code, 0) + 1
        if response.status_code == 200:
            assert_spec_invariants(response.json())
        else:
            body = response.json()
            assert body["error"] and body["message"], path
    # The replay exercised the happy path, the 412 path and the 400 path.
    assert outcomes.get(200, 0) >= 1 and outcomes.get(412, 0) >= 1 and outcomes.get(400, 0) >= 1, (
        outcomes
    )
