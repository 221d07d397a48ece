"""Order, duplicates and irrelevant resources do not change the trials (hypothesis)."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from fhir_mapping import build_record
from fhir_mapping.episodes import build_trials
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.record import Role, SourceRef
from tests.fhir_mapping.fhir_resources import (
    SNOMED,
    condition,
    device,
    lab,
    patient,
    phq9_total,
    procedure,
)
from tests.fhir_mapping.test_build import chart
from tests.fhir_mapping.test_episodes import lookup

AS_OF = date(2025, 3, 1)
STATUSES = {
    EventKind.ORDER: ["active", "completed", "stopped", "on-hold", "cancelled"],
    EventKind.STATEMENT: ["active", "completed", "not-taken"],
    EventKind.DISPENSE: ["completed", "declined"],
}
TYPES = {
    EventKind.ORDER: "MedicationRequest",
    EventKind.STATEMENT: "MedicationStatement",
    EventKind.DISPENSE: "MedicationDispense",
}


@st.composite
def events(draw: st.DrawFn) -> list[MedicationEvent]:
    count = draw(st.integers(min_value=1, max_value=12))
    found = []
    for index in range(count):
        kind = draw(st.sampled_from(list(EventKind)))
        ingredient = draw(
            st.sampled_from(["sertraline", "venlafaxine", "trazodone", "bupropion", "aripiprazole"])
        )
        start = date(2023, 1, 1) + timedelta(days=draw(st.integers(min_value=0, max_value=800)))
        length = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=200)))
        found.append(
            MedicationEvent(
                kind=kind,
                ingredient=ingredient,
                drug_class="x",
                role=Role.AUGMENTATION if ingredient == "aripiprazole" else Role.ANTIDEPRESSANT,
                start=start,
                end=start + timedelta(days=length)
                if length and kind is EventKind.STATEMENT
                else None,
                mg_per_day=draw(st.sampled_from([None, 5.0, 25.0, 50.0, 75.0, 150.0, 300.0])),
                days_supply=draw(st.sampled_from([None, 30.0, 90.0])),
                status=draw(st.sampled_from(STATUSES[kind])),
                source=SourceRef(TYPES[kind], f"e{index}"),
            )
        )
    return found


@settings(max_examples=150, deadline=None)
@given(events(), st.randoms(use_true_random=False), st.data())
def test_event_order_and_duplicates_do_not_change_trials(
    found: list[MedicationEvent], rnd: Any, data: st.DataObject
) -> None:
    expected = build_trials(found, as_of=AS_OF, drug_lookup=lookup)
    duplicated = found + data.draw(st.lists(st.sampled_from(found), max_size=6))
    rnd.shuffle(duplicated)
    assert build_trials(duplicated, as_of=AS_OF, drug_lookup=lookup) == expected


def irrelevant() -> list[dict[str, Any]]:
    """Resources the rules do not read, or that belong to someone else."""
    return [
        lab(
            "glu",
            "718-7",  # haemoglobin: not read (glucose is, since review 7 finding 4)
            "Hemoglobin [Mass/volume] in Blood",
            date(2024, 5, 1),
            13.5,
            "g/dL",
        ),
        condition("htn", SNOMED, "38341003", "Hypertension", date(2019, 3, 1)),
        procedure(
            "medrec", SNOMED, "430193006", "Medication reconciliation (procedure)", date(2024, 1, 2)
        ),
        device("chair", "228869008", "Manual wheelchair (physical object)"),
        patient("p-009", birth="1970-02-02"),
        phq9_total("someone-else", date(2024, 6, 1), 27, patient="p-009"),
        {"resourceType": "Basic", "id": "b1", "code": {"text": "note"}},
    ]


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False), st.data())
def test_shuffled_duplicated_and_extra_resources_build_the_same_record(
    rnd: Any, data: st.DataObject
) -> None:
    base = chart()
    expected = build_record(base, as_of=AS_OF, patient_id="p-001")
    extra = data.draw(st.lists(st.sampled_from(irrelevant()), max_size=7))
    twice = data.draw(st.lists(st.sampled_from(base), max_size=10))
    resources = [copy.deepcopy(r) for r in base + twice + extra]
    rnd.shuffle(resources)
    record = build_record(resources, as_of=AS_OF, patient_id="p-001")
    assert record.trials == expected.trials
    assert record.scores == expected.scores
    assert record.context == expected.context
    assert record.episode_start == expected.episode_start
