"""Recheck K1 (session 27) findings 1, 2 and 6: drafts that do not start their drug, beside an
MAOI start, and a failed course stopped on the order, their fixes pinned.

- Finding 1 (close to UNSAFE): sertraline 150 mg/day running, drafted at 100 mg/day (or stopped
  and ordered again at 150) beside a phenelzine start, read as a sertraline START on the same
  order: "Sertraline and phenelzine on the same order", "sertraline needs at least 14 days off
  phenelzine", and "Remove the draft sertraline order" (which leaves 150 mg/day running beside
  the MAOI). A draft that re-orders a running course with no stop continues it
  (services/draft_changes.py): the card reads phenelzine ordered while sertraline is running,
  names what the order does to it, and offers to remove the phenelzine draft only.
- Finding 2: an on-hold sertraline draft is a pause from today (the washout counts from today,
  "on hold on this same order"); an entered-in-error one is no order at all
  (fhir_mapping/data/draft_statuses.csv: FHIR R4 medicationrequest-status).
- Finding 6: fluoxetine 60 mg/day stopped on the order beside a sertraline start: the failed-
  class card listed fluoxetine "2026-06-01 – ongoing"; its dates now end at the stop.

Charts: tests/services/s27_maoi_lowered_charts/ (the RD reviewer's x14b and the K1 probes p10,
p11, p16, p17, p18; c01 a control: phenelzine running, sertraline lowered). Epic / US Core
shaped order-sign requests with every prefetch key, evaluated as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.draft_statuses import StatusReading, status_reading
from tests.services import chart_files
from tests.services.helpers import Evaluator, one_of_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
MAOI = "order-maoi-interaction"
REPEATS = "order-repeats-failed-trial"

_FOLDER = Path(__file__).parent / "s27_maoi_lowered_charts"
_chart = chart_files.loader(_FOLDER)
_at = Evaluator(date(2026, 12, 1))


def _removals(card: Doc) -> list[tuple[str, list[str]]]:
    return [
        (s["label"], [a["resourceId"] for a in s["actions"] if a["type"] == "delete"])
        for s in card.get("suggestions", [])
    ]


@pytest.mark.parametrize("path", sorted(_FOLDER.glob("*.json")), ids=lambda p: p.stem)
def test_charts_are_complete_requests(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


# --- finding 1: a running drug re-ordered beside an MAOI start -----------------------------------


@pytest.mark.parametrize(
    ("name", "change"),
    [
        ("x14b_sert_lowered100_phenelzine", "lowered to 100 mg/day on this order"),
        ("p16_sert_lowered_phz", "lowered to 100 mg/day on this order"),
        # The old order stopped and the same dose ordered again: the drug runs on.
        ("p18_sert_stop_restart150_phz", "renewed on this order"),
    ],
)
def test_a_re_ordered_running_drug_is_no_start_beside_an_maoi(name: str, change: str) -> None:
    card = one_of_topic(_at.cards(_chart(name)), MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        f"Phenelzine (MAOI) ordered while sertraline is running ({change}): stop sertraline "
        "at least 14 days first"
    )
    detail = card["detail"]
    assert "same order" not in card["summary"] + detail
    assert "sertraline needs at least 14 days" not in detail
    assert f"sertraline is running (since 2026-06-01; {change})" in detail
    assert "stop sertraline, then allow at least 14 days" in detail
    assert "CPS 2023 Table 5" in detail
    # Removing the sertraline draft would leave 150 mg/day running beside the MAOI.
    assert _removals(card) == [("Remove the draft phenelzine order", ["MedicationRequest/d-phz"])]


def test_a_lowered_dose_beside_a_running_maoi_still_warns() -> None:
    # Control: phenelzine running (ordered 2026-11-20), sertraline lowered on the order. The
    # pair meets whatever the order does to sertraline: critical, as before. Session 28: the
    # pair is the chart's, not the order's (order_checks/maoi_running.py), and removing the
    # lowering would leave 150 mg/day beside the MAOI: no removal offered.
    card = one_of_topic(_at.cards(_chart("c01_sert_lowered_phz_running")), MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Phenelzine (MAOI) ordered (no fill yet) and sertraline running already; this order "
        "only lowers sertraline, not starting the pair: stop one"
    )
    assert _removals(card) == []


# --- finding 2: on-hold and entered-in-error drafts ----------------------------------------------


def test_an_on_hold_draft_pauses_its_drug_from_today() -> None:
    card = one_of_topic(_at.cards(_chart("p11_sert_onhold_phz")), MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Phenelzine (MAOI) starts 2026-12-01, on the day of sertraline's last dose: not before "
        "2026-12-15 (14-day washout)"
    )
    detail = card["detail"]
    assert "same order: phenelzine is an MAOI" not in detail
    assert (
        "sertraline is on hold on this same order (last dose 2026-12-01 at the latest; not to be "
        "resumed with phenelzine)"
    ) in detail
    assert _removals(card) == [("Remove the draft phenelzine order", ["MedicationRequest/d-phz"])]


def test_an_entered_in_error_draft_is_no_order() -> None:
    card = one_of_topic(_at.cards(_chart("p10_sert_enteredinerror_phz")), MAOI)
    assert card["summary"] == (
        "Phenelzine (MAOI) ordered while sertraline is running: stop sertraline at least 14 "
        "days first"
    )
    assert "on this order" not in card["detail"]
    assert _removals(card) == [("Remove the draft phenelzine order", ["MedicationRequest/d-phz"])]


@pytest.mark.parametrize(
    ("status", "reading"),
    [
        ("stopped", StatusReading.HALTS),
        ("cancelled", StatusReading.HALTS),
        ("on-hold", StatusReading.HOLDS),
        ("entered-in-error", StatusReading.IGNORED),
        ("draft", StatusReading.ORDERS),
        ("active", StatusReading.ORDERS),
        (["on-hold"], StatusReading.ORDERS),  # no string: no status (fuzz field swaps)
        (None, StatusReading.ORDERS),
    ],
)
def test_draft_status_readings(status: object, reading: StatusReading) -> None:
    assert status_reading({"resourceType": "MedicationRequest", "status": status}) is reading


# --- finding 6: a failed course stopped on the order ---------------------------------------------


def test_a_failed_course_stopped_on_the_order_ends_at_its_stop() -> None:
    card = one_of_topic(_at.cards(_chart("p17_flx_stop_sert50_direct")), REPEATS)
    detail = card["detail"]
    assert "fluoxetine up to 60 mg/day, 2026-06-01 – 2026-12-01 (stop on this order)" in detail
    assert "| 2026-06-01 – 2026-12-01 (stop on this order) |" in detail
    assert "ongoing" not in detail
