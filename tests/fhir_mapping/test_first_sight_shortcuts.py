"""Speed round 4's shortcuts of the mapping (issue 14) read exactly as the readings they replace.

- `build._all_distinct`: a request whose items are all resources with distinct ids is taken as it
  came, as the walk (`_unique_by_walk`) would keep it; anything else goes to the walk.
- `terminology.concept_reading`: a medication concept remembered by its JSON reads as a fresh
  reading (`_read_concept`, `names_a_drug`), and so do concepts JSON cannot write or would write
  the same for values the readers tell apart.
- `medications.medication_events(unique=True)` reads resources already unique as the
  de-duplicating walk does.
- `PatientRecord.latest_phq9` finds the total the last of `phq9()` with a value is.
- `scores._dedupe` reads totals as the merge walk and the whole-key sort, ties on a day included;
  a total `_Total.score` does not ask `item9_floor` about proves nothing.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
import math
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from fhir_mapping import build, medications, scores, terminology
from fhir_mapping.record import Patient, PatientRecord, Score
from fhir_mapping.scores import _Total
from fhir_mapping.terminology import concept_reading, names_a_drug
from tests.fhir_mapping.test_hot_path import CORPUS, _concepts
from tests.fhir_mapping.test_score_shortcuts import _scores
from tests.fixtures import sizes

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


# --- de-duplication ------------------------------------------------------------------------------


def _requests() -> Iterator[list[Any]]:
    """Requests as the service gets them, and the same with each thing that must send them to
    the walk: a duplicate, an id shared by two types, an empty or missing id, a non-string id or
    type, an item that is not a dict (a Mapping, a string, None)."""
    chart = sizes.flatten(sizes.typical())
    yield chart
    yield sizes.flatten(sizes.sized(200))
    yield list(CORPUS)
    first = chart[0]
    newer = {**copy.deepcopy(first), "meta": {"versionId": "9", "lastUpdated": "2030-01-01"}}
    yield [*chart, newer]
    yield [newer, *chart]
    yield [*chart, {**chart[3], "resourceType": "Basic"}]
    yield [*chart, {**chart[3], "id": ""}]
    no_id = {k: v for k, v in chart[3].items() if k != "id"}
    yield [*chart, no_id, copy.deepcopy(no_id)]
    yield [*chart, {**chart[3], "id": 7}]
    yield [*chart, {**chart[3], "resourceType": None, "id": "other"}]
    yield [*chart[:5], MappingProxyType({"resourceType": "Observation", "id": "mp"})]
    yield [*chart[:5], "Observation/1", None, 3]
    yield []


def test_a_request_of_distinct_resources_is_kept_as_the_walk_keeps_it() -> None:
    taken = walked = 0
    for items in _requests():
        expected = build._unique_by_walk(items)
        fast = build._all_distinct(list(items))
        if fast is not None:
            taken += 1
            assert (fast, 0) == expected
            assert all(a is b for a, b in zip(fast, expected[0], strict=True))
        else:
            walked += 1
        unique, not_resources = build._dedupe(iter(items))
        assert (unique, not_resources) == expected
        assert all(a is b for a, b in zip(unique, expected[0], strict=True))
    assert taken >= 2 and walked >= 8


# --- medication concepts -------------------------------------------------------------------------


class _Text(str):
    """A str subclass (orjson would write it as the string it holds)."""


def _odd_concepts() -> list[Any]:
    sertraline = {"system": RXNORM, "code": "36437", "display": "sertraline"}
    return [
        {"text": "sertraline 50 MG Oral Tablet"},
        {"text": _Text("sertraline 50 MG Oral Tablet")},
        {"text": math.nan},
        {"text": None},
        {"text": "  "},
        {"coding": [sertraline]},
        {"coding": [{**sertraline, "display": math.nan}]},
        {"coding": [{**sertraline, "display": None}]},
        {"coding": [{"system": RXNORM, "code": "36437"}]},
        {"coding": [{"system": "urn:local", "code": "36437"}]},
        {"coding": [MappingProxyType(sertraline)]},
        MappingProxyType({"coding": [sertraline]}),
        {"coding": [{**sertraline, "code": 36437}]},
        {"coding": [{**sertraline, "code": 2**70}]},  # beyond what orjson writes
        {"coding": [sertraline], "text": date(2024, 1, 1)},
        {1: "sertraline"},
        {"text": "sertraline\ud800"},  # a lone surrogate: not UTF-8
    ]


def test_a_concept_remembered_by_its_json_reads_as_a_fresh_reading() -> None:
    read = terminology._read_concept
    concepts: list[Mapping[str, Any]] = [*_concepts(), *_odd_concepts()]
    assert len(concepts) > 100
    recognised = unnamed = 0
    for concept in concepts + concepts:  # the second time from the memo
        fresh = (read(concept), names_a_drug(concept))
        assert concept_reading(concept) == fresh, concept
        assert terminology._from_concept(concept) == fresh[0]
        assert terminology.recognise(concept) == fresh[0]
        recognised += bool(fresh[0])
        unnamed += not fresh[1]
    assert recognised > 20 and unnamed >= 4


@dataclass(frozen=True)
class _Coding:
    """A coding that is not a Mapping (orjson would write it as the object it holds)."""

    system: str
    code: str
    display: str


def test_values_orjson_would_write_as_json_are_not_mixed_up_with_that_json() -> None:
    """A date (which orjson would write as a string) and a dataclass (written as an object) are
    refused by the memo's orjson options, so neither shares an entry with the JSON it would be
    written as, which the readers read otherwise. (Request bodies are JSON: no tuple, UUID or
    Enum, which orjson writes as JSON too, reaches the readers from one.)"""
    sertraline = {"system": RXNORM, "code": "36437", "display": "sertraline"}
    pairs: list[tuple[dict[str, Any], dict[str, Any]]] = [
        # A datetime, not a date: "2024-01-01" alone is a number in a name's place, which names
        # no drug (placeholder_drug_names.py, fix drug51), as the date does not either.
        ({"text": datetime(2024, 1, 1, 9, 30)}, {"text": "2024-01-01T09:30:00"}),
        ({"coding": [_Coding(**sertraline)]}, {"coding": [sertraline]}),
    ]
    for first, second in pairs:
        for order in ((first, second), (second, first)):
            terminology._recognised.clear()
            readings = []
            for concept in order:
                expected = (terminology._read_concept(concept), names_a_drug(concept))
                assert concept_reading(concept) == expected, concept
                readings.append(expected)
            assert readings[0] != readings[1]  # the pair is one the readers tell apart


def test_a_drug_read_with_its_name_check_remembered_gives_the_same_outcome() -> None:
    """`_drug` on an inline concept: the components, or the reason the drug cannot be read,
    exactly as recognise() and the name check gave them."""
    for concept in [*_concepts(), *_odd_concepts()]:
        resource = {"resourceType": "MedicationRequest", "medicationCodeableConcept": concept}
        found = terminology.recognise(concept)
        # The reason by the concept's codes (an unknown drug code or an NDC is said so: review
        # 18a U1), as unread_reason gives it.
        expected_reason = (
            None if found or names_a_drug(concept) else terminology.unread_reason(concept)
        )
        if not isinstance(concept, Mapping):
            continue
        assert medications._drug(resource, {}) == (found, expected_reason, None)


def test_unique_resources_read_as_the_de_duplicating_walk_reads_them() -> None:
    resources = [r for r in CORPUS if r["resourceType"].startswith("Medication")]
    unique, _ = build._dedupe(resources)
    as_of = date(2030, 1, 1)
    walked = medications.medication_events(unique, as_of=as_of)
    assert medications.medication_events(unique, as_of=as_of, unique=True) == walked
    assert len(walked[0]) > 40


# --- scores --------------------------------------------------------------------------------------


def _totals(rng: random.Random) -> list[_Total]:
    """Totals crowded on few days: equal days, instruments, values, items and sources."""
    first = date(2024, 1, 1)
    return [
        _Total(
            rng.choice(["PHQ-9", "GAD-7"]),
            rng.choice([None, 5, 12, 12, 26]),
            first + timedelta(days=rng.randrange(0, 12, 3)),
            rng.choice([None, 0, 1]),
            rng.choice([None, "", "a", "b"]),
            {},
        )
        for _ in range(rng.randrange(0, 12))
    ]


def test_totals_of_distinct_days_and_instruments_read_as_merged_and_fully_ordered() -> None:
    """`_dedupe` skips the merge walk and the whole-key sort when no two totals share a day and
    instrument; its scores are those of the merge and the sort, ties or not."""
    rng = random.Random(4)
    tied = untied = 0
    for _ in range(600):
        totals = _totals(rng)
        fresh = [copy.copy(t) for t in totals]  # `_merged` changes merged totals in place
        expected = tuple(t.score() for t in sorted(scores._merged(fresh), key=_Total.order))
        assert scores._dedupe(totals) == expected
        days = [(t.day, t.instrument) for t in totals]
        if len(set(days)) != len(days):
            tied += 1
        elif len(totals) > 2:
            untied += 1
    assert tied > 100 and untied > 50


def test_a_total_not_asked_for_its_item9_floor_proves_none() -> None:
    for total in range(-1, 40):
        if not total > scores._NO_FLOOR_UP_TO:
            assert scores.item9_floor(total) is None, total
    day = date(2024, 1, 1)
    values: list[int | None] = [None, 0, 24, 25, 26, 27, 28]
    for value, item9 in itertools.product(values, [None, 0, 2]):
        score = _Total("PHQ-9", value, day, item9, "x", {}).score()
        floor = scores.item9_floor(value) if value is not None and item9 is None else None
        assert (score.item9, score.item9_inferred) == (
            (floor, True) if floor is not None else (item9, False)
        )


def _reference_latest_phq9(record: PatientRecord) -> Score | None:
    """PatientRecord.latest_phq9 as it read the scores before (issue 14)."""
    for score in reversed(record.phq9()):
        if score.value is not None:
            return score
    return None


def test_the_latest_phq9_is_the_last_valued_one_of_the_sorted_totals() -> None:
    rng = random.Random(9)
    shared = 0
    for _ in range(400):
        crowded = _scores(rng)  # equal days, values and sources
        unvalued = [dataclasses.replace(s, value=None) for s in crowded[::4]]
        others = [dataclasses.replace(s, instrument="GAD-7") for s in crowded[1::5]]
        mixed = [*crowded, *unvalued, *others]
        rng.shuffle(mixed)
        record = PatientRecord(Patient("p", None, None), date(2025, 1, 1), scores=tuple(mixed))
        latest = record.latest_phq9()
        assert latest is _reference_latest_phq9(record)
        if latest is not None:
            shared += sum(s.date == latest.date and s.value is not None for s in crowded) > 1
    assert shared > 50
