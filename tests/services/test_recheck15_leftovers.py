"""Review 15 recheck, what was left: a Medication named only by its text, the timeline's maximum,
psychotherapy visits booked but never attended, and a running bupropion dose above its
formulation's single-dose limit.

- d03: the probe's Medication had no `code` because the fixture builder dropped a display given
  without an RxNorm code; built now as Epic writes one (`code.text`), its draft beside running
  phenelzine gets the critical MAOI card.
- The timeline drew "above maximum" against the drug row's 450 mg/day, so bupropion SR 450 mg/day
  was drawn in range while the optimise and running-dose cards call it above the SR label's 400
  (services/formulation_ceilings.py). It now meets the course's formulation ceiling: SR 450 is
  above, XL 450 is not.
- p05: 90834 visits planned for 2025-05-12 and booked for 2025-05-26, never finished. They rightly
  do not silence the psychotherapy card; the card now names them, so the prescriber asks what
  happened before referring again.
- Bupropion IR 100 mg tablets, 2 tablets twice daily: 400 mg/day, within the daily 450, but 200 mg
  a dose against the IR label's 150 (seizure risk). The running-dose card names it when the
  course's dose per administration is read (Trial.mg_per_dose).

Charts: tests/services/recheck15_charts/. p05 is the recheck's own; f9_bupropion_sr_450_running
is review15_charts' (Epic-shaped, RxNorm SCD 993518, 150 mg three times daily);
bupropion_xl_450_running and bupropion_ir_200_a_dose_running are it with the orders and fills
rewritten as Epic writes those products (SCDs 993541 "24 HR bupropion hydrochloride 150 MG
Extended Release Oral Tablet", 3 tablets once daily; 993687 "bupropion hydrochloride 100 MG Oral
Tablet", 2 tablets twice daily).
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping import build
from fhir_mapping.course_events import _per_dose
from fhir_mapping.encounters import NOT_ATTENDED
from fhir_mapping.events import MedicationEvent
from fhir_mapping.record import PatientRecord
from services.timeline import render_svg
from tests.fixtures import builders as b
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]
MAOI = "order-maoi-interaction"
PSYCHOTHERAPY = "psychotherapy"
RUNNING = "running-dose-above-formulation-max"
SR_450 = "f9_bupropion_sr_450_running"
XL_450 = "bupropion_xl_450_running"
IR_200 = "bupropion_ir_200_a_dose_running"
P05 = "p05_planned_visit_in_past"

_chart = chart_files.loader(Path(__file__).parent / "recheck15_charts")
_at = Evaluator(AS_OF)
_evaluate = _at.by_topic_and_record


@pytest.mark.parametrize("name", [SR_450, XL_450, IR_200, P05])
def test_the_charts_are_valid_r4_and_carry_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    assert "encounters" in doc["prefetch"]
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


# --- d03: the builder's text-only Medication --------------------------------------------------


def test_a_text_only_medication_from_the_builder_is_read_as_its_drug() -> None:
    """Before, the builder's Medication had no `code` and the draft was "not identified"."""
    doc = _chart("d03_medication_text_only_in_prefetch")
    entries = doc["prefetch"]["medicationRequests"]["entry"]
    (entry,) = [e for e in entries if e["resource"]["resourceType"] == "Medication"]
    entry["resource"] = b.medication(None, "sertraline 50 mg tablet", id=entry["resource"]["id"])
    found, record = _evaluate(doc)
    assert list(found) == [MAOI]
    assert found[MAOI]["indicator"] == "critical"
    assert found[MAOI]["summary"].startswith("Sertraline ordered while phenelzine (MAOI)")
    assert [d.ingredient for d in record.draft_orders] == ["sertraline"]


# --- the timeline's maximum is the formulation's ------------------------------------------------


def _bupropion_segments(record: PatientRecord) -> list[tuple[str | None, str | None]]:
    root = ET.fromstring(render_svg(record))
    (lane,) = [
        e
        for e in root.iter()
        if "lane" in (e.get("class") or "").split() and e.get("data-ingredient") == "bupropion"
    ]
    return [
        (s.get("data-mg"), s.get("data-category"))
        for s in lane.iter()
        if "dose-segment" in (s.get("class") or "").split()
    ]


def test_bupropion_sr_450_running_is_drawn_above_the_sr_maximum() -> None:
    _, record = _evaluate(_chart(SR_450))
    (trial,) = record.trials
    assert trial.formulation == "bupropion-sr"
    # Before: "adequate", against the drug row's 450.
    assert ("450", "above-maximum") in _bupropion_segments(record)
    assert "150–400 mg/day, SR maximum" in render_svg(record)


def test_bupropion_xl_450_running_is_drawn_in_range() -> None:
    _, record = _evaluate(_chart(XL_450))
    (trial,) = record.trials
    assert trial.formulation == "bupropion-xl"
    segments = _bupropion_segments(record)
    assert ("450", "adequate") in segments
    assert all(category != "above-maximum" for _, category in segments)
    assert "150–450 mg/day" in render_svg(record)
    assert "XL maximum" not in render_svg(record)


# --- p05: psychotherapy visits booked but never attended ----------------------------------------


def test_past_bookings_are_read_as_not_attended_never_as_therapy_arranged() -> None:
    _, record = _evaluate(_chart(P05))
    lapsed = [(r.kind, r.status, r.authored) for r in record.referrals if "psychotherapy" in r.kind]
    assert lapsed == [
        (NOT_ATTENDED, "planned", date(2025, 5, 12)),
        (NOT_ATTENDED, "booked", date(2025, 5, 26)),
    ]


