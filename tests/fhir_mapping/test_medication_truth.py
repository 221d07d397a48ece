"""Issue 10 items 7 and 2: medication history read as the EHR means it.

- An explicit end ends the course; refills authorised are not supply taken; dispenses, when they
  exist, carry the covered time (episodes.py).
- Epic administration-time codes ("0900"), `timing.repeat.count` (a total, not a rate), UCUM
  annotations ({pill}, {Capsule}), a dose placed directly on Dosage, Epic's three doseAndRate
  entries (dose.py).
- Documented adherence (US Core medication-adherence extension) feeds adherence (adherence.py).
- A recognised drug with no date is reported as a DataGap, not dropped.
"""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.dose import daily_dose_mg, frequency_per_day
from fhir_mapping.medications import draft_orders, medication_events
from fhir_mapping.record import (
    AdherenceStatus,
    DataDomain,
    InadequacyReason,
    PatientRecord,
    SourceRef,
    Verdict,
)
from services.evaluation import HookInput, evaluate
from services.policy import Policy
from tests.fhir_mapping import fhir_resources as fr
from tests.fhir_mapping.vendor_medications import (
    SERTRALINE_100,
    VENLAFAXINE_150,
    adherence_extension,
    dispense,
    epic_medication,
    epic_order,
    monthly_dispenses,
)

Resource = dict[str, Any]

START = date(2024, 1, 8)
END = START + timedelta(weeks=12)  # 2024-04-01
AS_OF = date(2024, 6, 3)


def sertraline() -> Resource:
    return epic_medication("sertraline100", SERTRALINE_100[0], SERTRALINE_100[1])


def record_of(*resources: Resource, as_of: date = AS_OF) -> PatientRecord:
    return build_record([fr.patient(), *resources], as_of=as_of, patient_id=fr.PATIENT)


# --- explicit end, refills, dispenses ---------------------------------------------------------------


def test_completed_order_with_an_end_and_unused_refills_is_the_dispensed_course() -> None:
    # 12 weeks ordered with 5 refills (6 x 28 days authorised); the course ended on its stated
    # end date after three fills. It used to be stretched to 24 weeks: PDC 50 %, "poor adherence".
    med = sertraline()
    order = epic_order("mr-sert", med, START, status="completed", bounds_end=END, repeats=5)
    fills = monthly_dispenses("md-sert", SERTRALINE_100, START, 3)
    (trial,) = record_of(med, order, *fills).trials
    assert (trial.start, trial.end, trial.ongoing) == (START, END, False)
    assert trial.weeks_at_adequate_dose == 12.0
    assert (trial.adherence.status, trial.adherence.pdc) == (AdherenceStatus.VERIFIED, 1.0)
    assert trial.verdict is Verdict.ADEQUATE


def test_the_same_order_with_one_fill_is_poor_adherence_over_the_stated_course() -> None:
    # The stated end is the course: one 28-day fill of a 12-week course is a third of it.
    med = sertraline()
    order = epic_order("mr-sert", med, START, status="completed", bounds_end=END, repeats=5)
    (trial,) = record_of(med, order, dispense("md-1", SERTRALINE_100, START)).trials
    assert trial.end == END
    assert trial.adherence.status is AdherenceStatus.POOR
    assert trial.adherence.pdc == pytest.approx(28 / 84, abs=0.001)
    assert InadequacyReason.POOR_ADHERENCE in trial.reasons


def test_explicit_end_without_dispenses_ends_the_course_at_that_date() -> None:
    med = sertraline()
    order = epic_order("mr-sert", med, START, status="completed", bounds_end=END, repeats=5)
    (trial,) = record_of(med, order).trials
    assert (trial.end, trial.weeks_at_adequate_dose) == (END, 12.0)
    assert trial.adherence.status is AdherenceStatus.UNVERIFIED


def test_an_active_order_whose_stated_end_has_passed_has_ended() -> None:
    med = sertraline()
    order = epic_order("mr-sert", med, START, status="active", bounds_end=END)
    (trial,) = record_of(med, order).trials
    assert (trial.end, trial.ongoing) == (END, False)


