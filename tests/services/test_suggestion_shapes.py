"""The builders name their resource's template themselves (a "shape", issue 14): the shape must
say exactly what the plain reading, `_template` of the JSON built, says, so a resource is taken
unvalidated only when a resource of its template has validated to itself before."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.servicerequest import ServiceRequest

from fhir_mapping.record import SourceRef
from services import suggestions, tables

Seen = list[tuple[Any, tuple[object, ...] | None, dict[str, Any]]]


@pytest.fixture
def shapes(monkeypatch: pytest.MonkeyPatch) -> Iterator[Seen]:
    """(model, shape, resource as built) of every proposal built from now on, none cached yet."""
    seen: Seen = []
    monkeypatch.setattr(suggestions, "_checked", {})
    real = suggestions._validated_as

    def spy(model: Any, shape: tuple[object, ...] | None, data: dict[str, Any]) -> dict[str, Any]:
        seen.append((model, shape, json.loads(json.dumps(data))))  # a copy, as built
        return real(model, shape, data)

    monkeypatch.setattr(suggestions, "_validated_as", spy)
    yield seen


def _full(model: Any, resource: dict[str, Any]) -> str:
    return json.dumps(model.model_validate(resource).model_dump(mode="json", exclude_none=True))


REASONS: tuple[tuple[SourceRef, ...], ...] = (
    (),
    (SourceRef("Condition", "c1"),),
    (SourceRef("Condition", "c2"),),
    (SourceRef("Observation", "o1"), SourceRef("Condition", "c1")),
    (SourceRef("Condition", "c1"), SourceRef("Condition", "c1")),  # the same reason twice
)
NOTES = (None, "", "watch the blood pressure", "another note", "   ")


def _pinned(seen: Seen) -> None:
    """Every shape stands for one template, None exactly where the template is None, and every
    resource comes out as full validation writes it (key order included)."""
    by_shape: dict[object, object] = {}
    for model, shape, data in seen:
        template = suggestions._template(data)
        assert (shape is None) == (template is None), data
        if shape is not None:
            assert by_shape.setdefault((model, shape), template) == template, data
    assert len(by_shape) > 1


def test_a_service_request_shape_is_its_template(shapes: Seen) -> None:
    built = []
    concepts = list(tables.order_codes())[:3]
    for concept, text, priority, reasons, note, patient in itertools.product(
        concepts,
        ("Refer for TMS evaluation", "Other words", "  "),
        (None, "routine", "urgent"),
        REASONS,
        NOTES,
        ("p1", "p-2"),
    ):
        try:
            built.append(
                suggestions.service_request(
                    patient_id=patient,
                    concept=concept,
                    text=text,
                    reasons=reasons,
                    priority=priority,
                    note=note,
                )
            )
        except ValueError:  # a blank text FHIR refuses: validated in full, as before
            continue
    _pinned(shapes)
    for resource in built:
        assert json.dumps(resource) == _full(ServiceRequest, resource)


def test_a_medication_request_shape_is_its_template(shapes: Seen) -> None:
    built = []
    for ingredient, rxcui, mg, reasons, note, patient in itertools.product(
        ("sertraline", "lithium", " "),
        (None, "", "36437", "6448"),
        (None, 0, 50, 62.5),
        REASONS,
        NOTES,
        ("p1", "p-2"),
    ):
        try:
            built.append(
                suggestions.medication_request(
                    patient_id=patient,
                    ingredient=ingredient,
                    rxcui=rxcui,
                    mg_per_day=mg,
                    reasons=reasons,
                    note=note,
                )
            )
        except ValueError:
            continue
    _pinned(shapes)
    for resource in built:
        assert json.dumps(resource) == _full(MedicationRequest, resource)


def test_built_in_the_model_s_order_nothing_is_rearranged(shapes: Seen) -> None:
    """The builders write FHIR's element order: a validated shape's plan is "keep as built"."""
    suggestions.service_request(
        patient_id="p1",
        concept=next(iter(tables.order_codes())),
        text="Refer",
        reasons=REASONS[3],
        priority="routine",
        note="a note",
    )
    suggestions.medication_request(
        patient_id="p1",
        ingredient="lithium",
        rxcui="6448",
        mg_per_day=600,
        reasons=REASONS[1],
        note="a note",
    )
    assert len(suggestions._checked) == 2
    assert all(plan is None for plan in suggestions._checked.values())
