"""Review s27 recheck K2 findings 3, 4, 5 and 8: observation stays (OBSENC) and short stays (SS),
read as stays since RE finding 2, and discharge dispositions on the post-discharge card.

- Finding 3 (WRONG): an ED visit for suicidal ideation went on to an observation stay that ended
  2026-11-29 and, the same minute, an admission still in progress: "Recent psychiatric discharge
  ... discharged 2 days ago" stood beside "Currently admitted (psychiatric) since 2026-11-29". A
  stay followed straight away by another (within a day, linked by partOf, or overlapping) is a
  transfer: no discharge until the last stay of the chain ends (fhir_mapping/stay_chains.py).
- Finding 4 (NOISE): an observation stay for chest pain (R07.9) with F33.2 listed second got the
  critical "Discharged ... after a psychiatric admission (F33.2)". An observation or short stay
  is psychiatric by its FIRST reasonCode, a principal diagnosis or its unit; an inpatient
  admission keeps reading every reasonCode (the safer reading: FHIR gives reasonCode no order).
- Finding 5 (MINOR): the class word as data: "observation stay", "short stay", never "a
  psychiatric admission" / "inpatient stay" / "the inpatient team" for them.
- Finding 8 (MINOR): a stay that ended in a transfer to a psychiatric facility (HL7 discharge
  disposition `psy`) says so and asks to confirm with the receiving unit, as the ED visit's card
  does, never "discharged ... ago ... assess suicide risk today" as if the patient went home.

Charts: tests/services/s27_observation_stay_charts/ (the K2 reviewer's charts, built from the RE
review's c0 baseline: TRD, two adequate trials failed; plus new variations), as-of 2026-12-01.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, labels

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
RISK = "suicide-risk"
HERE = Path(__file__).parent / "s27_observation_stay_charts"
_chart = chart_files.loader(HERE)
_at = Evaluator(date(2026, 12, 1))
CHARTS = sorted(p.stem for p in HERE.glob("*.json"))
NOTE = "confirm with the receiving unit where the patient is and what it assessed"


def _risk(name: str) -> Doc:
    card: Doc = _at.by_topic(_chart(name))[RISK]
    return card


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    chart_files.check_chart(_chart(name))


# Finding 3: a stay followed by another is a transfer, not a discharge.


@pytest.mark.parametrize(
    "name", ["ed_obs_then_admission_in_progress", "obs_then_admission_linked_by_partof"]
)
def test_an_observation_stay_that_moved_on_to_an_admission_in_progress_is_no_discharge(
    name: str,
) -> None:
    """Before (ed_obs_then_admission_in_progress): "Recent psychiatric discharge: Psychiatric
    inpatient stay 2026-11-28 to 2026-11-29 ... discharged 2 days ago" beside "Currently admitted
    (psychiatric) since 2026-11-29". The partOf chart's admission began two days after the
    observation stay closed: the link written by the EHR joins them."""
    risk = _risk(name)
    assert "Recent psychiatric discharge" not in risk["detail"]
    assert "discharged" not in risk["detail"]
    assert "Currently admitted (psychiatric) since 2026-11-29" in risk["detail"]
    assert "Order a suicide risk assessment on the ward today (C-SSRS)" in labels(risk)


def test_a_finished_chain_is_discharged_once_from_its_last_psychiatric_stay() -> None:
    risk = _risk("ed_obs_then_admission_finished")
    assert risk["detail"].count("Recent psychiatric discharge") == 1
    assert "Psychiatric inpatient stay 2026-11-21 to 2026-11-28" in risk["detail"]
    assert "observation stay 2026-11-20 to 2026-11-21" not in risk["detail"]


def test_a_psychiatric_stay_moved_on_to_a_medical_admission_is_discharged_at_its_end() -> None:
    """The risk period begins when the patient leaves hospital: the medical admission's discharge
    (2026-11-30), the psychiatric stay named with its own dates."""
    risk = _risk("psych_obs_then_medical_admission_finished")
    assert (
        "Psychiatric observation stay 2026-11-26 to 2026-11-27 (ICD-10-CM R45.851 Suicidal "
        "ideations), then the inpatient stay that followed to 2026-11-30: discharged 1 day ago"
    ) in risk["detail"]
    assert "until 2027-02-28" in risk["detail"]


def test_a_stale_stay_recorded_open_for_years_does_not_swallow_a_discharge() -> None:
    """Only a stay that began during the stay or within a day of its end, or one linked to it by
    partOf, is one the patient moved to: a medical admission recorded in progress since 2024
    (read as left) does not turn a psychiatric discharge into a transfer."""
    risk = _risk("stale_medical_stay_beside_psych_discharge")
    assert risk["summary"].startswith("Discharged 2026-11-29 after a psychiatric admission (F33.2)")


def test_a_readmission_days_after_a_discharge_keeps_the_discharge() -> None:
    cards = _at.by_topic(_chart("psych_discharge_then_readmission_4_days_later"))
    risk = cards[RISK]
    assert "Psychiatric inpatient stay 2026-11-15 to 2026-11-25" in risk["detail"]
    assert "discharged 6 days ago" in risk["detail"]
    assert any(
        "Currently admitted (psychiatric) since 2026-11-29" in c["detail"] for c in cards.values()
    )


# Finding 4: an observation stay is psychiatric by its primary reason.


@pytest.mark.parametrize("name", ["obs_chest_pain_then_f33_finished", "obs_chest_pain_finished"])
def test_an_observation_stay_for_chest_pain_is_no_psychiatric_discharge(name: str) -> None:
    """Before (F33.2 listed second): critical "Discharged 2026-11-29 after a psychiatric
    admission (F33.2)" and a same-day C-SSRS one-click."""
    cards = _at.by_topic(_chart(name))
    assert RISK not in cards
    assert not any("discharge" in c["summary"].lower() for c in cards.values())


