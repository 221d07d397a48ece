"""Review s24 RA recheck, findings 2, 3, 4 and 8 (TMS and ECT courses beside a drug).

- F2: TMS stopped after 2 sessions while venlafaxine went on (PHQ-9 16 -> 12 -> 7). The course
  cut venlafaxine's scoring window at its first session, so the drug was judged failed on the 16
  and adjuncts were offered at PHQ-9 7. A TMS course that ended short of
  policy.tms_min_course_sessions (default 20) now cuts nothing (device_course_scores.short).
- F3: the same course blocked a TMS referral at PHQ-9 17 ("No response: no new referral"). It is
  now "stopped after 2 sessions, not an adequate course" and the referral stays available.
- F4: a running acute ECT course did not hold the optimise card's drug proposals as a running TMS
  course does; it now does, maintenance ECT not (ect_phases.running_acute).
- F8: "judge it at week 4-6 (tms-course card)" on day 25 of a TMS course, with no such card on
  the screen: before the check's week the line gives the date it is due.

Charts: tests/services/device_course24_charts/ (the recheck's charts, built from the journey24
Epic-shaped charts, every prefetch key), and tests/services/journey24_charts/ for F8.
"""

from __future__ import annotations

import copy
import dataclasses
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.clinical_records import ProcedureKind, ProcedureRecord
from fhir_mapping.device_course_scores import CourseRule, DeviceCourse, device_course_starts
from services import ect_phases, tms_course
from services.policy import Policy
from services.rules.optimize.card import tms_episode_line
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
TMS_COURSE = "tms-course"

_chart = chart_files.loader(Path(__file__).parent / "device_course24_charts")
_journey = chart_files.loader(Path(__file__).parent / "journey24_charts")
_at = Evaluator(date(2025, 10, 20))

ABANDONED = ("ven_tms_abandoned_2_sessions", date(2025, 10, 20))
ABANDONED_18 = ("ven_tms_abandoned_2_sessions_then_18", date(2025, 12, 15))
ECT_ACUTE = ("ven_ect_acute_running_week4", date(2025, 9, 19))
# The old reading: every TMS course, however short, counted as a course.
ANY_COURSE = dataclasses.replace(Policy(), tms_min_course_sessions=1)


def _cards(visit: tuple[str, date], doc: Doc | None = None, **kw: Any) -> list[Doc]:
    name, day = visit
    return _at.cards(doc or _chart(name), as_of=day, **kw)


