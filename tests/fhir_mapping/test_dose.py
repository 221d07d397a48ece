"""Daily-dose arithmetic from FHIR Dosage elements."""

from __future__ import annotations

from typing import Any

import pytest

from fhir_mapping.dose import (
    daily_dose_bounds,
    daily_dose_mg,
    daily_units,
    duration_days,
    frequency_per_day,
    quantity_units,
    sig_frequency,
)
from tests.fhir_mapping.medication_resources import (
    GTS,
    ORDERED,
    SNOMED,
    UCUM,
    daily,
    dose_mg,
    dose_tablets,
    synthea_dose,
)


def quantity_line(
    quantity: dict[str, Any], timing: dict[str, Any] | None = None, **extra: Any
) -> dict[str, Any]:
    line: dict[str, Any] = {
        "timing": timing or daily(),
        "doseAndRate": [{"type": ORDERED, "doseQuantity": quantity}],
    }
    line.update(extra)
    return line


def sig(text: str, **extra: Any) -> dict[str, Any]:
    return {"text": text, **extra}


# --- structured doses ----------------------------------------------------------------------


def test_synthea_one_unit_daily_times_strength() -> None:
    assert daily_dose_mg([synthea_dose()], strength_mg=20) == 20
    assert daily_dose_mg([synthea_dose()], strength_mg=25) == 25


def test_mg_dose_twice_daily_ignores_strength() -> None:
    assert daily_dose_mg([dose_mg(100, daily(2))], strength_mg=50) == 200


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [
        ({"value": 0.1, "unit": "g", "system": UCUM, "code": "g"}, 100),
        ({"value": 25, "unit": "mcg", "system": UCUM, "code": "ug"}, 0.025),
        ({"value": 25, "unit": "microgram"}, 0.025),
        ({"value": 150, "unit": "MG"}, 150),
    ],
)
def test_mass_units_convert_to_mg(quantity: dict[str, Any], expected: float) -> None:
    assert daily_dose_mg([quantity_line(quantity)]) == expected


def test_tablets_times_strength() -> None:
    assert daily_dose_mg([dose_tablets(2)], strength_mg=50) == 100


def test_snomed_unit_of_presentation_tablets() -> None:
    quantity = {"value": 1.5, "unit": "Tablet", "system": SNOMED, "code": "732936001"}
    assert daily_dose_mg([quantity_line(quantity, daily(2))], strength_mg=50) == 150


def test_capsule_annotation() -> None:
    quantity = {"value": 1, "unit": "capsule", "system": UCUM, "code": "{capsule}"}
    assert daily_dose_mg([quantity_line(quantity)], strength_mg=60) == 60


def test_millilitres_times_strength_per_ml() -> None:
    quantity = {"value": 5, "unit": "mL", "system": UCUM, "code": "mL"}
    assert daily_dose_mg([quantity_line(quantity)], strength_mg=4, per_ml=True) == 20


def test_units_that_do_not_fit_the_product_are_unknown() -> None:
    millilitres = {"value": 5, "unit": "mL", "system": UCUM, "code": "mL"}
    assert daily_dose_mg([quantity_line(millilitres)], strength_mg=50) is None  # tablet product
    assert daily_dose_mg([dose_tablets(1)], strength_mg=4, per_ml=True) is None  # solution product
    assert daily_dose_mg([quantity_line({"value": 8, "unit": "mEq"})], strength_mg=300) is None


def test_dose_range_is_read_at_its_lower_end_with_the_upper_end_beside_it() -> None:
    # DOSE6: the lower end is the dose the record proves (adequacy); the upper end is for the
    # "dose too high" checks (daily_dose_bounds).
    line = {
        "timing": daily(),
        "doseAndRate": [
            {
                "type": ORDERED,
                "doseRange": {
                    "low": {"value": 50, "unit": "mg", "system": UCUM, "code": "mg"},
                    "high": {"value": 100, "unit": "mg", "system": UCUM, "code": "mg"},
                },
            }
        ],
    }
    assert daily_dose_mg([line]) == 50
    assert daily_dose_bounds([line]) == (50, 100)


