"""Review s27 RA findings 2 and 6: courses from statements only, and a statement on hold.

- Finding 2 (WRONG): sertraline and fluoxetine only as MedicationStatements (PHQ-9s during
  each), venlafaxine prescribed and filled, latest PHQ-9 22. With informationSource the Patient
  (c01) the TMS medication-trials criterion read "Met, to confirm ... patient-reported (no order
  or fill on record)"; with a Practitioner source (c02) or none at all (c03: Epic and Oracle
  home medications often state none) it read "Met" with nothing to confirm and the packet said
  every criterion is met. A clinician-entered or unsourced statement is no order or fill either:
  adherence is unverified. Now (Trial.statement_only) any course built from statements only is
  marked as the patient's are: "on the medication list only (no order or fill on record)" in the
  criterion's to-confirm and its trial line, "medication list only" beside the counted names on
  the cards, in the adherence line (packet) and on the timeline. A Practitioner-sourced `unknown`
  statement whose period ended long ago, a past course since branch reportedpair (c05), gets
  the same mark.
- Finding 6 (WRONG): fluoxetine on an `on-hold` statement of period 2025-03-02 to 2025-08-31
  (c04) read "from 2 Mar 2025, ongoing" on the timeline (its lane drawn to as-of) while the card
  and the packet said "on hold, not taken since 2025-08-31 at the latest". Now the dates of a
  running course on hold say the hold (services/held_dates.py) and the lane ends there; the
  course stays ongoing for the safety checks.

Charts: tests/services/s27_reported_criteria_charts/, the reviewer's scratch charts (US Core
MedicationStatement, RxNorm, LOINC PHQ-9) with the labsSI key added so every prefetch key is
sent; c05 is s27_reported_running_charts/r04 with the fluoxetine statement's source a
Practitioner.
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.explain import explain
from services.packet import render_packet
from services.policy import Policy
from services.timeline.page import render_page
from services.timeline.summary import describe
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_DIR = Path(__file__).parent / "s27_reported_criteria_charts"
_chart = chart_files.loader(_DIR)
_at = Evaluator(AS_OF)
TMS = "tms-referral"
PATIENT = "c01_patient_reported_trials_measured_severe"
PRACTITIONER = "c02_practitioner_statement_trials_measured_severe"
UNSOURCED = "c03_unsourced_statement_trials_measured_severe"
ON_HOLD = "c04_fluoxetine_statement_on_hold"
UNKNOWN_ENDED = "c05_fluoxetine_unknown_period_ended_by_practitioner"
LISTED = "sertraline and fluoxetine on the medication list only (no order or fill on record)"


def _trials_line(doc: Doc) -> str:
    detail = _at.by_topic(doc)[TMS]["detail"]
    (line,) = [x for x in detail.split("\n") if "Medication trials:" in x]
    return line


def _packet(doc: Doc) -> str:
    record = _at.result(doc).evaluation.record
    text = html.unescape(re.sub(r"<[^>]+>", " ", render_packet(record, Policy())))
    return " ".join(text.split())


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_send_every_prefetch_key_as_valid_r4b(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


def test_patient_reported_trials_stay_to_confirm() -> None:
    line = _trials_line(_chart(PATIENT))
    # Fix meds46 (K51a finding 6): the patient's word alone is listed, never counted toward the
    # payer's number (REFERENCE.md section 0 item 3; MGH-ATRQ; LCD L34998 "documented").
    assert line.startswith("- **Not on record** · Medication trials: 1 counted")
    assert line.endswith("; not counted (patient-reported only): sertraline, fluoxetine")


@pytest.mark.parametrize("name", [PRACTITIONER, UNSOURCED])
def test_trials_from_a_clinicians_or_unsourced_statement_are_to_confirm(name: str) -> None:
    doc = _chart(name)
    line = _trials_line(doc)
    assert line.startswith("- **Met, to confirm** · Medication trials: 3 counted")
    assert line.endswith(f"; to confirm: {LISTED}")
    assert "patient-reported" not in line  # not the patient's word: said as what it is
    cards = _at.by_topic(doc)
    # Bracketed with a colon, never read as a list of drugs (review s27 RQ2 finding 4).
    assert "(sertraline, fluoxetine: medication list only)" in cards[TMS]["summary"]
    assert "self-reported" not in " ".join(c["summary"] for c in cards.values())
    packet = _packet(doc)
    assert f"to confirm before sending: medication trials: {LISTED}" in packet
    assert "medication list only, no order or fill on record: confirm it was taken" in packet
    record = _at.result(doc).evaluation.record
    summary = describe(record)
    assert "sertraline 100 mg/day from 30 Aug 2024 to 30 Oct 2024, adequate trial, " in summary
    assert "to 30 Oct 2024, adequate trial, medication list only;" in summary
    assert "Medication list only: no order or fill" in render_page(record)


def test_a_practitioners_unknown_statement_of_a_past_period_is_to_confirm() -> None:
    doc = _chart(UNKNOWN_ENDED)
    line = _trials_line(doc)
    assert "; not counted (patient-reported only): sertraline;" in line  # fix meds46
    assert "fluoxetine on the medication list only (no order or fill on record)" in line
    summary = _at.by_topic(doc)[TMS]["summary"]
    assert "sertraline self-reported (fluoxetine: medication list only)" in summary


def test_a_statement_on_hold_ends_at_its_hold_on_the_timeline() -> None:
    doc = _chart(ON_HOLD)
    result = _at.result(doc)
    record = result.evaluation.record
    (fluoxetine,) = [t for t in record.trials if t.ingredient == "fluoxetine"]
    assert fluoxetine.ongoing  # still read as running by the safety checks
    assert fluoxetine.on_hold == date(2025, 8, 31)
    held = "on hold, not taken since 2025-08-31 at the latest"
    cards = _at.by_topic(doc)
    assert held in cards["adherence-review"]["summary"]
    summary = describe(record)
    assert (
        "fluoxetine 40 mg/day from 2 Mar 2025, on hold, not taken since 31 Aug 2025 at the "
        "latest, adequate trial" in summary
    )
    assert "from 2 Mar 2025, ongoing" not in summary
    page = render_page(record)
    assert "Fluoxetine (on hold)" in page
    assert "Fluoxetine (current)" not in page
    assert (
        "2. fluoxetine (SSRI, antidepressant) 2025-03-02 -> 2025-08-31 (on hold, kept ongoing "
        "for the safety checks)" in explain(record)
    )
    assert "2 Mar 2025 – on hold (not taken now)" in _packet(doc)
