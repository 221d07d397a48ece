"""A course dated only to the year or month (review 10 finding 5) on the cards and in the packet:
its dates are shown as written ("2024–2025 (year only)"), never as days the record does not
state; short of an adequate trial on its shortest reading, its weeks are "not known" and it is
"to confirm", never counted as a failed trial; adequate even on that reading, its weeks are "at
least" that many.

Charts: one_failed_trial (sertraline failed, depression diagnosed 2025-02-24, as of 2025-06-02)
plus a venlafaxine MedicationStatement with partial dates, as a C-CDA conversion writes a
history entry known to the year or month."""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord, Trial
from services import trial_dates
from services.packet import render_packet
from services.pathway import derive_facts
from services.patient_view import patient_view
from services.payer_criteria.trials import trial_line
from services.policy import Policy
from services.trial_table import reason_text
from tests.fixtures import builders as b
from tests.fixtures import scenarios

POLICY = Policy()
VENLAFAXINE = ("39786", "venlafaxine")


def chart(start: str, end: str) -> PatientRecord:
    s = scenarios.one_failed_trial()
    statement: dict[str, Any] = b.medication_statement(
        *VENLAFAXINE,
        date(2024, 1, 1),
        status="completed",
        dose_value=150,
        dose_unit="mg",
        patient=s.patient_id,
        id="ms-venlafaxine-partial",
    )
    statement["effectivePeriod"] = {"start": start, "end": end}
    statement.pop("dateAsserted", None)
    get_fhir_model_class("MedicationStatement").model_validate(statement)  # valid R4
    return build_record(
        [*s.resources, statement], as_of=s.as_of, patient_id=s.patient_id, policy=POLICY.mapping
    )


def packet_row(record: PatientRecord, ingredient: str) -> dict[str, str]:
    html = render_packet(record, POLICY)
    for row in re.findall(r"<tr>(.*?)</tr>", html, re.S):
        cells = dict(re.findall(r'<td data-label="([^"]+)"[^>]*>(.*?)</td>', row, re.S))
        if cells and unescape(cells.get("Drug (class)", "")).startswith(ingredient):
            return {k: unescape(re.sub(r"<[^>]+>", "", v)) for k, v in cells.items()}
    raise AssertionError(f"no packet row for {ingredient}")


def venlafaxine(record: PatientRecord) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    return trial


def test_year_only_course_is_to_confirm_not_a_failed_trial() -> None:
    record = chart("2024", "2025")
    facts = derive_facts(record, POLICY)
    # Read as 1 Jan 2024 to 1 Jan 2025 it was "52.1 weeks, adequate, failed (inferred)": a second
    # class failed on a guess. Now it is in the episode, not adequate, not counted.
    assert venlafaxine(record) in facts.episode_trials
    assert [t.ingredient for t in facts.failed_trials] == ["sertraline"]
    assert venlafaxine(record) in facts.inadequate_trials

    cards = {r.topic: r for r in patient_view(record, POLICY)}
    adherence = cards["adherence-review"]
    assert "venlafaxine dates year only" in adherence.summary
    assert (
        "- **venlafaxine** (2024–2025 (year only)): weeks at an adequate dose not known: dates "
        "to the year only (needs 6); to confirm" in adherence.detail
    )
    assert "52.1" not in adherence.detail
    assert "2024-12-31" not in adherence.detail

    row = packet_row(record, "venlafaxine")
    assert row["Dates"] == "2024–2025 (year only)"
    assert row["Weeks at adequate dose"] == "not known (dates to the year only)"


def test_month_only_course_adequate_on_its_shortest_reading_says_at_least() -> None:
    # November 2024 to February 2025: at least 30 Nov to 1 Feb (9 weeks at 150 mg): adequate.
    record = chart("2024-11", "2025-02")
    trial = venlafaxine(record)
    facts = derive_facts(record, POLICY)
    assert [t.ingredient for t in facts.failed_trials] == ["venlafaxine", "sertraline"]
    line = trial_line(trial)
    assert line.startswith("venlafaxine (SNRI) 150 mg/day, 2024-11–2025-02 (month only): ")
    assert "after at least 9 weeks at an adequate dose" in line
    assert "2024-11-30" not in line
    row = packet_row(record, "venlafaxine")
    assert row["Dates"] == "2024-11–2025-02 (month only)"
    assert row["Weeks at adequate dose"] == "at least 9"


def test_a_course_short_on_every_reading_of_its_month_says_at_most() -> None:
    # "2025-01" to "2025-01": at most the 31 days of January, whichever days they were.
    trial = venlafaxine(chart("2025-01", "2025-01"))
    (reason,) = trial.reasons
    assert reason_text(trial, reason, POLICY.mapping) == (
        "at most 4.4 weeks at an adequate dose: dates to the month only (needs 6)"
    )
    assert trial_dates.written_text(trial) == "2025-01–2025-01 (month only)"
