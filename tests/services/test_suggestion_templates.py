"""Proposed resources are validated through fhir.resources once per template, not per request
(issue 14), and come out exactly as full validation writes them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.servicerequest import ServiceRequest
from pydantic import ValidationError

from fhir_mapping.record import SourceRef
from services import suggestions, tables


@pytest.fixture
def validations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Names of the models validated from now on, with no template checked yet."""
    seen: list[str] = []
    monkeypatch.setattr(suggestions, "_checked", {})
    for model in (MedicationRequest, ServiceRequest):
        real = model.model_validate

        def counting(
            data: Any, *args: Any, _real: Any = real, _name: str = model.__name__, **kwargs: Any
        ) -> Any:
            seen.append(_name)
            return _real(data, *args, **kwargs)

        monkeypatch.setattr(model, "model_validate", counting)
    yield seen


def _full(model: Any, resource: dict[str, Any]) -> str:
    dumped = model.model_validate(resource).model_dump(mode="json", exclude_none=True)
    return json.dumps(dumped)


def _medication(patient: str, note: str = "keep lithium level in range") -> dict[str, Any]:
    return suggestions.medication_request(
        patient_id=patient,
        ingredient="lithium",
        rxcui="6448",
        mg_per_day=600,
        reasons=[SourceRef("Condition", f"c-{patient}")],
        note=note,
    )


def _service(patient: str, text: str, priority: str | None = "routine") -> dict[str, Any]:
    concept = next(iter(tables.order_codes()))
    return suggestions.service_request(
        patient_id=patient,
        concept=concept,
        text=text,
        reasons=[SourceRef("Observation", f"o-{patient}")],
        priority=priority,
    )


def test_one_validation_per_template_and_output_as_full_validation(
    validations: list[str],
) -> None:
    first = [_medication(f"p{n}", note=f"note {n}") for n in range(5)]
    assert validations == ["MedicationRequest"]
    services = [_service(f"p{n}", f"Refer patient {n}") for n in range(5)]
    assert validations == ["MedicationRequest", "ServiceRequest"]
    # Same bytes, key order included, as validating each one in full would write.
    for resource in first:
        assert json.dumps(resource) == _full(MedicationRequest, resource)
    for resource in services:
        assert json.dumps(resource) == _full(ServiceRequest, resource)
    assert first[3]["subject"] == {"reference": "Patient/p3"}
    assert services[2]["code"]["text"] == "Refer patient 2"


def test_a_new_template_or_a_blank_text_is_validated_in_full(validations: list[str]) -> None:
    _service("p1", "Refer")
    _service("p2", "Refer", priority="urgent")  # another code: another template
    _service("p3", "Refer", priority=None)  # no priority: another shape
    assert validations == ["ServiceRequest"] * 3
    _service("p4", "   ")  # blank text: never taken from a template
    _service("p5", "   ")
    assert len(validations) == 5


def test_an_invalid_resource_still_fails_after_its_template_validated(
    validations: list[str],
) -> None:
    _service("p1", "Refer", priority="urgent")
    with pytest.raises(ValidationError):
        _service("p2", "Refer", priority="not a code ")  # a FHIR code has no trailing space
    with pytest.raises(ValidationError):
        _service("p3", "Refer", priority="as  soon")  # nor two spaces in a row
