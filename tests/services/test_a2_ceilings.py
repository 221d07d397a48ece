"""A running dose "to confirm" meets the ceilings; the lithium order check
reads the chart card's lines.

1. A running antidepressant whose dosage lines carry no sequence and read as neither steps nor
   one day's doses (fhir_mapping/dose_steps.unsequenced_shape) had no mg/day on its course, so
   the age, renal and hepatic ceilings were not compared on chart open, while the order hooks
   check a draft at its highest reading. The course now keeps that reading
   (Trial.dose_to_confirm_mg) and the running-drug cards compare it, saying "up to N mg/day (dose
   to confirm)", never that the patient takes N (services/rules/running_dose.py).
2. The lithium order check warned at any recent level above the 0.5-0.8 mmol/L target; the
   chart-open lithium-level card waits for 1.0 mmol/L (0.8 from 65) and is critical from 1.5.
   Both now read services/rules/lithium_level.level_lines: 0.9 at 40 is information at the
   order, 0.9 at 70 a warning, 1.6 critical, as on chart open.

Charts are Epic / US Core shaped (tests/fixtures/builders.py: RxNorm MedicationRequests, Epic's
unsequenced dosageInstruction lines with their sig text, LOINC lab Observations in UCUM units),
each resource validated with fhir.resources R4B, mapped by build_record with the real tables.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.codes import observation_codes
from fhir_mapping.record import PatientRecord
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "p-a2-ceilings"
Resource = dict[str, Any]
AGE_CARD = "dose-above-age-limit"
RENAL_CARD = "running-drug-renal"
LITHIUM_CARD = "running-lithium-level"
LITHIUM_ORDER = "order-lithium-level"

CITALOPRAM_10 = ("283672", "citalopram 10 MG Oral Tablet")
CITALOPRAM_20 = ("200371", "citalopram 20 MG Oral Tablet")
DESVENLAFAXINE_50 = ("790288", "24 HR desvenlafaxine 50 MG Extended Release Oral Tablet")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
LITHIUM_300 = ("197889", "lithium carbonate 300 MG Oral Capsule")
SEVENTY = date(1955, 1, 10)  # 70 on AS_OF
FORTY = date(1985, 1, 10)  # 40 on AS_OF
DISPLAY = {row.code: row.display for row in observation_codes()}


def _patient(born: date) -> Resource:
    return b.patient(id=P, given="Test", family="Ceilings", gender="female", birth_date=born)


def _mdd() -> Resource:
    return b.condition(
        b.ICD10CM,
        "F33.1",
        "Major depressive disorder, recurrent, moderate",
        date(2024, 10, 1),
        category="problem-list-item",
        patient=P,
        id="mdd",
    )


def _order(
    drug: tuple[str, str],
    start: date,
    rid: str,
    lines: list[Resource] | None = None,
    *,
    per_day: int = 1,
    status: str = "active",
) -> Resource:
    """A community order with 5 refills of 30 days (running on AS_OF); `lines`: Epic's
    dosageInstruction as sent, in place of the builder's one line."""
    order = b.medication_request(
        *drug,
        start,
        dose_value=1,
        frequency=per_day,
        status=status,
        expected_supply_days=30,
        repeats=5,
        patient=P,
        id=rid,
    )
    if lines is not None:
        order["dosageInstruction"] = lines
    return order


def _line(tablets: float, text: str, per_day: int = 1) -> Resource:
    """One of Epic's dosage lines with no `sequence`, its sig text beside the structured dose."""
    return b.dosage(tablets, "tablet", per_day, 1, "d", text=text, sequence=None)


