"""Session 33 fix cards46: two card-wording defects (cards46_charts/, built on washout_edges'
recent-phenelzine chart; all 19 prefetch keys; as of 2026-12-01; Epic-style orders `stopped`
with a boundsPeriod end and a meta.lastUpdated that day).

1. WRONG (review K34): the MAOI washout card named the stopped drug's date and dropped the
   drugs running beside it. Chart open (maoi-combination): phenelzine stopped 2026-11-21 with
   sertraline 100 mg/day and trazodone 50 mg/day running read "Phenelzine (MAOI) stopped
   2026-11-21, trazodone running" (w01; w03 the same with tranylcypromine). Order-sign
   (order-maoi-interaction): phenelzine ordered with fluoxetine stopped 20 days before and
   tranylcypromine 5 days before, sertraline and trazodone running, read "Phenelzine (MAOI)
   ordered 20 days after fluoxetine stopped: not before 2026-12-16 (35-day washout)" when their
   orders had no fill yet (w06), a date that holds only once sertraline and trazodone are
   stopped. Now every drug that matters to the washout is on the summary: the stopped ones
   with their stop day (where it fits) and the days of washout left, the running ones with
   their dose ("also running: trazodone 50 mg/day, sertraline 100 mg/day").
2. Wording (cards43's running-trial line, K34 leftover): "judge it once 6 weeks ... are
   reached" of a course already 7 weeks in whose ward MAR shows it refused on 39 of 52 days;
   now "..., but given on 13 of 52 ward days (MAR): not an adequate trial until taken as
   prescribed". A course short of its weeks keeps "judge it once".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
CHART = "maoi-combination"
ORDER = "order-maoi-interaction"
TMS = "tms-referral"
_HERE = Path(__file__).parent
_cards = chart_files.topic_reader(_HERE / "cards46_charts", AS_OF)
_ward = chart_files.topic_reader(_HERE / "ward_mar_charts", AS_OF)
_ward_early = chart_files.topic_reader(_HERE / "ward_mar_charts", date(2026, 11, 12))

BOTH = "also running: trazodone 50 mg/day, sertraline 100 mg/day"


def _summary(found: dict[str, Any], topic: str) -> str:
    card = found[topic]
    assert card["indicator"] == "critical", card
    summary: str = card["summary"]
    assert len(summary) <= 140, summary
    return summary


# 1. The MAOI washout card names every drug that matters to the washout.


@pytest.mark.parametrize(
    ("name", "lead"),
    [
        ("w01_phz_stopped10_sert_traz_running", "Phenelzine (MAOI) stopped 2026-11-21"),
        (
            "w03_tcp_stopped5_flx_stopped20_sert_traz_running",
            "Tranylcypromine (MAOI) stopped 2026-11-26",
        ),
    ],
)
def test_chart_card_names_the_stopped_maoi_and_each_running_drug(name: str, lead: str) -> None:
    summary = _summary(_cards(name), CHART)
    days = "4" if "Phenelzine" in lead else "9"
    assert summary == f"{lead}, {days} days of washout left; {BOTH}"


def test_chart_card_orders_without_fills_keep_their_claim_and_doses() -> None:
    summary = _summary(_cards("w07_no_fills_phz_stopped10_sert_traz_running"), CHART)
    assert summary == (
        "Phenelzine (MAOI) stopped 2026-11-21, 4 days of washout left; also ordered (no fill "
        "yet): trazodone 50 mg/day, sertraline 100 mg/day"
    )


def test_chart_card_one_partner_keeps_its_step() -> None:
    summary = _summary(_cards("w02_phz_stopped10_sert_running"), CHART)
    assert summary == (
        "Phenelzine (MAOI) stopped 2026-11-21, 4 days of washout left; sertraline 100 mg/day "
        "running: confirm what is taken, watch for signs"
    )


def test_chart_card_pair_both_running_names_the_others_after_it() -> None:
    assert _summary(_cards("w08_phz_sert_traz_all_running"), CHART) == (
        "Phenelzine (MAOI) and trazodone both running; also running: sertraline 100 mg/day: "
        "stop one"
    )
    assert _summary(_cards("w09_phz_sert_running_flx_stopped20"), CHART) == (
        "Phenelzine (MAOI) and sertraline both running; fluoxetine stopped 2026-11-11, 15 days "
        "of washout left: stop one"
    )


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        # cards47 (review K36a finding 7): the running partners' own washout into the draft
        # (stop, then 14 days) now leads, before the stopped drugs' shorter days left.
        (
            "w04_phz_stopped10_sert_traz_new_tcp.order-sign",
            "Tranylcypromine (MAOI): stop trazodone 50 mg/day and sertraline 100 mg/day, then 14 "
            "days; washout left: phenelzine 4 days",
        ),
        (
            "w05_tcp5_flx20_sert_traz_new_phz.order-sign",
            "Phenelzine (MAOI): stop trazodone and sertraline, then 14 days; washout left: "
            "fluoxetine 15 days, tranylcypromine 9 days",
        ),
        (
            "w06_no_fills_tcp5_flx20_sert_traz_new_phz.order-sign",
            "Phenelzine (MAOI): stop trazodone, sertraline (both ordered, no fill yet), then up "
            "to 14 days; fluoxetine 15, tranylcypromine 9 days left",
        ),
    ],
)
def test_order_card_names_stopped_and_running_partners(name: str, summary: str) -> None:
    found = _cards(name)
    assert _summary(found, ORDER) == summary
    detail = found[ORDER]["detail"]
    # The detail keeps each partner's own line, with its stop day or its running course.
    for drug in ("trazodone", "sertraline"):
        assert f"**{drug.capitalize()} → " in detail
    assert "not before 2026-12-16" not in found[ORDER]["summary"]


# 2. The running-trial line on a course past its weeks whose adherence is poor.


def test_running_trial_past_its_weeks_with_poor_adherence_says_so() -> None:
    detail = _ward("ward_venlafaxine_refused_39_of_52")[TMS]["detail"]
    assert (
        "**Trial running, not judged yet:** venlafaxine 150 mg/day since 2026-10-10 (7 weeks), "
        "but given on 13 of 52 ward days (MAR): not an adequate trial until taken as prescribed"
    ) in detail
    assert "judge it once" not in detail


def test_running_trial_short_of_its_weeks_keeps_the_judge_line() -> None:
    detail = _ward_early("ward_venlafaxine_refused_39_of_52")[TMS]["detail"]
    assert (
        "**Trial running, not judged yet:** venlafaxine 150 mg/day since 2026-10-10 (4 weeks): "
        "judge it once 6 weeks at an adequate dose are reached"
    ) in detail
    assert "not an adequate trial until" not in detail
