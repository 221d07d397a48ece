"""Session 32 fix forms44 (recheck K32a findings 5-7, heads43's noise). Reviewer charts in
forms44_charts/ (the reviewer charts of recheck K32a, two failed trials, the TMS card offered
when nothing holds it), as of 2026-12-01, the words filed 2026-11-25:
- h_pair_: an Epic flowsheet past-history row ("History of suicidal ideation" = "Yes") beside
  the current row "Suicidal thoughts" = "No" the same day; h_hist_: the past row alone;
- h_cssrs_: the C-SSRS plan question (LOINC 93250-9) answered in a valueString;
- cn_: a problem-list entry whose Condition.note holds the words.
Before the fix: the past row beside a current no was critical and withheld TMS (the same two
items on a form are the warning that asks about current thoughts: session 29 fix net32); the
C-SSRS plan question answered "Denies", "Negative", "None" or "0" was "could not be read" and held
TMS; a note "History of SI with plan to hang self in 2015, none since" or "Previous SI with plan
to hang self (2019); currently denies" was critical "on the problem list since 2026-11-25" (the
note's time read as the problem's onset).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_cards = chart_files.topic_reader(Path(__file__).parent / "forms44_charts", date(2026, 12, 1))


def _risk(name: str, indicator: str) -> dict[str, Any]:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == indicator, (name, card)
    if indicator == "critical":
        assert TMS not in cards, name
    return card


def _asks_now(name: str) -> str:
    """The past warning: ask about current thoughts, TMS held for that step, never withheld."""
    cards = _cards(name)
    card = _risk(name, "warning")
    assert "ask about current thoughts" in card["summary"], card["summary"]
    assert "could not be read" not in card["summary"], card["summary"]
    assert TMS in cards and "ask about current" in cards[TMS]["summary"], cards.get(TMS)
    return str(card["summary"])


# 5. A flowsheet past row answered yes beside the current row answered no: the past warning.
@pytest.mark.parametrize(
    "name",
    [
        "h_pair_History_of_suicidal_ideation_plus_current_No",
        "h_pair_History_of_self-harm_plus_current_No",
    ],
)
def test_past_row_beside_current_no_asks_about_now(name: str) -> None:
    summary = _asks_now(name)
    topic = "self-harm" if "self-harm" in name else "suicidal ideation"
    assert f"past {topic}" in summary, summary


# Controls: a past attempt stays critical (ASQ question 4); a past row with no current row too
# (nobody asked about now); a current yes stays critical.
@pytest.mark.parametrize(
    "name",
    [
        "h_pair_History_of_suicide_attempt_plus_current_No",
        "h_hist_History_of_suicidal_ideation",
        "h_hist_History_of_self-harm",
        "h_hist_History_of_suicide_attempt",
        "h_ctrl_Yes",
    ],
)
def test_still_critical(name: str) -> None:
    _risk(name, "critical")


# 6. The C-SSRS plan question answered with the row reader's denial words ("0" as the lowest
# answer of any list: a no, decided here).
@pytest.mark.parametrize("word", ["Denies", "Negative", "None", "0"])
def test_cssrs_denial_words_are_no(word: str) -> None:
    cards = _cards(f"h_cssrs_{word}")
    assert RISK not in cards, cards[RISK]["summary"]
    assert TMS in cards and "check C-SSRS" not in cards[TMS]["summary"], cards[TMS]["summary"]


@pytest.mark.parametrize("name", ["h_st_no", "h_st_Denies"])
def test_row_denials_stay_quiet(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards and TMS in cards, name


# 7. A note that states suicidal ideation as past (dated, or denied now): the past warning,
# dated by the note, never "since" the note's time.
@pytest.mark.parametrize(
    "name",
    [
        "cn_History_of_SI_with_plan_to_hang_self_in_2015__none",
        "cn_Previous_SI_with_plan_to_hang_self__2019___current",
    ],
)
def test_note_past_ideation_asks_about_now(name: str) -> None:
    summary = _asks_now(name)
    assert "since 2026-11-25" not in summary, summary
    assert "note of 2026-11-25" in summary, summary


# Controls: current ideation in a note stays critical, worded by the note's day; a denial is
# quiet; a past attempt dated by its year keeps its warning.
@pytest.mark.parametrize(
    "name",
    [
        "cn_SI_with_plan_to_overdose",
        "cn_Suicidal_ideation_with_plan_to_jump",
        "cn_Passive_SI__no_plan",
    ],
)
def test_note_current_ideation_critical(name: str) -> None:
    card = _risk(name, "critical")
    assert "since 2026-11-25" not in card["summary"], card["summary"]
    assert "note of 2026-11-25" in card["summary"], card["summary"]


@pytest.mark.parametrize("name", ["cn_Denies_SI_with_plan", "cn_No_SI_HI"])
def test_note_denial_quiet(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards and TMS in cards, name


def test_note_past_attempt_warning() -> None:
    card = _risk("cn_Hx_of_suicide_attempt_by_overdose_2012", "warning")
    assert "past suicide attempt (2012)" in card["summary"], card["summary"]
    assert "(note of 2026-11-25)" in card["summary"], card["summary"]  # not "entered"
