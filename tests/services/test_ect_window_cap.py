"""Review s22 RR2 finding 7: the ECT course window derived from the gap between sessions
(services/open_referrals.py `ect_session_window`) needs a schedule and has a ceiling.

Before: an ECT order of 2025-05-20 still active with sessions 2025-06-01 and 2026-06-01 (a year
apart), and an acute course in May 2026 then one session 2026-08-30 (a 93-day gap), each gave
"[warning] Lithium ordered during an ECT course (last session ...): agree with the ECT team
whether to hold it before treatments" on 2026-12-01, six and three months after the last session:
1.5 times one gap kept the order "current" for up to 18 months. Now the gap-derived window is read
only from policy.ect_schedule_min_sessions (3) sessions under the order, and never exceeds
policy.ect_session_window_max_days (90): both drafts get no card.

Charts: tests/services/ect_window_cap_charts/ (the s22 RR2 recheck's t7 charts, order-select,
every prefetch key).
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from fhir_mapping.record import Referral
from services.open_referrals import ect_session_window
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)

_chart = chart_files.loader(Path(__file__).parent / "ect_window_cap_charts")
_cards = Evaluator(AS_OF).cards


@pytest.mark.parametrize(
    "chart",
    [
        "two_sessions_year_apart_lithium_draft_select",
        "acute_then_one_session_aug30_lithium_draft_select",
    ],
)
def test_an_ended_course_gives_no_lithium_ect_card(chart: str) -> None:
    summaries = [c["summary"] for c in _cards(_chart(chart))]
    assert not any("ECT" in s for s in summaries), summaries


def test_a_late_session_within_the_cap_is_still_a_course() -> None:
    # The same 93-day-gap chart, 60 days after its last session: within the 90-day ceiling.
    cards = _cards(
        _chart("acute_then_one_session_aug30_lithium_draft_select"), as_of=date(2026, 10, 29)
    )
    # (Scores dated after that day are set aside as unreadable: a card of their own.)
    assert (
        "Lithium ordered during an ECT course (last session 2026-08-30): agree with the ECT "
        "team whether to hold it before treatments"
    ) in [c["summary"] for c in cards]


_ORDER = Referral(kind="ect", status="active", authored=date(2025, 5, 20))
_YEAR_APART = (date(2025, 6, 1), date(2026, 6, 1))
_SCHEDULE = (date(2025, 6, 1), date(2025, 9, 1), date(2026, 6, 1))


def test_two_sessions_are_no_schedule() -> None:
    assert ect_session_window(_ORDER, _YEAR_APART, Policy()) == timedelta(days=42)


def test_the_gap_window_is_capped_by_policy() -> None:
    assert ect_session_window(_ORDER, _SCHEDULE, Policy()) == timedelta(days=90)
    wide = Policy(ect_session_window_max_days=200)
    assert ect_session_window(_ORDER, _SCHEDULE, wide) == timedelta(days=200)


def test_the_schedule_length_is_policy() -> None:
    two = Policy(ect_schedule_min_sessions=2)
    assert ect_session_window(_ORDER, _YEAR_APART, two) == timedelta(days=90)
