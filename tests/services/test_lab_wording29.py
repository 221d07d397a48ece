"""Review s29 RL: how lab results are worded and compared on the cards.

1. A result judged by the lab's own H/L flag (no unit, or one the tables do not know) was read
   as beyond every line of a rule: a nortriptyline 160 flagged H, no unit, was a critical "above
   the 500 ng/mL toxic line"; a lithium 0.9 H "above the 1.0 limit"; a sodium 133 L "below 130
   mmol/L". The flag is the lab's judgement against its own range: the cards say so and name the
   lines not compared; only a critical flag (HH / LL) reaches a critical line, and it keeps the
   critical tier (a lithium 1.8 HH, a sodium LL, a nortriptyline HH).
2. Placeholders where a value is missing ("Lithium a result on ...", "last level a level on
   ...") and one card saying "no lithium level on record" beside another showing it; a chart
   whose labs could not all be read said "no lithium level since ...: check one".
3. A lithium level in umol/L is converted (1 mmol/L = 1000 umol/L); the QTc switch line names
   mirtazapine as the switch option it is.

Charts: tests/services/labsw30_charts/ (RL's, from tests/services/lithium_level21_charts/
L4_lithium_toxic_1_6_then_0_3.json; the b-charts change one lab's value or flag).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import LabResult
from services import lab_safety
from services.lab_safety import LabRule
from tests.services import chart_files
from tests.services import factories as f
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "labsw30_charts")
_at = Evaluator(date(2026, 12, 1))
CHARTS = sorted(p.stem for p in (Path(__file__).parent / "labsw30_charts").glob("*.json"))


def _cards(name: str) -> dict[str, Doc]:
    return _at.by_topic(_chart(name))


def _in_mg_dl(name: str) -> dict[str, Doc]:
    """The cards of a lithium chart whose level is sent in mg/mL, a unit no table reads (recheck
    K27b s31 finding 1: a lithium quantity with no unit is now read in mmol/L, as its text is,
    so a level judged by the lab's flag alone is one in a unit not read). mg/mL since labs71:
    mg/dL is now converted (1 mg/dL = 1.441 mmol/L, data/lab_unit_factors.csv)."""
    doc = _chart(name)
    for r in chart_files.prefetch_resources(doc):
        if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "14334-7":
            r["valueQuantity"] = {**r["valueQuantity"], "unit": "mg/mL", "code": "mg/mL"}
    return _at.by_topic(doc)


def _all(cards: dict[str, Doc]) -> str:
    return "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in cards.values())


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_whole(name: str) -> None:
    chart_files.check_chart(_chart(name))


def test_a_tca_level_flagged_high_with_no_unit_is_not_above_the_toxic_line() -> None:
    cards = _cards("n06_nounit_160_H")
    card = cards["running-drug-level"]
    assert card["indicator"] == "warning"
    assert "toxic line;" not in card["summary"]
    assert "flagged high by the lab, unit not stated" in card["summary"]
    assert (
        "flagged high by the lab; unit not stated, not compared with 50-150 ng/mL and the 500 "
        "ng/mL toxic line" in card["detail"]
    )
    assert "above 500 ng/mL" not in _all(cards)


def test_a_tca_level_flagged_critical_high_keeps_the_critical_tier() -> None:
    card = _cards("n06b_nounit_160_HH")["running-drug-level"]
    assert card["indicator"] == "critical"
    assert "flagged critical high by the lab" in card["summary"]


def test_a_lithium_level_flagged_high_is_not_above_the_service_limit() -> None:
    cards = _in_mg_dl("li16_nounit_0_9_H")
    card = cards["running-lithium-level"]
    assert card["indicator"] == "warning"
    assert "above the 1.0 limit" not in card["summary"]
    assert "(flagged high by the lab, unit mg/mL not read)" in card["summary"]
    assert "not compared with the 0.5-0.8 mmol/L target and the 1 mmol/L limit" in card["detail"]
    assert "above the 0.5-0.8 mmol/L target" not in _all(cards)


@pytest.mark.parametrize("name", ["li11_no_unit_HH", "li17_nounit_1_3_HH"])
def test_a_lithium_level_flagged_critical_high_is_critical(name: str) -> None:
    card = _in_mg_dl(name)["running-lithium-level"]
    assert card["indicator"] == "critical"
    assert "flagged critical high by the lab" in card["summary"]
    assert "hold" in card["summary"]


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "li11_no_unit_HH",
            "Lithium 1.8 (no unit sent, read as mmol/L) on 2026-11-25 (at or above 1.5, toxicity risk)",
        ),
        ("li17_nounit_1_3_HH", "(above the 1.0 limit, flagged critical by the lab)"),
        ("li12_no_unit_no_interp", "(at or above 1.5, toxicity risk)"),
    ],
)
def test_a_lithium_quantity_with_no_unit_is_read_in_mmol_per_l(name: str, said: str) -> None:
    # Recheck K27b s31 finding 1: read as its text "1.8" is (lab_ranges.csv bare_quantity).
    card = _cards(name)["running-lithium-level"]
    assert card["indicator"] == "critical"
    assert said in card["summary"]


def _sodium_in_mg_dl(name: str) -> dict[str, Doc]:
    """The cards of a sodium chart whose value is sent in mg/dL, a unit no table reads (labs70,
    review K71a finding 1: a sodium quantity with no unit is now read in mmol/L, as its text is,
    so a sodium judged by the lab's flag alone is one in a unit not read)."""
    doc = _chart(name)
    for r in chart_files.prefetch_resources(doc):
        if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "2951-2":
            r["valueQuantity"] = {**r["valueQuantity"], "unit": "mg/dL", "code": "mg/dL"}
    return _at.by_topic(doc)


def test_a_sodium_flagged_low_is_not_below_the_service_line() -> None:
    card = _sodium_in_mg_dl("s16_nounit_133_L")["running-drug-low-sodium"]
    assert card["indicator"] == "warning"
    assert "below 130 mmol/L" not in card["detail"]
    assert (
        "flagged low by the lab; unit mg/dL not read, not compared with the 130 mmol/L line"
        in card["detail"]
    )


def test_a_sodium_flagged_critical_low_is_critical() -> None:
    card = _sodium_in_mg_dl("s16b_nounit_122_LL")["running-drug-low-sodium"]
    assert card["indicator"] == "critical"
    assert "flagged critical low by the lab" in card["detail"]


def test_a_sodium_quantity_with_no_unit_is_read_in_mmol_per_l() -> None:
    # labs70 (review K71a finding 1): read as its text "133" is (lab_ranges.csv bare_quantity),
    # so judged as a coded 133 mmol/L flagged L is: above the 130 mmol/L line, no card.
    assert "running-drug-low-sodium" not in _cards("s16_nounit_133_L")
    card = _cards("s16b_nounit_122_LL")["running-drug-low-sodium"]
    assert card["indicator"] == "critical"
    assert "profound hyponatraemia" in card["summary"]
    assert "Sodium 122 (no unit sent, read as mmol/L)" in card["detail"]


def test_a_level_with_no_value_is_said_so_not_as_a_placeholder() -> None:
    text = _all(_cards("li15b_novalue_HH"))
    assert "a result on" not in text
    assert "a level on" not in text
    assert "Lithium with no value read, on 2026-11-25" in text


def test_a_level_not_compared_is_never_no_level_on_record() -> None:
    cards = _in_mg_dl("li12_no_unit_no_interp")
    text = _all(cards)
    assert "no lithium level" not in text
    interaction = cards["drug-interaction"]
    assert "lithium level on 2026-11-25 not compared: read it" in interaction["summary"]
    assert (
        "last level 1.8 mg/mL on 2026-11-25, not compared (unit mg/mL not read)"
        in interaction["detail"]
    )


def test_labs_not_all_read_are_not_checked_in_summary_and_detail() -> None:
    # Since fix data69 a report whose results are all contained is read through them (the
    # level 1.6 below); one whose result is sent apart, not on the chart, is still not read.
    doc = _chart("li20_diagnosticreport_contained")
    for entry in doc["prefetch"]["labs"]["entry"]:
        if entry["resource"]["resourceType"] == "DiagnosticReport":
            entry["resource"]["result"] = [{"reference": "Observation/li1-not-sent"}]
    interaction = _at.by_topic(doc)["drug-interaction"]
    assert "no lithium level since" not in interaction["summary"]
    assert (
        "lithium level not checked: lab results could not all be read" in (interaction["summary"])
    )


def test_a_level_in_a_report_with_contained_results_is_read() -> None:
    interaction = _cards("li20_diagnosticreport_contained")["drug-interaction"]
    assert "last level 1.6 on 2026-11-25" in interaction["summary"]


def test_a_lithium_level_in_umol_is_converted() -> None:
    cards = _cards("li14_umol")
    text = _all(cards)
    assert "not compared" not in text
    card = cards["running-lithium-level"]
    assert card["indicator"] == "critical"
    assert "Lithium 1.6 mmol/L (sent as 1600 umol/L) on 2026-11-25" in card["summary"]


def test_the_qtc_switch_line_names_mirtazapine_as_the_option() -> None:
    detail = _cards("q01_ctrl_512")["optimize-switch-augment"]["detail"]
    assert "above 450 ms: as a switch option, mirtazapine prolongs it." in detail


# --- the comparison itself (lab_safety.above / below / LabRule.beyond) ---------------------------


def _flagged(test: str, value: float, flag: str, *, critical: bool = False) -> LabResult:
    return dataclasses.replace(
        f.lab(test, value, date(2026, 11, 25), flag=flag), unit=None, critical=critical
    )


def _row(check: str, ingredient: str, drug_class: str = "") -> LabRule:
    row = lab_safety.rule_for(check, ingredient, drug_class)
    assert row is not None
    return row


def test_a_flag_reaches_the_usual_lines_but_a_critical_line_only_when_critical() -> None:
    high = _flagged("nortriptyline", 160, "high")
    assert lab_safety.above(_row("level-above", "nortriptyline"), high) is True
    assert lab_safety.above(_row("level-toxic", "nortriptyline"), high) is None
    critical = _flagged("nortriptyline", 160, "high", critical=True)
    assert lab_safety.above(_row("level-toxic", "nortriptyline"), critical) is True
    qtc = _flagged("qtc", 512, "high")
    stop = _row("qtc-stop", "citalopram")
    assert lab_safety.above(stop, qtc) is None
    assert lab_safety.above(_row("qtc-caution", "citalopram"), qtc) is True
    sodium = _flagged("sodium", 133, "low")
    assert lab_safety.below(_row("sodium-low", "venlafaxine", "SNRI"), sodium) is True


def test_a_flagged_result_is_worded_as_the_labs_call() -> None:
    qtc = _flagged("qtc", 512, "high", critical=True)
    assert _row("qtc-stop", "citalopram").beyond(qtc) == (
        "flagged critical high by the lab; unit not stated, not compared with the 500 ms line"
    )
    in_ms = dataclasses.replace(qtc, unit="ms")
    assert _row("qtc-stop", "citalopram").beyond(in_ms) == "above 500 ms"


@pytest.mark.parametrize(("interp", "indicator"), [("H", "warning"), ("HH", "critical")])
def test_a_lithium_order_beside_a_flagged_level_says_the_labs_call(
    interp: str, indicator: str
) -> None:
    # audit14 k05 (lithium 1.5 mmol/L flagged H, a lithium order selected), its level sent with
    # no unit: the order card says the lab's flag, never "above the 0.5-0.8 mmol/L target".
    doc = chart_files.loader(Path(__file__).parent / "audit14_charts")("k05_lithium_150_age40")
    (level,) = [
        r
        for r in chart_files.prefetch_resources(doc)
        if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "14334-7"
    ]
    level["valueQuantity"] = {"value": 0.9, "unit": "mg/mL"}  # a unit not read (labs71)
    level["interpretation"][0]["coding"] = [{"code": interp}]
    (card,) = [c for c in _at.cards(doc, "order-select") if "ithium" in c["summary"]]
    assert card["indicator"] == indicator
    assert "above the 0.5-0.8" not in card["summary"]
    # (the critical summary has room for the lab's call, the unit shown with the level)
    assert "by the lab" in card["summary"] and "0.9 mg/mL" in card["summary"]
    assert "not compared with the 0.5-0.8 mmol/L target" in card["detail"]
