"""Review 13 W11: a PHQ-9 panel (44249-1) with items 1-6 answered, no total and no item 9, was
dropped with "Not read (0)". It is now a DataGap naming the unanswered items and item 9 unknown
(README "never silent"). The panel is shaped as US Core survey Observations come from Epic."""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B.observation import Observation

from fhir_mapping.scores import read_scores, score_gaps

LOINC = "http://loinc.org"
ITEMS = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3"]


def _panel(answered: list[str], rid: str = "obs-phq9-partial") -> dict[str, Any]:
    panel: dict[str, Any] = {
        "resourceType": "Observation",
        "id": rid,
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-survey"
            ]
        },
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "survey",
                    }
                ]
            }
        ],
        "code": {"coding": [{"system": LOINC, "code": "44249-1", "display": "PHQ-9 panel"}]},
        "subject": {"reference": "Patient/p1"},
        "effectiveDateTime": "2025-05-23T09:30:00-05:00",
        "component": [
            {"code": {"coding": [{"system": LOINC, "code": code}]}, "valueInteger": 2}
            for code in answered
        ],
    }
    Observation.model_validate(panel)
    return panel


def test_items_7_to_9_unanswered_is_a_gap_naming_item_9_unknown() -> None:
    panel = _panel(ITEMS[:6])
    assert read_scores([panel], as_of=date(2025, 6, 2)) == ()
    # Before: no gap at all.
    (gap,) = score_gaps([panel], as_of=date(2025, 6, 2))
    assert gap.reason == "a PHQ-9 incomplete (items 7-9 unanswered): item 9 unknown"
    assert gap.source is not None and gap.source.id == "obs-phq9-partial"


def test_only_item_9_unanswered_is_named() -> None:
    (gap,) = score_gaps([_panel(ITEMS)], as_of=date(2025, 6, 2))
    assert gap.reason == "a PHQ-9 incomplete (item 9 unanswered): item 9 unknown"


def test_a_panel_with_no_item_answers_is_not_a_gap() -> None:
    # A panel whose members are separate Observations (hasMember) carries no components.
    assert score_gaps([_panel([])], as_of=date(2025, 6, 2)) == []
