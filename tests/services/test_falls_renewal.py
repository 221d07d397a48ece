"""Review s21 RR finding 8: the falls card for a drug already running at the same dose.

At 85 with "History of falling" coded, a draft renewing the venlafaxine 225 mg/day she has taken
since July got the warning "AGS Beers 2023 advises avoiding SNRIs after falls unless no safer
option ... If it is still the choice, start low, go slowly", on order-select and order-sign. "Start
low" does not fit a drug that has started: such a renewal (same dose or lower) is now information,
"review whether it is still needed (AGS Beers 2023)". A new start, a raise, or a dose that cannot
be compared keeps the warning (services/order_checks/falls.py).

Charts: tests/services/falls_renewal_charts/ (US Core shaped order-select / order-sign requests,
every prefetch key), from the RR review's r4 probes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
FALLS = "order-older-adult-falls"
START_LOW = "start low, go slowly"

_chart = chart_files.loader(Path(__file__).parent / "falls_renewal_charts")
_cards = Evaluator(AS_OF).cards


def _falls_card(doc: Doc) -> Doc:
    return by_topic(_cards(doc))[FALLS]


def _draft(doc: Doc) -> Doc:
    resource: Doc = doc["context"]["draftOrders"]["entry"][0]["resource"]
    return resource


@pytest.mark.parametrize(
    "chart",
    ["venlafaxine_225_renewal_age85_falls_select", "venlafaxine_225_renewal_age85_falls_sign"],
)
def test_a_renewal_at_the_running_dose_asks_for_review_not_a_slow_start(chart: str) -> None:
    card = _falls_card(_chart(chart))
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Venlafaxine at 85 with history of falling on record: review whether it is still needed "
        "(AGS Beers 2023)"
    )
    assert START_LOW not in card["detail"]
    assert (
        "**Venlafaxine 225 mg/day drafted at age 85:** running since 2026-07-31; this order does "
        "not raise its dose."
    ) in card["detail"]
    assert "Review whether it is still needed, and falls at each follow-up." in card["detail"]


def test_a_raise_of_the_running_drug_keeps_the_warning() -> None:
    doc = _chart("venlafaxine_225_renewal_age85_falls_select")
    dosage = _draft(doc)["dosageInstruction"][0]
    dosage["text"] = "Take 2 tablets (450 mg) by mouth daily"
    dosage["doseAndRate"][0]["doseQuantity"]["value"] = 2
    card = _falls_card(doc)
    assert card["indicator"] == "warning"
    assert START_LOW in card["detail"]


def test_a_dose_not_read_keeps_the_warning() -> None:
    doc = _chart("venlafaxine_225_renewal_age85_falls_select")
    dosage = _draft(doc)["dosageInstruction"][0]
    dosage["text"] = "as directed"
    del dosage["doseAndRate"]
    del dosage["timing"]
    card = _falls_card(doc)
    assert card["indicator"] == "warning"
    assert START_LOW in card["detail"]


def test_a_new_start_keeps_the_warning() -> None:
    card = _falls_card(_chart("escitalopram_new_age85_falls_select"))
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Escitalopram at 85 with history of falling on record")
    assert START_LOW in card["detail"]
