"""Review s25 RK4 finding 12: HCPCS H0004 (behavioral health counseling, billed for mental health
and substance-use counseling alike) with only F41.1, F43.10, Z63.0 + Z56.0 or Z13.31 among its
diagnoses counted toward the depression psychotherapy trial: the TMS payer row read "Met ·
Psychotherapy (to confirm: ... billed for substance-use counseling too: that it was therapy for
depression)", naming substance use none was coded for. Now it counts only when a depressive
diagnosis (data/session_therapy_kinds.csv: the condition table's depression kinds) is among its
reasons or its visit's diagnoses; otherwise it is listed, not counted, and its line names the
diagnoses (fhir_mapping/session_kinds.py).

Charts: tests/services/h0004_depressive_reason_charts/ (the RK4 probes c1, c2, c3, c4, c6, c7,
made from h0004_medical_reason_charts: 12 H0004 Procedures, US Core shaped, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
THERAPY = "psychotherapy"
TMS = "tms-referral"
NO_COURSE = "no course of psychotherapy on record: consider CBT or IPT"
COUNTED = "Psychotherapy (to confirm: no improvement after it; H0004, behavioral health counseling"
OTHER = "counseling with no depressive diagnosis (its diagnoses: "
CHARTS = {
    "h0004_f411_anxiety_only": "Generalized anxiety disorder (F41.1)",
    "h0004_f4310_ptsd_only": "Post-traumatic stress disorder, unspecified (F43.10)",
    "h0004_z63_z56_only": (
        "Problems in relationship with spouse or partner (Z63.0); Unemployment, unspecified (Z56.0)"
    ),
    "h0004_z1331_screening": "Encounter for screening for depression (Z13.31)",
}

_chart = chart_files.loader(Path(__file__).parent / "h0004_depressive_reason_charts")
_at = Evaluator(date(2026, 12, 1))


def _kinds(doc: Doc) -> set[str]:
    _cards, record = _at.cards_and_record(doc)
    return {p.session_kind for p in record.procedures if p.kind.value == THERAPY}


@pytest.mark.parametrize("name", [*CHARTS, "h0004_f32a_depression", "h0004_f1020_f411"], ids=str)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


@pytest.mark.parametrize(("name", "named"), CHARTS.items())
def test_h0004_with_no_depressive_diagnosis_is_not_depression_therapy(
    name: str, named: str
) -> None:
    doc = _chart(name)
    assert _kinds(doc) == {"counseling-other"}
    cards = _at.by_topic(doc)
    assert NO_COURSE in cards[THERAPY]["summary"]
    line = f"{OTHER}{named}), not a course of therapy: 12 sessions, 2026-09-08 - 2026-11-24"
    assert f"On record: {line}" in cards[THERAPY]["detail"]
    assert (
        "Counseling with no depressive diagnosis is not therapy for depression."
        in (cards[THERAPY]["detail"])
    )
    assert f"**Not on record** · Psychotherapy: {line}" in cards[TMS]["detail"]
    assert COUNTED not in cards[TMS]["detail"]
    assert "substance-use counseling too" not in cards[TMS]["detail"]


def test_h0004_for_a_depression_still_counts() -> None:
    doc = _chart("h0004_f32a_depression")
    assert _kinds(doc) == {""}
    cards = _at.by_topic(doc)
    assert THERAPY not in cards
    assert f"**Met** · Adult · {COUNTED}" in cards[TMS]["detail"]


def test_substance_use_beside_anxiety_is_substance_use_counseling_named() -> None:
    # Counted before as "designed" (anxiety kept it therapy); no depressive diagnosis now.
    doc = _chart("h0004_f1020_f411")
    assert _kinds(doc) == {"substance-use"}
    cards = _at.by_topic(doc)
    assert (
        "On record: counseling for a substance-use disorder (its diagnoses: Alcohol dependence, "
        "uncomplicated (F10.20); Generalized anxiety disorder (F41.1)), not a course of therapy"
    ) in cards[THERAPY]["detail"]
    assert COUNTED not in cards[TMS]["detail"]


def test_a_depressive_visit_diagnosis_counts_the_anxiety_coded_session() -> None:
    # The visit's diagnoses are read too: F33.1 recorded at each session's visit.
    doc = _chart("h0004_f411_anxiety_only")
    conditions = doc["prefetch"]["conditions"]["entry"]
    for entry in list(doc["prefetch"]["procedures"]["entry"]):
        session = entry["resource"]
        visit = f"visit-{session['id']}"
        session["encounter"] = {"reference": f"Encounter/{visit}"}
        condition = {
            "resourceType": "Condition",
            "id": f"dx-{session['id']}",
            "subject": session["subject"],
            "encounter": {"reference": f"Encounter/{visit}"},
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/condition-category",
                            "code": "encounter-diagnosis",
                        }
                    ]
                }
            ],
            "clinicalStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                        "code": "active",
                    }
                ]
            },
            "code": {
                "coding": [
                    {
                        "system": "http://hl7.org/fhir/sid/icd-10-cm",
                        "code": "F33.1",
                        "display": "Major depressive disorder, recurrent, moderate",
                    }
                ]
            },
        }
        get_fhir_model_class("Condition").model_validate(condition)
        conditions.append({"resource": condition})
    assert _kinds(doc) == {""}
    assert COUNTED in _at.by_topic(doc)[TMS]["detail"]
