"""Session 33 fix drug50 (recheck K35b finding 7): a medication record whose status is `unknown`
(FHIR R4 MedicationRequest and MedicationStatement: the state cannot be determined) may be taken
now. For the TMS safety screen and the bupropion option that is the safer reading, unless an end
it states says it ended long ago.

Charts: drug50_charts/ (all 19 prefetch keys; as of 2026-12-01): drug48's no_unidentified chart
(two failed trials, PHQ-9 18) with one record added.

1. An unidentified drug (RxNorm 2599543 with no name; an Oracle-shaped contained Medication with
   only an NDC) on an Epic order or a statement with status `unknown`: before, TMS
   "Met · ... Contraindications" and "NDRI: bupropion" (stricter than `intended`, which was
   screened); now the screen item, worded as possibly running ("status unknown"), and bupropion
   not listed (fhir_mapping/unidentified_taken.py).
2. A named levetiracetam statement with status `unknown` (tms43's antiseizure screen): the same
   gap, the same fix (services/antiseizure_screen.py reads DataGap.taken_now of such a record).
3. Controls: status `unknown` with an end stated last year (a statement's effectivePeriod, an
   order's validityPeriod); `completed`, `stopped`, `entered-in-error`: not screened.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
HERE = Path(__file__).parent / "drug50_charts"
TMS = "tms-referral"
OPTIMIZE = "optimize-switch-augment"
_cards = chart_files.topic_reader(HERE, AS_OF)
_ASK = "check it is not an antiseizure drug before referral"
_LEV = "levetiracetam possibly running (status unknown), no indication coded: seizure disorder?"


def test_every_chart_carries_the_prefetch_keys() -> None:
    for path in sorted(HERE.glob("*.json")):
        chart_files.check_chart(chart_files.loader(HERE)(path.stem))


@pytest.mark.parametrize(
    ("chart", "codes", "dated"),
    [
        ("order_unknown_rxnorm", " (RxNorm 2599543)", "ordered 2025-03-10, status unknown"),
        # fix drug51: the NDC is named (was "").
        ("oracle_order_unknown_ndc", " (NDC 68180051309)", "ordered 2025-03-10, status unknown"),
        ("statement_unknown_rxnorm", " (RxNorm 2599543)", "stated 2026-11-20, status unknown"),
    ],
)
def test_an_unidentified_drug_of_status_unknown_is_screened_as_possibly_running(
    chart: str, codes: str, dated: str
) -> None:
    cards = _cards(chart)
    tms = cards[TMS]
    item = f"possibly running medication not identified{codes}: {_ASK}"
    first = f"safety screen first: possibly running medication not identified{codes}"
    assert first in tms["summary"]
    assert f"**TMS safety screen required:** {item} ({dated})" in tms["detail"]
    assert f"to screen: {item} ({dated})" in tms["detail"]
    assert "Contraindications · Earlier TMS" not in tms["detail"]
    switch = cards[OPTIMIZE]["detail"]
    assert "NDRI: bupropion" not in switch
    assert "bupropion not listed: a running medication is not identified" in switch


def test_a_levetiracetam_statement_of_status_unknown_is_screened() -> None:
    cards = _cards("statement_unknown_levetiracetam")
    tms = cards[TMS]
    first = "safety screen first: levetiracetam possibly running (status unknown)"
    assert first in tms["summary"]
    assert f"**TMS safety screen required:** {_LEV} (recorded 2026-11-20)" in tms["detail"]
    assert "Contraindications · Earlier TMS" not in tms["detail"]
    switch = cards[OPTIMIZE]["detail"]
    assert "NDRI: bupropion" not in switch
    assert "bupropion not listed: an antiseizure drug runs" in switch


@pytest.mark.parametrize(
    "chart",
    [
        "statement_unknown_ended_last_year",
        "order_unknown_validity_ended_last_year",
        "statement_unknown_levetiracetam_ended",
        "statement_completed_rxnorm",
        "statement_stopped_rxnorm",
        "statement_entered_in_error_rxnorm",
        "order_completed_rxnorm",
        "order_entered_in_error_rxnorm",
        "statement_completed_levetiracetam",
    ],
)
def test_an_ended_or_stopped_record_is_not_screened(chart: str) -> None:
    cards = _cards(chart)
    tms = cards[TMS]
    assert "safety screen" not in tms["summary"]
    assert "not identified" not in tms["detail"]
    assert "seizure disorder?" not in tms["detail"]
    assert "Contraindications · Earlier TMS" in tms["detail"]
    assert "NDRI: bupropion" in cards[OPTIMIZE]["detail"]
    assert "bupropion not listed" not in cards[OPTIMIZE]["detail"]
