"""lab55 (review K47c s35): a thyroid panel read as its TSH whatever the status or members.

1. A preliminary or registered thyroid panel (24348-5) is read as a standalone TSH of that status
   is: its TSH 12 H holds escalation ("(preliminary)"), a registered one with no members is
   "registered, no result yet: check for the result", never "No TSH ... consider one".
2. A panel with only its free T4 is a TSH not readable, its free T4 read beside it.
3. A free T4 drawn with a newer unreadable TSH is named behind an abnormal TSH, never asked for.
4. The hold names both dates: "review TSH high 12 of 2026-06-01 (TSH of 2026-11-10 not
   readable) first".
5. An abnormal TSH older than the TSH look-back behind a newer unreadable one is context only
   ("read the 2026-11-10 result"); the card reads as the unread one alone.
6. A panel whose TSH member is present but "see note" is one lab not read, not two.

Charts: tests/services/lab55_charts/ (review K47c's probe charts; all 19 prefetch keys).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
DIR = Path(__file__).parent / "lab55_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))
REVIEW = "diagnosis-review"
TMS = "tms-referral"


def _cards(name: str) -> dict[str, Doc]:
    return _at.by_topic(_chart(name))


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions", ())]


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_whole(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("p02_panel_preliminary_tsh12", "TSH high 12 (preliminary)"),
        ("p02c_tsh_obs_preliminary_12", "TSH high 12 (preliminary)"),  # control: standalone
        ("p02_panel_registered_tsh12", "TSH high 12 (status registered)"),
        ("p02_panel_amended_tsh12", "TSH high 12"),  # control: a result
    ],
)
def test_a_panel_read_before_it_is_final_holds_as_its_tsh(name: str, words: str) -> None:
    cards = _cards(name)
    assert f"Confirm the diagnosis before escalating: {words}" in cards[REVIEW]["summary"]
    assert f"review {words} first" in cards[TMS]["summary"]
    assert "No TSH" not in cards[REVIEW]["summary"]
    assert "Order TSH" not in _labels(cards[REVIEW])


@pytest.mark.parametrize(
    "name", ["p03_panel_registered_members_absent", "q01_tsh_registered_novalue"]
)
def test_a_registered_panel_with_no_members_is_ordered(name: str) -> None:
    review = _cards(name)[REVIEW]
    assert "TSH of 2026-11-10 registered, no result yet: check for the result" in review["summary"]
    assert "No TSH" not in review["summary"] and "Order TSH" not in _labels(review)


@pytest.mark.parametrize(
    "name", ["p03_panel_preliminary_members_absent", "p09_panel_only_ft4", "p10_panel_only_ft4_low"]
)
def test_a_panel_without_its_tsh_names_the_tsh_not_readable(name: str) -> None:
    review = _cards(name)[REVIEW]
    assert "thyroid panel on 2026-11-10: TSH not readable in the record" in review["summary"]
    assert "No TSH" not in review["summary"] and "Order TSH" not in _labels(review)


def test_a_panel_with_only_a_low_free_t4_holds_on_it() -> None:
    cards = _cards("p10_panel_only_ft4_low")
    assert "free T4 low 0.5" in cards[REVIEW]["summary"]
    assert "TSH of 2026-11-10 not readable" in cards[REVIEW]["detail"]


def test_a_free_t4_drawn_with_the_unread_tsh_is_named_not_ordered() -> None:
    cards = _cards("p08_tsh12_june_panel_nov_tsh_seenote_ft4_normal")
    review = cards[REVIEW]
    assert (
        "free T4 1.1 ng/dL, normal, 2026-11-10, drawn with the TSH of 2026-11-10"
        in (review["detail"])
    )
    assert "add one" not in review["detail"] and "Order free T4" not in _labels(review)
    assert (
        "review TSH high 12 of 2026-06-01 (TSH of 2026-11-10 not readable) first"
        in (cards[TMS]["summary"])
    )


@pytest.mark.parametrize(
    ("name", "old"),
    [
        ("p06_old_tsh_4_6_new_see_note", "4.6 uIU/mL, high, 2024-11-12"),
        ("p07_2016_tsh_9_8_new_see_note", "9.8 uIU/mL, high, 2016-11-12"),
        ("q05_panel_member_seenote_old_9_8", "9.8 uIU/mL, high, 2024-11-12"),
    ],
)
def test_an_old_abnormal_tsh_behind_a_newer_unread_one_is_context(name: str, old: str) -> None:
    cards = _cards(name)
    review = cards[REVIEW]
    assert review["indicator"] == "info"
    assert f"the last TSH read: {old}" in review["detail"]
    assert "read the 2026-11-10 result" in review["detail"]
    assert "repeat TSH with free T4" not in review["detail"]
    assert "TSH high" not in review["summary"]
    assert "Refer for TMS evaluation" in _labels(cards[TMS])


def test_an_old_abnormal_tsh_alone_still_asks_for_a_repeat() -> None:  # control
    review = _cards("p06c_old_tsh_4_6_alone")[REVIEW]
    assert "TSH high 4.6 on 2024-11-12: repeat" in review["summary"]


def test_a_panel_member_not_read_is_one_gap() -> None:
    detail = _cards("q05_panel_member_seenote_old_9_8")[REVIEW]["detail"]
    assert "1 lab result could not be read" in detail
    assert "not in the chart" not in detail.split("**Data not read**")[1]
