"""Review 13 W6: uncontrolled blood pressure with an SNRI or bupropion (services/blood_pressure.py,
order_checks/blood_pressure.py, rules/running_blood_pressure.py; fhir_mapping/blood_pressure.py).

Before, no blood pressure was read: venlafaxine XR 225 mg/day running with 162/102 and 166/104
got switch and augment proposals and no word on the pressure; levomilnacipran drafted with
164/100 got no card. Readings are US Core Blood Pressure panels (85354-9 with 8480-6 and 8462-4
components, tests/fixtures/builders.py blood_pressure), as Epic and Oracle Health send them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.blood_pressure import read_blood_pressures
from fhir_mapping.build import build_record
from fhir_mapping.record import DataDomain, PatientRecord
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as fb

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "p-w6"
ORDER = "order-blood-pressure"
RUNNING = "running-drug-blood-pressure"
Resource = dict[str, Any]

LEVOMILNACIPRAN_80 = ("1433239", "24 HR levomilnacipran 80 MG Extended Release Oral Capsule")
VENLAFAXINE_XR_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")


def bp(systolic: int, diastolic: int, day: date, rid: str) -> Resource:
    reading = fb.blood_pressure(systolic, diastolic, day, patient=P)
    reading["id"] = rid
    return reading


def drafted(drug: tuple[str, str]) -> Resource:
    return fb.medication_request(
        *drug,
        AS_OF,
        dose_value=1,
        frequency=1,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-1",
    )


def venlafaxine_225() -> Resource:
    return fb.medication_request(
        *VENLAFAXINE_XR_75,
        date(2025, 1, 6),
        dose_value=3,
        frequency=1,
        status="active",
        expected_supply_days=30,
        repeats=11,
        patient=P,
        id="mr-ven",
    )


def chart(*extra: Resource, drafts: tuple[Resource, ...] = ()) -> PatientRecord:
    resources: list[Resource] = [
        fb.patient(id=P, given="Sam", family="Reyes", gender="male", birth_date=date(1972, 5, 1)),
        fb.condition(
            fb.ICD10CM,
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            date(2024, 1, 10),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        *fb.phq9(date(2025, 5, 19), 17, item9=0, patient=P),
        *extra,
    ]
    for resource in [*resources, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def at_order(record: PatientRecord, policy: Policy | None = None) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, policy or Policy(), hook="order-select")}


def on_open(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


HIGH = (bp(162, 102, date(2025, 4, 22), "bp-1"), bp(166, 104, date(2025, 5, 20), "bp-2"))


def test_a_us_core_panel_is_read_as_one_reading() -> None:
    readings, gaps = read_blood_pressures(list(HIGH), as_of=AS_OF)
    assert [(r.systolic, r.diastolic, r.date) for r in readings] == [
        (162, 102, date(2025, 4, 22)),
        (166, 104, date(2025, 5, 20)),
    ]
    assert not gaps


def test_separate_systolic_and_diastolic_observations_are_paired() -> None:
    sys_ = fb.vital("8480-6", 170, "mm[Hg]", date(2025, 5, 20), patient=P)
    dia = fb.vital("8462-4", 96, "mm[Hg]", date(2025, 5, 20), patient=P)
    (reading,), _ = read_blood_pressures([sys_, dia], as_of=AS_OF)
    assert (reading.systolic, reading.diastolic) == (170, 96)


def test_levomilnacipran_drafted_with_two_high_readings_is_a_warning() -> None:
    """Chart g5."""
    card = at_order(chart(*HIGH, drafts=(drafted(LEVOMILNACIPRAN_80),)))[ORDER]
    assert card.indicator is Indicator.WARNING
    assert "166/104 mm Hg on 2025-05-20" in card.summary
    assert "162/102 mm Hg on 2025-04-22" in card.detail
    assert "Observation/bp-2" not in card.detail  # a reading by its day (session 21)
    assert "160/100" in card.detail and "140/90" in card.detail
    assert "Fetzima" in card.source.label


def test_one_high_reading_then_a_normal_one_gives_no_card() -> None:
    readings = (bp(170, 104, date(2025, 4, 22), "bp-1"), bp(138, 86, date(2025, 5, 20), "bp-2"))
    assert ORDER not in at_order(chart(*readings, drafts=(drafted(LEVOMILNACIPRAN_80),)))


def test_stage_2_below_the_policy_line_gives_no_card_unless_the_clinic_lowers_it() -> None:
    readings = (bp(150, 94, date(2025, 4, 22), "bp-1"), bp(148, 92, date(2025, 5, 20), "bp-2"))
    record = chart(*readings, drafts=(drafted(LEVOMILNACIPRAN_80),))
    assert ORDER not in at_order(record)
    lowered = Policy(bp_uncontrolled_systolic=140, bp_uncontrolled_diastolic=90)
    assert ORDER in at_order(record, lowered)


def test_old_readings_give_no_card() -> None:
    readings = (bp(170, 104, date(2023, 4, 22), "bp-1"), bp(168, 102, date(2023, 5, 20), "bp-2"))
    assert ORDER not in at_order(chart(*readings, drafts=(drafted(LEVOMILNACIPRAN_80),)))


def test_an_ssri_with_high_readings_gives_no_card() -> None:
    assert ORDER not in at_order(chart(*HIGH, drafts=(drafted(SERTRALINE_50),)))


def test_venlafaxine_running_with_two_high_readings_gets_one_chart_open_card() -> None:
    """Chart g4."""
    card = on_open(chart(venlafaxine_225(), *HIGH))[RUNNING]
    assert card.indicator is Indicator.WARNING
    assert "venlafaxine" in card.summary and "166/104" in card.summary
    assert "225 mg/day" in card.detail
    assert "dose reduction" in card.detail or "lower dose" in card.detail
    assert "Effexor XR label 5.3" in card.detail


def test_no_vitals_key_is_named_only_on_the_blood_pressure_cards() -> None:
    """A missing `vitals` key is a gap of its own domain: no other card lists it (audit 13
    found the liverTests gap on unrelated cards), and without readings no card is raised."""
    gone = {"Observation:vitals": "prefetch key 'vitals' was not sent"}
    resources = [
        fb.patient(id=P, given="Sam", family="Reyes", gender="male", birth_date=date(1972, 5, 1)),
        venlafaxine_225(),
    ]
    record = build_record(resources, as_of=AS_OF, patient_id=P, unavailable=gone)
    assert record.unavailable(DataDomain.VITALS)
    for card in patient_view(record, Policy()):
        assert "vital signs" not in card.detail and "blood pressure reading" not in card.detail
