"""Review 10 recheck R7: a Condition onset written to the year only ("onsetDateTime": "2024", valid
FHIR) was read as 2024-01-01: the packet said "since 2024-01-01" and the Maudsley duration band
counted from a day the record does not state. The written precision is kept ("since 2024 (year
only)") and durations use its shortest reading (the year's last day), which does not inflate
chronicity. The chart is a US Core problem-list Condition (tests/fixtures/builders.py),
validated with fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.explain import explain
from fhir_mapping.record import FindingKind, PatientRecord
from services.packet import render_packet
from services.policy import Policy
from services.rules.context import build_context
from services.tms_assessment import finding_line
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "pt-onset-year-1"


def chart(onset: str | None) -> PatientRecord:
    mdd = fb.condition(
        "http://hl7.org/fhir/sid/icd-10-cm",
        "F33.2",
        "Major depressive disorder, recurrent severe without psychotic features",
        date(2024, 5, 20),
        category="problem-list-item",
        recorded=date(2024, 5, 20),
        patient=P,
        id="cond-mdd",
    )
    if onset is not None:
        mdd["onsetDateTime"] = onset
    resources: list[dict[str, Any]] = [
        fb.patient(id=P, given="Lee", family="Park", gender="male", birth_date=date(1980, 2, 1)),
        mdd,
        *fb.phq9(date(2025, 5, 19), 21, 0, patient=P),
    ]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def test_a_year_only_onset_keeps_its_precision_and_the_shortest_duration() -> None:
    record = chart("2024")
    (mdd,) = record.context.of(FindingKind.DEPRESSION)
    assert (mdd.onset_written, mdd.onset_latest) == ("2024", date(2024, 12, 31))
    assert record.episode_start == date(2024, 12, 31)
    duration = build_context(record, Policy()).stage.duration
    assert (duration.category, duration.points) == ("acute", 1)
    assert "since 2024 (year only)" in finding_line(mdd)
    assert "(2024 (year only), severe)" in explain(record)
    html = render_packet(record, Policy())
    assert "since 2024 (year only)" in html
    assert "2024-01-01" not in html and "1 Jan 2024" not in html


def test_a_month_only_onset_reads_to_the_months_last_day() -> None:
    (mdd,) = chart("2024-02").context.of(FindingKind.DEPRESSION)
    assert (mdd.onset_latest, mdd.onset_text) == (date(2024, 2, 29), "2024-02 (month only)")


def test_control_an_onset_with_its_day_is_read_as_written() -> None:
    record = chart(None)
    (mdd,) = record.context.of(FindingKind.DEPRESSION)
    assert (mdd.onset_written, mdd.onset_latest, mdd.onset_text) == (
        None,
        date(2024, 5, 20),
        "2024-05-20",
    )
    assert record.episode_start == date(2024, 5, 20)
    assert "since 2024-05-20" in finding_line(mdd)
