"""Session 33 fix forms50 (forms49's leftover): a self-harm row answered with a yes that opens or
closes it, however it is cased and set off, is a yes.

Before (5897012a, forms49 merged): forms49 read such an answer to a C-SSRS question as a yes
(suicide_screen_answers.yes_ended), but a self-harm row no C-SSRS reader takes still needed a
yes before a comma, bracket or spaced dash (form_self_harm_answers._leads_positive): an Epic
flowsheet row "Suicidal thoughts" = "yes passive", "Yes- passive only" or "YES passive
thoughts" gave "Self-harm question answer on 2026-11-25 could not be read: check it in the chart"
with the TMS card offered. The row reader now reads it by the same rule (one function, shared).

The charts (forms50_charts/, from forms44's h_st_no: two failed trials, TMS offered when nothing
holds it; all 19 prefetch keys; as of 2026-12-01, answered 2026-11-25), one flowsheet row each
under a local code only, a valueString answer, as ../shared/fhir/vendor/README.md's traps have
EHRs write rows:
- ef_suicidal_thoughts: Epic, "Suicidal thoughts" (forms44's row, code 3040125);
- ef_self_harm_behaviors: Epic, "Self-harm behaviors";
- of_suicidal_ideation: Oracle Health, a code set 72 event code, "Suicidal Ideation".
Each test puts one answer into a fresh copy.
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
_load = chart_files.loader(Path(__file__).parent / "forms50_charts")
_at = Evaluator(date(2026, 12, 1))
_SEED = "yes passive"  # the answer the chart files hold
_UNREAD = "could not be read"
ROWS = ("ef_suicidal_thoughts", "ef_self_harm_behaviors", "of_suicidal_ideation")

# Fixed: "could not be read", TMS offered, before; a yes now.
FIXED = (
    "yes passive",
    "Yes- passive only",
    "YES passive thoughts",
    "Yes-passive",
    "yes-passive",
    "Yes/passive",
    "yes but passive",
    "Yes \u2013 passive",  # an en dash
    "Yes. Passive thoughts",
    "Yes- once",
    "YES last week",
    "yes occasionally",
    "Pt: yes passive",
    # A yes and a no disagree: the safer reading, as forms49 reads a C-SSRS answer.
    "Yes/No",
)
# Controls: a yes before too.
YES_BEFORE = (
    "Yes",
    "Y",
    "Yes - passive",
    "Yes, passive",
    "Yes (passive)",
    "Passive - yes",
    "Passive, yes",
    "Passive",
    "Yes, no plan",
    "No, yes",
)
# Controls: the lowest answer, no card, TMS offered.
NO = ("No", "Denies", "None", "Negative", "0", "No SI, yes HI", "No, yes to anxiety")
# Controls: still not read, TMS offered. A yes that may be of another finding or of others stays
# a gap (its yes may not answer this row's question), as "No; yes to others" was before.
UNREAD = (
    "see note",
    "?",
    "yes?",
    "Yesterday",
    "No - passive",
    "No; yes to others",
    "Yes to HI",
    "HI yes",
    "Y to others",
    "others: yes",
    "yes to anxiety",
)


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


def _cards(row: str, answer: str) -> dict[str, Any]:
    """The chart's cards by topic, `answer` given on the chart's self-harm row."""
    doc = _load(row)
    _swap(doc, _SEED, answer)
    chart_files.check_chart(doc)
    found: dict[str, Any] = _at.by_topic(doc)
    return found


@pytest.mark.parametrize("row", ROWS)
@pytest.mark.parametrize("answer", FIXED + YES_BEFORE)
def test_a_yes_with_a_qualifier_on_a_self_harm_row_is_critical(row: str, answer: str) -> None:
    cards = _cards(row, answer)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", (answer, card)
    assert "Self-harm question" in card["summary"], card["summary"]
    assert _UNREAD not in card["summary"], card["summary"]
    assert TMS not in cards


@pytest.mark.parametrize("row", ROWS)
@pytest.mark.parametrize("answer", NO)
def test_a_no_stays_a_no(row: str, answer: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(row, answer), answer)


@pytest.mark.parametrize("row", ROWS)
@pytest.mark.parametrize("answer", UNREAD)
def test_an_answer_not_read_stays_a_gap(row: str, answer: str) -> None:
    cards = _cards(row, answer)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] != "critical", (answer, card)
    assert _UNREAD in card["summary"], card["summary"]
    assert TMS in cards
