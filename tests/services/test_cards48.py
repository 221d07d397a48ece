"""Session 34 fix cards48: the optimise card claimed more than the scores show (review K39a
findings 3, 2 and 6).

Charts in cards48_charts/ (all 19 prefetch keys; as of 2026-12-01) are the review's, built on
neg37's e_Hx_SI_Plan_none without its ED visit: sertraline 2026-04-10 -> 07-31 failed, then
venlafaxine from 07-31 with lithium added 09-10; PHQ-9 19, 17, 18 (10-30), 23 (11-15), totals
only (item 9 not recorded).

3. k25: MADRS 32 on 07-31 -> 8 on 11-15 on venlafaxine, the 11-15 PHQ-9 taken out: before, the
   optimise summary said "2 adequate trials failed (sertraline, venlafaxine): ask ..." beside its
   own "To confirm: venlafaxine" and the TMS card's "venlafaxine to confirm"
   (rules/hold_words._heads cut the mark to keep the names); now its head is the TMS card's,
   "2 adequate trials failed, venlafaxine to confirm".
2. k13: MADRS 8 on 11-15 after the PHQ-9 18 of 10-30: before, named on the TMS card only; now the
   optimise card's "Since the PHQ-9 of 2026-10-30" line names it with its band and the remission
   range (stale_score.newer_scale_words). k13b: a HAM-D17 30 is named the same way, no remission.
6. k16 / k16b: two final PHQ-9s on 11-15, 23 (09:30) and 4 (16:00; k16b the later time filed
   first): before, only the TMS severity line said "2 PHQ-9s that day (23, 4): the higher is
   used"; now the optimise card says it too (stale_score.same_day_line). k26: the 16:00 form has
   item 9 = 1, so no TMS card: the 4 was named nowhere; now on the optimise card.

Controls: k00 (no MADRS, one PHQ-9 a day): the summary keeps its names, neither line is said;
k11b (a newer PHQ-2): its since-line as before.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

OPTIMISE = "optimize-switch-augment"
_cards = chart_files.topic_reader(Path(__file__).parent / "cards48_charts", date(2026, 12, 1))
_ASK = "ask PHQ-9 item 9 (not recorded) first, then augment or switch class"
_SAME_DAY = (
    "**PHQ-9 of 2026-11-15:** 2 PHQ-9s that day (23, 4): the higher is used, and this card's "
    "verdicts rest on it."
)


def _section(card: dict, start: str) -> list[str]:
    return [s for s in card["detail"].split("\n\n") if s.startswith(start)]


def test_a_trial_to_confirm_is_not_counted_failed_in_the_summary() -> None:
    found = _cards("k25_madrs_pair_remits")
    assert found[OPTIMISE]["summary"] == f"2 adequate trials failed, venlafaxine to confirm: {_ASK}"
    # The TMS card says the same count.
    assert found[chart_files.TMS]["summary"].startswith(
        "2 adequate trials failed, venlafaxine to confirm;"
    )


def test_control_no_trial_to_confirm_keeps_the_names() -> None:
    found = _cards("k00_baseline_noSI")
    assert found[OPTIMISE]["summary"] == (
        "2 adequate trials failed (sertraline, venlafaxine): augment (aripiprazole or "
        "brexpiprazole) or switch class"
    )
    assert _section(found[OPTIMISE], "**Since the PHQ-9") == []
    assert _section(found[OPTIMISE], "**PHQ-9 of") == []


def test_a_newer_madrs_is_named_on_the_optimise_card() -> None:
    card = _cards("k13_madrs_latest_low")[OPTIMISE]
    assert card["summary"] == f"2 adequate trials failed (sertraline, venlafaxine): {_ASK}"
    assert _section(card, "**Since the PHQ-9") == [
        "**Since the PHQ-9 of 2026-10-30:** MADRS 8 (mild, Snaith 1986) on 2026-11-15, in the "
        "remission range (MADRS <= 10: Hawley 2002; Riedel 2010): the failed count rests on "
        "PHQ-9 totals, so it is named here; weigh it before augmenting or switching."
    ]


def test_a_newer_hamd_is_named_without_remission() -> None:
    card = _cards("k13b_hamd_latest")[OPTIMISE]
    assert _section(card, "**Since the PHQ-9") == [
        "**Since the PHQ-9 of 2026-10-30:** HAM-D17 30 (severe, Zimmerman 2013) on 2026-11-15: "
        "the failed count rests on PHQ-9 totals, so it is named here; weigh it before "
        "augmenting or switching."
    ]


def test_control_a_newer_phq2_is_named_as_before() -> None:
    card = _cards("k11b_phq2_latest_low")[OPTIMISE]
    assert _section(card, "**Since the PHQ-9") == [
        "**Since the PHQ-9 of 2026-10-30:** PHQ-2 1 on 2026-11-15: not a PHQ-9, item 9 not "
        "asked; this card judges PHQ-9 totals, so it is named here, not counted."
    ]


@pytest.mark.parametrize(
    "name",
    [
        "k16_two_same_day_23_4",
        "k16b_same_day_later_time_4",
        "k26_same_day_second_with_item9",
    ],
)
def test_a_second_phq9_of_the_day_is_named_on_the_optimise_card(name: str) -> None:
    card = _cards(name)[OPTIMISE]
    assert card["summary"].startswith("2 adequate trials failed (sertraline, venlafaxine): ")
    assert _section(card, "**PHQ-9 of") == [_SAME_DAY]
