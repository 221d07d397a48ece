"""Session 32 K33/K34 leftovers (fix text48a): "OD" after an eye word a word or a comma away, a
count of breaths or steps, and "OD" after a credential that is no name.

- NOISE: "Lens opacity OD x2", "Eyelid swelling OD x2", "Eye pain, OD x2" were read as an
  overdose count: the `lookalike` rows name an eye word right before "OD" only. `lookalike_eye`
  stems with up to two words after them and a comma allowed right before "OD" are the right eye
  (od_lookalike.py); a drug of overdose before the "OD" ("Eye pain tylenol OD x2") or a comma
  inside the words ("Eye pain, pt OD x2") keeps it read.
- NOISE: "Plan: take 15 deep breaths" was critical (fix dose47 counted any object above 12):
  `plan_take_not_drug` words (breaths, steps, laps), after up to two words that are no unit,
  count no tablets; "take 15 pills", "take 30 ativan", "plan to take 100 zyrtec" stay risks.
- UNSAFE: "Seen by ED MD, OD x2" was blanked by "seen by * *, od" (an optometrist after a
  two-word name): `lookalike_kept` phrases ("seen by ed *, od", "seen by * md, od") keep it read.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text48a_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # An overdose count after a credential that is no name.
    "e_Seen_by_ED_MD_comma_OD_x2": "fixed",
    "e_Seen_by_ER_doc_comma_OD_x2": "fixed",
    # A drug of overdose, or a comma, between the eye word and "OD": read.
    "e_Eye_pain_comma_tylenol_OD_x2": "control",
    "e_Eye_pain_tylenol_OD_x2": "control",
    "e_Eye_pain_comma_pt_OD_x2": "control",
    "e_Multiple_sclerosis_comma_OD_x2": "control",
    # Moved by fix text50a (recheck K35b finding 1): "vision" is no eye stem any more; blurred
    # vision is a toxidrome sign as well, and a comma starts another item: the safer reading
    # reads the OD ("Blurry vision OD x2" with no comma stays quiet: od46's "blurry vision od").
    "e_Blurry_vision_comma_OD_x2": "changed by text50a",
    # Controls of the brief.
    "e_OD_x2_days_ago": "control",
    "e_took_an_OD": "control",
    "e_Tylenol_OD_x2": "control",
    "e_Plan_take_15_pills": "control",
    "e_Plan_take_30_ativan": "control",
    "e_plan_to_take_100_zyrtec": "control",
    "e_Plan_take_15_small_white_pills": "control",
}

QUIET = {
    # An eye word a word or a comma before "OD": the right eye.
    "e_Eye_pain_comma_OD_x2": "fixed",
    "e_Eye_pain_comma_OD_11_18": "fixed",
    "e_Lens_opacity_OD_x2": "fixed",
    "e_Lens_opacity_comma_OD_x2": "fixed",
    "e_Eyelid_swelling_OD_x2": "fixed",
    "e_Eyelid_swelling_comma_OD_x2": "fixed",
    "e_Lid_swelling_OD_x2": "fixed",
    "e_Corneal_ulcer_OD_x2": "fixed",
    # Breaths and steps taken by count: no tablets.
    "e_Plan_take_15_deep_breaths": "fixed",
    "e_Plan_take_20_slow_deep_breaths": "fixed",
    "e_Plan_take_15_steps": "fixed",
    "e_Plans_to_take_30_deep_breaths": "fixed",
    # Controls: quiet before and after.
    "e_Eye_pain_comma_OD_x3_days": "control",
    "e_Eye_pain_OD_x3_days": "control",
    "e_Cataract_surgery_OD_11_18": "control",
    "e_Metformin_OD_x2_weeks": "control",
    "e_Conjunctival_injection_OD_x2": "control",
    "e_Seen_by_Jane_Smith_comma_OD_11_18": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
