"""Session 41 fix data69: data the service read but dropped or only named, never silent.

Charts in data69_charts/ (all 19 prefetch keys; as of 2026-12-01). d and u charts are data68's
s1 (k45's e_took_all_her_kids_to_school: PHQ-9 23, TMS offered with its packet) with the Epic
survey row's words, value or category changed; h and r charts are data68's c1 (PHQ-9 18 on
2026-11-20, lithium 0.8, TSH 2.1) with a resource added. Built as Epic and Oracle Health send
them (../shared/fhir/vendor/): Epic flowsheet rows under urn:oid:1.2.840.114350..., Oracle labs
as a DiagnosticReport whose results are contained Observations.

1. A survey under an Epic local code named "Depression screen total" (22), "PHQ score", "Mood
   screen" (also with no category: d4) was dropped in silence: now "1 depression score could not
   be read (under a code this service does not know) ... not read as a PHQ-9, the instrument is
   not known" in the packet's and the cards' Data not read (fhir_mapping/unknown_surveys.py).
   Control dc1: "Pain score" stays unsaid.
2. The choice (unknown_surveys.py docstring): a row with no category, a local code only and no
   words (u1) stays left out, unsaid: the project's unread reporting has no count of such rows.
3. A PHQ-9 total whose item 9 is a contained member ({"reference": "#item9"}) was "item 9 could
   not be read" (a warning, TMS offered): the member is now read (contained_members.py): "Nearly
   every day" (h1) and "Several days" on a 44249-1 panel (h2) give the critical card, no TMS;
   "Not at all" (hc1) stays quiet. hx1, the brief's literal shape (LA6570-1 is "More than half
   the days", its display says "Nearly every day"), is a concept whose parts disagree: the
   "could not be read" warning of answer_concept.py, as any such answer.
4. A lab DiagnosticReport whose results are contained Observations was left out at prefetch
   ("1 entry of the prefetched 'labs' Bundle holds DiagnosticReport, not Observation: not
   read"): its results are now read (r1 lithium 0.3, r2 TSH 9.8, r3 B12, folate and TSH in a
   `labsSI` Bundle holding only the report, r4 a QTc in a report under the EHR's own key).
   Control rc1: a report whose result is sent apart ("Observation/...", not on the chart) is
   still named as not read. No DiagnosticReport key is added to the prefetch templates.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import PatientRecord
from fhir_mapping.unknown_surveys import UNKNOWN_DEPRESSION_SCORE, UNKNOWN_SURVEY
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.test_data68 import _packet

pytestmark = pytest.mark.real_drug_table

TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"
RISK = "suicide-risk"
_FOLDER = Path(__file__).parent / "data69_charts"
_load = chart_files.loader(_FOLDER)
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_at = Evaluator(date(2026, 12, 1))
_ALL_READ = "Everything the EHR sent could be read."

# Item 1, failing before: (chart, the words its line names).
DEPRESSION = {
    "d1_epic_survey_depression_screen_total_22": "Depression screen total",
    "d2_epic_survey_phq_score_local_15": "PHQ score",
    "d3_epic_survey_mood_screen_9": "Mood screen",
    "d4_uncategorised_depression_screen_total_22": "Depression screen total",
}
# Item 3, failing before (a warning, TMS offered).
CRITICAL = {
    "h1_total_hasmember_contained_item9_nearly_every_day": "item 9 = 3",
    "h2_panel_44249_1_hasmember_contained_item9_several_days": "item 9 = 1",
}
QUIET = {
    "hc1_total_hasmember_contained_item9_not_at_all_control": "control",
    "dc1_epic_survey_pain_score_control": "control",
    "u1_uncategorised_local_code_valueInteger_control": "control (item 2's choice)",
}
DISAGREE = {"hx1_total_hasmember_contained_item9_code_and_display_disagree": "warning"}
# Item 4, failing before: (chart, what a card now says of the result).
REPORTS = {
    "r1_lithium_level_contained_in_diagnosticreport": "last level 0.3 mmol/L on 2026-11-25",
    "r2_tsh_contained_in_diagnosticreport_oracle": "TSH high 9.8",
    "r3_b12_folate_tsh_report_alone_in_labsSI": "TSH high 9.8, no free T4: add free T4; low B12 142 on 2026-11-25; low folate 2.1 on 2026-11-25",
    "r4_qtc_report_under_ehr_own_key": "512",
}
REPORT_CONTROLS = {"rc1_report_result_not_contained_control": "control"}


def _evaluate(name: str) -> tuple[dict[str, Any], PatientRecord]:
    doc = _load(name)
    chart_files.check_chart(doc)
    return _at.by_topic_and_record(doc)


def _text(cards: dict[str, Any]) -> str:
    return " ".join(
        str(c.get("summary", "")) + " " + str(c.get("detail", "")) for c in cards.values()
    )


def test_folder() -> None:
    chart_files.check_folder(
        _FOLDER, DEPRESSION, CRITICAL, QUIET, DISAGREE, REPORTS, REPORT_CONTROLS
    )


@pytest.mark.parametrize("name", sorted(DEPRESSION))
def test_depression_score_under_unknown_code_is_named(name: str) -> None:
    cards, record = _evaluate(name)
    gaps = [g for g in record.gaps if g.reason == UNKNOWN_DEPRESSION_SCORE]
    assert len(gaps) == 1 and f"named '{DEPRESSION[name]}'" in (gaps[0].stated or "")
    assert not [g for g in record.gaps if g.reason == UNKNOWN_SURVEY]
    # Never read as a PHQ-9: the newest PHQ-9 is still the chart's 23 of 2026-11-15.
    assert max(record.phq9(), key=lambda s: s.date).value == 23
    packet = _packet(cards[TMS])
    assert _ALL_READ not in packet
    assert "1 depression score could not be read" in packet
    assert "not read as a PHQ-9, the instrument is not known" in packet
    assert "1 depression score could not be read" in cards[OPTIMISE]["detail"]
    assert "Criteria met on the data that could be read" in cards[TMS]["detail"]
    chart_files.assert_quiet_with_tms(cards, name)


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_contained_item9_member_is_read(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)
    assert CRITICAL[name] in cards[RISK]["summary"]
    assert "could not be read" not in cards[RISK]["summary"]


@pytest.mark.parametrize("name", sorted(QUIET))
def test_controls_quiet(name: str) -> None:
    cards, record = _evaluate(name)
    chart_files.assert_quiet_with_tms(cards, name)
    assert not [g for g in record.gaps if g.reason in (UNKNOWN_DEPRESSION_SCORE, UNKNOWN_SURVEY)]
    assert "could not be read" not in _text(cards)


def test_contained_total_and_item9_read_whole() -> None:
    _, record = _evaluate("hc1_total_hasmember_contained_item9_not_at_all_control")
    newest = max(record.phq9(), key=lambda s: s.date)
    assert (newest.date, newest.value, newest.item9) == (date(2026, 11, 25), 22, 0)
    assert not record.gaps


def test_disagreeing_item9_concept_both_positive_is_critical() -> None:
    # Review K65b finding 0: LA6570-1 (2) displayed "Nearly every day" (3): every reading is
    # positive, so the lower one (2) raises the critical card and TMS is held
    # (fhir_mapping/answer_concept.py `_all_positive_floor`).
    cards = _cards("hx1_total_hasmember_contained_item9_code_and_display_disagree")
    assert cards[RISK]["indicator"] == "critical"
    assert "item 9 = 2" in cards[RISK]["summary"]
    assert "tms-referral" not in cards


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_report_results_are_read(name: str) -> None:
    cards, record = _evaluate(name)
    assert REPORTS[name] in _text(cards), name
    assert not [g for g in record.gaps if "DiagnosticReport" in f"{g.reason} {g.stated}"]


def test_report_with_results_apart_still_named() -> None:
    _, record = _evaluate("rc1_report_result_not_contained_control")
    assert [g for g in record.gaps if "holds DiagnosticReport" in f"{g.reason} {g.stated}"]
