"""Review s25 RK4 findings 1-8: the ward MAR read by stay, weighed with the fills, its reasons
(fhir_mapping/ward_adherence.py, ward_doses.py, ward_courses.py, administration_reasons.py).

1. Two fully given 7-day stays 25 days apart read "given on 14 of 38 days": runs split by stay.
2. 2 refusals in 7 ward days flipped a 99 % PDC course to "not adequate" (6 days did not): the
   ward days are weighed with the fill PDC unless they are most of the course (ward_alone_share).
3. / 4. "Withheld per MD - oversedated", "Not given - sedated", "Pt in ECT", "Parameters not met",
   "pharmacy unavailable", "Medication not available" read missed: now held.
5. "refused - nausea" adds "ask about tolerability". 6. A bare code c reads "Asleep".
7. The summary names the ward figure when it decided. 8. 20 mg charted on a 10 mg order read
   "raise escitalopram 10 -> 20 mg/day" with a one-click raise.
Review s25 RK5 finding 1: a 21-day stay with every dose refused, weighed with a year of fills,
read "2 adequate trials failed ... augment": a run of `ward_alone_days` (14) stands alone.

Charts: tests/services/ward_mar_stays_charts/ (the RK4 review's, valid R4B, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import document_resources, evaluate_document
from fhir_mapping.adherence_record import DoseReading
from fhir_mapping.administration_reasons import reason_reading
from fhir_mapping.build import build_record
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import AdherenceStatus
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
load = chart_files.loader(Path(__file__).parent / "ward_mar_stays_charts")


def _cards(doc: dict[str, Any], policy: Policy | None = None) -> list[dict[str, Any]]:
    response = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=policy or Policy())
    cards: list[dict[str, Any]] = response.response.to_json().get("cards", [])
    return cards


def _text(doc: dict[str, Any], policy: Policy | None = None) -> str:
    return "\n".join(f"{c.get('summary')}\n{c.get('detail') or ''}" for c in _cards(doc, policy))


def _adherence(doc: dict[str, Any], policy: MappingPolicy | None = None) -> Any:
    record = build_record(
        document_resources(doc), as_of=AS_OF, patient_id=doc["context"]["patientId"], policy=policy
    )
    return next(t for t in record.trials if t.ingredient == "escitalopram").adherence


def test_two_stays_a_month_apart_are_two_runs() -> None:
    doc = load("two_stays_month_apart")
    adherence = _adherence(doc)
    assert "2026-10-01 – 2026-10-07, 2026-11-01 – 2026-11-07" in adherence.ward
    assert "given on 14 of 14 days (100 %)" in adherence.ward
    assert adherence.status is not AdherenceStatus.POOR
    assert "2 adequate trials failed (sertraline, escitalopram)" in _text(doc)


@pytest.mark.parametrize("name", ["six_days_two_refused", "seven_days_two_refused"])
def test_two_refusals_are_weighed_with_a_year_of_fills_at_6_and_7_days(name: str) -> None:
    doc = load(name)
    adherence = _adherence(doc)
    assert adherence.status is not AdherenceStatus.POOR
    assert "course PDC with the ward days 98 %" in adherence.ward
    assert "2 adequate trials failed (sertraline, escitalopram)" in _text(doc)


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("Withheld per MD - oversedated", DoseReading.HELD),
        ("Not given - sedated", DoseReading.HELD),
        ("Pt in ECT", DoseReading.HELD),
        ("Parameters not met", DoseReading.HELD),
        ("pharmacy unavailable", DoseReading.HELD),
        ("Medication not available", DoseReading.HELD),
        ("Patient unavailable", DoseReading.MISSED),
        ("Withheld - patient refused", DoseReading.MISSED),
        ("refused - nausea", DoseReading.MISSED),
    ],
)
def test_clinical_and_supply_reasons_read_held(text: str, reading: DoseReading) -> None:
    assert reason_reading([{"text": text}]) is reading


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("withheld_per_md", "held on 4 (Withheld per MD - oversedated), not counted"),
        ("pharmacy_unavailable", "held on 4 (pharmacy unavailable), not counted"),
        ("coded_c_asleep", "not given on 4 (Asleep)"),
        ("refused_nausea", "(refused - nausea); a side effect named: ask about tolerability"),
    ],
)
def test_ward_reasons_are_said(name: str, said: str) -> None:
    assert said in _adherence(load(name)).ward


def test_the_summary_names_the_ward_figure_that_decided() -> None:
    # Ward days made "most of the course" by the clinic's share: the ward's 60 % decides.
    policy = Policy(mapping=MappingPolicy(ward_alone_share=0.01))
    text = _text(load("refused_nausea"), policy)
    assert "1 trial not adequate (escitalopram ward MAR 60 % given)" in text
    assert "escitalopram PDC 99 %)" not in text


def test_a_run_given_above_its_order_sets_the_dose() -> None:
    doc = load("ward_dose_above_order")
    cards = _cards(doc)
    text = _text(doc)
    assert "raise escitalopram 10 → 20" not in text
    labels = [s.get("label", "") for c in cards for s in c.get("suggestions") or []]
    assert not any(label.startswith("Raise escitalopram") for label in labels)
    assert "2 adequate trials failed (sertraline, escitalopram)" in text


@pytest.mark.parametrize("name", ["ward_refused_all_21d_discharged", "ward_refused_all_35d"])
def test_a_stay_of_a_fortnight_or_more_all_refused_stands_alone(name: str) -> None:
    # Review s25 RK5 finding 1: every dose refused on a 21-day (35-day) stay, inside a year of
    # monthly fills, read "2 adequate trials failed ... augment" with one-click adjuncts and the
    # refusals on no card. A run of `ward_alone_days` (14) days stands alone.
    doc = load(name)
    adherence = _adherence(doc)
    assert adherence.status is AdherenceStatus.POOR
    assert "(Patient refused)" in adherence.ward
    text = _text(doc)
    assert "1 trial not adequate (escitalopram ward MAR 0 % given)" in text
    assert "adherence contradicted by the ward MAR" in text
    assert "2 adequate trials failed" not in text
    labels = [s.get("label", "") for c in _cards(doc) for s in c.get("suggestions") or []]
    assert not any("aripiprazole" in label or "brexpiprazole" in label for label in labels)


def test_the_stay_s_fill_days_are_not_counted_as_taken() -> None:
    # The 21 refused days a monthly fill covered are taken off the course PDC (93 %, not the
    # refill 99 %), which the card shows as the course's PDC.
    adherence = _adherence(load("ward_refused_all_21d_discharged"))
    assert adherence.pdc is not None and adherence.pdc < 0.94
    assert "course PDC with the ward days 93 %" in adherence.ward


def test_the_run_length_is_a_clinic_policy() -> None:
    # Above the stay's 21 days the share rule alone decides: weighed, as before the fix.
    policy = MappingPolicy(ward_alone_days=22)
    assert _adherence(load("ward_refused_all_21d_discharged"), policy).status is not (
        AdherenceStatus.POOR
    )
