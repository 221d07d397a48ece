"""A start or duration the record does not state is not shown as measured history (review 6
finding 8). one_failed_trial (FHIR, as of 2025-06-02) plus a venlafaxine MedicationStatement as
C-CDA conversions write it: with only `effectivePeriod.end` (start unknown), or with a start and
no duration (counted 30 days: episodes.ASSUMED_DAYS_WITHOUT_DURATION). Status `completed` in both
(it was `unknown` in the second: since fix 20 a statement `unknown` is a drug to confirm, no
course: fhir_mapping/status_to_confirm.py).
The packet's dates and weeks cells and the adherence card line say so."""

from __future__ import annotations

import re
from datetime import date
from html import unescape

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.packet import render_packet
from services.patient_view import patient_view
from services.policy import Policy
from tests.fixtures import builders as b
from tests.fixtures import scenarios

POLICY = Policy()
VENLAFAXINE = ("39786", "venlafaxine")
DAY = date(2024, 9, 30)


def chart(*, end_only: bool) -> PatientRecord:
    s = scenarios.one_failed_trial()
    statement = b.medication_statement(
        *VENLAFAXINE,
        DAY,
        status="completed",
        frequency=None,
        patient=s.patient_id,
        id="ms-venlafaxine",
    )
    if end_only:
        statement["effectivePeriod"] = {"end": "2024-09-30"}
    else:
        statement.pop("effectivePeriod", None)
        statement["effectiveDateTime"] = "2024-09-30"
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


def adherence_detail(record: PatientRecord) -> str:
    cards = {r.topic: r for r in patient_view(record, POLICY)}
    return cards["adherence-review"].detail


def test_a_statement_with_only_an_end_shows_the_start_as_not_recorded() -> None:
    record = chart(end_only=True)
    row = packet_row(record, "venlafaxine")
    assert row["Dates"] == "start not recorded – 30 Sep 2024"
    assert "30 Sep 2024 – 30 Sep 2024" not in row["Dates"]
    assert row["Weeks at adequate dose"] == "not known (start not recorded)"
    detail = adherence_detail(record)
    assert "- **venlafaxine** (ended 2024-09-30): dose not recorded" in detail
    assert "weeks at an adequate dose not known: start not recorded (needs 6)" in detail
    assert "0 weeks at an adequate dose" not in detail


def test_a_statement_without_a_duration_says_the_30_days_are_counted_not_recorded() -> None:
    record = chart(end_only=False)
    row = packet_row(record, "venlafaxine")
    assert row["Dates"] == "30 Sep 2024 – duration not recorded (counted as 30 days)"
    assert row["Weeks at adequate dose"] == "0 (duration not recorded: 30 days counted)"
    detail = adherence_detail(record)
    assert (
        "- **venlafaxine** (2024-09-30): dose not recorded; duration not recorded (counted as "
        "30 days): confirm the dose taken" in detail
    )
    assert "4.3 weeks" not in detail


def test_a_course_with_stated_dates_is_unchanged() -> None:
    record = chart(end_only=True)
    row = packet_row(record, "sertraline")
    assert row["Dates"] == "24 Feb 2025 – ongoing"
    assert "not recorded" not in row["Weeks at adequate dose"]
