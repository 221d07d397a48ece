"""Recheck s24 RC findings 1 and 2: two holds on the optimise card at once, and the TMS card
beside a held raise.

- Finding 1: with PHQ-9 item 9 not recorded AND the sodium at 128, the optimise summary said
  only the first hold's step ("check the sodium first, then augment or switch class"); "item 9"
  was on no summary (one_click_hold.held_summary returned once a hold had worded it). Every
  hold's reason is now said, the suicide-risk step first: "ask item 9 (not recorded) and check
  the sodium first, then augment or switch class"; the raise-only shape keeps both reasons too
  ("sertraline raise held (PHQ-9 item 9 not recorded, ...; the sodium is low)").
  A single hold keeps the words it had (h4: "sertraline raise held (the sodium is low)").
- Finding 2: with sertraline suspected of SIADH (sodium 128), the TMS card said "raise sertraline
  first, then consider TMS referral" while the optimise card held that raise. It now leads with
  what holds the raise ("check the sodium first, then consider TMS referral",
  rules/tms_follows_optimise.py).

Charts: tests/services/two_holds24_charts/ (h1-h3 built by the recheck from the session's
Oracle / Epic charts with the w02 sodium results added, h2 the w02 chart with its item-9
answers removed; h4 is h3 with item 9 answered 0 on the latest PHQ-9, so the sodium alone holds
the raise; every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.rules import hold_words
from tests.services import chart_files
from tests.services.helpers import Evaluator, drug_orders

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
SODIUM_LOW = "the sodium is low"
ITEM9 = "PHQ-9 item 9 not recorded, ask it first"

_chart = chart_files.loader(Path(__file__).parent / "two_holds24_charts")
_cards = Evaluator(AS_OF).by_topic


def test_item9_and_low_sodium_both_said_item9_first() -> None:
    cards = _cards(_chart("h1_item9_not_recorded_and_sodium_128"))
    summary = cards[OPTIMISE]["summary"]
    assert summary == (
        "2 adequate trials failed (sertraline, escitalopram): ask item 9 (not recorded) and "
        "check the sodium first, then augment or switch class"
    )
    assert len(summary) < 140
    # Both holds' lines stay in the detail, and nothing is one click.
    detail = cards[OPTIMISE]["detail"]
    assert "item 9" in detail and "sodium" in detail.lower()
    assert drug_orders(cards[OPTIMISE]) == []


def test_two_holds_before_an_adjunct_step() -> None:
    """A partial response (an adjunct to escitalopram next) with item 9 removed from the w02
    chart and the sodium at 128: both steps, item 9 first, before the adjunct."""
    cards = _cards(_chart("h2_w02_sodium_128_item9_removed"))
    summary = cards[OPTIMISE]["summary"]
    assert summary.endswith(
        ": ask item 9 and check the sodium first, then add an adjunct to escitalopram"
    )
    assert summary.startswith("1 adequate trial with partial response only (escitalopram)")
    assert len(summary) < 140


def test_raise_held_by_two_holds_names_both_reasons() -> None:
    cards = _cards(_chart("h3_raise_only_item9_not_recorded_and_sodium_128"))
    summary = cards[OPTIMISE]["summary"]
    assert "sertraline raise held (" in summary
    assert "item 9 not recorded" in summary and SODIUM_LOW in summary
    assert summary.index("item 9") < summary.index(SODIUM_LOW)
    assert len(summary) < 140
    # The TMS card never proposes the held raise (finding 2).
    assert "raise sertraline" not in cards[TMS]["summary"]


def test_tms_card_leads_with_the_hold_on_the_raise() -> None:
    cards = _cards(_chart("h4_raise_only_sodium_128_item9_answered"))
    assert cards[OPTIMISE]["summary"].endswith(f"sertraline raise held ({SODIUM_LOW})")
    tms = cards[TMS]
    assert ": check the sodium first, then consider TMS referral" in tms["summary"]
    assert "raise sertraline" not in tms["summary"]
    assert "**The raise waits too:** the optimise card holds raising sertraline" in tms["detail"]
    # Named, not one click, while the card puts the sodium first (review s26 RN finding 6).
    assert "suggestions" not in tms
    assert tms["detail"].startswith(
        '**Not one click yet:** Refer for TMS evaluation; this card puts "check the sodium" first'
    )


def test_suicide_risk_steps_lead_whatever_order_the_holds_ran() -> None:
    summary = "2 adequate trials failed (sertraline): augment or switch class"
    said = hold_words.first_then_all(summary, ((SODIUM_LOW, True), (ITEM9, True)))
    assert said == (
        "2 adequate trials failed (sertraline): ask PHQ-9 item 9 (not recorded) and check the "
        "sodium first, then augment or switch class"
    )
    assert hold_words.steps([SODIUM_LOW, ITEM9])[0] == (
        "ask PHQ-9 item 9 (not recorded) and check the sodium"
    )


def test_one_hold_about_one_drug_beside_a_whole_plan_hold_holds_the_switch_too() -> None:
    """A hold about one drug (a dose above its label maximum) said with one about the whole plan:
    every step waits (the safer reading), no "switch class; ... before augmenting"."""
    said = hold_words.first_then_all(
        "2 adequate trials failed: augment or switch class",
        (("a dose above its label maximum", False), (SODIUM_LOW, True)),
    )
    assert said == (
        "2 adequate trials failed: review the dose above its label maximum and check the sodium "
        "first, then augment or switch class"
    )
