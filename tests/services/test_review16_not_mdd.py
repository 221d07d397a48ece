"""Review 16: diagnoses that are not major depression.

- W1 (a01, a10, a11): the TMS card said "Met" for the payer's diagnosis criterion with dysthymia
  alone (F34.1), "Depression, unspecified" (F32.A) or mixed anxiety and depressive disorder
  (SNOMED 231504006). LCD L37086 covers TMS in severe MDD and the project's TRD definition needs
  an MDD diagnosis (REFERENCE.md rule 4): not met for a depressive disorder other than MDD, to
  confirm for depression whose type is not stated; dysthymia beside F33.2 (a02, double
  depression) stays met.
- W2 (a03, a06, a08, b01, b03): no depressive disorder on record (adjustment disorder, prolonged
  grief, a symptom code, OCD, GAD), yet "N adequate trials failed" and one-click CANMAT MDD
  adjuncts. Now one information card asking for an assessment for a major depressive episode;
  OCD beside MDD (b02) keeps the pathway.
- W3 (a09): "Major depression, recurrent (CMS/HCC)" sent as text only was reported as "no
  depression diagnosis on the problem list"; the card now says it is recorded but not coded.

Charts: the review's CDS Hooks requests (US Core / Epic-shaped prefetch: ICD-10-CM + SNOMED
problem-list Conditions, RxNorm MedicationRequests with reasonReference, LOINC PHQ-9
Observations) in tests/services/review16_charts/.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.code_systems import ICD10CM
from fhir_mapping.gaps import SI_LABS_NOT_RECEIVED
from fhir_mapping.record import Finding, FindingKind
from services.pathway import derive_facts, qualifies_as_mdd
from services.payer_criteria.evaluate import evaluate_payer_criteria
from services.payer_criteria.model import CriterionKind
from services.payer_criteria.results import CriterionResult
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import line_with

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
_load = chart_files.loader(Path(__file__).parent / "review16_charts")
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
REVIEW = "diagnosis-review"
Doc = dict[str, Any]


def _cards(name: str) -> list[Doc]:
    doc = _load(name)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return cards


def _by_topic(name: str) -> dict[str, Doc]:
    return {c["source"]["topic"]["code"]: c for c in _cards(name)}


# --- W1: the payer's diagnosis criterion -----------------------------------------------------


def _diagnosis_criterion(name: str) -> CriterionResult:
    """The payer's diagnosis criterion on the chart: the TMS card shows it, and the referral
    packet; a depressive disorder other than MDD has no TMS card (audit 16 W2), so it is read
    from the evaluation itself."""
    doc = _load(name)
    policy = Policy()
    record = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=policy).evaluation.record
    evaluation = evaluate_payer_criteria(record, derive_facts(record, policy), policy)
    (found,) = [r for r in evaluation.results if r.kind is CriterionKind.DIAGNOSIS]
    return found


def test_dysthymia_alone_is_not_an_mdd_diagnosis_for_tms() -> None:
    result = _diagnosis_criterion("a01_pdd_f341_alone_two_failed")
    assert result.status_text == "Not met"
    (line,) = result.evidence
    assert line.startswith("Dysthymic disorder (F34.1")
    assert "persistent depressive disorder" in line and "no MDD episode coded" in line
    assert result.to_document is not None and "a major depressive disorder" in result.to_document
    # No TMS card beside "Not met" (audit 16 W2): the optimise card says why.
    assert TMS not in _by_topic("a01_pdd_f341_alone_two_failed")


def test_depression_unspecified_is_to_confirm() -> None:
    tms = _by_topic("a10_depression_unspecified_f32a")[TMS]
    line = line_with(tms, "Diagnosis")
    assert line.startswith("- **To confirm** · Diagnosis: Depression, unspecified (F32.A")
    assert "MDD not documented" in line


def test_mixed_anxiety_depression_is_not_mdd() -> None:
    result = _diagnosis_criterion("a11_mixed_anxiety_depressive_f418")
    assert result.status_text == "Not met"
    # Named with its system, never a bare SNOMED number (audit 16 minor, a11).
    assert result.evidence[0].startswith(
        "Mixed anxiety and depressive disorder (disorder) (SNOMED CT 231504006, since"
    )
    assert TMS not in _by_topic("a11_mixed_anxiety_depressive_f418")


def test_double_depression_cites_the_mdd_code() -> None:
    # F34.1 since 2015 beside F33.2: the MDD code stands, the criterion is met.
    line = line_with(_by_topic("a02_double_depression_f341_f332")[TMS], "Diagnosis")
    assert line.startswith("- **Met** · Adult · Diagnosis")


def _finding(code: str) -> Finding:
    return Finding(FindingKind.DEPRESSION, code, ICD10CM, "", None, None)


@pytest.mark.parametrize(
    "code",
    ["F32.0", "F32.1", "F32.2", "F32.3", "F32.9", "F33.0", "F33.1", "F33.2", "F33.3", "F33.9"],
)
def test_icd10cm_mdd_codes_qualify(code: str) -> None:
    # REFERENCE.md 4.3 (VSAC "Major Depression Including Remission"): F32.0-F32.5, F32.9,
    # F33.0-F33.3, F33.4x, F33.9 (the remission codes are refused as remission, not as non-MDD).
    assert qualifies_as_mdd(_finding(code))


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("F34.1", "depression-not-mdd"),
        ("F32.A", "depression-unspecified"),
        ("F32.89", "depression-unspecified"),
        ("F33.8", "depression-unspecified"),
    ],
)
def test_depression_codes_that_do_not_document_mdd(code: str, kind: str) -> None:
    kinds = {row.kind.value for row in condition_matches(ICD10CM, code)}
    assert {"depression", kind} <= kinds  # still depression: the pathway applies
    assert not qualifies_as_mdd(_finding(code))


# --- W2: no depressive disorder on record ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "named"),
    [
        (
            "a03_adjustment_disorder_f4321",
            "Adjustment disorder with depressed mood (ICD-10-CM F43.21",
        ),
        ("a06_prolonged_grief_f4381", "Prolonged grief disorder (ICD-10-CM F43.81"),
        ("a08_symptom_code_r4589_only", "(ICD-10-CM R45.89"),
        (
            "b01_ocd_only_fluvoxamine_sertraline",
            "Mixed obsessional thoughts and acts (ICD-10-CM F42.2",
        ),
        ("b03_gad_only_duloxetine_escitalopram", "Generalized anxiety disorder (ICD-10-CM F41.1"),
    ],
)
def test_no_depression_diagnosis_one_info_card_and_no_trd_step(name: str, named: str) -> None:
    cards = _cards(name)
    assert [c["source"]["topic"]["code"] for c in cards] == [REVIEW]
    card = cards[0]
    assert card["indicator"] == "info"
    assert not card.get("suggestions")  # no adjunct, no TSH order, no referral
    assert "no depression diagnosis" in card["summary"]
    assert "failed" not in card["summary"]
    detail = card["detail"]
    assert named in detail
    assert "not counted as failed depression trials" in detail
    assert "Assess for a major depressive episode" in detail
    # The chart predates the `labsSI` key: its gap line names TSH among what was not received
    # (review s19 M3), which is no TSH line of the card's own.
    own = detail.replace(SI_LABS_NOT_RECEIVED, "")
    assert "aripiprazole" not in own and "TSH" not in own
    # The Condition with two codings (F42.2 + SNOMED 191736004) is named once.
    assert detail.count("since 2024") == 1


def test_ocd_beside_mdd_keeps_the_pathway() -> None:
    # b02: F42.2 and F33.x: fluvoxamine for OCD is "to confirm", the optimise card stays.
    optimise = _by_topic("b02_ocd_plus_mdd_fluvoxamine_for_ocd")[OPTIMISE]
    assert "adequate trials failed" in optimise["summary"]


# --- W3: major depression in words only ---------------------------------------------------------


def test_text_only_depression_problem_is_named_not_denied() -> None:
    optimise = _by_topic("a09_problem_text_only_depression")[OPTIMISE]
    line = line_with(optimise, "**No TMS card:**")
    assert "no depression diagnosis on the problem list" not in line
    assert (
        'a depression problem is recorded as text only, not coded ("Major depression, '
        'recurrent (CMS/HCC)", since 2024-10-21): code it (ICD-10-CM F32.x/F33.x) for the TMS '
        "referral" in line
    )


def test_text_only_depression_is_not_read_as_another_disorder() -> None:
    # The same chart with GAD coded beside the text problem: the text names major depression, so
    # the pathway is kept rather than held as "no depression diagnosis" (W2).
    doc = _load("a09_problem_text_only_depression")
    entries = doc["prefetch"]["conditions"]["entry"]
    written = next(e for e in entries if "coding" not in e["resource"]["code"])
    gad = copy.deepcopy(written)
    gad["resource"]["id"] = "gad-1"
    gad["fullUrl"] = gad["fullUrl"].rsplit("/", 1)[0] + "/gad-1"
    gad["resource"]["code"] = {
        "coding": [{"system": ICD10CM, "code": "F41.1", "display": "Generalized anxiety disorder"}],
        "text": "Generalized anxiety disorder",
    }
    entries.append(gad)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    topics = [c["source"]["topic"]["code"] for c in result.response.to_json()["cards"]]
    assert OPTIMISE in topics
