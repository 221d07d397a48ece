"""Review s23 RP finding 6: the PHQ-9 of the prescribing visit stays the baseline of a course that
starts at its order's first fill (fhir_mapping/order_day_baseline.py).

Since review s23 RT finding 1 (first_fill.py) an escitalopram order written on 2026-09-17 and
first handed over on 2026-10-21 is a course from 2026-10-21. Its PHQ-9 of 19, taken at the visit
of 2026-09-17 where the drug was prescribed, fell 34 days before that start, outside the 30-day
baseline window: the packet read "- -> 18 (30 Nov 2026)" and a later response or failure had no
baseline to be judged on. Now the window opens baseline_days_before the order's authoredOn for
such a course (the policy's length unchanged), never before the start of another antidepressant
course begun in between: a score taken before an earlier, different course is not this one's.

Charts: tests/services/first_fill_charts/ (the review's probes) and
tests/services/order_day_baseline_charts/ (built from them: a switch from sertraline begun
2026-09-01, PHQ-9 22 on 2026-08-25 before it, with and without the order day's PHQ-9 19).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping import episodes
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Role, Score, SourceRef, Trial, Verdict
from fhir_mapping.scores import attach_scores
from services.packet import render_packet
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
ORDER_DAY = date(2026, 9, 17)
FIRST_FILL = date(2026, 10, 21)
HERE = Path(__file__).parent
first_fill_chart = chart_files.loader(HERE / "first_fill_charts")
switch_chart = chart_files.loader(HERE / "order_day_baseline_charts")


def _evaluate(doc: dict[str, Any]) -> Any:
    return evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())


def _escitalopram(result: Any) -> Trial:
    (trial,) = [t for t in result.evaluation.record.trials if t.ingredient == "escitalopram"]
    return trial


@pytest.mark.parametrize(
    "name", ["new_order_75d_first_fill_41d", "prepared_on_order_day_handed_over_41d"]
)
def test_the_prescribing_visits_phq9_is_the_baseline_of_a_course_from_its_first_fill(
    name: str,
) -> None:
    result = _evaluate(first_fill_chart(name))
    trial = _escitalopram(result)
    assert trial.start == FIRST_FILL  # first_fill.py still dates the course by the hand-over
    assert trial.ordered_on == ORDER_DAY
    assert trial.baseline is not None
    assert (trial.baseline.value, trial.baseline.date) == (19, ORDER_DAY)
    assert trial.on_treatment is not None and trial.on_treatment.value == 18
    assert trial.response is False  # judged now: 19 -> 18; was None (no baseline)
    packet = render_packet(result.evaluation.record, Policy())
    assert "19 (17 Sep 2026) → 18 (30 Nov 2026)" in packet
    assert "– → 18" not in packet


def test_a_score_nearer_the_first_fill_still_wins() -> None:
    """Prepared (and scored) on 2026-10-07, handed over 2026-10-21: the latest score before the
    first dose is the baseline, as before; the order's day only opens the window earlier."""
    trial = _escitalopram(_evaluate(first_fill_chart("prepared_50d_handed_over_41d")))
    assert trial.baseline is not None and trial.baseline.date == date(2026, 10, 7)


def test_a_course_not_moved_to_a_later_fill_keeps_its_window() -> None:
    """The raise ordered 2026-09-17 belongs to a course begun on 2026-07-04: that course's own
    start decides its window (PHQ-9 21 of 2026-07-04), no order day is read."""
    trial = _escitalopram(_evaluate(first_fill_chart("raise_ordered_75d_first_20mg_fill_41d")))
    assert trial.ordered_on is None
    assert trial.baseline is not None and trial.baseline.date == date(2026, 7, 4)


def test_the_switch_decided_at_the_order_visit_is_measured_from_that_visit() -> None:
    """Sertraline begun 2026-09-01; escitalopram ordered 2026-09-17 at PHQ-9 19, first filled
    2026-10-21: the order day's 19 is its baseline, not the 22 from before sertraline."""
    trial = _escitalopram(_evaluate(switch_chart("switch_from_sertraline_scored_on_order_day")))
    assert trial.baseline is not None
    assert (trial.baseline.value, trial.baseline.date) == (19, ORDER_DAY)


