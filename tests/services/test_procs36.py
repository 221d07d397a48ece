"""Fix procs36 (recheck K28a s31): ECT / TMS course words.

1. "Maintenance ECT series planned for 6 months" on an ECT record in progress since 2026-01-12
   read as an acute course open past its limit and offered a TMS referral during maintenance
   ECT: the `planned_after` word "planned" put the maintenance off. A planned length or rhythm
   of the series ("planned for 6 months", "planned q4 weeks", "planned x 6") is maintenance
   (course_protocol_terms.csv `schedule_verb`, `schedule`); a plan to start one is not.
2. "Not completed: PHQ-9 at session 10" on a completed 18-day TMS record read "stopped after 18
   days": a `cut_short_bare` lead cuts the course short only when its sentence names nothing else
   not completed (course_end_reasons.csv `other_task`). Bare "Not completed" stays cut short.
3. The remission-denied words of course_end_reasons.py are table rows (`negated_before`,
   `denied_after`, ...), behaviour unchanged (test_procs35's cases keep passing).

Charts: tests/services/procs36_charts/ (K28a's, all 19 prefetch keys). As-of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import course_end_reasons, course_protocols
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "procs36_charts"
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
    ("name", "control"),
    [
        ("m_planned6mo", "m_plain"),
        ("m_planned6mo_nov", "m_plain_nov"),
        ("m_planned_q4w", "m_plain"),
        ("m_cont", "m_plain"),
        ("m_mect_next", "m_plain"),
    ],
)
def test_a_planned_maintenance_schedule_reads_as_maintenance(name: str, control: str) -> None:
    text = _text(name)
    assert "judge the ECT course with the ECT service first" in text
    assert "consider TMS referral" not in text
    assert _cards(name) == _cards(control)


@pytest.mark.parametrize(
    ("words", "maintenance"),
    [
        ("Maintenance ECT series planned for 6 months", True),
        ("Maintenance ECT, planned q4 weeks", True),
        ("Maintenance ECT planned q4 weeks", True),
        ("Maintenance ECT planned x 6", True),
        ("Maintenance ECT planned monthly", True),
        ("Maintenance ECT plan q4wk", True),
        ("ECT acute series - maintenance planned after the acute course", False),
        ("ECT acute series, maintenance planned for after the acute course", False),
        ("ECT acute series, maintenance planned", False),
        ("ECT acute series - maintenance to be discussed", False),
        ("ECT acute series - maintenance recommended for 6 months", False),
        ("ECT acute series - maintenance planned if response, for 6 months", False),
        ("ECT acute series, maintenance planned for 2027", False),
    ],
)
def test_maintenance_schedule_words(words: str, maintenance: bool) -> None:
    assert course_protocols.names({"code": {"text": words}}, "maintenance") is maintenance


def test_not_completed_naming_the_phq9_is_no_course_cut_short() -> None:
    assert "(earlier course 2026-08..09 completed after 18 days)" in _text("c3_phq_short")
    assert "stopped after" not in _text("c3_phq_short")
    assert _cards("c3_phq_short") == _cards("c3_ctrl_short")


@pytest.mark.parametrize(
    ("name", "control"),
    [
        ("c3_phq", "c3_ctrl"),
        ("c_notdone_phq", "c_ctrl_done"),
        ("c_out_notdone", "c_ctrl_done"),
        ("c_sr_notdone", "c_ctrl_done"),
    ],
)
def test_not_completed_phq9_reads_as_its_control(name: str, control: str) -> None:
    assert _cards(name) == _cards(control)


@pytest.mark.parametrize(
    ("words", "cut"),
    [
        ("Not completed: PHQ-9 at session 10", False),
        ("Not completed - consent form", False),
        ("Not completed: GAD-7, questionnaire", False),
        ("Not completed", True),
        ("Course not completed", True),
        ("Course not completed: PHQ-9 at session 10", True),
        ("Not completed: moved away", True),
        ("Not completed. PHQ-9 at session 10 was 8", True),
        ("Only 12 of 36 sessions completed", True),
    ],
)
def test_not_completed_words(words: str, cut: bool) -> None:
    resource = {"resourceType": "Procedure", "status": "completed", "note": [{"text": words}]}
    assert course_end_reasons.cut_short(resource) is cut


@pytest.mark.parametrize(
    ("reason", "as_planned"),
    [
        ("no remission", False),
        ("not yet in remission", False),
        ("failed to reach remission", False),
        ("remission was not reached", False),
        ("Remission?", False),
        ("Remission: no", False),
        ("remission pending", False),
        ("Remission criteria not met", False),
        ("Remission: N", False),
        ("Remission: n = 12 achieved", True),
        ("Remission achieved", True),
    ],
)
def test_remission_denied_words_from_the_table(reason: str, as_planned: bool) -> None:
    resource = {"resourceType": "Procedure", "status": "stopped", "statusReason": {"text": reason}}
    assert course_end_reasons.ended_as_planned(resource) is as_planned
