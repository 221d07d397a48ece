"""Issue 14, speed round 7: the shortcuts read exactly as the readings they replace.

- episodes._timeline reads a day with one event by that event's dose, without `_day_dose`: the
  timeline must be the one a plain walk gives (each day's events, grouped, through `_day_dose`).
- labs.lab_result finds the test and the interpretation flag by walking the codings in place:
  they must be what the `codings` reading gives, on every Observation of the corpus (real-shaped
  charts and ../shared/fhir/vendor) and on hand-made odd shapes.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from itertools import groupby
from typing import Any

from fhir_mapping import episodes, labs
from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.codes import observation_codes
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.fhir_fields import codings
from fhir_mapping.lab_values import _FLAG_SYSTEMS, interpretation_words
from fhir_mapping.record import Role, SourceRef
from tests.fhir_mapping.test_hot_path import CORPUS

DAY0 = date(2024, 1, 1)
_KINDS = {
    EventKind.ORDER: "MedicationRequest",
    EventKind.STATEMENT: "MedicationStatement",
    EventKind.DISPENSE: "MedicationDispense",
}


def _event(rng: random.Random, index: int) -> MedicationEvent:
    """Crowded days of orders, statements and fills: several strengths on one day, the same
    supply or another, unknown and ranged doses."""
    kind = rng.choice(list(_KINDS))
    mg = rng.choice([None, 50.0, 100.0, 150.0])
    return MedicationEvent(
        kind=kind,
        ingredient="sertraline",
        drug_class="SSRI",
        role=Role.ANTIDEPRESSANT,
        start=DAY0 + timedelta(rng.randint(0, 6)),
        end=None,
        mg_per_day=mg,
        days_supply=rng.choice([None, 30.0, 30.0, 7.0]),
        status="completed" if kind is EventKind.DISPENSE else "active",
        source=SourceRef(_KINDS[kind], f"e{index}"),
        mg_per_day_high=rng.choice([None, None, None, 200.0]) if mg is not None else None,
    )


def _plain_timeline(events: list[MedicationEvent]) -> list[tuple[date, Any]]:
    """The timeline as review 6 finding 2 defined it: each day's events through `_day_dose`."""
    timeline: list[tuple[date, Any]] = []
    for start, day in groupby(events, key=lambda e: e.start):
        dose = episodes._day_dose(list(day))
        if dose is None:
            if not timeline:
                timeline.append((start, None))
        elif not timeline or timeline[-1][1] != dose:
            timeline.append((start, dose))
    return timeline


def test_the_timeline_is_each_days_dose_read_whole() -> None:
    rng = random.Random(7)
    combined = 0
    for _ in range(3000):
        events = sorted(
            [_event(rng, i) for i in range(rng.randint(0, 12))], key=episodes._event_key
        )
        expected = _plain_timeline(events)
        assert episodes._timeline(events) == expected, events
        combined += any(
            episodes._combined_fill(list(day)) is not None
            for _, day in groupby(events, key=lambda e: e.start)
        )
    assert combined > 50  # the corpus holds combined fills, not just one event a day


def test_a_day_of_two_strengths_is_their_sum_and_a_single_fill_its_own_dose() -> None:
    def fill(i: str, day: int, mg: float) -> MedicationEvent:
        return MedicationEvent(
            kind=EventKind.DISPENSE,
            ingredient="sertraline",
            drug_class="SSRI",
            role=Role.ANTIDEPRESSANT,
            start=DAY0 + timedelta(day),
            end=None,
            mg_per_day=mg,
            days_supply=30.0,
            status="completed",
            source=SourceRef("MedicationDispense", i),
        )

    events = sorted(
        [fill("a", 0, 100.0), fill("b", 0, 50.0), fill("c", 30, 100.0)], key=episodes._event_key
    )
    assert episodes._timeline(events) == [(DAY0, 150.0), (DAY0 + timedelta(30), 100.0)]


def _plain_lab_test(resource: dict[str, Any]) -> str | None:
    concepts = {(row.system, row.code): row.concept for row in observation_codes()}
    tests = lab_ranges()
    for system, code, _ in codings(resource.get("code")):
        concept = concepts.get((system, code))
        if concept in tests:
            return concept
    return None


_MARKS = str.maketrans(dict.fromkeys("*()[]!.,", " "))


