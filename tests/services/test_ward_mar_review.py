"""Review s25 RK1 findings 1, 2, 5, 6: the ward MAR read within the course
(fhir_mapping/ward_doses.py, administration_reasons.py, ward_courses.py, ward_adherence.py).

1. A 2-day stay with one dose not done "NPO for procedure" (12 fills, PDC 99 %) read the course
   POOR: "1 trial not adequate (escitalopram PDC 99 %)" and one failed trial less. A clinical
   reason now reads held; ward days are weighed with the fill days (RK4 finding 2)
   (one refusal does not outweigh a year of fills); the ward stands alone only as most of it.
2. 30 mg given daily on a 60 mg duloxetine order counted as an adequate trial ("3 adequate
   trials failed (sertraline, escitalopram, duloxetine)"): the order's dose is now the ward's.
5. A PRN trazodone order's MAR read "given on 6 of 28 days (21 %)", POOR: no ward PDC for it.
6. UTC times: not wrong. With the site's zone (`[server] timezone` -> MappingPolicy.site_zone)
   the MAR day is the site's day, as for every other record (fhir_fields.parse_date).

Charts: tests/services/ward_mar_review_charts/ (the RK1 review's, valid R4B, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from cds_hooks.offline import document_resources, evaluate_document
from fhir_mapping.adherence_record import DoseReading
from fhir_mapping.administration_reasons import reason_reading
from fhir_mapping.build import build_record
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import AdherenceStatus, Verdict
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
load = chart_files.loader(Path(__file__).parent / "ward_mar_review_charts")


def _text(doc: dict[str, Any]) -> str:
    response = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards = response.response.to_json().get("cards", [])
    return "\n".join(f"{c.get('summary')}\n{c.get('detail') or ''}" for c in cards)


def _trial(doc: dict[str, Any], ingredient: str, policy: MappingPolicy | None = None) -> Any:
    record = build_record(
        document_resources(doc), as_of=AS_OF, patient_id=doc["context"]["patientId"], policy=policy
    )
    return next(t for t in record.trials if t.ingredient == ingredient)


def _administrations(doc: dict[str, Any]) -> list[dict[str, Any]]:
    bundle = doc["prefetch"]["medicationAdministrations"]
    return [e["resource"] for e in bundle.get("entry", [])]


def test_a_dose_withheld_npo_is_held_and_the_failed_trial_counts() -> None:
    doc = load("two_day_stay_npo_for_procedure")
    trial = _trial(doc, "escitalopram")
    assert trial.adherence.status is not AdherenceStatus.POOR
    assert trial.verdict is Verdict.ADEQUATE
    assert "held on 1 (NPO for procedure), not counted" in (trial.adherence.ward or "")
    text = _text(doc)
    assert "1 trial not adequate" not in text
    assert "adherence contradicted by the ward MAR" not in text
    assert "2 adequate trials failed (sertraline, escitalopram)" in text


def test_one_refusal_on_a_two_day_stay_is_weighed_with_a_year_of_fills() -> None:
    doc = load("two_day_stay_npo_for_procedure")
    for resource in _administrations(doc):
        if resource["status"] == "not-done":
            resource["statusReason"] = [{"text": "Patient refused"}]
    trial = _trial(doc, "escitalopram")
    assert trial.adherence.ward_pdc == 0.5
    assert trial.adherence.status is not AdherenceStatus.POOR
    assert "not given on 1 (Patient refused)" in (trial.adherence.ward or "")
    assert "course PDC with the ward days 98 %" in (trial.adherence.ward or "")
    assert "2 adequate trials failed (sertraline, escitalopram)" in _text(doc)


def test_four_npo_days_of_a_ten_day_stay_do_not_make_the_course_poor() -> None:
    doc = load("ten_day_stay_four_npo_days")
    trial = _trial(doc, "escitalopram")
    assert trial.adherence.status is not AdherenceStatus.POOR
    assert "given on 6 of 6 days (100 %); held on 4 (NPO)" in (trial.adherence.ward or "")
    assert "2 adequate trials failed (sertraline, escitalopram)" in _text(doc)


def test_a_ward_stretch_within_a_year_of_fills_is_weighed_with_them() -> None:
    # 16 ward days counted, 8 refused, inside a year of on-time fills: with a run shorter than
    # the clinic's `ward_alone_days`, weighed with the fill days (review s25 RK4 finding 2: the
    # ward stands alone only where it is most of the course), the course PDC with the 8
    # refusals taken off.
    doc = load("stay_refused_8_of_16_days")
    trial = _trial(doc, "escitalopram", MappingPolicy(ward_alone_days=17))
    assert trial.adherence.status is not AdherenceStatus.POOR
    assert "course PDC with the ward days 96 %" in (trial.adherence.ward or "")


def test_a_fortnight_on_the_ward_half_refused_stands_alone() -> None:
    # Review s25 RK5 finding 1: at the default `ward_alone_days` (14) the 16 counted days,
    # half refused, stand alone (the safer reading before an escalation: a fortnight of directly
    # observed refusals is not outweighed by the fills): not counted as a failed trial.
    doc = load("stay_refused_8_of_16_days")
    trial = _trial(doc, "escitalopram")
    assert trial.adherence.status is AdherenceStatus.POOR
    assert "course PDC with the ward days 96 %" in (trial.adherence.ward or "")
    assert "1 trial not adequate (escitalopram ward MAR 50 % given)" in _text(doc)


def test_ward_days_that_are_most_of_the_course_stand_alone() -> None:
    # The same chart with the clinic's share set so low that 16 ward days are "most" of it: the
    # ward PDC (50 %) then decides, POOR whatever the fills say.
    doc = load("stay_refused_8_of_16_days")
    trial = _trial(doc, "escitalopram", MappingPolicy(ward_alone_share=0.01))
    assert trial.adherence.status is AdherenceStatus.POOR


@pytest.mark.parametrize(
    ("reasons", "reading"),
    [
        ([{"text": "NPO for procedure"}], DoseReading.HELD),
        ([{"text": "Held per parameters (HR < 50)"}], DoseReading.HELD),
        ([{"text": "Held - patient refused"}], DoseReading.MISSED),
        ([{"text": "Patient refused"}], DoseReading.MISSED),
        ([{"text": "Patient asleep"}], DoseReading.MISSED),
        (None, DoseReading.MISSED),
        (
            [
                {
                    "coding": [
                        {"system": "http://hl7.org/fhir/reason-medication-not-given", "code": "d"}
                    ]
                }
            ],
            DoseReading.HELD,
        ),
        (
            [
                {
                    "coding": [
                        {"system": "http://hl7.org/fhir/reason-medication-not-given", "code": "b"}
                    ]
                }
            ],
            DoseReading.MISSED,
        ),
    ],
)
def test_status_reasons_read_as_the_table_says(reasons: Any, reading: DoseReading) -> None:
    assert reason_reading(reasons) is reading


def test_ward_doses_below_the_order_are_the_course_dose() -> None:
    doc = load("duloxetine_order_60_given_30")
    trial = _trial(doc, "duloxetine")
    assert trial.verdict is not Verdict.ADEQUATE
    assert {s.mg_per_day for s in trial.segments} == {30.0}
    text = _text(doc)
    assert "3 adequate trials failed" not in text
    assert "Duloxetine 30 mg/day is below the adequate range (60-120)" in text


def test_an_as_needed_order_gives_no_ward_pdc() -> None:
    doc = load("trazodone_as_needed_on_the_ward")
    trial = _trial(doc, "trazodone")
    assert trial.adherence.ward_pdc is None
    assert trial.adherence.status is not AdherenceStatus.POOR
    assert "given as needed on 6 days" in (trial.adherence.ward or "")


def test_utc_mar_times_fall_on_the_site_day() -> None:
    doc = load("venlafaxine_twice_daily_utc_times")  # 05:30Z and 04:30Z: 00:30 / 23:30 EST
    new_york = MappingPolicy(site_zone=ZoneInfo("America/New_York"))
    ward = _trial(doc, "venlafaxine", new_york).adherence.ward or ""
    assert "ward MAR 2026-11-03 – 2026-11-30" in ward
    assert "given on 28 of 28 days" in ward
    # No site zone (a library caller): the chart's one offset (its other records' -05:00) is read
    # as its zone (fhir_mapping/chart_zone.py, session 43 score75), so the same site days.
    assert "given on 28 of 28 days" in (_trial(doc, "venlafaxine").adherence.ward or "")
