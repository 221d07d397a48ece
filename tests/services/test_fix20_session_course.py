"""Fix 20 L6 item 2: esketamine given as clinic sessions with no order is a course.

Chart s01 (Epic-shaped, every prefetch key; built for fix20-reading as l2/e01): eight MAR doses
of esketamine twice weekly from 2025-05-05, no MedicationRequest. Before, no course was built
from the sessions: the optimise card recommended "augment ... or switch class" while naming
"Esketamine in this episode: running since 2025-05-05 (8 sessions so far)", and Maudsley scored
"Augmentation 0 (not used)". Its control (the same sessions with an active order) read the
augmentation as under way. Now (fhir_mapping/session_courses.py) the sessions make the course,
and whether it runs is services/clinic_courses.py's one rule: both charts read alike.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "session_course_charts")
SESSIONS = "s01_esketamine_sessions_twice_weekly_no_order"
CONTROL = "s01_control_with_order"


def _run(name: str, as_of: date) -> tuple[list[Doc], Any]:
    return Evaluator(as_of).cards_and_record(_chart(name))


def _shown(cards: list[Doc]) -> list[tuple[str, str, str]]:
    return [(c["source"]["topic"]["code"], c["summary"], c["detail"]) for c in cards]


def test_sessions_alone_make_a_running_course_and_read_as_the_order_does() -> None:
    cards, record = _run(SESSIONS, date(2025, 6, 2))
    (course,) = [t for t in record.trials if t.ingredient == "esketamine"]
    assert (course.start, course.ongoing) == (date(2025, 5, 5), True)
    assert all(s.resource_type == "MedicationAdministration" for s in course.sources)
    topics = [c["source"]["topic"]["code"] for c in cards]
    # Before: "augment (aripiprazole or brexpiprazole) or switch class" beside the running course.
    assert "optimize-switch-augment" not in topics
    assert "Augmentation 1 (used)" in cards[topics.index("tms-referral")]["detail"]
    control, _ = _run(CONTROL, date(2025, 6, 2))
    assert _shown(cards) == _shown(control)


def test_sessions_that_stopped_end_the_course_on_the_last_one_with_no_order_named() -> None:
    cards, record = _run(SESSIONS, date(2025, 7, 15))
    (course,) = [t for t in record.trials if t.ingredient == "esketamine"]
    assert (course.ongoing, course.end) == (False, date(2025, 5, 29))
    assert all("left open" not in c["detail"] for c in cards)
