"""Review s22 RR finding 4: PHQ-9 answers that already sum to more than the filed total.

A total of 4 filed with items 1-8 summing to 18 and item 9 not filed got no card: the total was
checked against its answers only when all nine were filed, so the 4 stood (remission-range) and
nothing was said, not even that item 9 is unknown. The answers filed are a floor of the total (no
answer is below 0), so 18 above 4 is as sure a conflict as a full set: the score reads the higher
(severity 18), no outcome rests on it, the cards say "total filed 4, items filed sum to at least
18: check the form", and item 9 stays unknown, so its ask stays (fhir_mapping/phq9_item_sum.py).
Answers filed that sum to no more than the total (17 with items 1-8 summing to 16) prove nothing.

Charts: tests/services/phq9_partial_items_charts/ (US Core shaped, every prefetch key; from
phq9_total_charts/total_4_items_sum_18.json with the item-9 Observation of 2026-11-16 removed).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.questionnaires import read_questionnaire_scores
from fhir_mapping.record import TotalConflict
from tests.fhir_mapping import questionnaire_resources as Q
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
OPTIMISE = "optimize-switch-augment"
MEASURE = "measurement-based-care"
WORDS = "total filed 4, items filed sum to at least 18"

_chart = chart_files.loader(Path(__file__).parent / "phq9_partial_items_charts")
_cards = Evaluator(AS_OF).cards


def test_items_already_above_the_total_are_a_conflict_and_item9_is_still_asked() -> None:
    cards = _cards(_chart("total4_items1to8_sum18_item9_missing"))
    assert cards, "a total of 4 beside answers summing to 18 must not leave the chart silent"
    optimise = by_topic(cards)[OPTIMISE]
    assert optimise["summary"] == (
        f"PHQ-9 {WORDS} on 2026-11-16: check the form before switching or augmenting"
    )
    assert "**PHQ-9 item 9 not recorded:**" in optimise["detail"]
    assert not optimise.get("suggestions")  # nothing one click while the form is in doubt
    # The form to check is asked once, on the optimise card, with what the disagreement means;
    # the measurement card saying it again yields (review s24 RN finding 5).
    assert MEASURE not in by_topic(cards)
    assert "the answers filed, fewer than nine, already sum to 18" in optimise["detail"]
    assert "the scores show the higher (18)" in optimise["detail"]  # (s27 K3 finding 5)
    # The band shown reads the larger: 18 (moderately severe), never the 4 alone; the summary
    # names both readings (s27 K3 finding 5); the referral waits for the form to be checked
    # and for item 9, as the optimise card does (review s24 RN finding 1, RA finding 1).
    assert any(
        "PHQ-9 18 or 4: ask item 9 and check the PHQ-9 form first, then consider TMS referral"
        in c["summary"]
        for c in cards
    )


def test_items_summing_to_no_more_than_the_total_prove_nothing() -> None:
    cards = _cards(_chart("total17_items1to8_sum16_item9_missing"))
    assert not any("total filed" in c["summary"] for c in cards)
    optimise = by_topic(cards)[OPTIMISE]
    assert optimise["summary"] == (
        "1 adequate trial failed (venlafaxine): ask PHQ-9 item 9 (not recorded) first, then augment "
        "or switch class"
    )
    # The referral waits for item 9 as the adjuncts do (review s24 RA finding 1).
    assert any(
        "PHQ-9 17: ask item 9 first, then consider TMS referral" in c["summary"] for c in cards
    )


def test_a_questionnaire_response_without_item9_is_checked_too() -> None:
    # US Core's PHQ-9 form, items 1-8 answered (2,2,2,2,2,2,3,3 = 18), item 9 unanswered, 4 filed.
    response = Q.us_core([2, 2, 2, 2, 2, 2, 3, 3, None], 4, authored=date(2026, 11, 16))
    scores, _ = read_questionnaire_scores([response], as_of=AS_OF)
    (score,) = scores
    assert (score.value, score.item9) == (18, None)
    assert score.total_conflict == TotalConflict(4, 18, complete=False)