def _plain_flag(resource: dict[str, Any]) -> str | None:
    # FHIR R4 makes `interpretation` a list; one CodeableConcept sent alone (STU3) is a list of
    # one, and a bool, number or string is none (review 19 R2 W1: `or ()` raised on `true`).
    given = resource.get("interpretation")
    concepts = [given] if isinstance(given, dict) else given if isinstance(given, list) else []
    codes = [code for concept in concepts for _, code, _ in codings(concept)]
    # Only a code of no stated system or of v3 / v2-0078 stops the words (labs36 item 2).
    flagging = [
        code
        for concept in concepts
        for system, code, _ in codings(concept)
        if not system or system in _FLAG_SYSTEMS
    ]
    if not flagging:  # no flag code: the words the lab wrote (data/interpretation_words.csv)
        words = interpretation_words()
        for concept in concepts:
            if not isinstance(concept, dict):
                continue
            items = concept.get("coding") if isinstance(concept.get("coding"), list) else []
            texts = [c.get("display") for c in items if isinstance(c, dict)]
            for text in [*texts, concept.get("text")]:
                if not isinstance(text, str):
                    continue
                plain = " ".join(text.translate(_MARKS).split()).lower()
                if plain in words:
                    codes.append(words[plain])
    for code in codes:
        if code in {"L", "LL", "LU", "<"}:
            return "low"
        if code in {"H", "HH", "HU", ">"}:
            return "high"
        if code == "N":
            return "normal"
    return None


_OIDS = {"http://loinc.org": "urn:oid:2.16.840.1.113883.6.1"}


def _observations() -> list[dict[str, Any]]:
    found = [r for r in CORPUS if r["resourceType"] == "Observation"]
    for row in observation_codes():  # every tabled code, under other spellings of its system
        for system in (row.system, _OIDS.get(row.system, row.system), "", None, "urn:other"):
            coding: dict[str, Any] = {"code": f" {row.code} "}
            if system is not None:
                coding["system"] = system
            found.append(
                {"resourceType": "Observation", "code": {"coding": [{"code": "x"}, coding]}}
            )
    odd: list[object] = [
        None,
        "3016-3",
        {"coding": "3016-3"},
        {"coding": [None, "x", {"code": 3016}, {"code": "  "}, {"system": 5, "code": "3016-3"}]},
        {"text": "TSH"},
    ]
    found.extend({"resourceType": "Observation", "code": code} for code in odd)
    interpretations: list[object] = [
        None,
        [],
        "H",
        True,
        7,
        0.5,
        {"coding": [{"code": "H"}]},
        {"coding": [{"code": "L"}], "text": "Low"},
        [None, "L", {"coding": "H"}, {"coding": [None, {"code": 1}, {"code": " LL "}]}],
        [{"coding": [{"code": ""}, {"code": "A"}, {"code": "N"}]}],
        [{"text": "high"}, {"coding": [{"system": "x", "code": "HU"}]}],
        [{"coding": [{"code": "<"}]}, {"coding": [{"code": "H"}]}],
        # No code: the words (labs34 item 1); a code anywhere wins over them.
        [{"text": "Critical Low"}],
        {"coding": [{"display": "high"}]},
        [{"text": "Abnormal"}, {"coding": [{"code": ""}]}, {"text": "normal"}],
        [{"text": "low"}, {"coding": [{"code": "H"}]}],
    ]
    found.extend({"resourceType": "Observation", "interpretation": i} for i in interpretations)
    return found


def test_the_lab_test_and_flag_are_the_codings_reading() -> None:
    tested = flagged = 0
    for observation in _observations():
        expected = _plain_lab_test(observation)
        assert labs._read_lab_test(observation) == expected, observation.get("code")
        assert labs._lab_test(observation) == expected, observation.get("code")
        flag = _plain_flag(observation)
        assert labs._interpretation_flag(observation) == flag, observation.get("interpretation")
        tested += expected is not None
        flagged += flag is not None
    assert tested > 20 and flagged > 5, (tested, flagged)


def test_the_lab_tables_systems_are_canonical_so_a_system_as_written_is_found_as_is() -> None:
    # `_read_lab_test` looks a system up as written before its canonical spelling: that finds
    # what the canonical look-up would only because every system of the table is canonical.
    systems = {system for system, _ in labs._lab_tests()}
    assert systems and all(canonical_system(system) == system for system in systems)
