"""Session 40 fix data67: contained resources nothing references (FHIR dom-3), never silent.

- Item 1: a scored Observation in a resource's `contained` that nothing in it references (a PHQ-9
  item 9 answer or C-SSRS answers contained in the PHQ-9 total, an item 9 answer in an order) was
  dropped in silence: quiet, TMS offered beside "nearly every day". It is now read as if sent,
  placed by its parent's subject and date (fhir_mapping/contained_scores.py); one neither it nor
  its parent dates is read as an undated answer (critical, "date not recorded"). Controls: an
  item 9 of 0 contained the same way stays quiet; a parent entered in error takes its contents
  with it; a referenced contained Medication is read as before.
- Item 2: an order whose only drug is an unreferenced contained linezolid Medication names it on
  the cards' unread lines (data66 named any recognised drug, not only antidepressants): a guard.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "data67_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
OPT, TMS, RISK = "optimize-switch-augment", chart_files.TMS, chart_files.RISK

CRITICAL = {
    "total_item9_contained_nearly_every_day": "PHQ-9 item 9 = 3 (nearly every day) on 2026-11-15",
    "total_item9_contained_several_days": "PHQ-9 item 9 = 1 (several days) on 2026-11-15",
    "order_item9_contained_dated": "PHQ-9 item 9 = 2 (more than half the days) on 2026-11-20",
    "total_cssrs_contained_intent_yes": "suicidal thoughts with some intent to act",
    "total_undated_item9_contained": "PHQ-9 item 9 = 3 (nearly every day), date not recorded",
}
WARNING = {"total_cssrs_contained_thoughts_yes": "C-SSRS: non-specific active suicidal thoughts"}
QUIET = {
    "total_item9_contained_not_at_all": "control",
    "eie_total_item9_contained": "control",
    "order_medication_contained_referenced": "control",
}
NAMED = {"order_linezolid_contained_unreferenced": "control"}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, WARNING, QUIET, NAMED)


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_unreferenced_contained_answer_is_read(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)
    assert CRITICAL[name] in cards[RISK]["summary"]
    assert "suicide risk assessment first" in cards[OPT]["summary"]


def test_contained_cssrs_thoughts_read_as_sent() -> None:
    # As the same answers sent on their own are read: a warning, the TMS one-click withheld.
    cards = _cards("total_cssrs_contained_thoughts_yes")
    assert cards[RISK]["indicator"] == "warning"
    assert WARNING["total_cssrs_contained_thoughts_yes"] in cards[RISK]["summary"]
    # span71 (feed_unfilled.py, K69a finding 1): sertraline never filled on the feed is no trial,
    # so no TMS card at all here; were it offered, never as a one-click.
    assert TMS not in cards or "confirm the safety plan first" in cards[TMS]["summary"]


@pytest.mark.parametrize("name", sorted(QUIET))
def test_controls_read_as_before(name: str) -> None:
    cards = _cards(name)
    # span73 (feed_coverage.py): the base's sertraline orders, never filled, come before the
    # feed's first fill (venlafaxine's, 2026-07-31): counted as on an orders-only chart, as before
    # span71 ("2 adequate trials failed (sertraline, venlafaxine)" and the TMS card).
    assert chart_files.RISK not in cards, (name, cards[chart_files.RISK]["summary"])
    assert "2 adequate trials failed (sertraline, venlafaxine)" in cards[OPT]["summary"]


def test_unreferenced_contained_linezolid_is_named() -> None:
    cards = _cards("order_linezolid_contained_unreferenced")
    text = "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in cards.values())
    assert "(a contained Medication, not referenced by it, names linezolid)" in text
    assert "1 medication record could not be read" in text
