"""Dosage lines written without `sequence` (review 12 recheck q20, q21; L2): read by their own
timing (fhir_mapping/dose_steps.unsequenced_shape).

- lines each with a boundsDuration or boundsPeriod, following one another: consecutive steps, as
  numbered lines are (Epic's taper: "Take 2 capsules (150 mg total) by mouth daily for 7 days,
  then ..." as one line per step, no sequence); before, only the last line was kept and the course
  ended two weeks early;
- lines at different times of day (timing.repeat.when MORN / HS, or timeOfDay) with no bounds:
  one day's doses, added up (unchanged);
- lines on the same schedule with no bounds (G2, recheck 13 n21): one day's doses, added up;
- anything else: the dose is to confirm (which lines), and no adequate trial rests on it.

And an as-needed order (asNeededBoolean) with a fill on the same day whose label reads as a
scheduled one: the order's days stay as needed (fhir_mapping/dose_timeline.py), unless a
scheduled order covers them. Each resource is validated with fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.episodes import build_trials
from fhir_mapping.medication_dates import start_and_end
from fhir_mapping.medication_types import ORDER
from fhir_mapping.medications import medication_events
from fhir_mapping.record import Trial
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-multi-line"
Resource = dict[str, Any]
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")
START = date(2025, 3, 3)


def _days(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "days", "system": "http://unitsofmeasure.org", "code": "d"}


def _line(text: str, value: float, unit: str, period: int = 1, **repeat: Any) -> Resource:
    line = fb.dosage(value, unit, 1, period, "d", text=text, sequence=None)
    line["timing"]["repeat"].update(repeat)
    return line


def _validated(resource: Resource) -> Resource:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def _order(product: tuple[str, str], lines: list[Resource], **kw: Any) -> Resource:
    order = fb.medication_request(*product, kw.pop("start", START), patient=P, **kw)
    order["dosageInstruction"] = lines
    return _validated(order)


def epic_unsequenced_taper() -> Resource:
    """q20's shape: 150 mg x 7 d, 75 mg x 7 d, 75 mg every other day x 7 d, no sequence."""
    return _order(
        VENLAFAXINE_75,
        [
            _line(
                "Take 2 capsules (150 mg total) by mouth daily for 7 days, then ...",
                2,
                "capsule",
                boundsDuration=_days(7),
            ),
            _line(
                "then 1 capsule (75 mg total) daily for 7 days",
                1,
                "capsule",
                boundsDuration=_days(7),
            ),
            _line(
                "then 1 capsule every other day for 7 days, then stop",
                1,
                "capsule",
                2,
                boundsDuration=_days(7),
            ),
        ],
        status="completed",
        id="mr-unsequenced-taper",
    )


def _trial(*resources: Resource) -> Trial:
    events, gaps = medication_events(list(resources), as_of=AS_OF)
    assert not gaps
    (trial,) = build_trials(events, as_of=AS_OF)
    return trial


def _steps(trial: Trial) -> list[tuple[date, date, float | None]]:
    return [(s.start, s.end, s.mg_per_day) for s in trial.segments]


def test_unsequenced_epic_taper_lines_are_consecutive_steps() -> None:
    # Before: one segment 2025-03-03 -> 2025-03-10 at 37.5 mg/day ("taper to a stop: 37.5
    # mg/day for 7 days"), the first two weeks dropped without a word.
    order = epic_unsequenced_taper()
    assert start_and_end(order, ORDER, order["dosageInstruction"]) == (START, date(2025, 3, 23))
    trial = _trial(order)
    assert _steps(trial) == [
        (date(2025, 3, 3), date(2025, 3, 10), 150.0),
        (date(2025, 3, 10), date(2025, 3, 17), 75.0),
        (date(2025, 3, 17), date(2025, 3, 23), 37.5),
    ]
    assert any(
        ": taper to a stop: 150 mg/day for 7 days, then 75 mg/day for 7 days, then 37.5 mg/day" in n
        for n in trial.notes
    )


def test_unsequenced_lines_with_consecutive_bounds_periods_are_steps() -> None:
    # Oracle Health's shape (mg, a boundsPeriod per line), no sequence, lines written out of
    # order: read by their start dates.
    periods = [("2025-03-10", "2025-03-17", 75), ("2025-03-03", "2025-03-10", 150)]
    lines = [
        _line(
            f"{mg} mg daily",
            mg,
            "mg",
            boundsPeriod={"start": f"{a}T00:00:00Z", "end": f"{b}T00:00:00Z"},
        )
        for a, b, mg in periods
    ]
    for line in lines:
        line["doseAndRate"][0]["doseQuantity"].update(
            {"system": "http://unitsofmeasure.org", "code": "mg"}
        )
    trial = _trial(_order(VENLAFAXINE_75, lines, status="completed", id="mr-oracle-periods"))
    assert _steps(trial) == [
        (date(2025, 3, 3), date(2025, 3, 10), 150.0),
        (date(2025, 3, 10), date(2025, 3, 17), 75.0),
    ]


