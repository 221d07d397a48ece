"""Audit 17 M3, M4, M11: the withheld-conditions card, the inpatient-stay line, the ED-visit
history line's place.

- M3: the data-quality card of a withheld problem list said "the EHR withheld some results"
  (they are diagnoses), its lead named a suicide-risk answer and a failed trial (only the
  diagnoses were missing), it stood alone at a lisinopril draft (no diagnosis changes a card
  there), and at a bupropion draft it named the bipolar risk only, not the label's
  contraindications (seizure disorder, bulimia or anorexia nervosa: data/drug_cautions.csv).
- M4: "Currently admitted ..." stood on the optimise and the TMS card alike and listed the held
  button labels; at a bupropion order during a stay the only card was the TMS card saying the
  referral waits for discharge.
- M1 follow-up: the drugs of an order of unconfirmed subject were parsed back from its card
  words (DataGap.stated); the gap now carries its ingredients (DataGap.drugs).
- M11: on a card with a guideline line, the ED-visit history line came after "**Guideline:**".

Charts: CDS Hooks requests in tests/services/leftover17_charts/ (US Core shaped, every prefetch
key sent); variants are made from them here.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.excluded_resources import unconfirmed_drugs
from fhir_mapping.gaps import SUBJECT_UNCONFIRMED
from fhir_mapping.record import PatientRecord
from services.evaluation import screen_without
from services.policy import Policy
from services.recommendation import Recommendation
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "leftover17_charts"
Doc = dict[str, Any]
QUALITY = "data-quality"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
DIAGNOSIS = "diagnosis-review"

_chart = chart_files.loader(CHARTS)


def _run(doc: Doc, hidden: frozenset[str] = frozenset()) -> tuple[Recommendation, ...]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    if hidden:
        return screen_without(result.evaluation, Policy(), hidden)
    return result.evaluation.recommendations


def _record(doc: Doc) -> PatientRecord:
    return evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy()).evaluation.record


def _by_topic(recs: tuple[Recommendation, ...]) -> dict[str, Recommendation]:
    return {r.topic: r for r in recs}


# --- M3: the withheld-conditions card -----------------------------------------------------------


def test_withheld_conditions_are_called_diagnoses_and_the_lead_names_only_a_diagnosis() -> None:
    (card,) = _run(_chart("conditions_withheld_draft_bupropion"))
    assert card.topic == QUALITY
    assert "Conditions may be incomplete: the EHR withheld some diagnoses" in card.detail
    assert "some results" not in card.detail
    # Only the diagnoses are missing: no suicide-risk answer or failed trial is claimed.
    assert card.detail.startswith(
        "The decision support read this chart without the data below. A diagnosis in it would "
        "not be reflected in any card"
    )
    assert "suicide-risk answer" not in card.detail
    assert "failed trial" not in card.detail


def test_a_bupropion_draft_names_its_label_contraindications_as_not_ruled_out() -> None:
    (card,) = _run(_chart("conditions_withheld_draft_bupropion"))
    [line] = [ln for ln in card.detail.splitlines() if ln.startswith("- Bupropion is")]
    assert "in seizure disorders (CPS 2023 Table 6)" in line
    assert "bulimia or anorexia nervosa" in line
    assert "(bupropion labels, Contraindications)" in line
    assert line.endswith(
        "not ruled out among the withheld conditions; check the chart before ordering"
    )
    # The bipolar line stays, once.
    assert card.detail.count("A bipolar diagnosis cannot be ruled out") == 1


def test_a_contraindication_read_anyway_is_left_to_the_caution_card() -> None:
    doc = _chart("conditions_withheld_draft_bupropion")
    entries = doc["prefetch"]["conditions"]["entry"]
    patient = next(
        e["resource"]["subject"] for e in entries if e["resource"]["resourceType"] == "Condition"
    )
    entries.append(
        {
            "resource": {
                "resourceType": "Condition",
                "id": "epilepsy-1",
                "clinicalStatus": {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                            "code": "active",
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
                            "code": "G40.909",
                            "display": "Epilepsy, unspecified, not intractable, without status "
                            "epilepticus",
                        }
                    ],
                    "text": "Epilepsy",
                },
                "subject": patient,
                "onsetDateTime": "2015-03-01",
            },
            "search": {"mode": "match"},
        }
    )
    recs = _by_topic(_run(doc))
    text = "\n".join(r.detail for r in recs.values())
    [line] = [ln for ln in text.splitlines() if ln.startswith("- Bupropion is")]
    assert "seizure" not in line  # the caution card says it, with the code
    assert "bulimia or anorexia nervosa" in line


def test_a_venlafaxine_draft_has_no_contraindication_line() -> None:
    recs = _run(_chart("conditions_withheld_draft_venlafaxine"))
    assert not any("is contraindicated" in r.detail for r in recs)


def test_withheld_conditions_at_a_lisinopril_draft_raise_no_card() -> None:
    doc = _chart("conditions_withheld_draft_lisinopril")
    assert [g.domain.value for g in _record(doc).gaps] == ["conditions"]
    assert _run(doc) == ()


def test_withheld_conditions_at_patient_view_are_still_said() -> None:
    recs = _by_topic(_run(_chart("conditions_withheld_patient_view")))
    assert "the EHR withheld some diagnoses" in recs[OPTIMISE].detail


# --- M4: the inpatient stay ----------------------------------------------------------------------


STAY_LINE = "**Currently admitted (psychiatric) since 2025-05-26** (ICD-10-CM F33.2"


def test_the_stay_is_said_in_full_once_and_without_button_labels() -> None:
    recs = _by_topic(_run(_chart("stay_psychiatric_principal_dx_in_progress")))
    full = [t for t, r in recs.items() if STAY_LINE in r.detail]
    assert full == [OPTIMISE]
    first = recs[OPTIMISE].detail.split("\n")[0]
    assert "order from the inpatient order set" in first
    assert "Propose adjunctive" not in first
    tms = recs[TMS].detail.split("\n")[0]
    assert tms.startswith("**Currently admitted** (named on the Optimise, switch or augment card)")
    assert "Refer for TMS evaluation" not in tms
    assert not recs[TMS].suggestions


def test_with_the_optimise_card_snoozed_the_tms_card_names_the_stay() -> None:
    recs = _by_topic(
        _run(_chart("stay_psychiatric_principal_dx_in_progress"), hidden=frozenset({OPTIMISE}))
    )
    assert OPTIMISE not in recs
    assert recs[TMS].detail.startswith(STAY_LINE)


@pytest.mark.parametrize(
    "name", ["stay_medical_order_select_bupropion", "stay_psychiatric_order_select_bupropion"]
)
def test_a_bupropion_order_during_a_stay_gets_no_tms_card(name: str) -> None:
    doc = _chart(name)
    assert _record(doc).current_stays
    assert TMS not in _by_topic(_run(doc))


# --- M11: the ED-visit history line above the guideline line ----------------------------------


def test_the_ed_visit_history_line_comes_before_the_guideline_line() -> None:
    (card,) = _run(_chart("ed_si_100d_bipolar_f3132"))
    assert card.topic == DIAGNOSIS
    history = card.detail.index("**Suicide risk history:**")
    guideline = card.detail.index("**Guideline:**")
    assert history < guideline
    assert card.detail.rstrip().endswith("(https://doi.org/10.1176/appi.ajp.2013.13020185).")


# --- M1 follow-up: the unconfirmed order's drugs as a structured field -------------------------


def test_an_unconfirmed_order_carries_its_ingredients_and_is_read_from_them() -> None:
    doc = chart_files.loader(Path(__file__).parent / "review17_charts")(
        "e04b_subject_mrn_unmatched"
    )
    [gap] = [g for g in _record(doc).gaps if g.reason == SUBJECT_UNCONFIRMED]
    assert gap.drugs == ("phenelzine",)
    assert gap.stated == "MAOI phenelzine, active"
    # Read from the field, not parsed back from the card words.
    found = unconfirmed_drugs(
        dataclasses.replace(gap, stated="monoamine oxidase inhibitor, active")
    )
    assert found is not None
    status, drugs = found
    assert (status, [(d.ingredient, d.drug_class) for d in drugs]) == (
        "active",
        [("phenelzine", "MAOI")],
    )
