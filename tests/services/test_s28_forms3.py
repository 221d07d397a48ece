"""Session 28 fix fx-forms3: review s28 K13 recheck findings on K13's charts
(s28_forms3_charts/, copied from scratch-K13, every prefetch key; as-of 2026-12-01).

1. EPDS item 10 "Yes, quite often" on an Epic form the service did not recognise gave no card:
   linkIds 1-10 under http://open.epic.com/fhir/Questionnaire/EPDS (e08, with a display extension
   e08b) or an opaque Q55501 (e11, item text "10."), items 1-9 worded as the EPDS's, item 10
   texted "Thoughts of harming self" (e12) or "Self-harm thoughts" (e13). The form is the EPDS now
   (its canonical or display names it, or its items are worded so), its item 10 read: critical.
2. PHQ-9 item 9 under a short label ("Thoughts of being better off dead or self-harm", f30;
   "Suicidal thoughts", f31) on a form worded as the PHQ-9 is read; a GAD-7, C-SSRS or
   parent-report form is not read as the PHQ-9 (f02, f12, f13, f33); since recheck K14 s28
   finding 4 a self-harm question answered above its lowest answer there (f13, f33) gives the
   safety net's unread warning (fhir_mapping/form_self_harm.py).
3. PHQ-9 item 9 "3 - Nearly every day" (f07), "Nearly every day (3)" (f07b) were unread: read
   when the number agrees (epds_item10.split_score); "1 - Nearly every day" stays unread.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import epds_item10
from fhir_mapping.screen_wording import form_named, named_in
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
PHQ9_CRITICAL = (
    "PHQ-9 item 9 = 3 (nearly every day) on 2026-11-25: higher suicide risk, assess today "
    "(C-SSRS) and plan safety"
)
PHQ9_UNREAD_START = "PHQ-9 item 9 answer on 2026-11-25 could not be read"
EPDS_CRITICAL = (
    "EPDS item 10 = 3 (yes, quite often) on 2026-11-25: higher suicide risk, assess today "
    "(C-SSRS) and plan safety"
)
EPDS_UNREAD = (
    "EPDS item 10 answer on 2026-11-25 could not be read: check it in the chart; if it is above "
    "'Never', assess suicide risk today"
)

_chart = chart_files.loader(Path(__file__).parent / "s28_forms3_charts")
_at = Evaluator(AS_OF)


def _checked(name: str) -> dict[str, Any]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    return doc


@pytest.mark.parametrize(
    "name",
    [
        "e08_numbered_untexted_yes",
        "e08b_with_display_ext",
        "e11_opaque_item10_text_just_number",
        "e12_opaque_epic_short_text",
        "e13_opaque_epic_short_text2",
    ],
)
def test_epds_item10_on_an_epic_form_raises_the_critical_card(name: str) -> None:
    cards, record = _at.by_topic_and_record(_checked(name))
    assert cards[RISK]["indicator"] == "critical"
    assert cards[RISK]["summary"] == EPDS_CRITICAL
    epds = [s for s in record.scores if s.instrument == epds_item10.INSTRUMENT]
    assert [(s.value, s.item9) for s in epds] == [(None, 3)]


def test_an_unreadable_item10_on_an_epds_worded_form_is_the_unread_warning() -> None:
    cards, _ = _at.by_topic_and_record(_checked("e14_worded_form_item10_unread"))
    assert cards[RISK]["indicator"] == "warning"
    assert cards[RISK]["summary"] == EPDS_UNREAD


@pytest.mark.parametrize(
    "name",
    [
        "f30_short_dead_or_selfharm",
        "f31_suicidal_thoughts",
        "f07_score_prefix",
        "f07b_score_suffix",
    ],
)
def test_phq9_item9_short_label_or_scored_answer_raises_the_critical_card(name: str) -> None:
    cards, record = _at.by_topic_and_record(_checked(name))
    assert cards[RISK]["indicator"] == "critical"
    assert cards[RISK]["summary"] == PHQ9_CRITICAL
    phq9 = [s for s in record.scores if s.instrument == "PHQ-9" and s.date == date(2026, 11, 25)]
    assert [(s.value, s.item9) for s in phq9] == [(None, 3)]


def test_a_score_that_disagrees_with_the_words_is_unread() -> None:
    cards, _ = _at.by_topic_and_record(_checked("f07c_score_disagrees"))
    assert cards[RISK]["indicator"] == "warning"
    assert cards[RISK]["summary"].startswith(PHQ9_UNREAD_START)


def test_other_forms_stay_quiet() -> None:
    cards, record = _at.by_topic_and_record(_checked("f02_gad7_all3"))
    assert RISK not in cards
    assert not [s for s in record.scores if s.date == date(2026, 11, 25) and s.item9 is not None]


def _phq9_item9s(record: Any) -> list[Any]:
    return [
        s
        for s in record.scores
        if s.instrument == "PHQ-9" and s.date == date(2026, 11, 25) and s.item9 is not None
    ]


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        # The C-SSRS's first question on a form not read as a C-SSRS, answered "Yes": quiet
        # before (no wording of the net held it); since session 29 fix net30 the ASQ's "wished
        # you were dead" is the net's, and a yes is a positive answer (review s29 K16 x02).
        (
            "f12_cssrs",
            'Self-harm question "Have you wished you were dead or wished you could go to…" = yes on '
            "2026-11-25: assess suicide risk today",
        ),
        (
            "f13_parent_report",
            'Self-harm question "Thoughts that your child would be better off…" = nearly every '
            "day on 2026-11-25: higher suicide risk, assess today",
        ),
        (
            "f33_cssrs_suicidal_thoughts",
            'Self-harm question "Suicidal thoughts" = nearly every day on 2026-11-25: higher suicide '
            "risk, assess today (C-SSRS) and plan safety",
        ),
    ],
)
def test_other_forms_give_only_the_nets_answer(name: str, summary: str) -> None:
    """Not read as PHQ-9 item 9 (no PHQ-9 score), but a self-harm question answered above its
    lowest answer on a form no reader takes is the safety net's (fhir_mapping/form_self_harm.py,
    recheck K14 s28 finding 4): "Thoughts that your child would be better off dead" = "Nearly
    every day", "Suicidal thoughts" = "Nearly every day" beside a C-SSRS question. An answer of
    the PHQ-9's list is read as one since session 29 fix net30: named as asked, at the tier a
    PHQ-9 item 9 of that answer gets (it was "could not be read")."""
    cards, record = _at.by_topic_and_record(_checked(name))
    assert (cards[RISK]["indicator"], cards[RISK]["summary"]) == ("critical", summary)
    assert not _phq9_item9s(record)


def test_a_short_label_names_nothing_in_a_row() -> None:
    """`form` rows are read on a form worded as the instrument only, never in a row."""
    assert named_in(["Suicidal thoughts"]) is None
    assert named_in(["Thoughts of harming self"]) is None
    assert form_named(["Suicidal thoughts"], "PHQ-9") is not None
    assert form_named(["Suicidal thoughts"], "EPDS") is None
    assert form_named(["No suicidal thoughts"], "PHQ-9") is None


def test_split_score_is_shared() -> None:
    assert epds_item10.split_score("3 - Nearly every day") == (3, "Nearly every day")
    assert epds_item10.split_score("Nearly every day (3)") == (3, "Nearly every day")
    assert epds_item10.split_score("Nearly every day") == (None, "Nearly every day")
