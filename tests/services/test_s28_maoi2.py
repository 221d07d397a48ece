"""Session 28 fix FM2: held, split and finished drafts around MAOIs and repeats, pinned.

- K5 #1 (close to UNSAFE): sertraline running, its lowered dose drafted as two orders (50 mg
  mornings + 25 mg evenings, an Epic split dose) beside a phenelzine start read as "Sertraline
  and phenelzine on the same order" with a removal of one sertraline draft. The two drafts are
  one re-order of the running course (draft_tapers.as_reorder), as a single draft is.
- K6 #1: a fluoxetine order on hold whose supply ended long ago was "running" on the MAOI card
  and in "Two SSRIs (fluoxetine running)". Now "on hold, not taken since X at the latest", and
  held supply_gap_days or more (Trial.held_long, the reuptake pair's one rule) it is to confirm.
- K5 #5: sertraline's draft set on-hold beside a phenelzine start dated after the washout gave
  only the diet card: a hold is expected to continue later (order_checks/maoi_held.py).
- K5 #8: a failed course put on hold on this order read "(stop on this order)".
- K5 #9: a draft with status completed read as a dose change; it orders nothing new.
- K5 #6: order-select of the lowered sertraline beside a phenelzine draft gives the MAOI card.

Charts: tests/services/s28_maoi2_charts/ (copied from the K5 and K6 rechecks, every prefetch
key), evaluated as of 2026-12-01.
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
REPEAT = "order-repeats-failed-trial"
DIET = "order-maoi-diet"

_FOLDER = Path(__file__).parent / "s28_maoi2_charts"
_chart = chart_files.loader(_FOLDER)
_at = Evaluator(date(2026, 12, 1))


def _topics(cards: list[Doc]) -> list[str]:
    return [c["source"]["topic"]["code"] for c in cards]


def _deleted(card: Doc) -> list[str]:
    return [
        a["resourceId"]
        for s in card.get("suggestions", [])
        for a in s["actions"]
        if a["type"] == "delete"
    ]


@pytest.mark.parametrize("path", sorted(_FOLDER.glob("*.json")), ids=lambda p: p.stem)
def test_charts_are_complete_requests(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


def test_a_split_dose_lowering_is_the_running_course_not_a_start() -> None:
    card = one_of_topic(_at.cards(_chart("m06_sert_two_drafts_phz")), MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Phenelzine (MAOI) ordered while sertraline is running (lowered to 75 mg/day on this "
        "order): stop sertraline at least 14 days first"
    )
    assert "on the same order" not in card["summary"]
    # Only the phenelzine start is offered for removal, never one of the two sertraline drafts.
    assert _deleted(card) == ["MedicationRequest/d-phz"]


@pytest.mark.parametrize(
    ("name", "since"),
    [
        ("h3_fluox_held_supply_ended_40d_draft_phenelzine", "2026-10-22"),
        ("h3c_fluox_held_supply_ended_200d_draft_phenelzine", "2026-05-15"),
    ],
)
def test_an_order_held_long_is_to_confirm_on_the_maoi_card(name: str, since: str) -> None:
    card = one_of_topic(_at.cards(_chart(name)), MAOI)
    assert card["indicator"] == "critical"  # a held drug may be taken up again
    assert card["summary"] == (
        f"Phenelzine (MAOI) with fluoxetine on hold, not taken since {since} at the latest: "
        "confirm it is not taken (35-day washout if taken)"
    )
    assert "is running" not in card["summary"]
    assert f"on hold, not taken since {since} at the latest" in card["detail"]
    assert "confirm whether it is taken" in card["detail"]


def test_an_order_held_days_ago_stays_a_partner_said_on_hold() -> None:
    card = one_of_topic(_at.cards(_chart("h3b_fluox_held_supply_ended_20d_draft_phenelzine")), MAOI)
    assert card["summary"] == (
        "Phenelzine (MAOI) ordered while fluoxetine is on hold, not taken since 2026-11-11 at "
        "the latest: stop fluoxetine at least 35 days first"
    )


@pytest.mark.parametrize(
    ("name", "since"),
    [
        ("h5_fluox_held_40d_draft_sertraline", "2026-10-22"),
        ("h5b_fluox_held_200d_draft_sertraline", "2026-05-15"),
    ],
)
def test_a_held_order_is_not_running_beside_a_second_ssri(name: str, since: str) -> None:
    card = one_of_topic(_at.cards(_chart(name)), REPEAT)
    assert card["summary"].startswith(
        f"Two SSRIs (fluoxetine on hold, not taken since {since} at the latest)"
    )


def test_a_hold_beside_a_maoi_start_after_the_washout_warns_not_to_resume() -> None:
    cards = _at.cards(_chart("m13_sert_onhold_phz_start_in20d"))
    card = one_of_topic(cards, MAOI)
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Phenelzine (MAOI) with sertraline on hold on this order: not to be resumed with "
        "phenelzine; stop it if switching"
    )
    assert "A hold is not a stop" in card["detail"]
    assert _deleted(card) == []  # the hold is what is to change, not the start
    assert "**MAOI diet:**" in card["detail"]  # folded in (maoi_diet.fold_beside_washout)


def test_a_stop_beside_a_maoi_start_after_the_washout_is_quiet() -> None:
    # The control: stopped (not held), phenelzine from day 20: only the diet card.
    cards = _at.cards(_chart("m14_sert_stopped_phz_start_in20d"))
    assert _topics(cards) == [DIET]


def test_a_failed_course_held_on_the_order_is_not_stopped() -> None:
    card = one_of_topic(_at.cards(_chart("f02_flx_onhold_sert")), REPEAT)
    assert "2026-06-01 – 2026-12-01 (on hold on this order)" in card["detail"]
    assert "stop on this order" not in card["detail"]


def test_a_completed_draft_orders_nothing_new() -> None:
    card = one_of_topic(_at.cards(_chart("m10_sert_completed_draft_phz")), MAOI)
    assert card["summary"] == (
        "Phenelzine (MAOI) ordered while sertraline is running: stop sertraline at least 14 "
        "days first"
    )
    assert "draft order with status completed" in card["detail"]
    cards = _at.cards(_chart("f05_flx_completed_draft_sert"))
    assert "Cross-taper" not in " ".join(c["summary"] for c in cards)
    assert one_of_topic(cards, REPEAT)["summary"].startswith("Two SSRIs (fluoxetine still running)")


def test_select_of_the_lowered_sertraline_beside_a_phenelzine_draft() -> None:
    card = one_of_topic(_at.cards(_chart("m08_select_sert_lowered_phz_drafted")), MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Phenelzine (MAOI) ordered while sertraline is running")
    assert _deleted(card) == ["MedicationRequest/d-phz"]
