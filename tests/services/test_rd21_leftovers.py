"""Review s21 RD, the findings left open by session 21's first fixes.

- Finding 11 (a06): a 16-year-old with venlafaxine running read only "Never proposed under 18:
  venlafaxine ..." (a list of options not offered), never that she takes it now. The card's age
  paragraph now names it: "**Running now, not for use under 18:** venlafaxine (225 mg/day, since
  2026-07-31): not to be used for depression under 18 (NICE NG134). Review it with child and
  adolescent psychiatry." (rules/population_notes.py; data/age_restricted_antidepressants.csv).
- Finding 10 (b01/p11): bipolar II with sertraline alone was told "risk of a switch to mania" and
  the ISBD 2013 bipolar I rule. The switch named and the rule cited now follow the type coded
  (services/bipolar_type.py, data/bipolar_types.csv, data/bipolar_type_wording.csv: the bipolar II
  sentence is UNVERIFIED, not in ../shared/clinical); the warning itself stays (safer).
- Finding 7 (q02, e04): a QTc or sodium sent only under a local code is not read (the prefetch asks
  by LOINC), and an escitalopram or amitriptyline order said nothing about it. A drafted drug with
  a QTc stop line (any age) or a low-sodium line (from the older-adult age) whose test has no
  result in the window now gets one line on a card it already has (order_checks/unread_labs.py);
  no card of its own.

Charts: tests/services/rd21_leftovers_charts/ (from review s21 RD: US Core / Epic shaped,
every prefetch key).
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import Finding, FindingKind
from services import bipolar_type
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
AS_OF = date(2026, 12, 1)
BIPOLAR = "order-bipolar-no-mood-stabiliser"
DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
ICD = "http://hl7.org/fhir/sid/icd-10-cm"

_chart = chart_files.loader(Path(__file__).parent / "rd21_leftovers_charts")
_at = Evaluator(AS_OF)


def _all_text(cards: list[Doc]) -> str:
    return "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in cards)


def _born(doc: Doc, day: str) -> Doc:
    doc["prefetch"]["patient"]["birthDate"] = day
    return doc


# --- finding 11: a running drug the under-18 list says not to use ------------------------------


RUNNING_VENLAFAXINE = (
    "**Running now, not for use under 18:** venlafaxine (225 mg/day, since 2026-07-31): not to "
    "be used for depression under 18 (NICE NG134). Review it with child and adolescent psychiatry."
)


def test_venlafaxine_running_at_16_is_named_as_running() -> None:
    cards = _at.by_topic(_chart("age16_on_venlafaxine_pv"))
    detail = cards[OPTIMISE]["detail"]
    assert RUNNING_VENLAFAXINE in detail
    # Beside the age paragraph, before the boxed warning.
    assert detail.index("**Age 16:**") < detail.index("**Running now") < detail.index("**Boxed")
    # The list of options not offered stays as it was.
    assert "Never proposed under 18: venlafaxine, paroxetine" in detail


def test_control_venlafaxine_running_at_22_gets_no_under_18_line() -> None:
    doc = _born(_chart("age16_on_venlafaxine_pv"), "2004-06-01")
    assert "Running now, not for use under" not in _all_text(_at.cards(doc))


# --- finding 10: the bipolar type names the switch and the rule --------------------------------


def test_bipolar_ii_sertraline_alone_order_names_hypomania_and_not_the_bipolar_i_rule() -> None:
    card = _at.by_topic(_chart("bipolar2_sertraline_alone_select"))[BIPOLAR]
    assert card["indicator"] == "warning"  # the caution stays (the safer reading)
    assert card["summary"] == (
        "Sertraline ordered with bipolar disorder on record and no mood stabiliser: risk of a "
        "switch to hypomania"
    )
    detail = card["detail"]
    assert "Bipolar II disorder (ICD-10-CM F31.81)" in detail
    assert "ISBD 2013: in bipolar I, antidepressants only as an adjunct" not in detail
    assert "in bipolar I; for bipolar II its evidence is mixed" in detail
    assert "(UNVERIFIED)" in detail


def _recoded(doc: Doc, old: str, new: str, display: str) -> Doc:
    """The chart with its bipolar ICD-10-CM code `old` written as `new`."""
    for node in chart_files.prefetch_resources(doc):
        for coding in (node.get("code") or {}).get("coding", []):
            if coding.get("system") == ICD and coding.get("code") == old:
                coding["code"], coding["display"] = new, display
    return doc


def test_control_bipolar_type_not_stated_keeps_the_bipolar_i_rule() -> None:
    doc = _recoded(
        _chart("bipolar2_sertraline_alone_select"),
        "F31.81",
        "F31.32",
        "Bipolar disorder, current episode depressed, moderate",
    )
    card = _at.by_topic(doc)[BIPOLAR]
    assert card["summary"].endswith("risk of a switch to mania")
    assert (
        "ISBD 2013: in bipolar I, antidepressants only as an adjunct to a mood stabiliser."
        in (card["detail"])
    )


def test_bipolar_ii_running_escitalopram_alone_on_the_diagnosis_review() -> None:
    detail = _at.by_topic(_chart("bipolar2_on_escitalopram_pv"))[DIAGNOSIS]["detail"]
    assert "risk of a switch to hypomania" in detail
    assert "antidepressants only with a mood stabiliser (ISBD 2013)" not in detail
    assert "antidepressants preferably with a mood stabiliser (ISBD 2013 restricts them" in detail


def test_control_bipolar_unspecified_running_escitalopram_alone_says_mania() -> None:
    detail = _at.by_topic(_chart("bipolar_unspecified_on_escitalopram_pv"))[DIAGNOSIS]["detail"]
    assert (
        "Escitalopram is running with no mood stabiliser or antipsychotic on record: risk of a "
        "switch to mania."
    ) in detail
    assert "antidepressants only with a mood stabiliser (ISBD 2013)" in detail


def _finding(code: str, system: str = ICD, display: str = "Bipolar II disorder") -> Finding:
    return Finding(FindingKind.BIPOLAR, code, system, display, date(2025, 1, 1))


def test_bipolar_ii_only_when_every_diagnosis_is_coded_bipolar_ii() -> None:
    ii = _finding("F31.81")
    snomed_ii = _finding("83225003", "http://snomed.info/sct", "Bipolar II disorder (disorder)")
    unspecified = _finding("F31.9", display="Bipolar disorder, unspecified")
    assert bipolar_type.recorded_type([ii, snomed_ii]) == "II"
    # A second diagnosis that does not state the type: bipolar I's wording (the safer reading).
    assert bipolar_type.recorded_type([ii, unspecified]) == "I"
    assert bipolar_type.recorded_type([]) == "I"
    assert bipolar_type.wording([ii]).switch_to == "hypomania"
    assert bipolar_type.wording([unspecified]).switch_to == "mania"


def test_bipolar_type_tables_carry_sources_and_the_bipolar_ii_rule_is_unverified() -> None:
    def rows(name: str) -> list[dict[str, str]]:
        text = resources.files("services").joinpath(f"data/{name}").read_text("utf-8")
        return list(csv.DictReader(text.splitlines()))

    codes = rows("bipolar_types.csv")
    assert {(r["system"], r["code"]) for r in codes} >= {(ICD, "F31.81")}
    assert all(r["source"].strip() and r["status"] for r in codes)
    assert all("../shared/clinical/vsac_valueset_extract.csv" in r["source"] for r in codes)
    wording = {r["type"]: r for r in rows("bipolar_type_wording.csv")}
    assert wording["II"]["status"] == "UNVERIFIED"
    assert "UNVERIFIED" in wording["II"]["order_rule"]


# --- finding 7: a QTc or sodium not read from the EHR ------------------------------------------


def test_no_qtc_line_on_an_ordinary_adults_escitalopram_order() -> None:
    """Review s21 RR2 finding 6: the line implied an ECG the labels do not ask for at usual
    doses without risk factors (25 of 26 test charts with a citalopram/escitalopram draft got
    it). Under policy.older_adult_age with no other QT-prolonging drug running: no line."""
    doc = _born(_chart("qtc_local_code_escitalopram_sign"), "1976-03-01")
    assert "read from the EHR" not in _all_text(_at.cards(doc))


def test_escitalopram_with_qtc_under_a_local_code_only_says_no_qtc_was_read() -> None:
    # At 70 (policy.older_adult_age 65) the ECG is looked for.
    cards = _at.cards(_born(_chart("qtc_local_code_escitalopram_sign"), "1956-03-01"))
    lines = [c for c in cards if "**No QTc read from the EHR**" in c.get("detail", "")]
    assert len(lines) == 1  # once, on the escitalopram order's first card
    # The age-limit card carries it (20 mg/day above the label's 10 mg/day from 65).
    assert lines[0]["summary"].startswith("Escitalopram 20 mg/day at age 70")
    assert (
        "**No QTc read from the EHR** in the last 365 days, so the QTc check of this escitalopram "
        "order did not run (a result sent only under a local code is not read): check the latest "
        "ECG in the chart."
    ) in lines[0]["detail"]
    # No card of its own: no card is about the QTc.
    assert not any("QTc" in c["summary"] for c in cards)


def test_control_qtc_read_by_loinc_gets_the_qtc_card_and_no_line() -> None:
    cards = _at.cards(_chart("qtc_loinc_escitalopram_sign"))
    text = _all_text(cards)
    assert "Escitalopram 20 mg/day with QTc 510 ms on 2026-11-10" in text
    assert "read from the EHR" not in text


def test_amitriptyline_at_85_with_sodium_under_a_local_code_only() -> None:
    cards = _at.cards(_chart("age85_amitriptyline_sodium_local_only_select"))
    assert not any("sodium" in c["summary"].lower() for c in cards)  # no sodium card
    carrier = next(c for c in cards if "read from the EHR" in c.get("detail", ""))
    assert carrier["summary"].startswith("Amitriptyline at 85: strongly anticholinergic")
    assert (
        "**No QTc or sodium read from the EHR** in the last 365 days, so the QTc and low-sodium "
        "checks of this amitriptyline order did not run"
    ) in carrier["detail"]
    assert "check the latest ECG and the latest sodium in the chart." in carrier["detail"]


def test_control_sodium_read_by_loinc_no_sodium_line() -> None:
    text = _all_text(_at.cards(_chart("age85_amitriptyline_sodium_loinc_select")))
    assert "Amitriptyline at age 85 with sodium 127 mmol/L" in text
    assert "**No QTc read from the EHR**" in text  # the QTc is still not on record
    assert "sodium read from the EHR" not in text


def test_at_50_the_draft_has_no_card_so_no_line_and_no_card_for_the_absence() -> None:
    # Amitriptyline at 50: no Beers card, no other card of the draft; the QTc not read raises
    # no card of its own (a data gap raises none: services/data_gaps.py).
    doc = _born(_chart("age85_amitriptyline_sodium_local_only_select"), "1976-03-01")
    cards = _at.cards(doc)
    assert "read from the EHR" not in _all_text(cards)
    assert not any(c["summary"].startswith("Amitriptyline") for c in cards)


def test_no_sodium_line_below_the_older_adult_age() -> None:
    # Escitalopram at 60 (below policy.older_adult_age, 65) with its sodium taken out: neither
    # line (the QTc line too is for older adults or another QT drug: RR2 finding 6).
    doc = _born(_chart("qtc_local_code_escitalopram_sign"), "1966-03-01")
    for node in chart_files.prefetch_resources(doc):
        for coding in (node.get("code") or {}).get("coding", []):
            if coding.get("code") == "2951-2":
                coding["code"] = "SODIUM-LOCAL"
                coding["system"] = "urn:oid:1.2.840.114350.1.13.0.1.7.2.768282"
    text = _all_text(_at.cards(doc))
    assert "read from the EHR" not in text
    # At 70 the same chart names the sodium too.
    older = _all_text(_at.cards(_born(doc, "1956-03-01")))
    assert "**No QTc or sodium read from the EHR**" in older


def test_the_qtc_line_goes_on_the_age_limit_card() -> None:
    cards = _at.cards(_chart("age70_citalopram40_select"))
    carrier = next(c for c in cards if "**No QTc read from the EHR**" in c.get("detail", ""))
    assert carrier["summary"].startswith("Citalopram 40 mg/day at age 70: above the labelled")
