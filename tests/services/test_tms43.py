"""Session 32 fix tms43: TMS safety items a psychiatrist would ask about, missed (review K30c;
the reviewer's charts and their variants in tms43_charts/, all 19 prefetch keys; as of
2026-12-01; two failed trials, PHQ-9 18).

1. An antiseizure drug whose main use is epilepsy (levetiracetam) running with no seizure code:
   "safety screen first" on the TMS card, bupropion not proposed (data/antiseizure_uses.csv,
   services/antiseizure_screen.py). Gabapentin with no stated use is asked about too; gabapentin
   ordered for a coded polyneuropathy is not; epilepsy coded still holds TMS outright.
2. A concussion (S06.0X0A) three weeks old is a safety-screen item; one two years old is not
   (policy.tms_recent_concussion_days, 365).
3. Nortriptyline 75 mg, bupropion 300 mg and an alcohol dependence coded active are named for the TMS
   team's motor threshold on the referral card's detail, no hold.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

TMS = "tms-referral"
OPTIMIZE = "optimize-switch-augment"
_cards = chart_files.topic_reader(Path(__file__).parent / "tms43_charts", date(2026, 12, 1))
_QUESTION = "running, no indication coded: seizure disorder?"
_THRESHOLD = "**For the TMS team's motor threshold:**"


def test_levetiracetam_with_no_seizure_code_is_screened_first_and_bupropion_held() -> None:
    cards = _cards("v31_levetiracetam_only")
    tms = cards[TMS]
    assert f"safety screen first: levetiracetam {_QUESTION}" in tms["summary"]
    assert f"**TMS safety screen required:** levetiracetam {_QUESTION}" in tms["detail"]
    assert "No epilepsy/seizure disorder, metal or stimulator" not in tms["detail"]
    assert "**Met** · Adult · Diagnosis · Psychotherapy" in tms["detail"]
    assert "Contraindications · Earlier TMS" not in tms["detail"]
    switch = cards[OPTIMIZE]["detail"]
    assert "NDRI: bupropion" not in switch
    assert "bupropion not listed: an antiseizure drug runs with no seizure disorder coded" in switch


def test_gabapentin_with_no_stated_use_is_asked_about() -> None:
    tms = _cards("gabapentin_no_reason")[TMS]
    assert f"safety screen first: gabapentin {_QUESTION}" in tms["summary"]


def test_gabapentin_ordered_for_a_coded_neuropathy_is_not_screened() -> None:
    cards = _cards("gabapentin_neuropathy")
    assert "safety screen" not in cards[TMS]["summary"]
    assert "seizure disorder?" not in cards[TMS]["detail"]
    assert "NDRI: bupropion" in cards[OPTIMIZE]["detail"]


def test_epilepsy_coded_still_holds_tms_and_bupropion() -> None:
    cards = _cards("levetiracetam_epilepsy")
    assert TMS not in cards
    assert "NDRI: bupropion" not in cards[OPTIMIZE]["detail"]
    assert "seizure disorder?" not in cards[OPTIMIZE]["detail"]


def test_recent_concussion_is_screened_first() -> None:
    tms = _cards("v34_recent_tbi")[TMS]
    assert "safety screen first: Concussion without loss of consciousness" in tms["summary"]
    assert "(S06.0X0A, since 2026-11-10)" in tms["detail"]


def test_concussion_two_years_old_is_not_screened() -> None:
    tms = _cards("old_concussion")[TMS]
    assert "safety screen" not in tms["summary"]
    assert "Concussion" not in tms["detail"]


@pytest.mark.parametrize(
    ("chart", "line"),
    [
        ("v19c_age78_nortrip", "nortriptyline 75 mg/day running (lowers the seizure threshold)"),
        ("v11b_third_short", "bupropion 300 mg/day running (lowers the seizure threshold)"),
        (
            "v04_aud",
            "Alcohol dependence, uncomplicated (F10.20, since 2026-06-01) on record (lowers the seizure threshold)",
        ),
    ],
)
def test_seizure_threshold_named_for_the_motor_threshold(chart: str, line: str) -> None:
    tms = _cards(chart)[TMS]
    assert f"{_THRESHOLD} {line}" in tms["detail"]
    assert "seizure threshold" not in tms["summary"]


def test_no_threshold_line_without_such_a_drug() -> None:
    assert _THRESHOLD not in _cards("gabapentin_neuropathy")[TMS]["detail"]