def _record(born: date, *resources: Resource, drafts: tuple[Resource, ...] = ()) -> PatientRecord:
    chart = [_patient(born), _mdd(), *resources]
    assert_valid([*chart, *drafts])
    return build_record(chart, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def _chart_cards(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


# --- 1. a running dose to confirm meets the ceilings ---------------------------------------------

# A titration written in words with no durations (recheck 13-2 m27): to confirm, its ceiling at
# the highest line (40 mg), never the lines' sum.
THEN_LINES = [
    _line(1, "Take 1 tablet (20 mg) by mouth daily"),
    _line(2, "Then take 2 tablets (40 mg) by mouth daily"),
]
# Different schedules on one order ("daily" + "twice daily"): to confirm at their sum (60 mg).
SCHEDULE_LINES = [
    _line(1, "Take 1 tablet (20 mg) by mouth daily"),
    _line(1, "Take 1 tablet (20 mg) by mouth twice daily", per_day=2),
]


@pytest.mark.parametrize(("lines", "upper"), [(THEN_LINES, "40"), (SCHEDULE_LINES, "60")])
def test_citalopram_to_confirm_at_70_meets_the_age_ceiling_in_to_confirm_words(
    lines: list[Resource], upper: str
) -> None:
    # Before: the course's dose was unknown (no mg/day), and no age-limit card was shown.
    record = _record(SEVENTY, _order(CITALOPRAM_20, date(2025, 3, 3), "mr-cit", lines))
    (trial,) = record.trials
    assert trial.current_mg_per_day is None  # no dose proven: adequacy unchanged
    assert trial.dose_to_confirm_mg == float(upper)
    card = _chart_cards(record)[AGE_CARD]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        f"Citalopram up to {upper} mg/day (dose to confirm) at age 70: may be above the "
        "labelled 20 mg/day maximum from age 60"
    )
    assert f"citalopram {upper} mg/day" not in (card.summary + card.detail).lower()
    assert "not a dose the record shows taken" in card.detail
    assert [s.label for s in card.suggestions] == ["Confirm citalopram at 20 mg/day"]


def test_the_qtc_order_card_names_the_age_card_of_a_running_dose_to_confirm() -> None:
    # The QTc card at a citalopram order names the chart's age-limit card (order_checks/labs.py
    # `_age_line`); before, it read the course's unknown dose and named nothing.
    qtc = b.lab("8636-3", 470, "ms", date(2025, 5, 20), "H", patient=P, display=DISPLAY["8636-3"])
    draft = b.medication_request(
        *CITALOPRAM_10, AS_OF, status="draft", expected_supply_days=30, patient=P, id="draft-c"
    )
    record = _record(
        SEVENTY,
        _order(CITALOPRAM_20, date(2025, 3, 3), "mr-cit", THEN_LINES),
        qtc,
        drafts=(draft,),
    )
    card = {r.topic: r for r in order_hook(record, Policy(), hook="order-select")}["order-qtc"]
    assert (
        "**Age-limit card:** at 70, the running dose, up to 40 mg/day (dose to confirm), may be "
        "above the labelled 20 mg/day maximum from age 60."
    ) in card.detail


def test_clear_20_mg_at_70_gets_no_age_card() -> None:
    record = _record(SEVENTY, _order(CITALOPRAM_20, date(2025, 3, 3), "mr-cit"))
    assert record.trials[0].dose_to_confirm_mg is None
    assert AGE_CARD not in _chart_cards(record)


def test_a_dose_to_confirm_whose_highest_reading_is_within_the_ceiling_gets_no_card() -> None:
    lines = [
        _line(1, "Take 1 tablet (10 mg) by mouth daily"),
        _line(2, "Then take 2 tablets (20 mg) by mouth daily"),
    ]
    record = _record(SEVENTY, _order(CITALOPRAM_10, date(2025, 3, 3), "mr-cit", lines))
    assert record.trials[0].dose_to_confirm_mg == 20.0
    assert AGE_CARD not in _chart_cards(record)


def test_a_later_clear_order_supersedes_the_dose_to_confirm() -> None:
    # The unclear order of March, then a clear 20 mg/day order in May: the course's latest dose
    # is 20 mg/day, and nothing is left to confirm.
    record = _record(
        SEVENTY,
        _order(CITALOPRAM_20, date(2025, 3, 3), "mr-old", THEN_LINES, status="completed"),
        _order(CITALOPRAM_20, date(2025, 5, 5), "mr-new"),
    )
    (trial,) = record.trials
    assert trial.dose_to_confirm_mg is None
    assert trial.current_mg_per_day == 20.0
    assert AGE_CARD not in _chart_cards(record)


def _egfr(value: float) -> Resource:
    lab = b.lab(
        "62238-1",
        value,
        "mL/min/{1.73_m2}",
        date(2025, 5, 20),
        patient=P,
        display=DISPLAY["62238-1"],
    )
    lab["id"] = "egfr"
    return lab


def test_desvenlafaxine_to_confirm_at_egfr_22_is_said_as_up_to_not_as_not_read() -> None:
    # Pristiq below 30 mL/min: 25 mg/day at most (data/renal_doses.csv). Before: "desvenlafaxine
    # (dose not read)"; now its highest reading, in to-confirm words.
    lines = [
        _line(1, "Take 1 tablet (50 mg) by mouth daily"),
        _line(2, "Then take 2 tablets (100 mg) by mouth daily"),
    ]
    record = _record(
        FORTY, _order(DESVENLAFAXINE_50, date(2025, 3, 3), "mr-desv", lines), _egfr(22)
    )
    card = _chart_cards(record)[RENAL_CARD]
    assert card.summary.startswith("Desvenlafaxine up to 100 mg/day (dose to confirm) running")
    assert "may be above the labelled 25 mg/day" in card.summary
    assert "dose not read" not in card.summary
    assert "Confirm the dose: its dosage lines read up to 100 mg/day (dose to confirm)" in (
        card.detail
    )


# --- 2. the lithium order check reads the chart card's lines -------------------------------------


def _lithium_level(value: float) -> Resource:
    flag = "H" if value > 0.8 else None
    return b.lab(
        "14334-7", value, "mmol/L", date(2025, 5, 20), flag, patient=P, display=DISPLAY["14334-7"]
    )


def _lithium_chart(born: date, level: float) -> PatientRecord:
    """Venlafaxine XR 150 mg running, lithium 900 mg/day added in January as augmentation, the
    level in May; a draft raising lithium to 1200 mg/day."""
    draft = b.medication_request(
        *LITHIUM_300,
        AS_OF,
        dose_value=1,
        frequency=4,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-li",
    )
    return _record(
        born,
        _order(VENLAFAXINE_150, date(2024, 12, 30), "mr-ven"),
        _order(LITHIUM_300, date(2025, 1, 6), "mr-li", per_day=3),
        _lithium_level(level),
        drafts=(draft,),
    )


def _at_order(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook="order-select")}


