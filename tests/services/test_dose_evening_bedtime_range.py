"""One dose "every evening at bedtime" is read as 1-2 a day, not 2 (session 22 RUC, follow-up to
the RU review's finding 1 and commit 1bf7c40).

"Take 1 tablet (15 mg) by mouth every evening at bedtime", a common Epic sig for a once-a-day
bedtime dose, read as twice a day: mirtazapine 15 mg/day became 30, and the optimise card offered
a one-click raise to 45 (3x the dose taken). Evening and bedtime stay two times of day (qpm, qhs;
FHIR EVE, HS), so where one clause names both with one amount and no "and" between them the
words leave it open: the frequency is now a range of 1-2 a day (data/sig_slot_overlaps.csv,
dose_sig._clause_frequency), read as sig dose ranges are: the low end for adequacy and raises,
the high end for the ceiling checks, which stay awake. Two amounts ("1 tablet every evening and
1 tablet at bedtime") stay two a day.

Charts: tests/services/dose_arithmetic_charts/ (copied from the RU review's r36 charts).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
ORDER_ABOVE = "order-dose-above-range"

_chart = chart_files.loader(Path(__file__).parent / "dose_arithmetic_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards

_CHARTS = (
    "mirtazapine15_sig_every_evening_at_bedtime",
    "mirtazapine15_sig_evening_and_bedtime_two_doses",
    "mirtazapine15_draft_every_evening_at_bedtime_sign",
    "mirtazapine30_draft_every_evening_at_bedtime_sign",
)


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions", [])]


def _order(doc: Doc) -> Doc:
    resource: Doc = doc["prefetch"]["medicationRequests"]["entry"][0]["resource"]
    return resource


def _mg_per_day(doc: Doc) -> float | None:
    _, record = _at.by_topic_and_record(doc)
    (trial,) = record.trials
    return trial.current_mg_per_day


@pytest.mark.parametrize("name", _CHARTS)
def test_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    assert {"encounters", "labsSI", "medicationRequests"} <= set(doc["prefetch"])
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    for entry in doc["context"].get("draftOrders", {}).get("entry", []):
        get_fhir_model_class("MedicationRequest").model_validate(entry["resource"])


# --- patient-view ------------------------------------------------------------------------------


def test_every_evening_at_bedtime_is_not_a_raise_from_30_to_45() -> None:
    """Before: "raise mirtazapine 30 → 45 mg/day first", one click to 45 mg/day."""
    doc = _chart("mirtazapine15_sig_every_evening_at_bedtime")
    card = by_topic(_cards(doc))[OPTIMISE]
    assert "Mirtazapine 15-30 mg/day is below the adequate range" in card["summary"]
    assert "30 → 45" not in card["summary"]
    assert not any("45 mg/day" in label for label in _labels(card))
    assert "Raise mirtazapine to 30 mg/day" in _labels(card)
    assert _mg_per_day(doc) == 15


def test_the_range_is_not_an_adequate_trial() -> None:
    """The low end is the dose the record proves: no "adequate trial failed" at 30 mg/day."""
    card = by_topic(_cards(_chart("mirtazapine15_sig_every_evening_at_bedtime")))[OPTIMISE]
    assert "adequate trial failed" not in card["summary"]


def test_two_amounts_evening_and_bedtime_stay_two_a_day() -> None:
    doc = _chart("mirtazapine15_sig_evening_and_bedtime_two_doses")
    card = by_topic(_cards(doc))[OPTIMISE]
    assert "raise mirtazapine 30 → 45 mg/day first" in card["summary"]
    assert _mg_per_day(doc) == 30


def test_evening_and_at_bedtime_with_one_amount_stays_two_a_day() -> None:
    """An "and" between the time words says two times: no range."""
    doc = _chart("mirtazapine15_sig_every_evening_at_bedtime")
    _order(doc)["dosageInstruction"][0]["text"] = (
        "Take 1 tablet (15 mg) by mouth every evening and at bedtime"
    )
    assert _mg_per_day(doc) == 30


def test_a_timing_text_range_reads_the_same_as_the_sig() -> None:
    """The words in the timing's text instead of the sig: the same 15-30 range."""
    doc = _chart("mirtazapine15_sig_every_evening_at_bedtime")
    line = _order(doc)["dosageInstruction"][0]
    line["text"] = "Take 1 tablet (15 mg) by mouth"
    line["timing"] = {"code": {"text": "Every evening at bedtime"}}
    line["doseAndRate"] = [
        {
            "doseQuantity": {
                "value": 15,
                "unit": "mg",
                "system": "http://unitsofmeasure.org",
                "code": "mg",
            }
        }
    ]
    card = by_topic(_cards(doc))[OPTIMISE]
    assert "Mirtazapine 15-30 mg/day is below the adequate range" in card["summary"]


# --- order-sign --------------------------------------------------------------------------------


def test_a_15_mg_draft_every_evening_at_bedtime_reads_15_to_30() -> None:
    """Before: 30 mg/day with no upper end."""
    doc = _chart("mirtazapine15_draft_every_evening_at_bedtime_sign")
    cards, record = _at.by_topic_and_record(doc)
    (draft,) = record.draft_orders
    assert (draft.mg_per_day, draft.mg_per_day_high) == (15, 30)
    assert ORDER_ABOVE not in cards


def test_a_30_mg_draft_keeps_the_ceiling_check_at_the_high_end() -> None:
    """The high end (60 mg/day) is above the US label's 45: the check stays, and says the range."""
    card = by_topic(_cards(_chart("mirtazapine30_draft_every_evening_at_bedtime_sign")))[
        ORDER_ABOVE
    ]
    assert (
        "Mirtazapine 30-60 mg/day reaches above the US label's maximum of 45 mg/day"
        in (card["summary"])
    )


def test_a_30_mg_draft_timed_by_its_text_keeps_the_ceiling_check() -> None:
    """The same words as the timing's text: its high end reaches the check (dose_timing.timing_high)."""
    doc = _chart("mirtazapine30_draft_every_evening_at_bedtime_sign")
    line = doc["context"]["draftOrders"]["entry"][0]["resource"]["dosageInstruction"][0]
    line["text"] = "Take 1 tablet (30 mg) by mouth"
    line["timing"] = {"code": {"text": "every evening at bedtime"}}
    line["doseAndRate"] = [
        {
            "doseQuantity": {
                "value": 30,
                "unit": "mg",
                "system": "http://unitsofmeasure.org",
                "code": "mg",
            }
        }
    ]
    assert ORDER_ABOVE in by_topic(_cards(doc))