def test_unused_refills_without_an_end_or_dispenses_count_one_fill() -> None:
    # The safer reading: a completed order with 5 refills and nothing after it shows one fill.
    med = sertraline()
    order = epic_order("mr-sert", med, START, status="completed", repeats=5)
    (trial,) = record_of(med, order).trials
    assert (trial.end, trial.weeks_at_adequate_dose) == (START + timedelta(days=28), 4.0)
    assert trial.verdict is Verdict.INADEQUATE
    assert InadequacyReason.TOO_SHORT in trial.reasons
    assert any("5 refill(s) authorised but not shown as taken" in n for n in trial.notes)


def test_refills_bridge_to_the_next_order_of_the_same_drug() -> None:
    # 28 days + 2 refills authorised; the renewal 80 days later shows the course went on.
    med = sertraline()
    first = epic_order("mr-1", med, START, status="completed", repeats=2)
    renewal = epic_order(
        "mr-2",
        med,
        START + timedelta(days=80),
        status="completed",
        bounds_end=START + timedelta(days=140),
    )
    (trial,) = record_of(med, first, renewal).trials
    assert trial.weeks_at_adequate_dose == 20.0
    assert [(s.start, s.end) for s in trial.segments] == [(START, START + timedelta(days=140))]


def test_dispenses_carry_the_covered_time_not_the_refills_authorised() -> None:
    med = sertraline()
    order = epic_order("mr-sert", med, START, status="completed", repeats=5)
    fills = monthly_dispenses("md-sert", SERTRALINE_100, START, 2)
    (trial,) = record_of(med, order, *fills).trials
    assert (trial.end, trial.weeks_at_adequate_dose) == (START + timedelta(days=56), 8.0)
    assert (trial.adherence.status, trial.adherence.pdc) == (AdherenceStatus.VERIFIED, 1.0)


def test_a_statement_stopped_at_five_weeks_ends_a_90_day_fill() -> None:
    statement = fr.medication_statement(
        "ms-sert",
        SERTRALINE_100[0],
        "sertraline 100 MG Oral Tablet",
        START,
        status="stopped",
        end=START + timedelta(weeks=5),
        dose_mg=100,
    )
    fill = dispense("md-90", SERTRALINE_100, START, days=90)
    fr.assert_valid([statement, fill])
    (trial,) = record_of(statement, fill).trials
    assert (trial.end, trial.weeks_at_adequate_dose) == (START + timedelta(weeks=5), 5.0)
    assert trial.verdict is Verdict.INADEQUATE


# --- dose: Epic timing codes, count, UCUM annotations, STU3 dose, three dose entries -----------------


def _line(timing: dict[str, Any], dose: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "timing": timing,
        "doseAndRate": [
            {
                "doseQuantity": dose
                or {"value": 1, "unit": "tablet", "system": fr.UCUM, "code": "{tbl}"}
            }
        ],
    }


@pytest.mark.parametrize(
    ("timing", "per_day"),
    [
        ({"code": {"text": "0900"}}, 1.0),
        ({"code": {"text": "0900, 2100"}}, 2.0),
        ({"code": {"text": "09:00 and 21:00"}}, 2.0),
        (
            {
                "code": {
                    "coding": [
                        {"system": "urn:oid:1.2.840.114350.1.13.0.1.7.4.798268.8", "code": "0900"}
                    ]
                }
            },
            1.0,
        ),
        # Epic sandbox: count 365 is the number of doses of the course, not a rate.
        (
            {
                "repeat": {"boundsPeriod": {"start": "2019-05-28"}, "count": 365},
                "code": {"text": "0900"},
            },
            1.0,
        ),
        ({"repeat": {"count": 365, "timeOfDay": ["09:00:00"]}, "code": {"text": "0900"}}, 1.0),
        ({"code": {"text": "2019"}}, 1.0),  # a 24-hour time too: 20:19
        ({"code": {"text": "Take 0900"}}, None),  # not only times: not read as times
        ({"repeat": {"count": 30}}, None),  # a total alone says nothing about the rate
    ],
)
def test_epic_administration_times_and_count(timing: dict[str, Any], per_day: float | None) -> None:
    assert frequency_per_day(timing) == per_day