def test_the_psychotherapy_card_names_the_visits_booked_but_not_attended() -> None:
    found, _ = _evaluate(_chart(P05))
    card = found[PSYCHOTHERAPY]  # the bookings lapsed: the card still proposes CBT or IPT
    assert card["summary"] == (
        "2 adequate trials failed (sertraline, escitalopram) and psychotherapy booked but not "
        "attended: consider a CBT or IPT referral"
    )
    # Before: "No psychotherapy procedure, visit ... or referral is on record." and nothing else.
    assert (
        "2 psychotherapy visits booked for 2025-05-12, 2025-05-26 were not recorded as attended: "
        "ask whether they took place elsewhere or why they lapsed before referring again."
    ) in card["detail"]


def test_one_booking_not_attended_is_named_in_the_singular() -> None:
    doc = _chart(P05)
    entries = doc["prefetch"]["encounters"]["entry"]
    entries[:] = [e for e in entries if e["resource"]["status"] != "booked"]
    card = _evaluate(doc)[0][PSYCHOTHERAPY]
    assert (
        "1 psychotherapy visit booked for 2025-05-12 was not recorded as attended: ask whether "
        "it took place elsewhere"
    ) in card["detail"]


def test_a_booking_from_today_on_still_counts_as_therapy_arranged() -> None:
    doc = _chart(P05)
    for entry in doc["prefetch"]["encounters"]["entry"]:
        if entry["resource"]["status"] == "booked":
            entry["resource"]["period"]["start"] = "2025-06-09T10:00:00-05:00"
            entry["resource"]["period"].pop("end", None)
    found, _ = _evaluate(doc)
    assert PSYCHOTHERAPY not in found


# --- a running dose above its formulation's single-dose limit -----------------------------------


def _with_per_dose(
    monkeypatch: pytest.MonkeyPatch, doses_a_day: int
) -> Callable[..., tuple[list[MedicationEvent], Any]]:
    """The events as the event reader gives them once it reads a formulation's dose per
    administration (the day's mg over the administrations a day, dose_basis.
    per_administration_mg): this chart's orders and fills are all `doses_a_day` a day."""
    real = build.medication_events

    def reading(*args: Any, **kwargs: Any) -> tuple[list[MedicationEvent], Any]:
        events, gaps = real(*args, **kwargs)
        return [
            dataclasses.replace(e, mg_per_dose=e.mg_per_day_upper / doses_a_day)
            if e.formulation is not None and e.mg_per_day_upper is not None
            else e
            for e in events
        ], gaps

    monkeypatch.setattr(build, "medication_events", reading)
    return reading


def test_the_course_carries_its_latest_dose_per_administration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _with_per_dose(monkeypatch, 2)
    _, record = _evaluate(_chart(IR_200))
    (trial,) = record.trials
    assert (trial.formulation, trial.max_mg_per_day, trial.mg_per_dose) == (
        "bupropion-ir",
        400,
        200,
    )


def test_bupropion_ir_200_mg_a_dose_running_gets_the_single_dose_card(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _with_per_dose(monkeypatch, 2)
    found, _ = _evaluate(_chart(IR_200))
    card = found[RUNNING]  # before: no card (400 mg/day is within IR's 450)
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Bupropion IR 200 mg a dose running: above the IR single-dose limit of 150 mg: seizure "
        "risk is dose-related"
    )
    assert (
        "**Bupropion IR 400 mg/day, 200 mg a dose** (running since 2024-12-02): no single dose "
        "of this formulation should exceed 150 mg (bupropion IR label): seizure risk is "
        "dose-related."
    ) in card["detail"]
    assert "Split the day's dose into more doses of at most the single-dose limit" in card["detail"]


def test_bupropion_sr_150_three_times_daily_keeps_the_daily_card_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _with_per_dose(monkeypatch, 3)  # 150 mg a dose: within SR's 200
    card = _evaluate(_chart(SR_450))[0][RUNNING]
    assert card["summary"].startswith("Bupropion SR 450 mg/day running: above the SR maximum")
    assert "a dose**" not in card["detail"]
    assert "Split the day's dose" not in card["detail"]


def test_bupropion_xl_450_once_daily_is_within_both_limits(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _with_per_dose(monkeypatch, 1)
    assert RUNNING not in _evaluate(_chart(XL_450))[0]


def test_bupropion_ir_200_mg_a_dose_read_from_the_chart_itself() -> None:
    assert RUNNING in _evaluate(_chart(IR_200))[0]


def test_per_dose_is_the_latest_days_highest_of_the_courses_formulation() -> None:
    events, _ = build.medication_events(
        list(chart_files.prefetch_resources(_chart(IR_200))), as_of=AS_OF
    )
    assert events and all(e.formulation == "bupropion-ir" for e in events)
    assert _per_dose(events, "bupropion-ir") == 200.0  # 200 mg twice daily, read from the sig
    first, *rest, last = sorted(events, key=lambda e: e.start)
    stated = [
        dataclasses.replace(first, mg_per_dose=300.0),  # an older dose
        *rest,
        dataclasses.replace(last, mg_per_dose=200.0),
    ]
    assert _per_dose(stated, "bupropion-ir") == 200.0
    assert _per_dose(stated, "bupropion-sr") is None
    assert _per_dose(stated, None) is None