def test_an_observation_stay_whose_principal_diagnosis_is_psychiatric_still_counts() -> None:
    risk = _risk("obs_chest_pain_principal_f33_finished")
    assert risk["indicator"] == "critical"
    assert risk["summary"].startswith(
        "Discharged 2026-11-29 after a psychiatric observation stay (F33.2)"
    )


def test_an_admission_with_chest_pain_and_depression_stays_psychiatric() -> None:
    """The safer reading kept for an inpatient admission (stay_reason.py docstring): FHIR gives
    reasonCode no order, and missing a psychiatric discharge costs more than a card read past."""
    risk = _risk("admission_chest_pain_then_f33_finished")
    assert risk["summary"].startswith("Discharged 2026-11-29 after a psychiatric admission (F33.2)")
    assert "Order a same-day suicide risk assessment (C-SSRS)" in labels(risk)


# Finding 5: the class word.


@pytest.mark.parametrize(
    ("name", "word", "summary"),
    [
        ("obs_mdd_finished", "observation stay", "after a psychiatric observation stay (F33.2)"),
        ("short_stay_mdd_finished", "short stay", "after a psychiatric short stay (F33.2)"),
    ],
)
def test_an_observation_or_short_stay_is_named_by_its_class(
    name: str, word: str, summary: str
) -> None:
    risk = _risk(name)
    assert summary in risk["summary"]
    assert f"Psychiatric {word} " in risk["detail"]
    assert "admission" not in risk["summary"]
    assert "inpatient stay" not in risk["detail"]


def test_a_reason_of_an_observation_stay_is_named_at_the_observation_stay() -> None:
    risk = _risk("obs_suicidal_ideation_finished")
    assert "at the observation stay from 2026-11-28" in risk["summary"]
    assert "reason for the observation stay from 2026-11-28" in risk["detail"]
    assert "Psychiatric observation stay 2026-11-28 to 2026-11-29" in risk["detail"]
    assert "inpatient stay" not in risk["detail"]


# Finding 8 and o20: a transfer to a psychiatric facility.


def test_a_psychiatric_admission_transferred_to_a_psychiatric_facility_says_so() -> None:
    """Before: "Discharged 2026-11-29 after a psychiatric admission (F33.2): ... assess today"
    and "discharged 2 days ago ... assess suicide risk today", as if the patient went home."""
    risk = _risk("psych_admission_transferred_psy")
    assert risk["summary"] == (
        "Transferred to a psychiatric facility on 2026-11-29 after a psychiatric admission "
        "(F33.2): confirm with the receiving unit"
    )
    assert "transferred to a psychiatric facility 2 days ago" in risk["detail"]
    assert "discharged 2 days ago" not in risk["detail"]
    assert "assess suicide risk today with a structured assessment" not in risk["detail"]
    assert risk["detail"].count(NOTE) == 1
    # As the ED visit's card: critical, and a patient seen here is assessed today.
    assert risk["indicator"] == "critical"
    assert "Order a same-day suicide risk assessment (C-SSRS)" in labels(risk)


def test_an_observation_stay_transferred_to_a_psychiatric_facility_agrees_with_itself() -> None:
    """Before: the summary said "transferred to a psychiatric facility: confirm with the
    receiving unit" and the detail "discharged 2 days ago ... assess suicide risk today"."""
    risk = _risk("obs_suicidal_ideation_transferred_psy")
    assert risk["summary"].startswith(
        "Suicidal ideations at the observation stay from 2026-11-28, transferred to a "
        "psychiatric facility"
    )
    assert "Psychiatric observation stay 2026-11-28 to 2026-11-29" in risk["detail"]
    assert "transferred to a psychiatric facility 2 days ago" in risk["detail"]
    assert "discharged 2 days ago" not in risk["detail"]
    assert "assess suicide risk today with a structured assessment" not in risk["detail"]
    assert risk["detail"].count(NOTE) == 1