def test_administration_time_gives_the_dose_of_an_under_dosed_trial() -> None:
    # Epic "0900" only, 1 x 25 mg tablet: 25 mg/day, below sertraline's 50 mg minimum.
    line = _line({"code": {"text": "0900"}})
    assert daily_dose_mg([line], strength_mg=25) == 25.0


@pytest.mark.parametrize("code", ["{pill}", "{Capsule}", "{tbl}", "{tablet}", "{TAB}"])
def test_ucum_annotations_are_counts_of_one_unit(code: str) -> None:
    line = _line(
        {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
        {"value": 2, "system": fr.UCUM, "code": code},
    )
    assert daily_dose_mg([line], strength_mg=50) == 100.0


def test_cds_hooks_sandbox_draft_with_pill_unit_has_a_dose() -> None:
    # The shape of the sandbox-style order-sign drafts in ../shared/cds-hooks (NeXEHRS PDDI
    # request): doseQuantity {value: 1, system: UCUM, code: "{pill}"}, no unit text.
    draft = {
        "resourceType": "MedicationRequest",
        "id": "draft-sert",
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [
                {"system": fr.RXNORM, "code": "312938", "display": "sertraline 100 MG Oral Tablet"}
            ],
            "text": "sertraline 100 MG Oral Tablet",
        },
        "subject": {"reference": f"Patient/{fr.PATIENT}"},
        "dosageInstruction": [
            {
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [
                    {"doseQuantity": {"value": 1, "system": fr.UCUM, "code": "{pill}"}}
                ],
            }
        ],
    }
    fr.assert_valid([draft])
    (order,) = draft_orders([draft])
    assert (order.ingredient, order.mg_per_day) == ("sertraline", 100.0)


def test_epic_documented_example_dose_on_dosage_and_category_object() -> None:
    # Epic's documented CDS Hooks example: `category` a single object and doseQuantity directly on
    # Dosage (STU3 style). Non-conformant R4, read anyway: 2 x 50 mg twice a day = 200 mg/day.
    order = {
        "resourceType": "MedicationRequest",
        "id": "epic-doc-example",
        "status": "active",
        "intent": "order",
        "category": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/medicationrequest-category",
                    "code": "outpatient",
                }
            ]
        },
        "medicationCodeableConcept": {
            "coding": [
                {"system": fr.RXNORM, "code": "312941", "display": "sertraline 50 MG Oral Tablet"}
            ],
            "text": "sertraline 50 MG Oral Tablet",
        },
        "subject": {"reference": f"Patient/{fr.PATIENT}"},
        "authoredOn": "2024-01-08",
        "dosageInstruction": [
            {
                "timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
                "doseQuantity": {"value": 2, "unit": "tablet", "system": fr.UCUM, "code": "{tbl}"},
            }
        ],
    }
    events, gaps = medication_events([order], as_of=AS_OF)
    assert gaps == []
    assert [(e.ingredient, e.mg_per_day) for e in events] == [("sertraline", 200.0)]


def test_epic_three_dose_entries_prefer_ordered() -> None:
    # calculated / admin-amount / ordered that disagree (vendor README trap 3): ordered wins, found
    # by its Epic code or, failing a coding, by the type's text.
    entries = [
        {
            "type": {
                "coding": [
                    {"system": "http://epic.com/CodeSystem/dose-rate-type", "code": "calculated"}
                ]
            },
            "doseQuantity": {"value": 75, "unit": "mg", "system": fr.UCUM, "code": "mg"},
        },
        {
            "type": {
                "coding": [
                    {"system": "http://epic.com/CodeSystem/dose-rate-type", "code": "admin-amount"}
                ]
            },
            "doseQuantity": {"value": 1, "unit": "tablet", "system": fr.UCUM, "code": "{tbl}"},
        },
        {
            "type": {
                "coding": [
                    {"system": "http://epic.com/CodeSystem/dose-rate-type", "code": "ordered"}
                ]
            },
            "doseQuantity": {"value": 100, "unit": "mg", "system": fr.UCUM, "code": "mg"},
        },
    ]
    timing = {"repeat": {"timeOfDay": ["09:00:00"]}, "code": {"text": "0900"}}
    assert daily_dose_mg([{"timing": timing, "doseAndRate": entries}], strength_mg=100) == 100.0
    by_text = copy.deepcopy(entries)
    by_text[2]["type"] = {"text": "ordered"}
    assert daily_dose_mg([{"timing": timing, "doseAndRate": by_text}], strength_mg=100) == 100.0


