"""Review K60a findings 3, 4 (meds52): a clinic order read `unknown` (sent so, missing, or a status
its value set does not define) may be running while its supply with repeats may last
(fhir_mapping/unknown_order.py).

- Finding 3 (UNSAFE): a phenelzine order of 2026-10-01 (90 tablets, 30 days, 2 repeats), status
  `unknown`, beside a sertraline draft gave no card; with no status or "Active" only "1 medication
  record could not be read", naming neither phenelzine nor the MAOI risk. The same order `active`
  gave a critical card. Now critical: "phenelzine (MAOI) may be running", the record to confirm
  named with its supply's reach.
- Finding 4: the order authored 2026-10-20 read "Sertraline ordered 12 days after phenelzine
  (MAOI) stopped: not before 2026-12-03": nothing says it stopped. Now "may be running".
Controls: the `active` order keeps its "is listed" card; an `unknown` order of 2025-06-01, whose
supply reached 2025-08-30, stays exposure history (no card).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "meds52_charts"
_chart = chart_files.loader(_FOLDER)
_cards = Evaluator(date(2026, 12, 1)).cards
MAOI = "order-maoi-interaction"

FIXED = {
    "phenelzine_order_unknown_1001_sertraline_sign": "fixed: was no card",
    "phenelzine_order_Active_0815_sertraline_sign": "fixed: was data-quality card only",
    "phenelzine_order_unknown_1020_sertraline_sign": "fixed: was 'stopped ... not before'",
    "sertraline_order_unknown_1001_phenelzine_sign": "fixed: reverse, was MAOI diet card only",
    "phenelzine_order_unknown_1001_patient_view": "fixed: was no card naming the order",
}
CONTROLS = {
    "phenelzine_order_active_1001_sertraline_sign": "control",
    "phenelzine_order_unknown_2025_sertraline_sign": "control",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


@pytest.mark.parametrize(
    "name",
    [
        "phenelzine_order_unknown_1001_sertraline_sign",
        "phenelzine_order_Active_0815_sertraline_sign",
        "phenelzine_order_unknown_1020_sertraline_sign",
    ],
)
def test_unknown_maoi_order_may_be_running(name: str) -> None:
    maoi = by_topic(_cards(_chart(name)))[MAOI]
    assert maoi["indicator"] == "critical"
    assert "Sertraline ordered while phenelzine (MAOI) may be running" in maoi["summary"]
    assert "stopped" not in maoi["summary"]
    assert "its supply with repeats reache" in maoi["detail"]


def test_order_with_no_status_may_be_running() -> None:
    doc = _chart("phenelzine_order_unknown_1001_sertraline_sign")
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        if "phenelzine" in entry["resource"]["medicationCodeableConcept"]["text"]:
            del entry["resource"]["status"]
    maoi = by_topic(_cards(doc))[MAOI]
    assert maoi["indicator"] == "critical"
    assert "phenelzine (MAOI) may be running" in maoi["summary"]
    assert "status missing, read as unknown, recorded 2026-10-01" in maoi["detail"]
    assert "its supply with repeats reaches 2026-12-30" in maoi["detail"]


def test_reverse_unknown_sertraline_order_and_phenelzine_draft() -> None:
    maoi = by_topic(_cards(_chart("sertraline_order_unknown_1001_phenelzine_sign")))[MAOI]
    assert maoi["indicator"] == "critical"
    assert "Phenelzine (MAOI) ordered while sertraline may be running" in maoi["summary"]


def test_patient_view_names_the_order_possibly_taken() -> None:
    cards = _cards(_chart("phenelzine_order_unknown_1001_patient_view"))
    text = " ".join(c["summary"] + c.get("detail", "") for c in cards)
    assert "phenelzine, may be taken now" in text
    assert "its supply with repeats reaches 2026-12-30" in text


def test_controls() -> None:
    active = by_topic(_cards(_chart("phenelzine_order_active_1001_sertraline_sign")))[MAOI]
    # span74: the chart's only fills are no antidepressant's: orders-only, running, still critical.
    assert "phenelzine (MAOI) is running" in active["summary"]
    assert active["indicator"] == "critical"
    old = by_topic(_cards(_chart("phenelzine_order_unknown_2025_sertraline_sign")))
    assert MAOI not in old
