"""Review s23 RR finding 3: a regression of this session's sig clock-time fix (sig_times.py).

Once clock times were times of day, three sig shapes doubled a sertraline dose that every fill
(quantity over daysSupply) gave as half of it:
1. "8am and 8pm 2 tabs", fills of 60 for 30 days: 200 mg/day (2 tablets each time), so the
   dose-first raise was lost ("switch ... or augment"). The 2 tablets are each time's or the
   day's: now 100-200 mg/day, sig unclear, and the fills (2 a day) say which: 100 mg/day,
   "room to 200: raise", the card quoting the sig (fhir_mapping/sig_clauses.py, fill_sig.py).
2. "1 tablet at 8 AM and 1 tablet at 8 AM": the same time twice, 100 mg/day; now counted once.
3. "at bedtime and at 9 PM", "1 tab qam and 1 tab at 8 AM": a clock time beside a word of its
   own slot, 100 mg/day; now 1-2 a day and sig unclear, never 2.
A fill whose quantity over its days disagrees with a clear sig ("Take 2 tablets at 8 AM and
8 PM", fills of 60 for 30 days) leaves the sig's reading (review s23 RR2 finding 4: the fill only
settles an unclear sig; tests/services/test_fill_sig_rr2.py).

Charts: tests/services/sig_clock_repeat23_charts/ (the review's d0b, d1b, d1c, d3b, d8, d10,
sertraline 50 mg tablets ordered 2026-06-01 with six monthly fills; two more with the sig
changed), every prefetch key.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.dose_sig import sig_doses, sig_frequency_bounds
from fhir_mapping.fill_dose import FILL_DOSE_NOTE
from fhir_mapping.fill_sig import with_fill
from fhir_mapping.sig_unclear import sig_unclear
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "sig_clock_repeat23_charts")
_at = Evaluator(date(2026, 12, 1))


def _text(doc: Doc) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in _at.cards(doc))


# --- the sig reader ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sig", "doses", "unclear"),
    [
        # (value, high, per_day) of each dose
        ("8am and 8pm 2 tabs", [(1.0, 2.0, (2.0, 2.0))], "8am and 8pm 2 tabs"),
        ("Take 1 tablet at 8 AM and 1 tablet at 8 AM", [(1.0, None, (1.0, 1.0))], None),
        (
            "Take 1 tablet at bedtime and at 9 PM",
            [(1.0, None, (1.0, 2.0))],
            "at bedtime and at 9 pm",
        ),
        ("Take 1 tablet at 9 PM and at bedtime", [(1.0, None, (1.0, 2.0))], "9 pm and at bedtime"),
        ("1 tab qam and 1 tab at 8 AM", [(1.0, None, (1.0, 2.0))], "qam and 1 tab at 8 am"),
        # Controls: each time's amount said, or said before the times; a count of one after
        # the times; two clock times; a rate; two words of different slots.
        ("8am and 8pm 2 tabs each", [(2.0, None, (2.0, 2.0))], None),
        ("Take 2 tablets by mouth 8am and 8pm", [(2.0, None, (2.0, 2.0))], None),
        ("8am and 8pm 1 tab", [(1.0, None, (2.0, 2.0))], None),
        ("take 1 tab at 8 pm and 9 pm", [(1.0, None, (2.0, 2.0))], None),
        (
            "1 tab at 8 AM and 1 tab at 8 PM",
            [(1.0, None, (1.0, 1.0)), (1.0, None, (1.0, 1.0))],
            None,
        ),
        ("twice daily 8am and 8pm 2 tabs", [(2.0, None, (2.0, 2.0))], None),
        ("Take 1 tablet at 9 PM at bedtime", [(1.0, None, (1.0, 1.0))], None),
    ],
)
def test_clauses_read_together(
    sig: str, doses: list[tuple[float, float | None, tuple[float, float]]], unclear: str | None
) -> None:
    assert [(d.value, d.high, d.per_day) for d in sig_doses(sig)] == doses
    assert sig_unclear(sig) == unclear


def test_frequency_of_a_clock_time_beside_its_slot_word() -> None:
    assert sig_frequency_bounds("Take 1 tablet at bedtime and at 9 PM") == (1.0, 2.0)
    assert sig_frequency_bounds("Take 1 tablet every evening and at bedtime") == (2.0, 2.0)


def test_a_fill_beside_its_sig() -> None:
    # Agrees with a clear sig (a pack rounding a month): the sig stands.
    assert with_fill((50.0, None), (46.7, 28, 30), None).mg == 50.0
    # Settles an unclear range.
    settled = with_fill((100.0, 200.0), (100.0, 60, 30), "sig unclear: 'x'")
    assert (settled.mg, settled.mg_high, settled.note) == (100.0, None, FILL_DOSE_NOTE)
    # Disagrees with a clear sig: the sig stands, nothing widened (review s23 RR2 finding 4).
    clear = with_fill((200.0, None), (100.0, 60, 30), None)
    assert (clear.mg, clear.mg_high, clear.note) == (200.0, None, None)


# --- the cards -------------------------------------------------------------------------------


def test_two_tabs_after_the_times_filled_two_a_day_keeps_the_raise() -> None:
    text = _text(_chart("sertraline50_8am_8pm_2tabs_fills60"))
    assert "sertraline 100 mg/day, room to 200: raise" in text
    assert "ordered 100-200 mg/day, sig unclear: '8am and 8pm 2 tabs'" in text
    assert "switch to a non-SSRI mechanism" not in text


def test_two_tabs_after_the_times_filled_four_a_day_is_two_hundred() -> None:
    text = _text(_chart("sertraline50_8am_8pm_2tabs_fills120"))
    assert "switch to a non-SSRI mechanism or augment" in text
    assert "room to 200" not in text


def test_the_same_clock_time_twice_is_one_dose() -> None:
    text = _text(_chart("sertraline50_8am_twice_fills30"))
    assert "sertraline 50 mg/day, room to 200: raise" in text
    assert "100 mg/day" not in text.split("\n")[0]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("sertraline50_bedtime_and_9pm_fills30", "at bedtime and at 9 pm"),
        ("sertraline50_qam_and_8am_fills30", "qam and 1 tab at 8 am"),
    ],
)
def test_a_clock_time_beside_its_slot_word_is_one_or_two(name: str, words: str) -> None:
    cards, record = _at.cards_and_record(_chart(name))
    text = "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards)
    assert "sertraline 50 mg/day, room to 200: raise" in text
    assert f"ordered 50-100 mg/day, sig unclear: '{words}'" in text
    (trial,) = record.trials
    # The order reads 1-2 a day (50-100), never 2 (100); the fills of 30 for 30 days say 50.
    assert [(s.mg_per_day, s.mg_per_day_high) for s in trial.segments] == [
        (50.0, 100.0),
        (50.0, None),
    ]


def test_a_fill_that_disagrees_with_a_clear_sig_leaves_its_reading() -> None:
    # Review s23 RR2 finding 4: "Take 2 tablets by mouth at 8 AM and 8 PM" is clear (200
    # mg/day); fills of 60 for 30 days no longer widen it to 100-200 nor mark it unclear.
    _, record = _at.cards_and_record(_chart("sertraline50_2tabs_each_8am_8pm_fills60"))
    (trial,) = record.trials
    assert (trial.current_mg_per_day, trial.current_mg_per_day_high) == (200.0, None)
    assert not any("unclear" in n or "filled as" in n for n in trial.notes)


@pytest.mark.parametrize(
    "name", ["sertraline50_1tab_8am_8pm_fills60", "sertraline50_2tabs_at_6pm_fills60"]
)
def test_sigs_the_fills_agree_with_are_read_as_before(name: str) -> None:
    cards, record = _at.cards_and_record(_chart(name))
    text = "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards)
    assert "sertraline 100 mg/day, room to 200: raise" in text
    assert "unclear" not in text
    (trial,) = record.trials
    assert not any("unclear" in n or n == FILL_DOSE_NOTE for n in trial.notes)