def test_am_and_hs_lines_without_sequence_are_one_days_dose() -> None:
    # q21 (unchanged): 50 mg every morning + 100 mg at bedtime = 150 mg/day.
    for key, am, hs in (("when", ["MORN"], ["HS"]), ("timeOfDay", ["08:00:00"], ["21:00:00"])):
        lines = [
            _line("Take 1 tablet (50 mg) every morning", 1, "tablet", **{key: am}),
            _line("Take 2 tablets (100 mg) at bedtime", 2, "tablet", **{key: hs}),
        ]
        trial = _trial(_order(SERTRALINE_50, lines, start=date(2025, 1, 6), id=f"mr-{key}"))
        assert [s.mg_per_day for s in trial.segments] == [150.0]


def test_two_lines_on_different_schedules_are_a_dose_to_confirm() -> None:
    # Two lines, no sequence, no bounds, no times of day, taken daily and twice daily: a split
    # dose or a change of dose? Before L2 they were added up (150 mg/day, 21 weeks at an adequate
    # dose). G2 (recheck 13 n21): two lines on the same schedule ("2 tablets daily" + "1 tablet
    # daily") are one day's dose again (tests/services/test_recheck13_lines_holds.py); this test
    # pinned that shape before and now pins different frequencies.
    lines = [
        _line("Take 1 tablet (50 mg) by mouth daily", 1, "tablet"),
        _line("Take 1 tablet (50 mg) by mouth twice daily", 1, "tablet", frequency=2),
    ]
    order = _order(SERTRALINE_50, lines, start=date(2025, 1, 6), id="mr-unclear")
    events, _ = medication_events([order], as_of=AS_OF)
    # No dose proven; the lines' total is the most the patient may take.
    assert [(e.mg_per_day, e.mg_per_day_high) for e in events] == [(None, 150.0)]
    trial = _trial(order)
    assert [s.mg_per_day for s in trial.segments] == [None]
    assert trial.weeks_at_adequate_dose == 0
    assert any(
        "MedicationRequest/mr-unclear: dose to confirm: dosage lines 1 and 2 of 2 carry no "
        "sequence" in n
        for n in trial.notes
    )


def test_same_length_lines_at_different_times_are_a_dose_to_confirm() -> None:
    # "50 mg every morning for 7 days" + "100 mg at bedtime for 7 days": a week of 150 mg/day,
    # or 50 then 100? Neither is read.
    lines = [
        _line("Take 1 tablet every morning", 1, "tablet", when=["MORN"], boundsDuration=_days(7)),
        _line("Take 2 tablets at bedtime", 2, "tablet", when=["HS"], boundsDuration=_days(7)),
    ]
    trial = _trial(_order(SERTRALINE_50, lines, id="mr-unclear-times"))
    assert [s.mg_per_day for s in trial.segments] == [None]


def test_sequenced_steps_are_read_as_before() -> None:
    # The numbered shape (review 12 finding 10) is not changed by the unsequenced reading.
    order = epic_unsequenced_taper()
    for number, line in enumerate(order["dosageInstruction"], start=1):
        line["sequence"] = number
    assert [s.mg_per_day for s in _trial(_validated(order)).segments] == [150.0, 75.0, 37.5]


# --- an as-needed order beside a scheduled fill ---------------------------------------------------


def _prn_order(start: date) -> Resource:
    return _validated(
        fb.medication_request(
            *SERTRALINE_50,
            start,
            2,
            "tablet",
            as_needed=True,
            text="Take 2 tablets (100 mg) by mouth daily as needed for anxiety",
            patient=P,
            id="mr-prn",
        )
    )


def _fills(start: date, count: int) -> list[Resource]:
    # The pharmacy label without "as needed": dosageInstruction 2 tablets daily,
    # asNeededBoolean false (the builder's Synthea default).
    return [
        _validated(
            fb.medication_dispense(
                *SERTRALINE_50,
                start + timedelta(days=30 * i),
                30,
                60,
                patient=P,
                prescription="mr-prn",
                dose_value=2,
                id=f"md-prn-{i}",
            )
        )
        for i in range(count)
    ]


def test_as_needed_order_with_same_day_scheduled_fills_is_no_daily_dose() -> None:
    # Before: the fill on the order's day made the day scheduled, and the fills after it kept it
    # so: 100 mg/day for 21 weeks, an adequate trial.
    start = date(2025, 1, 6)
    trial = _trial(_prn_order(start), *_fills(start, 5))
    assert all(s.as_needed for s in trial.segments)
    assert trial.weeks_at_adequate_dose == 0


def test_a_scheduled_order_makes_the_days_daily_again() -> None:
    start = date(2025, 1, 6)
    later = date(2025, 2, 3)
    scheduled = _validated(
        fb.medication_request(*SERTRALINE_50, later, 2, "tablet", patient=P, id="mr-daily")
    )
    trial = _trial(_prn_order(start), scheduled, *_fills(start, 5))
    # Daily from the scheduled order's first fill (2025-02-05), not the day it was written: an
    # order's dose counts from the day the patient got its supply (review s23 RT finding 1).
    first_fill = start + timedelta(days=30)
    assert [(s.start, s.as_needed) for s in trial.segments] == [(start, True), (first_fill, False)]
    assert trial.weeks_at_adequate_dose > 0
