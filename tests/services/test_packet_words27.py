"""Review s27 RB: the TMS referral packet and the timeline say what the cards say.

- Finding 2: a failure read from the stop alone (Trial.outcome_inferred) was "2 counted
  (sertraline, venlafaxine), 2 classes" and "yes: failed" in the packet and "adequate trial" on
  the timeline, where the cards say "1 adequate trial failed, 1 stopped unmeasured" and the payer
  row "Met, to confirm". Now "to confirm: sertraline (stopped, response not measured)".
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import PatientRecord
from services.packet import render_packet
from services.policy import Policy
from services.timeline.summary import describe
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
HERE = Path(__file__).parent


def _doc(folder: str, name: str) -> dict[str, Any]:
    return chart_files.loader(HERE / folder)(name)


def _record(doc: dict[str, Any], as_of: date = AS_OF) -> PatientRecord:
    result = evaluate_document(
        doc, hook=doc.get("hook", "patient-view"), as_of=as_of, policy=Policy()
    )
    return result.evaluation.record


def _text(markup: str) -> str:
    """The markup's text, one line per row / paragraph, cells split by " | "."""
    markup = re.sub(r"<style.*?</style>", "", markup, flags=re.S)
    markup = re.sub(r"</(tr|p|h\d|li|caption|div|section|title|desc)>", "\n", markup)
    markup = re.sub(r"</t[dh]>", " | ", markup)
    markup = re.sub(r"</dt>", " ", markup)
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _row(packet: str, start: str) -> list[str]:
    rows = [line for line in packet.splitlines() if line.startswith(start)]
    assert len(rows) == 1, rows
    return rows[0].split(" | ")


# --- finding 2: a failure inferred from the stop is "to confirm" everywhere ---------------------


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("phq9_total22_items_sum12", "2 counted (sertraline, venlafaxine), 2 classes"),
        ("venlafaxine_order2024_never_filled", "1 counted (sertraline), 1 class"),
    ],
)
def test_inferred_failure_is_to_confirm_in_packet_and_timeline(name: str, head: str) -> None:
    record = _record(_doc("packet_claims23_charts", name))
    packet = _text(render_packet(record, Policy()))
    said = "; to confirm: sertraline (stopped, response not measured)"
    assert f"Trials for TMS {head}{said}" in packet
    assert f"{said}." in _row(packet, "Counted for TMS:")[0]
    cells = _row(packet, "sertraline (SSRI)")
    assert cells[7] == "yes, to confirm: stopped, response not measured"
    assert "yes: failed" not in packet.split("venlafaxine (SNRI)")[0].split("sertraline (SSRI)")[1]
    summary = describe(record)
    assert "to 23 Sep 2024, adequate trial, stopped, response not measured, PDC 100 %" in summary


def test_measured_failure_keeps_yes_failed() -> None:
    """The control: venlafaxine, judged by a PHQ-9 on it, stays "yes: failed"."""
    record = _record(_doc("packet_claims23_charts", "phq9_total22_items_sum12"))
    packet = _text(render_packet(record, Policy()))
    assert _row(packet, "venlafaxine (SNRI)")[7] == "yes: failed"
    assert "venlafaxine 225 mg/day from 5 Jan 2026, ongoing, adequate trial, PDC" in describe(
        record
    )