def _venlafaxine(visit: tuple[str, date], **kw: Any) -> Any:
    name, day = visit
    record = _at.result(_chart(name), as_of=day, **kw).evaluation.record
    (trial,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    return trial


def _one_clicks(card: Doc) -> list[str]:
    return [
        s["label"]
        for s in card.get("suggestions", [])
        if any(
            a.get("resource", {}).get("resourceType") == "MedicationRequest"
            for a in s.get("actions", [])
        )
    ]


@pytest.mark.parametrize(
    "name",
    [
        "ven_tms_abandoned_2_sessions",
        "ven_tms_abandoned_2_sessions_then_18",
        "ven_ect_acute_running_week4",
    ],
)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


# --- F2: a course stopped short does not cut the drug's scoring window -------------------------


def test_two_tms_sessions_leave_venlafaxine_judged_on_its_own_scores() -> None:
    trial = _venlafaxine(ABANDONED)
    assert (trial.on_treatment.value, trial.on_treatment.date) == (7, date(2025, 10, 20))
    assert trial.outcome_note is None
    # The old reading (any course cuts): judged on the 16 before the first session.
    assert _venlafaxine(ABANDONED, policy=ANY_COURSE).on_treatment.value == 16


def test_no_adjuncts_offered_at_phq9_7_after_an_abandoned_course() -> None:
    found = by_topic(_cards(ABANDONED))
    assert OPTIMISE not in found
    assert not any("adequate trials failed" in c["summary"] for c in found.values())
    # The old reading offered them.
    old = by_topic(_cards(ABANDONED, policy=ANY_COURSE))[OPTIMISE]
    assert old["summary"].startswith("2 adequate trials failed (sertraline, venlafaxine)")


def _session(
    day: date, kind: ProcedureKind = ProcedureKind.TMS, end: date | None = None
) -> ProcedureRecord:
    return ProcedureRecord(kind=kind, code="x", system="x", date=day, performed_end=end)


def test_course_starts_leave_out_only_an_ended_tms_course_below_the_minimum() -> None:
    start = date(2025, 8, 25)
    two = [_session(start), _session(start + timedelta(days=1))]
    rule = CourseRule(min_sessions=20, recent_days=7)
    tms = DeviceCourse(
        start, start + timedelta(days=1), start + timedelta(days=31), "TMS", rule.outcome_days
    )
    # Ended (no session in the last 7 days): left out.
    assert device_course_starts(two, rule, date(2025, 10, 20)) == ()
    # Still running: a course being given cuts as before.
    assert device_course_starts(two, rule, date(2025, 8, 30)) == (tms,)
    # No as-of: nothing is judged short (a caller of the grouping alone).
    assert device_course_starts(two, 30) == (tms,)
    # 20 sessions: an adequate course.
    twenty = [_session(start + timedelta(days=i)) for i in range(20)]
    assert len(device_course_starts(twenty, rule, date(2025, 12, 1))) == 1
    # ECT is never judged short; nor a course documented as a period (sessions not counted).
    ect = [
        _session(start, ProcedureKind.ECT),
        _session(start + timedelta(days=2), ProcedureKind.ECT),
    ]
    assert [c.name for c in device_course_starts(ect, rule, date(2025, 12, 1))] == ["ECT"]
    period = [_session(start, end=start + timedelta(days=40))]
    assert len(device_course_starts(period, rule, date(2025, 12, 1))) == 1


def test_the_mapping_defaults_are_the_policys() -> None:
    policy, rule = Policy(), CourseRule()
    assert (rule.gap_days, rule.min_sessions, rule.recent_days, rule.outcome_days) == (
        policy.tms_course_gap_days,
        policy.tms_min_course_sessions,
        policy.tms_session_recent_days,
        policy.tms_outcome_days_after_end,
    )


# --- F3: a course stopped short does not bar a TMS referral ------------------------------------


def test_two_tms_sessions_do_not_block_a_tms_referral() -> None:
    found = by_topic(_cards(ABANDONED_18))
    card = found[TMS]
    # An item 9 never assessed on this chart: a step first (review s26 RK4 finding 1).
    assert card["summary"].endswith(
        "PHQ-9 17: assess suicide risk first, then consider TMS referral (earlier course 2025-08 "
        "stopped after 2 sessions)"
    )
    assert (
        "**Earlier TMS course:** 2025-08-25 - 2025-08-26, stopped after 2 sessions, not an "
        "adequate course (fewer than 20); PHQ-9 16 (2025-08-04) -> 12 (2025-09-22), 25 % better. "
        "It bars no referral here; why it stopped is not on record"
    ) in card["detail"]
    # Not one click while the assessment is owed (before: offered, not marked recommended, as
    # why it stopped, a seizure?, is not known).
    assert "suggestions" not in card
    assert card["detail"].startswith("**Not one click yet:** Refer for TMS evaluation; ")
    assert "no new referral" not in found[OPTIMISE]["detail"]
    # The old reading: "No response: no new referral" and no TMS card.
    old = by_topic(_cards(ABANDONED_18, policy=ANY_COURSE))
    assert TMS not in old
    assert "No response: no new referral" in old[OPTIMISE]["detail"]


def test_the_short_course_is_no_blocker_and_says_so() -> None:
    name, day = ABANDONED_18
    record = _at.result(_chart(name), as_of=day).evaluation.record
    policy = Policy()
    (course,) = tms_course.courses(record, policy)
    assert course.short(policy)
    assert course.short_text(policy) == (
        "stopped after 2 sessions, not an adequate course (fewer than 20)"
    )
    assert tms_course.failed_course(record, policy) is None
    assert tms_course.blocker(record, policy) is None
    assert tms_course.blocker(record, ANY_COURSE) is not None
    # The optimise card's line on it, where a referral on record keeps the TMS card away.
    assert tms_episode_line(course, policy) == (
        "**TMS in this episode:** 2025-08-25 - 2025-08-26, stopped after 2 sessions, not an "
        "adequate course (fewer than 20); PHQ-9 16 (2025-08-04) -> 12 (2025-09-22), 25 % better. "
        "Record why it stopped."
    )
    assert "No response: no new referral" in tms_episode_line(course, ANY_COURSE)


# --- F4: an acute ECT course holds the drug proposals, maintenance ECT does not ----------------


def test_running_acute_ect_course_holds_the_optimise_cards_drug_proposals() -> None:
    card = by_topic(_cards(ECT_ACUTE))[OPTIMISE]
    assert _one_clicks(card) == []
    assert card["summary"].endswith(
        ": judge the ECT course with the ECT service first, then augment or switch class"
    )
    assert card["detail"].startswith(
        "**Acute ECT course running since 2025-08-25:** 12 sessions so far; judge its response "
        "with the ECT service before changing medication"
    )
    assert "Propose adjunctive aripiprazole 2 mg/day" in card["detail"]  # named, not one click


def _with_ect(doc: Doc, day: date) -> Doc:
    """The chart with one more ECT session (a copy of its last, new id and day)."""
    bundle = doc["prefetch"]["procedures"]
    entry = copy.deepcopy(bundle["entry"][-1])
    new = str(uuid.uuid4())
    entry["resource"]["id"] = new
    entry["fullUrl"] = entry["fullUrl"].rsplit("/", 1)[0] + "/" + new
    entry["resource"]["performedPeriod"] = {
        "start": f"{day.isoformat()}T10:00:00-05:00",
        "end": f"{day.isoformat()}T10:40:00-05:00",
    }
    bundle["entry"].append(entry)
    bundle["total"] = len(bundle["entry"])
    return doc


def test_maintenance_ect_session_does_not_hold_them() -> None:
    # The acute course ended 2025-09-19; a maintenance session four weeks on, seen two days later.
    doc = _with_ect(_chart(ECT_ACUTE[0]), date(2025, 10, 17))
    card = by_topic(_at.cards(doc, as_of=date(2025, 10, 19)))[OPTIMISE]
    assert "ECT course" not in card["summary"]
    assert "Acute ECT course running" not in card["detail"]
    assert _one_clicks(card)


def test_running_acute_reads_the_spacing() -> None:
    acute = [date(2025, 8, 25) + timedelta(days=2 * i) for i in range(6)]
    assert ect_phases.running_acute(acute, acute[-1] + timedelta(days=2), 7) == tuple(acute)
    assert ect_phases.running_acute(acute, acute[-1] + timedelta(days=8), 7) == ()  # ended
    assert ect_phases.running_acute(acute[:1], acute[0], 7) == (acute[0],)  # a course begins
    weekly = [*acute, acute[-1] + timedelta(days=7)]  # continuation spacing: not acute
    assert ect_phases.running_acute(weekly, weekly[-1], 7) == ()
    again = [*weekly, weekly[-1] + timedelta(days=2)]  # a second acute run
    assert ect_phases.running_acute(again, again[-1], 7) == tuple(again[-2:])


# --- F8: the tms-course card is named only from the week it shows the response check ----------


def test_before_week_4_the_line_gives_the_due_date_not_the_card() -> None:
    found = by_topic(_at.cards(_journey("ven_tms_running_week4"), as_of=date(2025, 9, 19)))
    assert TMS_COURSE not in found
    detail = found[OPTIMISE]["detail"]
    assert detail.startswith(
        "**TMS course running since 2025-08-25:** judge it at week 4-6 (due 2025-09-22) before "
        "changing medication"
    )
    assert "tms-course card" not in detail


def test_from_week_4_the_line_names_the_card_that_shows() -> None:
    found = by_topic(_at.cards(_journey("ven_tms_running_week5"), as_of=date(2025, 9, 29)))
    assert TMS_COURSE in found
    assert found[OPTIMISE]["detail"].startswith(
        "**TMS course running since 2025-08-25:** judge it at week 4-6 (tms-course card)"
    )
