"""An ECT order left `active` after its course ended is no open referral (review s21 RR2 finding 7).

The chart: ten ECT sessions in May 2026 under a ServiceRequest of 2026-04-20 the EHR still holds
`active`, lithium running since September. As of 2026-12-01 the optimise card read "...; ECT
referral already open" and the TMS card "Why no TMS referral: an ECT referral is already open",
six months after the last session. The lithium-ECT line had already been fixed to the rule "an
open ECT order is a course only when written within policy.ect_recent_session_days or followed by
no session"; PathwayFacts.ect_open now uses that same rule (open_referrals.ect_order_current), so
the whole card set says nothing of a current ECT course: the finished course is named as what it
is ("ECT in this episode: 10 sessions, ... discuss the next step with the ECT service") and TMS is
considered again.

Charts: tests/services/stale_records_charts/ (US Core shaped, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.chart_files import Doc
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
LITHIUM_ECT = "running-lithium-ect"

_chart = chart_files.loader(Path(__file__).parent / "stale_records_charts")
_cards = Evaluator(AS_OF).cards
_STALE = "ect_order_left_active_after_may_course"


def _with_ect_order_on(doc: Doc, authored: str) -> Doc:
    """The chart with its ECT ServiceRequest written on `authored`."""
    (entry,) = doc["prefetch"]["serviceRequests"]["entry"]
    entry["resource"]["authoredOn"] = authored
    return doc


def _with_session_on(doc: Doc, day: str) -> Doc:
    """The chart with its last ECT session moved to `day` (a course still running)."""
    sessions = [
        e["resource"]
        for e in doc["prefetch"]["procedures"]["entry"]
        if "Electroconvulsive" in e["resource"]["code"].get("text", "")
    ]
    sessions[-1]["performedDateTime"] = f"{day}T09:30:00-05:00"
    return doc


def _text(cards: list[Doc]) -> str:
    return "\n".join(f"{c['summary']}\n{c.get('detail', '')}" for c in cards)


def test_an_order_left_active_months_after_its_course_is_no_open_referral() -> None:
    cards = _cards(_chart(_STALE))
    topics = by_topic(cards)
    text = _text(cards)
    assert "ECT referral already open" not in text
    assert "ECT referral is already open" not in text
    assert "during an ECT course" not in text
    assert LITHIUM_ECT not in topics
    # The finished course is still named, and TMS is considered again.
    assert (
        "**ECT in this episode:** 10 sessions, 2026-05-04 to 2026-05-31"
        in topics[OPTIMISE]["detail"]
    )
    assert topics[TMS]["summary"].endswith("consider TMS referral")


def test_an_order_no_session_followed_is_still_open() -> None:
    # Ordered after the May course (a new course not yet started): the referral is under way.
    cards = _cards(_with_ect_order_on(_chart(_STALE), "2026-07-01T09:30:00-05:00"))
    topics = by_topic(cards)
    assert topics[OPTIMISE]["summary"].endswith("; ECT referral already open")
    assert "an ECT referral is already open (active on 2026-07-01)" in _text(cards)
    assert "ECT order of 2026-07-01 active" in _text(cards)


def test_an_order_written_within_the_window_is_still_open() -> None:
    cards = _cards(_with_ect_order_on(_chart(_STALE), "2026-11-10T09:30:00-05:00"))
    assert by_topic(cards)[OPTIMISE]["summary"].endswith("; ECT referral already open")


def test_the_old_order_of_a_course_with_a_recent_session_is_that_course() -> None:
    cards = _cards(_with_session_on(_chart(_STALE), "2026-11-23"))
    topics = by_topic(cards)
    assert topics[OPTIMISE]["summary"].endswith("; ECT referral already open")
    assert "(last session 2026-11-23; ECT order of 2026-04-20 active)" in _text(cards)
