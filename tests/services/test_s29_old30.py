"""Two session 29 leftovers on the post-discharge suicide-risk card.

- WRONG citation: after an observation stay (OBSENC) or a short stay (SS) the card cited Chung
  et al. 2017, a meta-analysis of suicide after discharge from psychiatric INPATIENT care, as if
  it measured the risk after such a stay ("The first months after discharge from psychiatric
  inpatient care carry the highest suicide risk (about 100 times ...)"; summary "highest suicide
  risk in the first months"). It now names what the record shows ("The record shows an
  observation stay for ICD-10-CM F33.2 ..., not a psychiatric inpatient admission") and cites
  only the C-SSRS: the project holds no source on the risk after an observation stay or an ED
  visit (services/rules/suicide_risk_discharge.py `_why`). It asks the same assessment today.
  Charts: the K2 reviewer's observation and short stays (s27_observation_stay_charts/).
- NOISE: one day's C-SSRS administrations merged to the earliest instant, so a ward C-SSRS at
  09:00 and a clinic C-SSRS at 14:00 after an 11:00 discharge read as one screen taken at 09:00:
  the card stayed critical. Each administration keeps its instant (fhir_mapping/screen_day.py);
  a date-only one on the discharge day still does not count (s29_old30_charts/).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import Admission, SourceRef
from fhir_mapping.screen_day import Administration
from services.psychiatric_discharge import shown_after
from services.risk_signal import CheckKind, RiskCheck
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
RISK = "suicide-risk"
TMS = "tms-referral"
HERE = Path(__file__).parent
OLD30 = HERE / "s29_old30_charts"
_stays = chart_files.loader(HERE / "s27_observation_stay_charts")
_ward = chart_files.loader(HERE / "s27_ward_assess_charts")
_old30 = chart_files.loader(OLD30)
_at = Evaluator(date(2026, 12, 1))
CHUNG = "Chung"


def _risk(doc: Doc) -> Doc:
    card: Doc = _at.by_topic(doc)[RISK]
    return card


@pytest.mark.parametrize("path", sorted(OLD30.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_are_whole_requests(path: Path) -> None:
    chart_files.check_chart(_old30(path.stem))


# --- the citation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind"),
    [("obs_mdd_finished", "an observation stay"), ("short_stay_mdd_finished", "a short stay")],
)
def test_an_observation_or_short_stay_cites_no_inpatient_rate(name: str, kind: str) -> None:
    card = _risk(_stays(name))
    assert CHUNG not in card["detail"]
    assert "100 times" not in card["detail"]
    assert "highest suicide risk" not in card["summary"]
    assert f"The record shows {kind} for ICD-10-CM F33.2 " in card["detail"]
    assert "not a psychiatric inpatient admission" in card["detail"]
    # The same ask, at the same urgency.
    assert card["indicator"] == "critical"
    assert card["summary"].endswith(": assess suicide risk today")
    assert "assess suicide risk today with a structured assessment (C-SSRS)" in card["detail"]


def test_beside_a_signal_the_observation_stay_cites_no_inpatient_rate() -> None:
    card = _risk(_stays("obs_suicidal_ideation_finished"))
    assert "The record shows an observation stay for ICD-10-CM R45.851" in card["detail"]
    assert CHUNG not in card["detail"]


def test_a_transfer_to_a_psychiatric_facility_still_cites_chung() -> None:
    # The period begins at the receiving unit's discharge: psychiatric inpatient care.
    card = _risk(_stays("obs_suicidal_ideation_transferred_psy"))
    assert "; that period begins when the receiving unit discharges the patient." in card["detail"]
    assert "Chung et al., JAMA Psychiatry 2017" in card["detail"]


def test_an_inpatient_admission_still_cites_chung() -> None:
    card = _risk(_ward("discharge_day_ward_cssrs_0900"))
    assert "about 100 times the global rate in the first 3 months: Chung" in card["detail"]
    assert "Chung 2017" in card["detail"]  # the guideline link


# --- same-day administrations -------------------------------------------------------------------


def test_a_clinic_cssrs_after_the_discharge_releases_the_hold_beside_a_ward_one() -> None:
    # Ward C-SSRS 09:00, discharge 11:00, clinic C-SSRS 14:00 (all -05:00) on 2026-11-30.
    cards = _at.by_topic(_old30("ward_cssrs_0900_clinic_cssrs_1400"))
    card = cards[RISK]
    assert card["indicator"] == "info"
    assert "Discharged 2026-11-30" not in card["summary"]
    assert not card.get("suggestions")
    assert TMS in cards


def test_a_date_only_second_cssrs_on_the_discharge_day_keeps_the_hold() -> None:
    cards = _at.by_topic(_old30("ward_cssrs_0900_clinic_cssrs_date_only"))
    card = cards[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Discharged 2026-11-30 after a psychiatric admission")
    assert TMS not in cards


_STAY = Admission(
    date(2026, 11, 10),
    date(2026, 11, 30),
    "F33.2",
    "ICD-10-CM F33.2",
    "",
    SourceRef("Encounter", "stay-1"),
    datetime(2026, 11, 30, 16, 0, tzinfo=UTC),  # 11:00 -05:00
)


def _screen(*taken: Administration) -> RiskCheck:
    first = taken[0]
    day = date(2026, 11, 30)
    return RiskCheck(CheckKind.SCREEN, day, "C-SSRS", "negative", False, None, first.at, (), taken)


def _taken(
    hour: int | None, *, complete: bool = True, asks: bool = True, at_stay: bool = False
) -> Administration:
    at = None if hour is None else datetime(2026, 11, 30, hour, 0, tzinfo=UTC)
    return Administration(at, ("stay-1",) if at_stay else (), complete, asks)


def test_shown_after_reads_each_administration() -> None:
    before, after = _taken(14), _taken(19)  # 09:00 and 14:00 -05:00
    assert not shown_after(_screen(before), _STAY)
    assert shown_after(_screen(before, after), _STAY)
    # A date-only part on the discharge day is not shown to follow it.
    assert not shown_after(_screen(_taken(None), before), _STAY)
    assert shown_after(_screen(_taken(None), after), _STAY)
    # A later part at the stay's own Encounter was taken during the stay.
    assert not shown_after(_screen(before, _taken(19, at_stay=True)), _STAY)
    # What follows must itself be an assessment: finished, and asking about ideation (or a level).
    assert not shown_after(_screen(before, _taken(19, asks=False)), _STAY)
    assert not shown_after(_screen(before, _taken(19, complete=False)), _STAY)
    assert shown_after(_screen(_taken(19, asks=False), _taken(20, complete=False)), _STAY)
