"""The rules' first-sight shortcuts (issue 14) read as the plain readings they replaced.

- the labs grouped by test, newest first (lab_safety.newest_first), give the lookups the
  max-by-date scans over every lab gave, same-day ties, unreadable results and `since` included;
- a kept answer (services/last_answer.kept) is the function's own for the same argument objects
  and is read afresh for any other (another record, even an equal one; a list of trials);
- the drug-table groups (drugs.lines) follow a substituted table.
"""

from __future__ import annotations

import dataclasses
import random
from datetime import date, timedelta

import pytest

from fhir_mapping import drug_table
from fhir_mapping.record import LabResult, PatientRecord, SourceRef
from services import drugs, egfr_reading, lab_safety, trial_count
from services.last_answer import kept
from services.policy import Policy
from tests.services import factories as f

TESTS = ("sodium", "qtc", "egfr", "tsh")
UNITS = ("mmol/L", "ms", "mL/min/{1.73_m2}", "mIU/L", "s", "furlongs", None)


def _labs(seed: int) -> tuple[LabResult, ...]:
    rng = random.Random(seed)
    start = date(2024, 1, 1)
    found = []
    for i in range(rng.randint(0, 30)):
        # Few days, so that one day holds several results of one test (the ties).
        on = start + timedelta(days=rng.randint(0, 6))
        lab = f.lab(rng.choice(TESTS), float(rng.randint(100, 500)), on, flag=None)
        found.append(
            dataclasses.replace(
                lab,
                unit=rng.choice(UNITS),
                flag=rng.choice((None, "low")),
                value=None if rng.random() < 0.1 else lab.value,
                source=SourceRef("Observation", f"lab-{i}"),
            )
        )
    return tuple(found)


def _plain_latest(record: PatientRecord, test: str, since: date | None) -> LabResult | None:
    found = [
        lab
        for lab in record.context.labs
        if lab.test == test and (since is None or lab.date >= since)
    ]
    return max(found, key=lambda lab: lab.date) if found else None


def _plain_deciding(record: PatientRecord, test: str) -> LabResult | None:
    found = [lab for lab in record.context.labs if lab.test == test]
    return max(found, key=lambda lab: (lab.date, lab_safety.readable(lab))) if found else None


def _plain_readable(record: PatientRecord, test: str, day: date | None) -> LabResult | None:
    found = [
        lab
        for lab in record.context.labs
        if lab.test == test and (day is None or lab.date < day) and lab_safety.readable(lab)
    ]
    return max(found, key=lambda lab: lab.date) if found else None


def _plain_unread_after(record: PatientRecord, lab: LabResult) -> LabResult | None:
    found = [
        other
        for other in record.context.labs
        if other.test == lab.test and other.date > lab.date and not lab_safety.readable(other)
    ]
    return max(found, key=lambda other: other.date) if found else None


def _plain_egfr(record: PatientRecord) -> LabResult | None:
    found = [
        lab
        for lab in record.context.labs
        if lab.test == "egfr" and lab_safety.value(lab) is not None
    ]
    return max(found, key=lambda lab: lab.date) if found else None


def _agreeing(labs: list[LabResult]) -> list[LabResult]:
    """The labs without a second result of a test on a day it already has: a day whose results
    disagree is read safer first (services/same_day_labs.py, lab59, tests/services/
    test_lab59.py), no scan these lookups replaced."""
    seen: set[tuple[str, date]] = set()
    kept = []
    for lab in labs:
        if (lab.test, lab.date) not in seen:
            seen.add((lab.test, lab.date))
            kept.append(lab)
    return kept


@pytest.mark.parametrize("seed", range(60))
def test_lab_lookups_by_test_read_as_the_scans_they_replaced(seed: int) -> None:
    record = f.record(labs=_agreeing(list(_labs(seed))))
    for test in TESTS:
        for since in (None, date(2024, 1, 4)):
            assert lab_safety.latest(record, test, since=since) is _plain_latest(
                record, test, since
            )
        assert lab_safety.deciding(record, test) is _plain_deciding(record, test)
        assert lab_safety.latest_readable(record, test) is _plain_readable(record, test, None)
        day = date(2024, 1, 4)
        assert lab_safety.readable_before(record, test, day) is _plain_readable(record, test, day)
    for lab in record.context.labs:
        assert lab_safety.unread_after(record, lab) is _plain_unread_after(record, lab)
    egfr = egfr_reading.latest(record, Policy())
    assert (egfr.lab if egfr is not None else None) is _plain_egfr(record)


def test_a_list_of_labs_is_read_afresh_each_time() -> None:
    """A hand-built record may hold a list: it is never kept, so a change to it is seen."""
    labs = [f.lab("sodium", 140, date(2024, 1, 1), unit="mmol/L")]
    record = dataclasses.replace(
        f.record(),
        context=dataclasses.replace(f.record().context, labs=labs),  # type: ignore[arg-type]
    )
    assert lab_safety.latest(record, "sodium") is labs[0]
    labs.append(f.lab("sodium", 128, date(2024, 2, 1), unit="mmol/L"))
    assert lab_safety.latest(record, "sodium") is labs[1]


def test_a_kept_answer_is_the_functions_own_for_the_same_objects_only() -> None:
    calls: list[object] = []

    @kept
    def read(record: PatientRecord, n: int) -> tuple[int, ...]:
        calls.append(record)
        return (len(record.trials), n)

    first = f.trd_record()
    equal = dataclasses.replace(first)
    assert first == equal and first is not equal
    assert read(first, 3) == (2, 3) and read(first, 3) == (2, 3)
    assert len(calls) == 1  # the same objects: answered again
    read(equal, 3)  # an equal record is another object: read afresh
    read(first, 4)
    read(first, n=4)  # keyword arguments are never kept
    assert len(calls) == 4


def test_failed_words_of_a_list_are_read_afresh() -> None:
    record = f.trd_record()
    trials = list(record.trials)
    before = trial_count.failed_words(trials, record)
    trials.pop()
    assert trial_count.failed_words(trials, record) != before
    assert trial_count.failed_words(tuple(trials), record) == trial_count.failed_words(
        trials, record
    )


def test_drug_lines_follow_a_substituted_table(monkeypatch: pytest.MonkeyPatch) -> None:
    small = drugs.lines()
    first = small.first_line_antidepressants[:1]
    monkeypatch.setattr(drug_table, "all_drugs", lambda: first)
    assert drugs.lines().first_line_antidepressants == first
    assert drugs.lines().first_line_augmenters == ()
