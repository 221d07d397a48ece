"""A finished ward order sets the dose over its stay only (session 26 LA item 1; left open by
review s25 FX finding 8).

Sertraline given at 200 mg/day on the ward for 10 days (an inpatient MedicationRequest,
completed, its doses on the MAR), then home fills at a lower dose: the ward order took the first
home fill after it as its own "first fill" (first_fill.py) and, as an order outranks a fill of
the same day, its 200 mg/day ran over the first home supply. With 90-day home fills of 25 mg/day
that was 13 weeks "at an adequate dose": "1 adequate trial failed (sertraline)", the SSRI class
"failed, not proposed", augmentation offered. Now the ward order's dose counts from its own day,
ends after its last dose given, and the home dose holds again after it (fhir_mapping/
ward_orders.py).

Charts: tests/services/ward_order_ended_charts/ (Epic / US Core shaped requests: an inpatient
Encounter, an inpatient MedicationRequest with its MAR doses, community orders and fills; valid
R4B, every prefetch key).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import Trial, Verdict
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

AS_OF = date(2026, 12, 1)
FOLDER = Path(__file__).parent / "ward_order_ended_charts"
CHARTS = sorted(p.stem for p in FOLDER.glob("*.json"))
OPTIMISE = "optimize-switch-augment"

_chart = chart_files.loader(FOLDER)
_at = Evaluator(AS_OF)


def _sertraline(doc: dict[str, Any]) -> Trial:
    _, record = _at.cards_and_record(doc)
    (trial,) = [t for t in record.trials if t.ingredient == "sertraline"]
    return trial


def _doses(trial: Trial) -> list[tuple[str, str, float | None]]:
    return [(s.start.isoformat(), s.end.isoformat(), s.mg_per_day) for s in trial.segments]


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


def test_ward_200_then_home_25_is_no_adequate_failed_trial() -> None:
    doc = _chart("ward_200_then_home_25_mail_order")
    trial = _sertraline(doc)
    assert _doses(trial) == [
        ("2026-02-02", "2026-05-25", 25.0),
        ("2026-05-25", "2026-06-04", 200.0),  # the ward's 10 days only
        ("2026-06-04", "2026-12-01", 25.0),  # was 200 up to the next 90-day fill
    ]
    assert trial.verdict is Verdict.ONGOING
    assert trial.weeks_at_adequate_dose < 2
    cards = _at.cards(doc)
    assert not any("adequate trial failed" in c["summary"] for c in cards)
    card = by_topic(cards)[OPTIMISE]
    assert card["summary"].startswith("Sertraline 25 mg/day is below the adequate range (50-200)")
    assert "Failed, not proposed" not in card["detail"]
    assert "Failed antidepressants 1" not in card["detail"]


@pytest.mark.parametrize(
    "name", ["home_order_before_stay_fills_with_sig", "home_order_before_stay_fills_no_sig"]
)
def test_home_fills_set_the_dose_after_the_ward_order(name: str) -> None:
    assert _doses(_sertraline(_chart(name))) == [
        ("2026-03-02", "2026-05-25", 50.0),  # was 50 on the ward days too
        ("2026-05-25", "2026-06-04", 200.0),  # the MAR's 200, from the ward order's own day
        ("2026-06-04", "2026-12-01", 50.0),  # was 200 up to the second home fill (07-04)
    ]


def test_after_discharge_the_home_dose_holds_until_the_next_fill() -> None:
    # The first home fill 16 days after discharge: the ward's 200 ends with the stay.
    doc = _chart("home_order_before_stay_fills_with_sig")
    for entry in doc["prefetch"]["medicationDispenses"]["entry"]:
        if entry["resource"]["whenHandedOver"].startswith("2026-06-04"):
            entry["resource"]["whenHandedOver"] = "2026-06-20T14:00:00-05:00"
    doses = _doses(_sertraline(doc))
    assert doses[1] == ("2026-05-25", "2026-06-04", 200.0)
    assert all(mg == 50.0 for start, _, mg in doses if start >= "2026-06-04")


def test_a_ward_order_with_no_mar_takes_no_home_fill_as_its_own() -> None:
    # Category inpatient alone says it is the ward's: its dose starts on its own day.
    doc = copy.deepcopy(_chart("home_order_before_stay_fills_with_sig"))
    doc["prefetch"]["medicationAdministrations"] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 0,
    }
    assert _doses(_sertraline(doc))[1:] == [
        ("2026-05-25", "2026-06-04", 200.0),
        ("2026-06-04", "2026-12-01", 50.0),
    ]


def test_a_discharge_prescription_keeps_its_own_dose() -> None:
    # Begun on the ward, a home order written on discharge: its dose from that day (control).
    assert _doses(_sertraline(_chart("home_order_at_discharge"))) == [
        ("2026-05-25", "2026-06-04", 200.0),
        ("2026-06-04", "2026-12-01", 50.0),
    ]
