"""The timeline and the referral packet say of a taper what the cards count (s26 TT, follow-ups
of the LA / KB taper-weeks fixes).

Item 1: the timeline marked "taper step" only a bar inside a sig's "then stop" span
(Trial.taper_spans), while the weeks at an adequate dose also leave out a step cut at the end of
a course (taper_weeks.taper_cut: the step to the minimum, the course ended within
cross_taper_weeks). Venlafaxine 300 -> 150 -> 75 mg/day for 1 week, ended: the card says "5 weeks
at an adequate dose, not counting the taper from 2026-04-06", the timeline called the 75 mg week
"adequate dose". Now the bar reads the very cut the verdict was judged with (Trial.taper_cut).

Item 2: the packet's weeks cell showed "5" with no word why (its outcome cell, the card's verdict
text, did say it for a trial not adequate); now the cell says "5 (not counting the taper from 6
Apr 2026)", from the note the card reads (taper_weeks.not_counting_taper beside taper_note).

Charts: tests/services/taper_surface_charts/ (copies of the taper_weeks / taper_span charts:
Epic / US Core shaped orders and fills; valid R4B, every prefetch key).
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.record import PatientRecord, TaperSpan, Trial
from fhir_mapping.taper_weeks import not_counting_taper, taper_note
from services.packet.page import render_packet
from services.policy import Policy
from services.timeline.picture import render_svg
from tests.services import chart_files
from tests.services.helpers import Evaluator

AS_OF = date(2026, 12, 1)
FOLDER = Path(__file__).parent / "taper_surface_charts"
CHARTS = sorted(p.stem for p in FOLDER.glob("*.json"))
END_CUT = "venlafaxine_300_150_then_75_for_1wk_ended_end_of_course_cut"
ORDERS_CUT = "venlafaxine_150_then_75_and_37_5_orders_ended_end_of_course_cut"
SIG = "sertraline_100_then_half_tab_sig_to_a_stop"
CONTROL = "venlafaxine_150_then_75_kept_4_months_no_cut_control"
CLOSED = "venlafaxine_taper_order_then_75_continued_closed_cut"
# Ended courses: every day of a bar at or above the minimum is counted unless it is a taper step.
ENDED = {END_CUT: "venlafaxine", ORDERS_CUT: "venlafaxine", SIG: "sertraline"}

_chart = chart_files.loader(FOLDER)
_at = Evaluator(AS_OF)
_BAR = re.compile(
    r'<g class="dose-segment[^"]*" data-mg="([^"]*)" data-category="[^"]*" '
    r'data-start="([^"]+)" data-end="([^"]+)"><title>([^<]*)</title>'
)


def _record(name: str) -> PatientRecord:
    return _at.cards_and_record(_chart(name))[1]


def _trial(record: PatientRecord, ingredient: str) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial


def _bars(record: PatientRecord, ingredient: str) -> list[tuple[float, date, date, str]]:
    """(mg/day, start, end, what the tooltip says it is) of the drug's dose bars."""
    return [
        (float(mg), date.fromisoformat(start), date.fromisoformat(end), html.unescape(tip))
        for mg, start, end, tip in _BAR.findall(render_svg(record))
        if html.unescape(tip).lower().startswith(ingredient)
    ]


def _weeks_cell(record: PatientRecord, ingredient: str) -> str:
    """The trials table's "Weeks at adequate dose" cell of the drug's row."""
    packet = html.unescape(render_packet(record, Policy()))
    rows = [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", packet, re.S)
    ]
    (row,) = [r for r in rows if r and r[0].startswith(f"{ingredient} (")]
    return row[3]  # Drug, Doses, Dates, Weeks at adequate dose, ...


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


def test_a_step_cut_at_the_end_of_a_course_is_a_taper_step_on_the_timeline() -> None:
    record = _record(END_CUT)
    assert _trial(record, "venlafaxine").taper_cut == (TaperSpan(date(2026, 4, 6)),)
    said = {mg: tip.split(": ")[1].split(" (")[0] for mg, _, _, tip in _bars(record, "venlafaxine")}
    assert said == {
        300: "above maximum dose",
        150: "adequate dose",  # the reduction for nausea is a treating dose, counted
        75: "taper step, the drug being stopped",  # was "adequate dose"
    }


def test_steps_by_separate_orders_to_a_stop_are_taper_steps_from_the_step_to_the_minimum() -> None:
    record = _record(ORDERS_CUT)
    said = {mg: tip for mg, _, _, tip in _bars(record, "venlafaxine")}
    assert ": adequate dose" in said[150]
    assert ": taper step, the drug being stopped" in said[75]  # was "adequate dose"
    assert ": taper step, the drug being stopped" in said[37.5]


@pytest.mark.parametrize("name", sorted(ENDED))
def test_the_timeline_s_adequate_bars_are_the_weeks_the_card_counts(name: str) -> None:
    ingredient = ENDED[name]
    record = _record(name)
    trial = _trial(record, ingredient)
    assert trial.min_adequate_mg is not None
    drawn = sum(
        (end - start).days
        for mg, start, end, tip in _bars(record, ingredient)
        if mg >= trial.min_adequate_mg and "taper step" not in tip
    )
    assert drawn / 7 == trial.weeks_at_adequate_dose


def test_no_cut_no_taper_step_and_a_closed_cut_keeps_the_dose_tried_again() -> None:
    for name in (CONTROL, CLOSED):
        record = _record(name)
        tips = [tip for *_, tip in _bars(record, "venlafaxine")]
        assert tips and all(": adequate dose" in tip for tip in tips), name
    # The 14-day taper order was followed by 7 months at 75: one bar, mostly a dose tried.
    assert _trial(_record(CLOSED), "venlafaxine").taper_cut == (
        TaperSpan(date(2026, 3, 30), date(2026, 4, 13)),
    )


@pytest.mark.parametrize(
    ("name", "ingredient", "cell"),
    [
        (END_CUT, "venlafaxine", "5 (not counting the taper from 6 Apr 2026)"),
        (ORDERS_CUT, "venlafaxine", "4 (not counting the taper from 30 Mar 2026)"),
        (SIG, "sertraline", "5 (not counting the taper from 6 Apr 2026)"),
        (CONTROL, "venlafaxine", "21.1"),
    ],
)
def test_the_packet_s_weeks_cell_says_the_taper_was_left_out(
    name: str, ingredient: str, cell: str
) -> None:
    record = _record(name)
    assert _weeks_cell(record, ingredient) == cell  # was "5", "4", "5"
    # The card's words, from the same note.
    card_said = not_counting_taper(ingredient, _trial(record, ingredient).notes)
    details = " ".join(c["detail"] for c in _at.cards(_chart(name)))
    if name == CONTROL:
        assert card_said is None
    else:
        assert f"weeks at an adequate dose, {card_said} (" in details


def test_the_words_read_the_note_they_were_written_beside() -> None:
    note = taper_note("venlafaxine", date(2026, 4, 6), "1")
    assert not_counting_taper("venlafaxine", [note]) == "not counting the taper from 2026-04-06"
    assert not_counting_taper("venlafaxine", [note], lambda d: d.strftime("%d %b")) == (
        "not counting the taper from 06 Apr"
    )
    assert not_counting_taper("sertraline", [note]) is None
    assert not_counting_taper("venlafaxine", []) is None
