"""Session 38 review K59b findings 1-2 (fix fut63): suicide risk dated after today; an ED visit
whose reason is not in the record (at the end).

An ED visit whose reason is suicidal ideation or a suicide attempt, started after as-of (the next
morning, a year on, or 02:00Z with no site zone: 21:00 the evening before in New York; since
session 43 fix score75 the chart's one offset reads that as today), and an
R45.851 Condition dated after as-of (by its onset, or by its recordedDate with no onset, or an
onset after today on an entry recorded before it) were dropped in silence as "not yet on record"
and the TMS referral was offered. They are now read as today's, the date named as suspect, the
way a PHQ-9 item 9 dated after today is (fhir_mapping/risk_after_today.py). Everything else dated
after today stays not yet on record (as-of replays): controls.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files
from tests.services.chart_files import RISK, assert_critical_without_tms, assert_quiet_with_tms

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "fut63_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "future_ed_si_nextday": "fixed",
    "ed_si_future_2027": "fixed",
    "ed_si_utc_tonight": "fixed",
    "future_si_cond": "fixed",
    "si_cond_onset_future_recorded_past": "fixed",
    "si_cond_recorded_future_onset_none": "fixed",
    "future_ed_hx_si_plan_none": "fixed",
    # Controls that were critical already: a visit of today, the missing Condition's display.
    "ed_si_local_tonight": "control",
    "ed_reasonref_display": "control",
    "ed_reasonref_present": "control",
}

QUIET = {
    # Not a suicide-risk finding, or nothing on record: still not yet on record.
    "future_ed_chest_pain": "control",
    "future_ed_si_planned": "control",
    "future_si_cond_entered_in_error": "control",
    "future_epilepsy_cond": "control",
}

# The date named as suspect, in the summary.
AFTER_TODAY = {
    "future_ed_si_nextday": "ED visit on 2026-12-02, after today",
    "ed_si_future_2027": "ED visit on 2027-11-20, after today",
    "future_si_cond": "dated 2027-03-01, after today",
    "si_cond_onset_future_recorded_past": "dated 2027-11-20, after today",
}

# A "Z" time beside a chart written at -05:00 only: since session 43 fix score75 (review K74a
# finding 4, fhir_mapping/chart_zone.py) the chart's own offset reads it, so 02:00Z / 01:00Z on
# 12-02 is 21:00 / 20:00 on 12-01, today where the patient is: still critical, no "after today".
TODAY_AT_OFFSET = {
    "ed_si_utc_tonight": "ED visit on 2026-12-01",
    "si_cond_recorded_future_onset_none": "since 2026-12-01",
}


def test_folder_names_every_chart() -> None:
    past_denied = {"future_ed_history_of_si_denies_current_si": ""}
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, past_denied, REASON_UNREAD, REASON_CONTROLS)


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_without_tms(name: str) -> None:
    assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_quiet_with_tms(name: str) -> None:
    assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(AFTER_TODAY))
def test_date_named_after_today(name: str) -> None:
    card = _cards(name)[RISK]
    assert AFTER_TODAY[name] in card["summary"], card["summary"]
    assert "check the date; treated as current" in card["detail"]


@pytest.mark.parametrize("name", sorted(TODAY_AT_OFFSET))
def test_utc_tonight_is_today_at_the_charts_offset(name: str) -> None:
    card = _cards(name)[RISK]
    assert card["indicator"] == "critical"
    assert TODAY_AT_OFFSET[name] in card["summary"], card["summary"]
    assert "after today" not in card["summary"]


def test_recorded_before_its_onset_is_named() -> None:
    card = _cards("si_cond_onset_future_recorded_past")[RISK]
    assert "(recorded 2026-11-20)" in card["detail"]


def test_past_denied_after_today_keeps_its_warning() -> None:
    # "History of SI, denies current SI" at a visit after today: the warning it gets today.
    cards = _cards("future_ed_history_of_si_denies_current_si")
    assert cards[RISK]["indicator"] == "warning"
    assert "after today" in cards[RISK]["summary"]
    assert "Refer for TMS evaluation" in cards[chart_files.TMS]["detail"]


# Review K59b finding 2: an ED visit whose only reason is a Condition not in the record, with no
# display (fhir_mapping/ed_reason_unread.py): named on the TMS card, no card of its own, the
# one-click kept (as a stay's unread reason keeps it). An older visit, or one with no reason at
# all, is not named.
REASON_UNREAD = {"ed_reasonref_missing": "fixed", "ed_diag_missing": "fixed"}
REASON_CONTROLS = {"ed_no_reason": "control", "ed_reasonref_missing_june": "control"}


@pytest.mark.parametrize("name", sorted(REASON_UNREAD))
def test_ed_reason_not_in_record_named_on_tms(name: str) -> None:
    cards = _cards(name)
    detail = cards[chart_files.TMS]["detail"]
    assert "ED visit whose reason is a Condition not in the record" in detail, detail
    assert "(ED visit on 2026-11-25)" in detail


@pytest.mark.parametrize("name", sorted(REASON_CONTROLS))
def test_ed_reason_controls_not_named(name: str) -> None:
    cards = _cards(name)
    assert_quiet_with_tms(cards, name)
    assert "not in the record" not in cards[chart_files.TMS]["detail"]
