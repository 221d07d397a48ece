"""Review s23 RR2 findings 5 and 6: a declined or cancelled dispense shows the fill feed, and an
order no fill shows yet is said so (fhir_mapping/unfilled_order.py).

- Finding 5: an escitalopram order of 2025-06-01 whose only dispense was declined (prior
  authorisation), no other fill, read "2025-06-01 -> 2026-12-01 (548 days), adequate": "1
  adequate trial failed (escitalopram): switch ...". A chart whose only dispense is a cancelled
  lisinopril one read the same. Any dispense but entered-in-error now shows the feed, so the
  order takes rule 2c (listed, to confirm), and the declined fill of the order is named on the
  adherence card: "fill declined 2025-06-02".
- Finding 6: phenelzine ordered 2026-11-21, never filled (the feed carries lisinopril), a
  sertraline draft at order-sign: "Sertraline ordered while phenelzine (MAOI) is running". Now
  "phenelzine (MAOI) is ordered (2026-11-21, no fill yet)", the indicator still critical.

Charts: tests/services/refused_fill_charts/ (US Core shaped requests, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
ADHERENCE = "adherence-review"

_chart = chart_files.loader(Path(__file__).parent / "refused_fill_charts")
_at = Evaluator(date(2026, 12, 1))
_cards = _at.cards


def _dispenses(doc: Doc) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"]["medicationDispenses"]["entry"]]


# --- finding 5: a declined or cancelled dispense shows the feed --------------------------------


def test_declined_fill_of_the_order_is_no_failed_trial_and_is_named() -> None:
    cards = by_topic(_cards(_chart("escitalopram_fill_declined_prior_auth")))
    assert OPTIMISE not in cards  # was "1 adequate trial failed (escitalopram): switch ..."
    adherence = cards[ADHERENCE]
    assert "escitalopram: order of 2025-06-01, fill declined 2025-06-02" in adherence["summary"]
    assert "(fill declined 2025-06-02)" in adherence["detail"]


def test_only_a_cancelled_dispense_of_another_drug_shows_the_feed() -> None:
    cards = by_topic(_cards(_chart("only_dispense_cancelled_lisinopril")))
    # span74: a cancelled lisinopril dispense says nothing of escitalopram: orders-only, counted.
    summary = cards[ADHERENCE]["summary"]
    assert "escitalopram: no supply since 2026-05-27 (188 days)" in summary
    assert "fill cancelled" not in summary  # the cancelled fill is of lisinopril, not the order


def test_an_entered_in_error_dispense_is_no_feed() -> None:
    """No feed, and (orders32, "a card never claims more than the record shows") the order is
    counted up to its authorised supply all the same: was "1 adequate trial failed
    (escitalopram)" (the order ran to as-of); orders33: its 360 days ran out 2026-05-27, read as
    a filled course's supply would be: the adherence card asks first ("no fill on record": no
    feed), the optimise card held behind it, nothing refused named."""
    doc = _chart("only_dispense_cancelled_lisinopril")
    _dispenses(doc)[0]["status"] = "entered-in-error"
    cards = by_topic(_cards(doc))
    assert OPTIMISE not in cards
    summary = cards[ADHERENCE]["summary"]
    assert "escitalopram: no supply since 2026-05-27 (188 days): confirm it is still taken" in (
        summary
    )
    assert "authorised; no fill on record)" in cards[ADHERENCE]["detail"]
    assert "fill cancelled" not in summary


def test_a_declined_dispense_after_as_of_is_no_record_yet() -> None:
    """The declined dispense dated after as-of is no record yet: no "fill declined" said, and no
    feed: the order's 360 days ran out 2026-05-27, the adherence card asks first (orders33, as
    a filled course's supply; was "1 adequate trial failed", then "listed" in orders32)."""
    doc = _chart("escitalopram_fill_declined_prior_auth")
    _dispenses(doc)[0]["whenPrepared"] = "2027-01-05T09:30:00-05:00"
    cards = by_topic(_cards(doc))
    assert OPTIMISE not in cards
    summary = cards[ADHERENCE]["summary"]
    assert "escitalopram: no supply since 2026-05-27 (188 days): confirm it is still taken" in (
        summary
    )
    assert "fill declined" not in summary


def test_a_cancelled_fill_of_the_order_is_named_cancelled() -> None:
    doc = _chart("escitalopram_fill_declined_prior_auth")
    _dispenses(doc)[0]["status"] = "cancelled"
    summary = by_topic(_cards(doc))[ADHERENCE]["summary"]
    assert "order of 2025-06-01, fill cancelled 2025-06-02" in summary


# --- finding 6: an order no fill shows yet ------------------------------------------------------


def test_unfilled_recent_maoi_order_is_ordered_not_running() -> None:
    cards = _cards(_chart("phenelzine_ordered_10d_unfilled_sertraline_sign"))
    maoi = by_topic(cards)["order-maoi-interaction"]
    assert maoi["indicator"] == "critical"
    # span74: no antidepressant's fill on the feed: orders-only, the order inside its supply runs.
    assert maoi["summary"].startswith("Sertraline ordered while phenelzine (MAOI) is running: ")
    assert "phenelzine is running (since 2026-11-21)." in maoi["detail"]  # span74


def test_a_filled_maoi_order_still_reads_running() -> None:
    doc = _chart("phenelzine_ordered_10d_unfilled_sertraline_sign")
    fill = dict(_dispenses(doc)[0])
    order = next(
        e["resource"]
        for e in doc["prefetch"]["medicationRequests"]["entry"]
        if "phenelzine" in e["resource"]["medicationCodeableConcept"]["text"]
    )
    fill.update(
        id="phenelzine-fill-1",
        medicationCodeableConcept=order["medicationCodeableConcept"],
        authorizingPrescription=[{"reference": f"MedicationRequest/{order['id']}"}],
        whenPrepared="2026-11-22T09:30:00-05:00",
        whenHandedOver="2026-11-22T09:30:00-05:00",
        quantity={"value": 90, "unit": "tablet"},
        daysSupply={"value": 30, "unit": "day", "system": "http://unitsofmeasure.org", "code": "d"},
    )
    doc["prefetch"]["medicationDispenses"]["entry"].append({"resource": fill})
    maoi = by_topic(_cards(doc))["order-maoi-interaction"]
    assert maoi["indicator"] == "critical"
    assert "phenelzine (MAOI) is running" in maoi["summary"]
