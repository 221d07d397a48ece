"""Session 40 fix data68 (review K63a finding 11).

Charts in data68_charts/ (all 19 prefetch keys; as of 2026-12-01). s and c charts are built on
k45's quiet chart e_took_all_her_kids_to_school (sertraline and venlafaxine failed, lithium
running; PHQ-9 23; TMS offered); l1-l3 are copies of labsr30 li09, labsw30 li20 and trial74 a1.

1. NEVER SILENT: an Epic flowsheet survey under its local code only (urn:oid:1.2.840.114350...,
   no text, no display), valueInteger 18, was left out and the TMS packet said "Everything the
   EHR sent could be read". It may be a PHQ-9 total or its item 9: now a scores DataGap
   (fhir_mapping/unknown_surveys.py) named "1 survey result under a code this service does not
   know ...: check whether it is a PHQ-9 or its item 9" in the packet, the cards resting on
   scores (the safety card's too) and the TMS criteria header ("on the data that could be
   read"); with no PHQ-9 read, "no PHQ-9 that could be read (1 survey result ...)" (s5).
   s3: three such rows are one line. s4: the category sent without its system.
   Controls: c1 a PHQ-9 under LOINC 44261-6 is read as before; c2 a vital sign under a local
   code and c3 a survey named by its words ("Fall Risk Score") say nothing new.
2. WRONG (trial74 leftover): a lithium level the service could not read (l1: display-only
   Oracle result; l2: contained in a DiagnosticReport) made the TMS packet's lithium row say "no
   lithium level on record"; it now says the level was not read (see Data not read). l3
   (control): no level at all still says "no lithium level on record".
"""

from __future__ import annotations

import base64
import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import PatientRecord
from fhir_mapping.unknown_surveys import UNKNOWN_SURVEY
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"
_FOLDER = Path(__file__).parent / "data68_charts"
_load = chart_files.loader(_FOLDER)
_at = Evaluator(date(2026, 12, 1))
_ALL_READ = "Everything the EHR sent could be read."

# Failing before: (chart, how many survey results its line counts).
SURVEYS = {
    "s1_epic_survey_local_code_valueInteger_18": 1,
    "s2_epic_survey_local_code_valueInteger_1": 1,
    "s3_three_epic_surveys_local_codes": 3,
    "s4_survey_category_without_system": 1,
}
NO_PHQ9 = {"s5_no_loinc_phq9_epic_survey_local_code_18": "fixed"}
LITHIUM = {
    "l1_lithium_level_display_only_oracle": "lithium level not read (see Data not read)",
}
# Read since fix data69 item 4 (fhir_mapping/contained_members.py): a DiagnosticReport whose
# results are all contained is read through them (tests/services/test_data69.py).
READ_SINCE_DATA69 = {"l2_lithium_level_in_diagnosticreport": "lithium level 1.6 read"}
CONTROLS = {
    "c1_loinc_phq9_44261_6_survey_control": "control",
    "c2_vital_signs_local_code_control": "control",
    "c3_epic_survey_named_fall_risk_control": "control",
    "l3_no_lithium_level_control": "control",
}


def _evaluate(name: str) -> tuple[dict[str, Any], PatientRecord]:
    doc = _load(name)
    chart_files.check_chart(doc)
    return _at.by_topic_and_record(doc)


def _packet(card: dict[str, Any]) -> str:
    """The TMS referral packet's text (the card's DocumentReference attachment)."""
    for suggestion in card.get("suggestions", []):
        for action in suggestion.get("actions", []):
            resource = action.get("resource") or {}
            if resource.get("resourceType") == "DocumentReference":
                page = base64.b64decode(resource["content"][0]["attachment"]["data"]).decode()
                return html.unescape(re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", page)))
    raise AssertionError("no packet attached")


def _survey_gaps(record: PatientRecord) -> list[str]:
    return [g.reason for g in record.gaps if g.reason == UNKNOWN_SURVEY]


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, SURVEYS, NO_PHQ9, LITHIUM, READ_SINCE_DATA69, CONTROLS)


@pytest.mark.parametrize("name", sorted(SURVEYS))
def test_unknown_survey_is_named_never_all_read(name: str) -> None:
    cards, record = _evaluate(name)
    count = SURVEYS[name]
    assert len(_survey_gaps(record)) == count, name
    results = "1 survey result" if count == 1 else f"{count} survey results"
    which = "it is" if count == 1 else "one is"
    packet = _packet(cards[TMS])
    assert _ALL_READ not in packet
    assert f"{results} under a code this service does not know" in packet
    assert f"check whether {which} a PHQ-9 or its item 9" in packet
    assert "(code urn:oid:1.2.840.114350.1.13.0.1.7.2.707679 " in packet
    # One line, however many (the bound: unknown_surveys.py).
    assert packet.count("under a code this service does not know") == 1
    # The TMS criteria header and the optimise card say the record is incomplete.
    assert "Criteria met on the data that could be read" in cards[TMS]["detail"]
    assert f"{results} under a code this service does not know" in cards[OPTIMISE]["detail"]
    # Still offered: an unknown code is no suicide-risk signal, it is named for a look.
    chart_files.assert_quiet_with_tms(cards, name)


def test_no_phq9_read_says_so_with_the_survey() -> None:
    cards, record = _evaluate("s5_no_loinc_phq9_epic_survey_local_code_18")
    assert not record.phq9()
    detail = cards[OPTIMISE]["detail"]
    assert "no PHQ-9 that could be read (1 survey result under an unknown code not read)" in detail
    assert "no PHQ-9 on record" not in detail


def test_known_phq9_is_read_as_before() -> None:
    cards, record = _evaluate("c1_loinc_phq9_44261_6_survey_control")
    assert not _survey_gaps(record)
    assert any(s.value == 18 and s.date == date(2026, 11, 20) for s in record.phq9())
    assert "survey result" not in str(cards)


@pytest.mark.parametrize(
    "name", ["c2_vital_signs_local_code_control", "c3_epic_survey_named_fall_risk_control"]
)
def test_other_unknown_codes_say_nothing_new(name: str) -> None:
    cards, record = _evaluate(name)
    assert not _survey_gaps(record)
    assert _ALL_READ in _packet(cards[TMS])
    chart_files.assert_quiet_with_tms(cards, name)


@pytest.mark.parametrize("name", sorted(LITHIUM))
def test_unread_lithium_level_is_not_called_none(name: str) -> None:
    cards, _ = _evaluate(name)
    packet = _packet(cards[TMS])
    row = re.search(r"lithium \(mood stabilizer\) 600 .*? no: augmentation", packet)
    assert row is not None, packet
    assert LITHIUM[name] in row.group(0), row.group(0)
    assert "no lithium level on record" not in row.group(0)


def test_lithium_level_in_a_report_is_read() -> None:
    cards, record = _evaluate("l2_lithium_level_in_diagnosticreport")
    assert "Lithium level 1.6 mmol/L on 2026-11-25" in cards["running-lithium-level"]["detail"]
    assert not [g for g in record.gaps if "DiagnosticReport" in (g.stated or g.reason)]


def test_no_lithium_level_at_all_still_says_none() -> None:
    cards, _ = _evaluate("l3_no_lithium_level_control")
    assert "adequacy not shown: no lithium level on record" in _packet(cards[TMS])
