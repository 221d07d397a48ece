"""Review K65a finding 2 (fix fetch64): an MAOI-kind drug drafted while the current medication
orders could not be read (the `medicationRequests` search failed: here an error OperationOutcome
as the EHR's prefetch value) and no fill or statement showing a partner was a 412 (offline:
OfflineInputError): the EHR showed nothing. Now a critical card says the orders could not be read
and what was not checked (services/order_checks/med_list_unread.py), kept alone by
services/required_gap.py. Controls: a draft of no critical interaction kind keeps the 412; the
partner found in the fills, or in the orders read, keeps the partner's card.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cds_hooks.offline import OfflineInputError
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "fetch64_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
MAOI = "order-maoi-interaction"
UNREAD = "Current medication orders could not be read: "

FAILING = {
    "phenelzine_orders_failed_no_fills": "phenelzine (MAOI)",
    "phenelzine_orders_failed_no_fills_sign": "phenelzine (MAOI)",
    "linezolid_orders_failed_no_fills": "linezolid (MAOI-acting)",
}
CONTROLS = {
    "sertraline_orders_failed_no_fills": "412",
    "phenelzine_orders_failed_fills": "Phenelzine (MAOI) ordered while sertraline may be running",
    "phenelzine_orders_read": "Phenelzine (MAOI) ordered while sertraline is running",
    "phenelzine_orders_read_no_fills": "Phenelzine (MAOI) ordered while sertraline may be running",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FAILING, CONTROLS)


@pytest.mark.parametrize("name", sorted(FAILING))
def test_a_drafted_maoi_with_the_orders_unread_is_never_silent(name: str) -> None:
    cards = _cards(name)
    assert set(cards) == {MAOI}, (name, sorted(cards))
    card = cards[MAOI]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(f"{UNREAD}{FAILING[name]} not checked"), card["summary"]
    assert "confirm the medication list" in card["summary"]
    # What to confirm, and the missing key named (required_gap's line).
    assert "Confirm the medication list before signing" in card["detail"]
    assert "`medicationRequests`" in card["detail"]
    if "phenelzine" in name:
        assert "14-day washout after an SSRI" in card["detail"]
    else:
        assert "if it is urgent do not withhold it" in card["detail"]


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_controls(name: str) -> None:
    if CONTROLS[name] == "412":
        with pytest.raises(OfflineInputError, match="medicationRequests"):
            _cards(name)
        return
    card = _cards(name)[MAOI]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(CONTROLS[name]), card["summary"]
    assert UNREAD not in card["summary"]
