"""Review s25 RK2 finding 5: HCPCS H0004 (billed for mental health and substance-use counseling
alike) still counted as psychotherapy for depression when the substance-use diagnosis came with
another kind of the condition table: F10.239 alone (alcohol dependence with withdrawal, which is
also the `alcohol-sedative-withdrawal` kind) or F10.20 with K70.30 (alcoholic cirrhosis,
`liver-disease`). fhir_mapping/session_kinds.kind_from_reasons asked that the kinds read be
exactly {substance-use}, so any second kind counted the session: the CBT/IPT card went and the
TMS payer row read "Met · Psychotherapy (to confirm ...)". Now the session counts only when a
depressive or other non-substance psychiatric diagnosis is among its diagnoses
(data/session_therapy_kinds.csv); substance use beside only medical kinds is substance-use
counselling, listed and not counted.

Charts: tests/services/h0004_medical_reason_charts/ (the RK2 probes h1 and h2, made from
psychotherapy_kind25_charts/h0004_reason_alcohol_dependence: 12 H0004 Procedures with the
reasonCode changed; US Core shaped, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.findings import FindingKind
from fhir_mapping.session_kinds import therapy_kinds
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
THERAPY = "psychotherapy"
TMS = "tms-referral"
NO_COURSE = "no course of psychotherapy on record: consider CBT or IPT"
CHARTS = ["h0004_reason_alcohol_withdrawal_only", "h0004_reason_alcohol_and_cirrhosis"]
F33_1 = {
    "coding": [
        {
            "system": "http://hl7.org/fhir/sid/icd-10-cm",
            "code": "F33.1",
            "display": "Major depressive disorder, recurrent, moderate",
        }
    ],
    "text": "Major depressive disorder, recurrent, moderate",
}

_chart = chart_files.loader(Path(__file__).parent / "h0004_medical_reason_charts")
_at = Evaluator(date(2026, 12, 1))


def _kinds(doc: Doc) -> set[str]:
    _cards, record = _at.cards_and_record(doc)
    return {p.session_kind for p in record.procedures if p.kind.value == THERAPY}


def _sessions(doc: Doc) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"]["procedures"]["entry"]]


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


def test_the_therapy_kinds_are_condition_table_kinds_and_no_substance_use() -> None:
    known = {k.value for k in FindingKind}
    assert therapy_kinds() <= known
    assert {"depression", "depression-unspecified", "trd"} <= therapy_kinds()
    # Only depressive kinds since review s25 RK4 finding 12 (test_h0004_depressive_reason.py).
    assert not therapy_kinds() & {
        "substance-use",
        "alcohol-sedative-withdrawal",
        "liver-disease",
        "anxiety",
        "ptsd",
        "bipolar",
    }


@pytest.mark.parametrize("name", CHARTS)
def test_substance_use_with_only_a_medical_kind_is_counselling_not_therapy(name: str) -> None:
    doc = _chart(name)
    assert _kinds(doc) == {"substance-use"}
    cards = _at.by_topic(doc)
    assert NO_COURSE in cards[THERAPY]["summary"]
    # ... its diagnoses named (review s25 RK4 finding 12)
    assert (
        "On record: counseling for a substance-use disorder (its diagnoses: Alcohol "
        in cards[THERAPY]["detail"]
    )
    assert "), not a course of therapy: 12 " in cards[THERAPY]["detail"]
    assert (
        "**Not on record** · Psychotherapy: counseling for a substance-use disorder (its "
        "diagnoses: " in cards[TMS]["detail"]
    )
    assert "Psychotherapy (to confirm" not in cards[TMS]["detail"]


def test_a_depressive_diagnosis_beside_them_still_counts_the_session() -> None:
    doc = _chart("h0004_reason_alcohol_and_cirrhosis")
    for session in _sessions(doc):
        session["reasonCode"].append(F33_1)
    assert _kinds(doc) == {""}
    cards = _at.by_topic(doc)
    assert THERAPY not in cards
    assert "Psychotherapy (to confirm: no improvement after it; H0004" in cards[TMS]["detail"]


def test_a_medical_diagnosis_alone_is_no_depression_therapy() -> None:
    # No depressive diagnosis read (review s25 RK4 finding 12; it counted before): listed as
    # counseling with no depressive diagnosis, the cirrhosis named.
    doc = _chart("h0004_reason_alcohol_and_cirrhosis")
    for session in _sessions(doc):
        session["reasonCode"] = session["reasonCode"][1:]
    assert _kinds(doc) == {"counseling-other"}
    cards = _at.by_topic(doc)
    assert NO_COURSE in cards[THERAPY]["summary"]
    assert (
        "On record: counseling with no depressive diagnosis (its diagnoses: Alcoholic cirrhosis "
        "of liver without ascites (K70.30)), not a course of therapy: 12 "
    ) in cards[THERAPY]["detail"]
