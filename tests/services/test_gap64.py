"""Session 38 review K59b findings 3, 4, 6, 7 (fix gap64): unread item 9, withheld visits and
conditions, a pointer to a block no card had. Charts built from the K59b base chart
(k45_charts/e_plan_to_take_all_the_kids_to_school.json) by the review's mutation harness.

- Finding 3: a PHQ-9 total 23 (44261-6, or a 44249-1 panel) whose `hasMember` names an answer not
  sent: "ask item 9 (not recorded)", no card. Now the unread-answer warning (member_unread.py).
- Finding 4: visits or conditions withheld (OperationOutcome "suppressed") or cut short (next
  link): "may be incomplete" on an info TMS card. Now the self-harm line and a warning.
- Finding 6: questionnaireResponses / medicationDispenses not sent: "see *Data not read*" with
  no such block. Now the header names the kind of data not provided.
- Finding 7: item 9 sent as asked-declined: "could not read it ... look at it in the chart". Now
  "declined: ask it or assess", still a warning.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "gap64_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
RISK, TMS = chart_files.RISK, chart_files.TMS

# Finding 3: warning suicide-risk card naming the member not sent; TMS not marked recommended.
MEMBER_UNREAD = {"total_member_missing": "fixed", "panel_member_missing": "fixed"}
# Finding 4: the line under the gaps, and the TMS card raised to a warning.
SELF_HARM_UNSEEN = {
    "enc_oo": "fixed",
    "enc_next": "fixed",
    "cond_oo": "fixed",
    "cond_next": "fixed",
}
# Finding 6: the header names what was not provided, no pointer to an absent block.
NOT_PROVIDED = {
    "questionnaireResponses_absent": "QuestionnaireResponse",
    "medicationDispenses_absent": "MedicationDispense",
}
# Finding 7 and other codes.
ABSENT = {"i9_dar": "declined", "i9_dar_not_asked": "not asked"}
# Controls: wording unchanged.
CONTROLS = {
    "i9_qty_novalue": "control",
    "obs_oo": "control",
    "obs_next": "control",
    "total_member_sent": "control",
}

_LINE = "An ED visit or diagnosis of self-harm or suicidal ideation cannot be ruled out"


@pytest.mark.parametrize("name", sorted(MEMBER_UNREAD))
def test_member_not_sent_is_an_unread_item9(name: str) -> None:
    cards = _cards(name)
    risk = cards.get(RISK)
    assert risk is not None and risk["indicator"] == "warning", (name, risk)
    assert "could not be read" in risk["summary"]
    assert "Observation/item9-not-sent" in risk["detail"]
    assert "not one click" not in cards[TMS]["detail"] or "check item 9" in cards[TMS]["summary"]


@pytest.mark.parametrize("name", sorted(SELF_HARM_UNSEEN))
def test_withheld_visits_or_diagnoses_say_self_harm_and_raise_tms(name: str) -> None:
    cards = _cards(name)
    assert cards[TMS]["indicator"] == "warning", (name, cards[TMS]["summary"])
    assert any(_LINE in c.get("detail", "") for c in cards.values()), name


@pytest.mark.parametrize("name", sorted(NOT_PROVIDED))
def test_header_names_the_data_not_provided(name: str) -> None:
    # A key not sent is what the finding is about, so the chart is the base chart less that key
    # (chart files carry all 19 keys: chart_files.check_chart).
    key = name.removesuffix("_absent")
    doc = chart_files.loader(_FOLDER.parent / "k45_charts")("e_plan_to_take_all_the_kids_to_school")
    del doc["prefetch"][key]
    cards = Evaluator(date(2026, 12, 1)).by_topic(doc)
    detail = cards[TMS]["detail"]
    assert f"not provided: {NOT_PROVIDED[name]}" in detail
    assert "see *Data not read*" not in detail
    assert cards[TMS]["indicator"] == "info"


@pytest.mark.parametrize("name", sorted(ABSENT))
def test_item9_declined_or_not_asked_is_worded_so(name: str) -> None:
    risk = _cards(name)[RISK]
    assert risk["indicator"] == "warning"
    assert f"item 9 on 2026-11-15 {ABSENT[name]}" in risk["summary"]
    assert "could not read it" not in risk["detail"]


def test_controls() -> None:
    unread = _cards("i9_qty_novalue")[RISK]
    assert unread["summary"] == (
        "PHQ-9 item 9 answer on 2026-11-15 could not be read: check it in the chart; if it is "
        "above 0, assess suicide risk today"
    )
    assert "The answer is on record but the service could not read it" in unread["detail"]
    for name in ("obs_oo", "obs_next"):
        cards = _cards(name)
        osa = cards["optimize-switch-augment"]
        assert osa["indicator"] == "warning"
        assert "A later PHQ-9 item 9 answer cannot be ruled out" in osa["detail"]
        assert _LINE not in osa["detail"]
    sent = _cards("total_member_sent")
    assert RISK not in sent and TMS in sent
    assert sent[TMS]["indicator"] == "info"


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, MEMBER_UNREAD, SELF_HARM_UNSEEN, ABSENT, CONTROLS)
