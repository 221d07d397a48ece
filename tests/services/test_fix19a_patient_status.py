"""Fix 19a, finding 1: the Patient record's own status is not an unread medication record.

A Patient `active: false` with no link (PATIENT_INACTIVE) or linked `replaced-by` another
(PATIENT_REPLACED) raises a gap in the medications domain (fhir_mapping/excluded_resources.py),
so that the optimise or data-quality card carries it. The timeline counted that gap as a
medication record ("1 medication record could not be read: see the card."), and so did the TMS
packet's summary box ("Data not read: 1 gap") and `--explain` ("Not read (1)"): no record went
unread; the record's status is the matter. Now every count leaves it out, and each place says
the status in the cards' words (fhir_mapping/gap_identity.py `record_status`).

Charts: tests/services/patient_status_charts/ (Epic / US Core shaped requests, every prefetch
key): ps01 inactive with no link, ps02 merged (replaced-by) and inactive, ps03 inactive beside a
real unread order (an NDC-only MedicationRequest).
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.explain import explain
from fhir_mapping.record import PatientRecord
from services.packet import render_packet
from services.policy import Policy
from services.timeline.page import render_page, unread_medications
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "patient_status_charts")
_leftover18 = chart_files.loader(Path(__file__).parent / "leftover18_charts")

INACTIVE = (
    "This Patient record is marked inactive (active: false): the history may be incomplete or "
    "held under another record"
)
MERGED = (
    "This patient record was merged into another: part of the history may be on the surviving "
    "record"
)


def _evaluate(doc: Doc) -> tuple[PatientRecord, list[Doc]]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return result.evaluation.record, cards


def _ledes(record: PatientRecord) -> list[str]:
    page = render_page(record)
    return [html.unescape(t) for t in re.findall(r'<p class="lede">(.*?)</p>', page)]


def _flat(markup: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", markup)))


def _summary_box_unread(record: PatientRecord) -> str:
    packet = render_packet(record, Policy())
    found = re.search(r'<a href="#unread">(.*?)</a>', packet, re.S)
    assert found, "no Data not read item in the summary box"
    return _flat(found.group(1)).strip()


def _unread_section(record: PatientRecord) -> str:
    packet = render_packet(record, Policy())
    found = re.search(r'<section id="unread">.*?</section>', packet, re.S)
    assert found
    return _flat(found.group(0))


@pytest.mark.parametrize(
    ("name", "said"),
    [("ps01_inactive_no_link", INACTIVE), ("ps02_replaced_by_inactive", MERGED)],
)
def test_timeline_says_the_record_status_and_counts_no_unread_record(name: str, said: str) -> None:
    record, _ = _evaluate(_chart(name))
    assert unread_medications(record) == 0
    ledes = _ledes(record)
    assert not any("could not be read" in line for line in ledes), ledes
    assert f"{said}; see the card." in ledes


def test_timeline_counts_the_real_unread_record_beside_the_status() -> None:
    record, _ = _evaluate(_chart("ps03_inactive_no_link_ndc_only_order"))
    ledes = _ledes(record)
    assert "1 medication record could not be read: see the card." in ledes
    assert f"{INACTIVE}; see the card." in ledes


def test_packet_summary_box_names_the_status_not_a_gap() -> None:
    record, _ = _evaluate(_chart("ps01_inactive_no_link"))
    assert _summary_box_unread(record) == "This Patient record is marked inactive (active: false)"
    record, _ = _evaluate(_chart("ps03_inactive_no_link_ndc_only_order"))
    assert _summary_box_unread(record) == (
        "This Patient record is marked inactive (active: false); 1 gap"
    )


def test_packet_unread_section_says_the_status_apart_from_what_was_not_read() -> None:
    record, _ = _evaluate(_chart("ps02_replaced_by_inactive"))
    section = _unread_section(record)
    assert "Patient record merged into another: Patient/" in section
    assert "could not all be read" not in section
    assert "Everything the EHR sent could be read." in section
    record, _ = _evaluate(_chart("ps03_inactive_no_link_ndc_only_order"))
    section = _unread_section(record)
    assert section.index(INACTIVE) < section.index("could not all be read")
    assert "1 medication record could not be read (drug not identifiable" in section


def test_explain_lists_the_status_apart_and_counts_only_unread_resources() -> None:
    record, _ = _evaluate(_chart("ps01_inactive_no_link"))
    text = explain(record)
    assert "Not read (0):\n   nothing: every relevant resource was read" in text
    assert f"Patient record status:\n   {INACTIVE}; check it" in text
    record, _ = _evaluate(_chart("ps03_inactive_no_link_ndc_only_order"))
    assert "Not read (1):" in explain(record)


def test_cards_still_carry_the_status_and_the_data_quality_summary_is_unchanged() -> None:
    # The cards' "Data not read" list names the status by its own line (never a count): the
    # optimise card of ps01, and the data-quality card of a chart with no other card.
    _, cards = _evaluate(_chart("ps01_inactive_no_link"))
    optimise = next(c for c in cards if c["source"]["topic"]["code"] == "optimize-switch-augment")
    assert f"- {INACTIVE}; check it" in optimise["detail"]
    assert not any("could not be read" in c["detail"] for c in cards)
    _, cards = _evaluate(_leftover18("e02c_patient_inactive_no_link_no_history"))
    (quality,) = [c for c in cards if c["source"]["topic"]["code"] == "data-quality"]
    assert quality["summary"] == INACTIVE
    _, cards = _evaluate(_chart("ps03_inactive_no_link_ndc_only_order"))
    details = "\n".join(c["detail"] for c in cards)
    assert "- 1 medication record could not be read (drug not identifiable" in details
