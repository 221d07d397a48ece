"""Review s22 RR finding 7: rows under a site's local code taken for PHQ-9 item 9 by their words.

- nursing_note_row_denies_item9_words: an Epic row "Nursing: PHQ-9 reviewed, patient denies
  thoughts of hurting yourself or being better off dead" = "Denies", and
  followup_calls_count_row_2: "Follow-up calls made after PHQ-9 item on thoughts you would be
  better off dead" = "2", each raised "PHQ-9 item 9 answer on 2026-11-16 could not be read: ...
  assess suicide risk today". Neither row is the question (fhir_mapping/screen_wording.py): no card.
- local_item9_answered_not_at_all: the real row "PHQ-9 Q9 Thoughts that you would be better off
  dead or of hurting yourself" answered "Not at all", the exact text of LOINC answer LA6568-5
  (list LL358-3), raised the same "could not be read" warning. It is read as 0 now (nothing
  raised), and "Several days" as 1: the same critical card as the item coded under LOINC.

Charts: tests/services/screen_row_charts/ (the review's probe charts: Epic-shaped requests, every
prefetch key, valid R4B). As of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.screen_wording import named
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
LOCAL_ROW = "9a583ffa-9755-503b-8be8-3ff3e157cd0f"  # the local item-9 row of every chart here
ITEM9_WORDS = "Thoughts that you would be better off dead, or of hurting yourself in some way"

_chart = chart_files.loader(Path(__file__).parent / "screen_row_charts")
_at = Evaluator(AS_OF)


def _row(doc: Doc) -> Doc:
    for resource in chart_files.prefetch_resources(doc):
        if resource.get("id") == LOCAL_ROW:
            return resource
    raise AssertionError("no local row")


def _text(cards: list[dict[str, Any]]) -> str:
    return "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in cards)


# --- rows that are not the question ---------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["nursing_note_row_denies_item9_words", "followup_calls_count_row_2"]
)
def test_note_and_count_rows_raise_no_item9_card(name: str) -> None:
    cards = _at.cards(_chart(name))
    assert not [c for c in cards if "item 9" in c["summary"]]
    assert "could not be read: check it in the chart" not in _text(cards)


def test_row_naming_item9_by_number_with_its_words_is_still_the_item() -> None:
    """'Q9' naming keeps a row whose question words are not at its start."""
    doc = _chart("followup_calls_count_row_2")
    row = _row(doc)
    text = "Depression screen Q9 - better off dead or hurting yourself"
    row["code"]["text"] = row["code"]["coding"][0]["display"] = text
    row["valueString"] = "1"  # a number under a code not known: not read
    card = _at.by_topic(doc)[SUICIDE]
    assert card["summary"].startswith("PHQ-9 item 9 answer on 2026-11-16 could not be read")


@pytest.mark.parametrize(
    "text",
    [
        "PHQ-9 Q9 Thoughts that you would be better off dead or of hurting yourself",
        "9. Thoughts that you would be better off dead, or of hurting yourself in some way",
        "Over the last two weeks, how often have you been bothered by thoughts that you would be "
        "better off dead",
        "Better off dead / hurting yourself",
        "PHQ-9 item 9",
    ],
)
def test_question_rows_are_named(text: str) -> None:
    row = {"code": {"text": text}}
    term = named(row)
    assert term is not None and term.instrument == "PHQ-9" and term.item == "item 9"


@pytest.mark.parametrize(
    "text",
    [
        "Nursing: PHQ-9 reviewed, patient denies thoughts of hurting yourself or being better off dead",
        "Follow-up calls made after PHQ-9 item on thoughts you would be better off dead",
        "PHQ-9 item 9 reviewed with the patient",
        "Education given on thoughts you would be better off dead",
        "Safety plan: thoughts that you would be better off dead",
    ],
)
def test_note_rows_are_not_named(text: str) -> None:
    assert named({"code": {"text": text}}) is None


# --- the real item answered with its answer list's text -------------------------------------


def test_item9_answered_not_at_all_raises_nothing() -> None:
    cards = _at.cards(_chart("local_item9_answered_not_at_all"))
    assert not [c for c in cards if c["indicator"] == "critical"]
    assert "item 9 answer on 2026-11-16 could not be read" not in _text(cards)


def test_item9_answered_several_days_is_a_positive_item9() -> None:
    card = _at.by_topic(_with_answer("Several days"))[SUICIDE]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("PHQ-9 item 9 = 1 (several days) on 2026-11-16")


@pytest.mark.parametrize("answer", ["Not at all", "Several days", "More than half the days"])
def test_local_answer_text_reads_as_the_same_answer_coded_under_loinc(answer: str) -> None:
    """The local row answered in words gives the cards the LOINC-coded row with that value
    gives (LL358-3: Not at all 0, Several days 1, More than half the days 2)."""
    value = {"Not at all": 0, "Several days": 1, "More than half the days": 2}[answer]
    coded = _chart("local_item9_answered_not_at_all")
    row = _row(coded)
    del row["valueString"]
    row["valueInteger"] = value
    row["code"] = {
        "coding": [{"system": "http://loinc.org", "code": "44260-8", "display": ITEM9_WORDS}],
        "text": ITEM9_WORDS,
    }
    assert _without_uuid(_at.cards(_with_answer(answer))) == _without_uuid(_at.cards(coded))


def test_item9_answered_with_a_number_stays_unread() -> None:
    """A number under a code not known is not read (screen_lookalike.py): the warning stays."""
    card = _at.by_topic(_with_answer("0"))[SUICIDE]
    assert card["summary"].startswith("PHQ-9 item 9 answer on 2026-11-16 could not be read")


def test_item9_answered_with_a_loinc_answer_code_is_read() -> None:
    doc = _chart("local_item9_answered_not_at_all")
    row = _row(doc)
    del row["valueString"]
    row["valueCodeableConcept"] = {
        "coding": [
            {"system": "http://loinc.org", "code": "LA6570-1", "display": "More than half the days"}
        ]
    }
    card = _at.by_topic(doc)[SUICIDE]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("PHQ-9 item 9 = 2")


def test_read_answer_is_not_listed_as_a_phq9_not_read() -> None:
    """Only the local total row stays "not read"; the item-9 row was read."""
    text = _text(_at.cards(_chart("local_item9_answered_not_at_all")))
    assert "1 observation named PHQ-9 uses codes this service does not know" in text
    assert f"Observation/{LOCAL_ROW}" not in text


def _with_answer(answer: str) -> Doc:
    doc = _chart("local_item9_answered_not_at_all")
    _row(doc)["valueString"] = answer
    return doc


def _without_uuid(node: Any) -> Any:
    """Cards with every uuid (cards, suggestions) left out: random per response."""
    if isinstance(node, dict):
        return {k: _without_uuid(v) for k, v in node.items() if k != "uuid"}
    if isinstance(node, list):
        return [_without_uuid(v) for v in node]
    return node
