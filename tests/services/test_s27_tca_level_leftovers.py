"""Session 27 leftovers of the running-drug-level card (services/rules/tca_level.py,
tca_level_text.py; data/lab_safety.csv level rows; fhir_mapping/data/observation_codes.csv).

1. A toxic level drawn after the order's recorded stop but before the end of the supply
   dispensed was quiet: the course's end is the supply's, and a level on or before the end read
   as the one the stop acted on. The course now counts as possibly running until its supply
   ends (as the mapping counts a running course on by its fills after a stop,
   Trial.order_stopped): the card says the stop and the supply's end, "may still be taken",
   never that it is. A level before the stop, or a stop the record does not date (the order's
   own date is no stop day when fills followed it), stays quiet as before.
2. A course on hold was not read at all: a toxic level on a held course is now critical (a hold
   is not a stop: tablets at hand, a restart not on record). A level only above the range stays
   quiet there: it may be the reason for the hold, which FHIR R4 does not date.
3. The combined totals, amitriptyline + nortriptyline (LOINC 3335-7; the brief's 3336-5 is the
   parent drug's trough code) and imipramine + desipramine (LOINC 9627-1), are mapped
   (UNVERIFIED: one source for each code) and compared with their laboratory lines (Mayo AMTRP
   80-200, toxic above 500 ng/mL; Mayo IMIPR 175-300, toxic above 400 ng/mL).

Charts: tests/services/tca_level_s27_charts/ (built from the review s26 charts, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.codes import observation_concepts
from services import catalog, lab_safety
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

LEVEL = "running-drug-level"
FOLDER = Path(__file__).parent / "tca_level_s27_charts"
_chart = chart_files.loader(FOLDER)
_at = Evaluator(date(2026, 12, 1))
Doc = dict[str, Any]


def _cards(doc: Doc) -> dict[str, Doc]:
    return by_topic(_at.cards(doc))


def _level(doc: Doc) -> Doc:
    return next(
        e["resource"]
        for e in doc["prefetch"]["labsSI"]["entry"]
        if e["resource"]["resourceType"] == "Observation"
    )


def _value(doc: Doc, value: float) -> Doc:
    _level(doc)["valueQuantity"]["value"] = value
    return doc


@pytest.mark.parametrize("name", sorted(p.stem for p in FOLDER.glob("*.json")))
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- item 1: a level between the order's stop and the end of its supply ----------------------


def test_toxic_level_after_the_stop_within_the_supply_is_critical() -> None:
    card = _cards(_chart("level600_oct15_stop_recorded_oct5_supply_to_oct30"))[LEVEL]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Nortriptyline level 600 ng/mL on 2026-10-15, after its order was stopped: still taking "
        "it or overdosed? assess for toxicity now (ECG)"
    )
    detail = card["detail"]
    assert (
        "its order was stopped on 2026-10-05, but the supply dispensed lasted to 2026-10-30: the "
        "level was drawn 10 days after the stop, while tablets may still have been at hand"
    ) in detail
    assert "may still be taken" in detail
    # Never more than the record shows: no "is taking", no negative day count.
    assert "is taking" not in detail and "-15 days" not in card["summary"] + detail
    assert "how far to lower the dose" not in detail


def test_above_range_level_after_the_stop_within_the_supply_asks_whether_still_taken() -> None:
    doc = _value(_chart("level600_oct15_stop_recorded_oct5_supply_to_oct30"), 300)
    card = _cards(doc)[LEVEL]
    assert card["indicator"] == "warning"
    assert "after its order was stopped" in card["summary"]
    assert card["summary"].endswith("still taking it? ask, and repeat the level")


def test_level_before_the_stop_stays_quiet() -> None:
    assert LEVEL not in _cards(_chart("level600_oct3_before_stop_recorded_oct5"))


def test_a_stop_the_record_does_not_date_stays_quiet() -> None:
    """No stated end, no meta.lastUpdated: the order's own date (2026-03-04) is no stop day,
    its fills ran to 2026-09-30; the level may be the reason for the stop."""
    doc = _chart("level600_oct15_stop_recorded_oct5_supply_to_oct30")
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        entry["resource"]["meta"].pop("lastUpdated", None)
    assert LEVEL not in _cards(doc)


# --- item 2: a course on hold -----------------------------------------------------------------


def test_toxic_level_on_a_held_course_is_critical() -> None:
    card = _cards(_chart("level600_oct15_order_on_hold"))[LEVEL]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Nortriptyline level 600 ng/mL on 2026-10-15, its order on hold: still taking it or "
        "overdosed? assess for toxicity now (ECG)"
    )
    assert "its order on hold, the supply on record to 2026-10-30" in card["detail"]
    assert "A hold is not a stop" in card["detail"]
    assert "running since" not in card["detail"]


def test_above_range_level_on_a_held_course_stays_quiet() -> None:
    assert LEVEL not in _cards(_value(_chart("level600_oct15_order_on_hold"), 300))


# --- item 3: the combined totals --------------------------------------------------------------


def test_the_combined_codes_are_mapped_and_asked_for() -> None:
    concepts = observation_concepts()
    assert concepts[("http://loinc.org", "3335-7")] == "amitriptyline-nortriptyline"
    assert concepts[("http://loinc.org", "9627-1")] == "imipramine-desipramine"
    # 3336-5 (the brief's guess) is amitriptyline's trough code, not the total.
    assert ("http://loinc.org", "3336-5") not in concepts
    templates = {key: t for s in catalog.services() for key, t in s.prefetch}
    for code in ("3335-7", "9627-1"):
        assert f"http://loinc.org|{code}" in templates["labsSI"]
    assert catalog.query_bytes(templates["labsSI"]) <= catalog.MAX_QUERY_BYTES


def test_the_combined_lines_are_table_rows_with_sources() -> None:
    for drug, test, high, toxic in (
        ("amitriptyline", "amitriptyline-nortriptyline", 200, 500),
        ("imipramine", "imipramine-desipramine", 300, 400),
    ):
        above = lab_safety.rule_for("level-above", drug, "TCA")
        line = lab_safety.rule_for("level-toxic", drug, "TCA")
        assert above is not None and line is not None
        assert (above.test, above.high, line.test, line.high) == (test, high, test, toxic)
        assert "Mayo Clinic Laboratories" in above.source and "Mayo" in line.source


def test_toxic_amitriptyline_total_is_critical() -> None:
    card = _cards(_chart("amitriptyline75_age45_total_level600_pv"))[LEVEL]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Amitriptyline + nortriptyline level 600 ng/mL on 2026-09-14: above the 500 ng/mL toxic "
        "line; assess for toxicity now (ECG for QRS and QTc)"
    )
    assert "Amitriptyline 75 mg/day, running since 2024-03-04" in card["detail"]


def test_amitriptyline_total_above_the_range_is_a_warning() -> None:
    card = _cards(_chart("amitriptyline75_age45_total_level350_pv"))[LEVEL]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(
        "Amitriptyline + nortriptyline level 350 ng/mL on 2026-09-14: above 80-200 ng/mL"
    )


def test_amitriptyline_total_in_range_is_quiet() -> None:
    assert LEVEL not in _cards(_value(_chart("amitriptyline75_age45_total_level350_pv"), 150))


def test_toxic_imipramine_total_is_critical_above_400() -> None:
    card = _cards(_chart("imipramine75_age45_total_level450_pv"))[LEVEL]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(
        "Imipramine + desipramine level 450 ng/mL on 2026-09-14: above the 400 ng/mL toxic line"
    )


def test_imipramine_total_above_the_range_is_a_warning() -> None:
    card = _cards(_chart("imipramine75_age45_total_level350_pv"))[LEVEL]
    assert card["indicator"] == "warning"
    assert "above 175-300 ng/mL" in card["summary"]


def test_a_total_in_ug_per_l_is_said_in_ng_per_ml() -> None:
    doc = _chart("amitriptyline75_age45_total_level600_pv")
    _level(doc)["valueQuantity"].update(unit="ug/L", code="ug/L")
    card = _cards(doc)[LEVEL]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Amitriptyline + nortriptyline level 600 ng/mL")


def test_a_total_in_nmol_per_l_is_named_not_read() -> None:
    doc = _chart("amitriptyline75_age45_total_level600_pv")
    _level(doc)["valueQuantity"].update(unit="nmol/L", code="nmol/L", value=2000)
    card = _cards(doc)[LEVEL]
    assert "unit" in card["summary"] and "not read" in card["summary"]
