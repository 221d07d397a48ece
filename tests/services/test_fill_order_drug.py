"""Session 21 RCM: three defects left open by the review of the FHIR-server fetch path (s21 RC).

- M3: orders carry their Medication contained; the fills reference a `Medication/<id>` that was
  not sent or served. The 10 fills were left out ("medication reference not found"), so the
  mirtazapine supply lapse went unseen and both courses read "adequate" with no dispensing data.
  Now a fill whose own Medication could not be had is read with the drug of the one order it
  fills, when that order is readable (fhir_mapping/fill_order_drug.py), and the data-gap line
  says so; never a guess when it is not.
- Refill data that could not be read (a failed dispense search) leave a course known only from
  MedicationStatements "adherence not known", as they do a course with an order
  (fhir_mapping/refills_unread.py): before, "1 adequate trial failed (escitalopram),
  self-reported", where the fills, when read, show PDC 53 %.
- A failed QuestionnaireResponse search leaves "a later PHQ-9 item 9 answer cannot be ruled out"
  on the card that lists it: that card is now at least a warning (was info).

Charts: tests/services/fill_order_drug_charts/ (US Core / Oracle shaped, every prefetch key).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from cds_hooks.offline import evaluate_document
from fhir_mapping.fill_order_drug import DRUG_FROM_ORDER
from fhir_mapping.medication_drug import REFERENCE_NOT_FOUND
from fhir_mapping.record import Verdict
from fhir_mapping.refills_unread import REFILLS_NOT_READ
from services.data_gap_section import ITEM9_NOT_RULED_OUT
from services.policy import Policy
from tests.services.chart_files import loader

load = loader(Path(__file__).parent / "fill_order_drug_charts")
load_failed = loader(Path(__file__).parent / "fetch_failed_charts")
FILLS = "fills_medication_not_sent_orders_contained"
STATEMENTS = "escitalopram_statements_only_pdc16_fills"
AS_OF = date(2026, 12, 1)
FAILED = {
    "resourceType": "OperationOutcome",
    "issue": [{"severity": "error", "code": "exception", "diagnostics": "upstream error"}],
}


def _run(doc: dict[str, Any]) -> Any:
    return evaluate_document(doc, hook="patient-view", as_of=AS_OF, policy=Policy())


def _text(result: Any) -> str:
    return json.dumps([c.model_dump(mode="json") for c in result.response.cards])


def _fills(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [e["resource"] for e in doc["prefetch"]["medicationDispenses"]["entry"]]


def test_fills_whose_medication_was_not_had_are_read_with_their_orders_drug() -> None:
    result = _run(load(FILLS))
    record = result.evaluation.record
    # The fills are read: mirtazapine's supply lapse is seen, as when the Medications are sent.
    summaries = [c.summary for c in result.response.cards]
    assert any(s.startswith("mirtazapine: no supply since 2025-06-21") for s in summaries), (
        summaries
    )
    for trial in (t for t in record.trials if t.ingredient in ("escitalopram", "mirtazapine")):
        assert any(s.resource_type == "MedicationDispense" for s in trial.sources), trial
    # Named as read from the order, never as records that could not be read.
    text = _text(result)
    assert "10 fills read as the drug their order names, their own medication not read" in text
    assert "could not be read (medication reference" not in text
    gaps = [g for g in record.gaps if g.source is not None]
    assert len(gaps) == 10 and all(g.reason.startswith(DRUG_FROM_ORDER) for g in gaps)
    assert not any(c.summary.endswith("could not be read") for c in result.response.cards)


def test_a_fill_whose_order_is_not_in_the_chart_is_never_guessed() -> None:
    doc = load(FILLS)
    fill = _fills(doc)[0]
    fill["authorizingPrescription"] = [{"reference": "MedicationRequest/not-in-this-chart"}]
    result = _run(doc)
    gaps = [g for g in result.evaluation.record.gaps if g.source is not None]
    left = [g for g in gaps if g.source.id == fill["id"]]
    # Offline, the reference is "not read" (no server to ask); served, "not found".
    assert len(left) == 1 and left[0].reason.startswith(REFERENCE_NOT_FOUND[:22]), left
    assert "1 medication record could not be read (medication reference" in _text(result)


def test_a_fill_whose_order_names_no_readable_drug_is_never_guessed() -> None:
    doc = load(FILLS)
    fill = _fills(doc)[0]
    order_id = fill["authorizingPrescription"][0]["reference"].split("/")[-1]
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        if entry["resource"]["id"] == order_id:
            entry["resource"]["contained"][0]["code"] = {"text": "Medication"}
    result = _run(doc)
    reasons = {
        g.reason for g in result.evaluation.record.gaps if g.source and g.source.id == fill["id"]
    }
    assert reasons and not any(r.startswith(DRUG_FROM_ORDER) for r in reasons), reasons


def test_statement_only_course_with_refills_unread_is_not_a_failed_adequate_trial() -> None:
    # The control: the fills, read, speak of the supply. Session 39 stmt72: the patient's
    # statement (asserted 2024-09-16) counts one fill past the last fill, so the course reads as
    # its order-based twin does (test_fetch_failed_gaps, session 21 G: the failure before the
    # 103-day gap stands, the 566 days without supply since lead); was "escitalopram PDC 53 %",
    # read over the statement's 365-day tail. Never "order" of a chart with no order.
    full = _run(load(STATEMENTS))
    summaries = [c.summary for c in full.response.cards]
    assert any(
        "no supply since 2025-05-14 (566 days), statement still active" in s for s in summaries
    ), summaries
    assert "order" not in " ".join(summaries)
    doc = load(STATEMENTS)
    doc["prefetch"]["medicationDispenses"] = FAILED
    result = _run(doc)
    trials = [t for t in result.evaluation.record.trials if t.ingredient == "escitalopram"]
    assert trials and all(t.verdict is not Verdict.ADEQUATE for t in trials)
    assert all(t.adherence.not_verified == REFILLS_NOT_READ for t in trials)
    summaries = [c.summary for c in result.response.cards]
    assert not any("adequate trial failed" in s for s in summaries), summaries
    assert any("escitalopram refill data not read" in s for s in summaries), summaries


def test_statement_only_course_with_dispenses_not_sent_keeps_its_reading() -> None:
    """Not sent (a set-up fact) is not failed: the reading of a chart with no fill feed stays."""
    doc = load(STATEMENTS)
    doc["prefetch"].pop("medicationDispenses")
    result = _run(doc)
    (trial,) = [t for t in result.evaluation.record.trials if t.ingredient == "escitalopram"]
    assert trial.adherence.not_verified != REFILLS_NOT_READ
    assert "could not be read" not in _text(result)
    assert "refill data not read" not in _text(result)
    # Session 39 stmt72 (fhir_mapping/reported_window.py): with no fill read, the course is the
    # patient's statements alone, the last asserted 2024-09-16: counted one fill past it (6.3
    # weeks, no PHQ-9 taken in them), to confirm since. It was "1 adequate trial failed" on the
    # PHQ-9 16 of 2025-05-05, over 8 months the statement's 365-day window counted and no record
    # shows: no failed trial now, the listing's card leads.
    assert trial.verdict is Verdict.ADEQUATE and not trial.failed
    assert trial.unconfirmed_since == date(2024, 9, 16)
    assert result.response.cards[0].summary.startswith(
        "escitalopram reported taking on 2024-09-16; since then not on record"
    )


def test_unread_item9_answer_is_said_on_a_warning_card() -> None:
    doc = load_failed("item9_only_in_questionnaire_responses_oracle")
    doc["prefetch"]["questionnaireResponses"] = FAILED
    result = _run(doc)
    carrying = [c for c in result.response.cards if ITEM9_NOT_RULED_OUT in c.detail]
    assert carrying and carrying[0].indicator == "warning", [
        (c.indicator, c.summary) for c in result.response.cards
    ]
    # In that case only: with the responses read, the chart's cards keep their indicators.
    read = _run(load_failed("item9_only_in_questionnaire_responses_oracle"))
    assert not any(ITEM9_NOT_RULED_OUT in c.detail for c in read.response.cards)


def test_questionnaire_responses_not_sent_raise_nothing() -> None:
    doc = load_failed("item9_only_in_questionnaire_responses_oracle")
    doc["prefetch"].pop("questionnaireResponses")
    result = _run(doc)
    assert [c.indicator for c in result.response.cards] == ["info"]
