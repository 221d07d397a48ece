"""Session 28 leftovers of the s27 draft-order fixes (order-sign / order-select), pinned.

- Leftover 1 (close to UNSAFE): phenelzine (or tranylcypromine) running, sertraline running
  beside it, and a draft that lowers (or renews) one of the two: the MAOI card read the draft as
  a start and offered "Remove the draft sertraline order", which removes only the lowering and
  leaves 150 mg/day beside the MAOI. The card now says the pair runs already (or met within the
  MAOI's washout), names both courses with their doses and dates and what the order does, and
  offers no removal (order_checks/maoi_running.py). A draft that starts the second drug keeps
  its removal.
- Leftover 2: two drafts of the new drug of a cross-taper (sertraline 50 + 25 mg beside a
  citalopram taper) were named one dose at a time; now their total and parts
  (order_checks/cross_taper.py).
- Leftover 3: a stop and a lower dose of one drug on one order were read as a lowering without a
  word; now a data-quality line names both drafts (order_checks/stop_and_lower.py).

Charts: tests/services/s28_maoi_draft_charts/ (from the s27 c01 control; Epic / US Core shaped
draft MedicationRequests, status draft, intent order, RxNorm SCD codes, every prefetch key),
evaluated as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, one_of_topic

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
MAOI = "order-maoi-interaction"
SAME_CLASS = "order-same-class-running"
DATA_QUALITY = "data-quality"

_FOLDER = Path(__file__).parent / "s28_maoi_draft_charts"
_chart = chart_files.loader(_FOLDER)
_at = Evaluator(date(2026, 12, 1))


def _topics(cards: list[Doc]) -> list[str]:
    return [c["source"]["topic"]["code"] for c in cards]


def _removals(card: Doc) -> list[tuple[str, list[str]]]:
    return [
        (s["label"], [a["resourceId"] for a in s["actions"] if a["type"] == "delete"])
        for s in card.get("suggestions", [])
    ]


@pytest.mark.parametrize("path", sorted(_FOLDER.glob("*.json")), ids=lambda p: p.stem)
def test_charts_are_complete_requests(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


# --- leftover 1: the MAOI pair the chart already holds -------------------------------------------


@pytest.mark.parametrize(
    "name", ["m01_phz_filled_sert_lowered", "m02_select_phz_filled_sert_lowered"]
)
def test_a_lowering_beside_a_running_maoi_is_no_start(name: str) -> None:
    # order-sign, and order-select of the sertraline draft.
    card = one_of_topic(_at.cards(_chart(name)), MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Phenelzine (MAOI) and sertraline both running already; this order only lowers "
        "sertraline (100 mg/day), not starting the pair: stop one"
    )
    detail = card["detail"]
    # Both courses by dose and date, and what the order does to sertraline.
    assert (
        "sertraline 150 mg/day, running since 2026-06-01, lowered to 100 mg/day on this order; "
        "phenelzine 45 mg/day, running since 2026-11-21"
    ) in detail
    assert "This order does not start the pair" in detail
    assert "removing the draft would leave sertraline at 150 mg/day beside phenelzine" in detail
    assert "decide with psychiatry which one to stop" in detail
    assert "before the first dose of sertraline" not in detail
    assert "same order" not in card["summary"] + detail
    # No one-click that would make it worse.
    assert _removals(card) == []


def test_a_lowered_maoi_beside_running_sertraline_is_no_start() -> None:
    card = one_of_topic(_at.cards(_chart("m03_tcp_lowered_sert_running")), MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Tranylcypromine (MAOI) and sertraline both running already; this order only lowers "
        "tranylcypromine, not starting the pair: stop one"
    )
    assert (
        "tranylcypromine 30 mg/day, running since 2026-11-21, lowered to 20 mg/day on this "
        "order; sertraline 150 mg/day, running since 2026-06-01"
    ) in card["detail"]
    assert _removals(card) == []


def test_a_renewal_beside_a_running_maoi_is_no_start() -> None:
    card = one_of_topic(_at.cards(_chart("m05_phz_filled_sert_renewed")), MAOI)
    assert card["summary"] == (
        "Phenelzine (MAOI) and sertraline both running already; this order only renews "
        "sertraline (150 mg/day), not starting the pair: stop one"
    )
    assert "renewed on this order" in card["detail"]
    assert _removals(card) == []


def test_a_lowering_within_the_maoi_washout_is_no_start() -> None:
    # Phenelzine stopped 2026-11-20 (11 days before), sertraline running throughout and lowered.
    card = one_of_topic(_at.cards(_chart("m06_phz_stopped_1120_sert_lowered")), MAOI)
    assert card["indicator"] == "critical"
    # wash66: the stop is the end of the last fill's supply, as the detail says (stop_said).
    assert card["summary"] == (
        "Phenelzine (MAOI) supply ran out 11 days ago, sertraline running already; this order "
        "only lowers sertraline: confirm what is taken"
    )
    detail = card["detail"]
    # wash65 (K58a finding 5): 2026-11-20 is the end of the last fill's supply, no recorded dose.
    assert (
        "phenelzine 45 mg/day, last filled on 2026-10-21 for 30 days, a supply that ran to "
        "2026-11-20 (11 days ago; last dose not recorded)"
    ) in detail
    assert "would leave sertraline at 150 mg/day within phenelzine's washout" in detail
    assert "sertraline not before" not in detail
    assert _removals(card) == []


def test_a_start_beside_a_running_maoi_keeps_its_removal() -> None:
    card = one_of_topic(_at.cards(_chart("m04_phz_filled_fluoxetine_start")), MAOI)
    assert card["indicator"] == "critical"
    # Sertraline running beside phenelzine too, named after the start (recheck K8 s28 #2).
    assert card["summary"] == (
        "Fluoxetine ordered while phenelzine (MAOI) is running: 14 days off phenelzine first; "
        "sertraline also running beside it"
    )
    assert _removals(card) == [("Remove the draft fluoxetine order", ["MedicationRequest/d-flx"])]


# --- leftover 2: two drafts of the new drug in a cross-taper -------------------------------------


def test_two_drafts_of_the_new_drug_are_named_by_their_total() -> None:
    card = one_of_topic(_at.cards(_chart("x01_cit_taper_sert50_sert25")), SAME_CLASS)
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Cross-taper citalopram to sertraline: two SSRIs overlap 2026-12-01 to 2026-12-14; "
        "watch for serotonin toxicity"
    )
    detail = card["detail"]
    assert "sertraline (SSRI) from 2026-12-01: 75 mg/day (50 + 25 mg/day, 2 drafts)" in detail
    assert detail.count("**Cross-taper on this order:**") == 1
    assert "from 2026-12-01: 50 mg/day" not in detail
    assert "from 2026-12-01: 25 mg/day" not in detail


def test_one_draft_of_the_new_drug_keeps_its_dose() -> None:
    card = one_of_topic(_at.cards(_chart("x02_cit_taper_sert50_alone")), SAME_CLASS)
    assert "sertraline (SSRI) from 2026-12-01: 50 mg/day. The two overlap" in card["detail"]
    assert "drafts)" not in card["detail"]


# --- leftover 3: a stop and a lower dose of one drug on one order --------------------------------


def test_a_stop_and_a_lowering_of_one_drug_raise_no_line() -> None:
    # Discontinue the old order, order the new dose: how many order entry systems write a dose
    # change. Read as a lowering (running on); a data-quality warning here would fire on every
    # such change (noise), so none is raised.
    cards = _at.cards(_chart("s01_sert_stopped_and_lowered"))
    assert DATA_QUALITY not in _topics(cards)


def test_a_stop_and_a_renewal_raise_no_line() -> None:
    # The old order stopped and the same dose ordered again: a renewal (s27 K1 p18).
    assert DATA_QUALITY not in _topics(_at.cards(_chart("s02_sert_stopped_and_renewed")))
