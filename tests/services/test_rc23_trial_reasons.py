"""RC review s23 (how trials are counted in complex histories), findings 3, 4, 5 and 7.

- 3a: intolerance coded as an ICD-10-CM adverse-effect Condition (T43.225A "Adverse effect of
  selective serotonin reuptake inhibitors", the day sertraline 100 stopped after 2.9 weeks) read
  "1 trial not adequate ... review dose and adherence" and sertraline was offered again. Now the
  course of the class that ended within adverse_effect_code_days (policy, 14) of the code is "not
  tolerated", as the same history coded as an AllergyIntolerance is.
- 3b: intolerance said only in the stopped order's note ("severe nausea ... could not
  tolerate"): named "not tolerated (to confirm)", held from the switch list, not counted toward
  TMS until confirmed.
- 4: sertraline 25 mg/day in 2021, then an adequate sertraline 150 course in 2025: the adherence
  card no longer asks about the 2021 course.
- 5: statusReason `preg`: "stopped for pregnancy or breastfeeding, not a failure", no adherence
  question.
- 7: mirtazapine 30 mg/day with no response as an adjunct for 13 weeks: "Failed as adjunct, not
  proposed", no longer a switch option.

Charts: tests/services/trial_reasons_charts/ (US Core / Epic shaped requests built from
leftover18 c01, every prefetch key), evaluated at the patient-view hook as of 2026-12-01.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.policy import MappingPolicy
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
ADHERENCE = "adherence-review"
OPTIMIZE = "optimize-switch-augment"
TMS = "tms-referral"
STATUS_REASON = "http://terminology.hl7.org/CodeSystem/medicationrequest-status-reason"

_chart = chart_files.loader(Path(__file__).parent / "trial_reasons_charts")
_at = Evaluator(date(2026, 12, 1), hook="patient-view")
_by_topic = _at.by_topic


def _switch(doc: Doc, policy: Policy | None = None) -> str:
    """The switch section and the "Not tolerated" paragraph after it."""
    detail: str = _by_topic(doc, policy=policy)[OPTIMIZE]["detail"]
    return " ".join(detail[detail.index("**Switch:**") :].split("\n\n")[:2])


def _options(switch: str) -> str:
    """The switch options sentence alone (not the failed / not tolerated lines)."""
    return switch[switch.index("Switch options") :].split(".")[0]


def _adverse_effect(doc: Doc) -> Doc:
    (entry,) = [
        e for e in doc["prefetch"]["conditions"]["entry"] if "T43" in json.dumps(e["resource"])
    ]
    resource: Doc = entry["resource"]
    return resource


def _stopped_order(doc: Doc) -> Doc:
    (order,) = [
        e["resource"]
        for e in doc["prefetch"]["medicationRequests"]["entry"]
        if e["resource"]["status"] == "stopped"
    ]
    return order


# --- 3a: ICD-10-CM adverse-effect code ---------------------------------------------------------

CODED = (
    "**Not tolerated, never proposed:** sertraline (adverse effect of an SSRI (ICD-10-CM "
    "T43.225A) coded as the course begun 2025-06-01 ended, 2025-06-21)."
)


def test_an_ssri_adverse_effect_code_marks_the_sertraline_course_not_tolerated() -> None:
    cards = _by_topic(_chart("intolerance_icd_T43225A"))
    assert ADHERENCE not in cards  # was "1 trial not adequate (sertraline 2.9 wk): review ..."
    switch = _switch(_chart("intolerance_icd_T43225A"))
    assert CODED in switch
    assert "sertraline" not in _options(switch)
    assert cards[TMS]["summary"].startswith("1 adequate trial failed and 1 not tolerated")
    assert (
        "Medication trials: 2 counted from 2 classes: sertraline (SSRI, not tolerated), "
        "venlafaxine (SNRI, failed)" in cards[TMS]["detail"]
    )


def test_the_code_counts_as_the_same_history_coded_as_an_allergy_entry_does() -> None:
    coded = _by_topic(_chart("intolerance_icd_T43225A"))[TMS]["detail"]
    allergy = _by_topic(_chart("intolerance_allergy_entry"))[TMS]["detail"]
    line = "Medication trials: 2 counted from 2 classes"
    assert [x for x in coded.splitlines() if line in x] == [
        x for x in allergy.splitlines() if line in x
    ]


@pytest.mark.parametrize("code", ["T43225D", "t43.225s", "T43.225"])
def test_the_code_is_read_with_any_seventh_character_and_with_or_without_its_dot(
    code: str,
) -> None:
    doc = _chart("intolerance_icd_T43225A")
    _adverse_effect(doc)["code"]["coding"][0]["code"] = code
    assert f"(ICD-10-CM {code}) coded as the course" in _switch(doc)


def test_a_code_of_another_class_leaves_the_ssri_course_as_it_was() -> None:
    doc = _chart("intolerance_icd_T43225A")
    _adverse_effect(doc)["code"]["coding"][0]["code"] = "T43.215A"  # SNRI
    cards = _by_topic(doc)
    assert "sertraline 2.9 wk" in cards[ADHERENCE]["summary"]
    assert "Not tolerated" not in _switch(doc)


def test_a_code_more_than_the_policy_days_after_the_stop_is_not_read_against_it() -> None:
    doc = _chart("intolerance_icd_T43225A")
    _adverse_effect(doc)["onsetDateTime"] = "2025-07-21"
    _adverse_effect(doc)["recordedDate"] = "2025-07-21"
    assert ADHERENCE in _by_topic(doc)  # 30 days after: not this course's
    wider = Policy(mapping=MappingPolicy(adverse_effect_code_days=45))
    assert ADHERENCE not in _by_topic(doc, policy=wider)
    assert "coded as the course begun 2025-06-01 ended, 2025-07-21" in _switch(doc, wider)


def test_an_unspecified_antidepressant_code_after_the_stop_may_be_discontinuation() -> None:
    # T43.205's inclusion term is antidepressant discontinuation syndrome: only within a course.
    doc = _chart("intolerance_icd_T43225A")
    code = _adverse_effect(doc)
    code["code"]["coding"][0]["code"] = "T43.205A"
    code["onsetDateTime"] = code["recordedDate"] = "2025-06-25"
    assert ADHERENCE in _by_topic(doc)
    code["onsetDateTime"] = code["recordedDate"] = "2025-06-18"
    assert "adverse effect of an antidepressant (class not specified)" in _switch(doc)


def test_a_refuted_code_marks_nothing() -> None:
    doc = _chart("intolerance_icd_T43225A")
    _adverse_effect(doc)["verificationStatus"]["coding"][0]["code"] = "refuted"
    assert ADHERENCE in _by_topic(doc)


# --- 3b: the order's note ----------------------------------------------------------------------

NOTED = (
    "**Not tolerated, never proposed:** sertraline (to confirm: the order's note says nausea, "
    "could not tolerate, 2025-06-21)."
)


def test_a_stopped_order_whose_note_says_not_tolerated_is_held_to_confirm() -> None:
    doc = _chart("intolerance_order_note_only")
    cards = _by_topic(doc)
    assert ADHERENCE not in cards
    switch = _switch(doc)
    assert NOTED in switch
    assert "sertraline" not in _options(switch)
    # Not counted toward TMS until confirmed: one counted trial, no TMS card.
    assert TMS not in cards


@pytest.mark.parametrize(
    "note",
    [
        "Stopped after 3 weeks by patient choice. No side effects.",
        "Nausea on citalopram in 2023. Stopped at 3 weeks: moved away.",
    ],
)
def test_a_note_that_denies_it_or_is_about_another_drug_marks_nothing(note: str) -> None:
    doc = _chart("intolerance_order_note_only")
    _stopped_order(doc)["note"] = [{"text": note}]
    assert "sertraline 2.9 wk" in _by_topic(doc)[ADHERENCE]["summary"]


# --- 4: an underdosed course a later adequate course of the drug answers -----------------------


def test_an_earlier_underdosed_course_of_a_drug_with_a_later_adequate_course_is_not_asked() -> None:
    cards = _by_topic(_chart("underdosed_then_adequate_same_drug"))
    assert ADHERENCE not in cards  # was "1 trial not adequate (sertraline 25 mg/day < 50 ..."


def test_without_the_later_course_the_underdosed_one_is_still_asked_about() -> None:
    doc = _chart("underdosed_then_adequate_same_drug")
    for key in ("medicationRequests", "medicationDispenses"):
        bundle = doc["prefetch"][key]
        bundle["entry"] = [
            e for e in bundle["entry"] if "sertraline 150" not in json.dumps(e["resource"])
        ]
    card = _by_topic(doc)[ADHERENCE]
    assert "sertraline 25 mg/day < 50 minimum" in card["summary"]


# --- 5: stopped for pregnancy ------------------------------------------------------------------

PREGNANCY = "sertraline (tried 2024-03-01 – 2024-04-05, stopped for pregnancy or breastfeeding, not a failure)"


@pytest.mark.parametrize(
    "reason",
    [
        None,  # as charted: medicationrequest-status-reason preg
        {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "PREG"}
            ]
        },
        {"text": "Patient is pregnant"},
    ],
)
def test_a_course_stopped_for_pregnancy_is_no_failure_and_no_adherence_question(
    reason: Doc | None,
) -> None:
    doc = _chart("stopped_for_pregnancy")
    if reason is not None:
        _stopped_order(doc)["statusReason"] = reason
    assert ADHERENCE not in _by_topic(doc)  # was "sertraline 5 wk, possibly adequate: review"
    assert PREGNANCY in _switch(doc)


def test_a_stop_reason_that_denies_pregnancy_is_not_read_as_one() -> None:
    doc = _chart("stopped_for_pregnancy")
    _stopped_order(doc)["statusReason"] = {"text": "Not pregnant; stopped by patient"}
    assert ADHERENCE in _by_topic(doc)
    assert "pregnancy" not in _switch(doc)


# --- 7: an adjunct with no response is not a switch option -------------------------------------


def test_mirtazapine_with_no_response_as_an_adjunct_is_failed_not_proposed() -> None:
    switch = _switch(_chart("mirtazapine_failed_adjunct"))
    assert (
        "Failed as adjunct, not proposed: mirtazapine (30 mg/day for 13.1 wk, 2025-06-01 – "
        "2025-09-01, no response)." in switch
    )
    assert "mirtazapine" not in _options(switch)
    assert "NaSSA" not in _options(switch)
