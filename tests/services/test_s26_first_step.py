"""Review s26 RN findings 1, 7 and 4: every card that says "X first" names the same X, the
optimise card's own first step (one rule in one place).

- Finding 1 (lithium_raised_3_days_before_level): a lithium level drawn 3 days after a dose
  change is too early to read (adjunct_level.LevelState.EARLY); the optimise card said "repeat
  the level 5-7 days after it", the TMS card "raise lithium to its target level first": the early
  level read as below target. Now both read adjunct_level.level_step: "repeat the lithium level
  first, then consider TMS referral". Likewise a 1.6 then 0.3 (lithium_toxic_1_6_then_0_3): never
  "raise lithium" beside "check before any dose change".
- Finding 7 (citalopram_partial_response_qtc485_at_78): the optimise card holds the adjunct to
  citalopram for a QTc of 485 ms ("review the QTc first, then add an adjunct"); the TMS card said
  "an adjunct first, then consider TMS referral". It now leads with the hold's step
  (tms_follows_optimise). The QTc card's summary names its first action ("repeat the ECG").
- Finding 4 (sertraline_relapse_after_venlafaxine_failed): the relapse card's "review, then
  optimise the dose first" holds the optimise card's one-click adjuncts (relapse_hold), the
  optimise summary says the same first step, and the relapse card sits above it.

Charts: tests/services/first_step_charts/ (copies of the review's charts, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.patient_view import patient_view
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
QTC = "running-drug-qtc"
RELAPSE = "relapse-on-treatment"

_chart = chart_files.loader(Path(__file__).parent / "first_step_charts")
_cards = Evaluator(AS_OF).cards


def _topics(cards: list[Doc]) -> list[str]:
    return [c["source"]["topic"]["code"] for c in cards]


# --- finding 1: the lithium level's step, one reading --------------------------------------------


def test_a_lithium_level_drawn_too_early_is_repeated_first_on_the_tms_card_too() -> None:
    cards = by_topic(_cards(_chart("lithium_raised_3_days_before_level")))
    assert cards[OPTIMISE]["summary"].startswith("Lithium 900 mg/day: repeat the level 5-7 days")
    tms = cards[TMS]
    assert tms["summary"] == (
        "2 adequate trials failed (sertraline, venlafaxine); PHQ-9 23: repeat the lithium level "
        "first, then consider TMS referral"
    )
    assert "raise lithium" not in tms["summary"]
    assert "raises lithium first" not in tms["detail"]
    assert "(repeat the lithium level first)" in tms["detail"]
    # Named, not one click, until the level is repeated (review s26 RN finding 6).
    assert "suggestions" not in tms
    assert '; this card puts "repeat the lithium level" first' in tms["detail"]


def test_a_low_lithium_level_after_a_toxic_one_is_never_raise_on_the_tms_card() -> None:
    cards = by_topic(_cards(_chart("lithium_toxic_1_6_then_0_3")))
    assert cards[OPTIMISE]["summary"].endswith("check before any dose change")
    tms = cards[TMS]["summary"]
    assert "raise lithium" not in tms
    assert "check the lithium level and eGFR first, then consider TMS referral" in tms


def test_a_current_low_lithium_level_is_still_raised_first_on_both_cards() -> None:
    """The early level's step is the reading's, not a rule against raising: the same lithium
    level drawn 10 days after the change (at steady state) is below target, raised first."""
    doc = _chart("lithium_raised_3_days_before_level")
    for entry in doc["prefetch"]["labs"]["entry"]:
        resource = entry["resource"]
        if resource.get("effectiveDateTime", "").startswith("2026-11-20"):
            resource["effectiveDateTime"] = "2026-11-28"
    moved = by_topic(_cards(doc))
    assert "raise lithium toward 0.5-0.8 mmol/L first" in moved[OPTIMISE]["summary"]
    assert (
        "raise lithium to its target level first, then consider TMS referral"
        in (moved[TMS]["summary"])
    )


# --- finding 7: the TMS card follows the optimise card's hold on the adjunct ---------------------


def test_the_tms_card_says_the_optimise_cards_qtc_step_not_the_held_adjunct() -> None:
    cards = by_topic(_cards(_chart("citalopram_partial_response_qtc485_at_78")))
    assert "review the QTc first, then add an adjunct to citalopram" in cards[OPTIMISE]["summary"]
    tms = cards[TMS]
    assert "review the QTc first, then consider TMS referral" in tms["summary"]
    assert "an adjunct first" not in tms["summary"]
    assert (
        "**The adjunct waits too:** the optimise card holds adding an adjunct to citalopram (the "
        "QTc is long): review the QTc first."
    ) in tms["detail"]


def test_the_qtc_card_summary_names_its_first_action() -> None:
    card = by_topic(_cards(_chart("citalopram_partial_response_qtc485_at_78")))[QTC]
    assert card["summary"] == (
        "QTc 485 ms on 2026-11-20 with citalopram running: above 480 ms; repeat the ECG"
    )
    # What to change stays the prescriber's: no drug order on the card.
    assert not card.get("suggestions")
    assert "Not offered as an order" in card["detail"]


# --- finding 4: the relapse's first step holds the optimise card's one-clicks ---------------------


def test_the_relapse_review_holds_the_optimise_cards_one_click_adjuncts() -> None:
    cards = _cards(_chart("sertraline_relapse_after_venlafaxine_failed"))
    topics = _topics(cards)
    assert topics.index(RELAPSE) < topics.index(OPTIMISE)
    found = by_topic(cards)
    assert found[RELAPSE]["summary"].endswith("review, then optimise the dose first")
    optimise = found[OPTIMISE]
    assert optimise["summary"] == (
        "1 adequate trial failed (venlafaxine): review the relapse and optimise sertraline "
        "first, then switch to a non-SNRI mechanism or augment"
    )
    assert not optimise.get("suggestions")
    assert optimise["detail"].startswith(
        "**Not one click while the relapse is reviewed** (Relapse on a running antidepressant "
        "card): Propose adjunctive aripiprazole"
    )


def test_a_snoozed_relapse_card_holds_nothing() -> None:
    doc = _chart("sertraline_relapse_after_venlafaxine_failed")
    record = evaluate_document(doc, hook="patient-view", as_of=AS_OF, policy=Policy())
    shown = {
        r.topic: r
        for r in patient_view(record.evaluation.record, Policy(), hidden=frozenset({RELAPSE}))
    }
    assert RELAPSE not in shown
    assert [s.label for s in shown[OPTIMISE].suggestions][:1] == [
        "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)"
    ]
    assert shown[OPTIMISE].summary.startswith(
        "1 adequate trial failed (venlafaxine): switch to a non-SNRI mechanism or augment"
    )
