"""Session 39 review K61b finding 4 (UNSAFE): a patient-reported statement read further than the
record shows (fhir_mapping/reported_window.py).

A MedicationStatement the patient gave, `active`, fluoxetine 20 mg from 2026-01-10 with no end,
asserted once on 2026-03-01, beside venlafaxine ordered from 2026-07-31: the trial row read
"10 Jan 2026 - ongoing | 46.4 weeks | failed (adequate)", the cards "2 adequate trials failed
(fluoxetine, venlafaxine)" with the TMS referral one click away, while the summary's top box said
"1 counted" and its trials section "Counted for TMS: 2". The record shows about 7 weeks: the
statement now counts up to its dateAsserted, the time since is listed (to confirm, still in view of
the safety checks), and both counts say 1. Controls: the same statement asserted recently, and a
clinician's statement (the medication list's 365-day window, unchanged).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from services.packet.page import render_packet
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "stmt72_charts"
_AS_OF = date(2026, 12, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)
_load = chart_files.loader(_FOLDER)

FIXED = {
    "fluoxetine_reported_once_beside_venlafaxine": "fixed: 1 trial counted, no TMS card",
    "fluoxetine_reported_once_alone": "fixed: no adequate failed trial",
}
CONTROLS = {
    "control_fluoxetine_reported_recently_beside_venlafaxine": "control: 2 trials, to confirm",
    "control_fluoxetine_clinician_statement_beside_venlafaxine": "control: 2 trials, list only",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def _fluoxetine(name: str) -> object:
    _, record = Evaluator(_AS_OF).cards_and_record(_load(name))
    return next(t for t in record.trials if t.ingredient == "fluoxetine")


@pytest.mark.parametrize("name", sorted(FIXED))
def test_reported_statement_counts_to_its_assertion(name: str) -> None:
    trial = _fluoxetine(name)
    assert trial.unconfirmed_since == date(2026, 3, 1)
    assert trial.weeks_at_adequate_dose < 12  # 7 weeks and one fill, was 46.4
    cards = _cards(name)
    assert chart_files.TMS not in cards
    assert (
        "reported taking on 2026-03-01; since then not on record"
        in cards["adherence-review"]["summary"]
    )
    assert "fluoxetine, venlafaxine" not in cards.get("optimize-switch-augment", {}).get(
        "summary", ""
    )


def test_summary_counts_agree() -> None:
    _, record = Evaluator(_AS_OF).cards_and_record(
        _load("fluoxetine_reported_once_beside_venlafaxine")
    )
    page = render_packet(record, Policy())
    assert "Counted for TMS: 1 (venlafaxine" in page
    assert "46.4" not in page


def test_recent_assertion_still_counts() -> None:
    name = "control_fluoxetine_reported_recently_beside_venlafaxine"
    assert _fluoxetine(name).weeks_at_adequate_dose > 40
    assert "2 adequate trials failed" in _cards(name)["optimize-switch-augment"]["summary"]


def test_clinician_statement_keeps_the_list_window() -> None:
    name = "control_fluoxetine_clinician_statement_beside_venlafaxine"
    assert _fluoxetine(name).unconfirmed_since is None
    assert chart_files.TMS in _cards(name)
