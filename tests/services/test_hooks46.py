"""Session 36 hooks46: review K51b finding 2 (UNSAFE, old).

A required prefetch key the EHR could not fill (`conditions` or `medicationRequests` sent as an
error OperationOutcome, or Epic's bare 4101 "no results" warning in place of the Bundle, with no
FHIR server to ask) made the whole call a 412 while the prefetch held a PHQ-9 item 9 of 2: the EHR
showed nothing, the critical suicide-risk card lost. Now (services/required_gap.py) the call is
answered with that card alone, its detail naming the missing key and that the other cards are
withheld; no TMS, no trial card (they rest on the missing data). With no such card (item 9 = 0)
the refusal stands, as the CDS Hooks spec answers when required data cannot be
obtained.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cds_hooks.offline import OfflineInputError
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "hooks46_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2025, 6, 15))

CRITICAL = {
    "c_conditions_error_outcome_item9_2": "conditions",
    "c_conditions_epic_4101_outcome_item9_2": "conditions",
    "c_medication_requests_error_outcome_item9_2": "medicationRequests",
    "c_conditions_and_medication_requests_error_item9_3": "conditions",
    # Item 9 = 1 with no order read: the rules' critical card (assess today), kept alone too.
    "c_medication_requests_error_outcome_item9_1": "medicationRequests",
}
# Controls: no critical suicide-risk card in hand, the refusal (412 over HTTP) stands.
REFUSED = {
    "x_conditions_error_outcome_item9_0": "control",
    "x_medication_requests_error_outcome_item9_0": "control",
}
# Control: every key read, the whole screen as before (the suicide-risk card and the others).
FULL = {"f_all_read_item9_2": "control"}


def test_the_folder_holds_these_charts() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, REFUSED, FULL)


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_required_data_missing_keeps_the_suicide_risk_card_alone(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)
    assert set(cards) == {chart_files.RISK}, sorted(cards)
    detail = cards[chart_files.RISK]["detail"]
    assert f"**Required data not read:** `{CRITICAL[name]}`" in detail
    assert "other cards of this service are withheld" in detail


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_required_data_missing_with_no_critical_card_is_refused(name: str) -> None:
    with pytest.raises(OfflineInputError, match="required prefetch data could not be had"):
        _cards(name)


def test_a_chart_read_whole_keeps_its_other_cards() -> None:
    cards = _cards("f_all_read_item9_2")
    assert cards[chart_files.RISK]["indicator"] == "critical"
    assert len(cards) > 1
    assert "Required data not read" not in cards[chart_files.RISK]["detail"]
