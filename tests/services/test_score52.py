"""Session 34 fix score52: a PHQ-9 item 9 on a form with no clinical date (review K39a finding 1,
UNSAFE). The charts in score52_charts/ (all 19 prefetch keys; as of 2026-12-01) are the
reviewer's base chart: 2 failed trials, PHQ-9 totals only (no item 9) up to 18 on 2026-10-30.

- q_undated_item9_1 (the reviewer's k28d): a US Core QuestionnaireResponse with item 9 "Several
  days", no `authored`, meta.lastUpdated 2026-11-15. o_undated_item9_1 (k31b): an Observation
  total 3 with item 9 = 1 as a component, no effective[x] and no issued. Before: no suicide-risk
  card, and the optimise and TMS cards said item 9 "not recorded". After: the critical card,
  naming the form as undated and the record date as the record's, never the day answered.
- q_undated_nometa_item9_2: no meta either: still critical ("date not recorded").
- q_undated_item9_0: an undated item 9 of 0 is no current answer: no suicide-risk card, the hold
  stays, and the cards say "not dated", never "not recorded".
- q_undated_old_record_item9_1: a record last written 2025-06-01 proves the answer at least that
  old, past policy.suicide_unassessed_item9_days as a dated answer of that day is: no card, but it
  is named ("not dated") on the optimise and TMS cards.
Controls: o_issued_item9_1 (k31, dated by `issued`: critical as before), o_issued_item9_0 (a
dated 0: no card, no item-9 hold), o_undated_total_only (an undated total without item 9:
"not recorded" as before).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"
_cards = chart_files.topic_reader(Path(__file__).parent / "score52_charts", date(2026, 12, 1))


def _words(cards: dict[str, Any]) -> str:
    return " ".join(f"{c['summary']} {c.get('detail', '')}" for c in cards.values())


@pytest.mark.parametrize(
    ("name", "record_date"),
    [
        ("q_undated_item9_1", "2026-11-15"),
        ("o_undated_item9_1", None),
        ("q_undated_nometa_item9_2", None),
    ],
)
def test_undated_positive_item9_raises_the_critical_card(
    name: str, record_date: str | None
) -> None:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", (name, cards.keys())
    assert "date not recorded" in card["summary"]
    assert "on a form with no date" in card["detail"]
    if record_date is not None:
        assert f"record last written {record_date}, not the day answered" in card["detail"]
    assert TMS not in cards  # not TMS while the risk is unassessed
    assert not re.search(r"item 9 (\(|)not recorded", _words(cards)), name


def test_undated_item9_of_0_silences_nothing() -> None:
    cards = _cards("q_undated_item9_0")
    assert RISK not in cards
    optimise = cards[OPTIMISE]
    assert "ask PHQ-9 item 9 (not dated)" in optimise["summary"]
    assert "item 9 on record, 0 on a form with no date" in optimise["detail"]
    assert "item 9 only on a form with no date, none on the latest PHQ-9" in cards[TMS]["detail"]
    assert "not recorded" not in _words(cards)


def test_undated_answer_older_than_its_record_date_window() -> None:
    cards = _cards("q_undated_old_record_item9_1")
    assert RISK not in cards
    assert "ask PHQ-9 item 9 (not dated)" in cards[OPTIMISE]["summary"]
    assert "record last written 2025-06-01" in cards[OPTIMISE]["detail"]


def test_controls() -> None:
    dated = _cards("o_issued_item9_1")  # read by `issued`, as before
    assert dated[RISK]["indicator"] == "critical"
    assert "on 2026-11-15" in dated[RISK]["summary"]
    zero = _cards("o_issued_item9_0")  # a dated 0: no card, no hold
    assert RISK not in zero
    assert "item 9" not in _words(zero)
    total_only = _cards("o_undated_total_only")  # no item 9 anywhere: "not recorded" as before
    assert RISK not in total_only
    assert "ask PHQ-9 item 9 (not recorded)" in total_only[OPTIMISE]["summary"]


def test_in_progress_form_with_a_total_is_not_said_to_have_none() -> None:
    """The reviewer's k18: the 2026-11-15 response is in-progress with all nine answers and a
    total of 23. The measurement card said "has no total: score it before deciding"; fixed by
    score53 (fhir_mapping/unfinished_form.py): the form is named in progress with its total as
    filed, not final, and the ask is to complete it."""
    cards = _cards("q_inprogress_total_23")
    card = cards["measurement-based-care"]
    assert "has no total" not in card["summary"]
    assert "is in progress, total 23 as filed (not final): complete it" in card["summary"]
    assert card["suggestions"][0]["label"] == "Repeat the PHQ-9 if that form cannot be completed"
    # Not a final score: the TMS severity stays on the last completed total (18).
    assert "PHQ-9 18 on 2026-10-30" in cards[TMS]["detail"]
    assert "no total" not in _words(cards)
