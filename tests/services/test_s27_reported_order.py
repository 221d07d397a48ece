"""Recheck K4 (session 27) findings 1-3: a home medication a clinician entered as a reported order
is a medication-list entry, not an order waiting for its first fill.

An Epic home medication is a MedicationRequest `active`, intent `order`, whose reportedReference
is the Practitioner who entered it (no reportedBoolean) and that no pharmacy fills. FHIR R4
reported[x] marks "a secondary 'reported' record rather than an original primary source-of-truth
record" whoever reported it; the service read only a Patient or RelatedPerson reportedReference
(or reportedBoolean) as reported, so this one was an order awaiting its fill:

- Finding 1 (UNSAFE): sertraline 100 mg such an order beside venlafaxine 225 mg ordered and filled
  (o01) got no "two serotonin reuptake inhibitors" line, and the optimise card offered
  aripiprazole and brexpiprazole one click, while the same sertraline with reportedBoolean (o02)
  or as a clinician's statement got the line ("reported taken") and held them.
- Finding 2: sertraline 50 mg such an order, partial response (o04), got a one-click "Raise
  sertraline to 100 mg/day", where a statement-only course gets no one-click raise.
- Finding 3: o01's packet and timeline said "1 Oct 2026 – ordered (no fill yet)", "no dispensing
  data", "yes: failed" and "Trials for TMS 1 counted (sertraline)", nothing to confirm.

Now (fhir_mapping/patient_reported.listed_order, Trial.listed_order) a course of such orders and
clinicians' statements only is Trial.statement_only ("medication list only"): running for the
pair as "reported taken (medication list)", no order awaiting a fill, no one-click raise, and
counted for TMS only "to confirm". Once a pharmacy fills the reported order (o03) it is a
dispensed course like any other.

Charts: tests/services/s27_reported_order_charts/, the recheck's scratch charts (US Core shaped
RxNorm MedicationRequest and MedicationDispense, LOINC PHQ-9) with the labsSI key added so every
prefetch key is sent, and o03 with three sertraline fills of the reported order added.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.patient_reported import listed_order, patient_reported
from fhir_mapping.record import PatientRecord, Trial
from services.packet import render_packet
from services.policy import Policy
from services.timeline.summary import describe
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_DIR = Path(__file__).parent / "s27_reported_order_charts"
_chart = chart_files.loader(_DIR)
_at = Evaluator(AS_OF)
OPTIMISE = "optimize-switch-augment"
PAIR = "running-reuptake-pair"
CLINICIAN = "o01_sertraline_home_med_reported_by_practitioner_beside_filled_venlafaxine"
PATIENT = "o02_control_sertraline_home_med_reportedBoolean_beside_filled_venlafaxine"
FILLED = "o03_control_sertraline_home_med_reported_by_practitioner_then_filled"
PARTIAL = "o04_sertraline50_home_med_reported_by_practitioner_partial_response"
PAIR_LINE = "**Two serotonin reuptake inhibitors running:**"
HELD = "**Not one click while both run:** Propose adjunctive aripiprazole"
PRACTITIONER = {"reference": "Practitioner/5decb16c-260b-5c80-9600-d753acf849a7"}


def _sertraline(record: PatientRecord) -> Trial:
    (found,) = [t for t in record.trials if t.ingredient == "sertraline"]
    return found


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions") or []]


def _text(markup: str) -> str:
    """The markup's text, one line per row / paragraph, cells split by " | "."""
    markup = re.sub(r"<style.*?</style>", "", markup, flags=re.S)
    markup = re.sub(r"</(tr|p|h\d|li|caption|div|section|title|desc)>", "\n", markup)
    markup = re.sub(r"</t[dh]>", " | ", markup)
    markup = re.sub(r"</dt>", " ", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_send_every_prefetch_key_as_valid_r4b(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


@pytest.mark.parametrize(
    ("resource", "listed", "patients"),
    [
        ({"reportedReference": PRACTITIONER}, True, False),
        ({"reportedReference": {"reference": "Organization/ce-1"}}, True, False),
        ({"reportedReference": {"type": "Practitioner", "display": "Dr A"}}, True, False),
        ({"reportedReference": {"reference": "Patient/p1"}}, False, True),
        ({"reportedReference": {"reference": "RelatedPerson/r1"}}, False, True),
        ({"reportedBoolean": True}, False, True),  # read as the patient's (patient_reported.py)
        ({"reportedBoolean": False}, False, False),
        ({}, False, False),  # a primary order: this clinic's prescription
    ],
)
def test_a_reported_order_someone_else_entered_is_a_list_entry(
    resource: Doc, listed: bool, patients: bool
) -> None:
    order = {"resourceType": "MedicationRequest", "status": "active", **resource}
    assert listed_order(order) is listed
    assert patient_reported(order) is patients
    statement = {"resourceType": "MedicationStatement", "informationSource": PRACTITIONER}
    assert not listed_order(statement)


def test_finding1_clinician_reported_sertraline_pairs_with_filled_venlafaxine() -> None:
    cards, record = _at.by_topic_and_record(_chart(CLINICIAN))
    trial = _sertraline(record)
    assert trial.listed_order and trial.statement_only and trial.report_only
    assert not trial.patient_reported
    assert trial.awaiting_fill is None  # no pharmacy is to fill a list entry
    assert PAIR not in cards  # said once: the optimise card speaks
    card = cards[OPTIMISE]
    assert card["summary"].endswith(
        "keep one reuptake inhibitor first, then switch mechanism or augment"
    )
    assert card["detail"].startswith(PAIR_LINE)
    assert (
        "sertraline 100 mg/day since 2026-10-01 (SSRI; reported taken (medication list), no fill"
        " on record)" in card["detail"]
    )
    assert HELD in card["detail"]
    assert _labels(card) == []  # before: aripiprazole and brexpiprazole one click


def test_finding1_control_reportedBoolean_is_the_patients_report_as_before() -> None:
    cards, record = _at.by_topic_and_record(_chart(PATIENT))
    trial = _sertraline(record)
    assert trial.patient_reported and not trial.listed_order and not trial.statement_only
    card = cards[OPTIMISE]
    assert "reported taken by the patient, no order or fill on record" in card["detail"]
    assert HELD in card["detail"] and _labels(card) == []
    # The patient's word only: listed, not counted for TMS until documented (fix meds46).
    packet = _text(render_packet(record, Policy()))
    assert "Trials for TMS none counted; not counted (patient-reported only): sertraline" in (
        packet
    )
    (row,) = [line for line in packet.splitlines() if line.startswith("sertraline (SSRI)")]
    assert row.split(" | ")[7] == "yes, to confirm: failed, self-reported"


def test_a_reported_order_a_pharmacy_filled_is_a_dispensed_course() -> None:
    cards, record = _at.by_topic_and_record(_chart(FILLED))
    trial = _sertraline(record)
    assert trial.adherence.fills == 3
    assert not (trial.listed_order or trial.statement_only or trial.report_only)
    card = cards[OPTIMISE]
    assert card["detail"].startswith(PAIR_LINE)
    assert "sertraline 100 mg/day since 2026-10-01 (SSRI; refills on time" in card["detail"]
    assert "medication list" not in card["detail"] and _labels(card) == []
    packet = _text(render_packet(record, Policy()))
    assert "medication list only" not in packet and "to confirm: sertraline" not in packet


def test_finding2_no_one_click_raise_of_a_clinician_reported_order() -> None:
    cards, record = _at.by_topic_and_record(_chart(PARTIAL))
    assert _sertraline(record).statement_only
    card = cards[OPTIMISE]
    assert not any(label.startswith("Raise sertraline") for label in _labels(card))
    assert "medication list only" in card["summary"]
    assert "add an adjunct to sertraline first" in card["summary"]


def test_finding3_packet_and_timeline_say_medication_list_only_to_confirm() -> None:
    _, record = _at.by_topic_and_record(_chart(CLINICIAN))
    packet = _text(render_packet(record, Policy()))
    assert "no fill yet" not in packet and "no dispensing data" not in packet
    said = "; to confirm: sertraline (medication list only)"
    assert f"Trials for TMS 1 counted (sertraline), 1 class{said}" in packet
    (lede,) = [line for line in packet.splitlines() if line.startswith("Counted for TMS:")]
    assert lede.endswith(f"{said}.")
    (row,) = [line for line in packet.splitlines() if line.startswith("sertraline (SSRI)")]
    cells = row.split(" | ")
    assert cells[2] == "1 Oct 2026 – ongoing"
    assert "medication list only, no order or fill on record: confirm it was taken" in cells[4]
    assert cells[7] == "yes, to confirm: failed, medication list only"
    summary = describe(record)
    assert (
        "sertraline 100 mg/day from 1 Oct 2026, ongoing, adequate trial, medication list only"
        in (summary)
    )
    assert "no fill yet" not in summary