def test_ordered_entry_wins_over_calculated() -> None:
    calculated = {
        "coding": [
            {"system": "http://terminology.hl7.org/CodeSystem/dose-rate-type", "code": "calculated"}
        ]
    }
    line = {
        "timing": daily(),
        "doseAndRate": [
            {"type": calculated, "doseQuantity": {"value": 999, "unit": "mg"}},
            {"type": ORDERED, "doseQuantity": {"value": 75, "unit": "mg"}},
        ],
    }
    assert daily_dose_mg([line]) == 75


# --- timing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timing", "per_day"),
    [
        (daily(), 1),
        (daily(1, 12, "h"), 2),
        (daily(3, 1, "d"), 3),
        (daily(1, 2, "d"), 0.5),
        (daily(2, 1, "wk"), 2 / 7),
        (daily(1, 1, "mo"), 1 / 30.4375),
        ({"repeat": {"timeOfDay": ["08:00:00", "20:00:00"]}}, 2),
        ({"repeat": {"when": ["MORN", "HS"]}}, 2),
        ({"repeat": {"frequency": 1, "period": 1, "periodUnit": "d", "when": ["HS"]}}, 1),
        ({"repeat": {"dayOfWeek": ["mon", "thu"]}}, 2 / 7),
        (
            {
                "repeat": {
                    "frequency": 1,
                    "period": 1,
                    "periodUnit": "d",
                    "dayOfWeek": ["mon", "wed", "fri"],
                }
            },
            3 / 7,
        ),
        # frequencyMax / periodMax are "up to" ceilings and are not read.
        ({"repeat": {"frequency": 1, "frequencyMax": 3, "period": 1, "periodUnit": "d"}}, 1),
        ({"code": {"coding": [{"system": GTS, "code": "BID"}]}}, 2),
        ({"code": {"coding": [{"system": GTS, "code": "Q8H"}]}}, 3),
        ({"code": {"text": "twice daily"}}, 2),
    ],
)
def test_frequency_per_day(timing: dict[str, Any], per_day: float) -> None:
    assert frequency_per_day(timing) == pytest.approx(per_day)


@pytest.mark.parametrize(
    "timing",
    [
        None,
        {},
        {"repeat": {"frequency": 2}},
        {"repeat": {"period": 1, "periodUnit": "lightyear"}},
        {"event": ["2024-01-01"]},
    ],
)
def test_frequency_unknown(timing: Any) -> None:
    assert frequency_per_day(timing) is None


def test_weekly_esketamine_sessions() -> None:
    assert daily_dose_mg([dose_mg(56, daily(2, 1, "wk"))]) == 16


def test_monthly_injection() -> None:
    assert daily_dose_mg([dose_mg(400, daily(1, 1, "mo"))]) == round(400 / 30.4375, 4)


def test_frequency_max_is_ignored() -> None:
    timing = {"repeat": {"frequency": 1, "frequencyMax": 3, "period": 1, "periodUnit": "d"}}
    assert daily_dose_mg([dose_mg(50, timing)]) == 50


def test_as_needed_counts_at_most_once_a_day() -> None:
    line = dose_mg(50, daily(1, 6, "h"), asNeededBoolean=True)
    assert daily_dose_mg([line]) == 50


def test_structured_dose_with_frequency_only_in_text() -> None:
    line = {
        "text": "75 mg twice daily",
        "doseAndRate": [{"doseQuantity": {"value": 75, "unit": "mg"}}],
    }
    assert daily_dose_mg([line]) == 150


