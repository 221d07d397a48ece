"""Review s22 RS findings 1, 4 and 6: a PHQ-9 total against its nine answers, and two PHQ-9s of
one day.

- Finding 1 (unsafe): a total 4 filed beside nine readable answers summing to 18 (item
  Observations filed on their own, as Epic flowsheet rows) read as remission on venlafaxine and
  the screen was EMPTY. Now the total is checked against its answers
  (fhir_mapping/phq9_item_sum.checked_total): the score keeps the higher (18: what severity
  reads), judges no response, remission or failure, and the cards say "total filed 4, items sum
  to 18 on 2026-11-16: check the form"; the optimise card's drug options wait for that check.
- Finding 4: nine answered items filed on their own beside a total sent with a dataAbsentReason,
  or as valueString "17 (moderately severe)", read as "no total": the optimise card asked to
  repeat a PHQ-9 done two weeks before. Their sum is now the total.
- Finding 6: two final PHQ-9s of one day (17 at 09:30, 4 at 15:00): the higher is used, as
  before (the safer reading), and the payer severity line now names the other.

Charts: tests/services/phq9_total_charts/ (US Core survey Observations, every prefetch key; from
the s22 RS review charts s11, s10, s32, s28 and its control s01).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.record import TotalConflict
from tests.services import chart_files
from tests.services.helpers import Evaluator, drug_orders

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
DAY = date(2026, 11, 16)
MBC = "measurement-based-care"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"

_chart = chart_files.loader(Path(__file__).parent / "phq9_total_charts")
_at = Evaluator(AS_OF)


def _severity_line(card: dict[str, object]) -> str:
    detail = str(card["detail"])
    return next(line for line in detail.splitlines() if "Severity:" in line)


def test_a_total_its_answers_contradict_is_named_and_judges_nothing() -> None:
    cards, record = _at.by_topic_and_record(_chart("total_4_items_sum_18"))
    # Before: no card at all ("outcome: remission" on a total of 4).
    latest = record.latest_phq9()
    assert latest is not None and latest.date == DAY
    assert latest.value == 18  # the higher: what severity reads
    assert latest.total_conflict == TotalConflict(filed=4, items_sum=18)
    venlafaxine = next(t for t in record.trials if t.ingredient == "venlafaxine")
    assert venlafaxine.on_treatment is not None and venlafaxine.on_treatment.date != DAY
    assert not venlafaxine.remission and not venlafaxine.response
    # Asked once, on the optimise card (review s24 RN finding 5: the measurement card said the
    # same "check the form" beside it and yields).
    assert MBC not in cards
    optimise = cards[OPTIMISE]
    assert "Which is right is not known" in optimise["detail"]
    assert (
        "total filed 4, items sum to 18 on 2026-11-16: check the form before"
        in (optimise["summary"])
    )
    assert drug_orders(optimise) == []  # no adjunct one click on a form not checked
    assert "PHQ-9 18 on 2026-11-16 (moderately severe, Kroenke 2001; total filed 4, items " in (
        _severity_line(cards[TMS])
    )


def test_answers_that_agree_with_their_total_change_nothing() -> None:
    cards, record = _at.by_topic_and_record(_chart("control_items_agree"))
    latest = record.latest_phq9()
    assert latest is not None and latest.value == 17 and latest.total_conflict is None
    assert MBC not in cards
    assert drug_orders(cards[OPTIMISE])  # judged failed on a recent score: one click, as before
    assert "total filed" not in str(cards)


@pytest.mark.parametrize(
    "name", ["total_absent_items_filed_alone", "total_string_with_band_items_filed_alone"]
)
def test_nine_answers_filed_alone_are_the_total_when_it_cannot_be_read(name: str) -> None:
    cards, record = _at.by_topic_and_record(_chart(name))
    latest = record.latest_phq9()
    assert latest is not None and latest.date == DAY and latest.total_computed
    assert latest.total_conflict is None
    # Before: "last PHQ-9 17 on 2026-06-01 (6 months ago): repeat before switching or
    # augmenting" and "the PHQ-9 of 2026-11-16 has no total".
    assert "2026-06-01 (6 months ago)" not in cards[OPTIMISE]["summary"]
    assert "has no total" not in str(cards.get(MBC, ""))


def test_the_item9_of_answers_filed_alone_still_raises_the_risk_card() -> None:
    cards, record = _at.by_topic_and_record(_chart("total_absent_items_filed_alone"))
    latest = record.latest_phq9()
    assert latest is not None and latest.value == 18 and latest.item9 == 1
    assert cards["suicide-risk"]["summary"].startswith("PHQ-9 item 9 = 1 (several days) on")


def test_two_finals_of_one_day_the_higher_used_and_the_other_named() -> None:
    cards, record = _at.by_topic_and_record(_chart("two_finals_one_day_17_and_4"))
    latest = record.latest_phq9()
    assert latest is not None and latest.value == 17
    assert _severity_line(cards[TMS]).endswith(
        "Severity: PHQ-9 17 on 2026-11-16 (moderately severe, Kroenke 2001; 2 PHQ-9s that day "
        "(17, 4): the higher is used): below PHQ-9 >= 20 (severe, Kroenke 2001)"
    )
