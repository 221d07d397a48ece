"""perf19 (issue 14): chart_walk's written-out first look at an unread Observation's category
gives the gaps survey_look.may_be_survey + unknown_survey_gap gave, and authorising_order.order_ids'
shortcut for one relative "MedicationRequest/<id>" gives the ids its full reading gives."""

from __future__ import annotations

from typing import Any

import pytest

from fhir_mapping import authorising_order
from fhir_mapping.survey_look import may_be_survey
from fhir_mapping.unknown_surveys import survey_category_codes, unknown_survey_gap

_CATEGORIES: list[Any] = [
    [
        {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": c}
            ]
        }
    ]
    for c in ("laboratory", "vital-signs", "survey", "social-history", "")
] + [
    None,
    {},
    [],
    "survey",
    [{"coding": {"code": "survey"}}],
    [{"coding": [{"code": 3}]}],
    [{"coding": [{"display": "Survey"}]}],
    [{"coding": [{"code": "laboratory"}, {"code": "survey"}]}],
    [{"coding": [{"code": "laboratory"}]}, {"coding": [{"code": "survey"}]}],
    {"coding": [{"code": "survey"}]},
    [{"text": "survey"}],
    ["survey"],
]


def _first_look(resource: dict[str, Any]) -> bool:
    """chart_walk's written-out first look (kept in step with chart_walk.walk_chart)."""
    try:
        (concept,) = resource["category"]
        (coding,) = concept["coding"]
        code = coding["code"]
    except (KeyError, TypeError, ValueError):
        code = None
    return not isinstance(code, str) or code in survey_category_codes()


@pytest.mark.parametrize("category", _CATEGORIES)
def test_first_look_is_may_be_survey(category: Any) -> None:
    row: dict[str, Any] = {
        "resourceType": "Observation",
        "id": "x",
        "status": "final",
        "code": {"coding": [{"system": "urn:oid:1.2.3", "code": "999"}], "text": "Mood survey"},
        "effectiveDateTime": "2026-05-01",
        "valueInteger": 12,
    }
    if category is not None:
        row["category"] = category
    assert _first_look(row) is may_be_survey(row)
    if not _first_look(row):
        assert unknown_survey_gap(row) is None


def _full_order_ids(dispense: dict[str, Any]) -> tuple[str, ...]:
    """order_ids without its shortcut: the shortcut's answer must be this one."""
    wrapped = {**dispense, "authorizingPrescription": [*dispense["authorizingPrescription"]]}
    wrapped["authorizingPrescription"].append({"display": "no reference"})  # skipped by the loop
    return authorising_order.order_ids(wrapped)


@pytest.mark.parametrize(
    "reference",
    [
        "MedicationRequest/abc",
        "MedicationRequest/",
        "MedicationRequest/_history",
        "MedicationRequest/abc/_history/2",
        "MedicationRequest/a/b",
        "urn:uuid:abc",
        "https://ehr.example.org/fhir/MedicationRequest/abc",
        "Medication/abc",
        "",
    ],
)
def test_order_ids_shortcut_is_full_reading(reference: str) -> None:
    dispense = {
        "resourceType": "MedicationDispense",
        "authorizingPrescription": [{"reference": reference}],
    }
    assert authorising_order.order_ids(dispense) == _full_order_ids(dispense)