# --- free-text sigs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "strength", "expected"),
    [
        ("100 mg daily", None, 100),
        ("2 tabs at bedtime", 50, 100),
        ("one tablet twice a day", 25, 50),
        ("150mg qam", None, 150),
        ("1 tab po bid", 37.5, 75),
        ("1 tab p.o. b.i.d.", 37.5, 75),
        ("Take 1 tablet (50 mg total) by mouth daily.", 25, 50),
        ("Take 100 mg (2 tablets) by mouth once daily", 50, 100),
        ("50 mg in the morning and 100 mg at bedtime", None, 150),
        ("take 1 tab in the morning and at bedtime", 20, 40),
        ("Take 1 capsule by mouth every morning", 20, 20),
        ("take 2 tablets by mouth every 12 hours", 10, 40),
        ("1 tab po daily #30 tab 2 refills", 50, 50),
        ("sertraline 50 mg tablet: take 2 tablets daily", 50, 100),
        ("take 1-2 tabs at bedtime as needed for sleep", 50, 50),  # lower end (DOSE6)
        ("1/2 tablet daily", 50, 25),
        ("take 3 times a day 25 mg", None, 75),
        ("Take 1 by mouth daily", 20, 20),
        ("10 mg every other day", None, 5),
    ],
)
def test_sig_text(text: str, strength: float | None, expected: float) -> None:
    assert daily_dose_mg([sig(text)], strength_mg=strength) == expected


@pytest.mark.parametrize(
    ("text", "strength", "expected"),
    [
        # A titration in steps is the dose the patient ends on, never the sum of the steps (the
        # review's 25 then 37.5 mg read as 62.5 mg/day made an under-dosed trial "adequate").
        ("Take 1 tablet by mouth daily for 7 days, then 1.5 tablets daily", 25, 37.5),
        ("0.25 tab daily for 7 days then 0.5 tab daily", 100, 50),
        ("Take 1 tab p.o. daily for 7 days then 2 tabs p.o. daily", 25, 50),
        # A conditional increase is not taken yet.
        ("Take 50 mg daily. May increase to 100 mg daily after 2 weeks if tolerated", None, 50),
        ("Take 150 mg by mouth daily; may increase to 300 mg", None, 150),
        # A taper ends on its last dosing step, not on "stop".
        ("Take 2 tablets daily for 1 week, then 1 tablet daily for 1 week, then stop", 25, 25),
    ],
)
def test_sig_steps_are_not_added_up(text: str, strength: float | None, expected: float) -> None:
    assert daily_dose_mg([sig(text)], strength_mg=strength) == expected


def test_patient_instruction_when_there_is_no_text() -> None:
    line = {"patientInstruction": "Take two capsules every morning"}
    assert daily_dose_mg([line], strength_mg=30) == 60


@pytest.mark.parametrize(
    "text",
    ["as directed", "take 100 mg", "2 tablets", "use with caution"],
)
def test_sig_without_amount_or_frequency_is_unknown(text: str) -> None:
    assert daily_dose_mg([sig(text, timing={"repeat": {}})], strength_mg=50) is None


def test_sig_frequency() -> None:
    assert sig_frequency("q8h") == 3
    assert sig_frequency("every 6 hours as needed") == 1
    assert sig_frequency("as directed") is None


# --- several lines -------------------------------------------------------------------------


