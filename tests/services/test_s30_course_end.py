"""A `completed` TMS course whose own note says it was cut short reads "stopped" (recheck K21 s30
finding 8).

m4: a TMS Procedure `completed` over 2026-09-01..12 whose note says "Course discontinued after 12
days due to scalp pain" read "completed after 12 days ... why it ended short of a full course is
not on record" after course31's wording: the note is the more specific, so the course reads
"stopped after 12 days" as a `stopped` record does (data/course_end_reasons.csv, `cut_short`
rows). The judgement is unchanged: not an adequate course, judged as an initial course. The
control (k19b2's completed 12-day course with no such words) keeps "completed after 12 days".

Recheck K24c s30: the first word list was too wide and remission words too trusting. Phrases with
no subject of their own ("stopped early", "discontinued due to") count only at the start of a
clause, where the course is meant ("Sertraline discontinued due to nausea prior to TMS", c04,
stays "completed"); a remission named as a goal, as partial, or denied after it ("Insurance
denial; goal was remission", d01; "Remission not achieved", d02; "Partial remission; stopped due
to headaches", d03) is no course ended as planned: the stopped 12-day course is judged "stopped
after 12 days ... bars no referral", the referral offered (before: "course length to confirm ...
no new referral: a retreatment needs a documented response"). c07 ("Stopped early due to seizure;
partial remission", status completed) reads "stopped".
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


CHARTS = sorted(p.stem for p in DIR.glob("*.json"))


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


@pytest.mark.parametrize(
    "name",
    [
        "d01_stopped_reason_insurance_goal_remission",
        "d02_stopped_reason_remission_not_achieved",
        "d03_stopped_partial_remission",
        "d_remission_colon_no",  # recheck K25a s30 finding 10
        "d_seeking_remission",
    ],
)
def test_a_remission_not_reached_is_a_course_stopped_short(name: str) -> None:
    text = _text(_at.cards(_chart(name)))
    assert "(earlier course 2026-09 stopped after 12 days)" in text
    assert "consider TMS referral" in text
    assert "course length to confirm" not in text


def test_a_tms_course_stopped_for_a_seizure_holds_tms() -> None:
    # Session 40 (tms58, review K63a finding 5): Procedure notes are read for the seizure screen,
    # so "Stopped early due to seizure" (a seizure during TMS) holds a new referral, named.
    text = _text(_at.cards(_chart("c07_partial_remission_stopped_early")))
    assert "**Why no TMS referral:** contraindication: Stopped early due to seizure" in text
    assert "consider TMS referral" not in text


def test_a_note_about_another_drug_leaves_the_course_completed() -> None:
    text = _text(_at.cards(_chart("c04_sertraline_discontinued_due_to_nausea")))
    assert "(earlier course 2026-09 completed after 12 days)" in text


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
        ("Stopped early due to seizure; partial remission", True),
        ("Treatment stopped - insurance denial. Goal: remission", True),
        ("Patient stopped early morning sessions, moved to afternoons", False),
        ("Sertraline discontinued due to nausea prior to TMS", False),
        ("Did not complete PHQ-9 at session 10; tolerated well", False),
        ("Lithium discontinued after motor threshold mapping", False),
        ("All 36 sessions completed as planned; ECT stopped early in 2024", False),
        ("The course was discontinued by the patient after 12 days", True),
        ("Patient discontinued TMS after 12 sessions (headache)", True),
        # recheck K25a s30 finding 14
        ("Pt dropped out after 12 sessions", True),
        ("Patient discontinued treatment after 12 days", True),
        ("Patient withdrew after 12 sessions", True),
        ("TMS ended early (pain)", True),
        ("Treatment ended after 12 sessions", True),
    ],
)
def test_cut_short_words(words: str, cut: bool) -> None:
    resource = {"resourceType": "Procedure", "status": "completed", "note": [{"text": words}]}
    assert course_end_reasons.cut_short(resource) is cut


@pytest.mark.parametrize(
    ("reason", "as_planned"),
    [
        ("Insurance denial; goal was remission", False),
        ("Stopped: moved away. Remission not achieved", False),
        ("Partial remission; stopped due to headaches", False),
        ("no remission", False),
        ("Stopped early: remission achieved", True),
        ("Course completed", True),
        # recheck K25a s30 finding 10
        ("Insurance denial. Remission: no", False),
        ("Insurance denial; seeking remission", False),
        ("hoping for remission", False),
        ("remission unlikely", False),
        ("remission pending", False),
        ("Remission? stopped early by pt", False),
        ("near remission", False),
        ("Remission targeted", False),
        ("Approaching remission", False),
        ("Possible remission", False),
        ("patient remitted", True),
    ],
)
def test_a_stopped_course_ended_as_planned(reason: str, as_planned: bool) -> None:
    resource = {"resourceType": "Procedure", "status": "stopped", "statusReason": {"text": reason}}
    assert course_end_reasons.ended_as_planned(resource) is as_planned
