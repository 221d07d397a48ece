"""Fix procs35 (recheck K27b s31): ECT / TMS course words.

1. A denied or merely planned maintenance made an acute ECT record a maintenance course ("ECT
   acute series - not maintenance", ", no maintenance", "; maintenance declined", ", will need
   maintenance", "- maintenance recommended"): "Maintenance ECT course running since 2026-01-12"
   and the TMS referral withheld. They now read as the control ("- plan maintenance after"): an
   acute record open 46 weeks, the referral offered (course_protocol_terms.csv `negated`,
   `planned`, `planned_after` rows).
2. A stopped 12-day TMS course whose reason denies remission ("Stopped - non-remission",
   "Stopped, remission criteria not met", "Insurance denial. Remission: N", "remission
   unachieved") read as ended as planned and withheld the referral; now "stopped after 12 days",
   as the control ("Stopped: moved away. Remission not achieved").
3. cut_short reads "Pt quit after 10 sessions", "Only 12 of 36 sessions completed", "Not
   completed", "Course interrupted by hospitalization", "Patient no-showed remaining sessions".
4. "declined rTMS, pt now agrees to iTBS" (iTBS is TMS) and "declined ECT, now agreeable to ECT"
   take the refusal back; only the patient's own agreement does.

Charts: tests/services/procs35_charts/ (K27b's, all 19 prefetch keys). As-of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import course_end_reasons, course_protocols, procedure_refusals
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "procs35_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


def _cards(name: str) -> list[tuple[str, str]]:
    return [(c["summary"], c.get("detail", "")) for c in _at.cards(_chart(name))]


def _text(name: str) -> str:
    return "\n".join(f"{s}\n{d}" for s, d in _cards(name))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    "name", ["m_not_maint", "m_no_maint", "m_maint_declined", "m_will_need", "m_recommended"]
)
def test_a_denied_or_planned_maintenance_reads_as_the_acute_control(name: str) -> None:
    text = _text(name)
    assert "Maintenance ECT course running" not in text
    assert "consider TMS referral" in text
    assert _cards(name) == _cards("m_ctrl")


@pytest.mark.parametrize(
    ("words", "maintenance"),
    [
        ("ECT acute series - not maintenance", False),
        ("ECT acute series, no maintenance", False),
        ("ECT acute series; maintenance declined", False),
        ("ECT acute series, will need maintenance", False),
        ("ECT acute series - maintenance recommended", False),
        ("ECT acute series - maintenance to be discussed", False),
        ("ECT acute series; maintenance if response", False),
        ("ECT acute series, may require maintenance later", False),
        ("ECT acute series, maintenance planned", False),
        ("ECT acute series, pt wants maintenance", False),
        ("acute ECT (no continuation)", False),
        ("Maintenance ECT (monthly)", True),
        ("Continuation ECT", True),
        ("Maintenance ECT, no complications", True),
        ("Maintenance ECT after acute series", True),
        ("Continuation ECT weekly then biweekly", True),
        ("Maintenance ECT - patient declined further sessions", True),
    ],
)
def test_maintenance_words(words: str, maintenance: bool) -> None:
    assert course_protocols.names({"code": {"text": words}}, "maintenance") is maintenance


@pytest.mark.parametrize(
    "name", ["ce_non_remission", "ce_criteria_not_met", "ce_remission_N", "ce_unachieved"]
)
def test_a_remission_denied_is_a_course_stopped_short(name: str) -> None:
    text = _text(name)
    assert "(earlier course 2026-09 stopped after 12 days)" in text
    assert "course length to confirm" not in text
    assert _cards(name) == _cards("ce_ctrl")


@pytest.mark.parametrize(
    ("reason", "as_planned"),
    [
        ("Stopped - non-remission", False),
        ("Stopped, remission criteria not met", False),
        ("Insurance denial. Remission: N", False),
        ("remission unachieved", False),
        ("Stopped: 12 of 36 sessions completed", False),
        ("Stopped early: remission achieved", True),
        ("Remission: Y", True),
        ("36 of 36 sessions completed", True),
    ],
)
def test_a_stopped_course_ended_as_planned(reason: str, as_planned: bool) -> None:
    resource = {"resourceType": "Procedure", "status": "stopped", "statusReason": {"text": reason}}
    assert course_end_reasons.ended_as_planned(resource) is as_planned


@pytest.mark.parametrize(
    ("words", "cut"),
    [
        ("Pt quit after 10 sessions", True),
        ("Patient stopped coming after session 9", True),
        ("Aborted after 5 sessions", True),
        ("Incomplete course - 14 of 36 sessions", True),
        ("Only 12 of 36 sessions completed", True),
        ("Not completed", True),
        ("Course interrupted by hospitalization", True),
        ("Patient no-showed remaining sessions", True),
        ("All 36 sessions completed as planned", False),
        ("36 of 36 sessions completed", False),
        ("Patient quit smoking during course", False),
        ("Session 5 interrupted by fire alarm, resumed", False),
    ],
)
def test_cut_short_words(words: str, cut: bool) -> None:
    resource = {"resourceType": "Procedure", "status": "completed", "note": [{"text": words}]}
    assert course_end_reasons.cut_short(resource) is cut


def test_now_agrees_to_itbs_takes_the_tms_refusal_back() -> None:
    assert "TMS declined" in _text("t_decl")
    assert "TMS declined" not in _text("t_agree_itbs")


def test_now_agreeable_takes_the_ect_refusal_back() -> None:
    assert "ECT (declined" in _text("p_plain_decl")
    assert "ECT (declined" not in _text("p_agreeable")


@pytest.mark.parametrize(
    ("words", "refused"),
    [
        ("patient declined rtms, pt now agrees to itbs", False),
        ("patient declined ect, now agreeable to ect", False),
        ("patient declined ect, pt still not agreeable to ect", True),
        ("patient refuses ect, wife now agreeable to ect", True),
        ("patient declined ect, mom now agreeable to ect", True),
        ("patient declined ect, now agreeable to ketamine", True),
    ],
)
def test_take_back_words(words: str, refused: bool) -> None:
    assert procedure_refusals.refused_in_words(words) is refused
