"""Review s26 RN findings 2, 5 and 6 (the whole card rail): the order of the cards, the severity
of "assess suicide risk today", and which one-clicks survive a hold.

- Finding 2: "Lithium and lisinopril both running: raises lithium levels (toxicity risk)" sorted
  below "augment (aripiprazole or brexpiprazole) or switch class" at the same indicator. At one
  indicator a safety topic now sorts before a review topic before a strategy topic
  (services/data/topic_tiers.csv, cards.sort_key).
- Finding 5: "Discharged ... after a psychiatric admission: highest suicide risk in the first
  months; assess today" was a warning while "PHQ-9 item 9 = 1 ...: complete a suicide risk
  assessment today" was critical. One table (services/data/suicide_urgency.csv) gives each
  urgency its indicator, priority and label: assess today is critical on both, with one label.
- Finding 6: the TMS card's "ask item 9 first, then consider TMS referral" kept the one-click
  referral while the optimise card held its drugs for the same step; the ED hold dropped the
  TSH a stay kept, by a topic list of its own. One table (services/data/hold_survival.csv) now
  decides per hold and kind of proposal; the ED/ward TSH difference is kept, with its reason.

Charts: tests/services/card_rail26_charts/ (copies of earlier review charts, renamed: Epic /
US Core shaped requests, every prefetch key).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import cards as rail
from services import hold_survival, suicide_urgency, tables
from services.recommendation import Action, Indicator, Suggestion
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
DATA = Path(__file__).resolve().parents[2] / "services" / "data"

_chart = chart_files.loader(Path(__file__).parent / "card_rail26_charts")
_cards = Evaluator(AS_OF).cards


def _topics(cards: list[Doc]) -> list[str]:
    return [c["source"]["topic"]["code"] for c in cards]


def _card(cards: list[Doc], topic: str) -> Doc:
    return next(c for c in cards if c["source"]["topic"]["code"] == topic)


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions", [])]


# Finding 2: the order.


def test_the_lithium_interaction_warning_sorts_above_the_augment_card() -> None:
    cards = _cards(_chart("lithium_lisinopril_interaction_beside_augment"))
    assert _topics(cards) == ["drug-interaction", "optimize-switch-augment", "tms-referral"]
    assert "raises lithium levels (toxicity risk)" in cards[0]["summary"]
    assert cards[0]["indicator"] == cards[1]["indicator"] == "warning"


def test_every_topic_has_one_tier_and_safety_sorts_before_strategy() -> None:
    topics = tables.topics()
    with (DATA / "topic_tiers.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert sorted(r["topic"] for r in rows) == sorted(topics)
    names = {r["tier"]: r["tier_name"] for r in rows}
    assert names == {"1": "safety", "2": "review", "3": "strategy"}
    for topic in ("drug-interaction", "suicide-risk", "running-dose-above-label-max"):
        assert topics[topic].tier == 1
    for topic in ("optimize-switch-augment", "tms-referral", "psychotherapy"):
        assert topics[topic].tier == 3
    # A row added late in topics.csv (drug-interaction) still sorts before an earlier strategy row.
    assert topics["drug-interaction"].rank > topics["optimize-switch-augment"].rank
    key = rail.sort_key
    assert key(topics["drug-interaction"], Indicator.WARNING) < key(
        topics["optimize-switch-augment"], Indicator.WARNING
    )
    # The indicator still comes first: a critical strategy card above a warning safety card.
    assert key(topics["optimize-switch-augment"], Indicator.CRITICAL) < key(
        topics["drug-interaction"], Indicator.WARNING
    )


# Finding 5: one severity and one label for "assess today".


def test_an_unassessed_recent_psychiatric_discharge_is_critical_as_item9_is() -> None:
    cards = _cards(_chart("psychiatric_discharge_21_days_ago_unassessed"))
    card = cards[0]
    assert card["source"]["topic"]["code"] == "suicide-risk"
    assert card["summary"].startswith("Discharged 2026-11-10 after a psychiatric admission")
    assert card["indicator"] == "critical"
    today = suicide_urgency.urgency(suicide_urgency.ASSESS_TODAY)
    assert _labels(card) == [today.label]
    resource = card["suggestions"][0]["actions"][0]["resource"]
    assert resource["priority"] == today.priority == "asap"
    # The same ask holds the same things as every other "assess today" (review s26 RK2 finding
    # 2; services/suicide_today.py): no one-click adjunct, no TMS card until it is done.
    optimise = _card(cards, "optimize-switch-augment")
    assert "suicide risk assessment first" in optimise["summary"]
    assert not any(label.startswith("Propose adjunctive") for label in _labels(optimise))
    assert "tms-referral" not in _topics(cards)


def test_the_urgency_table_gives_assess_today_critical_and_one_label() -> None:
    today = suicide_urgency.urgency(suicide_urgency.ASSESS_TODAY)
    assert today.indicator is Indicator.CRITICAL
    assert today.label == "Order a same-day suicide risk assessment (C-SSRS)"
    assert (
        today.label_for(ward=True) == "Order a suicide risk assessment on the ward today (C-SSRS)"
    )
    assert suicide_urgency.urgency(suicide_urgency.REASSESS_AT_VISITS).indicator is Indicator.INFO
    record = suicide_urgency.urgency(suicide_urgency.RECORD_ASSESSMENT)
    assert (record.indicator, record.priority) == (Indicator.WARNING, "routine")
    with pytest.raises(ValueError):
        suicide_urgency.urgency(suicide_urgency.REVIEW_FINDING).label_for(ward=False)


# Finding 6: one rule for which one-clicks survive a hold.


def test_the_tms_referral_is_not_one_click_while_its_card_puts_item9_first() -> None:
    cards = _cards(_chart("item9_not_recorded_tms_waits"))
    optimise = _card(cards, "optimize-switch-augment")
    tms = _card(cards, "tms-referral")
    assert "raise held (PHQ-9 item 9 not recorded, ask it first)" in optimise["summary"]
    assert _labels(optimise) == []
    assert "ask item 9 first, then consider TMS referral" in tms["summary"]
    assert _labels(tms) == []
    assert tms["detail"].startswith(
        '**Not one click yet:** Refer for TMS evaluation; this card puts "ask item 9" first'
    )
    # The TSH of the diagnosis review is how a first step is done: no step holds it.
    assert _labels(_card(cards, "diagnosis-review")) == ["Order TSH"]


def test_a_stay_keeps_the_tsh_an_ed_visit_holds_both_by_the_table() -> None:
    ward = _cards(_chart("medical_stay_in_progress"))
    ed = _cards(_chart("ed_visit_in_progress"))
    assert _labels(_card(ward, "diagnosis-review")) == ["Order TSH"]
    assert _labels(_card(ed, "diagnosis-review")) == []
    assert "until after the ED visit" in _card(ed, "diagnosis-review")["detail"]
    for cards in (ward, ed):
        for topic in ("optimize-switch-augment", "tms-referral", "psychotherapy"):
            assert _labels(_card(cards, topic)) == [], topic


def _proposal(resource: dict[str, Any] | None, kind: str = "create") -> Suggestion:
    return Suggestion(label="x", actions=(Action(type=kind, description="x", resource=resource),))


def _request(code: str, system: str, priority: str | None = None) -> dict[str, Any]:
    found: dict[str, Any] = {
        "resourceType": "ServiceRequest",
        "code": {"coding": [{"system": system, "code": code}]},
    }
    if priority:
        found["priority"] = priority
    return found


SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"


@pytest.mark.parametrize(
    ("resource", "kind", "expected"),
    [
        ({"resourceType": "MedicationRequest"}, "create", "drug"),
        (_request("183524004", SNOMED), "create", "referral"),  # TMS / ECT evaluation
        (_request("183524004", SNOMED, "stat"), "create", "assessment"),  # same-day psychiatry
        (_request("3016-3", LOINC), "create", "lab"),
        (_request("44249-1", LOINC), "create", "scale"),
        (_request("225337009", SNOMED, "asap"), "create", "assessment"),
        (None, "delete", "removal"),
    ],
)
def test_a_proposal_is_read_as_a_kind(
    resource: dict[str, Any] | None, kind: str, expected: str
) -> None:
    assert hold_survival.action_kind(kind, resource) == expected


def test_the_hold_table_decides_every_hold_and_kind_and_safety_cards_keep_theirs() -> None:
    with (DATA / "hold_survival.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    pairs = {(r["hold"], r["kind"]) for r in rows}
    kinds = {"drug", "referral", "lab", "scale", "assessment", "removal"}
    # critical-card: a critical safety card on the screen (review s26 RK4 finding 2).
    holds = ("step", "inpatient", "ed", "critical-card")
    assert pairs == {(h, k) for h in holds for k in kinds}
    assert all(r["source"] for r in rows)
    tsh = _proposal(_request("3016-3", LOINC))
    assert hold_survival.survives(hold_survival.INPATIENT, "diagnosis-review", tsh)
    assert not hold_survival.survives(hold_survival.ED, "diagnosis-review", tsh)
    drug = _proposal({"resourceType": "MedicationRequest"})
    every = (hold_survival.STEP, hold_survival.INPATIENT, hold_survival.ED)
    for hold in (*every, hold_survival.CRITICAL_CARD):
        assert not hold_survival.survives(hold, "optimize-switch-augment", drug)
        # A safety card's proposal (a lower dose for an older adult) is never deferred.
        assert hold_survival.survives(hold, "dose-above-age-limit", drug)
