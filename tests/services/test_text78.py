"""Session 36 fix text78: an "OD" standing as its own item of an ED visit's reason, found by
recheck K54a (finding 3).

'Narcan for OD', 'OD, narcan given', 'Found down, OD', 'AMS, ?OD', 'OD - tylenol', 'OD 30
tylenol' were quiet, TMS offered: only "OD" as the whole text was read as an overdose (text68).
In an ED visit's or a stay's reason an "OD" between list marks, after "for" / "with", or before
a count, a substance, "requiring" or "vs" is read as an overdose (od_item.py), unless an eye
word stands in the reason. The eye's and the sig's readings ('blurry vision OD', 'IOP 18 OD',
'OD/OS', 'eye pain, OD', 'sertraline 50 mg OD') stay quiet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.od_item import acute_sided
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text78_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Quiet, TMS offered, before.
    "e_Narcan_for_OD": "fixed",
    "e_Narcan_given_for_OD": "fixed",
    "e_OD_narcan_given": "fixed",
    "e_OD_requiring_narcan": "fixed",
    "e_Pt_with_OD": "fixed",
    "e_Found_down_OD": "fixed",
    "e_Unresponsive_OD": "fixed",
    "e_AMS_OD": "fixed",
    "e_OD_30_tylenol": "fixed",
    "e_OD_tylenol": "fixed",
    "e_OD_30_tylenol_no_comma": "fixed",
    # Control (text68).
    "e_OD": "control",
    "e_Plan_yes_OD": "control",
}

QUIET = {
    "e_blurry_vision_OD": "control",
    "e_IOP_18_OD": "control",
    "e_OD_OS": "control",
    "e_eye_pain_OD": "control",
    "e_Seen_by_Jane_Smith_OD": "control",
    "e_OD_18_OS_17": "control",
    "e_sertraline_50_mg_OD": "control",
    "e_Eye_drops_for_OD": "control",
    "e_OD_x_3_days": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ("Found down, OD", "Found down, overdose"),
        ("AMS, ?OD", "AMS, ?overdose"),
        ("OD vs accidental ingestion", "overdose vs accidental ingestion"),
        ("Pt with OD", "Pt with overdose"),
        ("OD/OS", "OD/OS"),
        ("IOP 18 OD", "IOP 18 OD"),
        ("eye pain, OD", "eye pain, OD"),
        ("sertraline 50 mg OD", "sertraline 50 mg OD"),
        ("Denies HI\nOD, narcan given", "Denies HI\noverdose, narcan given"),
    ],
)
def test_item_od_read(text: str, read: str) -> None:
    assert acute_sided(text) == read
