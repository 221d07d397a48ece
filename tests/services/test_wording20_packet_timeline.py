"""Review s20 items 2-5: the timeline, the referral packet and note, and the SI-unit lab line say
each thing once, as it applies, named as the card names it.

- Item 2 (w05): a course begun four weeks ago read "sertraline 50 mg/day from 2 Nov 2026,
  ongoing, ongoing, not yet adequate" in the timeline's summary: now "ongoing" once.
- Item 3 (w06): an esketamine course of eight clinic sessions read "weeks at an adequate dose
  unknown (needs 6)" in the packet's outcome, "0" in its weeks cell and "(dose unknown, too
  short)" in the timeline: a drug dosed per session has no weeks at a mg/day dose to reach. Now
  the weeks cell says "not applicable: dosed per session; 8 sessions on record" and the outcome
  its dose basis once.
- Item 4 (w08): the card named the rule set "clinic default rule set, from Medicare LCD L37086"
  while the referral note said "Payer criteria (Medicare LCD L37086)" and the packet "Medicare LCD
  L37086: not met": now all three use the card's label (payer_criteria/label.py).
- Item 5 (w07): a `labsSI` Bundle cut short (a next page not read) gave "SI-unit labs may be
  incomplete" with no test named; now the tests the key carries are named from its tables, TSH
  among them (fhir_mapping/lab_si_key.py).

Charts: tests/services/wording20_charts/ (w05, w07 from review16 a04 with a partial labsSI page,
w06 from esketamine_everywhere with its order stopped, w08 from review19i i8; every prefetch key).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import OfflineResult
from fhir_mapping.gaps import SI_LABS_NOT_RECEIVED
from fhir_mapping.lab_names import LAB_NAMES
from fhir_mapping.lab_si_key import key_tests, level_tests
from services.packet.page import render_packet
from services.policy import Policy
from services.timeline.summary import describe
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic, card_list

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "wording20_charts")


_at = Evaluator(AS_OF)


def _run(name: str, as_of: date = AS_OF) -> OfflineResult:
    return _at.result(_chart(name), as_of=as_of)


def _cards(result: OfflineResult) -> dict[str, Doc]:
    return by_topic(card_list(result))


def _packet_text(result: OfflineResult) -> str:
    html = render_packet(result.evaluation.record, Policy())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


# --- item 2 -------------------------------------------------------------------------------


def test_a_running_course_is_said_ongoing_once_in_the_timeline_summary() -> None:
    timeline = describe(_run("w05_sertraline_50_started_four_weeks_ago").evaluation.record)
    assert "ongoing, ongoing" not in timeline
    assert "sertraline 50 mg/day from 2 Nov 2026, ongoing, not yet adequate." in timeline


# --- item 3 -------------------------------------------------------------------------------

ESKETAMINE = "w06_esketamine_eight_sessions_stopped"
ESKETAMINE_AS_OF = date(2025, 7, 8)  # 40 days after the last of eight sessions


def test_the_packet_names_sessions_not_weeks_at_a_dose_for_esketamine() -> None:
    packet = _packet_text(_run(ESKETAMINE, ESKETAMINE_AS_OF))
    row = packet.split("esketamine (NMDA antagonist)")[1].split("no: augmentation")[0]
    assert "needs 6" not in row and "weeks at an adequate dose" not in row
    assert (
        "56 mg per session 5 May 2025 – 29 May 2025 not applicable: dosed per session; "
        "8 sessions on record"
    ) in row
    # Its dose basis said once, for its unknown mg/day dose and its short course alike.
    assert row.count("esketamine is dosed per session") == 1


def test_the_timeline_says_esketamine_is_dosed_per_session_not_too_short() -> None:
    timeline = describe(_run(ESKETAMINE, ESKETAMINE_AS_OF).evaluation.record)
    assert "esketamine 56 mg per session from 5 May 2025 to 29 May 2025" in timeline
    assert "too short" not in timeline and "dose unknown" not in timeline
    assert "inadequate trial (dosed per session)" in timeline


# --- item 4 -------------------------------------------------------------------------------

LABEL = "clinic default rule set, from Medicare LCD L37086"


def test_the_note_and_the_packet_name_the_rule_set_as_the_card_does() -> None:
    result = _run("w08_two_failed_ssris_tms_payer_label")
    card = _cards(result)["tms-referral"]
    assert f"**Payer criteria not yet met** ({LABEL}):" in card["detail"]
    notes = [
        n["text"]
        for s in card.get("suggestions", [])
        for a in s.get("actions", [])
        for n in (a.get("resource") or {}).get("note", [])
        if "Payer criteria" in n["text"]
    ]
    assert notes
    for note in notes:
        assert "Payer criteria (Medicare LCD L37086)" not in note
        assert f"Payer criteria ({LABEL}): not yet met (to document:" in note
    packet = _packet_text(result)
    assert "Payer criteria Medicare LCD L37086: not met" not in packet
    assert "Clinic default rule set, from Medicare LCD L37086: not met: Severity;" in packet


# --- item 5 -------------------------------------------------------------------------------


def test_a_partial_labs_si_page_names_the_tests_it_may_hide_tsh_among_them() -> None:
    result = _run("w07_labs_si_first_page_only_hypothyroid")
    detail = _cards(result)["diagnosis-review"]["detail"]
    assert "- SI-unit labs may be incomplete:" not in detail
    # ... and the hCG pregnancy tests asked for under the key too (review s29 RL finding 6).
    assert (
        "- SI-unit labs (vitamin B12, folate, vitamin D, creatinine and TSH) and pregnancy tests "
        "may be incomplete: " in detail
    )


def test_the_labs_si_lines_name_every_test_of_the_key_from_its_tables() -> None:
    # Every test the key carries (the SI and the assay tables) is named on the not-received line;
    # not the drug levels (lab_level_codes.csv): a level matters only on its drug, so the card
    # that reads it says it was not received (review s25 RK3 finding 7;
    # tests/services/test_nortriptyline_level.py).
    for test in key_tests() - level_tests():
        assert LAB_NAMES[test].lower() in SI_LABS_NOT_RECEIVED.lower(), test
    for test in level_tests():
        assert LAB_NAMES[test].lower() not in SI_LABS_NOT_RECEIVED.lower(), test
    assert "LOINC 11580-8, 11579-0" in SI_LABS_NOT_RECEIVED
