"""Review s28 recheck K5 findings 1-3: which stays are psychiatric discharges.

- Finding 1 (NOISE, critical card): outpatient ECT charted as short stays (class SS, reason
  F33.2, type "Electroconvulsive therapy", 07:00 to 11:00, no admission ever) made "Discharged
  2026-11-26 after a psychiatric short stay: highest suicide risk in the first months; assess
  today". A short stay of less than a day whose activity is a session of a course (ECT, TMS,
  esketamine, a ketamine dose: its type / serviceType, or a session that day) is that session,
  not a discharge from psychiatric inpatient care (fhir_mapping/day_cases.py). A crisis short
  stay overnight for F33.2 still holds; so does an ECT-typed stay of two days.
- Finding 2 (MINOR): a stay whose only reason is a reasonReference to Condition F33.2 (US Core
  allows it) was not psychiatric: the referenced Condition (the chart's, or one contained in the
  Encounter) is read as a reasonCode (stay_reason.py `stated_reasons`); an observation stay's
  first reference is still its primary reason.
- Finding 3 (MINOR): a stay recorded finished with no period.end was skipped in silence; it is
  read as ended on the last day the record places the patient on it and the card says the date
  is not recorded (fhir_mapping/stay_evidence.py).

Charts: tests/services/s28_stay_reason_charts/ (K5's charts and new variations), as-of
2026-12-01.
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
HERE = Path(__file__).parent / "s28_stay_reason_charts"
_chart = chart_files.loader(HERE)
_at = Evaluator(date(2026, 12, 1))
CHARTS = sorted(p.stem for p in HERE.glob("*.json"))


def _risk(name: str) -> Doc | None:
    card: Doc | None = _at.by_topic(_chart(name)).get(RISK)
    return card


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


# Finding 1: a session given as a day case is no discharge.


@pytest.mark.parametrize(
    "name", ["ect_day_cases_short_stay_f33", "short_stay_same_day_ect_procedure"]
)
def test_an_ect_session_charted_as_a_short_stay_is_no_psychiatric_discharge(name: str) -> None:
    """Before: critical "Discharged 2026-11-26 after a psychiatric short stay (F33.2): highest
    suicide risk in the first months; assess today" after every ECT session (the type names
    ECT; or, with no type, a CPT 90870 Procedure the same morning)."""
    assert _risk(name) is None


def test_a_crisis_short_stay_overnight_is_still_a_psychiatric_discharge() -> None:
    risk = _risk("crisis_short_stay_overnight_f33")
    assert risk is not None and risk["indicator"] == "critical"
    assert "after a psychiatric short stay (F33.2)" in risk["summary"]


def test_an_ect_short_stay_of_two_days_is_not_read_as_a_session_visit() -> None:
    """Not shown to be a day case (it lasted more than a day): the safer reading keeps it."""
    risk = _risk("ect_short_stay_two_days")
    assert risk is not None and risk["indicator"] == "critical"
    assert "Psychiatric short stay 2026-11-25 to 2026-11-27" in risk["detail"]


def test_a_continuation_ect_session_the_day_after_a_ward_discharge_is_no_move_on() -> None:
    """The day case is no stay of the chain (stay_chains.py): the ward discharge is named as
    itself, never "then a short stay" with the session's end as the discharge."""
    risk = _risk("admission_then_ect_day_case_next_day")
    assert risk is not None
    assert risk["summary"].startswith("Discharged 2026-11-29 after a psychiatric admission (F33.2)")
    assert "short stay" not in risk["detail"]


# Finding 2: a reason stated by reference.


@pytest.mark.parametrize(
    ("name", "stay"),
    [
        ("obs_reason_reference_condition", "observation stay"),
        ("obs_reason_reference_contained", "observation stay"),
        ("admission_reason_reference_only", "admission"),
    ],
)
def test_a_stay_whose_reason_is_a_referenced_f33_condition_is_psychiatric(
    name: str, stay: str
) -> None:
    """Before: no suicide-risk card at all two days after the discharge."""
    risk = _risk(name)
    assert risk is not None and risk["indicator"] == "critical"
    assert f"Discharged 2026-11-29 after a psychiatric {stay} (F33.2)" in risk["summary"]


def test_an_observation_stay_whose_first_referenced_reason_is_chest_pain_is_not() -> None:
    """As a first reasonCode is (review s27 K2 finding 4): the chest pain is the primary reason,
    the depression referenced second does not make the stay psychiatric."""
    assert _risk("obs_reason_reference_chest_pain_then_f33") is None


# Finding 3: finished, no end on record.


@pytest.mark.parametrize(
    ("name", "day", "ago"),
    [
        ("admission_finished_no_end", "2026-11-20", 11),
        ("admission_finished_no_end_mar_dose", "2026-11-27", 4),
    ],
)
def test_a_finished_stay_with_no_end_is_named_with_its_last_day_on_record(
    name: str, day: str, ago: int
) -> None:
    """Before: nothing (no discharge day, so no discharge). After: the period is counted from
    the last day the record places the patient on the stay (its start; a MAR dose of the stay
    on 2026-11-27), said as such, never as a discharge date."""
    risk = _risk(name)
    assert risk is not None and risk["indicator"] == "critical"
    assert risk["summary"].startswith(
        f"Discharged after a psychiatric admission (F33.2), date not recorded (last on record {day})"
    )
    detail = risk["detail"]
    assert "Psychiatric inpatient stay from 2026-11-20" in detail
    assert f"finished with no discharge date recorded: discharged at most {ago} days ago" in detail
    assert "confirm the discharge date" in detail
    assert "until at least" in detail
