"""Review s22 RR finding 5: maintenance ECT under an order still active is a current course
between sessions spaced further apart than policy.ect_recent_session_days
(services/open_referrals.py `ect_session_window`, the one rule PathwayFacts.ect_open and the
lithium-ECT checks share).

Before: an acute course in May, then continuation/maintenance sessions 07-12, 08-30 and 10-15
(about every 7 weeks) under an ECT order of 2026-04-20 still active, lithium running: 47 days
after the last session the patient-view card lost the "Lithium during ECT" line and "ECT
referral already open" (the TMS card came back), and lithium drafted got no card at all. Now,
two or more sessions having followed the order, the course stays current until 1.5 times the
last gap (46 days: 69) has passed since the latest session. An acute course alone (sessions 3
days apart, May only) is still over in December.

Charts: tests/services/ect_maintenance_window_charts/ (the s22 RR recheck's c charts, every
prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import Referral
from services.open_referrals import ect_order_current, ect_session_window
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
LITHIUM_ECT = (
    "**Lithium during ECT:** lithium 600 mg/day since 2026-09-10 during an ECT course "
    "(last session 2026-10-15; ECT order of 2026-04-20 active)"
)

_chart = chart_files.loader(Path(__file__).parent / "ect_maintenance_window_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


def _text(cards: list[Doc]) -> str:
    return "\n".join(c["summary"] + "\n" + c.get("detail", "") for c in cards)


def test_maintenance_every_7_weeks_47_days_on_is_a_current_course() -> None:
    cards = _cards(_chart("maintenance_every_7wk_last_47d_pv"))
    text = _text(cards)
    assert LITHIUM_ECT in text
    assert "ECT referral already open" in cards[0]["summary"]
    assert "an ECT referral is already open (active on 2026-04-20)" in text
    assert not any("consider TMS referral" in c["summary"] for c in cards)


def test_lithium_drafted_during_maintenance_ect_is_named() -> None:
    cards = _cards(_chart("maintenance_every_7wk_lithium_draft_select"))
    assert [c["summary"] for c in cards] == [
        "Lithium ordered during an ECT course (last session 2026-10-15): agree with the ECT "
        "team whether to hold it before treatments"
    ]


def test_past_one_and_a_half_gaps_the_course_is_over() -> None:
    # 2027-01-01: 78 days after the last session, past 1.5 x 46 = 69 days.
    text = _text(_cards(_chart("maintenance_every_7wk_last_47d_pv"), as_of=date(2027, 1, 1)))
    assert "Lithium during ECT" not in text
    assert "ECT referral already open" not in text


def test_an_acute_course_alone_is_still_over() -> None:
    assert _cards(_chart("acute_course_may_only_lithium_draft_select")) == []


def _order(authored: date | None) -> Referral:
    return Referral(kind="ect", status="active", authored=authored)


@pytest.mark.parametrize(
    ("sessions", "days"),
    [
        ((), 42),
        ((date(2026, 10, 15),), 42),  # one session after the order: no schedule to read
        ((date(2026, 5, 28), date(2026, 5, 31)), 42),  # an acute course's gap: the policy
        # Two sessions after the order are no schedule (review s22 RR2 finding 7).
        ((date(2026, 8, 30), date(2026, 10, 15)), 42),
        ((date(2026, 7, 12), date(2026, 8, 30), date(2026, 10, 15)), 69),  # 46 days x 1.5
        # Sessions before the order belong to an earlier course: not its schedule.
        ((date(2025, 1, 1), date(2025, 6, 1), date(2026, 10, 15)), 42),
    ],
)
def test_session_window(sessions: tuple[date, ...], days: int) -> None:
    window = ect_session_window(_order(date(2026, 4, 20)), sessions, Policy())
    assert window.days == days


def test_no_order_no_longer_window() -> None:
    sessions = (date(2026, 8, 30), date(2026, 10, 15))
    assert ect_session_window(None, sessions, Policy()).days == 42


def test_the_factor_is_policy() -> None:
    sessions = (date(2026, 7, 12), date(2026, 8, 30), date(2026, 10, 15))
    order = _order(date(2026, 4, 20))
    assert ect_order_current(order, sessions, AS_OF, Policy())
    assert not ect_order_current(order, sessions, AS_OF, Policy(ect_session_gap_factor=1.0))
