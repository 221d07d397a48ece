"""Review s25 RK3 findings 3 and 4: the hold on drug steps after an acute ECT course
(open_referrals.ect_outcome_pending) until its outcome, a PHQ-9 after the course, is recorded.

- 3: a PHQ-9 dated the last session's day released the hold (`last <= s.date`), so the optimise
  card offered adjunctive aripiprazole one click while its own ECT line called that score
  "during it". A same-day PHQ-9 is usually the session's pre-treatment rating: the hold now
  needs one strictly after the last session (tms_course.scored_after, the ECT line's rule).
- 4: with no PHQ-9 after the course the hold dropped on day 31 (the 30-day outcome window) and
  the adjuncts came back one click while the ECT line still said "none within 30 days after it".
  The hold now stays until a PHQ-9 after the course, up to policy.ect_outcome_hold_max_days (90),
  and the line says plainly that the outcome is unknown.

Charts: tests/services/ect_outcome_hold_charts/ (from the review's probes; US Core shaped, every
prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import Score
from services.open_referrals import ect_outcome_pending
from services.policy import Policy
from services.tms_course import scored_after
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
HELD = "record the ECT course's outcome (a PHQ-9) first, then augment or switch class"
DIR = Path(__file__).parent / "ect_outcome_hold_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))

_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions") or []]


def _one_click_adjunct(card: Doc) -> bool:
    return any("adjunctive aripiprazole" in label for label in _labels(card))


def _moved_phq9(doc: Doc, day: str, to: str) -> Doc:
    """The chart with its PHQ-9 of `day` (every item and the total) dated `to` instead."""
    for entry in doc["prefetch"]["observations"]["entry"]:
        resource = entry["resource"]
        when = resource.get("effectiveDateTime", "")
        if when.startswith(day):
            resource["effectiveDateTime"] = to + when[len(day) :]
    return doc


# --- 3: a PHQ-9 on the last session's day is "during it" ---------------------------------------


def test_a_phq9_on_the_last_session_day_keeps_the_hold() -> None:
    optimise = by_topic(_at.cards(_chart("ect_ended_29d_phq9_on_last_session_day")))[OPTIMISE]
    assert HELD in optimise["summary"]
    assert not _one_click_adjunct(optimise)
    detail = optimise["detail"]
    # The hold and the ECT line read that score the same way.
    assert "PHQ-9 16 on 2026-11-02, during it" in detail
    assert (
        "**Acute ECT course ended 2026-11-02** (since 2026-10-08, 12 sessions), no PHQ-9 after"
        in (detail)
    )


def test_a_phq9_the_day_after_the_last_session_releases_the_hold() -> None:
    doc = _moved_phq9(_chart("ect_ended_29d_phq9_on_last_session_day"), "2026-11-02", "2026-11-03")
    optimise = by_topic(_at.cards(doc))[OPTIMISE]
    assert "ECT course's outcome" not in optimise["summary"]
    assert "Acute ECT course ended" not in optimise["detail"]
    assert _one_click_adjunct(optimise)


def test_scored_after_is_strictly_after_the_last_session() -> None:
    last = date(2026, 11, 2)
    same_day = Score("PHQ-9", 16, last)
    next_day = Score("PHQ-9", 16, date(2026, 11, 3))
    unvalued = Score("PHQ-9", None, date(2026, 11, 3))
    assert not scored_after([same_day], last, date(2026, 12, 1))
    assert not scored_after([unvalued], last, date(2026, 12, 1))
    assert scored_after([same_day, next_day], last, date(2026, 12, 1))
    assert not scored_after([next_day], last, date(2026, 11, 2))  # after as-of: not yet


# --- 4: no PHQ-9 after the course: the hold outlasts the 30-day outcome window -----------------


def test_on_day_31_with_no_phq9_after_the_course_the_hold_stays() -> None:
    optimise = by_topic(_at.cards(_chart("ect_ended_31d_no_phq9_after")))[OPTIMISE]
    assert HELD in optimise["summary"]
    assert not _one_click_adjunct(optimise)
    assert (
        "**Acute ECT course ended 2026-10-31** (since 2026-10-06, 12 sessions), no PHQ-9 after "
        "its last session, its outcome unknown: record it (a PHQ-9)"
    ) in optimise["detail"]
    # The ECT line beside it says the same.
    assert "none within 30 days after it" in optimise["detail"]


def _pending(doc: Doc, as_of: date, policy: Policy | None = None) -> tuple[date, ...]:
    record = _at.result(doc, as_of=as_of).evaluation.record
    return ect_outcome_pending(record, policy or Policy())


def test_the_hold_ends_at_ect_outcome_hold_max_days() -> None:
    # Last session 2026-10-31: day 90 is 2027-01-29. (By then the chart's venlafaxine supply has
    # run out and the optimise card gives way to the adherence card, so the rule is read here.)
    doc = _chart("ect_ended_31d_no_phq9_after")
    assert _pending(doc, date(2027, 1, 29))[-1] == date(2026, 10, 31)
    assert _pending(doc, date(2027, 1, 30)) == ()
    assert _pending(doc, date(2027, 1, 30), Policy(ect_outcome_hold_max_days=120))


def test_a_clinic_sets_the_cap() -> None:
    doc = _chart("ect_ended_31d_no_phq9_after")
    # Never shorter than the outcome window (30 days): 0 reads as the window, day 31 is past it.
    short = Evaluator(date(2026, 12, 1), policy=Policy(ect_outcome_hold_max_days=0))
    assert "ECT course's outcome" not in by_topic(short.cards(doc))[OPTIMISE]["summary"]
    inside = Evaluator(date(2026, 11, 30), policy=Policy(ect_outcome_hold_max_days=0))
    assert HELD in by_topic(inside.cards(doc))[OPTIMISE]["summary"]


def test_a_response_after_the_course_gets_no_optimise_card() -> None:
    assert OPTIMISE not in by_topic(_at.cards(_chart("ect_ended_29d_phq9_4_after")))
