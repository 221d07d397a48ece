"""s25 FZ2: an order above the usual maximum beside fills that cover less (follow-up to the RK4
finding 16 fix, commit cbc34dc1).

The fills bound the dose said taken (fhir_mapping/fill_dose.within_fills), so sertraline "200
mg, then 300 mg" (max 200) beside fills covering 200 mg/day (60 x 100 mg / 30 days) or 100
mg/day (30 x 100 mg) got no card at all: the "order says up to 300, fills cover N: confirm the
dose taken" text showed only in card tables, the packet and the timeline. The order still
directs a dose above the usual maximum (the patient may have other supply; a refill at the
order's dose gives it), so the running-dose card stays, worded from the record, never claiming
300 mg/day taken. A warning, the topic's own: the safer reading of a dose the service cannot
confirm, and it holds the optimise card's raises of and adjuncts to the drug until the dose is
settled.

Charts: tests/services/order_above_fills_charts/ (the probe: RK4's 30-tablet chart),
packet_rows_charts/ and running_dose24_charts/ (the 60-tablet one).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
RANGE = "running-dose-above-range-max"
HERE = Path(__file__).parent
DIR = HERE / "order_above_fills_charts"
PROBE = "sertraline_order_300_fills_100"
AS_OF = date(2025, 3, 24)

_at = Evaluator(date(2026, 12, 1))


def _range_card(doc: Doc) -> Doc:
    return _at.by_topic(doc, as_of=AS_OF)[RANGE]


def test_the_probe_is_valid_r4b_with_every_prefetch_key() -> None:
    doc = chart_files.loader(DIR)(PROBE)
    chart_files.check_chart(doc)


@pytest.mark.parametrize(
    ("folder", "name", "filled"),
    [
        (DIR, PROBE, 100),
        (HERE / "packet_rows_charts", "sertraline_fills_100_order_200_then_300", 100),
        (HERE / "running_dose24_charts", "sert_lines_to_confirm", 200),
    ],
)
def test_an_order_above_the_maximum_keeps_its_card_beside_the_fills_dose(
    folder: Path, name: str, filled: int
) -> None:
    card = _range_card(chart_files.loader(folder)(name))
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Sertraline order says up to 300 mg/day (above the usual maximum of 200); fills cover "
        f"{filled} mg/day: confirm the dose taken"
    )
    assert (
        "**Sertraline order says up to 300 mg/day** (running since 2025-01-06; "
        f"{filled} mg/day since 2025-01-20): above the usual maximum of 200 mg/day"
    ) in card["detail"]
    assert f"Its fills cover {filled} mg/day" in card["detail"]
    assert "Confirm the dose taken first." in card["detail"]
    said = (card["summary"] + card["detail"]).lower()
    # Never claimed taken, nor read as a dose to confirm at 300.
    assert "sertraline 300 mg/day" not in said
    assert "up to 300 mg/day (dose to confirm)" not in said
    assert card.get("suggestions", []) == []


def test_fills_that_cover_the_orders_dose_are_the_dose_said() -> None:
    # 90 x 100 mg per 30 days: the fills themselves cover 300 mg/day, the card the RK4 fix kept.
    doc = chart_files.loader(DIR)(PROBE)
    for entry in doc["prefetch"]["medicationDispenses"]["entry"]:
        if entry["resource"]["whenHandedOver"].startswith("2025-01-20"):
            entry["resource"]["quantity"]["value"] = 90
    card = _range_card(doc)
    assert card["summary"].startswith("Sertraline 300 mg/day running: above the usual maximum")
    assert "order says" not in card["summary"]
