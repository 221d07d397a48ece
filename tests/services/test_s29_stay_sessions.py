"""Review s28 recheck K10 findings 1-5 on stays28: day cases and stay reasons.

- Finding 1 (UNSAFE, regression): a crisis short stay sharing a day with an ECT session was read
  as an ECT day case and its critical discharge card disappeared. A session counts only inside
  the stay by time or naming the stay, never for a stay whose type / serviceType names
  non-session care ("Crisis stabilization": fhir_mapping/day_cases.py).
- Finding 2 (WRONG): a reasonReference to a refuted or entered-in-error Condition F33.2 made the
  critical card; such a Condition is no stated reason (stay_reason.py `_voided`).
- Finding 3 (WRONG, silent): a finished admission with no end, begun 91 days ago, nothing filed:
  nothing. Now a warning asking to confirm the discharge date (services/psychiatric_discharge.py).
- Finding 4 (NOISE): ECT day cases written as 4-hour IMP encounters typed "Electroconvulsive
  therapy" made the critical card; an admission is a day case when its own type names the
  session and its timestamps show under 24 hours.
- Finding 5 (MINOR): a stay reason that could not be resolved said nothing; the reference's
  display is read as a typed-in reason, else the card asks what the stay was for (a warning).

Charts: tests/services/s29_stay_charts/ (K10's charts, all 19 prefetch keys), as-of 2026-12-01.
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
RISK = "suicide-risk"
HERE = Path(__file__).parent / "s29_stay_charts"
_chart = chart_files.loader(HERE)
_at = Evaluator(date(2026, 12, 1))
CHARTS = sorted(p.stem for p in HERE.glob("*.json"))


def _risk(name: str) -> Doc | None:
    card: Doc | None = _at.by_topic(_chart(name)).get(RISK)
    return card


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


# Finding 1: a crisis stay beside an ECT session is a stay.


@pytest.mark.parametrize(
    "name",
    ["s06d_ss_crisis_overnight_f33_ect_last_day", "s06b_ss_crisis_sameday_ect_course_ongoing"],
)
def test_a_crisis_short_stay_beside_an_ect_session_is_a_psychiatric_discharge(name: str) -> None:
    """Before (stays28): no card. s06d: ECT at 08:00 inside the stay, but its serviceType is
    "Crisis stabilization"; s06b: the outpatient ECT at 07:30 before the stay began at 12:00."""
    risk = _risk(name)
    assert risk is not None and risk["indicator"] == "critical"
    # (the day is 11-26 or 11-27 by the site zone: s06b ends at 23:00-05:00)
    # No inpatient post-discharge rate claimed after a short stay (test_s29_old30.py).
    assert "after a psychiatric short stay (F33.2): assess suicide risk today" in risk["summary"]


def test_a_crisis_stay_with_ideation_keeps_its_discharge_section() -> None:
    risk = _risk("s06_ss_crisis_overnight_si_with_ect_last_day")
    assert risk is not None and risk["indicator"] == "critical"
    assert "**Recent psychiatric discharge:** Psychiatric short stay" in risk["detail"]


@pytest.mark.parametrize(
    "name",
    [
        "s03_ect_daycase_amb",
        "s04_ect_daycase_ss_procedure_only",  # the ECT Procedure inside each stay by time
        "s10_ss_ect_dates_only_same_day",  # typed ECT
        "s05_ect_daycase_imp_4h",  # finding 4: IMP typed ECT, 4 hours by timestamps
    ],
)
def test_ect_sessions_given_as_day_cases_make_no_discharge_card(name: str) -> None:
    assert _risk(name) is None


# Finding 2: a voided Condition is no stated reason.


@pytest.mark.parametrize("name", ["s02_imp_reasonref_refuted_f33", "s02b_imp_reasonref_eie_f33"])
def test_a_reason_referencing_a_refuted_or_voided_condition_is_no_psychiatric_reason(
    name: str,
) -> None:
    """Before: critical "Discharged 2026-11-25 after a psychiatric admission (F33.2)"."""
    assert _risk(name) is None


def test_a_reason_referenced_by_absolute_url_still_reads() -> None:
    risk = _risk("s02c_imp_reasonref_absolute_url")
    assert risk is not None and risk["indicator"] == "critical"


# Finding 3: finished, no end, begun more than the period ago.


def test_a_finished_stay_with_no_end_older_than_the_period_asks_to_confirm_the_date() -> None:
    """Before: nothing. After: a warning (the record holds no day within the period), no
    same-day one-click; the detail says the discharge may have been any day since."""
    risk = _risk("s07_imp_finished_no_end_nothing")
    assert risk is not None and risk["indicator"] == "warning"
    assert risk["summary"] == (
        "Discharged after a psychiatric admission (F33.2), date not recorded (last on record "
        "2026-09-01): confirm the discharge date"
    )
    assert (
        "The discharge may have been any day since 2026-09-01: confirm the discharge date"
        in (risk["detail"])
    )
    assert not risk.get("suggestions")


@pytest.mark.parametrize(
    "name", ["s07c_imp_finished_no_end_date_only", "s07d_imp_finished_no_end_start_sep05"]
)
def test_a_finished_stay_with_no_end_within_the_period_stays_critical(name: str) -> None:
    risk = _risk(name)
    assert risk is not None and risk["indicator"] == "critical"


def test_a_stay_in_progress_is_no_discharge() -> None:
    assert _risk("s07b_imp_inprogress_no_end_old") is None


# Finding 5: a stay reason not in the record.


def test_a_reason_named_only_by_the_display_of_an_absent_condition_is_read_as_typed() -> None:
    risk = _risk("s01b_imp_reasonref_absent_with_display")
    assert risk is not None and risk["indicator"] == "critical"
    assert risk["summary"].startswith("Discharged 2026-11-25 after a psychiatric admission:")
    assert "(Major depressive disorder, recurrent severe" in risk["detail"]


def test_a_reason_not_in_the_record_asks_what_the_stay_was_for() -> None:
    """Before: nothing. After: a warning, never called psychiatric, no one-click."""
    risk = _risk("s01_imp_reasonref_condition_absent")
    assert risk is not None and risk["indicator"] == "warning"
    assert risk["summary"] == (
        "Discharged 2026-11-25 after an admission whose reason is not in the record: confirm "
        "what it was for"
    )
    assert "**Recent discharge, stay reason not in the record:** Inpatient stay" in risk["detail"]
    assert not risk.get("suggestions")


@pytest.mark.parametrize(
    ("name", "indicator"),
    [
        ("s08_obs_chestpain_ref_diag_f33_dd", "critical"),  # discharge diagnosis F33.2
        ("s08b_imp_chestpain_then_f33", "critical"),  # an admission reads every reason
        ("s09_ss_reasoncode_z_and_ref_f33", "critical"),
        ("s02d_ss_reasonref_suicide_attempt", "critical"),
        ("s06c_ss_typed_ect_reason_suicide_attempt", "critical"),
    ],
)
def test_unchanged_readings(name: str, indicator: str) -> None:
    risk = _risk(name)
    assert risk is not None and risk["indicator"] == indicator
