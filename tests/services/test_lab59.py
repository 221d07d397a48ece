"""Session 37 fix lab59: same-day results of one lab that disagree, and one no-unit wording.

Charts in lab59_charts/ (all 19 prefetch keys; as of 2026-12-01), Epic / Oracle Health / US Core
shaped (effectiveDateTime with offsets, valueQuantity in UCUM, referenceRange, interpretation):

1. Two results of one test on one day across a line showed only the later one (services/
   same_day_labs.py). t1 TSH 12.1 H at 08:00 then 2.1 N at 14:00 (Epic), t2 the same with no
   interpretation (range only, US Core, "Z" times), b1 B12 150 L then 400 N (Oracle Health), l1
   lithium 1.6 H then 0.9 N (Epic), s1 sodium 128 L then 136 N, q1 QTc 520 then 440 ms with
   citalopram running: each was quiet (or read the normal one); now the abnormal one decides and
   the card names every result of the day with its time and resource id. Controls: c1 the same
   TSH 12.1 twice, c2 TSH 12.1 then 2.1 the next day, c3 lithium 0.9 twice, c4 QTc 520 then 440
   the next day: no disagreement named, the latest decides as before.
2. One wording for a number with no unit read in the test's usual unit: "no unit sent, read as"
   (the diagnosis review said "unit not recorded, read as"; lab_readings.NO_UNIT_READ_AS).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "lab59_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

FIXED = {
    "t1_tsh_12_1_at_0800_then_2_1_at_1400_epic": "fixed",
    "t2_tsh_same_day_no_flags_range_only_us_core": "fixed",
    "b1_b12_150_at_0800_then_400_at_1500_oracle": "fixed",
    "l1_lithium_1_6_at_0800_then_0_9_at_1400_epic": "fixed",
    "s1_sodium_128_at_0700_then_136_at_1500_us_core": "fixed",
    "q1_qtc_520_at_0900_then_440_at_1600_citalopram": "fixed",
}
CONTROLS = {
    "c1_tsh_12_1_twice_same_day_control": "control",
    "c2_tsh_12_1_then_2_1_next_day_control": "control",
    "c3_lithium_0_9_twice_same_day_control": "control",
    "c4_qtc_440_then_520_next_day_control": "control",
}


def test_folder() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)


def _all_text(cards: dict[str, dict[str, Any]]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards.values())


@pytest.mark.parametrize(
    ("name", "topic", "summary", "named"),
    [
        (
            "t1_tsh_12_1_at_0800_then_2_1_at_1400_epic",
            "diagnosis-review",
            "TSH high 12.1",
            (
                "12.1 uIU/mL high at 08:00-05:00 (Observation/lab59-tsh-a)",
                "2.1 uIU/mL normal at 14:00-05:00 (Observation/lab59-tsh-b)",
            ),
        ),
        (
            "t2_tsh_same_day_no_flags_range_only_us_core",
            "diagnosis-review",
            "TSH high 12.1",
            ("12.1 uIU/mL high at 13:00Z", "2.1 uIU/mL normal at 19:00Z"),
        ),
        (
            "b1_b12_150_at_0800_then_400_at_1500_oracle",
            "diagnosis-review",
            "low B12",
            ("150 pg/mL low at 08:00-06:00", "400 pg/mL normal at 15:00-06:00"),
        ),
        (
            "l1_lithium_1_6_at_0800_then_0_9_at_1400_epic",
            "running-lithium-level",
            "Lithium 1.6 mmol/L on 2026-11-18",
            ("1.6 mmol/L high at 08:00-05:00", "0.9 mmol/L normal at 14:00-05:00"),
        ),
        (
            "s1_sodium_128_at_0700_then_136_at_1500_us_core",
            "running-drug-low-sodium",
            "Sodium 128",
            ("128 mmol/L low at 07:00-05:00", "136 mmol/L normal at 15:00-05:00"),
        ),
        (
            "q1_qtc_520_at_0900_then_440_at_1600_citalopram",
            "running-drug-qtc",
            "QTc 520 ms",
            ("520 ms at 09:00-05:00", "440 ms at 16:00-05:00"),
        ),
    ],
)
def test_the_abnormal_result_of_the_day_decides_and_both_are_named(
    name: str, topic: str, summary: str, named: tuple[str, str]
) -> None:
    cards = _cards(name)
    assert summary in cards[topic]["summary"]
    detail = cards[topic]["detail"]
    assert "disagree" in detail
    # Which result is read and why (lab62: "the more abnormal is read" said nothing of why a
    # lithium 0.9 is read over a 0.2): here the out-of-range one, or both out of range (lithium
    # 1.6 and 0.9, over the 0.5-0.8 target) the higher, the side the lithium lines guard.
    read = "the higher is read" if name.startswith("l1_") else "the one out of range is read"
    assert read in detail
    # Earliest first, as drawn; each with its time and resource id.
    assert detail.index(named[0]) < detail.index(named[1])


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_controls_name_no_disagreement(name: str) -> None:
    assert "disagree" not in _all_text(_cards(name))


def test_next_day_normal_tsh_is_the_latest() -> None:
    assert "TSH high" not in _all_text(_cards("c2_tsh_12_1_then_2_1_next_day_control"))


def test_same_high_tsh_twice_still_judged() -> None:
    assert (
        "TSH high 12.1"
        in _cards("c1_tsh_12_1_twice_same_day_control")["diagnosis-review"]["summary"]
    )
