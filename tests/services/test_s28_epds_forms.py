"""Session 28 fix fx-epdsqr: review s28 RI findings 1-2 and K5 recheck finding 4.

1. An EPDS item 10 "Yes, quite often" sent as a QuestionnaireResponse item (LOINC's form
   http://loinc.org/q/71354-5; a contained Questionnaire titled "Edinburgh Postnatal Depression
   Scale (EPDS)"; an Epic form under an opaque canonical, valueString answers) or as a component
   of an Observation 71354-5 raised nothing; it now raises the critical card the Observation row
   raises (fhir_mapping/epds_forms.py). An answer not read (a number; other words) is the unread
   warning; "Never" is quiet; an entered-in-error form is nothing.
2. An EPDS total filed under the panel code 71354-5 is read as the EPDS score
   (data/observation_codes.csv); a 71354-5 panel listing its members, with no value, is no gap.
3. A C-SSRS 93373-9 valued "Low risk?" the day after a PHQ-9 item 9 of 3 read as low and dropped
   the critical card to info: a level with a question mark is unread (suicide_screen_answers.py).

Charts (epds_form_charts/, every prefetch key): review s28 RI's A14, B03, B04, E01 and A12
(scratch-RI), variants of A14 and E01, and K5's c05 (scratch-K5/c).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import epds_forms
from fhir_mapping.score_scales import scale_row
from fhir_mapping.suicide_screen_answers import _level
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
CRITICAL = (
    "EPDS item 10 = 3 (yes, quite often) on 2026-11-25: higher suicide risk, assess today "
    "(C-SSRS) and plan safety"
)
UNREAD = (
    "EPDS item 10 answer on 2026-11-25 could not be read: check it in the chart; if it is above "
    "'Never', assess suicide risk today"
)

_chart = chart_files.loader(Path(__file__).parent / "epds_form_charts")
_at = Evaluator(AS_OF)


def _checked(name: str) -> dict:
    doc = _chart(name)
    chart_files.check_chart(doc)
    return doc


@pytest.mark.parametrize(
    "name",
    [
        "epds_qr_loinc_form_quite_often",  # RI A14: http://loinc.org/q/71354-5, valueCoding
        "epds_qr_contained_full",  # RI B03: contained Questionnaire titled EPDS, coded answers
        "epds_qr_epic_valuestring",  # RI B04: opaque canonical, "In the past 7 days: ..." text
        "epds_panel_component_quite_often",  # RI E01: a component of a 71354-5 valued 24
        "epds_qr_in_progress_quite_often",  # a form not finished: the patient's answer counts
        # On an EPDS form a valueInteger 0-3 is the item's score (recheck K14 s28 chart q07).
        "epds_qr_loinc_form_number_only",
    ],
)
def test_positive_item10_in_a_form_raises_the_critical_card(name: str) -> None:
    card = _at.by_topic(_checked(name))[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == CRITICAL


@pytest.mark.parametrize(
    "name",
    [
        "epds_panel_component_unreadable",  # component valued "see scanned form"
    ],
)
def test_item10_not_read_is_the_unread_warning(name: str) -> None:
    cards, record = _at.cards_and_record(_checked(name))
    card = next(c for c in cards if c["summary"] == UNREAD)
    assert card["indicator"] == "warning"
    assert any(g.reason == epds_forms.UNREAD_FORM_ITEM for g in record.gaps)


@pytest.mark.parametrize(
    "name",
    ["epds_qr_loinc_form_never", "epds_panel_component_never", "epds_qr_entered_in_error"],
)
def test_never_or_no_result_is_quiet(name: str) -> None:
    cards, record = _at.by_topic_and_record(_checked(name))
    assert RISK not in cards
    assert not any(g.reason == epds_forms.UNREAD_FORM_ITEM for g in record.gaps)


def test_total_under_the_panel_code_is_read() -> None:
    cards, record = _at.by_topic_and_record(_checked("epds_panel_code_total_22"))
    epds = [s for s in record.scores if s.instrument == "EPDS"]
    assert [(s.value, s.date) for s in epds] == [(22, date(2026, 11, 25))]
    assert RISK not in cards  # a total alone answers no item 10


def test_panel_listing_members_without_a_value_is_no_gap() -> None:
    _, record = _at.by_topic_and_record(_checked("epds_panel_code_members_no_value"))
    assert not [s for s in record.scores if s.instrument == "EPDS"]
    assert not any("EPDS" in g.reason for g in record.gaps)


def test_low_risk_with_a_question_mark_keeps_the_item9_card() -> None:
    doc = _checked("cssrs_level_low_risk_question_mark")
    card = _at.by_topic(doc, as_of=date(2025, 6, 15))[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "PHQ-9 item 9 = 3 (nearly every day) on 2025-06-10: higher suicide risk, assess today "
        "(C-SSRS) and plan safety"
    )


@pytest.mark.parametrize(
    ("text", "level"),
    [("Low risk?", None), ("?Low risk", None), ("Low risk", "low"), ("High risk?", None)],
)
def test_level_with_a_question_mark_is_not_read(text: str, level: str | None) -> None:
    assert _level({"valueString": text}) == level


@pytest.mark.parametrize(
    ("link_id", "item10"),
    [
        ("q10", True),
        ("10", True),
        ("epds-10", True),
        ("/71354-5/10", True),
        ("q1", False),
        ("1.10", False),
        ("epds-total", False),
    ],
)
def test_item10_by_link_id_on_an_epds_form(link_id: str, item10: bool) -> None:
    form = {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": "http://loinc.org/q/71354-5",
        "item": [{"linkId": link_id, "answer": [{"valueString": "Sometimes"}]}],
    }
    assert epds_forms.wants_response(form) is item10
    other = {**form, "questionnaire": "Questionnaire/1234567"}
    assert epds_forms.wants_response(other) is False  # an unknown form: by its words only


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("Edinburgh Postnatal Depression Scale [EPDS]", True),
        ("The thought of harming myself has occurred to me", False),  # K3 chart i_epds10_*
    ],
)
def test_panel_code_worded_as_item10_is_no_total(text: str, total: bool) -> None:
    """71354-5 read as the EPDS total (finding 2) unless the row is worded as item 10: then it is
    the item, read by its words (s27 chart i_epds10_unknown_yes stays critical)."""
    row = {
        "resourceType": "Observation",
        "code": {"coding": [{"system": "http://loinc.org", "code": "71354-5"}], "text": text},
    }
    assert (scale_row(row) is not None) is total
