"""Review 18b M4, M5: the timeline page says what the cards say of the trials it draws.

- M4: a trial resting only on the patient's statements was drawn as "Adequate · 20 wk at
  adequate dose" while the cards said "self-reported": the row (and the picture's description)
  now says it.
- M5: a medication record that could not be read was listed on the card under "Data not read"
  and nowhere on the page, though it could be another trial: one line under the heading now.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import date

from fhir_mapping.gaps import ANOTHER_PATIENT
from fhir_mapping.record import DataDomain, DataGap, Patient, PatientRecord, Role
from fhir_mapping.source_ref import SourceRef
from services.timeline import SVG_NS, describe, render_page, render_svg
from tests.browser.example_record import trial

AS_OF = date(2025, 6, 2)


def _record(*, reported: bool, gaps: tuple[DataGap, ...] = ()) -> PatientRecord:
    sertraline = trial(
        "sertraline",
        "SSRI",
        Role.ANTIDEPRESSANT,
        ((date(2024, 6, 3), date(2024, 10, 21), 150.0),),
        min_mg=50.0,
        max_mg=200.0,
        weeks=20.0,
    )
    return PatientRecord(
        patient=Patient(id="p1", age=46, sex="female"),
        as_of=AS_OF,
        trials=(dataclasses.replace(sertraline, patient_reported=reported),),
        gaps=gaps,
    )


def _lane_texts(record: PatientRecord) -> list[str]:
    root = ET.fromstring(render_svg(record))
    lane = next(e for e in root.iter() if "lane" in (e.get("class") or "").split())
    return ["".join(t.itertext()) for t in lane.iter(f"{{{SVG_NS}}}text")]


def test_a_trial_resting_on_statements_only_is_self_reported_on_its_row() -> None:
    record = _record(reported=True)
    texts = _lane_texts(record)
    verdict = texts.index("Adequate · 20 wk at adequate dose")
    assert texts[verdict + 1] == "Self-reported: no order or fill"
    assert "adequate trial, self-reported" in describe(record)


def test_a_trial_with_orders_or_fills_is_not_marked() -> None:
    record = _record(reported=False)
    assert "Adequate · 20 wk at adequate dose" in _lane_texts(record)
    assert "self-reported" not in render_page(record).lower()


def _unread(rid: str, reason: str = "medication reference not found") -> DataGap:
    return DataGap(DataDomain.MEDICATIONS, reason, SourceRef("MedicationRequest", rid))


def test_an_unread_medication_record_is_one_line_on_the_page() -> None:
    page = render_page(_record(reported=False, gaps=(_unread("mr-x"),)))
    assert page.count("1 medication record could not be read: see the card.") == 1


def test_unread_medication_records_are_counted_once_each() -> None:
    gaps = (_unread("mr-x"), _unread("mr-x", "no date"), _unread("mr-y"))
    page = render_page(_record(reported=False, gaps=gaps))
    assert "2 medication records could not be read: see the card." in page


def test_no_line_without_an_unread_medication_record_of_this_patient() -> None:
    others = (
        _unread("mr-other", ANOTHER_PATIENT),
        DataGap(DataDomain.SCORES, "no value", SourceRef("Observation", "obs-1")),
    )
    for gaps in ((), others):
        assert "could not be read" not in render_page(_record(reported=False, gaps=gaps))
