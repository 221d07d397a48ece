"""Harm that the fixes for review 13 added (recheck 13 probes n01, n03, n04, n05,
n07; services/rules/lithium_level.py and services/rules/adjunct_harm.py).

- n01/n03: lithium 0.9 mmol/L (above the CANMAT 0.5-0.8 augmentation target, inside the usual
  therapeutic range) got "hold or reduce" and held every one-click. Now a card only above the
  lithium-high line (1.0 mmol/L, NICE NG222), or above the target with a level-raising drug
  started after the level was taken.
- n04: a tardive dyskinesia resolved in 2018, before aripiprazole started, was said as a current
  effect ("consider reducing or stopping it"); now a history: "watch for recurrence (AIMS)".
- n05: the same history with no antipsychotic running: one-click "Propose adjunctive
  aripiprazole"; now antipsychotic proposals are text with a line naming the TD.
- n07: a TSH of 0.3 on liothyronine with nothing else coded got "suppressed TSH: review, reduce
  or stop it"; now only a TSH below 0.1 mIU/L (or thyrotoxicosis/arrhythmia coded) makes it.

Charts: the recheck's probes (CDS Hooks patient-view requests, US Core / Epic-shaped prefetch:
ICD-10-CM + SNOMED problem-list Conditions, RxNorm MedicationRequests, LOINC lab Observations),
copied to tests/services/recheck13_charts/; the controls edit them in place.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, labels
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck13_charts"
LITHIUM = "running-lithium-level"
HARM = "adjunct-harm"
OPTIMISE = "optimize-switch-augment"
N01 = "n01_lithium_0_9_stable_maintenance"
N03 = "n03_lithium_0_9_no_response"
N04 = "n04_td_resolved_2018_aripiprazole_now"
N05 = "n05_td_resolved_trd_options"
N07 = "n07_t3_tsh_0_3_no_symptoms"
LITHIUM_LOINC = "14334-7"
TSH_LOINC = "3016-3"
TD_CODE = "G24.01"
Doc = dict[str, Any]


_chart = chart_files.loader(CHARTS)
_resources = chart_files.prefetch_resources


def _coded(resource: Doc, code: str) -> bool:
    concept = resource.get("code") or {}
    return any(c.get("code") == code for c in concept.get("coding", []))


def _edit(doc: Doc, kind: str, code: str, change: Callable[[Doc], None]) -> Doc:
    found = [r for r in _resources(doc) if r["resourceType"] == kind and _coded(r, code)]
    assert found, (kind, code)
    for resource in found:
        change(resource)
    return doc


def _latest_value(doc: Doc, code: str, value: float, flag: str) -> Doc:
    """The latest Observation of `code` set to `value` with its H/L/N interpretation."""
    found = [r for r in _resources(doc) if r["resourceType"] == "Observation" and _coded(r, code)]
    latest = max(found, key=lambda r: r["effectiveDateTime"])
    latest["valueQuantity"]["value"] = value
    latest["interpretation"] = [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                    "code": flag,
                }
            ]
        }
    ]
    return doc


_at = Evaluator(AS_OF, hook="patient-view")
_cards = _at.by_topic


# --- n01/n03: lithium 0.9 -------------------------------------------------------------------------


def test_lithium_0_9_in_a_stable_responder_gets_no_lithium_card() -> None:
    found = _cards(_chart(N01))
    assert LITHIUM not in found or found[LITHIUM]["indicator"] == "info"  # due only (lith49)


def test_lithium_0_9_no_card_and_the_optimise_card_keeps_its_one_clicks_and_target_line() -> None:
    cards = _cards(_chart(N03))
    assert LITHIUM not in cards or cards[LITHIUM]["indicator"] == "info"  # due only (lith49)
    optimise = cards[OPTIMISE]
    assert "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)" in labels(optimise)
    assert (
        "last level 0.9 mmol/L on 2025-05-13: **above the 0.5-0.8 mmol/L target**"
        in (optimise["detail"])
    )
    assert "Not one click while the lithium level" not in optimise["detail"]


def test_lithium_above_1_0_is_a_warning_card_that_holds_the_one_clicks() -> None:
    cards = _cards(_latest_value(_chart(N03), LITHIUM_LOINC, 1.1, "H"))
    card = cards[LITHIUM]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Lithium 1.1 mmol/L on 2025-05-13 (above the 1.0 limit)")
    assert "hold or reduce" in card["summary"]
    assert (
        "above 1.0 mmol/L, the upper limit for lithium augmentation (NICE NG222" in (card["detail"])
    )
    assert labels(cards[OPTIMISE]) == []


def test_lithium_0_9_with_a_raising_drug_started_since_the_level_asks_to_repeat_it() -> None:
    doc = _chart(N01)
    lithium = next(
        r
        for r in _resources(doc)
        if r["resourceType"] == "MedicationRequest"
        and "lithium" in r["medicationCodeableConcept"].get("text", "")
    )
    lisinopril = copy.deepcopy(lithium)
    lisinopril["id"] = "mr-lisinopril-g1"
    lisinopril["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "314076",
                "display": "lisinopril 10 MG Oral Tablet",
            }
        ],
        "text": "lisinopril 10 MG Oral Tablet",
    }
    lisinopril["authoredOn"] = "2025-05-20T09:30:00-05:00"
    for instruction in lisinopril.get("dosageInstruction", []):
        instruction["text"] = "lisinopril 10 mg by mouth once daily"
    bundle = doc["prefetch"]["medicationRequests"]
    bundle["entry"].append(
        {"fullUrl": "MedicationRequest/mr-lisinopril-g1", "resource": lisinopril}
    )
    card = _cards(doc)[LITHIUM]
    assert card["indicator"] == "warning"
    assert "lisinopril started since: repeat level now" in card["summary"]
    assert "hold or reduce" not in card["summary"]
    assert "lisinopril started after it was taken" in card["detail"]


# --- n04/n05: tardive dyskinesia resolved ---------------------------------------------------------


def test_a_resolved_td_before_the_antipsychotic_is_said_as_history() -> None:
    cards = _cards(_chart(N04))
    card = cards[HARM]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "History of tardive dyskinesia (resolved 2018, before aripiprazole) with aripiprazole "
        "5 mg/day running: watch for recurrence (AIMS)"
    )
    assert "consider reducing or stopping" not in card["summary"]
    assert "(G24.01), coded 2016-05-01, resolved 2018-03-01" in card["detail"]
    assert "AIMS" in card["detail"]


def _active_td(resource: Doc) -> None:
    resource["clinicalStatus"]["coding"][0].update(code="active", display="Active")
    for key in [k for k in resource if k.startswith("abatement")]:
        del resource[key]


def test_an_active_td_keeps_the_current_effect_wording() -> None:
    card = _cards(_edit(_chart(N04), "Condition", TD_CODE, _active_td))[HARM]
    assert card["summary"].startswith("Tardive dyskinesia with aripiprazole 5 mg/day running")
    assert "consider reducing or stopping it" in card["summary"]


def test_td_history_without_an_antipsychotic_holds_antipsychotic_proposals_with_a_line() -> None:
    optimise = _cards(_chart(N05))[OPTIMISE]
    assert not [s for s in labels(optimise) if "aripiprazole" in s or "brexpiprazole" in s]
    assert (
        "**Not one click with tardive dyskinesia on record** (G24.01, coded 2016-05-01, "
        in (optimise["detail"])
    )
    assert "resolved 2018-03-01): Propose adjunctive aripiprazole 2 mg/day" in optimise["detail"]


def test_without_td_the_antipsychotic_adjunct_stays_one_click() -> None:
    doc = answered(_chart(N05))
    entries = doc["prefetch"]["conditions"]["entry"]
    doc["prefetch"]["conditions"]["entry"] = [
        e for e in entries if not _coded(e["resource"], TD_CODE)
    ]
    optimise = _cards(doc)[OPTIMISE]
    assert "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)" in labels(optimise)
    assert "tardive dyskinesia on record" not in optimise["detail"]


# --- n07: a low TSH on liothyronine ---------------------------------------------------------------


def test_a_tsh_of_0_3_on_liothyronine_gets_no_card_and_holds_nothing() -> None:
    cards = _cards(answered(_chart(N07)))
    assert HARM not in cards
    assert "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)" in labels(cards[OPTIMISE])


def test_a_suppressed_tsh_below_0_1_on_liothyronine_gets_the_card() -> None:
    card = _cards(_latest_value(_chart(N07), TSH_LOINC, 0.05, "L"))[HARM]
    assert "with a suppressed TSH: review, reduce or stop it" in card["summary"]
