"""Ranged doses carry both ends, and products whose mg are not the range's mg are read at their
reference dose (DOSE6 review).

- A `doseRange` or a ranged sig ("25-50 mg", "1-2 tablets", "1-2 times a day") is read at its
  LOWER end for adequacy (a patient prescribed 50-200 mg may have taken 50) and keeps its UPPER
  end for the "dose too high" checks; a trial on a range is adequate only at its lower end.
- Aplenzin (bupropion hydrobromide 174/348/522 mg) is bupropion hydrochloride 150/300/450 mg.
- Prozac Weekly 90 mg once a week is the labelled switch from 20 mg/day, not 12.86 mg/day.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.dose import daily_dose_bounds, daily_dose_mg, daily_units
from fhir_mapping.dose_basis import shown_dose
from fhir_mapping.episodes import build_trials
from fhir_mapping.events import MedicationEvent
from fhir_mapping.medications import draft_orders, medication_events
from fhir_mapping.record import InadequacyReason, Verdict
from tests.fixtures import builders as b

UCUM = "http://unitsofmeasure.org"
START = date(2024, 1, 2)
AS_OF = date(2024, 6, 3)
PID = "p-dose6"
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")


def _mg(value: float) -> dict[str, Any]:
    return {"value": value, "unit": "mg", "system": UCUM, "code": "mg"}


def _daily(**repeat: Any) -> dict[str, Any]:
    return {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d", **repeat}}


def _events(*resources: dict[str, Any]) -> list[MedicationEvent]:
    events, gaps = medication_events(list(resources), as_of=AS_OF)
    assert gaps == []
    return events


def _only(resource: dict[str, Any]) -> MedicationEvent:
    (event,) = _events(resource)
    return event


# --- dose.py: both ends ------------------------------------------------------------------------


def test_dose_range_lower_end_is_the_dose_and_the_upper_end_rides_along() -> None:
    line = {"timing": _daily(), "doseAndRate": [{"doseRange": {"low": _mg(50), "high": _mg(200)}}]}
    assert daily_dose_mg([line]) == 50
    assert daily_dose_bounds([line]) == (50, 200)


def test_dose_range_with_only_a_high_proves_no_dose() -> None:
    # "Up to 200 mg": no dose is proven (lower end unknown), but the checks of a dose that may be
    # too high still see 200.
    line = {"timing": _daily(), "doseAndRate": [{"doseRange": {"high": _mg(200)}}]}
    assert daily_dose_bounds([line]) == (None, 200)
    assert daily_dose_mg([line]) is None


def test_dose_range_with_only_a_low_is_that_dose() -> None:
    line = {"timing": _daily(), "doseAndRate": [{"doseRange": {"low": _mg(100)}}]}
    assert daily_dose_bounds([line]) == (100, None)


def test_a_plain_dose_has_no_upper_end() -> None:
    line = {"timing": _daily(), "doseAndRate": [{"doseQuantity": _mg(100)}]}
    assert daily_dose_bounds([line]) == (100, None)


@pytest.mark.parametrize(
    ("text", "strength", "bounds"),
    [
        ("25-50 mg daily", None, (25, 50)),
        ("25 to 50 mg daily", None, (25, 50)),
        ("1-2 tablets at bedtime", 50, (50, 100)),
        ("take 1 or 2 tabs at bedtime as needed for sleep", 50, (50, 100)),
        ("1 tab by mouth 1-2 times a day", 20, (20, 40)),
        ("1 tablet every 4-6 hours", 10, (40, 60)),
        ("100 mg daily", None, (100, None)),
        # A conditional increase is not a range: it is not taken yet.
        (
            "Take 50 mg daily. May increase to 100 mg daily after 2 weeks if tolerated",
            None,
            (50, None),
        ),
    ],
)
def test_ranged_sigs_carry_both_ends(
    text: str, strength: float | None, bounds: tuple[float | None, float | None]
) -> None:
    assert daily_dose_bounds([{"text": text}], strength_mg=strength) == bounds
    assert daily_dose_mg([{"text": text}], strength_mg=strength) == bounds[0]


def test_frequency_max_is_the_upper_end_only() -> None:
    # "1 to 3 times a day": adequacy reads once a day (frequencyMax ignored, as documented); the
    # upper end reads three times.
    line = {"timing": _daily(frequencyMax=3), "doseAndRate": [{"doseQuantity": _mg(50)}]}
    assert daily_dose_bounds([line]) == (50, 150)


def test_supply_is_counted_at_the_upper_end() -> None:
    # The fill lasts the shorter time: supply is never stretched into coverage it may not give.
    line = {"timing": _daily(), "doseAndRate": [{"doseRange": {"low": _mg(50), "high": _mg(100)}}]}
    assert daily_units([line], strength_mg=50) == 2


# --- events, trials, drafts ----------------------------------------------------------------------


def test_order_with_a_tablet_range_gives_both_ends_on_the_event() -> None:
    order = b.medication_request(*SERTRALINE_50, START, dose_range=(1, 4, "tablet"), patient=PID)
    event = _only(order)
    assert (event.mg_per_day, event.mg_per_day_high, event.mg_per_day_upper) == (50, 200, 200)


def test_a_ranged_course_is_adequate_only_at_its_lower_end() -> None:
    # 25-100 mg/day of sertraline for 12 weeks (minimum 50): at the upper end it would look like
    # an adequate trial counting toward TMS; at the lower end the record does not show one.
    order = b.medication_request(
        *SERTRALINE_50,
        START,
        dose_range=(0.5, 2, "tablet"),
        status="completed",
        bounds_end=date(2024, 3, 26),
        expected_supply_days=90,
        patient=PID,
    )
    (trial,) = build_trials(_events(order), as_of=AS_OF)
    assert [(s.mg_per_day, s.mg_per_day_high) for s in trial.segments] == [(25, 100)]
    assert trial.verdict is Verdict.INADEQUATE
    assert InadequacyReason.DOSE_BELOW_MINIMUM in trial.reasons
    assert trial.weeks_at_adequate_dose == 0
    assert (trial.current_mg_per_day, trial.current_mg_per_day_upper) == (25, 100)


def test_a_range_at_or_above_the_minimum_at_its_lower_end_is_adequate() -> None:
    order = b.medication_request(
        *SERTRALINE_50,
        START,
        dose_range=(1, 2, "tablet"),
        status="completed",
        bounds_end=date(2024, 3, 26),
        expected_supply_days=90,
        patient=PID,
    )
    (trial,) = build_trials(_events(order), as_of=AS_OF)
    assert trial.verdict is Verdict.ADEQUATE
    assert trial.segments[-1].mg_per_day == 50


def test_a_change_of_the_upper_end_alone_is_a_new_segment() -> None:
    first = b.medication_request(
        *SERTRALINE_50, START, dose_range=(1, 2, "tablet"), expected_supply_days=30, patient=PID
    )
    second = b.medication_request(
        *SERTRALINE_50,
        date(2024, 2, 1),
        dose_range=(1, 4, "tablet"),
        expected_supply_days=30,
        patient=PID,
    )
    (trial,) = build_trials(_events(first, second), as_of=date(2024, 3, 2))
    assert [(s.mg_per_day, s.mg_per_day_high) for s in trial.segments] == [(50, 100), (50, 200)]


def test_a_ranged_draft_carries_both_ends() -> None:
    draft = b.medication_request(*SERTRALINE_50, START, dose_range=(1, 5, "tablet"), patient=PID)
    (order,) = draft_orders([draft])
    assert (order.mg_per_day, order.mg_per_day_high, order.mg_per_day_upper) == (50, 250, 250)


# --- bupropion hydrobromide (Aplenzin) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("rxcui", "display", "hcl"),
    [
        ("993550", "24 HR bupropion hydrobromide 174 MG Extended Release Oral Tablet", 150),
        ("993567", "24 HR bupropion hydrobromide 348 MG Extended Release Oral Tablet", 300),
        ("993681", "24 HR bupropion hydrobromide 522 MG Extended Release Oral Tablet", 450),
    ],
)
def test_aplenzin_is_read_as_its_hydrochloride_equivalent(
    rxcui: str, display: str, hcl: float
) -> None:
    event = _only(b.medication_request(rxcui, display, START, patient=PID))
    assert (event.ingredient, event.mg_per_day, event.dose_equivalence) == (
        "bupropion",
        hcl,
        "bupropion-hbr",
    )


def test_aplenzin_by_code_alone_and_by_brand_text() -> None:
    coded = b.medication_request(
        "993681",
        "24 HR bupropion hydrobromide 522 MG Extended Release Oral Tablet",
        START,
        patient=PID,
    )
    coded["medicationCodeableConcept"] = {
        "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "993681"}]
    }
    assert _only(coded).mg_per_day == 450
    text = b.medication_request(
        None,
        "Aplenzin 348 mg tablet",
        START,
        None,
        frequency=None,
        text="1 tab po daily",
        patient=PID,
    )
    assert (_only(text).mg_per_day, _only(text).dose_equivalence) == (300, "bupropion-hbr")
    free = b.medication_request(
        None,
        "bupropion hydrobromide ER",
        START,
        None,
        frequency=None,
        text="522 mg daily",
        patient=PID,
    )
    assert _only(free).mg_per_day == 450


def test_bupropion_hydrochloride_is_read_as_written() -> None:
    xl = b.medication_request(
        "993557",
        "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet",
        START,
        patient=PID,
    )
    event = _only(xl)
    assert (event.mg_per_day, event.dose_equivalence) == (300, None)


def test_aplenzin_draft_is_judged_at_its_hydrochloride_equivalent() -> None:
    draft = b.medication_request(
        "993681",
        "24 HR bupropion hydrobromide 522 MG Extended Release Oral Tablet",
        START,
        patient=PID,
    )
    (order,) = draft_orders([draft])
    assert (order.mg_per_day, order.max_mg, order.dose_equivalence) == (450, 450, "bupropion-hbr")
    assert shown_dose(order.dose_equivalence, order.mg_per_day) == (
        "HBr 522 mg/day (= 450 mg bupropion HCl)"
    )


# --- weekly fluoxetine (Prozac Weekly) -----------------------------------------------------------


def _weekly(**kw: Any) -> dict[str, Any]:
    return b.medication_request(
        "313995",
        "fluoxetine 90 MG Delayed Release Oral Capsule",
        START,
        period=1,
        period_unit="wk",
        patient=PID,
        **kw,
    )


def test_prozac_weekly_is_its_labelled_daily_equivalent() -> None:
    event = _only(_weekly())
    assert (event.mg_per_day, event.dose_equivalence) == (20, "fluoxetine-weekly")
    assert shown_dose(event.dose_equivalence, event.mg_per_day) == "90 mg weekly (= 20 mg/day)"


def test_a_course_of_prozac_weekly_is_an_adequate_trial() -> None:
    order = _weekly(status="completed", bounds_end=date(2024, 3, 26), expected_supply_days=90)
    (trial,) = build_trials(_events(order), as_of=AS_OF)
    assert trial.verdict is Verdict.ADEQUATE
    assert trial.segments[-1].mg_per_day == 20
    assert trial.dose_equivalence == "fluoxetine-weekly"


def test_daily_fluoxetine_is_read_as_written() -> None:
    daily = b.medication_request("310385", "fluoxetine 20 MG Oral Capsule", START, patient=PID)
    event = _only(daily)
    assert (event.mg_per_day, event.dose_equivalence) == (20, None)
