"""A QTc bound keeps its comparator wherever the ECG system writes it (review 11 wave 4).

Before, only a result's own valueQuantity kept its comparator: an ECG panel's QTc component
written "> 450 ms" (valueQuantity.comparator, as ECG systems write a value beyond what they
measure) read as exactly 450, so the citalopram check said the QTc was not above 450 ms when the
ECG says it is. One reader (`labs._value`) now serves results and components; a comparator outside
the R4 quantity-comparator value set leaves the value unread (named, never read as exact).

Charts: tests/fhir_mapping/test_qtc_ecg_panel.py's US Core ECG shapes (validated with R4B, mapped
by build_record, run through the order hooks).
"""

from __future__ import annotations

from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.record import DataDomain
from tests.fhir_mapping.test_qtc_ecg_panel import (
    BAZETT,
    ECG_DAY,
    FRIDERICIA,
    HEART_RATE,
    QTC,
    chart,
    component,
    ecg,
    order_cards,
    qtc_results,
)
from tests.fixtures import builders as fb

Resource = dict[str, Any]


def bound(code: tuple[str, str], value: float, sign: str) -> Resource:
    """A component whose valueQuantity is a bound ("> 450 ms")."""
    part = component(code, value, "ms")
    part["valueQuantity"]["comparator"] = sign
    return part


def test_a_panel_qtc_component_above_450_is_read_as_that_bound() -> None:
    record = chart(ecg(component(HEART_RATE, 72, "/min"), bound(QTC, 450, ">")))
    assert [(lab.value, lab.comparator, lab.date) for lab in qtc_results(record)] == [
        (450.0, ">", ECG_DAY)
    ]
    card = order_cards(record)["order-qtc"]
    # "> 450" is above the 450 ms caution line for certain; whether it is above 500 is not known,
    # so the card claims neither "below 500" nor "above 500".
    assert card.summary.startswith(
        "Citalopram 40 mg/day with QTc > 450 ms on 2025-05-20: above 450 ms"
    )
    assert "below 500" not in card.summary + card.detail
    assert "above 500" not in card.summary


def test_an_exact_component_wins_over_an_upper_bound() -> None:
    # Fridericia 490 ms exact, Bazett "< 500 ms": the bound could be anything below 500 and
    # cannot say "above", the exact 490 can (above the 480 ms band: review s24 RM finding 3).
    both = ecg(component(FRIDERICIA, 490, "ms"), bound(BAZETT, 500, "<"), code=QTC)
    record = chart(both)
    assert [(lab.value, lab.comparator) for lab in qtc_results(record)] == [(490.0, None)]
    assert "QTc 490 ms on 2025-05-20: above 480 ms" in order_cards(record)["order-qtc"].summary


def test_a_lower_bound_component_is_compared_as_a_bound_beside_an_exact_one() -> None:
    both = ecg(component(FRIDERICIA, 470, "ms"), bound(BAZETT, 510, ">"), code=QTC)
    record = chart(both)
    assert [(lab.value, lab.comparator) for lab in qtc_results(record)] == [(510.0, ">")]
    card = order_cards(record)["order-qtc"]
    assert card.summary.startswith(
        "Citalopram 40 mg/day with QTc > 510 ms on 2025-05-20: above 500 ms"
    )


@pytest.mark.parametrize("where", ["result", "component"])
def test_a_comparator_outside_the_value_set_leaves_the_value_unread(where: str) -> None:
    # Deliberately non-conformant ("~" is no R4 quantity-comparator code; R4B does not check it):
    # read as exact, "~ 450" would say "not above 450 ms" on a guess.
    if where == "component":
        odd = ecg(component(HEART_RATE, 72, "/min"), bound(QTC, 450, "~"))
    else:
        odd = fb.lab(QTC[0], 450, "ms", ECG_DAY, patient="pt-ecg-1", display=QTC[1])
        odd["id"] = "qtc-1"
        odd["valueQuantity"]["comparator"] = "~"
    record = chart(odd)
    assert [(lab.value, lab.comparator) for lab in qtc_results(record)] == [(None, None)]
    assert [gap.source.id for gap in record.gaps_in(DataDomain.QTC) if gap.source] == [odd["id"]]
    card = order_cards(record)["order-qtc"]
    assert "not compared" in card.summary


def test_a_conformant_bound_result_still_validates_and_keeps_its_comparator() -> None:
    result = fb.lab(QTC[0], 500, "ms", ECG_DAY, patient="pt-ecg-1", display=QTC[1])
    result["valueQuantity"]["comparator"] = ">="
    get_fhir_model_class("Observation").model_validate(result)
    record = chart(result)
    assert [(lab.value, lab.comparator) for lab in qtc_results(record)] == [(500.0, ">=")]
