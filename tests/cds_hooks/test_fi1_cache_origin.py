"""The evaluation cache never serves one tenant's or server's cards for another's chart, nor a
chart whose resources changed subject without a new version (review 16 M1).

Ids and meta are unique per FHIR server, not across tenants: two EHRs behind one service can send
Observation/1 at versionId 1 for different patients. And a server may change a resource without
changing its meta: re-sent with every subject changed to another patient, the old card (a PHQ-9
item 9 = 2) came back from the cache.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bench.inprocess import hook_input
from cds_hooks.app import create_app
from cds_hooks.config.settings import load_settings
from cds_hooks.models.request import HookRequest
from cds_hooks.performance.evaluation_cache import EvaluationCache, digest
from cds_hooks.runner import HookRunner
from cds_hooks.security.caller import Caller
from tests.fixtures import sizes

AS_OF = date(2025, 6, 2)  # the fixtures' as-of date
SERVICE = "trd-patient-view"
ORIGIN = ("https://ehr-a.example.org/fhir", "https://ehr-a.example.org", "tenant-a")


def _versioned(chart: dict[str, Any]) -> list[dict[str, Any]]:
    return [r for r in sizes.flatten(chart) if isinstance(r.get("meta"), dict) and "subject" in r]


@pytest.mark.parametrize(
    "other",
    [
        ("https://ehr-b.example.org/fhir", *ORIGIN[1:]),
        (ORIGIN[0], "https://ehr-b.example.org", ORIGIN[2]),
        (*ORIGIN[:2], "tenant-b"),
        (*ORIGIN[:2], None),
    ],
    ids=["fhirServer", "issuer", "tenant", "no-tenant"],
)
def test_the_same_chart_from_another_origin_misses(other: tuple[str | None, ...]) -> None:
    call = hook_input(sizes.typical(), AS_OF)
    assert digest(call, ORIGIN) is not None
    assert digest(call, other) != digest(call, ORIGIN)
    assert digest(call, ORIGIN) == digest(copy.deepcopy(call), ORIGIN)  # the same again hits
    cache: EvaluationCache[str] = EvaluationCache()
    assert cache.evaluate(call, lambda c: "tenant a's cards", origin=ORIGIN) == (
        "tenant a's cards",
        False,
    )
    assert cache.evaluate(call, lambda c: "tenant b's cards", origin=other) == (
        "tenant b's cards",
        False,
    )
    assert cache.get(call, ORIGIN) == "tenant a's cards"


def test_a_resource_whose_subject_changed_without_a_new_version_misses() -> None:
    chart = sizes.typical()
    key = digest(hook_input(chart, AS_OF), ORIGIN)
    edited = copy.deepcopy(chart)
    resource = _versioned(edited)[0]
    meta = dict(resource["meta"])
    resource["subject"] = {"reference": "Patient/OTHER-PATIENT-999"}
    assert resource["meta"] == meta  # same id, versionId and lastUpdated
    assert digest(hook_input(edited, AS_OF), ORIGIN) != key


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[HookRunner]:
    settings = load_settings(None, database={"url": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    hook_runner: HookRunner = create_app(settings).state.runner
    yield hook_runner
    hook_runner.close()
    hook_runner.store.close()


def _answer(runner: HookRunner, body: dict[str, Any], caller: Caller) -> None:
    runner.answer(
        SERVICE, HookRequest.model_validate(body), caller=caller, base_url="http://x/", as_of=AS_OF
    )


def test_the_runner_keys_its_cache_by_tenant_and_fhir_server(runner: HookRunner) -> None:
    body = sizes.typical()
    tenant_a = Caller(issuer="https://ehr.example.org", tenant="a")
    _answer(runner, body, tenant_a)
    _answer(runner, body, tenant_a)
    assert (runner.evaluations.misses, runner.evaluations.hits) == (1, 1)
    _answer(runner, body, dataclasses.replace(tenant_a, tenant="b"))
    assert (runner.evaluations.misses, runner.evaluations.hits) == (2, 1)
    _answer(runner, {**body, "fhirServer": "http://127.0.0.1:9/fhir"}, tenant_a)
    assert runner.evaluations.misses == 3
