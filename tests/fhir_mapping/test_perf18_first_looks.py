"""Issue 14, perf18: two first looks that skip a reader only where its answer is already known
(speed only, no reading changes).

1. survey_look.may_be_survey: an Observation no reader takes whose category is one category of
   one coding with a code that is no survey code is no unknown survey (unknown_survey_gap None),
   so the walk does not ask; every other shape is asked as before.
2. chart_medications' `reasoned`: a fill of a name the tables do not hold is for depression only
   through an order that states a reason (depression_unknown_name.for_depression), so a fill of
   any other order is not asked.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest

from fhir_mapping.chart_medications import chart_medications
from fhir_mapping.depression_unknown_name import for_depression
from fhir_mapping.fill_order_drug import order_index
from fhir_mapping.medication_types import TYPE_READINGS
from fhir_mapping.survey_look import may_be_survey
from fhir_mapping.unknown_surveys import unknown_survey_gap
from tests.fixtures import sizes

_CAT = "http://terminology.hl7.org/CodeSystem/observation-category"
_LOCAL = {"coding": [{"system": "urn:oid:1.2.840.114350.1.13.0.1.7.2.707679", "code": "99"}]}


def _row(category: Any = None, **more: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "resourceType": "Observation",
        "id": "o1",
        "status": "final",
        "code": _LOCAL,
        "valueInteger": 18,
        **more,
    }
    if category is not None:
        row["category"] = category
    return row


def _one(code: Any, system: Any = _CAT) -> list[Any]:
    return [{"coding": [{"system": system, "code": code}]}]


# (category as sent, whether the first look rules it out)
_SHAPES: list[tuple[Any, bool]] = [
    (_one("laboratory"), True),
    (_one("vital-signs"), True),
    (_one("survey"), False),
    (_one("survey", system=None), False),
    (_one("Survey"), True),  # not the code: _is_survey is case-sensitive too
    (_one({"x": 1}), False),  # a malformed code: read in full
    (_one(7), False),
    ({"coding": [{"system": _CAT, "code": "survey"}]}, False),  # STU3: one object
    ({"coding": [{"system": _CAT, "code": "laboratory"}]}, False),
    ([{"coding": [{"code": "laboratory"}, {"system": _CAT, "code": "survey"}]}], False),
    ([*_one("laboratory"), *_one("survey")], False),  # two categories
    ([{"text": "Survey"}], False),
    ([{"coding": {"code": "laboratory"}}], False),
    ([], False),
    ("survey", False),
    ("s", False),
    ([None], False),
    (None, False),  # no category at all
]


@pytest.mark.parametrize(("category", "ruled_out"), _SHAPES)
def test_survey_first_look(category: Any, ruled_out: bool) -> None:
    row = _row(category)
    assert (not may_be_survey(row)) is ruled_out
    if ruled_out:
        assert unknown_survey_gap(row) is None


def test_survey_rows_still_gaps() -> None:
    """A wordless local-code survey row (data68's) is still asked and still a gap."""
    row = _row(_one("survey"))
    assert may_be_survey(row)
    assert unknown_survey_gap(row) is not None


@pytest.mark.parametrize("name", ["typical", "ten_year", "sized_unread"])
def test_survey_first_look_never_hides_a_gap(name: str) -> None:
    request = sizes.sized_unread(400) if name == "sized_unread" else getattr(sizes, name)()
    rows = [r for r in sizes.flatten(request) if r.get("resourceType") == "Observation"]
    assert rows
    # The same rows with a survey category: the look must let each through.
    for row in rows:
        if not may_be_survey(row):
            assert unknown_survey_gap(row) is None
        surveyed = {**copy.deepcopy(row), "category": _one("survey")}
        assert may_be_survey(surveyed)


def _orders_with_reasons() -> list[Any]:
    reason = [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F33.1"}]}]
    order = {"resourceType": "MedicationRequest", "status": "active", "intent": "order"}
    return [
        {**order, "id": "r1", "reasonCode": reason},
        {**order, "id": "r1"},  # a second of the same id: the first is the chart's
        {**order, "id": "r2", "reasonReference": [{"reference": "Condition/c1"}]},
        {**order, "id": "r3", "reasonCode": []},
        {**order, "id": "r4", "reasonCode": None},
        {**order, "id": "r5"},
        {**order, "id": "r6", "reasonReference": [{"reference": "Condition/c1"}]},
        {**order, "id": "r6", "reasonCode": reason},
    ]


def test_reasoned_orders() -> None:
    lists = chart_medications(_orders_with_reasons())
    assert lists.reasoned == frozenset({"r1", "r2", "r6"})


def _folder_charts() -> list[Path]:
    root = Path(__file__).parents[1] / "services"
    return sorted(root.glob("meds4*_charts/*.json")) + sorted(root.glob("meds5*_charts/*.json"))


def test_fills_of_unreasoned_orders_never_for_depression() -> None:
    """for_depression gives None for every fill of an order not in `reasoned`: over the sized
    charts, the meds4x / meds5x charts, and the synthetic orders above."""
    charts: list[list[Any]] = [_orders_with_reasons()]
    charts += [sizes.flatten(sizes.typical()), sizes.flatten(sizes.ten_year())]
    for path in _folder_charts():
        request = orjson.loads(path.read_bytes())
        charts.append(sizes.flatten(request))
    asked = 0
    for resources in charts:
        lists = chart_medications(resources)
        orders = order_index(resources)
        reading = TYPE_READINGS["MedicationDispense"]
        for rid, order in orders.items():
            if rid in lists.reasoned:
                continue
            fill = {
                "resourceType": "MedicationDispense",
                "status": "completed",
                "medicationCodeableConcept": {"text": "Zorvexa 20 MG Oral Tablet"},
                "authorizingPrescription": [{"reference": f"MedicationRequest/{rid}"}],
            }
            assert for_depression(fill, reading, None, lambda: {}, order) is None
            asked += 1
    assert asked > 50
