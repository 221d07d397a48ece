"""Fix orders42 (orders41's leftovers): adequacy over a dose lowering no fill shows taken.

a01 (as orders41's s02, the lowering ordered 2026-11-10): venlafaxine XR 150 mg/day filled
2026-10-01 and 11-01, 37.5 mg/day ordered 2026-11-10 and never filled, as of 2026-12-01. Before:
"Venlafaxine 37.5 mg/day is below the adequate range (75-225): raise the dose before judging
response" with "Raise venlafaxine to 75 mg/day" one click, the packet's outcome "ongoing; 37.5
mg/day ... below the minimum": the lowering presented as taken and its undoing proposed, where
the fills show 8.6 weeks at 150. Counting it failed on the fills would rest a TMS criterion on a
PHQ-9 taken after the lowering. Now its adequacy is TO CONFIRM (Trial.lower_filled_weeks,
fhir_mapping/lowered_adequacy.py): the card asks which dose is taken, no raise one click; the
payer criterion names it "to confirm", never counted; the packet's trial list says the lowering
has no fill yet. The nortriptyline level charts (orders40) are unchanged in the golden run.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.record import Verdict
from services import trial_dates
from services.packet.page import render_packet
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "orders42_charts"
_chart = chart_files.loader(DIR)
_dec = Evaluator(date(2026, 12, 1))
LOWER = "a01_ven150_lower37_unfilled_feed"


def test_every_chart_is_an_ehr_chart() -> None:
    chart_files.check_folder(DIR, {LOWER})


def test_adequacy_over_an_unfilled_lowering_is_to_confirm() -> None:
    cards, record = _dec.cards_and_record(_chart(LOWER))
    (trial,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    assert trial.verdict is not Verdict.ADEQUATE  # never a failed trial on it
    assert not trial.failed
    assert trial.lower_filled_weeks is not None and trial.lower_filled_weeks >= 6
    assert trial_dates.counted_if_confirmed(trial, 6)
    text = "\n".join(f"{c['summary']}\n{c.get('detail') or ''}" for c in cards)
    assert "lowered to 37.5 mg/day on 2026-11-10, no fill yet: confirm the dose taken" in text
    assert "adequacy to confirm" in text
    assert "raise the dose before judging response" not in text
    labels = [s["label"] for c in cards for s in c.get("suggestions") or []]
    assert not any(label.startswith("Raise venlafaxine") for label in labels)


def test_the_packet_says_the_lowering_is_not_filled_and_to_confirm() -> None:
    _, record = _dec.cards_and_record(_chart(LOWER))
    page = render_packet(record, Policy())
    assert "150 → 37.5 (ordered 2026-11-10, no fill yet)" in page
    assert "adequacy to confirm: lowered from 150 to 37.5 mg/day on 2026-11-10" in page
    assert "confirm which venlafaxine dose was taken" in page
