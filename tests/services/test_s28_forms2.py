"""Session 28 fix fx-forms2: review s28 K10 recheck findings 1-4 on K10's charts
(s28_forms2_charts/, copied from scratch-K10, every prefetch key; as-of 2026-12-01).

1. PHQ-9 item 9 "Nearly every day" on a form this service does not know (an opaque Epic
   canonical, e22; a combined "(EPDS and PHQ-9)" form, e05c; an untitled one, e05d) raised no
   card: it is read by its words now (fhir_mapping/phq9_form_item9.py), the critical card.
2. EPDS item 10 "Never?" read as a settled Never (quiet): a question mark is the unread warning
   (fhir_mapping/epds_item10.py).
3. A numbered linkId ending in 10 on a form whose title merely mentions the EPDS (a PHQ-9
   difficulty question phq9/10, e05 and e05b; a GAD-7 "follow-up to EPDS" q10, e09b) was an
   unread EPDS item 10: not read as item 10 now (fhir_mapping/epds_forms.py).
4. Epic displays with the score, "3 - Yes, quite often" (e19), "Yes, quite often (3)" (e20),
   "0 - Never" (e21), were unread: read when the number agrees with the words.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import epds_forms, epds_item10, form_self_harm
from fhir_mapping.phq9_form_item9 import UNREAD_ITEM9, read_worded_item9
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
TMS = "tms-referral"
PHQ9_CRITICAL = (
    "PHQ-9 item 9 = 3 (nearly every day) on 2026-11-25: higher suicide risk, assess today "
    "(C-SSRS) and plan safety"
)
EPDS_CRITICAL = (
    "EPDS item 10 = 3 (yes, quite often) on 2026-11-25: higher suicide risk, assess today "
    "(C-SSRS) and plan safety"
)
EPDS_UNREAD = (
    "EPDS item 10 answer on 2026-11-25 could not be read: check it in the chart; if it is above "
    "'Never', assess suicide risk today"
)
TMS_PLAIN = "2 adequate trials failed (sertraline, venlafaxine); PHQ-9 23: consider TMS referral"

_chart = chart_files.loader(Path(__file__).parent / "s28_forms2_charts")
_at = Evaluator(AS_OF)


def _checked(name: str) -> dict[str, Any]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    return doc


@pytest.mark.parametrize(
    "name",
    [
        "e22_qr_epic_opaque_phq9_item9_nearly_every_day",
        "e05c_qr_combined_phq9_item9_nearly_every_day_epds_never",
        "e05d_qr_combined_untitled_phq9_item9_nearly_every_day",
    ],
)
def test_phq9_item9_on_a_form_not_known_raises_the_critical_card(name: str) -> None:
    cards, record = _at.by_topic_and_record(_checked(name))
    assert cards[RISK]["indicator"] == "critical"
    assert cards[RISK]["summary"] == PHQ9_CRITICAL
    phq9 = [s for s in record.scores if s.instrument == "PHQ-9" and s.date == date(2026, 11, 25)]
    # Item 9 only: the rest of a form not known is no PHQ-9 total.
    assert [(s.value, s.item9) for s in phq9] == [(None, 3)]


@pytest.mark.parametrize(
    "name",
    [
        "e05_qr_combined_epds_phq9_never_difficulty_item10",
        "e09b_qr_gad7_title_mentions_epds_linkid10",
        "e21_qr_epic_never_prefix0",
        "e16_qr_never_control",
    ],
)
def test_numbered_other_questions_and_never_are_quiet(name: str) -> None:
    cards, record = _at.by_topic_and_record(_checked(name))
    assert RISK not in cards
    assert cards[TMS]["indicator"] == "info"
    assert cards[TMS]["summary"] == TMS_PLAIN  # the one-click no longer held
    assert not any(g.reason == epds_forms.UNREAD_FORM_ITEM for g in record.gaps)


def test_combined_form_positive_epds_lists_no_spurious_unread_line() -> None:
    cards, record = _at.by_topic_and_record(_checked("e05b_qr_combined_epds_phq9_yes"))
    assert cards[RISK]["indicator"] == "critical"
    assert cards[RISK]["summary"] == EPDS_CRITICAL
    assert "could not be read (QuestionnaireResponse/e05b)" not in cards[RISK]["detail"]
    assert not any(g.reason == epds_forms.UNREAD_FORM_ITEM for g in record.gaps)


def test_never_with_a_question_mark_is_the_unread_warning() -> None:
    cards, record = _at.by_topic_and_record(_checked("e18_qr_never_questionmark"))
    assert cards[RISK]["indicator"] == "warning"
    assert cards[RISK]["summary"] == EPDS_UNREAD
    assert any(g.reason == epds_forms.UNREAD_FORM_ITEM for g in record.gaps)


@pytest.mark.parametrize(
    "name", ["e19_qr_epic_display_score_prefix", "e20_qr_epic_display_score_suffix"]
)
def test_display_with_its_score_is_read(name: str) -> None:
    cards = _at.by_topic(_checked(name))
    assert cards[RISK]["indicator"] == "critical"
    assert cards[RISK]["summary"] == EPDS_CRITICAL


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Never?", None),
        ("? Never", None),
        ("Sometimes?", 2),  # a doubted positive stays positive: the safer reading
        ("Yes, quite often?", 3),
        ("Never", 0),
        ("3 - Yes, quite often", 3),
        ("Yes, quite often (3)", 3),
        ("0 - Never", 0),
        ("1 - Yes, quite often", None),  # the number and the words disagree
        ("Never (1)", None),
        ("2 - Sometimes", 2),
    ],
)
def test_item10_words_with_a_question_mark_or_a_score(text: str, value: int | None) -> None:
    # One reader for Observation rows, components and form items (epds_item10.answer).
    assert epds_item10.answer({"valueString": text}) == value
    concept = {"coding": [{"system": "urn:oid:1.2.3", "code": "4", "display": text}]}
    assert epds_item10.answer({"valueCodeableConcept": concept}) == value


def _form(items: list[dict[str, Any]], **more: Any) -> dict[str, Any]:
    return {
        "resourceType": "QuestionnaireResponse",
        "id": "f1",
        "status": "completed",
        "authored": "2026-11-25",
        "questionnaire": "http://open.epic.com/fhir/Questionnaire/Q1",
        "item": items,
        **more,
    }


_ITEM9 = "Thoughts that you would be better off dead, or of hurting yourself in some way"


@pytest.mark.parametrize(
    ("answer", "item9", "unread"),
    [
        ({"valueString": "Nearly every day"}, 3, False),
        ({"valueString": "Not at all"}, 0, False),
        ({"valueCoding": {"system": "http://loinc.org", "code": "LA6570-1"}}, 2, False),
        ({"valueCoding": {"display": "Several days"}}, 1, False),
        ({"valueString": "1"}, None, True),  # a number on a form not known: not read
        # A whole number on item 9's 0-3 scale is read (s43 K74a 3, item9_number.py): the safer.
        ({"valueInteger": 3}, 3, False),
        ({"valueInteger": 4}, None, True),  # off the scale: not read
    ],
)
def test_item9_answer_on_a_form_not_known(
    answer: dict[str, Any], item9: int | None, unread: bool
) -> None:
    score, gaps = read_worded_item9(
        _form([{"linkId": "x", "text": _ITEM9, "answer": [answer]}]), AS_OF
    )
    assert score is not None
    assert (score.value, score.item9, score.item9_unread is not None) == (None, item9, unread)
    assert [g.reason for g in gaps] == ([UNREAD_ITEM9] if unread else [])


def test_item9_answered_yes_on_a_form_not_known_is_the_nets() -> None:
    """A "Yes" is no answer of the PHQ-9's list, and "could not be read" was false: on a form not
    worded as the PHQ-9 the forms safety net reads it as a yes of its question (session 30 fix
    forms31)."""
    form = _form([{"linkId": "x", "text": _ITEM9, "answer": [{"valueString": "Yes"}]}])
    assert read_worded_item9(form, AS_OF) == (None, [])
    scores, gaps = form_self_harm.read_responses([form], as_of=AS_OF)
    assert [(s.item9, s.asked) for s in scores] == [(1, ("Yes", _ITEM9))] and gaps == []


def test_item9_on_a_form_not_known_statuses_and_dates() -> None:
    item = {"linkId": "x", "text": _ITEM9, "answer": [{"valueString": "Nearly every day"}]}
    assert read_worded_item9(_form([item], status="entered-in-error"), AS_OF) == (None, [])
    assert read_worded_item9(_form([{"linkId": "x", "text": _ITEM9}]), AS_OF) == (None, [])
    in_progress, _ = read_worded_item9(_form([item], status="in-progress"), AS_OF)
    assert in_progress is not None and in_progress.item9 == 3
    later, gaps = read_worded_item9(_form([item], authored="2026-12-05"), AS_OF)
    assert later is None and len(gaps) == 1  # dated after today: named, never silent
    # A note row about the screen is not the question.
    note = {"linkId": "n", "text": "Nursing: patient denies thoughts of hurting yourself"}
    assert read_worded_item9(_form([{**note, "answer": [{"valueString": "Yes"}]}]), AS_OF) == (
        None,
        [],
    )


def _epds_items(form: dict[str, Any]) -> list[str]:
    return [i["linkId"] for i in epds_forms._item10s(form)]


def test_numbered_item10_only_on_the_epds_alone_or_in_an_epds_group() -> None:
    yes = [{"valueString": "Yes, quite often"}]
    contained = {"resourceType": "Questionnaire", "id": "q", "status": "active"}
    alone = _form(
        [{"linkId": "q10", "answer": yes}, {"linkId": "q11", "answer": yes}],
        questionnaire="#q",
        contained=[{**contained, "title": "EPDS"}],
    )
    assert _epds_items(alone) == ["q10"]
    combined = _form(
        [
            {"linkId": "phq/10", "answer": yes},
            {"linkId": "grp", "text": "EPDS", "item": [{"linkId": "q10", "answer": yes}]},
            {"linkId": "epds/10", "answer": yes},
            {"linkId": "epds-10", "answer": yes},  # not a group: by its words only
        ],
        questionnaire="#q",
        contained=[{**contained, "title": "Screen (EPDS and PHQ-9)"}],
    )
    assert _epds_items(combined) == ["q10", "epds/10"]
    worded = _form(
        [{"linkId": "q10", "text": "How difficult have these problems made it?", "answer": yes}],
        questionnaire="#q",
        contained=[{**contained, "title": "EPDS"}],
    )
    assert _epds_items(worded) == []