def test_the_epic_sandbox_order_itself_reads_one_tablet_a_day(shared_dir: Path) -> None:
    # The real sandbox order, its drug swapped for sertraline 100 mg (the shape kept byte for byte
    # otherwise): 1 tablet at 0900 = 100 mg/day, one 28-day fill, 12 refills kept apart.
    folder = shared_dir / "fhir" / "vendor" / "medplum__epic-sandbox-testdata"
    order = json.loads((folder / "epic_MedicationRequest.json").read_text("utf-8"))
    medication = json.loads((folder / "epic_Medication.json").read_text("utf-8"))
    medication["code"] = {
        "coding": [{"system": fr.RXNORM, "code": "312938"}],
        "text": "sertraline 100 MG tablet",
    }
    order["subject"] = {"reference": f"Patient/{fr.PATIENT}"}
    events, gaps = medication_events([order, medication], as_of=AS_OF)
    assert gaps == []
    (event,) = events
    assert (event.mg_per_day, event.start, event.end, event.days_supply, event.refills) == (
        100.0,
        date(2019, 5, 28),
        None,
        28.0,
        12,
    )
    # Only the administration time left (no timeOfDay): still once a day.
    del order["dosageInstruction"][0]["timing"]["repeat"]["timeOfDay"]
    (event,) = medication_events([order, medication], as_of=AS_OF)[0]
    assert event.mg_per_day == 100.0


# --- documented adherence (US Core medication-adherence extension) ----------------------------------


def test_documented_partial_non_compliance_makes_an_adequate_trial_poor() -> None:
    med = sertraline()
    order = epic_order(
        "mr-sert",
        med,
        START,
        status="completed",
        bounds_end=END,
        extension=[
            adherence_extension(
                "275928001", "Drugs - partial non-compliance (finding)", START + timedelta(weeks=6)
            )
        ],
    )
    fills = monthly_dispenses("md-sert", SERTRALINE_100, START, 3)
    (trial,) = record_of(med, order, *fills).trials
    assert trial.adherence.status is AdherenceStatus.POOR
    assert trial.adherence.pdc == 1.0  # the refill data alone looked fine
    assert trial.adherence.documented == (
        "reported by patient (2024-02-19): Drugs - partial non-compliance (finding) "
        "(MedicationRequest/mr-sert)"
    )
    assert (trial.verdict, trial.reasons) == (
        Verdict.INADEQUATE,
        (InadequacyReason.POOR_ADHERENCE,),
    )


def test_documented_compliance_verifies_only_where_no_refill_data_exist() -> None:
    med = sertraline()
    complies = [
        adherence_extension(
            "1156699004", "Complies with drug therapy (finding)", START + timedelta(weeks=8)
        )
    ]
    order = epic_order(
        "mr-sert", med, START, status="completed", bounds_end=END, extension=complies
    )
    (alone,) = record_of(med, order).trials
    assert alone.adherence.status is AdherenceStatus.VERIFIED
    assert (
        alone.adherence.documented is not None
        and "Complies with drug therapy" in alone.adherence.documented
    )
    # One fill of a 12-week course: the refill data contradict the report and win.
    (with_fill,) = record_of(med, order, dispense("md-1", SERTRALINE_100, START)).trials
    assert with_fill.adherence.status is AdherenceStatus.POOR


# --- nothing vanishes ---------------------------------------------------------------------------------


def test_a_recognised_drug_with_no_date_is_reported_not_dropped() -> None:
    med = sertraline()
    order = epic_order("mr-undated", med, START)
    del order["authoredOn"]
    del order["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"]
    del order["dispenseRequest"]["validityPeriod"]
    record = record_of(med, order)
    assert record.trials == ()
    (gap,) = record.gaps_in(DataDomain.MEDICATIONS)
    assert gap.source == SourceRef("MedicationRequest", "mr-undated")
    assert "no usable date" in gap.reason


