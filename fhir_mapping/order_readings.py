"""Each authorising order's reading, once for one chart's walk (issue 14, session 22).

Every fill of a drug the service reads asks of the one order it fills (authorising_order.the_order)
whether that order is read as a prescription and which drug it names (fill_order_drug.read_order):
a fill whose own Medication was not had is read with that drug, and every other fill is checked
against it (fill_order_mismatch.py). A chart's fills name few orders (a 10-year chart: 140 fills
of the drugs read here), and each fill read its order afresh: its status, its drug memo, its
code/name conflict check, ~39 k instructions a fill. The answer depends on the order, the chart's
Medications and the build's unread Medications alone (medication_drug.UNREAD_MEDICATIONS, set
for the whole build), so it is remembered here by order id: for ONE chart's walk, made by
medication_events and dropped with it, never across requests or patients (another chart's order
of the same id is another order). The orders by id are the chart's (chart_medications.py: its
medication resources read once, perf17), not indexed here again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fhir_mapping.fill_order_drug import read_order
from fhir_mapping.terminology import Component


@dataclass(frozen=True, slots=True)
class OrderReading:
    """An order read as a prescription whose drug is identified without conflict: the order,
    its `components` (empty: a drug off the pathway), its resolved `medication`, and `drugs`,
    its ingredients each once in their order (what a fill's drugs are compared with)."""

    order: Mapping[str, Any]
    components: tuple[Component, ...]
    medication: Mapping[str, Any] | None
    drugs: tuple[str, ...]


class OrderReadings:
    """The chart's MedicationRequests by id (`orders`: fill_order_drug.order_index's answer,
    as chart_medications gives it) and each one's reading (`read`), remembered for this walk
    only (module docstring)."""

    __slots__ = ("_orders", "_read")

    def __init__(self, orders: Mapping[str, Mapping[str, Any]]) -> None:
        self._orders = orders
        self._read: dict[str, OrderReading | None] = {}

    def order(self, rid: str | None) -> Mapping[str, Any] | None:
        """The chart's order `rid` as sent, None when `rid` is None or the order is not in the
        chart: the reason a fill states through it (depression_unknown_name.py, fix meds49)."""
        if rid is None:
            return None
        return self._orders.get(rid)

    def read(
        self, rid: str | None, medications: Mapping[str, Mapping[str, Any]]
    ) -> OrderReading | None:
        """The reading of order `rid` (fill_order_drug.read_order), None when `rid` is None,
        the order is not in the chart, or it is not read. `medications`: the chart's
        Medications by id, the same index at every call of one walk."""
        if rid is None:
            return None
        try:
            return self._read[rid]
        except KeyError:
            pass
        order = self._orders.get(rid)
        ordered = None if order is None else read_order(order, medications)
        found = None
        if order is not None and ordered is not None:
            drugs = tuple(dict.fromkeys(c.ingredient for c in ordered[0]))
            found = OrderReading(order, ordered[0], ordered[1], drugs)
        self._read[rid] = found
        return found
