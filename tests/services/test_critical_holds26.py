"""Review s26 RK2 findings 2, 3 and 4: what a critical "assess today" holds, that no critical
card is snoozed, and a trial of a contraindicated drug said as "not to retry".

- Finding 2: a psychiatric discharge nobody assessed since raised the critical "Discharged
  2026-11-10 after a psychiatric admission (F33.2): ... assess today" beside one-click
  aripiprazole and brexpiprazole and a one-click "Refer for TMS evaluation", while every other
  "assess today" card held them. The hold now keys on the card's urgency
  (services/suicide_today.py, data/suicide_urgency.csv holds_changes).
- Finding 3: a critical card of a snoozable topic (running-drug-caution beside an unpaced
  complete heart block; running-lithium-level at >= 1.5 mmol/L) could be snoozed. A critical
  card is never snoozed (Recommendation.snoozable).
- Finding 4: nortriptyline 25 mg/day, stopped, beside an active unpaced I44.2: "review dose and
  adherence before counting failures ... below the minimum adequate 75 mg/day", and the block
  unnamed. Now "not to retry: contraindicated with Complete heart block", still not counted.

Charts: tests/services/critical_holds26_charts/ (copies of the RK2 recheck charts, renamed;
Epic / US Core shaped requests with every prefetch key), and the heart-block chart of
tests/services/heart_block_hb26_charts/.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services import suicide_urgency
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
SUICIDE = "suicide-risk"
ADHERENCE = "adherence-review"
RUNNING = "running-drug-caution"

HERE = Path(__file__).parent
_chart = chart_files.loader(HERE / "critical_holds26_charts")
_hb26 = chart_files.loader(HERE / "heart_block_hb26_charts")
_cards = Evaluator(AS_OF).cards


def _card(cards: list[Doc], topic: str) -> Doc:
    return next(c for c in cards if c["source"]["topic"]["code"] == topic)


def _topics(cards: list[Doc]) -> list[str]:
    return [c["source"]["topic"]["code"] for c in cards]


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions", [])]


def _recommendations(doc: Doc) -> dict[str, Recommendation]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    return {r.topic: r for r in result.evaluation.recommendations}


# --- Finding 2: an unassessed discharge holds what any "assess today" holds -------------------


def test_an_unassessed_discharge_holds_the_adjunct_one_clicks_and_the_tms_card() -> None:
    cards = _cards(_chart("psychiatric_discharge_cssrs_only_during_stay"))
    suicide = cards[0]
    assert _topics(cards)[0] == SUICIDE and suicide["indicator"] == "critical"
    assert suicide["summary"].startswith("Discharged 2026-11-10 after a psychiatric admission")
    optimise = _card(cards, OPTIMISE)
    assert optimise["summary"].endswith(
        "suicide risk assessment first, then augment or switch class"
    )
    assert not any(label.startswith("Propose adjunctive") for label in _labels(optimise))
    assert optimise["detail"].startswith(
        "**Suicide risk card open:** assess risk before changing treatment; not one click until "
        "then: Propose adjunctive aripiprazole 2 mg/day"
    )
    assert TMS not in _topics(cards)
    # What comes instead of TMS is said where the TMS card would have been looked for, once:
    # the "Not TMS now" line names ECT after a hospitalised episode, so the discharge section
    # does not say it again.
    assert (
        "**Not TMS now:** The risk assessment comes first; if it finds acute risk:"
        in (suicide["detail"])
    )
    assert suicide["detail"].count("CANMAT 2023 para 215") == 1
    # The assessment itself stays one click.
    assert _labels(suicide) == [suicide_urgency.urgency(suicide_urgency.ASSESS_TODAY).label]


def test_once_an_assessment_followed_the_discharge_nothing_is_held() -> None:
    cards = _cards(_chart("psychiatric_discharge_assessed_next_day"))
    assert _card(cards, SUICIDE)["indicator"] == "info"
    assert _labels(_card(cards, OPTIMISE))[:2] == [
        "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)",
        "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)",
    ]
    assert _labels(_card(cards, TMS))[0] == "Refer for TMS evaluation"


def test_the_urgency_table_says_which_asks_hold_a_change_of_treatment() -> None:
    holding = {
        name
        for name in (
            suicide_urgency.ASSESS_TODAY,
            suicide_urgency.ASSESS_TODAY_HIGH,
            suicide_urgency.RECORD_ASSESSMENT,
            suicide_urgency.REVIEW_FINDING,
            suicide_urgency.CHECK_CHART,
            suicide_urgency.REASSESS_AT_VISITS,
        )
        if suicide_urgency.urgency(name).holds_changes
    }
    assert holding == {suicide_urgency.ASSESS_TODAY, suicide_urgency.ASSESS_TODAY_HIGH}


# --- Finding 3: a critical card is never snoozed -------------------------------------------------


def test_the_critical_heart_block_card_cannot_be_snoozed() -> None:
    recs = _recommendations(_hb26("first_degree_i440_and_cavb_i442_running_nortriptyline_pv"))
    card = recs[RUNNING]
    assert card.indicator is Indicator.CRITICAL and card.topic_snoozable is True
    assert card.snoozable is False


def test_the_paced_block_warning_of_the_same_topic_still_can() -> None:
    card = _recommendations(_chart("cavb_i442_paced_z950_nortriptyline"))[RUNNING]
    assert card.indicator is Indicator.WARNING and card.snoozable is True


# --- Finding 4: a trial of a contraindicated drug is not one to review the dose of -------------


@pytest.mark.parametrize(
    "name",
    [
        "cavb_i442_unpaced_nortriptyline_25mg_stopped_october",
        "cavb_i442_unpaced_nortriptyline_stopped_last_fill_oct31",
    ],
)
def test_a_stopped_tricyclic_beside_an_unpaced_block_is_not_to_retry(name: str) -> None:
    card = _card(_cards(_chart(name)), ADHERENCE)
    assert card["summary"] == (
        "1 trial not adequate and not counted (nortriptyline not to retry: contraindicated with "
        "Complete heart block)"
    )
    detail = card["detail"]
    assert detail.startswith("**Not to retry (contraindicated on record):**\n- **nortriptyline**")
    assert (
        "not to retry at any dose: contraindicated with Complete heart block (ICD-10-CM I44.2, "
        "since 2024-03-01); not counted as a failed trial"
    ) in detail
    for advice in ("review dose", "Not a fair test yet", "confirm the dose taken"):
        assert advice not in card["summary"] + detail


def test_the_trial_stays_out_of_the_failed_count() -> None:
    cards = _cards(_chart("cavb_i442_unpaced_nortriptyline_25mg_stopped_october"))
    optimise = _card(cards, OPTIMISE)
    assert optimise["summary"].startswith("1 adequate trial failed (sertraline)")
