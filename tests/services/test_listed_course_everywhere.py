"""Session 23 L2 item 1 (review s22 RR2 finding 5, its other cards): a course the service calls
"listed" (Trial.listed: an old statement, an order never filled, or an order left active whose
last fill ran out more than statement_confirmed_days ago) is never described as running.

The chart: a fluoxetine order of 2024-03-01 still active, one 30-day fill on 2024-03-02, nothing
since; as of 2026-12-01. Before: the measurement card said "On fluoxetine since 2024-03-01; no
PHQ-9 total on record: repeat the PHQ-9 to measure response", the adherence card's line ended
"...; ongoing", and at a sertraline draft "Sertraline ordered while fluoxetine (SSRI) is
running". After: no measurement card (as for every other listed course), the adherence line
names the listing and asks to confirm it, and the order card says "is listed" with its listing.

Charts: tests/services/listed_course_charts/ (US Core shaped requests, every prefetch key).
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
MEASURE = "measurement-based-care"
ADHERENCE = "adherence-review"
PATIENT_VIEW = "fluoxetine_order2024_filled_once_2024"
SELECT = "fluoxetine_order2024_filled_once_sertraline_select"
LISTING = "order still active, filled once on 2024-03-02"

_chart = chart_files.loader(Path(__file__).parent / "listed_course_charts")
_at = Evaluator(AS_OF)


@pytest.mark.parametrize("name", [PATIENT_VIEW, SELECT])
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


def test_a_course_last_filled_in_2024_gets_no_measurement_card() -> None:
    """Before: "[info] On fluoxetine since 2024-03-01; no PHQ-9 total on record: repeat the
    PHQ-9 to measure response"."""
    cards = _at.cards(_chart(PATIENT_VIEW))
    assert MEASURE not in {c["source"]["topic"]["code"] for c in cards}
    assert not any("On fluoxetine since" in c["summary"] for c in cards)


def test_the_adherence_card_names_the_listing_not_ongoing() -> None:
    """Before: "...(poor; PDC 3 %; gap 139.1 wk from 2024-04-01); ongoing"."""
    card = _at.by_topic(_chart(PATIENT_VIEW))[ADHERENCE]
    line = next(x for x in card["detail"].splitlines() if x.startswith("- **fluoxetine**"))
    assert line.endswith(
        f"; {LISTING}, supply ran out 2024-04-01: confirm it is still taken (reconcile the "
        "medication list: still taken? dose?)"
    )
    assert "ongoing" not in line


def test_a_supply_within_the_window_is_still_measured() -> None:
    """At 1000 days the supply that ran out on 2024-04-01 is inside the window: the course is
    not listed, and the measurement card asks for a PHQ-9 as before."""
    policy = Policy(mapping=MappingPolicy(statement_confirmed_days=1000))
    card = _at.by_topic(_chart(PATIENT_VIEW), policy=policy)[MEASURE]
    # The course counts from its first fill, 2024-03-02 (fhir_mapping/first_fill.py, review s23 RT 1).
    assert card["summary"].startswith("On fluoxetine since 2024-03-02")


def test_the_same_class_order_card_says_listed() -> None:
    """Before: "Sertraline ordered while fluoxetine (SSRI) is running: two SSRIs; plan the
    switch" with "fluoxetine 20 mg/day since 2024-03-01" in the detail."""
    cards = _at.cards(_chart(SELECT))
    card = next(c for c in cards if c["summary"].startswith("Sertraline ordered while"))
    assert card["summary"] == (
        "Sertraline ordered while fluoxetine (SSRI) is listed: two SSRIs; plan the switch"
    )
    assert card["indicator"] == "warning"  # the two SSRIs stay a concern: the safer reading
    assert f"fluoxetine 20 mg/day since 2024-03-02 (listed: {LISTING})" in card["detail"]
    assert not any("running" in c["summary"] + c["detail"] for c in cards)
