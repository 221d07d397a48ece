"""Session 33 fix forms49 (recheck K35a finding 5, WRONG): a C-SSRS answer that opens or closes
with a yes, however it is cased and set off, is a yes.

Before (38c34880, after neg47's fix): on the plan question "Yes - passive", "Yes, passive" and
"Yes (passive)" were a yes (critical), but "Yes- passive only", "yes passive", "Passive - yes",
"Yes-passive" and "YES passive thoughts" gave "C-SSRS result on 2026-11-25 could not be read:
check it in the chart" with the TMS card offered: neg47 looked for a yes before a comma, bracket
or a dash with a space before it only (suicide_screen_answers._yes_led).

The charts (forms49_charts/, from neg47's h_cssrs_plan_yes_passive: two failed trials, TMS
offered when nothing holds it; all 19 prefetch keys; as of 2026-12-01, answered 2026-11-25) write
the C-SSRS three ways, as ../shared/fhir/vendor/README.md's traps have EHRs write screens:
- ol_: the question as its own Observation, LOINC-coded (93250-9 plan), a valueString answer;
- ef_: an Epic flowsheet row: the question in its own words under a local code only (trap 8;
  suicide_screen_codes.worded), a valueString answer;
- oq_: an Oracle Health QuestionnaireResponse: the screener group, the item's linkId a LOINC
  path ("/93373-9/93250-9", trap 9), a valueString answer.
Each test puts one answer (and for the other questions, the question) into a fresh copy.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_load = chart_files.loader(Path(__file__).parent / "forms49_charts")
_at = Evaluator(date(2026, 12, 1))
_SEED = "Yes- passive only"  # the answer the chart files hold
_UNREAD = "could not be read"
ENCODINGS = ("ol_cssrs_plan", "ef_cssrs_plan", "oq_cssrs_plan")

# The questions: LOINC code, the words the screener asks them in (suicide_screen_wording.csv),
# the words of the card that reads a yes.
PLAN = ("93250-9", "worked out the details of how to kill yourself", "specific plan and intent")
QUESTIONS = {
    "plan": PLAN,
    "wish": ("93246-7", "wished you could go to sleep and not wake up", "wish to be dead"),
    "thoughts": (
        "93247-5",
        "actually had any thoughts of killing yourself",
        "non-specific active suicidal thoughts",
    ),
}

# Fixed: "could not be read", TMS offered, before; a yes now.
FIXED = (
    "Yes- passive only",
    "yes passive",
    "Passive - yes",
    "Yes-passive",
    "YES passive thoughts",
    "yes-passive",
    "Yes/passive",
    "Passive, yes",
    "yes but passive",
    "Yes \u2013 passive",  # an en dash
    "Yes. Passive thoughts",
    "Passive - yes.",
    # A yes and a no disagree: the safer reading, as two answers that disagree (suicide_screen.py).
    "No, yes",
    "Yes/No",
)
# Controls: a yes before too ("Yes, denies": its head a yes, neg47).
YES_BEFORE = (
    "Yes - passive",
    "Yes, passive",
    "Yes (passive)",
    "Yes",
    "Yes,",
    "Y - passive",
    "Yes, no plan",
    "Yes, denies",
)
# Controls: a no, the screen negative, TMS offered.
NO = ("Denies", "Negative", "None", "0", "No")
# Controls: still not read: a gap, TMS offered as before. "No - passive" is not a yes (no yes
# word), nor a sure no (its other words may answer the question); "yes?" is a yes in doubt.
UNREAD = ("see note", "?", "No - passive", "yes?", "Passive", "Yesterday", "N/A")


def _swap(node: Any, old: str, new: str) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if value == old:
                node[key] = new
            else:
                _swap(value, old, new)
    elif isinstance(node, list):
        for value in node:
            _swap(value, old, new)


def _cards(encoding: str, answer: str, question: str = "plan") -> dict[str, Any]:
    """The chart's cards by topic, `answer` given to `question` in the chart's encoding."""
    doc = _load(encoding)
    _swap(doc, _SEED, answer)
    code, words, _ = QUESTIONS[question]
    if question != "plan":
        _swap(doc, PLAN[0], code)  # ol_: the Observation's LOINC code
        _swap(doc, f"/93373-9/{PLAN[0]}", f"/93373-9/{code}")  # oq_: the item's linkId
        for resource in chart_files.prefetch_resources(doc):  # ef_: the row's own words
            concept = resource.get("code") or {}
            for holder in [concept, *concept.get("coding", [])]:
                for key in ("text", "display"):
                    if PLAN[1] in str(holder.get(key, "")):
                        holder[key] = f"Have you {words}?"
    chart_files.check_chart(doc)
    found: dict[str, Any] = _at.by_topic(doc)
    return found


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("answer", FIXED + YES_BEFORE)
def test_a_yes_with_a_qualifier_to_the_plan_question_is_critical(
    encoding: str, answer: str
) -> None:
    cards = _cards(encoding, answer)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", (answer, card)
    assert PLAN[2] in card["summary"] and _UNREAD not in card["summary"], card["summary"]
    assert TMS not in cards


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("question", ["wish", "thoughts"])
@pytest.mark.parametrize("answer", ["yes passive", "Passive - yes", "YES passive thoughts"])
def test_a_yes_with_a_qualifier_to_another_question_is_read(
    encoding: str, question: str, answer: str
) -> None:
    card = _cards(encoding, answer, question)[RISK]
    assert QUESTIONS[question][2] in card["summary"], card["summary"]
    assert _UNREAD not in card["summary"], card["summary"]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("answer", NO)
def test_a_no_stays_a_no(encoding: str, answer: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(encoding, answer), answer)


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("answer", UNREAD)
def test_an_answer_not_read_stays_a_gap(encoding: str, answer: str) -> None:
    cards = _cards(encoding, answer)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] != "critical", (answer, card)
    assert _UNREAD in card["summary"], card["summary"]
    assert TMS in cards
