"""Session 37 fix lab60: same-day labs, review K56a findings 2, 6, 8, 12.

Charts in lab60_charts/ (Epic-shaped lithium levels, all 19 prefetch keys; as of 2026-12-01), made
from lab59_charts/l1 with the two lithium Observations varied:

2. A preliminary lithium 1.6 H and a final 0.9 of another draw (a: 08:00 then 14:00, b: the
   other way round) gave no lithium card: every preliminary was dropped when any result of the day
   was final. Now a preliminary is superseded only by a final of its draw (same instant, or the
   same identifier / basedOn): here it is weighed, the safer decides, and it is named
   "(preliminary)". e (same instant) reads the final 0.9: the old code read the superseded
   preliminary 1.6 as a critical card when its id sorted first. Controls: i, the same pair with
   the final's id first; f, the same order (basedOn) at 08:00 and 08:30: one result, the final.
6. Times with no offset read "(time not stated)" and the day went by Observation id (c: 1.6 at
   08:00 then 0.9 at 14:00; h: 0.6 at 08:00 then 0.55 at 14:00, "last level 0.6"): now
   "08:00, no offset", and the later clock time is the latest. These two are in
   lab60_nooffset_charts/: R4 wants an offset with a time, so fhir.resources refuses them, but
   EHR interfaces send them; checked for the 19 prefetch keys only.
8. 1.6 H at 2026-11-18T22:00-05:00 and 0.9 at 2026-11-19T04:00Z (d) are one evening: with no
   site zone read as two days, the 0.9 alone the latest. Control g: 0.9 at 06:00Z, 01:00-05:00
   the next local day, stays the next day.
12. The same-day note once per card in full (cards.make); a unit check below.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import cards as card_module
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "lab60_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_LITHIUM = "running-lithium-level"
_PAIR = "drug-interaction"

FIXED = {
    "a_lithium_prelim_1_6_at_0800_final_0_9_at_1400_epic": "fixed",
    "b_lithium_final_0_9_at_0800_prelim_1_6_at_1400_epic": "fixed",
    "d_lithium_1_6_at_2200_est_0_9_at_0400z_next_utc_day": "fixed",
    "e_lithium_prelim_1_6_final_0_9_same_time": "fixed",
}
CONTROLS = {
    "f_lithium_prelim_1_6_0800_final_0_9_0830_same_order_control": "control",
    "g_lithium_1_6_at_2200_est_0_9_at_0600z_next_local_day_control": "control",
    "i_lithium_final_0_9_prelim_1_6_same_time_control": "control",
}


_NO_OFFSET = Path(__file__).parent / "lab60_nooffset_charts"
NO_OFFSET = {
    "c_lithium_1_6_at_0800_0_9_at_1400_no_offset": "fixed",
    "h_lithium_0_6_at_0800_0_55_at_1400_no_offset": "fixed",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
    assert {p.stem for p in _NO_OFFSET.glob("*.json")} == set(NO_OFFSET)


def _no_offset_cards(name: str) -> dict[str, Any]:
    """The cards of a chart of lab60_nooffset_charts/, its prefetch keys checked (not R4 valid)."""
    from services import catalog  # the heavier modules: imported late
    from tests.services.helpers import Evaluator

    doc = chart_files.loader(_NO_OFFSET)(name)
    declared = {key for s in catalog.services() for key, _template in s.prefetch}
    assert declared <= set(doc["prefetch"])
    found: dict[str, Any] = Evaluator(date(2026, 12, 1)).by_topic(doc)
    return found


def _any_cards(name: str) -> dict[str, Any]:
    return _no_offset_cards(name) if name in NO_OFFSET else _cards(name)


@pytest.mark.parametrize(
    ("name", "named"),
    [
        (
            "a_lithium_prelim_1_6_at_0800_final_0_9_at_1400_epic",
            ("1.6 mmol/L high (preliminary) at 08:00-05:00", "0.9 mmol/L normal at 14:00-05:00"),
        ),
        (
            "b_lithium_final_0_9_at_0800_prelim_1_6_at_1400_epic",
            ("0.9 mmol/L normal at 08:00-05:00", "1.6 mmol/L high (preliminary) at 14:00-05:00"),
        ),
        (
            "c_lithium_1_6_at_0800_0_9_at_1400_no_offset",
            ("1.6 mmol/L high at 08:00, no offset", "0.9 mmol/L normal at 14:00, no offset"),
        ),
        (
            "d_lithium_1_6_at_2200_est_0_9_at_0400z_next_utc_day",
            ("1.6 mmol/L high at 22:00-05:00", "0.9 mmol/L normal at 04:00Z"),
        ),
    ],
)
def test_the_high_level_decides_and_both_are_named(name: str, named: tuple[str, str]) -> None:
    cards = _any_cards(name)
    card = cards[_LITHIUM]
    assert card["indicator"] == "critical"
    assert "Lithium 1.6 mmol/L on 2026-11-18" in card["summary"]
    detail = card["detail"]
    assert "results of 2026-11-18 disagree" in detail
    assert "time not stated" not in detail
    assert detail.index(named[0]) < detail.index(named[1])  # as drawn


@pytest.mark.parametrize(
    "name",
    [
        "e_lithium_prelim_1_6_final_0_9_same_time",
        "f_lithium_prelim_1_6_0800_final_0_9_0830_same_order_control",
        "i_lithium_final_0_9_prelim_1_6_same_time_control",
    ],
)
def test_a_final_of_the_same_draw_replaces_its_preliminary(name: str) -> None:
    cards = _cards(name)
    assert _LITHIUM not in cards
    pair = cards[_PAIR]
    assert "last level 0.9 on 2026-11-18" in pair["summary"]
    assert "disagree" not in pair["detail"]


def test_no_offset_times_order_the_day() -> None:
    cards = _no_offset_cards("h_lithium_0_6_at_0800_0_55_at_1400_no_offset")
    assert "last level 0.55 on 2026-11-18" in cards[_PAIR]["summary"]


def test_the_next_local_day_stays_apart() -> None:
    cards = _cards("g_lithium_1_6_at_2200_est_0_9_at_0600z_next_local_day_control")
    assert _LITHIUM not in cards
    assert "last level 0.9 on 2026-11-19" in cards[_PAIR]["summary"]


def _note(day: str) -> str:
    return (
        f" (results of {day} disagree: 1.6 mmol/L high at 08:00-05:00 (Observation/a); 0.9"
        " mmol/L normal at 14:00-05:00 (Observation/b); the higher is read, as this test's lines"
        " guard against a high value: the safer reading)"  # lab62: which side is read and why
    )


def test_the_note_is_said_in_full_once_per_card() -> None:
    note = _note("2026-11-18")
    other = _note("2026-10-01")
    detail = f"**Optimise:** level 1.6{note}.\n\n**Augment:** level 1.6{note}{other}; again{note}."
    card: Any = card_module.make("optimize-switch-augment", summary="s", detail=detail)
    assert card.detail.count(note) == 1 and card.detail.count(other) == 1
    assert card.detail.count("results of 2026-11-18 disagree, named above") == 2
    assert card.detail.index(note) < card.detail.index("named above")
