"""Review s20 W2: a course's end not recorded, and a running drug whose supply ran out.

Item 1: an order `stopped` with no stated end is cut at the day its stop was recorded by
(Trial.end_not_recorded). The cards said "stopped on or before DATE (last dose not recorded)"
and "duration not recorded", but the timeline said "Why: too short" and "from 23 May 2025 to 1
Jun 2025", the packet "duration not recorded (counted as 9 days)" as a length, and --explain
"too-short". Now every surface names the reason from one function
(fhir_mapping/course_length.length_not_recorded) and the end in the cards' words
(trial_dates.stopped_by_text).

Item 2: an order card said "Two SSRIs (sertraline running)" of a sertraline whose order is open
but whose supply ran out 18 months before (Trial.supply_ran_out): now "(sertraline may be
running: no supply since 2025-06-05)" (order_checks/stacking.running_name, running_dose).

Charts: tests/services/end_not_recorded_charts/ (copies of stop_flag_charts/phenelzine_order_
stopped_last_updated_yesterday_on_escitalopram and recheck16_charts/rc2_a01_..., renamed; the
latter given the labsSI prefetch key).
"""

from __future__ import annotations

import copy
import re
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.explain import explain
from fhir_mapping.record import InadequacyReason, PatientRecord
from services.packet import render_packet
from services.policy import Policy
from services.timeline import render_svg
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
_chart = chart_files.loader(Path(__file__).parent / "end_not_recorded_charts")
STOPPED = "phenelzine_order_stopped_no_end_recorded_yesterday"
RAN_OUT = "escitalopram_drafted_sertraline_order_open_supply_ran_out"
STOPPED_AS_OF = date(2025, 6, 2)
RAN_OUT_AS_OF = date(2026, 12, 1)


def _evaluate(doc: Doc, as_of: date) -> tuple[list[Doc], PatientRecord]:
    return Evaluator(as_of).cards_and_record(doc)


def _text(markup: str) -> str:
    """The words of an SVG or HTML page, tags dropped."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


def _with_stated_end(doc: Doc) -> Doc:
    """The control: the phenelzine order with its end stated (boundsPeriod.end)."""
    doc = copy.deepcopy(doc)
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        order = entry["resource"]
        if "phenelzine" in order["medicationCodeableConcept"]["text"]:
            order["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"] = {
                "start": "2025-05-23T09:30:00-05:00",
                "end": "2025-05-30T09:30:00-05:00",
            }
    return doc


def test_timeline_says_the_end_and_the_reason_as_the_cards_do() -> None:
    _, record = _evaluate(_chart(STOPPED), STOPPED_AS_OF)
    (phenelzine,) = [t for t in record.trials if t.ingredient == "phenelzine"]
    assert phenelzine.end_not_recorded
    svg = _text(render_svg(record, policy=Policy()))
    assert "Why: duration not recorded" in svg
    assert "Why: too short" not in svg
    assert "Stopped on or before 1 Jun 2025 (last" in svg  # the lane line (wrapped)
    assert "at most 1.3 wk at adequate" in svg
    assert (
        "phenelzine 45 mg/day from 23 May 2025, stopped on or before 1 Jun 2025 (last dose not "
        "recorded), inadequate trial (duration not recorded)" in svg
    )


def test_packet_row_says_the_end_not_recorded_not_a_counted_length() -> None:
    _, record = _evaluate(_chart(STOPPED), STOPPED_AS_OF)
    page = _text(render_packet(record, Policy()))
    assert "23 May 2025 – stopped on or before 1 Jun 2025 (last dose not recorded)" in page
    assert "at most 1.3 (last dose not recorded)" in page
    assert "counted as 9 days" not in page
    assert "9 days counted" not in page
    assert "weeks at an adequate dose unknown: duration not recorded (needs 6)" in page


def test_explain_and_card_give_the_same_reason() -> None:
    cards, record = _evaluate(_chart(STOPPED), STOPPED_AS_OF)
    said = explain(record)
    assert "verdict: inadequate (duration not recorded)" in said
    details = " ".join(str(c["detail"]) for c in cards)
    assert "phenelzine" in details and "too short" not in details
    assert "too-short" not in said


def test_a_recorded_end_keeps_its_day_and_too_short() -> None:
    _, record = _evaluate(_with_stated_end(_chart(STOPPED)), STOPPED_AS_OF)
    (phenelzine,) = [t for t in record.trials if t.ingredient == "phenelzine"]
    assert not phenelzine.end_not_recorded
    # span71 (fhir_mapping/feed_unfilled.py, review K69a finding 1): never filled while the
    # chart's fill feed shows escitalopram filled, the stopped order with its stated end is no
    # trial ("not shown taken"), where it read "too short"; its end keeps its day all the same.
    assert InadequacyReason.NOT_SHOWN_TAKEN in phenelzine.reasons
    svg = _text(render_svg(record, policy=Policy()))
    assert "on or before" not in svg
    page = _text(render_packet(record, Policy()))
    assert "on or before" not in page
    assert "not-shown-taken" in explain(record)


def _summary(cards: list[Doc], code: str) -> str:
    (card,) = [c for c in cards if c["source"]["topic"]["code"] == code]
    return str(card["summary"]) + "\n" + str(card["detail"])


def test_a_drug_with_no_supply_for_months_is_not_said_running() -> None:
    cards, record = _evaluate(_chart(RAN_OUT), RAN_OUT_AS_OF)
    (sertraline,) = [t for t in record.trials if t.ingredient == "sertraline"]
    assert sertraline.supply_ran_out == date(2025, 6, 5)
    said = _summary(cards, "order-repeats-failed-trial")
    assert "(sertraline may be running: no supply since 2025-06-05)" in said
    assert "(sertraline running)" not in said
    assert "sertraline 200 mg/day since 2025-01-06 (may be running: no supply since" in said


def test_a_drug_still_supplied_is_said_running() -> None:
    cards, record = _evaluate(_chart(RAN_OUT), date(2025, 6, 2))
    (sertraline,) = [t for t in record.trials if t.ingredient == "sertraline"]
    assert sertraline.supply_ran_out is None
    said = _summary(cards, "order-repeats-failed-trial")
    assert "(sertraline running)" in said
    assert "may be running" not in said


def test_a_summary_too_long_for_the_day_still_says_may_be_running() -> None:
    """The repeat card's summary names a running drug of another class last; with its supply's
    day it no longer fits, and it kept only the repeat, dropping the drug (now "may be
    running", the day in the detail)."""
    doc = _chart("sertraline_drafted_venlafaxine_order_open_supply_ran_out")
    cards, _ = _evaluate(doc, RAN_OUT_AS_OF)
    summaries = [str(c["summary"]) for c in cards]
    assert any(s.endswith("; venlafaxine may be running") for s in summaries), summaries
    assert not any("venlafaxine still running" in s for s in summaries)
