"""The evaluation cache's key (evaluation_cache.digest) never answers one chart with another's
cards: it tells apart the context patient, a chart whose ids are renamed (the benchmark's first
sight, issue 14), a resource at a new versionId or lastUpdated, and an edit to a resource that
carries no version (named by its content)."""

from __future__ import annotations

import copy
import dataclasses
from datetime import date
from typing import Any

from bench.bodies import renamed_request
from bench.inprocess import hook_input
from cds_hooks.performance.evaluation_cache import EvaluationCache, digest
from tests.fixtures import sizes

AS_OF = date(2025, 6, 2)  # the fixtures' as-of date


def _first_observation(chart: dict[str, Any]) -> dict[str, Any]:
    return next(r for r in sizes.flatten(chart) if r["resourceType"] == "Observation")


def test_the_same_resources_for_another_patient_miss() -> None:
    call = hook_input(sizes.typical(), AS_OF)
    other = dataclasses.replace(call, patient_id="someone-else")
    assert digest(call) is not None
    assert digest(other) != digest(call)
    cache: EvaluationCache[str] = EvaluationCache()
    assert cache.evaluate(call, lambda c: f"cards of {c.patient_id}") == (
        f"cards of {call.patient_id}",
        False,
    )
    assert cache.evaluate(other, lambda c: f"cards of {c.patient_id}") == (
        "cards of someone-else",
        False,
    )
    assert cache.evaluate(call, lambda c: "recomputed") == (f"cards of {call.patient_id}", True)


def test_a_renamed_chart_misses() -> None:
    chart = sizes.typical()
    key = digest(hook_input(chart, AS_OF))
    assert digest(hook_input(renamed_request(chart, "another/patient"), AS_OF)) != key
    assert digest(hook_input(copy.deepcopy(chart), AS_OF)) == key  # the same chart again hits


def test_a_new_version_of_one_resource_misses() -> None:
    chart = sizes.typical()
    key = digest(hook_input(chart, AS_OF))
    for field, value in (("versionId", "999"), ("lastUpdated", "2025-06-01T00:00:00Z")):
        edited = copy.deepcopy(chart)
        _first_observation(edited)["meta"][field] = value
        assert digest(hook_input(edited, AS_OF)) != key


def test_an_edit_to_an_unversioned_resource_misses() -> None:
    chart = copy.deepcopy(sizes.typical())
    observation = _first_observation(chart)
    del observation["meta"]  # no version: named by its content
    before = digest(hook_input(chart, AS_OF))
    observation["status"] = "amended"
    assert digest(hook_input(chart, AS_OF)) not in (before, None)


def _versioned(rid: str, subject: object) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": rid,
        "meta": {"versionId": "1"},
        "subject": subject,
    }


def test_a_subject_standing_for_the_last_one_still_tells_charts_apart() -> None:
    """The key names a subject equal to the one before it in short (issue 14); every change of
    subject, and a subject whose reference only compares equal in Python (1 == True), still
    misses."""
    base = hook_input(sizes.typical(), AS_OF)

    def key(*subjects: object) -> bytes | None:
        resources = [_versioned(f"o{i}", s) for i, s in enumerate(subjects)]
        return digest(dataclasses.replace(base, resources=resources))

    same = {"reference": "Patient/a"}
    other = {"reference": "Patient/b"}
    keys = [
        key(same, same, same),
        key(same, other, same),
        key(same, same, other),
        key(other, other, other),
        key(same, {"reference": "Patient/a", "display": "A"}, same),
        key({"reference": 1}, {"reference": 1}),
        key({"reference": 1}, {"reference": True}),
        key({"reference": True}, {"reference": True}),
        # A subject that is no plain reference is never stood for (one dict comparison: perf51).
        key({"display": "A"}, {"display": "A"}),
        key({"display": "A"}, {"display": "B"}),
        key(same, [same], same),
    ]
    assert None not in keys
    assert len(set(keys)) == len(keys)
    assert key(same, same, same) == key(dict(same), dict(same), dict(same))