def test_a_score_from_before_an_earlier_course_never_becomes_the_baseline() -> None:
    """No PHQ-9 on the order day: the widened window (from 2026-08-18) would reach the 22 of
    2026-08-25, taken before sertraline began on 2026-09-01. It opens at sertraline's start, so
    escitalopram has no baseline (as before), and sertraline keeps the 22 as its own."""
    result = _evaluate(switch_chart("switch_from_sertraline_no_score_on_order_day"))
    trial = _escitalopram(result)
    assert trial.ordered_on == ORDER_DAY
    assert trial.baseline is None
    (sertraline,) = [t for t in result.evaluation.record.trials if t.ingredient == "sertraline"]
    assert sertraline.baseline is not None and sertraline.baseline.value == 22


# --- the rule on events: the window's length is the policy's, a judgement follows ------------

DAY0 = date(2026, 1, 5)


def _day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def _event(kind: EventKind, day: int, ident: str, **kw: Any) -> MedicationEvent:
    return MedicationEvent(
        kind=kind,
        ingredient=kw.pop("ingredient", "escitalopram"),
        drug_class=kw.pop("drug_class", "SSRI"),
        role=Role.ANTIDEPRESSANT,
        start=_day(day),
        end=None,
        mg_per_day=kw.pop("mg", 20.0),
        days_supply=30.0,
        status="completed" if kind is EventKind.DISPENSE else "active",
        source=SourceRef(
            "MedicationDispense" if kind is EventKind.DISPENSE else "MedicationRequest", ident
        ),
        **kw,
    )


def _phq9(day: int, value: int) -> Score:
    return Score("PHQ-9", value, _day(day), item9=0)


def _course(
    scores: list[Score], policy: MappingPolicy, *others: MedicationEvent, as_of: int = 160
) -> Trial:
    """Escitalopram ordered on day 0 (5 refills), first filled on day 34, then every 30 days."""
    events = [
        _event(EventKind.ORDER, 0, "order", refills=5),
        *(_event(EventKind.DISPENSE, day, f"fill-{day}") for day in range(34, as_of, 30)),
        *others,
    ]
    trials = episodes.build_trials(events, as_of=_day(as_of), policy=policy)
    (trial,) = [t for t in attach_scores(trials, scores, policy) if t.ingredient == "escitalopram"]
    return trial


def test_a_failure_is_judged_from_the_order_days_score() -> None:
    """PHQ-9 19 on the order day, 18 in week 16 of the course: an adequate trial that failed.
    Without the order day's score it had no baseline and no failure was judged on it."""
    trial = _course([_phq9(0, 19), _phq9(145, 18)], MappingPolicy())
    assert trial.start == _day(34) and trial.ordered_on == _day(0)
    assert trial.verdict is Verdict.ADEQUATE
    assert trial.baseline == _phq9(0, 19)
    assert trial.response is False and trial.failed


def test_a_response_is_judged_from_the_order_days_score() -> None:
    trial = _course([_phq9(0, 20), _phq9(145, 8)], MappingPolicy())
    assert trial.baseline == _phq9(0, 20)
    assert trial.response is True and not trial.failed


def test_the_windows_length_stays_the_policys() -> None:
    """A score 31 days before the order is outside the 30-day window counted from the order's
    day; a clinic's 45-day window takes it in, from the order's day too."""
    scores = [_phq9(-31, 19), _phq9(145, 18)]
    assert _course(scores, MappingPolicy()).baseline is None
    wide = MappingPolicy(baseline_days_before=45)
    assert _course(scores, wide).baseline == _phq9(-31, 19)


def test_a_course_begun_while_the_order_waited_closes_the_window_before_it() -> None:
    """Venlafaxine begun on day 10, between the escitalopram order (day 0, PHQ-9 19) and its
    first fill (day 34): the 19 was taken before venlafaxine and is not escitalopram's."""
    venlafaxine = [
        _event(
            kind,
            10,
            f"venlafaxine-{kind.name}",
            ingredient="venlafaxine",
            mg=75.0,
            drug_class="SNRI",
        )
        for kind in (EventKind.ORDER, EventKind.DISPENSE)
    ]
    trial = _course([_phq9(0, 19), _phq9(145, 18)], MappingPolicy(), *venlafaxine)
    assert trial.baseline is None
