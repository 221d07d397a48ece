"""Fix k18b (recheck K18 s29): TMS / ECT / psychotherapy course Procedures.

1. A TMS Procedure `stopped` whose statusReason is a refusal (SNOMED 183944003 Procedure refused)
   is the TMS declined line, as `not-done` is, not a course "stopped after 1 session".
2. A course charted as one Procedure in progress over an open period, open longer than
   policy.tms_course_open_max_weeks / ect_course_open_max_weeks: "in progress for N weeks:
   confirm it is still running", and no card waits on it (services/open_course.py).
3. A `completed` TMS period shorter than a course's daily sessions (SAINT: 10 a day for 5 days),
   or one `stopped` at remission, is no course "stopped after N days": its length is to confirm.
4. An ECT range record with itemised sessions inside it: the sessions are the course.
5. "initially declined, now agrees" / "declined outpatient ECT, prefers inpatient" are no refusal;
   "CBT for insomnia and depression" is CBT for depression too.

Charts: tests/services/k18b_charts/ (from K18's, all 19 prefetch keys). As-of 2026-12-01.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

HERE = Path(__file__).parent
DIR = HERE / "k18b_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_proca = chart_files.loader(HERE / "proca30_charts")
_terms = chart_files.loader(HERE / "procedure_terms29_charts")
_at = Evaluator(date(2026, 12, 1))


def _text(doc: chart_files.Doc, policy: Policy | None = None) -> str:
    return "\n".join(
        f"{c['summary']}\n{c.get('detail', '')}" for c in _at.cards(doc, policy=policy)
    )


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def test_tms_stopped_as_refused_is_declined() -> None:
    text = _text(_chart("tms_stopped_refused_one_day"))
    assert "**TMS declined:** the patient declined TMS" in text
    assert "stopped after 1 session" not in text


@pytest.mark.parametrize(
    ("name", "weeks", "since"),
    [
        ("tms_in_progress_since_2025", 99, "2025-01-06"),
        ("tms_in_progress_since_june", 26, "2026-06-01"),
    ],
)
def test_tms_record_open_too_long_is_to_confirm(name: str, weeks: int, since: str) -> None:
    text = _text(_chart(name))
    assert (
        f"TMS course in progress for {weeks} weeks (record open since {since}): confirm it is "
        "still running"
    ) in text
    assert "judge the TMS course at week 4-6 first" not in text
    assert "week 99.1" not in text


def test_tms_record_open_within_the_limit_still_runs() -> None:
    # Control: proca30's ip1 (in progress since 2026-10-26) is a course running.
    text = _text(_proca("ip1_tms_in_progress_period"))
    assert "confirm it is still running" not in text
    assert "TMS course since" in text
    # ... and past a lower limit it is to confirm.
    short = Policy(tms_course_open_max_weeks=2)
    assert "confirm it is still running" in _text(_proca("ip1_tms_in_progress_period"), short)


def test_ect_record_open_too_long_holds_nothing() -> None:
    text = _text(_chart("ect_in_progress_since_2025"))
    assert (
        "**ECT in this episode:** charted as one record, in progress for 91 weeks (record open "
        "since 2025-03-03): confirm it is still running"
    ) in text
    assert "Acute ECT course running" not in text
    assert "Not one click until then" not in text


@pytest.mark.parametrize(
    ("name", "days"),
    [("tms_saint_5day_completed", "5 days"), ("tms_stopped_remission_18d", "19 days")],
)
def test_completed_short_period_is_a_length_to_confirm(name: str, days: str) -> None:
    text = _text(_chart(name))
    assert f"{days} on record: course length to confirm" in text
    assert "stopped after" not in text
    assert "not an adequate course" not in text


def test_stopped_without_remission_stays_short() -> None:
    # Control: "no remission" is no completion reason.
    doc = copy.deepcopy(_chart("tms_stopped_remission_18d"))
    for entry in doc["prefetch"]["procedures"]["entry"]:
        if entry["resource"]["id"] == "tmsP":
            entry["resource"]["statusReason"] = {"text": "Stopped early: no remission"}
    assert "stopped after 19 days" in _text(doc)


def test_ect_range_with_itemised_sessions_counts_the_sessions() -> None:
    text = _text(_chart("ect_range_plus_itemised_sessions"))
    assert "**ECT in this episode:** 11 sessions, 2026-10-19 to 2026-11-11" in text
    assert "(since 2026-10-19, 11 sessions)" in text
    assert "sessions not itemised" not in text
    assert "documented as a period" not in text


@pytest.mark.parametrize(
    "name",
    ["ect_consult_initially_declined_now_agrees", "ect_declined_outpatient_prefers_inpatient"],
)
def test_refusal_taken_back_is_no_refusal(name: str) -> None:
    assert "ECT (declined" not in _text(_chart(name))


def test_plain_refusal_in_words_stays_declined() -> None:
    # Control: procb30's chart, "ECT consultation - patient declined ECT".
    assert "ECT (declined" in _text(_terms("ect_consult_patient_declined"))


def test_cbt_for_insomnia_and_depression_is_psychotherapy() -> None:
    text = _text(_chart("cbt_insomnia_and_depression"))
    assert "CBT for insomnia, not a course of therapy" not in text
    assert "consider a CBT or IPT referral" not in text


def test_course_stopped_as_refused_after_weeks_still_counts() -> None:
    # Control: a period of six weeks, stopped "Patient refused further sessions", was given.
    text = _text(_chart("tms_stopped_refused_after_6_weeks"))
    assert "**TMS in this episode:** 2026-05-04 - 2026-06-12" in text
