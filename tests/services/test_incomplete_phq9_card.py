"""Review 13 W11: a PHQ-9 panel with items 1-6 answered, no total and no item 9, 10 days ago.
F4 listed it as not read; the measurement card said only "no PHQ-9 total in 147 days". When it
is the latest PHQ-9 the card now says so, dated, with item 9 unknown (README "never silent"):
in the summary and as a section of its own. An incomplete PHQ-9 older than the latest total
changes nothing and is not named there. The panel is a US Core survey Observation as Epic sends
it (tests/fhir_mapping/test_incomplete_phq9.py), validated with fhir.resources R4B."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.rules import measurement_based_care
from tests.fhir_mapping.other_scale_charts import P, chart, scale
from tests.fixtures import builders as fb
from tests.services.helpers import ctx

PARTIAL_DAY = date(2025, 5, 23)
LOINC = "http://loinc.org"
ITEMS_1_TO_6 = ["44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2"]


def partial_panel(day: date = PARTIAL_DAY) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": f"obs-phq9-partial-{day.isoformat()}",
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
        "subject": {"reference": f"Patient/{P}"},
        "effectiveDateTime": f"{day.isoformat()}T09:30:00-05:00",
        "component": [
            {"code": {"coding": [{"system": LOINC, "code": code}]}, "valueInteger": 2}
            for code in ITEMS_1_TO_6
        ],
    }


def test_the_latest_phq9_incomplete_is_named_dated_with_item_9_unknown() -> None:
    record = chart(fb.phq9(date(2025, 1, 6), 18, item9=0, patient=P), partial_panel())
    rec = measurement_based_care.rule(ctx(record))
    assert rec is not None
    # Recheck 2 m09: the unanswered item 9 leads, as a warning.
    assert rec.summary == (
        "PHQ-9 on 2025-05-23: item 9 unanswered - ask it today; on escitalopram, repeat the PHQ-9"
    )
    assert (
        "**Latest PHQ-9 incomplete:** PHQ-9 on 2025-05-23 incomplete (items 7-9 unanswered): "
        "item 9 unknown" in rec.detail
    )


def test_the_gap_carries_its_date() -> None:
    record = chart(partial_panel())
    (gap,) = [g for g in record.gaps if "incomplete" in g.reason]
    assert gap.date == PARTIAL_DAY


def test_an_incomplete_phq9_older_than_the_latest_total_is_not_named_on_the_card() -> None:
    record = chart(
        fb.phq9(date(2025, 1, 6), 18, item9=0, patient=P),
        partial_panel(date(2025, 1, 3)),
    )
    rec = measurement_based_care.rule(ctx(record))
    assert rec is not None  # no PHQ-9 since escitalopram started: still due
    assert "incomplete" not in rec.summary
    assert "**Latest PHQ-9 incomplete:**" not in rec.detail


def test_an_incomplete_latest_phq9_keeps_the_card_beside_a_recent_other_scale() -> None:
    """A MADRS 12 days ago would silence the card (test_other_scales_mbc.py); an incomplete
    PHQ-9 after it leaves the suicide item unknown, so the card stays."""
    record = chart(
        scale("MADRS", date(2025, 1, 6), 34),
        scale("MADRS", date(2025, 5, 21), 8),
        partial_panel(),
    )
    rec = measurement_based_care.rule(ctx(record))
    assert rec is not None and "item 9 unanswered" in rec.summary
