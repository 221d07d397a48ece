"""Session 30 fix orders31: order-sign wording leftovers, pinned on charts that failed before.

- #1: under 18, a repeat card led by "Two SSRIs (paroxetine still running)" took only that
  clause after the running drug's line: "Paroxetine running at age 15: ...; two SSRIs; boxed
  warning (under 25)" named neither the drafted escitalopram nor the card's own failed-trial
  point. The clause after it, which names the draft, is kept (order_boxed._led_by_running; a1;
  a2 the control: no failed trial, unchanged).
- #2: a running amitriptyline beside a drafted fluoxetine or tramadol did not reproduce
  ("... with amitriptyline running", filled or not, order-sign; test_s29_orders30 b1-b4).
- #3: linezolid drafted within a stopped partner's washout read "Linezolid with sertraline
  stopped at least 11 days ago: if urgent give linezolid, monitor" (no days, nothing they count
  from), and "stopped at least 0 days ago" for an order recorded stopped today. Now the stop as
  the record has it and the table's days to monitor, from what they count (maoi_summary.
  _urgent_after_stop; c1-c3); the detail says "as of today", never "0 days ago" (c2).
  Phenelzine drafted after the same stop keeps its wording (c4, the control).
- #4: linezolid beside running fluoxetine and sertraline read "monitor up to 35 days":
  each partner's washout is named (maoi_summary.urgent_summary; d1, d2). Partners with one
  washout keep "monitor up to 14 days" (test_s29_orders30 c5, c6).

Charts: tests/services/s30_orders31_charts/ (every prefetch key; made from s29_orders30_charts
b4), evaluated as of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
REPEAT = "order-repeats-failed-trial"
SAME_CLASS = "order-same-class-running"
MAOI = "order-maoi-interaction"

_FOLDER = Path(__file__).parent / "s30_orders31_charts"
_chart = chart_files.loader(_FOLDER)
_cards = Evaluator(date(2026, 12, 1)).cards


def _card(name: str, topic: str) -> Doc:
    (card,) = [c for c in _cards(_chart(name)) if c["source"]["topic"]["code"] == topic]
    return card


@pytest.mark.parametrize("path", sorted(_FOLDER.glob("*.json")), ids=lambda p: p.stem)
def test_charts_are_complete_requests(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


def test_under_18_the_two_ssri_lead_keeps_the_drafted_drug() -> None:
    card = _card("a1_age15_paroxetine_running_escitalopram_fluoxetine_failed_sign", REPEAT)
    # Was "Paroxetine running at age 15: not to be used for depression under 18 (NICE NG134);
    # two SSRIs; boxed warning (under 25)".
    assert card["summary"] == (
        "Paroxetine running at age 15: not for use under 18 (NICE NG134); two SSRIs; "
        "escitalopram: fluoxetine (SSRI) failed an adequate trial"
    )
    assert card["indicator"] == "warning"
    assert "**Running now, not for use under 18:**" in card["detail"]


def test_under_18_the_two_ssri_card_already_naming_both_is_unchanged() -> None:
    card = _card("a2_age15_paroxetine_running_escitalopram_sign", SAME_CLASS)
    assert card["summary"] == (
        "Paroxetine running at age 15: not for use under 18 (NICE NG134); escitalopram ordered "
        "while paroxetine (SSRI) is running: two SSRIs"
    )


@pytest.mark.parametrize(
    ("name", "summary", "said"),
    [
        # Was "Linezolid with sertraline stopped at least 11 days ago: if urgent give
        # linezolid, monitor; else an alternative".
        (
            "c1_sertraline_stopped_by_1120_linezolid_sign",
            "Linezolid with sertraline stopped on or before 2026-11-20: if urgent give linezolid, "
            "monitor up to 14 days from then; else an alternative",
            "stopped only on or before 2026-11-20 (11 days ago)",
        ),
        # Was "... stopped at least 0 days ago ...": the stop recorded today, its day unknown.
        (
            "c2_sertraline_stopped_by_today_linezolid_sign",
            "Linezolid with sertraline stopped on or before 2026-12-01: if urgent give linezolid, "
            "monitor up to 14 days from then; else an alternative",
            "stopped only on or before 2026-12-01 (as of today)",
        ),
        # A stop on record (its supply's end): its days after the last dose; maoi56: the stop
        # is the last fill's supply running out, said so (washout_state.stop_said).
        (
            "c3_fluoxetine_stopped_1031_linezolid_sign",
            "Linezolid with fluoxetine supply ran out 31 days ago: if urgent give it, monitor up "
            "to 35 days after its last dose; else an alternative",
            # wash65 (K58a finding 5): the end is the last fill's supply, not a recorded dose.
            "was last filled on 2026-10-01 for 30 days, a supply that ran to 2026-10-31 (31 days "
            "ago; last dose not recorded)",
        ),
    ],
)
def test_linezolid_after_a_stop_says_the_washout_and_its_day(
    name: str, summary: str, said: str
) -> None:
    card = _card(name, MAOI)
    assert card["summary"] == summary
    assert "at least 0 days" not in card["summary"] + card["detail"]
    assert "0 days ago" not in card["detail"]
    assert said in card["detail"]
    assert card["indicator"] == "critical"


def test_phenelzine_after_the_same_stop_keeps_its_wording() -> None:
    card = _card("c4_sertraline_stopped_by_1120_phenelzine_sign", MAOI)
    assert card["summary"] == (
        "Phenelzine (MAOI): sertraline order stopped on or before 2026-11-20, last dose not "
        "recorded: not before 2026-12-04 unless confirmed earlier"
    )


@pytest.mark.parametrize(
    ("name", "summary", "partners"),
    [
        # Was "Linezolid with fluoxetine and sertraline running: if urgent stop both, give
        # linezolid, monitor up to 35 days; else an alternative".
        (
            "d1_fluoxetine_sertraline_running_linezolid_sign",
            "Linezolid: if urgent stop fluoxetine and sertraline, give it, monitor up to 35 days "
            "(fluoxetine), 14 (sertraline); else an alternative",
            ("Fluoxetine", "Sertraline"),
        ),
        (
            "d2_fluoxetine_tramadol_running_linezolid_sign",
            "Linezolid: if urgent stop fluoxetine and tramadol, give linezolid, monitor up to 35 "
            "days (fluoxetine), 14 (tramadol); else an alternative",
            ("Fluoxetine", "Tramadol"),
        ),
    ],
)
def test_linezolid_beside_two_partners_names_each_washout(
    name: str, summary: str, partners: tuple[str, ...]
) -> None:
    card = _card(name, MAOI)
    assert card["summary"] == summary
    assert card["indicator"] == "critical"
    for partner in partners:
        assert f"**{partner} → linezolid (acts as an MAOI)**" in card["detail"]
