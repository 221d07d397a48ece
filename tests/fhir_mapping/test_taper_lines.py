"""Review 12 finding 10: a taper written as dosage lines in sequence (one line per step, each
with its own boundsDuration or boundsPeriod) is read as consecutive dose steps, not as its last
line.

Two shapes: Epic's (counts of capsules, `timing.repeat.boundsDuration` per line, as review 12's
d6 chart writes it) and Oracle Health's (doses in mg with UCUM "mg", a `boundsPeriod` per line, as
FHIR R4's tapering example medrx0303 writes it). Each resource is validated with fhir.resources
R4B. Controls: lines with one sequence number still add up; a titration up (last step with no
end) keeps running and is no taper to a stop.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.episodes import build_trials
from fhir_mapping.medication_dates import start_and_end
from fhir_mapping.medication_types import ORDER
from fhir_mapping.medications import medication_events
from fhir_mapping.record import Trial
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-taper-lines"
Resource = dict[str, Any]
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
START = date(2025, 3, 3)


def _days(value: int) -> dict[str, Any]:
    return {"value": value, "unit": "days", "system": "http://unitsofmeasure.org", "code": "d"}


def _line(
    sequence: int, text: str, value: float, unit: str, period: int, **bounds: Any
) -> Resource:
    line = fb.dosage(value, unit, 1, period, "d", text=text, sequence=sequence)
    line["timing"]["repeat"].update(bounds)
    return line


def _validated(resource: Resource) -> Resource:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


def epic_taper() -> Resource:
    """d6's taper order: 150 mg x 7 d, 75 mg x 7 d, 75 mg every other day x 7 d, then stop."""
    order = fb.medication_request(
        *VENLAFAXINE_75, START, status="completed", patient=P, id="mr-epic-taper"
    )
    order["dosageInstruction"] = [
        _line(
            1, "Take 2 capsules (150 mg) daily for 7 days", 2, "capsule", 1, boundsDuration=_days(7)
        ),
        _line(
            2, "then 1 capsule (75 mg) daily for 7 days", 1, "capsule", 1, boundsDuration=_days(7)
        ),
        _line(
            3,
            "then 1 capsule every other day for 7 days, then stop",
            1,
            "capsule",
            2,
            boundsDuration=_days(7),
        ),
    ]
    return _validated(order)


def oracle_taper() -> Resource:
    """The same taper in mg, each step with its own boundsPeriod, and no "stop" in any sig."""
    order = fb.medication_request(
        *VENLAFAXINE_75, START, status="active", patient=P, id="mr-oracle-taper"
    )
    periods = [
        ("2025-03-03", "2025-03-10"),
        ("2025-03-10", "2025-03-17"),
        ("2025-03-17", "2025-03-24"),
    ]
    doses = [(150, 1), (75, 1), (75, 2)]
    order["dosageInstruction"] = [
        _line(
            n,
            f"{mg} mg every {period} day(s)",
            mg,
            "mg",
            period,
            boundsPeriod={"start": f"{a}T00:00:00Z", "end": f"{b}T00:00:00Z"},
        )
        for n, ((a, b), (mg, period)) in enumerate(zip(periods, doses, strict=True), start=1)
    ]
    for line in order["dosageInstruction"]:
        line["doseAndRate"][0]["doseQuantity"].update(
            {"system": "http://unitsofmeasure.org", "code": "mg"}
        )
    return _validated(order)


def _trial(order: Resource) -> Trial:
    events, gaps = medication_events([order], as_of=AS_OF)
    assert not gaps
    (trial,) = build_trials(events, as_of=AS_OF)
    return trial


def _steps(trial: Trial) -> list[tuple[date, date, float | None]]:
    return [(s.start, s.end, s.mg_per_day) for s in trial.segments]


EXPECTED = [
    (date(2025, 3, 3), date(2025, 3, 10), 150.0),
    (date(2025, 3, 10), date(2025, 3, 17), 75.0),
    (date(2025, 3, 17), date(2025, 3, 23), 37.5),
]
# Oracle's periods share their boundary days and end on the date written (03-24): read as
# written, the later end (a 7-day step counted from its first day ends 03-23: K65a finding 4).
EXPECTED_ORACLE = [*EXPECTED[:2], (date(2025, 3, 17), date(2025, 3, 24), 37.5)]


def test_epic_lines_are_consecutive_steps() -> None:
    # Before: one segment 2025-03-03 -> 2025-03-10 at 37.5 mg/day (the last line alone).
    order = epic_taper()
    assert start_and_end(order, ORDER, order["dosageInstruction"]) == (START, date(2025, 3, 23))
    trial = _trial(order)
    assert _steps(trial) == EXPECTED
    assert trial.end == date(2025, 3, 23) and not trial.ongoing
    assert any(": taper to a stop: 150 mg/day for 7 days, then 75 mg/day" in n for n in trial.notes)


def test_oracle_lines_with_bounds_periods_are_consecutive_steps() -> None:
    order = oracle_taper()
    assert start_and_end(order, ORDER, order["dosageInstruction"]) == (START, date(2025, 3, 24))
    trial = _trial(order)
    assert _steps(trial) == EXPECTED_ORACLE
    # Every step bounded and the dose going down: a taper to a stop, though no sig says "stop".
    events, _ = medication_events([order], as_of=AS_OF)
    assert events[0].taper is not None and events[0].taper.stops


def test_lines_of_one_sequence_still_add_up() -> None:
    order = fb.medication_request(*VENLAFAXINE_75, START, patient=P, id="mr-same-seq")
    order["dosageInstruction"] = [
        fb.dosage(1, "capsule", 1, text="1 capsule in the morning", sequence=1),
        fb.dosage(1, "capsule", 1, text="1 capsule at bedtime", sequence=1),
    ]
    trial = _trial(_validated(order))
    assert trial.segments[0].mg_per_day == 150.0 and trial.ongoing


def test_titration_up_runs_on_at_its_last_step() -> None:
    # Before: the course ended after the first step's 7 days (the latest boundsDuration end).
    order = fb.medication_request(*VENLAFAXINE_75, START, patient=P, id="mr-titration")
    order["dosageInstruction"] = [
        _line(1, "1 capsule daily for 7 days", 1, "capsule", 1, boundsDuration=_days(7)),
        fb.dosage(2, "capsule", 1, text="then 2 capsules daily", sequence=2),
    ]
    order = _validated(order)
    assert start_and_end(order, ORDER, order["dosageInstruction"]) == (START, None)
    events, _ = medication_events([order], as_of=AS_OF)
    assert events[0].taper is not None and not events[0].taper.stops  # steps, not a stop
    assert not any("taper to a stop" in n for n in events[0].notes)
    trial = _trial(order)
    assert trial.ongoing
    assert _steps(trial)[:2] == [
        (START, date(2025, 3, 10), 75.0),
        (date(2025, 3, 10), AS_OF, 150.0),
    ]
