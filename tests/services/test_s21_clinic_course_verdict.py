"""Session 21 F3 item 2: a clinic course the session rule ends (services/clinic_courses.settled)
is judged by the one judge, fhir_mapping/adequacy.judge, not by a hand copy of it.

`_ended` turned a running esketamine course into an ended one by hand: ONGOING became
INADEQUATE and "too short" was added when it ran under 6 weeks. adequacy.judge gives an
intolerant course that is not adequate the one reason INTOLERANCE ("too short" would
misdescribe a course stopped because of the drug), and counts a course's length on its covered
days (gaps are no time on the drug), not on its calendar span. The chart: an esketamine order
left open after one session on 2025-05-29, with an AllergyIntolerance (intolerance, nausea and
vomiting after the session) recorded that day, read 40 days on. Before: "intolerance, too-short"
in --explain, "(intolerance, dosed per session)" on the timeline; now "intolerance" alone, as
for any intolerant course.

Chart: tests/services/clinic_course_verdict_charts/ (esketamine_everywhere_charts/esk_open_order_
one_session_40_days_ago with the AllergyIntolerance added).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.explain import explain
from fhir_mapping.record import InadequacyReason, PatientRecord, Verdict
from services.policy import Policy
from services.timeline.summary import describe
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_chart = chart_files.loader(Path(__file__).parent / "clinic_course_verdict_charts")
INTOLERANT = "esk_open_order_one_session_40_days_ago_intolerance"
AS_OF = date(2025, 7, 8)


def _record() -> PatientRecord:
    doc = _chart(INTOLERANT)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    return result.evaluation.record


def test_the_chart_is_valid_r4_and_carries_every_prefetch_key() -> None:
    doc = _chart(INTOLERANT)
    chart_files.check_chart(doc)


def test_an_intolerant_clinic_course_ended_by_its_sessions_has_the_one_reason() -> None:
    record = _record()
    (esketamine,) = [t for t in record.trials if t.ingredient == "esketamine"]
    assert esketamine.sessions_ended == date(2025, 5, 29) and not esketamine.ongoing
    assert esketamine.intolerance is not None
    assert esketamine.verdict is Verdict.INADEQUATE
    assert esketamine.reasons == (InadequacyReason.INTOLERANCE,)
    said = explain(record)
    assert "verdict: inadequate (intolerance)" in said
    assert "too-short" not in said
    assert "inadequate trial (intolerance)" in describe(record)