# --- end to end through services.evaluation.evaluate --------------------------------------------------


def _mdd() -> Resource:
    return fr.condition(
        "mdd",
        fr.ICD10CM,
        "F33.2",
        "Major depressive disorder, recurrent severe without psychotic features",
        date(2023, 11, 6),
    )


def _evaluate(
    resources: list[Resource], as_of: date = AS_OF
) -> tuple[PatientRecord, dict[str, Any]]:
    result = evaluate(
        HookInput(
            service_id="trd-patient-view",
            hook="patient-view",
            hook_instance="d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
            patient_id=fr.PATIENT,
            resources=[fr.patient(), *resources],
            as_of=as_of,
        ),
        Policy(),
    )
    return result.record, {r.topic: r for r in result.recommendations}


def test_end_to_end_fully_dispensed_course_with_unused_refills_is_adequate_without_adherence_card() -> (
    None
):
    med = sertraline()
    chart = [
        _mdd(),
        fr.phq9_total("phq-1", START, 18),
        med,
        epic_order("mr-sert", med, START, status="completed", bounds_end=END, repeats=5),
        *monthly_dispenses("md-sert", SERTRALINE_100, START, 3),
        fr.phq9_total("phq-2", START + timedelta(weeks=10), 17),
        fr.phq9_total("phq-3", date(2024, 5, 20), 18),
    ]
    record, cards = _evaluate(chart)
    (trial,) = record.trials
    assert trial.verdict is Verdict.ADEQUATE
    assert trial.adherence.pdc is not None and trial.adherence.pdc >= 0.8
    assert "adherence-review" not in cards
    # The check can fail: the same course with one fill of three raises the adherence card.
    one_fill = [r for r in chart if r.get("id") not in ("md-sert-1", "md-sert-2")]
    _, poor_cards = _evaluate(one_fill)
    assert "adherence-review" in poor_cards
    assert "PDC 33 %" in poor_cards["adherence-review"].summary


def _two_trials(venlafaxine_extension: list[dict[str, Any]] | None = None) -> list[Resource]:
    sert, venla = sertraline(), epic_medication("venlafaxine150", *VENLAFAXINE_150)
    v_start = END
    v_end = v_start + timedelta(weeks=12)
    extra: dict[str, Any] = {"extension": venlafaxine_extension} if venlafaxine_extension else {}
    return [
        _mdd(),
        fr.phq9_total("phq-1", START, 19),
        sert,
        epic_order("mr-sert", sert, START, status="completed", bounds_end=END),
        *monthly_dispenses("md-sert", SERTRALINE_100, START, 3),
        fr.phq9_total("phq-2", END - timedelta(days=1), 18),
        venla,
        epic_order("mr-venla", venla, v_start, status="completed", bounds_end=v_end, **extra),
        *monthly_dispenses("md-venla", VENLAFAXINE_150, v_start, 3),
        fr.phq9_total("phq-3", v_end - timedelta(days=1), 18),
    ]


def test_end_to_end_documented_non_compliance_gives_no_tms_card() -> None:
    as_of = END + timedelta(weeks=14)
    record, cards = _evaluate(_two_trials(), as_of)
    assert [t.verdict for t in record.trials] == [Verdict.ADEQUATE, Verdict.ADEQUATE]
    assert "tms-referral" in cards  # two adequate failed trials, PHQ-9 18: the control
    partial = [
        adherence_extension(
            "275928001", "Drugs - partial non-compliance (finding)", END + timedelta(weeks=8)
        )
    ]
    record, cards = _evaluate(_two_trials(partial), as_of)
    sertraline_trial, venlafaxine_trial = record.trials
    assert sertraline_trial.verdict is Verdict.ADEQUATE
    assert venlafaxine_trial.adherence.status is AdherenceStatus.POOR
    assert venlafaxine_trial.verdict is Verdict.INADEQUATE
    assert "tms-referral" not in cards
    assert "venlafaxine non-adherence documented" in cards["adherence-review"].summary
