"""Review 18b W3, M2, M3: esketamine with uncontrolled blood pressure, an order on a deceased
patient's chart, and the older-adult ECT ordering with no birth date.

- W3 (n07): a SPRAVATO 56 mg draft with 172/104 and 168/106 got no card (the blood-pressure
  check read SNRIs and bupropion only): a warning now names both readings with their dates and
  the label's "assess blood pressure before each dose". Esketamine running with such readings
  gets the chart-open blood-pressure card too.
- M2 (p02): an escitalopram draft on a Patient with deceasedBoolean true got `{"cards": []}`:
  a data-quality warning now says the patient is recorded deceased, first, and the order checks
  run as for a living patient (recheck 18a d03). On chart open (p01) a deceased patient gets
  one information card naming the status, and no pathway card (review 19 E1).
- M3 (p05): no birthDate: the optimise card, which puts ECT first from 65, did not say the age
  could not be checked; it says so once now, as its first line with the other age rules not
  checked (review 19 D3).

Charts: tests/services/review18_charts/ (US Core shaped requests, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator
from tests.fixtures import builders as fb
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
HERE = Path(__file__).parent
Doc = dict[str, Any]
ORDER_BP = "order-blood-pressure"
RUNNING_BP = "running-drug-blood-pressure"
QUALITY = "data-quality"
OPTIMISE = "optimize-switch-augment"

_chart = chart_files.loader(HERE / "review18_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


# --- W3: esketamine and blood pressure ------------------------------------------------------------


def test_an_esketamine_draft_with_two_high_readings_is_a_warning_naming_both() -> None:
    card = by_topic(_cards(_chart("n07_esketamine_draft_uncontrolled_bp")))[ORDER_BP]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Esketamine ordered with blood pressure 168/106 mm Hg")
    assert "168/106 mm Hg on 2025-05-31" in card["detail"]
    assert "172/104 mm Hg on 2025-05-12" in card["detail"]
    # The label's own advice, not the oral antidepressants' "before starting it".
    assert "before each dose" in card["detail"] and "140/90" in card["detail"]
    assert "before the first session" in card["detail"]
    assert "before starting it, or choose an antidepressant" not in card["detail"]
    assert (
        card["source"]["label"]
        == "SPRAVATO label, Warnings and Precautions: Increase in Blood Pressure (5.6 in the 2019 label)"
    )


def test_an_esketamine_draft_with_normal_readings_gets_no_blood_pressure_card() -> None:
    doc = _chart("n07_esketamine_draft_uncontrolled_bp")
    for resource in chart_files.prefetch_resources(doc):
        for part in resource.get("component") or []:
            quantity = part.get("valueQuantity") or {}
            if "value" in quantity:
                quantity["value"] = 120 if quantity["value"] > 120 else 78
    assert ORDER_BP not in by_topic(_cards(doc))


P = "p-esk"
SPRAVATO_28 = ("2119365", "esketamine 28 MG per 0.2 ML Nasal Spray [Spravato]")


def _bp(systolic: int, diastolic: int, day: date, rid: str) -> dict[str, Any]:
    reading = fb.blood_pressure(systolic, diastolic, day, patient=P)
    reading["id"] = rid
    return reading


def test_esketamine_running_with_two_high_readings_gets_the_chart_open_card() -> None:
    resources: list[dict[str, Any]] = [
        fb.patient(id=P, given="Ana", family="Lee", gender="female", birth_date=date(1979, 3, 14)),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 10, 21),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        *fb.phq9(date(2025, 5, 19), 17, item9=0, patient=P),
        fb.medication_request(
            *SPRAVATO_28,
            date(2025, 4, 7),
            dose_value=2,
            frequency=1,
            status="active",
            expected_supply_days=7,
            repeats=11,
            patient=P,
            id="mr-esk",
        ),
        _bp(172, 104, date(2025, 5, 12), "bp-1"),
        _bp(168, 106, date(2025, 5, 31), "bp-2"),
    ]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    record = build_record(resources, as_of=AS_OF, patient_id=P)
    card = {r.topic: r for r in patient_view(record, Policy())}[RUNNING_BP]
    assert card.indicator is Indicator.WARNING
    assert "esketamine" in card.summary and "168/106" in card.summary
    assert "before each dose" in card.detail and "about 40 minutes after each dose" in card.detail
    assert (
        "SPRAVATO label, Warnings and Precautions: Increase in Blood Pressure (5.6 in the 2019 label)"
        in card.detail
    )


# --- M2: an order on a deceased patient's chart ---------------------------------------------------


def test_a_draft_on_a_patient_recorded_deceased_gets_the_data_quality_warning_first() -> None:
    # Recheck 18a d03: the order checks run too (their cards follow, see
    # test_recheck18a_thyroid_esketamine_deceased.py); the deceased line leads.
    card = _cards(_chart("p02_deceased_boolean_order_select"))[0]
    assert card["source"]["topic"]["code"] == QUALITY
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Patient recorded deceased (date not recorded): check the chart before signing"
    )


def test_the_deceased_line_names_the_recorded_date_at_order_sign() -> None:
    doc = _chart("p02_deceased_boolean_order_select")
    patient = doc["prefetch"]["patient"]
    del patient["deceasedBoolean"]
    patient["deceasedDateTime"] = "2025-05-20T08:10:00-05:00"
    card = _cards(doc, hook="order-sign")[0]
    assert card["summary"].startswith("Patient recorded deceased (2025-05-20)")


def test_a_deceased_patient_gets_only_the_status_on_chart_open() -> None:
    # Review 19 E1: no pathway card (TMS, optimise, ...); the status said, as information.
    cards = _cards(_chart("p01_deceased_datetime_trd"))
    assert [(c["source"]["topic"]["code"], c["indicator"]) for c in cards] == [(QUALITY, "info")]
    assert cards[0]["summary"] == (
        "Patient recorded deceased (2025-05-20): treatment-pathway cards not shown"
    )


# --- M3: no birth date and the older-adult ECT ordering ------------------------------------------


def test_the_optimise_card_says_once_that_the_65_plus_ordering_was_not_applied() -> None:
    card = by_topic(_cards(_chart("p05_no_birthdate_trd_patient_view")))[OPTIMISE]
    said = (
        "the older-adult rules from 65 (ECT listed first: may be especially effective in older "
        "patients (CANMAT 2023 para 215);"
    )
    assert card["detail"].count(said) == 1
    # First, where it is seen (review 19 D3), not after the options it qualifies.
    assert card["detail"].startswith("**Age not on record:**")


def test_with_a_birth_date_the_age_gap_is_not_said() -> None:
    doc = _chart("p05_no_birthdate_trd_patient_view")
    doc["prefetch"]["patient"]["birthDate"] = "1979-03-14"
    card = by_topic(_cards(doc))[OPTIMISE]
    assert "Age not on record" not in card["detail"]
