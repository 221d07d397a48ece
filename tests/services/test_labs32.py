"""Session 30 labs32: four leftovers of session 29 in the drug-safety labs.

1. A sodium flagged LL (critical low) with no value that can be compared (valueString "see
   comment", or no value) was critical on chart open but a warning at order-sign of an SSRI: now
   critical there too, saying the lab flagged it critical low and no value could be read
   (order_checks/labs.py). An L with no value stays the warning.
2. Nortriptyline 180 ng/mL (above the 50-150 range, not toxic) at 75 mg/day, lowered to 50 and
   not measured since: a draft raising it again got no card. Now a warning, "was above range at
   75 mg/day; no level since" (order_checks/tca_level_lowered.py, k19b1's toxic case one tier
   down); the lowered dose itself says nothing.
3. A gepirone draft beside a QTc valueQuantity 480 with no unit, flag H, got no QTc card: the
   value is read in ms as a bare number is (data/lab_ranges.csv bare_quantity, 200-800 ms), so
   the 450 ms label line is reached; a unitless 0.48 H (outside that range) is named "not
   compared", never silent; a unitless 430 (under the line) no longer says "not compared".
4. A qualitative hCG positive (coded Positive, SNOMED Detected, valueString "POS") for a woman
   of 56 was dropped with the low quantitative results: now asked, as a high beta-hCG is
   (services/pregnancy_now.py), never asserted; a negative one says nothing.

Charts: tests/services/labs32_charts/ (all 19 prefetch keys), from sodium31_charts/o03 (80,
venlafaxine running; made order-sign), k19b1_charts/a1-a3 and h10, review17's gepirone draft.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.lab_values import _value
from tests.services import chart_files
from tests.services.helpers import Evaluator, of_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIR = Path(__file__).parent / "labs32_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _one(name: str, topic: str) -> Doc:
    (card,) = of_topic(_at.cards(_chart(name)), topic)
    return card


# --- 1: a sodium flagged critical low with no value, an SSRI drafted -----------------------------

SODIUM = "order-low-sodium"


@pytest.mark.parametrize(
    "name", ["n01_sertraline_sodium_LL_see_comment", "n02_sertraline_sodium_LL_no_value"]
)
def test_a_critical_low_sodium_without_a_value_is_critical_at_order_sign(name: str) -> None:
    card = _one(name, SODIUM)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Sertraline at age 80 with sodium of 2026-11-25 flagged critical low by the lab, no value "
        "could be read: SSRIs can lower it further"
    )
    assert "flagged critical low by the laboratory, and no value could be read" in card["detail"]
    assert "not compared with the 130 mmol/L line" in card["detail"]
    assert "profound" not in card["summary"] + card["detail"]


def test_the_same_sodium_is_critical_on_chart_open_as_before() -> None:
    doc = _chart("n01_sertraline_sodium_LL_see_comment")
    doc["hook"] = "patient-view"
    del doc["context"]["draftOrders"]
    (card,) = of_topic(_at.cards(doc), "running-drug-low-sodium")
    assert card["indicator"] == "critical"


def test_control_a_low_flag_without_a_value_stays_the_warning() -> None:
    card = _one("n03_control_sertraline_sodium_L_see_comment", SODIUM)
    assert card["indicator"] == "warning"
    assert "flagged low by the lab" in card["summary"]
    assert "critical" not in card["summary"]


# --- 2: a level above the range only, the dose lowered since, a raise drafted --------------------

LEVEL = "order-drug-level-high"
ABOVE = (
    "Nortriptyline raised: latest level 180 ng/mL on 2026-11-25 was above range at 75 mg/day; no "
    "level since: no raise until a new level"
)


@pytest.mark.parametrize(
    ("name", "change"),
    [
        (
            "t01_level180_lowered50_then_draft150",
            "This order is at or above the dose the level was drawn on (75 mg/day).",
        ),
        (
            "t02_level180_lowered50_then_draft75",
            "This order is at or above the dose the level was drawn on (75 mg/day).",
        ),
        (
            "t03_level180_lowered50_then_draft60",
            "This order raises the lowered dose from 50 to 60 mg/day, toward the 75 mg/day",
        ),
    ],
)
def test_a_raise_after_a_lowered_above_range_level_is_a_warning(name: str, change: str) -> None:
    card = _one(name, LEVEL)
    assert (card["indicator"], card["summary"]) == ("warning", ABOVE)
    assert (
        "The latest nortriptyline level is 180 ng/mL on 2026-11-25, above the 50-150 ng/mL range "
        "(the label's optimal range; Pamelor label (plasma levels)), drawn on 75 mg/day; the dose "
        "was lowered since and no level has been drawn since."
    ) in card["detail"]
    assert change in card["detail"]
    assert "toxic" not in card["summary"] + card["detail"]


def test_control_the_lowered_dose_itself_says_nothing() -> None:
    assert not of_topic(_at.cards(_chart("t04_control_level180_lowered50_then_draft50")), LEVEL)


# --- 3: a gepirone draft beside a QTc sent with no unit ----------------------------------------

QTC = "order-qtc"
GEPIRONE_480 = (
    "Gepirone 18.2 mg/day with QTc 480{} on 2026-11-25: above 450 ms, where the label says not to "
    "start or raise it"
)


@pytest.mark.parametrize(
    ("name", "unit"),
    [
        # labs40 (recheck K28c s31 finding 2): a unit not sent is said to be inferred.
        ("q01_gepirone_qtc480_nounit_H", " (no unit sent, read as ms)"),
        ("q02_control_gepirone_qtc480_ms_H", " ms"),
    ],
)
def test_a_unitless_qtc_of_480_reaches_gepirones_line_as_480_ms_does(name: str, unit: str) -> None:
    card = _one(name, QTC)
    assert (card["indicator"], card["summary"]) == ("warning", GEPIRONE_480.format(unit))


def test_a_unitless_qtc_outside_the_ms_range_flagged_high_is_named_not_compared() -> None:
    card = _one("q03_gepirone_qtc0_48_nounit_H", QTC)
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(
        "Gepirone 18.2 mg/day with QTc 0.48 on 2026-11-25: flagged high by the lab; unit not "
        "stated, not compared with the 450 ms line"
    )
    assert "Read the QTc and its unit on the tracing before deciding." in card["detail"]


def test_control_a_unitless_qtc_under_the_line_gets_no_card() -> None:
    assert not of_topic(_at.cards(_chart("q04_control_gepirone_qtc430_nounit")), QTC)


@pytest.mark.parametrize(
    ("test", "value", "read"),
    [
        ("qtc", 480, (480, "ms", None)),
        ("qtc", 0.48, (0.48, None, None)),  # seconds? outside 200-800: not given a unit
        ("qtc", 900, (900, None, None)),
        # the sodium row says bare_quantity too (labs70, review K71a finding 1), within 80-200
        ("sodium", 122, (122, "mmol/L", None)),
        ("sodium", 12.2, (12.2, None, None)),
        # the lithium row says bare_quantity too (recheck K27b s31 finding 1), within 0.05-10
        ("lithium", 0.9, (0.9, "mmol/L", None)),
        ("lithium", 18, (18, None, None)),
    ],
)
def test_a_quantity_with_no_unit_is_read_for_the_qtc_lithium_and_sodium_only(
    test: str, value: float, read: tuple[float, str | None, None]
) -> None:
    assert _value({"valueQuantity": {"value": value}}, test) == read


# --- 4: a qualitative hCG positive at 56 -------------------------------------------------------


def _said(name: str) -> str:
    return "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in _at.cards(_chart(name)))


@pytest.mark.parametrize(
    "name",
    [
        "h01_female56_urine_hcg_positive_coded",
        "h02_female56_serum_hcg_detected",
        "h03_female56_urine_hcg_valuestring_POS",
    ],
)
def test_a_qualitative_positive_hcg_at_56_is_asked(name: str) -> None:
    said = _said(name)
    assert (
        "**hCG positive (qualitative) on 2026-11-25 (past the pregnancy age asked about; "
        "pregnancy only if the patient can be pregnant)**"
    ) in said
    assert "confirm whether she can be pregnant" in said
    assert "positive pregnancy test" not in said


def test_control_a_qualitative_negative_hcg_at_56_says_nothing() -> None:
    assert "hCG" not in _said("h04_control_female56_urine_hcg_negative")


def test_a_critical_low_sodium_with_a_value_keeps_the_labs_critical_call_at_order() -> None:
    doc = chart_files.loader(Path(__file__).parent / "sodium31_charts")(
        "o05_control_sertraline_126"
    )
    sodium = next(
        r for r in chart_files.prefetch_resources(doc) if r["id"].startswith("lab-2951-2-")
    )
    sodium["interpretation"] = [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                    "code": "LL",
                }
            ]
        }
    ]
    (card,) = of_topic(_at.cards(doc), SODIUM)
    assert card["indicator"] == "critical"
    assert card["detail"].endswith("The laboratory flagged it critical low.")
