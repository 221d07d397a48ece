"""Recheck s28 K15 findings 1-5 (fix k15fix): contained and absent visit reasons, withdrawal
words, eloped doses, SNOMED CT 82313006.

1. UNSAFE: a stay or ED visit whose reasonReference is a Condition CONTAINED in the Encounter
   ("#c1": "Suicide attempt" text, SNOMED 82313006, T14.91XA) got no suicide-risk card, while
   the same Condition in the chart got the critical one. The visit reader now reads a contained
   Condition's code and words as a reason (one lookup with the stay reader:
   absent_reasons.contained_condition).
2. UNSAFE: an Encounter.diagnosis referencing a Condition absent from the chart, displayed
   "Suicide attempt", read as nothing: its display is now read as an encounter diagnosis.
3. Withdrawal in words ("Benzo withdrawal", "Alcohol w/d", "ETOH w/d", "Delirium tremens",
   "DTs", "Xanax withdrawal", "Barbiturate withdrawal") offered bupropion plainly: now the
   contraindication, as "Alcohol withdrawal syndrome" (diagnosis_terms.csv rows).
4. On-hold MAR doses "Patient eloped", "AWOL" (and "Pt left unit without permission", "Patient
   absent") read held, left out of the PDC: now away, missed (administration_reasons.csv).
5. SNOMED CT 82313006 "Suicide attempt" read as text only ("diagnosis text only: confirm"):
   now a self-harm code row.

Charts: tests/services/k15fix_charts/ (K15's probes, every prefetch key); as-of 2026-12-01,
the wd* charts 2025-06-01.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.adherence_record import AdherenceStatus
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "k15fix_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
RISK = "suicide-risk"
_chart = chart_files.loader(DIR)
CONTAINED = [
    "r10_contained_sa_display_only",
    "r13_contained_sa_text",
    "r14_contained_sa_sct",
    "r15_contained_sa_text_disp",
    "e02_emer_contained_sa",
    "e05_imp_contained_icd_T1491",
]
OPIOID = "wd09_Opioid_withdrawal"  # no bupropion contraindication
# Withdrawal written as history: past, a caveat at most, as the same withdrawal coded and resolved
# (recheck K16 s29 finding 4, tests/services/test_text30.py).
HISTORY = "wd08_Hx_of_alcohol_withdrawal"
WITHDRAWAL = [n for n in CHARTS if n.startswith("wd") and n not in (OPIOID, HISTORY)]
CONTRAINDICATED = "bupropion not listed: contraindicated during abrupt discontinuation"


def _as_of(name: str) -> date:
    return date(2025, 6, 1) if name.startswith("wd") else date(2026, 12, 1)


def _risk(doc: Doc, name: str) -> Doc | None:
    card: Doc | None = Evaluator(_as_of(name)).by_topic(doc).get(RISK)
    return card


def _encounter(doc: Doc) -> dict[str, Any]:
    entries = doc["prefetch"]["encounters"]["entry"]
    found: dict[str, Any] = next(
        e["resource"] for e in entries if e["resource"].get("contained") is not None
    )
    return found


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize("name", CONTAINED)
def test_a_contained_suicide_attempt_reason_makes_the_critical_card(name: str) -> None:
    card = _risk(_chart(name), name)
    assert card is not None and card["indicator"] == "critical", name
    assert "uicide attempt" in card["summary"]


def test_a_coded_contained_reason_needs_no_confirming() -> None:
    card = _risk(_chart("r14_contained_sa_sct"), "r14")
    assert card is not None and "text only" not in card["summary"]


def test_a_refuted_contained_reason_records_nothing() -> None:
    doc = _chart("r13_contained_sa_text")
    _encounter(doc)["contained"][0]["verificationStatus"] = {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                "code": "refuted",
            }
        ]
    }
    assert _risk(doc, "r13") is None


def test_a_reference_to_a_missing_contained_condition_reads_its_display() -> None:
    doc = _chart("r13_contained_sa_text")
    visit = _encounter(doc)
    visit["contained"] = []
    visit["reasonReference"] = [{"reference": "#c1", "display": "Suicide attempt"}]
    card = _risk(doc, "r13")
    assert card is not None and card["indicator"] == "critical"


def test_an_absent_diagnosis_displayed_suicide_attempt_makes_the_critical_card() -> None:
    card = _risk(_chart("e01_imp_diagnosis_absent_sa"), "e01")
    assert card is not None and card["indicator"] == "critical"
    assert "inpatient stay from 2026-11-10" in card["summary"]


@pytest.mark.parametrize("name", ["c05_inchart_sa_sct", "c06_inchart_sa_text"])
def test_the_chart_condition_still_makes_the_critical_card(name: str) -> None:
    card = _risk(_chart(name), name)
    assert card is not None and card["indicator"] == "critical"


def test_snomed_suicide_attempt_is_coded_not_text_only() -> None:
    card = _risk(_chart("c05_inchart_sa_sct"), "c05")
    assert card is not None and card["summary"].startswith("Suicide attempt (encounter diagnosis)")


@pytest.mark.parametrize("name", WITHDRAWAL)
def test_withdrawal_in_words_contraindicates_bupropion(name: str) -> None:
    text = json.dumps(Evaluator(_as_of(name)).cards(_chart(name)))
    assert CONTRAINDICATED in text, name


def test_opioid_withdrawal_leaves_bupropion_offered() -> None:
    text = json.dumps(Evaluator(_as_of(OPIOID)).cards(_chart(OPIOID)))
    assert CONTRAINDICATED not in text


def test_withdrawal_as_history_gives_the_caveat() -> None:
    text = json.dumps(Evaluator(_as_of(HISTORY)).cards(_chart(HISTORY)))
    assert CONTRAINDICATED not in text
    assert "bupropion (caveat: bupropion labels 4 and 5.3)" in text


def _adherence(doc: Doc) -> AdherenceStatus:
    _, record = Evaluator(date(2026, 12, 1)).cards_and_record(doc)
    (trial,) = [t for t in record.trials if t.ingredient == "escitalopram"]
    return trial.adherence.status


@pytest.mark.parametrize(
    "words",
    [None, "Eloped from unit", "Pt left unit without permission", "Patient absent"],
)
@pytest.mark.parametrize("name", ["mar_on-hold_eloped", "mar_on-hold_AWOL"])
def test_an_eloped_dose_is_missed_not_held(name: str, words: str | None) -> None:
    doc = _chart(name)
    if words is not None:
        for entry in doc["prefetch"]["medicationAdministrations"]["entry"]:
            if entry["resource"].get("statusReason"):
                entry["resource"]["statusReason"] = [{"text": words}]
    assert _adherence(doc) is AdherenceStatus.POOR


def test_an_on_hold_dose_for_a_procedure_stays_held() -> None:
    doc = _chart("mar_on-hold_eloped")
    for entry in doc["prefetch"]["medicationAdministrations"]["entry"]:
        if entry["resource"].get("statusReason"):
            entry["resource"]["statusReason"] = [{"text": "Held for procedure"}]
    assert _adherence(doc) is not AdherenceStatus.POOR
