"""Fix orders39 (orders37/38 leftovers, session 33 note): orders awaiting their first fill read as
taken, as of 2026-12-01.

1. A dose raise ordered with no fill at the new dose (venlafaxine 150 mg/day filled monthly to
   2026-11-01; 225 mg/day ordered 2026-11-20, active, no fill at 225): read "Venlafaxine raised to
   225 mg/day on 2026-11-20, PHQ-9 worse since ... side effects of the higher dose", weeks at 225.
   Now the dose taken stays 150 (fhir_mapping/raise_unfilled.py: Trial.raise_unfilled) and the
   optimise card says the 225 order awaits its first fill, with no one-click repeating it.
   Controls: the same order filled on 2026-11-22 (the raise is taken from that fill), and the
   same chart with no fill feed at all (orders only: the order read taken, as today).
2. An adjunct order awaiting its first fill (aripiprazole 2 mg/day ordered 2026-10-15, no fill):
   beside a responding course the card read "raise aripiprazole (2 mg/day; 2-10)", and the
   augment section "optimise or replace the one running". Now "ordered 2026-10-15, no fill yet".
   Control: the same aripiprazole filled monthly reads as before.
3. The TMS card's running-trial line read "Trial running, not judged yet: bupropion 150 mg/day
   since 2026-11-10" of a bupropion order never filled, and its motor-threshold line "bupropion
   150 mg/day running"; now "Ordered, no fill yet" and "ordered 2026-11-10, no fill yet". Control:
   the same order filled.
4. The pregnant lithium chart (tests/services/pregnancy_running_charts, a lithium order awaiting
   its first fill beside lisinopril) read "Together since 2026-10-01 (lithium started)"; now
   "(lithium ordered, no fill yet)".

Charts: tests/services/orders39_charts/ (built from orders38's p03, Epic shapes with a lisinopril
fill feed, all 19 prefetch keys).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.raise_order import RaiseOrder
from fhir_mapping.trial import Trial
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "orders39_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_dec = Evaluator(date(2026, 12, 1))
RAISE = "p01_ven150_raise225_awaiting_feed"
RAISE_FILLED = "p02_ven150_raise225_filled_feed"
RAISE_NO_FEED = "p03_ven150_raise225_orders_only"
ARI = "p04_aripiprazole2_awaiting_feed"
ARI_FILLED = "p05_aripiprazole2_filled_feed"
BUP = "p06_bupropion_awaiting_feed"
BUP_FILLED = "p07_bupropion_filled_feed"
ARI_RESPONSE = "p08_ven_response_aripiprazole2_awaiting_feed"
ARI_RESPONSE_FILLED = "p09_ven_response_aripiprazole2_filled_feed"
RAISED = "Venlafaxine raised to 225 mg/day on"


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _text(cards: list[dict[str, str]]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail') or ''}" for c in cards)


def _venlafaxine(name: str) -> tuple[list[dict[str, str]], Trial]:
    cards, record = _dec.cards_and_record(_chart(name))
    (trial,) = [t for t in record.trials if t.ingredient == "venlafaxine"]
    return cards, trial


def test_a_raise_awaiting_its_fill_keeps_the_filled_dose() -> None:
    cards, trial = _venlafaxine(RAISE)
    assert trial.current_mg_per_day == 150
    assert trial.raise_unfilled == RaiseOrder(date(2026, 11, 20), 225)
    text = _text(cards)
    assert RAISED not in text
    assert "side effects of the higher dose" not in text
    assert (
        "2 adequate trials failed (sertraline, venlafaxine): venlafaxine 225 mg/day ordered "
        "2026-11-20, no fill yet, then augment or switch class" in [c["summary"] for c in cards]
    )
    assert (
        "A raise to 225 mg/day was ordered 2026-11-20, no fill at that dose yet: the dose taken "
        "stays 150 mg/day (its weeks counted at it) until a fill shows 225 taken" in text
    )
    labels = [s["label"] for c in cards for s in c.get("suggestions") or []]
    assert not any(label.startswith("Raise venlafaxine") for label in labels)


def test_a_raise_filled_is_taken_from_its_fill() -> None:
    cards, trial = _venlafaxine(RAISE_FILLED)
    assert trial.current_mg_per_day == 225
    assert any(c["summary"].startswith(f"{RAISED} 2026-11-22") for c in cards)


def test_with_no_fill_feed_the_raise_order_reads_as_today() -> None:
    # Orders only (Synthea, Oracle shapes): the order is all the record has (orders33).
    cards, trial = _venlafaxine(RAISE_NO_FEED)
    assert trial.current_mg_per_day == 225
    assert any(c["summary"].startswith(f"{RAISED} 2026-11-20") for c in cards)


def test_an_adjunct_awaiting_its_fill_gets_no_dose_advice() -> None:
    text = _text(_dec.cards(_chart(ARI)))
    assert (
        "An antipsychotic is already ordered (aripiprazole 2 mg/day ordered 2026-10-15, no fill "
        "yet): a second antipsychotic is not proposed; check it was collected" in text
    )
    assert "optimise or replace the one running" not in text
    assert "Raise aripiprazole" not in text and "raise aripiprazole" not in text


def test_an_adjunct_awaiting_its_fill_beside_a_response_is_said_ordered() -> None:
    cards = _dec.cards(_chart(ARI_RESPONSE))
    (card,) = [c for c in cards if c["summary"].startswith("Venlafaxine response, not remission")]
    assert card["summary"].endswith("aripiprazole 2 mg/day ordered 2026-10-15, no fill yet")
    assert (
        "**Adjunct ordered:** aripiprazole 2 mg/day ordered 2026-10-15, no fill yet"
        in (card["detail"])
    )
    assert "raise aripiprazole" not in _text(cards)


@pytest.mark.parametrize("name", [ARI_FILLED, ARI_RESPONSE_FILLED])
def test_a_filled_adjunct_reads_as_before(name: str) -> None:
    text = _text(_dec.cards(_chart(name)))
    assert "An antipsychotic is already running (aripiprazole 2 mg/day)" in text
    assert "no fill yet" not in text
    if name == ARI_RESPONSE_FILLED:
        assert "raise aripiprazole (2 mg/day; 2-10)" in text


def _tms(name: str) -> dict[str, str]:
    cards = _dec.cards(_chart(name))
    (card,) = [c for c in cards if "TMS referral" in c["summary"]]
    return card


def test_the_tms_card_says_an_awaiting_order_is_ordered_not_running() -> None:
    detail = _tms(BUP)["detail"]
    assert (
        "**Ordered, no fill yet:** bupropion 150 mg/day ordered 2026-11-10, no fill yet: no trial "
        "running until a fill shows it taken" in detail
    )
    assert "Trial running, not judged yet" not in detail
    assert (
        "**For the TMS team's motor threshold:** bupropion 150 mg/day ordered 2026-11-10, no fill "
        "yet (lowers the seizure threshold)." in detail
    )


def test_the_tms_card_names_a_filled_new_course_running() -> None:
    detail = _tms(BUP_FILLED)["detail"]
    assert "**Trial running, not judged yet:** bupropion 150 mg/day since 2026-11-11" in detail
    assert "no fill yet" not in detail
    assert "bupropion 150 mg/day running (lowers the seizure threshold)" in detail


def test_the_pregnant_lithium_pair_says_the_lithium_is_ordered() -> None:
    folder = Path(__file__).parent / "pregnancy_running_charts"
    text = _text(_dec.cards(chart_files.loader(folder)("pregnant_lithium_running_view")))
    assert "Together since 2026-10-01 (lithium ordered, no fill yet)" in text
    assert "(lithium started)" not in text
