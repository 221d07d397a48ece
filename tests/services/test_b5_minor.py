"""Review 14 minor findings that touch safety or said something untrue.

- M1 (r07): bipolar II entered with verificationStatus `differential` is still read as bipolar
  (the unipolar pathway stays closed, the running venlafaxine without a mood stabiliser is
  named), but the card says "(differential, not confirmed)"; `provisional` likewise.
- M3 (s01): the diagnosis-review substance line names the AUDIT-C 9 beside F10.20; bupropion on
  the switch list carries a caveat pointer, and the card its caveat line (seizure risk with
  excessive alcohol use; contraindicated during abrupt alcohol discontinuation: bupropion labels).
- M4 (d02): venlafaxine XR 225 mg/day ended today untapered, bupropion drafted: a
  discontinuation-symptom line at the order. (d01): a stop dated today is not "still running".
- M2 (p03): psychotherapy sent only as Encounters: the summary says what the card reads ("no
  psychotherapy procedure or referral on record").

Charts: review 14's CDS Hooks requests (US Core / Epic-shaped prefetch: ICD-10-CM problem-list
Conditions, RxNorm MedicationRequests and MedicationDispenses, LOINC PHQ-9 and AUDIT-C
Observations, Encounters with CPT 90834), copied to tests/services/review14_charts/; the controls
edit them in place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review14_charts"
DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
PSYCHOTHERAPY = "psychotherapy"
CAUTION = "order-drug-caution"
SAME_CLASS_OR_REPEAT = ("order-repeats-failed-trial", "order-same-class-running")
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)
_resources = chart_files.prefetch_resources
_at = Evaluator(AS_OF)
_cards = _at.by_topic


def _drop(doc: Doc, keep: Any) -> None:
    """Remove the prefetch resources `keep` says no to (in place, every bundle)."""
    for value in doc["prefetch"].values():
        if isinstance(value, dict) and value.get("resourceType") == "Bundle":
            value["entry"] = [e for e in value.get("entry", []) if keep(e["resource"])]


def _bipolar_conditions(doc: Doc) -> list[Doc]:
    return [
        r
        for r in _resources(doc)
        if r["resourceType"] == "Condition"
        and any(c.get("code", "").startswith("F31") for c in r["code"].get("coding", []))
    ]


def _verification(code: str) -> dict[str, Any]:
    return {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                "code": code,
            }
        ]
    }


# --- M1: a differential bipolar diagnosis ----------------------------------------------------


def test_differential_bipolar_is_said_as_not_confirmed_and_still_blocks() -> None:
    doc = _chart("r07_bipolar_differential")
    assert {r["verificationStatus"]["coding"][0]["code"] for r in _bipolar_conditions(doc)} == {
        "differential"
    }
    cards = _cards(doc)
    card = cards[DIAGNOSIS]
    assert "bipolar disorder on record (differential, not confirmed)" in card["summary"]
    assert "venlafaxine without a mood stabiliser" in card["summary"]
    assert card["indicator"] == "warning"
    assert "**Bipolar disorder on record (differential, not confirmed):**" in card["detail"]
    assert "Until psychiatry confirms or refutes it" in card["detail"]
    # Still the safer reading: the unipolar escalation card stays off.
    assert OPTIMISE not in cards


def test_provisional_bipolar_is_said_as_provisional() -> None:
    doc = _chart("r07_bipolar_differential")
    for condition in _bipolar_conditions(doc):
        condition["verificationStatus"] = _verification("provisional")
    summary = _cards(doc)[DIAGNOSIS]["summary"]
    assert "bipolar disorder on record (provisional, not confirmed)" in summary


def test_confirmed_bipolar_keeps_the_plain_words() -> None:
    doc = _chart("r07_bipolar_differential")
    for condition in _bipolar_conditions(doc):
        condition["verificationStatus"] = _verification("confirmed")
    card = _cards(doc)[DIAGNOSIS]
    assert "not confirmed" not in card["summary"] + card["detail"]
    assert "bipolar disorder on record, venlafaxine" in card["summary"]


# --- M3: alcohol dependence with an AUDIT-C of 9 ---------------------------------------------


def test_substance_line_names_the_audit_c_score() -> None:
    detail = _cards(_chart("s01_aud_auditc_9"))[DIAGNOSIS]["detail"]
    assert "(ICD-10-CM F10.20, since 2024-06-01); AUDIT-C 9 on 2025-05-12." in detail


def test_bupropion_on_the_switch_list_carries_the_alcohol_caveat() -> None:
    detail = _cards(_chart("s01_aud_auditc_9"))[OPTIMISE]["detail"]
    assert "NDRI: bupropion (caveat: bupropion labels 4 and 5.3)" in detail
    assert (
        "**Bupropion, if considered:** seizure risk is higher with excessive alcohol use, and "
        "bupropion is contraindicated while alcohol is stopped abruptly (withdrawal)"
    ) in detail
    assert "(on record: Alcohol dependence, uncomplicated (ICD-10-CM F10.20); bupropion labels" in (
        detail
    )


def test_no_alcohol_on_record_no_bupropion_caveat() -> None:
    doc = _chart("s01_aud_auditc_9")

    def keep(r: Doc) -> bool:
        codes = {c.get("code") for c in r.get("code", {}).get("coding", [])}
        return not codes & {"F10.20", "75626-2"}

    _drop(doc, keep)
    detail = _cards(doc)[OPTIMISE]["detail"]
    assert "NDRI: bupropion;" in detail
    assert "if considered" not in detail


# --- M4: an abrupt stop on the day of the draft ----------------------------------------------


def test_venlafaxine_stopped_untapered_gets_a_discontinuation_line_at_bupropion() -> None:
    card = _cards(_chart("d02_venlafaxine_abrupt_stop_draft_bupropion"))[CAUTION]
    assert "discontinuation symptoms" in card["summary"]
    assert (
        "**Discontinuation symptoms:** venlafaxine 225 mg/day, stop dated 2025-06-02, with no "
        "dose reduction on record. Bupropion (NDRI) does not prevent venlafaxine "
        "discontinuation symptoms"
    ) in card["detail"]
    assert "gradual dose reduction rather than abrupt cessation" in card["detail"]
    assert card["source"]["label"] == "Effexor XR label (discontinuation)"


def test_a_direct_switch_to_another_ssri_gets_no_discontinuation_line() -> None:
    cards = _cards(_chart("d01_paroxetine_abrupt_stop_draft_sertraline"))
    assert "Discontinuation symptoms" not in " ".join(c["detail"] for c in cards.values())


def test_a_stop_dated_today_is_not_still_running() -> None:
    cards = _cards(_chart("d01_paroxetine_abrupt_stop_draft_sertraline"))
    card = next(cards[t] for t in SAME_CLASS_OR_REPEAT if t in cards)
    assert "still running" not in card["summary"]
    assert "paroxetine stopped 2025-06-02" in card["summary"]
    assert "2024-12-02 – 2025-06-02 (stop on record)" in card["detail"]
    assert "2024-12-02 – ongoing" not in card["detail"]


# --- M2: psychotherapy recorded only as Encounters -------------------------------------------


def test_psychotherapy_summary_says_what_the_card_reads() -> None:
    # The probe chart was sent on the older discovery: no `encounters` key, so its visits could
    # not be read and the card says so (the visits read: tests/services/test_psychotherapy_visits.py).
    card = _cards(_chart("p03_psychotherapy_encounters_only"))[PSYCHOTHERAPY]
    assert "psychotherapy history not available" in card["summary"]
    assert "no psychotherapy on record" not in card["summary"]
