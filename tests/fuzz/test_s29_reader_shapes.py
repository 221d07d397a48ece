"""Malformed field shapes on the charts of session 29's readers (lab text values, hCG, course
ranges and refusals, MAR dosage.text and reasons, form answers, stated history, allergies), as a
broken EHR might send them: an object or a list where a string belongs, numbers as strings, empty
strings, a 10,000-character string, an impossible date, a period that ends before it starts,
1e308 where a number belongs.

Session 29's last CI found a 500 from a frozenset membership test on a Procedure.status that was
an object (procedure_refusals.refusal_reason, 7b7f2ad1); this sweep found five more of the class
(review s30 robust31): a MedicationDispense.status object or list tested against the refused-fill
statuses (unfilled_order.refused_fills); a ward dose keyed by a concept whose dosage.text, display
or text was an object (ward_doses._concept_key: unhashable); a draft of 1e308 tablets read as an
infinite mg/day (medication_drafts: int(inf) in dose_entry_error); a MAR reason coded only, its
code an object (administration_reasons.reason_words: a tuple holding a dict looked up in a dict);
an order's status tested against ORDER_ENDED when its dosage bounds ended before it was written
(medication_dates.dates_of). Each is fixed at its reader: the malformed field is read as absent,
the resource still read.
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import OfflineInputError, evaluate_document
from fhir_mapping.administration_reasons import reason_words
from fhir_mapping.medications import draft_orders, medication_events
from fhir_mapping.unfilled_order import refused_fills
from services.policy import Policy
from tests.cds_hooks.test_spec_examples import assert_spec_invariants
from tests.fixtures import scenarios

SERVICES = Path(__file__).resolve().parents[1] / "services"
AS_OF = date(2026, 12, 1)
# One chart of each reader session 29 added or changed.
CHARTS = [
    "k19b1_charts/l02_lithium_1_6H_nospace.json",  # lab text value with its flag
    "k19b1_charts/h10_female_age56_bhcg5200.json",  # hCG by age
    "k18b_charts/tms_stopped_refused_one_day.json",  # course refusal
    "k18b_charts/ect_range_plus_itemised_sessions.json",  # course range
    "k19b2_charts/tms_open_11wk_sessions_last_week.json",  # open course
    "mar30_charts/m02_mar_dose_text_only.json",  # MAR dosage.text
    "k18a_charts/w01_risk_no_hold_word.json",  # MAR reason words
    "s29_k19a1_charts/hx_si_yes_current_no_plan_yes.json",  # form plan/intent items
    "k19a2_charts/ed_hx_si_2010_now_denies_intent.json",  # stated history
    "allergy30_charts/r6_order_sign_draft_sertraline_after_r5.json",  # allergy, order-sign
]
FIELDS = [
    "status",
    "statusReason",
    "text",
    "valueString",
    "valueQuantity",
    "value",
    "interpretation",
    "performedPeriod",
    "start",
    "end",
    "dosage",
    "reasonCode",
    "answer",
    "valueCoding",
    "reaction",
    "manifestation",
    "display",
    "effectiveDateTime",
]
WRONG: list[Any] = [
    None,
    7,
    "7",
    "",
    {"x": 1},
    ["x"],
    {"coding": 5, "text": 7},
    [{"x": 1}],
    "x" * 10_000,
    "2026-13-45",
    {"start": "2026-05-01", "end": "2025-01-01"},
    1e308,
]


def _load(name: str) -> dict[str, Any]:
    return json.loads((SERVICES / name).read_text("utf-8"))  # type: ignore[no-any-return]


_LOADED = {name: _load(name) for name in CHARTS}


def _put(node: Any, field: str, value: Any) -> None:
    """`field` replaced by `value` wherever it is, at any depth."""
    if isinstance(node, dict):
        for key, item in list(node.items()):
            if key == field:
                node[key] = copy.deepcopy(value)
            else:
                _put(item, field, value)
    elif isinstance(node, list):
        for item in node:
            _put(item, field, value)


def _answer(doc: dict[str, Any]) -> dict[str, Any] | None:
    try:
        result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    except OfflineInputError:
        return None  # a required key without its data: a 412 over HTTP, named
    body: dict[str, Any] = result.response.to_json()
    assert_spec_invariants(body)
    return body


def _broken(chart: str, field: str, value: Any) -> dict[str, Any]:
    doc = copy.deepcopy(_LOADED.get(chart) or _load(chart))
    _put(doc["prefetch"], field, value)
    if doc["context"].get("draftOrders") is not None:
        _put(doc["context"]["draftOrders"], field, value)
    return doc


@pytest.mark.parametrize("chart", CHARTS)
@pytest.mark.parametrize("field", FIELDS)
def test_a_malformed_field_of_a_session_29_reader_is_answered(chart: str, field: str) -> None:
    for value in WRONG:
        _answer(_broken(chart, field, value))


# --- the ones found, each at its reader ------------------------------------------------------------
@pytest.mark.parametrize(
    ("chart", "field", "value"),
    [
        ("mar30_charts/m02_mar_dose_text_only.json", "status", {"x": 1}),
        ("mar30_charts/m02_mar_dose_text_only.json", "status", ["declined"]),
        ("mar30_charts/m02_mar_dose_text_only.json", "text", {"text": 5}),
        ("mar30_charts/m02_mar_dose_text_only.json", "text", ["20 mg"]),
        ("mar30_charts/m02_mar_dose_text_only.json", "display", {"x": 1}),
        ("allergy30_charts/r6_order_sign_draft_sertraline_after_r5.json", "value", 1e308),
        # A dose not given whose reason is coded only, its code an object: the MAR reason words.
        (
            "mar30_charts/m01_notdone_staff_pharmacy_refused.json",
            "statusReason",
            [{"coding": [{"system": "http://snomed.info/sct", "code": {"x": 1}}]}],
        ),
        (
            "mar30_charts/m01_notdone_staff_pharmacy_refused.json",
            "statusReason",
            [{"coding": [{"system": ["x"], "code": "105480006"}]}],
        ),
    ],
)
def test_the_crashes_this_sweep_found_are_answered(chart: str, field: str, value: Any) -> None:
    assert _answer(_broken(chart, field, value)) is not None


def _dispense(status: Any) -> dict[str, Any]:
    return {
        "resourceType": "MedicationDispense",
        "id": "d1",
        "status": status,
        "medicationCodeableConcept": {"text": "sertraline 50 mg tablet"},
        "whenPrepared": "2026-11-01",
    }


@pytest.mark.parametrize("status", [{"code": "declined"}, ["declined"], [], 7, None, ""])
def test_a_malformed_dispense_status_is_no_refused_fill(status: Any) -> None:
    assert refused_fills([_dispense(status)], AS_OF) == []


def test_a_declined_dispense_is_still_a_refused_fill() -> None:
    (fill,) = refused_fills([_dispense("declined")], AS_OF)
    assert fill.words() == "fill declined 2026-11-01"


@pytest.mark.parametrize("value", [1e308, float("inf")])
def test_a_draft_of_absurd_tablets_has_no_dose_and_is_still_read(value: float) -> None:
    doc = _LOADED["allergy30_charts/r6_order_sign_draft_sertraline_after_r5.json"]
    draft = copy.deepcopy(doc["context"]["draftOrders"]["entry"][0]["resource"])
    draft["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = value
    (order,) = draft_orders([draft])
    assert order.ingredient == "sertraline"
    assert (order.mg_per_day, order.mg_per_day_upper) == (None, None)


@pytest.mark.parametrize("code", [{"x": 1}, ["x"], 7, None])
def test_a_mar_reason_whose_code_is_no_string_says_no_words(code: Any) -> None:
    assert reason_words([{"coding": [{"system": "http://snomed.info/sct", "code": code}]}]) == ""


@pytest.mark.parametrize("status", [{"code": "completed"}, ["completed"]])
def test_an_order_with_bounds_before_it_was_written_and_a_malformed_status_is_read(
    status: Any,
) -> None:
    """medication_dates.dates_of tested the raw status against ORDER_ENDED (a frozenset) for an
    order whose dosage bounds ended before its authoredOn: the status is read as absent."""
    chart = scenarios.scenario("trd_meets_tms")
    order = next(r for r in chart.resources if r["resourceType"] == "MedicationRequest")
    order = copy.deepcopy(order)
    order["authoredOn"] = "2026-06-01"
    timing = order["dosageInstruction"][0].setdefault("timing", {})
    timing.setdefault("repeat", {})["boundsPeriod"] = {"start": "2025-01-01", "end": "2025-03-01"}
    order["status"] = status
    (event,) = medication_events([order], as_of=AS_OF)[0]
    assert (event.ingredient, event.status) == ("sertraline", "unknown")
