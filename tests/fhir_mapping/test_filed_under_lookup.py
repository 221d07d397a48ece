"""current_stays.filed_under looks up only the scores' own resources (issue 14): the same answer
as indexing every resource by (type, id), malformed ids and repeated keys included."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from fhir_mapping.current_stays import filed_under
from fhir_mapping.fhir_fields import ref_id, string
from fhir_mapping.record import Score, SourceRef


def _indexed(scores: Iterable[Score], resources: Iterable[dict[str, Any]]) -> list[object]:
    # The index as it was written before: every resource, the last of a key kept.
    filed = {
        (string(r.get("resourceType")), string(r.get("id"))): ref_id(r.get("encounter"))
        for r in resources
    }
    return [
        (s.date, filed.get((s.source.resource_type, s.source.id)) if s.source else None)
        for s in scores
    ]


def _score(kind: str | None, rid: str | None) -> Score:
    source = SourceRef(kind, rid) if kind is not None and rid is not None else None
    return Score("PHQ-9", 12, date(2025, 3, 1), source=source)


RESOURCES: list[dict[str, Any]] = [
    {"resourceType": "Observation", "id": "a", "encounter": {"reference": "Encounter/ed1"}},
    {"resourceType": "Observation", "id": "b"},
    {"resourceType": "QuestionnaireResponse", "id": "a", "encounter": {"reference": "Encounter/v"}},
    {"resourceType": "Observation", "id": ["a"], "encounter": {"reference": "Encounter/x"}},
    {"resourceType": "Observation", "id": {"a": 1}},
    {"resourceType": ["Observation"], "id": "c", "encounter": {"reference": "Encounter/y"}},
    {"resourceType": "Observation", "id": 7, "encounter": {"reference": "Encounter/z"}},
    {"resourceType": "Observation", "id": "d", "encounter": "Encounter/bad"},
    # The same key twice: the last one's encounter.
    {"resourceType": "Observation", "id": "e", "encounter": {"reference": "Encounter/first"}},
    {"resourceType": "Observation", "id": "e", "encounter": {"reference": "Encounter/last"}},
]

SCORES = [
    _score("Observation", "a"),
    _score("QuestionnaireResponse", "a"),
    _score("Observation", "b"),
    _score("Observation", "c"),
    _score("Observation", "d"),
    _score("Observation", "e"),
    _score("Observation", "missing"),
    _score(None, None),
]


def test_filed_under_answers_as_the_whole_index() -> None:
    assert filed_under(SCORES, RESOURCES) == _indexed(SCORES, RESOURCES)
    assert filed_under(SCORES, RESOURCES)[0][1] == "ed1"
    assert filed_under(SCORES, RESOURCES)[5][1] == "last"


def test_filed_under_takes_one_pass_iterables() -> None:
    # Scores given as a generator are read once for the ids and once for the answer.
    assert filed_under(iter(SCORES), iter(RESOURCES)) == _indexed(SCORES, RESOURCES)


def test_no_scores_with_a_source_reads_no_resource() -> None:
    assert filed_under([_score(None, None)], RESOURCES) == [(date(2025, 3, 1), None)]
    assert filed_under([], RESOURCES) == []
