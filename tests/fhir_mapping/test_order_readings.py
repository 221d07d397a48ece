"""Each order a fill names is read once for one chart's walk (fhir_mapping/order_readings.py,
issue 14): the remembered reading gives the same events and gaps as reading the order afresh for
every fill, the order is read once however many fills name it, and nothing is remembered across
walks: another chart's order of the same id is another order.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from fhir_mapping import medications, order_readings
from fhir_mapping.product_conflict import FILL_ORDER_TO_CONFIRM
from tests.fixtures import builders

AS_OF = date(2024, 6, 1)
PATIENT = "p1"


def _order(rxcui: str) -> dict[str, Any]:
    product = builders.ANTIDEPRESSANTS[rxcui]
    return dict(
        builders.medication_request(
            product.rxcui, product.display, date(2023, 1, 5), 1, patient=PATIENT, id="order-1"
        )
    )


def _fill(rxcui: str, index: int) -> dict[str, Any]:
    product = builders.ANTIDEPRESSANTS[rxcui]
    return dict(
        builders.medication_dispense(
            product.rxcui,
            product.display,
            AS_OF - timedelta(days=30 * index + 1),
            30,
            30,
            patient=PATIENT,
            prescription="order-1",
            id=f"fill-{rxcui}-{index}",
        )
    )


def _chart(order: str) -> list[dict[str, Any]]:
    """An order of `order`, ten sertraline fills and three bupropion fills, all naming it."""
    fills = [_fill("312941", i) for i in range(10)] + [_fill("993541", i) for i in range(3)]
    return [_order(order), *fills]


class _Afresh(order_readings.OrderReadings):
    """The readings as before the memo: every question reads the order again."""

    __slots__ = ()

    def read(self, rid: str | None, medications: Any) -> order_readings.OrderReading | None:
        self._read.clear()
        return super().read(rid, medications)


def test_the_order_is_read_once_and_reads_as_read_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    chart = _chart("312941")
    calls = 0
    read_order = order_readings.read_order

    def counted(*args: Any) -> Any:
        nonlocal calls
        calls += 1
        return read_order(*args)

    monkeypatch.setattr(order_readings, "read_order", counted)
    remembered = medications.medication_events(chart, as_of=AS_OF)
    assert calls == 1  # 13 fills name the order: read once
    monkeypatch.setattr(medications, "OrderReadings", _Afresh)
    assert remembered == medications.medication_events(chart, as_of=AS_OF)
    assert calls == 1 + 13  # read afresh: once for each of the 13 fills checked against it
    # The bupropion fills against the sertraline order are still records to confirm.
    confirm = [g for g in remembered[1] if g.reason == FILL_ORDER_TO_CONFIRM]
    assert len(confirm) == 3


def test_no_order_reading_crosses_charts() -> None:
    # Chart A's order-1 is sertraline: its 3 bupropion fills are records to confirm. Chart B's
    # order-1 is bupropion: there its 10 sertraline fills are, and the bupropion fills are read.
    for _ in range(2):
        events, gaps = medications.medication_events(_chart("312941"), as_of=AS_OF)
        assert sum(g.reason == FILL_ORDER_TO_CONFIRM for g in gaps) == 3
        assert {e.ingredient for e in events} == {"sertraline"}
        events, gaps = medications.medication_events(_chart("993541"), as_of=AS_OF)
        assert sum(g.reason == FILL_ORDER_TO_CONFIRM for g in gaps) == 10
        assert {e.ingredient for e in events} == {"bupropion"}
