"""Order hooks: every data-quality statement reaches the clinician; olanzapine/fluoxetine
(Symbyax) drafted over fluoxetine is an augmentation, not a repeat of a failed mechanism.

Charts (tests/services/review15_charts/, Epic / US Core shaped CDS Hooks requests):
- i01_draft_dose_unread_with_unread_statement: order-select, bupropion XL 150 drafted with the
  sig "Take as directed" (no dose), and a MedicationStatement whose period ends before it starts
  (review 15 M2's record). Two data-quality statements: the draft's "dose not read" and the
  chart's unread record. One card per topic reaches the EHR: before, the chart card was dropped
  (its summary and lead lost; its line rode, bare, under the dose).
- a12_symbyax_draft_fluoxetine_running (review 15 M5): fluoxetine 40 failed and still runs;
  Symbyax 6/50 drafted. The repeat card said "consider a different mechanism".
- a12b_symbyax_draft_fluoxetine_stopped: the same, the fluoxetine stopped (last fill 2025-05-01).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.storage.issued_cards import snooze_key
from services import cards
from services.recommendation import Indicator, Recommendation
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review15_charts"
Doc = dict[str, Any]
QUALITY = "data-quality"
REPEATS = "order-repeats-failed-trial"
SHARED = "order-dose-above-range"
STATEMENT = "MedicationStatement/4e52f334-dbe6-5494-b2ea-cd4bb00383a0"

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_recs = _at.recommendations


def _by_topic(doc: Doc) -> dict[str, Recommendation]:
    return {r.topic: r for r in _recs(doc)}


# --- 1. two data-quality statements, one card ------------------------------------------------


def test_dose_not_read_and_chart_data_not_read_are_both_said_on_one_card() -> None:
    (card,) = _recs(_chart("i01_draft_dose_unread_with_unread_statement"))
    assert card.topic == QUALITY
    assert card.indicator is Indicator.WARNING
    # Both statements in the summary (a clinician who reads summaries sees both).
    assert card.summary.startswith("Bupropion order: dose not read")
    assert "1 medication record could not be read" in card.summary
    assert len(card.summary) <= cards.SUMMARY_MAX
    detail = card.detail
    assert "**Dose not read:** the daily dose of bupropion" in detail
    assert "The decision support read this chart without the data below" in detail
    # The order's statement first, the chart's unread record named once.
    assert detail.index("**Dose not read:**") < detail.index("read this chart without")
    # Named once, by its dates (session 21: no resource id where the record has dates).
    assert detail.count("the statement (start 2025-03-01, end 2024-09-01)") == 1
    assert STATEMENT not in detail


def test_the_merged_card_is_not_hidden_by_an_answer_or_snooze_given_to_one_part() -> None:
    doc = _chart("i01_draft_dose_unread_with_unread_statement")
    (merged,) = _recs(doc)
    # The dose card alone: the chart's unread record removed.
    alone = _chart("i01_draft_dose_unread_with_unread_statement")
    alone["prefetch"]["medicationStatements"]["entry"] = []
    alone["prefetch"]["medicationStatements"]["total"] = 0
    (dose_only,) = _recs(alone)
    assert dose_only.topic == QUALITY and "could not be read" not in dose_only.summary
    assert dose_only.dedupe_key is not None
    # An override of the dose card (its dedupe key) does not hide the chart's statement.
    assert merged.dedupe_key is None
    # Nor does a snooze of either card alone: the merged card rests on both.
    assert snooze_key(merged.topic, merged.evidence_key) not in {
        snooze_key(dose_only.topic, dose_only.evidence_key),
        QUALITY,  # the chart's data-quality card carries no fingerprint of its own
    }


def _rec(summary: str, detail: str, **fields: Any) -> Recommendation:
    return dataclasses.replace(cards.make(QUALITY, summary=summary, detail=detail), **fields)


def test_ordered_merges_data_quality_cards_and_keeps_the_first_of_other_topics() -> None:
    a = _rec("Order A: dose not read", "lines of A", dedupe_key="a:data-quality:", evidence_key="x")
    b = _rec("Chart data not read", "lines of B", indicator=Indicator.CRITICAL)
    first = cards.make("psychotherapy", summary="first", detail="one")
    second = cards.make("psychotherapy", summary="second", detail="two")
    out = {r.topic: r for r in cards.ordered([a, first, b, second])}
    card = out[QUALITY]
    assert card.summary == "Order A: dose not read; Chart data not read"
    assert card.detail == "lines of A\n\nlines of B"
    assert card.indicator is Indicator.CRITICAL
    assert card.dedupe_key is None
    assert card.evidence_key not in (None, "x")
    assert out["psychotherapy"].summary == "first"


def test_a_merged_summary_too_long_keeps_the_first_and_points_to_the_detail() -> None:
    a = _rec("A" * 100, "a")
    b = _rec("B" * 60, "b")
    (card,) = cards.ordered([a, b])
    assert card.summary == "A" * 100 + "; more in the detail"
    assert card.detail == "a\n\nb"


# --- 2. olanzapine/fluoxetine over fluoxetine ---------------------------------------------------


def test_symbyax_over_a_running_failed_fluoxetine_is_no_repeat() -> None:
    found = _by_topic(_chart("a12_symbyax_draft_fluoxetine_running"))
    assert REPEATS not in found
    # What matters is still said: two fluoxetine products, stop one when the other starts.
    shared = found[SHARED]
    assert "fluoxetine 90 mg/day total" in shared.summary
    assert "stop fluoxetine when fluoxetine/olanzapine starts" in shared.detail


def test_symbyax_over_a_stopped_failed_fluoxetine_names_the_restart_and_the_added_drug() -> None:
    card = _by_topic(_chart("a12b_symbyax_draft_fluoxetine_stopped"))[REPEATS]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Symbyax restarts fluoxetine, which failed an adequate trial (40 mg/day, ended "
        "2025-05-31); olanzapine is the added mechanism"
    )
    assert "consider a different mechanism" not in card.summary
    assert "treatment-resistant depression" in card.detail  # its labelled use, from the table
    assert "if fluoxetine is restarted on purpose, record why" in card.detail.lower()
    assert "| fluoxetine (SSRI) | 40 |" in card.detail  # the basis: the failed trial


def test_plain_fluoxetine_over_a_stopped_failed_fluoxetine_is_still_a_repeat() -> None:
    doc = _chart("a12b_symbyax_draft_fluoxetine_stopped")
    draft = doc["context"]["draftOrders"]["entry"][0]["resource"]
    draft["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "313989",
                "display": "fluoxetine 40 MG Oral Capsule",
            }
        ],
        "text": "fluoxetine 40 MG Oral Capsule",
    }
    card = _by_topic(doc)[REPEATS]
    assert card.summary.startswith("Fluoxetine already failed an adequate trial")
    assert card.summary.endswith("consider a different mechanism")
