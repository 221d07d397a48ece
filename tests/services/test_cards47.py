"""Session 33 fix cards47 (review K36a findings 7, 8: cards46 follow-ups). cards47_charts/ are
the reviewer's charts: cards46's washout charts with sertraline swapped for fluoxetine or
vortioxetine (all 19 prefetch keys; as of 2026-12-01).

7. UNSAFE: a tranylcypromine draft beside a phenelzine stopped 2026-11-21 and fluoxetine and
   trazodone running read "...: phenelzine (MAOI) stopped 2026-11-21, 4 days of washout left;
   also running: fluoxetine, trazodone 50 mg/day", which reads as "start in 4 days", while
   fluoxetine must be stopped and then washed out 35 days (trazodone 14: the washout table).
   The longest wait the record implies now leads. The chart card (no draft) leads with
   fluoxetine's 35 days before any MAOI, ahead of the phenelzine's days left.
8. MINOR: with two "possibly running" partners the order summary dropped the stopped drugs'
   days left ("fluoxetine and tranylcypromine stopped within washout"); each keeps its days.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
CHART = "maoi-combination"
ORDER = "order-maoi-interaction"
_cards = chart_files.topic_reader(Path(__file__).parent / "cards47_charts", AS_OF)


def _summary(found: dict[str, Any], topic: str) -> str:
    card = found[topic]
    assert card["indicator"] == "critical", card
    summary: str = card["summary"]
    assert len(summary) <= 140, summary
    return summary


def _lead_is_longest(summary: str, longest: int) -> None:
    """The first number of days the summary gives is the longest wait."""
    first = re.search(r"(\d+) days?", summary)
    assert first is not None and int(first.group(1)) == longest, summary


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        (
            "w04_flx_tcp_new_phz_stopped10_flx_traz_running.order-sign",
            "Tranylcypromine (MAOI): stop fluoxetine, then 35 days; stop trazodone 50 mg/day, "
            "then 14 days; washout left: phenelzine 4 days",
        ),
        (
            # meds45: its latest fluoxetine order is coded 20 mg but says "1 tablet (100 mg)":
            # the dose is to confirm, no longer the 20 mg of the course before it.
            "w05_flx_phz_new_tcp5_flx_traz_running.order-sign",
            "Phenelzine (MAOI): stop fluoxetine, then 35 days; stop trazodone 50 mg/day, then 14 "
            "days; washout left: tranylcypromine 9 days",
        ),
        (
            "w06_flx_no_fills.order-sign",
            "Phenelzine (MAOI): stop fluoxetine, trazodone (both ordered, no fill yet), then up "
            "to 35 days; washout left: tranylcypromine 9 days",
        ),
    ],
)
def test_order_card_leads_with_running_fluoxetines_35_days(name: str, summary: str) -> None:
    found = _cards(name)
    said = _summary(found, ORDER)
    assert said == summary
    _lead_is_longest(said, 35)
    assert "stop fluoxetine, then allow at least 35 days" in found[ORDER]["detail"]


def test_chart_card_leads_with_fluoxetines_wait_before_any_maoi() -> None:
    said = _summary(_cards("w02_flx_phz_stopped10_flx_running"), CHART)
    # Fix order47: fluoxetine's dose to confirm is said (the stop day gives way to it; the days
    # left stay).
    assert said == (
        "Fluoxetine (dose to confirm, up to 100 mg/day) running: 35 days off it before any MAOI; "
        "phenelzine (MAOI) stopped, 4 days of washout left"
    )
    _lead_is_longest(said, 35)


def test_two_possibly_running_partners_keep_each_stopped_drugs_days_left() -> None:
    said = _summary(_cards("w05_vort_two_possibly_running.order-sign"), ORDER)
    assert "fluoxetine 15, tranylcypromine 9 days left" in said
    assert "stopped within washout" not in said
    for drug in ("vortioxetine", "levomilnacipran", "trazodone"):
        assert drug in said
    _lead_is_longest(said, 21)
