"""Review s25 RO (order-select / order-sign), findings 1, 2, 4, 5 and 7.

1. A drug start or dose change drafted during a running TMS course or acute ECT course was
   silent (r06: bupropion XL 150 at TMS session 20 got only the old item-9 card). Now a warning,
   order-during-device-course: the course's response check is confounded, and during TMS a drug
   that lowers the seizure threshold adds the seizure line. One predicate with the optimise
   card's hold (services/device_course_now.py).
2. Complete heart block (I44.2) with a nortriptyline draft got the first-degree block's warning.
   Now a critical contraindication (high-grade-av-block); first-degree block and RBBB keep the
   warning.
4. Citalopram 60 mg/day at 70 gave two warnings; now one, the age-limit card, with the QT reason.
5. A first start below the minimum adequate dose got "fine for titration": now no card.
7. "and the reading before as high" -> "and the reading before also high".

Charts: tests/services/order_review25_charts/ (Epic-shaped requests from the review, dated
2026-12-01, every prefetch key).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import drugs, tables
from services.order_checks.device_course import TOPIC as DURING
from services.order_checks.device_course import seizure_row
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
CAUTION = "order-drug-caution"
CONTRAINDICATED = "order-drug-contraindicated"
BELOW = "order-dose-below-range"
ABOVE = "order-dose-above-range"
AGE_LIMIT = "order-dose-above-age-limit"

_DIR = Path(__file__).parent / "order_review25_charts"
_chart = chart_files.loader(_DIR)
_at = Evaluator(AS_OF)


def _cards(doc: Doc) -> dict[str, Doc]:
    return by_topic(_at.cards(doc))


@pytest.mark.parametrize("name", sorted(p.stem for p in _DIR.glob("*.json")))
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


# --- 1: a drug change drafted mid-course -----------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["tms_running_draft_bupropion_xl150_select", "tms_running_draft_bupropion_xl150_sign"],
)
def test_bupropion_drafted_mid_tms_names_the_course_and_the_seizure_risk(name: str) -> None:
    card = _cards(_chart(name))[DURING]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Bupropion ordered during a TMS course: it lowers the seizure threshold, and a new drug "
        "now confounds the course's response"
    )
    detail = card["detail"]
    assert detail.startswith(
        "**TMS course running since 2026-11-06** (20 sessions, last session 2026-12-01): its "
        "response is judged at week 4-6 (due 2026-12-04). A new drug now confounds that check"
    )
    assert "**Seizure risk:** bupropion lowers the seizure threshold" in detail
    assert "tell the TMS team before the next session" in detail
    assert "Rossi 2009/2021" in detail


def test_a_raise_mid_tms_is_a_dose_change_with_no_seizure_line() -> None:
    shown = _cards(_chart("tms_running_draft_venlafaxine300_raise_select"))
    card = shown[DURING]
    assert card["summary"] == (
        # The change's kind (review s25 rk3 finding 8): a raise, not "a dose change".
        "Venlafaxine ordered during a TMS course: a dose increase now confounds the course's "
        "response"
    )
    assert "Seizure" not in card["detail"]
    assert ABOVE in shown  # the range card stays its own concern


def test_a_renewal_at_the_running_dose_mid_tms_changes_nothing() -> None:
    doc = _chart("tms_running_draft_venlafaxine300_raise_select")
    running = next(
        e["resource"]
        for e in doc["prefetch"]["medicationRequests"]["entry"]
        if e["resource"]["status"] == "active"
    )
    draft = doc["context"]["draftOrders"]["entry"][0]["resource"]
    draft["medicationCodeableConcept"] = json.loads(
        json.dumps(running["medicationCodeableConcept"])
    )
    dosage = draft["dosageInstruction"][0]
    dosage["text"] = "Take 1 tablet (225 mg) by mouth daily with food"
    dosage["doseAndRate"][0]["doseQuantity"] = {
        "value": 1,
        "unit": "tablet",
        "system": "http://unitsofmeasure.org",
        "code": "{tbl}",
    }
    assert DURING not in _cards(doc)


def test_a_new_drug_mid_acute_ect_confounds_its_response() -> None:
    card = _cards(_chart("ect_acute_draft_mirtazapine_select"))[DURING]
    assert card["summary"] == (
        "Mirtazapine ordered during an acute ECT course: a new drug now confounds the course's "
        "response"
    )
    assert card["detail"].startswith(
        "**Acute ECT course running since 2026-11-06** (12 sessions, last session 2026-12-01)"
    )
    assert "Seizure" not in card["detail"]


def test_lithium_mid_ect_keeps_its_own_card_only() -> None:
    shown = _cards(_chart("ect_acute_draft_lithium_select"))
    assert "order-lithium-ect" in shown
    assert DURING not in shown


def test_no_course_card_after_the_tms_course_ended() -> None:
    assert DURING not in _cards(_chart("tms_ended_relapse_draft_venlafaxine_raise_select"))


# --- 2: high-grade AV block and a tricyclic ----------------------------------------------------


def _with_block(doc: Doc, icd: str, display: str) -> Doc:
    for entry in doc["prefetch"]["conditions"]["entry"]:
        coding = entry["resource"]["code"]["coding"]
        if any(c.get("code") == "I44.2" for c in coding):
            entry["resource"]["code"] = {
                "coding": [
                    {"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": icd, "display": display}
                ],
                "text": display,
            }
            return doc
    raise AssertionError("no I44.2 condition")


def test_complete_heart_block_with_a_tricyclic_draft_is_a_critical_contraindication() -> None:
    shown = _cards(_chart("complete_av_block_i442_draft_nortriptyline_sign"))
    card = shown[CONTRAINDICATED]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Nortriptyline is contraindicated by a condition on record (Complete heart block)"
    )
    assert "Contraindicated with heart block (second-degree or complete AV block" in card["detail"]
    assert "ICD-10-CM I44.2" in card["detail"]
    # Not also the first-degree block's warning.
    assert CAUTION not in shown


@pytest.mark.parametrize(
    ("icd", "display"),
    [
        ("I44.1", "Atrioventricular block, second degree"),
        ("I44.30", "Unspecified atrioventricular block"),
        ("I44.39", "Other atrioventricular block"),
    ],
)
def test_second_degree_and_uncoded_degree_av_block_are_high_grade(icd: str, display: str) -> None:
    doc = _with_block(_chart("complete_av_block_i442_draft_nortriptyline_sign"), icd, display)
    card = _cards(doc)[CONTRAINDICATED]
    assert card["indicator"] == "critical"
    assert f"ICD-10-CM {icd}" in card["detail"]


@pytest.mark.parametrize(
    "name",
    [
        "first_degree_av_block_i440_draft_nortriptyline_select",
        "rbbb_i4510_draft_nortriptyline_select",
    ],
)
def test_first_degree_block_and_rbbb_keep_the_conduction_warning(name: str) -> None:
    shown = _cards(_chart(name))
    assert shown[CAUTION]["indicator"] == "warning"
    assert shown[CAUTION]["summary"].startswith("Nortriptyline: slows cardiac conduction")
    assert CONTRAINDICATED not in shown


# --- 4: one card for a dose above the age limit and the maximum --------------------------------


def test_citalopram_60_at_70_is_one_age_limit_card_with_the_qt_reason() -> None:
    shown = _cards(_chart("age70_citalopram20_running_draft_60_select"))
    assert ABOVE not in shown
    card = shown[AGE_LIMIT]
    assert card["summary"] == (
        "Citalopram 60 mg/day at age 70: above the labelled 20 mg/day maximum from age 60 and "
        "the 40 mg/day maximum: QT prolongation"
    )
    assert "**Also above the maximum at any age:** citalopram 60 mg/day exceeds" in card["detail"]
    assert "prolong the QT interval" in card["detail"]


def test_citalopram_40_at_70_keeps_the_age_card_alone() -> None:
    card = _cards(_chart("age70_new_citalopram40_draft_select"))[AGE_LIMIT]
    assert card["summary"] == (
        "Citalopram 40 mg/day at age 70: above the labelled 20 mg/day maximum from age 60"
    )
    assert "Also above the maximum" not in card["detail"]


# --- 3: a dose not read, of a unit already above the age limit ---------------------------------


def test_a_40_mg_tablet_as_directed_at_70_is_above_the_age_limit_by_one_unit() -> None:
    shown = _cards(_chart("age70_citalopram40_tablet_as_directed_select"))
    assert "data-quality" not in shown  # before: "dose not read, so the dose checks were not done"
    card = shown[AGE_LIMIT]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Citalopram 40 mg unit, dose not read, at age 70: one unit is above the labelled "
        "20 mg/day maximum from age 60"
    )
    assert "Write the dose on the order: 20 mg/day or less" in card["detail"]
    # The dose line still says what was not checked, no longer the age maximum.
    assert "so the dose range (CANMAT 2023 Table 3.3) could not be checked" in card["detail"]


def test_a_20_mg_tablet_as_directed_at_70_is_still_a_dose_not_read() -> None:
    doc = _chart("age70_citalopram40_tablet_as_directed_select")
    concept = doc["context"]["draftOrders"]["entry"][0]["resource"]["medicationCodeableConcept"]
    concept["coding"] = [
        {
            "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
            "code": "200371",
            "display": "citalopram 20 MG Oral Tablet",
        }
    ]
    concept["text"] = "citalopram 20 MG Oral Tablet"
    shown = _cards(doc)
    assert AGE_LIMIT not in shown
    assert "20 mg/day maximum from age 60 could not be checked" in shown["data-quality"]["detail"]


# --- 5: no "fine for titration" card for a first start -------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "first_degree_av_block_i440_draft_nortriptyline_select",
        "rbbb_i4510_draft_nortriptyline_select",
    ],
)
def test_a_first_start_below_the_minimum_gets_no_below_range_card(name: str) -> None:
    assert BELOW not in _cards(_chart(name))


# --- 7: the blood-pressure wording ------------------------------------------------------------


def test_two_high_readings_read_also_high() -> None:
    card = _cards(_chart("bp176_104_draft_phenelzine_sign"))["order-blood-pressure"]
    assert card["summary"] == (
        "Phenelzine 45 mg/day ordered with blood pressure 176/104 mm Hg on 2026-11-20 and the reading "
        "before also high: control it first"
    )


def test_the_seizure_table_rows_are_pathway_drugs_with_sources() -> None:
    for row in tables._rows("tms_seizure_threshold.csv"):
        assert set(row) == {"ingredient", "line", "cite", "source", "status"}, row
        assert drugs.info(row["ingredient"]) is not None, row["ingredient"]
        assert row["line"].startswith(("its bupropion", row["ingredient"])), row["line"]
        assert row["source"].startswith("review s25 RO finding 1") and row["status"], row
    assert seizure_row("bupropion") is not None and seizure_row("sertraline") is None
