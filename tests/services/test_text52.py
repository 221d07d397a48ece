"""Session 33 recheck K36b findings 1-3 (fix text52, UNSAFE gaps left by text50a).

- "OD of tylenol", "OD with seroquel", "OD w/ seroquel", "blurry vision after OD of tylenol"
  gave no card while "OD on seroquel" was critical: the `od_then` rows only kept "OD" from being
  blanked as the right eye; no `event` row read "od of" or "od with". Now they do; once daily
  with a meal ("sertraline OD with breakfast", "take OD with dinner", "OD with food") and an
  acuity ("VA OD of 20/40") are `lookalike` rows and stay quiet.
- "took a few dozen pills", "swallowed 2 dozen tabs", "took dozens of pills" gave no card while
  "took a dozen pills" was critical (stated_counts.py, count_words.csv).
- "took >30 pills", "took > 30 pills", "took >20 tabs" gave no card while "took 30+ tylenol" was
  critical: ">", "over", "more than" are `count_approx` words as "~" is.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text52_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 1: "OD of/with/w/ <drug>" is an overdose.
    "e_OD_of_tylenol": "fixed",
    "e_OD_with_seroquel": "fixed",
    "e_OD_w_seroquel": "fixed",
    "e_blurry_vision_after_OD_of_tylenol": "fixed",
    "e_ED_visit_colon_OD_with_seroquel": "fixed",
    "e_OD_on_seroquel": "control",
    # Finding 2: dozens.
    "e_took_a_few_dozen_pills": "fixed",
    "e_swallowed_2_dozen_tabs": "fixed",
    "e_took_about_2_dozen_pills": "fixed",
    "e_took_dozens_of_pills": "fixed",
    "e_took_a_dozen_pills": "control",
    "e_took_two_dozen_pills": "control",
    # Finding 3: a comparison before the count.
    "e_took_gt30_pills": "fixed",
    "e_took_gt_30_pills": "fixed",
    "e_took_gt_20_tabs": "fixed",
    "e_took_over_30_pills": "fixed",
    "e_took_more_than_30_pills": "fixed",
    "e_took_30_plus_tylenol": "control",
}

QUIET = {
    # Once daily with a meal, and the right eye's acuity, stay dosing and eye notes.
    "e_sertraline_OD_with_breakfast": "control",
    "e_take_OD_with_dinner": "control",
    "e_lithium_300_mg_OD_with_dinner": "control",
    "e_OD_with_food": "control",
    "e_OD_with_meals": "control",
    "e_VA_OD_of_20_40": "control",
    # A dose stays a dose; a time is no count of tablets.
    "e_took_more_than_2_tylenol_for_headache": "control",
    "e_took_over_30_days_to_recover": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
