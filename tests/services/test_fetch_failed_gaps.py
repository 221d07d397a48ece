"""Data whose read was tried and FAILED is not data never offered (review s21 RC W1-W3).

A prefetch key the EHR fills with an error OperationOutcome (its search failed) leaves data that
exist unseen: GapCause.NOT_READ, listed on every card it touches, never hidden as a set-up fact.
Refill data that could not be read leave adherence "not known" and the course not counted as a
failed adequate trial (fhir_mapping/refills_unread.py). A key simply not sent keeps the
long-standing reading (no dispensing data; the verdict on doses and weeks).

Charts (tests/services/fetch_failed_charts/, every prefetch key): escitalopram 10 -> 20 mg since
2024-09-02 whose fills show PDC 16 %; an Oracle chart whose PHQ-9 item 9 = 1 is held only in
QuestionnaireResponses.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import GapCause, Verdict
from fhir_mapping.refills_unread import REFILLS_NOT_READ
from services.data_gap_section import ITEM9_NOT_RULED_OUT
from services.policy import Policy
from tests.services.chart_files import loader

load = loader(Path(__file__).parent / "fetch_failed_charts")
POOR_REFILLS = "escitalopram_pdc16_poor_refills"
ITEM9_IN_QR = "item9_only_in_questionnaire_responses_oracle"
AS_OF = date(2026, 12, 1)
FAILED = {
    "resourceType": "OperationOutcome",
    "issue": [{"severity": "error", "code": "exception", "diagnostics": "upstream error"}],
}


def _run(doc: dict[str, Any], key: str, value: Any) -> Any:
    if value is None:
        doc["prefetch"].pop(key)
    else:
        doc["prefetch"][key] = value
    return evaluate_document(doc, hook="patient-view", as_of=AS_OF, policy=Policy())


def _escitalopram(result: Any) -> list[Any]:
    trials = [t for t in result.evaluation.record.trials if t.ingredient == "escitalopram"]
    assert trials
    return trials


def _text(result: Any) -> str:
    return json.dumps([c.model_dump(mode="json") for c in result.response.cards])


def test_dispenses_read_and_failed_leave_adherence_not_known_not_a_failed_trial() -> None:
    full = evaluate_document(load(POOR_REFILLS), hook="patient-view", as_of=AS_OF, policy=Policy())
    # The control: the refill data speak of the supply (session 21 G: the failure before the
    # 103-day gap stands, and the 566 days without supply since lead; before: "PDC 16 %").
    assert "no supply since 2025-05-14 (566 days)" in _text(full)
    result = _run(load(POOR_REFILLS), "medicationDispenses", FAILED)
    trials = _escitalopram(result)
    assert all(t.verdict is not Verdict.ADEQUATE for t in trials)
    assert all(t.adherence.not_verified == REFILLS_NOT_READ for t in trials)
    summaries = [c.summary for c in result.response.cards]
    assert not any("adequate trial failed" in s for s in summaries), summaries
    assert any("escitalopram refill data not read" in s for s in summaries), summaries
    text = _text(result)
    assert "MedicationDispense could not be read" in text
    assert "adherence not known (refill data could not be read)" in text
    gaps = [g for g in result.evaluation.record.gaps if g.cause is GapCause.NOT_READ]
    assert gaps and not any(g.whole_domain for g in gaps)


def test_dispenses_not_sent_keep_the_reading_of_data_not_offered() -> None:
    """A key simply not sent (no server to ask) is the EHR's set-up: unchanged (the brief)."""
    result = _run(load(POOR_REFILLS), "medicationDispenses", None)
    assert Verdict.ADEQUATE in {t.verdict for t in _escitalopram(result)}
    assert any("1 adequate trial failed" in c.summary for c in result.response.cards)
    assert "could not be read" not in _text(result)


def test_questionnaire_responses_failed_are_named_with_item9_not_ruled_out() -> None:
    result = _run(load(ITEM9_IN_QR), "questionnaireResponses", FAILED)
    # The item 9 answer is only in the QuestionnaireResponses: no card can raise it, so the
    # card that rests on the scores says they were not read and what that may hide.
    assert not any(c.indicator == "critical" for c in result.response.cards)
    text = _text(result)
    assert "QuestionnaireResponse could not be read" in text
    assert ITEM9_NOT_RULED_OUT in text


def test_questionnaire_responses_not_sent_stay_quiet_as_before() -> None:
    result = _run(load(ITEM9_IN_QR), "questionnaireResponses", None)
    text = _text(result)
    assert "QuestionnaireResponse" not in text
    assert ITEM9_NOT_RULED_OUT not in text
