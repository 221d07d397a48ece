"""Session 42 leftovers (fix care66): care / pregnancy / psychosis / fetch.

6. Sertraline drafted with the MedicationRequest search failed, and pimozide known from a fill
   that ran out last month or a statement that ended this month (possibly running: its order, or
   a later fill's, may be what could not be read): a 412 nobody sees. Now the critical "Current
   medication orders could not be read: sertraline not checked against pimozide; confirm the
   medication list" card (order_checks/med_list_unread.py, the `critical-partner-on-record` row of
   data/med_list_unread.csv), only for a partner the record shows within the longest washout.
   And with several feeds unread (statements and fills) every one is named, not the first alone.
3. A resolved "History of" O80 with no onset read "Delivered on <recordedDate>" (the day it was
   charted): now "Delivery on record (date not recorded; charted ...)" (rules/delivery_names.py).
4. CPT 59430 (postpartum care only) read "Delivered on <its date>": care after a birth, now
   "Delivery before <date> (postpartum care that day)" (data/delivery_care_after.csv).
Controls: pimozide running (the interaction card, as before); a pimozide fill that ran out in
July, and a mirtazapine statement (no critical partner): the 412 stays.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cds_hooks.offline import OfflineInputError
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "care66_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
INTERACTION = "order-drug-interaction"
MAOI = "order-maoi-interaction"

FAILING = {
    "o_sertraline_orders_failed_pimozide_fill_ran_out": "2026-11-04",
    "o_sertraline_orders_failed_pimozide_statement_ended": "2026-11-10",
    "o_phenelzine_statements_and_fills_failed": "fixed",
}
CONTROLS = {
    "o_sertraline_orders_failed_pimozide_fill": "Sertraline ordered with pimozide possibly running",
    "o_sertraline_orders_failed_pimozide_statement": "Sertraline ordered with pimozide running",
    "o_sertraline_orders_failed_pimozide_fill_june_control": "412",
    "o_sertraline_orders_failed_mirtazapine_control": "412",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FAILING, CONTROLS, DELIVERY, DELIVERY_CONTROLS)


@pytest.mark.parametrize(
    "name",
    [
        "o_sertraline_orders_failed_pimozide_fill_ran_out",
        "o_sertraline_orders_failed_pimozide_statement_ended",
    ],
)
def test_an_ssri_draft_beside_a_pimozide_on_record_gets_the_unread_card(name: str) -> None:
    card = _cards(name)[INTERACTION]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Current medication orders could not be read: sertraline not checked against pimozide; "
        "confirm the medication list"
    )
    assert f"pimozide (last on record {FAILING[name]})" in card["detail"]
    assert "Confirm the medication list before signing" in card["detail"]


def test_every_unread_feed_is_named() -> None:
    card = _cards("o_phenelzine_statements_and_fills_failed")[MAOI]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Medication statements and medication fills not read")
    assert "**Medication statements and medication fills could not be read:**" in card["detail"]
    assert "a statement of a drug taken or a fill may be among those not read" in card["detail"]


@pytest.mark.parametrize(
    "name",
    ["o_sertraline_orders_failed_pimozide_fill", "o_sertraline_orders_failed_pimozide_statement"],
)
def test_control_a_running_pimozide_keeps_the_interaction_card(name: str) -> None:
    card = _cards(name)[INTERACTION]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith(CONTROLS[name]), card["summary"]


@pytest.mark.parametrize(
    "name",
    [
        "o_sertraline_orders_failed_pimozide_fill_june_control",
        "o_sertraline_orders_failed_mirtazapine_control",
    ],
)
def test_control_nothing_of_the_kind_on_record_keeps_the_412(name: str) -> None:
    with pytest.raises(OfflineInputError):
        _cards(name)


# Items 3 and 4: a delivery line dates the birth only when the record says so.
DELIVERY = {
    "d_hx_O80_recorded_no_pregnancy": "**Delivery on record (date not recorded; charted 2026-11-20)**",
    "d_hx_O80_recorded_with_pregnancy": "**Delivery on record (date not recorded; charted 2026-11-20)**",
    "d_cpt59430_postpartum_care": "**Delivery before 2026-11-24 (postpartum care that day)**",
    "d_cpt59430_no_pregnancy": "**Delivery before 2026-11-24 (postpartum care that day)**",
}
DELIVERY_CONTROLS = {"d_hx_O80_onset_control": "**Delivered on 2026-11-10**"}


def _details(name: str) -> str:
    return "\n".join(c.get("detail") or "" for c in _cards(name).values())


@pytest.mark.parametrize("name", sorted(DELIVERY))
def test_a_charting_or_care_date_is_not_called_the_birth(name: str) -> None:
    text = _details(name)
    assert DELIVERY[name] in text, text
    assert "**Delivered on" not in text
    assert "counted from the" in text  # the postnatal year from that later day, said so


def test_control_a_stated_onset_is_the_birth_date() -> None:
    text = _details("d_hx_O80_onset_control")
    assert DELIVERY_CONTROLS["d_hx_O80_onset_control"] in text
