"""Review s27 RE findings 1 and 6: an assessment taken on the ward is not one "since discharge",
and the discharge disposition is read.

- Finding 1 (UNSAFE): a negative C-SSRS the ward took at 09:00 on the discharge day (discharge
  11:00, -05:00) read "Assessed since discharge", turned the post-discharge card to information
  and left a one-click TMS referral live: the after-discharge test compared dates. It now
  compares instants when both carry a time (services/psychiatric_discharge.py `shown_after`);
  with a date alone on the discharge day the assessment is not shown to follow the discharge,
  and one that names the stay's own Encounter was taken during the stay.
- Finding 6 (MINOR): Encounter.hospitalization.dischargeDisposition was never read. A
  psychiatric stay left against medical advice is named on the post-discharge card; an ED visit
  for suicidal ideation that ended in a transfer to a psychiatric facility no longer asks the
  clinic to "complete a suicide risk assessment today" as if the patient were in front of it.

Charts: tests/services/s27_ward_assess_charts/ (the RE reviewer's charts, renamed; US Core
shaped requests with every prefetch key).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.discharge_disposition import read_disposition
from fhir_mapping.record import Admission, SourceRef
from services.psychiatric_discharge import Discharge, shown_after
from services.risk_signal import CheckKind, RiskCheck
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
TMS = "tms-referral"
HERE = Path(__file__).parent
FOLDER = HERE / "s27_ward_assess_charts"
_chart = chart_files.loader(FOLDER)
_cards = Evaluator(AS_OF).cards
_ASSESS_TODAY = "Order a same-day suicide risk assessment (C-SSRS)"


def _topics(cards: list[Doc]) -> list[str]:
    return [c["source"]["topic"]["code"] for c in cards]


def _suicide(cards: list[Doc]) -> Doc:
    return next(c for c in cards if c["source"]["topic"]["code"] == SUICIDE)


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions", [])]


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_are_whole_requests(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


# --- Finding 1 ---------------------------------------------------------------------------------


def _assert_held(cards: list[Doc]) -> None:
    suicide = _suicide(cards)
    assert suicide["indicator"] == "critical"
    assert suicide["summary"].startswith("Discharged 2026-11-30 after a psychiatric admission")
    assert _labels(suicide) == [_ASSESS_TODAY]
    assert "Assessed since discharge" not in suicide["detail"]
    assert "assess suicide risk today with a structured assessment (C-SSRS)" in suicide["detail"]
    assert TMS not in _topics(cards)


@pytest.mark.parametrize(
    "name",
    [
        # The reviewer's chart: C-SSRS on the ward at 09:00, discharge at 11:00 the same day.
        "discharge_day_ward_cssrs_0900",
        # Its control: the C-SSRS the day before discharge.
        "cssrs_day_before_discharge",
        # The same C-SSRS with a date alone: not shown to be after the 11:00 discharge.
        "discharge_day_cssrs_date_only",
        # Charted the next morning but at the stay's own Encounter: taken during the stay.
        "next_day_cssrs_at_the_stay_encounter",
    ],
)
def test_an_assessment_not_shown_after_discharge_keeps_the_hold(name: str) -> None:
    _assert_held(_cards(_chart(name)))


def test_an_assessment_after_the_discharge_instant_releases_it() -> None:
    # The same C-SSRS at 14:00, three hours after the 11:00 discharge: assessed since discharge.
    cards = _cards(_chart("discharge_day_clinic_cssrs_1400"))
    suicide = _suicide(cards)
    assert suicide["indicator"] == "info"
    assert "Assessed since discharge: C-SSRS" in suicide["detail"]
    assert TMS in _topics(cards)


def test_a_risk_assessment_procedure_before_the_discharge_instant_keeps_the_hold() -> None:
    doc = _chart("discharge_day_ward_cssrs_0900")
    bundle = doc["prefetch"]["observations"]
    bundle["entry"] = [
        e for e in bundle["entry"] if "93" not in e["resource"]["code"]["coding"][0]["code"][:2]
    ]
    procedure = {
        "resourceType": "Procedure",
        "id": "ward-risk-assessment",
        "status": "completed",
        "code": {
            "coding": [
                {
                    "system": "http://snomed.info/sct",
                    "code": "225337009",
                    "display": "Suicide risk assessment",
                }
            ]
        },
        "subject": {"reference": "Patient/78d0c06d-a73d-5a45-8516-90d91379403c"},
        "performedDateTime": "2026-11-30T09:00:00-05:00",
    }
    doc["prefetch"]["procedures"]["entry"].append({"resource": procedure})
    _assert_held(_cards(doc))
    procedure["performedDateTime"] = "2026-11-30T15:00:00-05:00"
    after = _suicide(_cards(doc))
    assert "Assessed since discharge: Suicide risk assessment documented" in after["detail"]
    assert _labels(after) == []


def _check(day: date, at: datetime | None = None, *encounters: str) -> RiskCheck:
    return RiskCheck(
        CheckKind.SCREEN, day, "C-SSRS", "C-SSRS negative", False, None, at, encounters
    )


_DISCHARGED = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 11:00 -05:00
_STAY = Admission(
    date(2026, 11, 10),
    date(2026, 11, 30),
    "F33.2",
    "ICD-10-CM F33.2",
    "",
    SourceRef("Encounter", "stay-1"),
    _DISCHARGED,
)
_DATE_ONLY_STAY = Admission(
    date(2026, 11, 10), date(2026, 11, 30), "F33.2", "ICD-10-CM F33.2", "", None
)


@pytest.mark.parametrize(
    ("stay", "check", "after"),
    [
        (_STAY, _check(date(2026, 11, 30), datetime(2026, 11, 30, 14, 0, tzinfo=UTC)), False),
        (_STAY, _check(date(2026, 11, 30), datetime(2026, 11, 30, 16, 0, tzinfo=UTC)), False),
        (_STAY, _check(date(2026, 11, 30), datetime(2026, 11, 30, 16, 1, tzinfo=UTC)), True),
        (_STAY, _check(date(2026, 11, 30)), False),  # a date alone on the discharge day
        (_STAY, _check(date(2026, 12, 1)), True),  # a later day
        (_DATE_ONLY_STAY, _check(date(2026, 11, 30), _DISCHARGED), False),
        (_DATE_ONLY_STAY, _check(date(2026, 12, 1)), True),
        # At the stay's own Encounter: during the stay, whatever its time.
        (_STAY, _check(date(2026, 12, 1), None, "stay-1"), False),
        (_STAY, _check(date(2026, 12, 1), None, "clinic-7"), True),
    ],
)
def test_shown_after(stay: Admission, check: RiskCheck, after: bool) -> None:
    assert shown_after(check, stay) is after


# --- Finding 6 ---------------------------------------------------------------------------------


def test_a_stay_left_against_medical_advice_is_named_on_the_post_discharge_section() -> None:
    suicide = _suicide(_cards(_chart("psychiatric_discharge_against_advice")))
    assert suicide["indicator"] == "critical"
    assert (
        "**Left against medical advice:** a psychiatric discharge against medical advice "
        "carried a higher suicide risk than a regular discharge (Kuo et al., J Clin Psychiatry "
        "2010)" in suicide["detail"]
    )


def test_the_disposition_is_read_from_the_hl7_code_system_only() -> None:
    doc = _chart("psychiatric_discharge_against_advice")
    for entry in doc["prefetch"]["encounters"]["entry"]:
        stay = entry["resource"].get("hospitalization")
        if stay:
            stay["dischargeDisposition"]["coding"][0]["system"] = "urn:oid:1.2.3.local"
    assert "against medical advice" not in _suicide(_cards(doc))["detail"]


def test_a_discharge_alone_left_against_advice_says_so_in_the_summary() -> None:
    left = Admission(
        date(2026, 11, 10),
        date(2026, 11, 30),
        "F33.2",
        "ICD-10-CM F33.2",
        "",
        None,
        None,
        read_disposition(
            {
                "hospitalization": {
                    "dischargeDisposition": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/"
                                "discharge-disposition",
                                "code": "aadvice",
                            }
                        ]
                    }
                }
            }
        ),
    )
    discharge = Discharge(left, date(2027, 2, 28), None)
    assert discharge.head == (
        "discharged 2026-11-30 after a psychiatric admission (F33.2), left against medical advice"
    )


def test_an_ed_visit_transferred_to_a_psychiatric_facility_is_not_assessed_as_in_clinic() -> None:
    cards = _cards(_chart("ed_visit_si_transferred_to_psychiatric"))
    suicide = _suicide(cards)
    # Still critical and still holding the outpatient steps: nothing says it was assessed.
    assert suicide["indicator"] == "critical"
    assert TMS not in _topics(cards)
    assert suicide["summary"] == (
        "Suicidal ideations at the ED visit on 2026-11-29, transferred to a psychiatric "
        "facility: confirm with the receiving unit"
    )
    assert "complete a suicide risk assessment today" not in suicide["summary"]
    assert (
        "**Transferred to a psychiatric facility:** the patient may be on that unit now: "
        "confirm with the receiving unit" in suicide["detail"]
    )
    assert "A positive screen calls for a structured assessment today" not in suicide["detail"]


def test_an_ed_visit_sent_home_still_asks_for_the_assessment_today() -> None:
    doc = _chart("ed_visit_si_transferred_to_psychiatric")
    for entry in doc["prefetch"]["encounters"]["entry"]:
        stay = entry["resource"].get("hospitalization")
        if stay:
            stay["dischargeDisposition"]["coding"][0]["code"] = "home"
    suicide = _suicide(_cards(doc))
    assert suicide["summary"] == (
        "Suicidal ideations at the ED visit on 2026-11-29: complete a suicide risk assessment "
        "today (e.g. C-SSRS)"
    )
