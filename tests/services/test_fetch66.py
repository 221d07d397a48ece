"""Session 41 leftovers (fix fetch66): a drafted drug of a critical interaction never checked in
silence against a medication list that could not be read (order_checks/med_list_unread.py, the
table data/med_list_unread.csv: which drafted classes need which feeds).

2. The MedicationStatement or MedicationDispense search failed (an error OperationOutcome, a
   403-shaped `forbidden` outcome) or was read in part (an `incomplete` warning), phenelzine
   drafted and sertraline known only from that feed: the MAOI diet card alone. Now the critical
   "Medication statements / fills could not be read" card naming the feed (fetch64's logic).
3. Pimozide, thioridazine or clozapine drafted (their own drug_interactions.csv rows critical)
   with the orders unread: a 412 (offline OfflineInputError) nobody sees; with the fills unread:
   nothing. Now the same critical card on the interaction topic, kept by required_gap.
4. Pimozide drafted with the orders unread and sertraline known only from its fills: the
   interaction card said "sertraline 150 mg/day, running since 2026-06-01" (fetch65 made the
   MAOI card say "may be running"); now "may be running (known only from its fills; its orders
   were not read)" (interaction_takings.running), the card still critical.
Controls: every feed read with no partner (no card of this kind); the partner read (its own
card, as before); a sertraline draft with the orders unread keeps the 412.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cds_hooks.offline import OfflineInputError
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "fetch66_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
MAOI = "order-maoi-interaction"
INTERACTION = "order-drug-interaction"

FAILING = {
    "phenelzine_statements_failed": "Medication statements could not be read: phenelzine (MAOI)",
    "phenelzine_statements_incomplete": "Medication statements were read only in part: "
    "phenelzine (MAOI)",
    "phenelzine_fills_forbidden": "Medication fills could not be read: phenelzine (MAOI)",
    "pimozide_orders_failed": "Current medication orders could not be read: pimozide",
    "thioridazine_orders_failed": "Current medication orders could not be read: thioridazine",
    "clozapine_orders_failed": "Current medication orders could not be read: clozapine",
    "clozapine_fills_failed": "Medication fills could not be read: clozapine",
}
CONTROLS = {
    "phenelzine_all_read_no_partner": "",
    "pimozide_all_read_no_partner": "",
    "phenelzine_statement_read": "Phenelzine (MAOI) ordered while sertraline is running",
    "pimozide_orders_read": "Pimozide ordered with sertraline possibly running",
    "sertraline_orders_failed": "412",
}
MAY_BE = {"pimozide_orders_failed_fills": "may be running (known only from its fills"}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FAILING, CONTROLS, MAY_BE)


@pytest.mark.parametrize("name", sorted(FAILING))
def test_a_critical_draft_beside_an_unread_feed_gets_the_critical_card(name: str) -> None:
    cards = _cards(name)
    topic = MAOI if "phenelzine" in name else INTERACTION
    card = cards[topic]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(f"{FAILING[name]} not checked"), card["summary"]
    assert "confirm the medication list" in card["summary"]
    assert "Confirm the medication list before signing" in card["detail"]
    if topic == INTERACTION:
        # The partners named from drug_interactions.csv's critical rows of the drafted drug.
        partner = {"pimozide": "sertraline", "thioridazine": "fluoxetine"}
        assert partner.get(name.split("_")[0], "fluvoxamine") in card["detail"]
    else:
        assert "14-day washout after an SSRI" in card["detail"]


@pytest.mark.parametrize("name", ["phenelzine_all_read_no_partner", "pimozide_all_read_no_partner"])
def test_control_every_feed_read_gives_no_unread_card(name: str) -> None:
    cards = _cards(name)
    assert not any(
        c["indicator"] == "critical" for t, c in cards.items() if t in (MAOI, INTERACTION)
    ), sorted(cards)


@pytest.mark.parametrize("name", ["phenelzine_statement_read", "pimozide_orders_read"])
def test_control_the_partner_read_keeps_its_own_card(name: str) -> None:
    cards = _cards(name)
    card = cards[MAOI if "phenelzine" in name else INTERACTION]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(CONTROLS[name]), card["summary"]


def test_a_partner_known_only_from_fills_with_the_orders_unread_may_be_running() -> None:
    card = _cards("pimozide_orders_failed_fills")[INTERACTION]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Pimozide ordered with sertraline possibly running")
    assert (
        "sertraline 150 mg/day, may be running (known only from its fills; its orders were not read)"
        in card["detail"]
    )
    assert "running since" not in card["detail"]


def test_control_a_sertraline_draft_with_the_orders_unread_keeps_the_412() -> None:
    with pytest.raises(OfflineInputError):
        _cards("sertraline_orders_failed")
