"""Review s26 RK4 findings 1 and 2: a TMS card that puts a step first, or sits under a critical
safety card, kept its one-click "Refer for TMS evaluation".

- Finding 1: after a C-SSRS that found "wish to be dead" (level FOUND, not high: TMS is not
  blocked), the TMS card said "confirm the safety plan before referring" and still offered the
  referral in one click. The step comes from data/suicide_urgency.csv (referral_first), the
  same words for the card's suicide-risk line and its summary, and the step hold
  (services/hold_survival.step_held) takes the referral off, saying when it comes back (a
  safety plan is not read from the chart).
- Finding 2: beside a critical "Lithium 1.6 mmol/L ...: hold, assess toxicity now" the TMS card
  kept its one-click referral and never named the lithium, while the optimise card held its
  drugs. Any critical card of the safety tier now holds the referral, with one line naming it
  (services/hold_survival.critical_card_held; data/hold_survival.csv critical-card rows): a
  toxic lithium level, a toxic nortriptyline level, a running drug a condition rules out.

Charts: tests/services/critical_card_tms_charts/ (the RK4 recheck's D1b and L1 charts, renamed,
and three variants of L1: lithium at 0.6 mmol/L with nortriptyline running at 527 ng/mL, or
with an unpaced complete heart block on record, or alone as the control), Epic / US Core shaped
requests with every prefetch key, as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services import hold_survival
from services.policy import Policy
from services.recommendation import Action, Suggestion
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
TMS = "tms-referral"
REFER = "Refer for TMS evaluation"
Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "critical_card_tms_charts")

CHARTS = [
    "cssrs_wish_to_be_dead_after_discharge",
    "lithium_1_6_toxic_running",
    "nortriptyline_527_toxic_running",
    "nortriptyline_running_complete_heart_block",
    "lithium_0_6_in_range_control",
]


def _cards(name: str) -> list[Doc]:
    doc = _chart(name)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return cards


def _card(cards: list[Doc], topic: str) -> Doc:
    (card,) = [c for c in cards if c["source"]["topic"]["code"] == topic]
    return card


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions", [])]


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_requests_an_ehr_sends(name: str) -> None:
    chart_files.check_chart(_chart(name))


def test_a_safety_plan_to_confirm_first_takes_the_one_click_referral_off() -> None:
    cards = _cards("cssrs_wish_to_be_dead_after_discharge")
    assert _card(cards, "suicide-risk")["indicator"] == "warning"
    tms = _card(cards, TMS)
    # Before: "...PHQ-9 20: consider TMS referral; ..." with both referral one-clicks.
    assert ": confirm the safety plan first, then consider TMS referral" in tms["summary"]
    assert _labels(tms) == []
    first, rest = tms["detail"].split("\n\n", 1)
    assert first == (
        f'**Not one click yet:** {REFER}; this card puts "confirm the safety plan" first, and '
        "the one-click comes back once a later assessment finds no current suicidal thoughts "
        "(a safety plan is not read from the chart: once it is confirmed, order the referral "
        "by hand)."
    )
    # The card's suicide-risk line says the same step, once.
    assert "(see that card): confirm the safety plan before referring." in rest
    assert rest.count("confirm the safety plan") == 1


def test_the_step_before_referring_is_one_row_per_urgency() -> None:
    from services import suicide_urgency

    assert suicide_urgency.urgency(suicide_urgency.REVIEW_FINDING).referral_first == (
        "confirm the safety plan"
    )
    assert suicide_urgency.urgency(suicide_urgency.RECORD_ASSESSMENT).referral_first == (
        "assess suicide risk"
    )
    # Nothing first once every signal was assessed and found none: the referral stays.
    assert suicide_urgency.urgency(suicide_urgency.REASSESS_AT_VISITS).referral_first is None


# (chart, the critical card's topic, how the TMS card names it: its summary's head)
CRITICAL = [
    (
        "lithium_1_6_toxic_running",
        "running-lithium-level",
        "Lithium 1.6 mmol/L on 2026-11-18 (at or above 1.5, toxicity risk) on 600 mg/day with "
        "lisinopril",
    ),
    (
        "nortriptyline_527_toxic_running",
        "running-drug-level",
        "Nortriptyline level 527 ng/mL on 2026-11-20",
    ),
    (
        "nortriptyline_running_complete_heart_block",
        "running-drug-caution",
        "Nortriptyline 75 mg/day with Atrioventricular block, complete on record",
    ),
]


@pytest.mark.parametrize(("name", "topic", "named"), CRITICAL)
def test_a_critical_safety_card_holds_the_referral_and_is_named(
    name: str, topic: str, named: str
) -> None:
    cards = _cards(name)
    assert _card(cards, topic)["indicator"] == "critical"
    tms = _card(cards, TMS)
    # No step of its own first: the summary proposes the referral as before.
    assert " first, then " not in tms["summary"]
    assert tms["summary"].endswith(": consider TMS referral"), tms["summary"]
    # Before: [Refer for TMS evaluation, Refer for TMS evaluation (order only, ...)].
    assert _labels(tms) == []
    first = tms["detail"].split("\n\n", 1)[0]
    assert first == (
        f'**Not one click yet:** {REFER}; the critical card "{named}" comes first (the referral '
        "summary does not carry its finding), and the one-click comes back once that card is "
        "closed."
    )


def test_with_no_critical_card_the_referral_stays_one_click() -> None:
    cards = _cards("lithium_0_6_in_range_control")
    assert all(c["indicator"] != "critical" for c in cards)
    tms = _card(cards, TMS)
    assert _labels(tms) == [REFER, f"{REFER} (order only, summary not attached)"]
    assert "Not one click yet" not in tms["detail"]


def test_the_critical_card_hold_is_a_row_per_kind_of_proposal() -> None:
    def proposal(resource: Doc) -> Suggestion:
        return Suggestion("p", (Action("create", "p", resource),))

    snomed = {"system": "http://snomed.info/sct", "code": "183524004"}
    referral = proposal({"resourceType": "ServiceRequest", "code": {"coding": [snomed]}})
    lab = proposal(
        {
            "resourceType": "ServiceRequest",
            "code": {"coding": [{"system": "http://loinc.org", "code": "3016-3"}]},
        }
    )
    urgent = proposal({"resourceType": "ServiceRequest", "priority": "urgent"})
    hold = hold_survival.CRITICAL_CARD
    assert not hold_survival.survives(hold, TMS, referral)
    assert hold_survival.survives(hold, TMS, lab)
    assert hold_survival.survives(hold, TMS, urgent)
