"""Review s23 RT findings 1 and 9: an order counts from the day the patient got the drug.

- Finding 1 (unsafe): an escitalopram order authored 2026-09-17 (75 days before as-of) whose
  first fill was handed over on 2026-10-21 (41 days before) read as 75 days on the drug: 10.7
  weeks at an adequate dose, "1 adequate trial failed (escitalopram): switch ... or augment". A
  raise 5 -> 20 mg ordered on 2026-09-17 and first picked up at 20 mg on 2026-10-21 alike. Now
  the order covers time from its first hand-over on or after authoredOn (rule 2b,
  fhir_mapping/first_fill.py): 5.9 weeks, still running, no failed-trial card. whenHandedOver,
  not whenPrepared, dates a fill (prepared 2026-09-17 or 2026-10-12, handed over 2026-10-21).
- Renewals are unchanged: a same-dose re-order written while earlier fills cover the days keeps
  the course whole (the earlier fills' spans cover them); a lowered dose counts from its own
  order day (fewer weeks at the higher dose: the safer reading).
- Finding 9 (minor): a fill handed over on the day the fill before it runs out, after an order's
  past boundsPeriod.end, made a false 10-day gap (2026-07-04 -> 2026-07-14); now one course.

Charts: tests/services/first_fill_charts/ (the review's probes, Epic-shaped, every prefetch key).
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
from fhir_mapping.record import Role, SourceRef, Trial, Verdict
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
FAILED = "1 adequate trial failed (escitalopram)"
load = chart_files.loader(Path(__file__).parent / "first_fill_charts")


def _evaluate(name: str) -> Any:
    doc = load(name)
    return evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())


def _only_trial(name: str) -> tuple[Trial, list[str]]:
    result = _evaluate(name)
    (trial,) = result.evaluation.record.trials
    return trial, [c.summary for c in result.response.cards]


@pytest.mark.parametrize(
    "name",
    [
        "new_order_75d_first_fill_41d",
        "prepared_on_order_day_handed_over_41d",
        "prepared_50d_handed_over_41d",
    ],
)
def test_a_new_order_counts_from_its_first_hand_over(name: str) -> None:
    trial, summaries = _only_trial(name)
    assert trial.start == date(2026, 10, 21)  # whenHandedOver of the first fill
    assert round(trial.weeks_at_adequate_dose, 1) == 5.9
    assert trial.verdict is not Verdict.ADEQUATE
    assert not any(s.startswith(FAILED) for s in summaries)


def test_a_raise_counts_from_the_first_fill_of_the_new_strength() -> None:
    trial, summaries = _only_trial("raise_ordered_75d_first_20mg_fill_41d")
    assert trial.start == date(2026, 7, 4)  # the 5 mg course is one course with the raise
    high = [s for s in trial.segments if s.mg_per_day == 20.0]
    assert [s.start for s in high] == [date(2026, 10, 21)]
    assert round(trial.weeks_at_adequate_dose, 1) == 5.9
    assert not any(s.startswith(FAILED) for s in summaries)


def test_control_a_raise_filled_the_day_it_was_ordered_still_counts_from_that_day() -> None:
    trial, summaries = _only_trial("control_raise_filled_same_day_43d")
    assert trial.verdict is Verdict.ADEQUATE
    assert any(s.startswith(FAILED) for s in summaries)


def test_a_fill_on_the_run_out_day_after_a_stated_end_continues_the_course() -> None:
    trial, _ = _only_trial("bounds_end_past_fill_on_run_out_day")
    assert [(s.start, s.end) for s in trial.segments] == [(date(2026, 5, 15), AS_OF)]


# --- renewals and dose changes, on events ---------------------------------------------------

DAY0 = date(2026, 1, 5)


def _event(kind: EventKind, day: int, mg: float, ident: str, **kw: Any) -> MedicationEvent:
    return MedicationEvent(
        kind=kind,
        ingredient="escitalopram",
        drug_class="SSRI",
        role=Role.ANTIDEPRESSANT,
        start=DAY0 + timedelta(days=day),
        end=None,
        mg_per_day=mg,
        days_supply=30.0,
        status=kw.pop("status", "completed" if kind is EventKind.DISPENSE else "active"),
        source=SourceRef(
            "MedicationDispense" if kind is EventKind.DISPENSE else "MedicationRequest", ident
        ),
        **kw,
    )


def _order(day: int, mg: float, ident: str, status: str = "active") -> MedicationEvent:
    return _event(EventKind.ORDER, day, mg, ident, status=status, refills=5)


def _fill(day: int, mg: float) -> MedicationEvent:
    return _event(EventKind.DISPENSE, day, mg, f"fill-{day}")


def _trials(*events: MedicationEvent) -> tuple[Trial, ...]:
    return episodes.build_trials(events, as_of=DAY0 + timedelta(days=150), policy=MappingPolicy())


def test_a_renewal_while_earlier_fills_cover_keeps_the_course_whole() -> None:
    """Same dose re-ordered on day 80 while day 60's fill runs to day 90, first filled day 88."""
    (trial,) = _trials(
        _order(0, 20, "first", status="completed"),
        _fill(0, 20),
        _fill(30, 20),
        _fill(60, 20),
        _order(80, 20, "renewal"),
        _fill(88, 20),
        _fill(118, 20),
    )
    assert trial.start == DAY0
    assert [(s.start, s.end) for s in trial.segments] == [(DAY0, DAY0 + timedelta(days=150))]


def test_a_raise_while_the_old_supply_lasts_counts_from_the_new_fill() -> None:
    """10 -> 20 mg ordered day 80 (the 10 mg supply lasts to day 90), 20 mg first filled day 85:
    20 mg from day 85, the fewer weeks at the new dose (first_fill.py)."""
    (trial,) = _trials(
        _order(0, 10, "first", status="completed"),
        _fill(0, 10),
        _fill(30, 10),
        _fill(60, 10),
        _order(80, 20, "raise"),
        _fill(85, 20),
        _fill(115, 20),
    )
    assert [s.start for s in trial.segments if s.mg_per_day == 20] == [DAY0 + timedelta(days=85)]


def test_a_lowered_dose_counts_from_the_day_it_was_ordered() -> None:
    """20 -> 10 mg ordered day 80, 10 mg first filled day 85: 10 mg from day 80, so the higher
    dose is not counted on for days the order had already lowered it."""
    (trial,) = _trials(
        _order(0, 20, "first", status="completed"),
        _fill(0, 20),
        _fill(30, 20),
        _fill(60, 20),
        _order(80, 10, "lower"),
        _fill(85, 10),
        _fill(115, 10),
    )
    assert [s.start for s in trial.segments if s.mg_per_day == 10] == [DAY0 + timedelta(days=80)]


def test_an_order_without_any_fill_keeps_its_own_day() -> None:
    """No fill feed: the order's one fill counts from authoredOn, as before."""
    (trial,) = _trials(_order(40, 20, "alone"))
    assert trial.start == DAY0 + timedelta(days=40)
