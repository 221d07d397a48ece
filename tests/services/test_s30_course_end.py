"""A `completed` TMS course whose own note says it was cut short reads "stopped" (recheck K21 s30
finding 8).

m4: a TMS Procedure `completed` over 2026-09-01..12 whose note says "Course discontinued after 12
days due to scalp pain" read "completed after 12 days ... why it ended short of a full course is
not on record" after course31's wording: the note is the more specific, so the course reads
"stopped after 12 days" as a `stopped` record does (data/course_end_reasons.csv, `cut_short`
rows). The judgement is unchanged: not an adequate course, judged as an initial course. The
control (k19b2's completed 12-day course with no such words) keeps "completed after 12 days".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import course_end_reasons
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "s30_course_end_charts"
_chart = chart_files.loader(DIR)
_k19b2 = chart_files.loader(Path(__file__).parent / "k19b2_charts")
_at = Evaluator(date(2026, 12, 1))


def _text(cards: list[dict]) -> str:
    return "\n".join(c["summary"] + "\n" + c["detail"] for c in cards)


def test_the_chart_is_an_ehr_chart() -> None:
    chart_files.check_chart(_chart("m4_12day_completed_note_discontinued"))


def test_a_completed_course_whose_note_says_discontinued_reads_stopped() -> None:
    text = _text(_at.cards(_chart("m4_12day_completed_note_discontinued")))
    assert "(earlier course 2026-09 stopped after 12 days)" in text
    assert "completed after 12 days" not in text
    assert "not an adequate course (fewer than 20 daily sessions)" in text


def test_control_a_completed_course_without_such_words_reads_completed() -> None:
    text = _text(_at.cards(_k19b2("rtms_standard_12day_completed")))
    assert "(earlier course 2026-09 completed after 12 days)" in text


@pytest.mark.parametrize(
    ("words", "cut"),
    [
        ("Course discontinued after 12 days due to scalp pain", True),
        ("Treatment stopped early: patient moved away", True),
        ("Stopped early: remission achieved", False),  # remission: ended as it should
        ("Discontinued bupropion before the first session", False),  # not the course
        ("Course completed as planned", False),
    ],
)
def test_cut_short_words(words: str, cut: bool) -> None:
    resource = {"resourceType": "Procedure", "status": "completed", "note": [{"text": words}]}
    assert course_end_reasons.cut_short(resource) is cut
