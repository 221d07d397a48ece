"""Session 42 fix span72 (review K69a findings 5 and 7).

- Finding 5 (WRONG, older): a titration order, 90 x sertraline 25 mg "Take 1 tablet daily for 2
  weeks, then 2 tablets daily", filled once with daysSupply 60, ended the course on day 60: 6.6
  weeks at 50 mg, an adequate trial counted toward TMS ("Met, to confirm"). The tablets last 14 +
  38 days: 5.4 weeks, "possibly adequate - review" (fhir_mapping/titration_supply.py: the shorter
  of the stated days and the sig's step arithmetic). Controls: the same order with daysSupply 52
  (already 5.4 weeks) and a plain 30 x 100 mg daily, daysSupply 30 x 4 (16 weeks, failed, TMS Met).
- Finding 7 (NOISE wording): four monthly fills of 30 x sertraline 100 mg with no daysSupply and
  no sig read "duration not recorded (counted as 22 days)" for a 16-week course; the wording now
  names the last record and the course's span. The dose from the interval between fills is not
  estimated (left: the trial stays "dose not recorded", not counted).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "span72_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

TMS = "tms-referral"

FIXED = {
    "t_titration_90x25_ds60": "finding 5: 6.6 weeks adequate, TMS offered on it",
    "v_fills_no_days_no_sig": "finding 7: 'counted as 22 days' for a 16-week course",
}
CONTROLS = {
    "t_titration_90x25_ds52": "control: 5.4 weeks, possibly adequate",
    "s_plain_30x100_ds30": "control: 16 weeks adequate, failed, TMS Met",
}


def _text(cards: dict[str, Any]) -> str:
    return "\n".join(f"{c.get('summary', '')}\n{c.get('detail', '')}" for c in cards.values())


@pytest.mark.parametrize("name", ["t_titration_90x25_ds60", "t_titration_90x25_ds52"])
def test_titration_read_by_its_tablets(name: str) -> None:
    cards = _cards(name)
    text = _text(cards)
    assert "possibly adequate - review: 5.4 weeks at an adequate dose (needs 6)" in text, name
    assert TMS not in cards, (name, cards.get(TMS, {}).get("summary"))
    assert "6.6 weeks" not in text


def test_plain_monthly_fills_unchanged() -> None:
    cards = _cards("s_plain_30x100_ds30")
    assert TMS in cards
    assert "2 adequate trials failed (sertraline, venlafaxine)" in cards[TMS]["summary"]


def test_fills_without_days_name_the_course_span() -> None:
    text = _text(_cards("v_fills_no_days_no_sig"))
    assert "counted as 22 days; the course spans 2026-04-10 to 2026-07-31, 16 weeks" in text
    assert "duration not recorded (counted as 22 days)" not in text


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, FIXED, CONTROLS)
