"""Review s28 RJ (diagnosis review as vendors code it), findings 1-6.

- Finding 1 (UNSAFE): bupropion drafted beside an active sedative/benzodiazepine use disorder
  (F13.20) got no card, while F10.20 got the labels' caveat. Now the sedative-use code set
  (services/data/finding_code_sets.csv) carries the same caveat (bupropion labels 4 and 5.3), at
  the order and on the switch list.
- Finding 2: alcohol dependence with withdrawal (F10.239, 12 days old) read "Contraindications
  Met" on the TMS card. Now an active withdrawal is a TMS caution the TMS service screens
  (fhir_mapping/data/tms_safety_codes.csv), never an absolute bar.
- Finding 3: a Condition status sent as text only ({"text": "Resolved"}) or as an STU3 string
  ("refuted") was ignored: a refuted bipolar disorder held escalation. Now words that are exactly
  an R4 status code or display are read (fhir_mapping/data/status_texts.csv); others stay absent.
- Finding 4: E89.0, E06.3 and G47.30 read as nothing; now hypothyroidism and sleep apnea.
- Finding 5: a CPAP Device marked inactive counted as treatment; now it is named, not counted.
- Finding 6: an OSA encounter diagnosis of a 2018 visit (no status) held escalation as untreated;
  now it is a question, by the substance line's rule (policy.substance_visit_current_days).

Charts: tests/services/diagnosis_review28_charts/ (the reviewer's, on the trd_meets_tms fixture,
every prefetch key; as of 2025-06-01 as the reviewer ran them).
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 1)
Doc = dict[str, Any]
DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
CONTROL_OPTIMISE = (
    "2 adequate trials failed (sertraline, venlafaxine): augment (aripiprazole or brexpiprazole) "
    "or switch class"
)
CONTROL_TMS = (
    "2 adequate trials failed (sertraline, venlafaxine); PHQ-9 18: consider TMS referral; payer "
    "criteria not yet met (clinic default rule set)"
)

_chart = chart_files.loader(Path(__file__).parent / "diagnosis_review28_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


def _summaries(doc: Doc) -> list[tuple[str, str]]:
    return [(c["indicator"], c["summary"]) for c in _cards(doc)]


def _conditions(doc: Doc) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"]["conditions"]["entry"]]


@pytest.mark.parametrize(
    "name",
    [
        "bupropion_draft_f1020_sign_control",
        "bupropion_draft_f1320_sign",
        "e063_hashimoto_no_tsh",
        "e890_postprocedural_hypothyroidism_no_tsh",
        "f1020_alcohol_status_text_resolved",
        "f10239_alcohol_withdrawal_12_days",
        "f1320_benzo_dependence_active",
        "f31_bipolar_status_text_resolved_refuted",
        "g4730_sleep_apnea_unspecified",
        "g4733_cpap_device_active_control",
        "g4733_cpap_device_inactive",
        "osa_sct_encounter_diagnosis_2018_no_status",
    ],
)
def test_the_charts_are_as_an_ehr_sends_them(name: str) -> None:
    chart_files.check_chart(_chart(name))


# --- finding 1: bupropion with a sedative use disorder -----------------------------------------


def test_bupropion_drafted_beside_benzodiazepine_dependence_gets_the_caveat() -> None:
    cards = _cards(_chart("bupropion_draft_f1320_sign"))
    assert [(c["indicator"], c["summary"]) for c in cards] == [
        (
            "warning",
            "Bupropion with sedative use on record: see the caveat (bupropion labels 4 and 5.3)",
        )
    ]
    detail = cards[0]["detail"]
    assert "contraindicated while benzodiazepines, barbiturates or other sedatives" in detail
    assert "(ICD-10-CM F13.20), since 2024-06-01; bupropion labels 4 and 5.3" in detail


def test_bupropion_beside_alcohol_dependence_is_unchanged() -> None:
    assert _summaries(_chart("bupropion_draft_f1020_sign_control")) == [
        (
            "warning",
            "Bupropion with alcohol use on record: see the caveat (bupropion labels 4 and 5.3)",
        )
    ]


def test_the_switch_list_names_the_caveat_beside_benzodiazepine_dependence() -> None:
    cards = by_topic(_cards(_chart("f1320_benzo_dependence_active")))
    detail = cards[OPTIMISE]["detail"]
    assert "NDRI: bupropion (caveat: bupropion labels 4 and 5.3)" in detail
    assert "**Bupropion, if considered:** seizure risk is higher with excessive sedative" in detail
    assert cards[DIAGNOSIS]["summary"] == (
        "Review substance use alongside escalation: sedative, hypnotic or anxiolytic dependence, "
        "uncomplicated (ICD-10-CM F13.20)"
    )


def test_sedative_dependence_in_remission_carries_no_caveat() -> None:
    doc = _chart("f1320_benzo_dependence_active")
    coding = _conditions(doc)[-1]["code"]["coding"][0]
    coding["code"], coding["display"] = "F13.21", "Sedative dependence, in remission"
    detail = by_topic(_cards(doc))[OPTIMISE]["detail"]
    assert "sedative or benzodiazepine use" not in detail


# --- finding 2: withdrawal before TMS ----------------------------------------------------------


def test_recent_alcohol_withdrawal_is_a_tms_safety_item_not_a_bar() -> None:
    cards = by_topic(_cards(_chart("f10239_alcohol_withdrawal_12_days")))
    tms = cards[TMS]
    assert tms["indicator"] == "info"
    assert tms["summary"] == (
        "2 adequate trials failed; PHQ-9 18: consider TMS referral; safety screen first: Alcohol "
        "dependence with withdrawal, unspecified"
    )
    assert (
        "**TMS safety screen required:** Alcohol dependence with withdrawal, unspecified "
        "(F10.239, since 2025-05-20)"
    ) in tms["detail"]
    assert "other TMS safety items to screen are listed above" in tms["detail"]


def test_resolved_withdrawal_is_no_tms_safety_item() -> None:
    doc = _chart("f10239_alcohol_withdrawal_12_days")
    _conditions(doc)[-1]["clinicalStatus"]["coding"][0]["code"] = "resolved"
    assert "safety screen" not in by_topic(_cards(doc))[TMS]["summary"]


# --- finding 3: a status sent as words ---------------------------------------------------------


def test_refuted_bipolar_as_text_holds_nothing() -> None:
    assert _summaries(_chart("f31_bipolar_status_text_resolved_refuted")) == [
        ("warning", CONTROL_OPTIMISE),
        ("info", CONTROL_TMS),
    ]


def test_refuted_bipolar_as_stu3_strings_holds_nothing() -> None:
    # Not valid R4 (so built here, never kept as a chart file), read tolerantly as STU3's
    # doseQuantity on the Dosage is.
    doc = _chart("f31_bipolar_status_text_resolved_refuted")
    bipolar = _conditions(doc)[-1]
    bipolar["clinicalStatus"], bipolar["verificationStatus"] = "resolved", "refuted"
    assert _summaries(doc) == [("warning", CONTROL_OPTIMISE), ("info", CONTROL_TMS)]


@pytest.mark.parametrize("words", ["Active", "confirmed", "Active problem", ""])
def test_words_that_are_not_a_refuting_status_leave_the_bipolar_hold(words: str) -> None:
    doc = _chart("f31_bipolar_status_text_resolved_refuted")
    bipolar = _conditions(doc)[-1]
    bipolar["clinicalStatus"] = {"text": words}
    bipolar["verificationStatus"] = {"text": words}
    assert by_topic(_cards(doc))[DIAGNOSIS]["summary"] == (
        "Confirm the diagnosis before escalating: bipolar disorder on record, venlafaxine "
        "without a mood stabiliser"
    )


def test_resolved_alcohol_dependence_as_text_is_no_substance_line() -> None:
    assert _summaries(_chart("f1020_alcohol_status_text_resolved")) == [
        ("warning", CONTROL_OPTIMISE),
        ("info", CONTROL_TMS),
    ]


# --- finding 4: codes that read as nothing -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "what"),
    [("g4730_sleep_apnea_unspecified", "untreated sleep apnea")],
)
def test_missing_codes_now_read(name: str, what: str) -> None:
    # e063_hashimoto_no_tsh holds a TSH in range (2.1 on 2025-03-24): euthyroid autoimmune
    # thyroiditis holds nothing (recheck K11 s28 finding 3; test_dx29_withdrawal_thyroiditis_status).
    assert _summaries(_chart(name)) == [
        ("warning", f"Confirm the diagnosis before escalating: {what}"),
        (
            "warning",
            f"2 adequate trials failed (sertraline, venlafaxine): review {what} first, then "
            "augment or switch class",
        ),
        (
            "info",
            f"2 adequate trials failed; PHQ-9 18: review {what} first, then consider TMS "
            "referral; payer criteria not yet met",
        ),
    ]


def test_postprocedural_hypothyroidism_read_with_its_normal_tsh() -> None:
    # E89.0 is read as hypothyroidism; the chart's TSH 2.1 of 2025-03-24 is in range within the
    # look-back, so it holds nothing and is named with the TSH (care69, review K61a finding 11).
    assert _summaries(_chart("e890_postprocedural_hypothyroidism_no_tsh")) == [
        ("warning", CONTROL_OPTIMISE),
        ("info", "Review alongside escalation: hypothyroidism, TSH normal 2.1"),
        ("info", CONTROL_TMS),
    ]


# --- finding 5: a CPAP Device marked inactive --------------------------------------------------


def test_an_inactive_cpap_device_is_not_treatment() -> None:
    cards = by_topic(_cards(_chart("g4733_cpap_device_inactive")))
    card = cards[DIAGNOSIS]
    assert card["summary"] == "Confirm the diagnosis before escalating: untreated sleep apnea"
    assert (
        "**Sleep apnea, CPAP marked inactive:** OSA (ICD-10-CM G47.33, since 2023-01-10); the "
        "device list marks Home continuous positive airway pressure unit inactive, not in use."
    ) in card["detail"]


def test_an_active_cpap_device_is_treatment() -> None:
    assert _summaries(_chart("g4733_cpap_device_active_control")) == [
        ("warning", CONTROL_OPTIMISE),
        ("info", CONTROL_TMS),
    ]


# --- finding 6: an old visit's apnea diagnosis -------------------------------------------------


def test_an_old_visit_apnea_diagnosis_is_a_question() -> None:
    cards = _cards(_chart("osa_sct_encounter_diagnosis_2018_no_status"))
    assert [(c["indicator"], c["summary"]) for c in cards] == [
        ("warning", CONTROL_OPTIMISE),
        ("info", "Review sleep apnea alongside escalation: recorded at a 2018 visit, ask"),
        ("info", CONTROL_TMS),
    ]
    assert (
        "**Sleep apnea recorded at a 2018 visit:** Obstructive sleep apnea syndrome (SNOMED CT "
        "78275009, encounter diagnosis of the visit on 2018-03-01, no status since)."
    ) in cards[1]["detail"]


def test_a_recent_visit_apnea_diagnosis_still_reads_untreated() -> None:
    doc = _chart("osa_sct_encounter_diagnosis_2018_no_status")
    apnea = copy.deepcopy(_conditions(doc)[-1])
    for key in ("onsetDateTime", "recordedDate"):
        if key in apnea:
            apnea[key] = "2025-03-01"
    _conditions(doc)[-1].update(apnea)
    assert by_topic(_cards(doc))[DIAGNOSIS]["summary"] == (
        "Confirm the diagnosis before escalating: untreated sleep apnea"
    )