def test_lithium_09_at_40_raised_is_a_warning_at_the_order_and_no_chart_card() -> None:
    # The chart card says nothing at 0.9 under 65; the order raises 900 to 1200 mg/day on a
    # level above the target, a warning (review 14 W1; a start there is information:
    # tests/services/test_j1_audit.py).
    record = _lithium_chart(FORTY, 0.9)
    card = _at_order(record)[LITHIUM_ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Lithium raised to 1200 mg/day, last level 0.9 mmol/L on 2025-05-20 above the 0.5-0.8 "
        "mmol/L target: repeat the level before raising"
    )
    assert "It is within 1.0 mmol/L" in card.detail
    # No above-target card; this record has no sodium, creatinine or TSH, so the monitoring-due
    # info card of the topic speaks (lith49), never about the level's height.
    chart = _chart_cards(record).get(LITHIUM_CARD)
    assert chart is None or (chart.indicator is Indicator.INFO and "above" not in chart.summary)


def test_lithium_09_at_70_is_a_warning_at_the_order_as_on_chart_open() -> None:
    record = _lithium_chart(SEVENTY, 0.9)
    card = _at_order(record)[LITHIUM_ORDER]
    assert card.indicator is Indicator.WARNING
    assert "It is above 0.8 mmol/L" in card.detail
    assert _chart_cards(record)[LITHIUM_CARD].indicator is Indicator.WARNING


def test_lithium_16_is_critical_at_the_order_as_on_chart_open() -> None:
    record = _lithium_chart(FORTY, 1.6)
    card = _at_order(record)[LITHIUM_ORDER]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary == (
        "Lithium 1200 mg/day ordered with the last level 1.6 mmol/L on 2025-05-20 at or above "
        "1.5: toxicity risk"
    )
    assert _chart_cards(record)[LITHIUM_CARD].indicator is Indicator.CRITICAL
