"""Review s24 RN findings 2, 5, 6 and 13 (the measurement card and the card order).

- Finding 2 (psychotic_features, held_reason h01, wording19 r02, recheck2 m12): "On venlafaxine
  since 2025-02-10; no PHQ-9 total in 568 days: repeat the PHQ-9" sat beside "venlafaxine: no
  supply since 2025-06-10 (539 days), its order still open: confirm whether it is still taken".
  The measurement card now measures only the courses every card calls running
  (measurement_based_care.measured: taken_to_confirm.trial_claim is RUNNING).
- Finding 5 (packet_claims23 phq9_total22_items_sum12, phq9_total total_4_items_sum_18): the form
  to check was asked on the optimise and the measurement card; it is asked once, on the optimise
  card, which now carries what the disagreement means.
- Finding 6 (current_state22 epds_item10_and_phq9_item9_unread, scale_words phq2/phq8): two
  requests for one PHQ-9. The optimise card names the newer PHQ-2 / PHQ-8 / EPDS (item 9 not
  asked) and the unread results named PHQ-9; the measurement card yields to it
  (rules/measurement_yield.py). With the optimise card snoozed, the measurement card stays.
- Finding 13 (claims19 x02): "treatment-pathway cards not shown" above a critical card: the
  critical card goes first, led by the status line, and the status card says the safety cards
  are still shown. (The paroxetine-at-32-weeks half: test_s21_pregnancy_now.py.)

Charts: the review's own test charts (every prefetch key), evaluated as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic, screen_by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
HERE = Path(__file__).parent
MBC = "measurement-based-care"
TMS = "then consider TMS referral"
OPTIMISE = "optimize-switch-augment"
QUALITY = "data-quality"

_at = Evaluator(date(2026, 12, 1))


def _chart(folder: str, name: str) -> Doc:
    return chart_files.loader(HERE / folder)(name)


def _fixture(name: str) -> Doc:
    return chart_files.loader(HERE.parent / "fixtures" / "patients")(name)


def _summaries(doc: Doc) -> list[str]:
    return [c["summary"] for c in _at.cards(doc)]


# --- finding 2: one state on every card ------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "drug"),
    [
        (lambda: _fixture("psychotic_features.request"), "venlafaxine"),
        (lambda: _chart("held_reason_charts", "h01_psychotic_sertraline_no_supply"), "sertraline"),
        (lambda: _chart("wording19_charts", "r02_psychotic_sertraline_50"), "sertraline"),
        (lambda: _chart("recheck2_charts", "m12_psychotic_code_no_phq9_madrs"), "venlafaxine"),
    ],
)
def test_no_measurement_card_on_a_course_whose_supply_ran_out(doc: Any, drug: str) -> None:
    summaries = _summaries(doc())
    # The supply card asks to confirm the drug; no card says the patient is on it.
    assert any(s.startswith(f"{drug}: no supply since") for s in summaries), summaries
    assert not any(s.startswith(f"On {drug}") for s in summaries), summaries
    assert not any("repeat the PHQ-9" in s for s in summaries), summaries


def test_an_unanswered_item9_is_still_asked_on_a_course_whose_supply_ran_out() -> None:
    # recheck2 m09: the item-9 card stays (its own topic), without "on escitalopram, repeat".
    summaries = _summaries(_chart("recheck2_charts", "m09_phq9_item9_only_missing"))
    assert "PHQ-9 on 2025-05-28: item 9 unanswered - ask it today" in summaries
    assert any(s.startswith("escitalopram: no supply since") for s in summaries)


# --- finding 5: the form to check, asked once -----------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "name", "words"),
    [
        ("packet_claims23_charts", "phq9_total22_items_sum12", "total filed 22, items sum to 12"),
        ("phq9_total_charts", "total_4_items_sum_18", "total filed 4, items sum to 18"),
    ],
)
def test_the_form_to_check_is_asked_once(folder: str, name: str, words: str) -> None:
    cards = by_topic(_at.cards(_chart(folder, name)))
    assert MBC not in cards
    asking = [c for c in cards.values() if "check the form" in c["summary"]]
    assert [c["source"]["topic"]["code"] for c in asking] == [OPTIMISE]
    assert words in asking[0]["summary"]
    # What the disagreement means, said on the card that stays.
    assert "**PHQ-9 total and answers disagree:**" in asking[0]["detail"]
    assert "Which is right is not known" in asking[0]["detail"]


# --- finding 6: one request for the repeat PHQ-9, every reason kept ---------------------------------


@pytest.mark.parametrize(
    ("folder", "name", "screen"),
    [
        ("current_state22_charts", "epds_item10_and_phq9_item9_unread", "EPDS 22 on 2026-11-16"),
        ("scale_words_charts", "phq2_latest_no_item9", "PHQ-2 6 on 2026-11-16"),
        ("scale_words_charts", "phq8_latest_no_item9", "PHQ-8 on 2026-11-16"),
    ],
)
def test_one_request_for_the_phq9_naming_the_newer_screen(
    folder: str, name: str, screen: str
) -> None:
    cards = _at.cards(_chart(folder, name))
    # The TMS card's "repeat the PHQ-9 first, then consider TMS referral" is its hold (review
    # s24 RN finding 1), no request of its own: the request is the optimise card's.
    asking = [
        c
        for c in cards
        if "repeat" in c["summary"] and "PHQ-9" in c["summary"] and TMS not in c["summary"]
    ]
    assert [c["source"]["topic"]["code"] for c in asking] == [OPTIMISE]
    summary = asking[0]["summary"]
    assert screen in summary and "item 9 not asked" in summary
    assert summary.endswith("repeat before switching or augmenting")
    assert MBC not in by_topic(cards)


def test_unread_phq9_results_are_named_on_the_card_that_asks() -> None:
    doc = _chart("current_state22_charts", "epds_item10_and_phq9_item9_unread")
    optimise = by_topic(_at.cards(doc))[OPTIMISE]
    assert (
        "Since then also: 1 PHQ-9 result under an unmapped site code, latest 2026-11-20, not "
        "read: their totals and item 9 answers are not known; check them in the chart (if an "
        "item 9 is above 0, assess suicide risk today)"
    ) in optimise["detail"]


def test_with_the_optimise_card_snoozed_the_measurement_card_asks() -> None:
    _, record = _at.by_topic_and_record(_chart("scale_words_charts", "phq2_latest_no_item9"))
    shown = screen_by_topic(record, hidden=frozenset({OPTIMISE}))
    assert "PHQ-2 6 on 2026-11-16: not a PHQ-9, item 9 not asked" in shown[MBC].summary


# --- finding 13: the deceased notice and a critical card ----------------------------------------


def test_a_critical_card_goes_first_and_the_status_card_says_the_safety_cards_stay() -> None:
    cards = _at.cards(_chart("claims19_charts", "x02_deceased_maoi_pair_patient_view"))
    assert [c["indicator"] for c in cards] == ["critical", "info"]
    critical, status = cards
    assert status["source"]["topic"]["code"] == QUALITY
    assert status["summary"].endswith("treatment-pathway cards not shown; safety cards still shown")
    assert critical["detail"].startswith("**Patient recorded deceased (2025-05-20):**")
    assert all(not c.get("suggestions") for c in cards)


def test_the_status_card_without_safety_cards_says_only_what_is_not_shown() -> None:
    # As of 2025-06-02, as the review 18 charts are read (test_claims19_deceased_inactive_tms.py).
    cards = _at.cards(
        _chart("review18_charts", "p01_deceased_datetime_trd"), as_of=date(2025, 6, 2)
    )
    assert [c["source"]["topic"]["code"] for c in cards] == [QUALITY]
    assert cards[0]["summary"].endswith("treatment-pathway cards not shown")