def test_lines_of_one_sequence_add_up() -> None:
    morning = dose_mg(
        50, {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d", "when": ["MORN"]}}
    )
    bedtime = dose_mg(
        100, {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d", "when": ["HS"]}}
    )
    assert daily_dose_mg([morning, bedtime]) == 150
    morning["sequence"] = bedtime["sequence"] = 1
    assert daily_dose_mg([morning, bedtime]) == 150


def test_titration_sequences_end_on_the_last_dose() -> None:
    first = dose_mg(25, sequence=1)
    first["timing"]["repeat"]["boundsDuration"] = {
        "value": 7,
        "unit": "days",
        "system": UCUM,
        "code": "d",
    }
    then = dose_mg(50, sequence=2)
    assert daily_dose_mg([first, then]) == 50


def test_an_instruction_only_line_is_ignored() -> None:
    assert daily_dose_mg([dose_mg(20), {"text": "Take with food"}]) == 20


def test_an_unknown_line_makes_the_total_unknown_not_smaller() -> None:
    unknown = {"timing": daily(), "text": "see taper schedule"}
    assert daily_dose_mg([dose_mg(50), unknown]) is None


@pytest.mark.parametrize(
    "dosages",
    [
        None,
        [],
        [{"text": "Take with food"}],
        [{"doseAndRate": [{"doseQuantity": {"value": 50, "unit": "mg"}}]}],  # no frequency anywhere
        [{"timing": daily()}],  # a schedule without an amount
    ],
)
def test_unknown_is_none_never_zero(dosages: Any) -> None:
    assert daily_dose_mg(dosages, strength_mg=50) is None


def test_count_dose_without_strength_is_unknown() -> None:
    assert daily_dose_mg([synthea_dose()]) is None


def test_mg_dose_of_a_combination_component_is_unknown() -> None:
    assert daily_dose_mg([dose_mg(25)], strength_mg=25, mass_applies=False) is None
    assert daily_dose_mg([dose_tablets(1)], strength_mg=25, mass_applies=False) == 25


# --- units per day and quantities ----------------------------------------------------------


def test_daily_units() -> None:
    assert daily_units([dose_tablets(2, daily(2))]) == 4
    assert daily_units([dose_mg(100)], strength_mg=50) == 2
    assert daily_units([dose_mg(100)]) is None
    millilitres = {"value": 10, "unit": "mL", "system": UCUM, "code": "mL"}
    assert daily_units([quantity_line(millilitres)], per_ml=True) == 10


def test_quantity_units_and_durations() -> None:
    assert (
        quantity_units(
            {"value": 30, "unit": "tablet", "system": UCUM, "code": "{tbl}"}, per_ml=False
        )
        == 30
    )
    assert quantity_units({"value": 30}, per_ml=False) == 30
    assert quantity_units({"value": 150, "unit": "mL"}, per_ml=True) == 150
    assert quantity_units({"value": 150, "unit": "mL"}, per_ml=False) is None
    assert duration_days({"value": 30, "unit": "days", "system": UCUM, "code": "d"}) == 30
    assert duration_days({"value": 4, "unit": "wk"}) == 28
    assert duration_days({"value": 30}) == 30
    assert duration_days({"value": 30, "unit": "tablets"}) is None
    assert duration_days(None) is None


def test_ehr_unit_text_tabs() -> None:
    assert (
        daily_dose_mg([quantity_line({"value": 1, "unit": "tab(s)"}, daily(2))], strength_mg=25)
        == 50
    )


def test_a_zero_dose_is_unknown() -> None:
    assert daily_dose_mg([dose_mg(0)]) is None


def test_as_needed_is_every_governing_line_as_needed() -> None:
    from fhir_mapping.dose import as_needed

    assert as_needed([{"asNeededBoolean": True, "text": "1 tab at bedtime"}])
    assert as_needed([{"asNeededCodeableConcept": {"text": "sleep"}}])
    assert as_needed([{"text": "Take 1 tablet at bedtime PRN sleep"}])
    assert not as_needed([{"text": "Take 1 tablet at bedtime"}])
    assert not as_needed([{"asNeededBoolean": False}])
    assert not as_needed([])
    assert not as_needed(None)
    # Two lines at once, one scheduled: not as needed.
    assert not as_needed([{"asNeededBoolean": True}, {"text": "15 mg at bedtime"}])
    # Numbered scheduled + as-needed lines with nothing ending the first: one day's doses, not
    # steps (review K61b finding 3, dose70); a first step that ends still hands over to the last.
    assert not as_needed(
        [{"sequence": 1, "text": "15 mg nightly"}, {"sequence": 2, "asNeededBoolean": True}]
    )
    assert as_needed(
        [
            {"sequence": 1, "text": "15 mg nightly for 7 days"},
            {"sequence": 2, "asNeededBoolean": True},
        ]
    )
