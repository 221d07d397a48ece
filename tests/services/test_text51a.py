"""Session 33 fix text51a (recheck K36a findings 1-4): a second drug with its own count after an
everyday analgesic's dose, a death phrase after a small count, and a frequency that takes more
than the day's most. Each chart is the two-failed-trial chart of neg37 (e_Hx_SI_Plan_none) with
its ED visit reason's text changed, all 19 prefetch keys, as of 2026-12-01 (visit 2026-11-20).
The "fixed" charts fail on 8db318da and pass here; the controls pass both.

1, 2. UNSAFE (regressions of text49a): "took 2 tylenol for pain and 30 ativan", "Plan: take 4
   tabs of tylenol and 30 tabs of ativan" read the second drug as the analgesic's dosing words.
3. UNSAFE: "Plan: take 2 tylenol and 30 ativan" and "take 4 tylenol until he dies" were doses
   (a joined count had no "take" of its own; a death phrase counted only above 4).
4. UNSAFE: "Plan: take 4 tylenol q1h" (96 tablets a day), "every 30 minutes", "x 10" were one
   dose of 4; a dose's count times its doses a day above the drug's day's most is a plan.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import stated_dosing
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text51a_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # 1. A past act: a second drug with its own count after the analgesic's dose.
    "e_took_2_tylenol_for_pain_and_30_ativan": "fixed",
    "e_took_8_tylenol_daily_for_pain_and_20_ativan": "fixed",
    "e_took_8_tylenol_daily_for_pain_comma_20_ativan": "fixed",
    # 2, 3. A plan: a second object joined by "and", a death phrase at a dose's count.
    "e_Plan_take_4_tabs_of_tylenol_and_30_tabs_of_ativan": "fixed",
    "e_Plan_take_2_tylenol_and_30_ativan": "fixed",
    "e_Plan_take_8_tylenol_daily_and_20_ativan": "fixed",
    "e_Plan_take_8_tylenol_daily_comma_20_ativan": "fixed",
    "e_Plan_take_4_tylenol_until_he_dies": "fixed",
    # 4. A frequency above the day's most.
    "e_Plan_take_4_tylenol_q1h": "fixed",
    "e_Plan_take_4_tylenol_q2h": "fixed",
    "e_Plan_take_4_tylenol_q3h": "fixed",
    "e_Plan_take_4_tylenol_every_30_minutes": "fixed",
    "e_Plan_take_4_tylenol_x_10": "fixed",
}

QUIET = {
    # dose47 / text49a controls.
    "e_Plan_take_2_tylenol_q6h_prn": "control",
    "e_Plan_take_4_advil_q6h_prn_pain": "control",
    "e_took_8_tylenol_daily_for_pain": "control",
    # A second object within a dose's count, a range's longer interval, a course's length, a
    # denied death phrase, a dispensed quantity.
    "e_took_8_tylenol_daily_for_pain_and_1_ativan": "control",
    "e_took_2_tylenol_for_headache_comma_1_ativan_at_bedtime": "control",
    "e_Plan_take_2_tylenol_and_1_ativan_at_bedtime": "control",
    "e_Plan_take_2_tylenol_q4_6h_prn": "control",
    "e_Plan_take_2_advil_tid_x_5_days": "control",
    "e_Plan_take_2_tylenol_prn_pain_comma_denies_wish_to_die": "control",
    "e_Plan_take_1_tab_daily_comma_dispense_30_tabs": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named() -> None:
    names = {p.stem for p in _FOLDER.glob("*.json")}
    assert names == set(CRITICAL) | set(QUIET)


@pytest.mark.parametrize(
    ("answer", "many"),
    [
        ("plan: take 2 tylenol and 30 ativan", True),
        ("plan: take 2 tylenol plus 30 ativan", True),
        ("plan: take 2 tylenol, then 30 ativan", True),
        ("plan: take 2 tylenol and 1 ativan", False),
        ("plan: take 4 tylenol q1h", True),
        ("plan: take 2 tylenol q6h prn", False),  # 8 a day
        ("plan: take 4 tylenol q6h", True),  # 16 a day: 8 g
        ("plan: take 4 advil q6h prn pain", False),  # 16 a day: 3.2 g
        ("plan: take 4 advil q2h", True),
        ("plan: take 4 tylenol x 10", True),
        ("plan: take 2 tylenol x 3 days", False),
        ("plan: take 1 tylenol until she dies", True),
        ("plan: take 2 tylenol prn pain, denies wish to die", False),
    ],
)
def test_takes_many_reads_second_objects_rates_and_death(answer: str, many: bool) -> None:
    assert stated_dosing.takes_many(answer) is many


@pytest.mark.parametrize(
    ("words", "dose"),
    [
        ("8 tylenol daily for pain and 20 ativan", False),
        ("8 tylenol daily for pain and 1 ativan", True),
        ("2 tylenol for pain and 30 tabs of ativan", False),
        ("4 tylenol q1h for pain", False),
    ],
)
def test_everyday_dose_judges_each_object(words: str, dose: bool) -> None:
    assert stated_dosing.everyday_dose(words) is dose
