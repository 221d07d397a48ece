"""Review 19 item 2: an antidepressant taken with a condition it treats on record, and no
depression diagnosis, is no failed depression trial; a depressed PHQ-9 beside it asks for an
assessment for a major depressive episode.

- i2_duloxetine_fibromyalgia_problem_list (a06b): duloxetine 60 mg filled for 18 months, its
  order stating no reason, fibromyalgia (M79.7) active on the problem list, no depression
  diagnosis, PHQ-9 13 -> 14. Was: "1 adequate trial failed (duloxetine): switch to a non-SNRI
  mechanism or augment (aripiprazole or brexpiprazole)", one-click antipsychotics, and a
  psychotherapy card. Now: the course is read as fibromyalgia treatment
  (fhir_mapping/condition_indications.py, data/indication_drugs.csv), and the diagnosis review
  says "PHQ-9 14 with no depression diagnosis on record ...: assess for a major depressive
  episode".
- i2_duloxetine_fibromyalgia_reason_code (a06c: M79.7 as the order's reasonCode) and
  i2_zyban_smoking_reason (a07c: Zyban ordered for F17.210, PHQ-9 15): no card at all before,
  the same assessment line now (the PHQ-9 signal is not dropped in silence).
- Kept safe: a depression diagnosis on record (a Condition, or depression stated on an order)
  wins; a condition the drug is not paired with, a resolved or a provisional one, reads nothing.

Charts: tests/services/review19i_charts/ (Oracle / Epic shaped requests, every prefetch key).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.condition_indications import with_condition_indications
from fhir_mapping.record import InadequacyReason, IndicationCategory, PatientRecord, Verdict
from services.policy import Policy
from services.trial_verdict_text import verdict_text
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
PSYCHOTHERAPY = "psychotherapy"
PROBLEM_LIST = "i2_duloxetine_fibromyalgia_problem_list_phq9_14_oracle"
REASON_CODE = "i2_duloxetine_fibromyalgia_reason_code_phq9_14_oracle"
ZYBAN = "i2_zyban_smoking_reason_phq9_15_epic"
PATIENT = "433654977"  # the two duloxetine charts' patient

_chart = chart_files.loader(Path(__file__).parent / "review19i_charts")
_at = Evaluator(AS_OF)
_evaluate = _at.by_topic_and_record


def _condition(doc: Doc) -> Doc:
    (entry,) = doc["prefetch"]["conditions"]["entry"]
    resource: Doc = entry["resource"]
    return resource


def _duloxetine(record: PatientRecord) -> Any:
    (trial,) = [t for t in record.trials if t.ingredient == "duloxetine"]
    return trial


def _with_depression_condition(doc: Doc) -> Doc:
    doc["prefetch"]["conditions"]["entry"].append(
        {
            "resource": {
                "resourceType": "Condition",
                "id": "mdd-433654977",
                "clinicalStatus": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                            "code": "active",
                        }
                    ]
                },
                "verificationStatus": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                            "code": "confirmed",
                        }
                    ]
                },
                "category": [
                    {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                                "code": "problem-list-item",
                            }
                        ]
                    }
                ],
                "code": {
                    "coding": [
                        {
                            "system": "http://hl7.org/fhir/sid/icd-10-cm",
                            "code": "F33.1",
                            "display": "Major depressive disorder, recurrent, moderate",
                        }
                    ],
                    "text": "Major depressive disorder, recurrent, moderate",
                },
                "subject": {"reference": f"Patient/{PATIENT}"},
                "onsetDateTime": "2025-05-20T14:30:00Z",
                "recordedDate": "2025-05-20T15:02:00Z",
            }
        }
    )
    return doc


def _latest_phq9(doc: Doc, value: int) -> Doc:
    """The chart with its latest PHQ-9 total (2026-10-05) written as `value`."""
    for resource in chart_files.prefetch_resources(doc):
        if resource.get("id") == "912826513":
            resource["valueQuantity"]["value"] = value
            return doc
    raise AssertionError("no PHQ-9 of 2026-10-05")


# --- the problem list's fibromyalgia (a06b) ---------------------------------------------------


def test_duloxetine_with_fibromyalgia_on_record_is_no_failed_depression_trial() -> None:
    cards, record = _evaluate(_chart(PROBLEM_LIST))
    # No switch, no antipsychotic one click, no "after a failed trial" psychotherapy card.
    assert list(cards) == [DIAGNOSIS]
    trial = _duloxetine(record)
    assert trial.ongoing and trial.verdict is Verdict.NOT_A_TRIAL
    assert trial.reasons == (InadequacyReason.OTHER_INDICATION,)
    (reason,) = trial.stated_reasons
    assert (reason.category, reason.label, reason.code) == (
        IndicationCategory.NON_PSYCHIATRIC,
        "fibromyalgia",
        "M79.7",
    )
    assert reason.from_condition and str(reason.source) == "Condition/825767784"
    # Never "ordered for": the order states no reason; the basis is said.
    assert verdict_text(trial, Policy().mapping) == (
        "taken with fibromyalgia (M79.7) on record, no depression diagnosis: not counted as a "
        "depression trial"
    )


def test_the_depressed_phq9_asks_for_an_assessment_on_one_information_line() -> None:
    cards, _ = _evaluate(_chart(PROBLEM_LIST))
    card = cards[DIAGNOSIS]
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Confirm the diagnosis before escalating: PHQ-9 14, no depression diagnosis"
    )
    assert (
        "**PHQ-9 14 with no depression diagnosis on record** (moderate, 2026-10-05): not counted "
        "as a failed depression trial: duloxetine taken with fibromyalgia (M79.7) on record. "
        "Assess for a major depressive episode and record the diagnosis if one is present"
    ) in card["detail"]
    assert not card.get("suggestions")  # nothing to order: the assessment is the act


def test_a_phq9_below_the_depression_bands_gives_no_card() -> None:
    cards, record = _evaluate(_latest_phq9(_chart(PROBLEM_LIST), 6))
    assert cards == {}
    assert _duloxetine(record).verdict is Verdict.NOT_A_TRIAL


def test_the_safety_checks_still_see_the_duloxetine() -> None:
    doc = _chart(PROBLEM_LIST)
    draft = {
        "resourceType": "MedicationRequest",
        "id": "draft-venlafaxine-1",
        "status": "draft",
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [
                {
                    "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                    "code": "313585",
                    "display": "24 HR venlafaxine 75 MG Extended Release Oral Capsule",
                }
            ],
            "text": "venlafaxine 75 mg oral extended release capsule",
        },
        "subject": {"reference": f"Patient/{PATIENT}"},
        "authoredOn": "2026-12-01T15:00:00Z",
        "dosageInstruction": [
            {
                "text": "75 mg, Oral, Daily",
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [
                    {
                        "doseQuantity": {
                            "value": 75,
                            "unit": "mg",
                            "system": "http://unitsofmeasure.org",
                            "code": "mg",
                        }
                    }
                ],
            }
        ],
    }
    doc["hook"] = "order-select"
    doc["context"]["draftOrders"] = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": draft}],
    }
    doc["context"]["selections"] = ["MedicationRequest/draft-venlafaxine-1"]
    cards, _ = _evaluate(doc)
    assert cards["order-same-class-running"]["summary"] == (
        "Venlafaxine ordered while duloxetine (SNRI) is running: two SNRIs; plan the switch"
    )


# --- what keeps the course counted (the safer reading) ----------------------------------------


def test_a_depression_diagnosis_on_record_wins() -> None:
    cards, record = _evaluate(_with_depression_condition(_chart(PROBLEM_LIST)))
    trial = _duloxetine(record)
    assert trial.verdict is Verdict.ADEQUATE and trial.failed
    assert cards[OPTIMISE]["summary"].startswith("1 adequate trial failed (duloxetine)")
    assert "no depression diagnosis" not in cards.get(DIAGNOSIS, {}).get("detail", "")


def test_depression_stated_on_the_order_is_a_diagnosis_on_record() -> None:
    doc = _chart(PROBLEM_LIST)
    order = doc["prefetch"]["medicationRequests"]["entry"][0]["resource"]
    order["reasonCode"] = [
        {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/sid/icd-10-cm",
                    "code": "F32.9",
                    "display": "Major depressive disorder, single episode, unspecified",
                }
            ],
            "text": "Depression",
        }
    ]
    cards, record = _evaluate(doc)
    assert _duloxetine(record).failed
    assert OPTIMISE in cards


@pytest.mark.parametrize(
    ("what", "edit"),
    [
        # A use the table does not pair with duloxetine (migraine: amitriptyline, venlafaxine).
        (
            "migraine",
            lambda c: c.update(
                code={
                    "coding": [
                        {
                            "system": "http://hl7.org/fhir/sid/icd-10-cm",
                            "code": "G43.909",
                            "display": "Migraine, unspecified, not intractable",
                        }
                    ],
                    "text": "Migraine",
                }
            ),
        ),
        # Resolved before today: not why the drug is taken now.
        (
            "resolved",
            lambda c: c.update(
                clinicalStatus={
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                            "code": "resolved",
                        }
                    ]
                },
                abatementDateTime="2025-12-01T00:00:00Z",
            ),
        ),
        # Suspected only: it does not say why the drug was given.
        (
            "provisional",
            lambda c: c.update(
                verificationStatus={
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                            "code": "provisional",
                        }
                    ]
                }
            ),
        ),
    ],
)
def test_a_condition_that_does_not_say_why_leaves_the_trial_counted(what: str, edit: Any) -> None:
    doc = _chart(PROBLEM_LIST)
    edit(_condition(doc))
    cards, record = _evaluate(doc)
    trial = _duloxetine(record)
    assert trial.verdict is Verdict.ADEQUATE and not trial.stated_reasons, what
    assert OPTIMISE in cards, what


def test_fibromyalgia_written_in_words_only_is_read_too() -> None:
    # Oracle health concerns are often text only (vendor README trap 10).
    doc = _chart(PROBLEM_LIST)
    _condition(doc)["code"] = {"text": "Fibromyalgia"}
    cards, record = _evaluate(doc)
    assert _duloxetine(record).verdict is Verdict.NOT_A_TRIAL
    assert list(cards) == [DIAGNOSIS]
    assert "duloxetine taken with fibromyalgia on record" in cards[DIAGNOSIS]["detail"]


@pytest.mark.parametrize(("onset", "read"), [("2025-05-20", True), ("2026-03-01", False)])
def test_a_condition_first_recorded_after_the_course_ended_is_not_why_it_was_taken(
    onset: str, read: bool
) -> None:
    # The course as the mapping builds it before the rule (a depression diagnosis keeps it
    # counted), ended 2025-12-01; fibromyalgia recorded before it ended, or only after.
    doc = _with_depression_condition(_chart(PROBLEM_LIST))
    _, record = _evaluate(doc)
    ended = dataclasses.replace(_duloxetine(record), end=date(2025, 12, 1), ongoing=False)
    fibromyalgia = _condition(_chart(PROBLEM_LIST))
    fibromyalgia["onsetDateTime"] = f"{onset}T14:30:00Z"
    fibromyalgia["recordedDate"] = f"{onset}T15:02:00Z"
    (judged,) = with_condition_indications((ended,), [fibromyalgia], (), as_of=AS_OF)
    assert (judged.verdict is Verdict.NOT_A_TRIAL) is read


# --- a reason stated on the order: the same line (a06c, a07c) ----------------------------------


@pytest.mark.parametrize(
    ("name", "line"),
    [
        (
            REASON_CODE,
            "**PHQ-9 14 with no depression diagnosis on record** (moderate, 2026-10-05): not "
            "counted as a failed depression trial: duloxetine ordered for fibromyalgia (M79.7).",
        ),
        (
            ZYBAN,
            "**PHQ-9 15 with no depression diagnosis on record** (moderately severe, 2026-10-27): "
            "not counted as a failed depression trial: bupropion ordered for smoking cessation "
            "(F17.210).",
        ),
    ],
)
def test_a_stated_other_use_with_a_depressed_phq9_is_not_silent(name: str, line: str) -> None:
    cards, _ = _evaluate(_chart(name))
    assert list(cards) == [DIAGNOSIS]
    assert cards[DIAGNOSIS]["indicator"] == "info"
    assert line in cards[DIAGNOSIS]["detail"]
