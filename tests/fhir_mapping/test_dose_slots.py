"""Sig times of day counted by slot (session 22 RU review finding 1): words for one time of day
are one dose ("nightly at bedtime"), two times of day are two ("in the morning and at
bedtime"), and evening and bedtime stay two (dose_tables.time_slots says why), except that one
amount "every evening at bedtime" is 1-2 a day (session 22 RUC). Timing codes
outside the GTS table ("HS", "QHS") are read as the sig term they are."""

from __future__ import annotations

import pytest

from fhir_mapping.dose import frequency_per_day, sig_frequency, sig_frequency_bounds
from fhir_mapping.dose_sig import sig_doses, sig_times_of_day
from fhir_mapping.dose_steps import governing_lines
from fhir_mapping.dose_tables import _table, frequency_table, slot_overlaps, time_slots
from fhir_mapping.dose_timing import timing_high

GTS = "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation"


@pytest.mark.parametrize(
    ("sig", "per_day"),
    [
        ("Take 1 tablet (15 mg) by mouth nightly at bedtime", 1),
        ("Take 1 tablet by mouth every night at bedtime", 1),
        ("1 tab po qhs at bedtime", 1),
        ("take 1 tablet at night at bedtime", 1),
        ("Take 1 tablet in the morning and at bedtime", 2),
        ("Take 1 tablet every morning and every night", 2),
        ("Take 1 tablet every evening and at bedtime", 2),
        ("Take 1 tablet qam and qpm", 2),
    ],
)
def test_distinct_slots_are_counted(sig: str, per_day: float) -> None:
    assert sig_frequency(sig) == per_day


@pytest.mark.parametrize(
    ("sig", "bounds"),
    [
        # One amount, evening and bedtime words with nothing joining them: one time or two.
        ("Take 1 tablet (15 mg) by mouth every evening at bedtime", (1, 2)),
        ("Take 1 tablet every evening at bedtime", (1, 2)),
        ("1 tab po qpm qhs", (1, 2)),
        ("Take 1 tablet every evening, at bedtime", (1, 2)),
        ("Take 1 tablet every morning and every evening at bedtime", (2, 3)),
        # Joined, or two amounts: two times.
        ("Take 1 tablet every evening and at bedtime", (2, 2)),
        ("Take 1 tablet every evening & at bedtime", (2, 2)),
        ("Take 1 tablet every evening and 1 tablet at bedtime", (2, 2)),
        # As needed: at most once a day, as before.
        ("Take 1 tablet every evening at bedtime as needed for sleep", (1, 1)),
    ],
)
def test_evening_at_bedtime_is_a_range(sig: str, bounds: tuple[float, float]) -> None:
    assert sig_frequency_bounds(sig) == bounds


def test_two_amounts_evening_and_bedtime_are_one_each() -> None:
    doses = sig_doses("Take 1 tablet (15 mg) every evening and 1 tablet (15 mg) at bedtime")
    assert [d.per_day for d in doses] == [(1, 1), (1, 1)]


def test_a_timing_text_range_gives_its_high_end() -> None:
    timing = {"code": {"text": "Every evening at bedtime"}}
    assert frequency_per_day(timing) == 1
    assert timing_high(timing, 1) == 2
    structured = {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d", "when": ["EVE", "HS"]}}
    assert (frequency_per_day(structured), timing_high(structured, 2)) == (2, 2)


def test_every_overlap_names_two_known_slots() -> None:
    for pair in slot_overlaps():
        assert len(pair) == 2
        assert pair <= set(time_slots().values())


def test_times_of_day_are_event_timing_codes() -> None:
    assert sig_times_of_day("nightly at bedtime") == frozenset({"HS"})
    assert sig_times_of_day("every morning") == frozenset({"MORN"})
    assert sig_times_of_day("every evening") == frozenset({"EVE"})


def test_every_event_row_names_its_slot() -> None:
    _, terms = frequency_table()
    events = {term for term, (kind, _) in terms.items() if kind == "event"}
    assert events == set(time_slots())
    assert set(time_slots().values()) <= {"MORN", "NOON", "EVE", "HS"}
    for row in _table("sig_frequencies.csv"):
        assert bool(row["slot"].strip()) == (row["kind"] == "event"), row


@pytest.mark.parametrize(
    ("coding", "text"),
    [
        ({"system": GTS, "code": "HS"}, "nightly at bedtime"),
        ({"system": GTS, "code": "HS"}, None),
        ({"system": "urn:oid:1.2.840.114350.1", "code": "QHS"}, None),
        ({"system": "urn:oid:1.2.840.114350.1", "code": "qhs"}, "nightly"),
    ],
)
def test_a_bedtime_code_is_once_a_day(coding: dict[str, str], text: str | None) -> None:
    code: dict[str, object] = {"coding": [coding]}
    if text is not None:
        code["text"] = text
    assert frequency_per_day({"code": code}) == 1


def _line(number: int, when: str, **repeat: object) -> dict[str, object]:
    return {
        "sequence": number,
        "timing": {
            "repeat": {"frequency": 1, "period": 1, "periodUnit": "d", "when": [when], **repeat}
        },
        "doseAndRate": [{"doseQuantity": {"value": 50, "unit": "mg", "code": "mg"}}],
    }


def test_numbered_lines_at_their_own_times_with_no_end_are_one_day() -> None:
    lines = [_line(1, "MORN"), _line(2, "EVE")]
    assert governing_lines(lines) == lines


def test_numbered_lines_are_steps_when_one_ends_or_they_share_a_time() -> None:
    ends = [_line(1, "MORN", count=14), _line(2, "EVE")]
    assert governing_lines(ends) == [ends[1]]
    same_time = [_line(1, "MORN"), _line(2, "MORN")]
    assert governing_lines(same_time) == [same_time[1]]
    apart_starts = [
        _line(1, "MORN", boundsPeriod={"start": "2026-06-01"}),
        _line(2, "EVE", boundsPeriod={"start": "2026-06-15"}),
    ]
    assert governing_lines(apart_starts) == [apart_starts[1]]
