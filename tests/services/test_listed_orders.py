"""Review s22 RR findings 8 and 9: an old `active` order that states no supply.

- Finding 8 (phenelzine_order2024_never_filled_*_select): a phenelzine order of 2024-03-01, never
  filled or renewed, with sertraline or tramadol drafted: the critical MAOI card (right) said
  "phenelzine (MAOI) is running (since 2024-03-01)" while the interaction cards call such a course
  "listed". It now words the state from the same rule (taken_to_confirm.course_claim): "is listed
  (order of 2024-03-01 still active, never filled or renewed; confirm whether it is taken)";
  the card stays critical and the washout stands.
- Finding 9 (fluoxetine_order2024_first_fill_2026_11): the same order shape for fluoxetine, first
  filled on 2026-11-01 at another pharmacy: "On fluoxetine since 2024-03-01", 143.6 weeks at an
  adequate dose on one 30-day fill. A fill more than statement_confirmed_days after the order
  starts the counted course (fhir_mapping/event_spans.py rule 2c).

Charts: tests/services/listed_order_charts/ (the review's probe charts: every prefetch key, valid
R4B). As of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.policy import MappingPolicy
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
ORDER = "440d4da1-9b48-5f92-8716-3e1a55b0d280"  # the 2024-03-01 order of every chart here

_chart = chart_files.loader(Path(__file__).parent / "listed_order_charts")
_at = Evaluator(AS_OF)


def _order(doc: Doc) -> Doc:
    for resource in chart_files.prefetch_resources(doc):
        if resource.get("id") == ORDER:
            return resource
    raise AssertionError("no order")


def _maoi_card(doc: Doc) -> dict[str, Any]:
    cards = _at.cards(doc)
    assert len(cards) == 1
    return cards[0]


# --- finding 8: the MAOI card words a listed order as listed -----------------------------------


@pytest.mark.parametrize(
    ("name", "drug"),
    [
        ("phenelzine_order2024_never_filled_sertraline_select", "Sertraline"),
        ("phenelzine_order2024_never_filled_tramadol_select", "Tramadol"),
    ],
)
def test_never_filled_maoi_order_is_listed_not_running(name: str, drug: str) -> None:
    card = _maoi_card(_chart(name))
    assert card["indicator"] == "critical"  # the washout stands: the safer reading
    # Review s23 RR finding 5: a listed partner is named with what keeps it listed, to confirm.
    # orders33: the chart sends no dispense, so "no fill on record", not "never filled".
    assert card["summary"] == (
        f"{drug} with phenelzine (MAOI) listed (order of 2024-03-01, no fill on record): "
        "confirm it is not taken (14-day washout if taken)"
    )
    assert "running" not in card["summary"] + card["detail"]
    assert (
        "phenelzine is listed (order of 2024-03-01 still active, no fill on record; "
        "confirm whether it is taken). An MAOI with" in card["detail"]
    )


def test_filled_maoi_order_still_reads_running() -> None:
    """Control: the same order filled last month is running, as before."""
    doc = _chart("phenelzine_order2024_never_filled_sertraline_select")
    order = _order(doc)
    order["authoredOn"] = "2026-11-01T09:30:00-05:00"
    card = _maoi_card(doc)
    assert card["indicator"] == "critical"
    assert "phenelzine (MAOI) is running" in card["summary"]
    assert "phenelzine is running (since 2026-11-01)" in card["detail"]


# --- finding 9: a first fill long after the order starts the course ---------------------------


def _measurement_summary(doc: Doc, policy: Policy | None = None) -> str:
    cards = _at.cards(doc, policy=policy)
    [card] = [c for c in cards if "repeat the PHQ-9" in c["summary"]]
    return f"{card['summary']}\n{card['detail']}"


def test_fill_long_after_a_no_supply_order_starts_the_course() -> None:
    text = _measurement_summary(_chart("fluoxetine_order2024_first_fill_2026_11"))
    assert text.startswith("On fluoxetine since 2026-11-01")
    assert "| 2026-11-01 – ongoing | 4.3 |" in text
    assert "143.6" not in text and "2024-03-01" not in text


def test_fill_within_the_confirmation_window_keeps_the_order_day() -> None:
    """Control: an order of 2026-01-05 first filled on 2026-11-01 (300 days, within
    statement_confirmed_days = 365) counts from the order, as before."""
    doc = _chart("fluoxetine_order2024_first_fill_2026_11")
    _order(doc)["authoredOn"] = "2026-01-05T09:30:00-05:00"
    assert _measurement_summary(doc).startswith("On fluoxetine since 2026-01-05")


def test_the_window_is_the_clinic_setting() -> None:
    """statement_confirmed_days is policy: at 1000 days the 2024 order counts from its day."""
    policy = Policy(mapping=MappingPolicy(statement_confirmed_days=1000))
    text = _measurement_summary(_chart("fluoxetine_order2024_first_fill_2026_11"), policy)
    assert text.startswith("On fluoxetine since 2024-03-01")


def test_listed_maoi_statement_is_listed_in_the_switch_washout_line() -> None:
    """The same rule on the patient-view cards: a phenelzine statement last confirmed
    2025-05-26 beside running escitalopram (reading20 u01) is "listed", not "running", in the
    combination card and in the switch card's washout line."""
    chart = chart_files.loader(Path(__file__).parent / "reading20_charts")
    text = "\n".join(
        c["summary"] + "\n" + c["detail"]
        for c in _at.cards(chart("u01_phenelzine_statement_active_on_escitalopram"))
    )
    assert "phenelzine (MAOI) listed since 2025-05-01" in text
    assert (
        "phenelzine (an MAOI) is listed (statement active since 2025-05-01, last confirmed "
        "2025-05-26; confirm whether it is taken): at least 14 days off it" in text
    )
    assert "phenelzine (an MAOI) is running" not in text
