"""Session 32 fix text42: recheck K29b leftovers in the self-harm text readers. Each chart is the
two-failed-trial chart of neg37 (e_Hx_SI_Plan_none) with its ED visit reason's text changed,
all 19 prefetch keys, as of 2026-12-01 (visit 2026-11-20). The `FIXED` charts fail on 5d2c8072
and pass here; the controls pass both.

1. UNSAFE: an Epic checklist answer after a free-standing dash ("Cutting - yes", "Cutting - 3
   days ago") stated no act: a bare "cutting" was read only closing its clause
   (self_harm_text._CLAUSE_CLOSED now takes the dash, as it took the colon). "SI -" alone,
   "Cutting - no", "Cutting - denies" still deny.
2. UNSAFE/WRONG: a self-harm act or overdose dated by a year ("Cutting 2019", "h/o OD 2018", "OD
   2020") raised nothing: now the past-attempt warning with its year, as "Suicide attempt
   2019"; the visit's year is critical. "OD" after a dose unit ("sertraline 50 mg od 2019",
   "mg od today") is a dosing abbreviation (data/self_harm_terms.csv role `dose_unit`).
3. NOISE: "or"/"and" before the last item of a checklist ("SI, HI, or self-harm: denies",
   "SI/HI or self harm: denies") broke the list: the SI was read as stated, critical, TMS
   withheld (text_negation.ANSWER_LEAD, answer_covers). "SIB, SI: denies" keeps the SIB.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_FOLDER = Path(__file__).parent / "text42_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # 1. A checklist answer "- yes" or "- <recent time>" after a self-harm word.
    "e_Cutting_yes": "fixed",
    "e_Cutting_3_days_ago": "fixed",
    "e_Cutting_last_week": "fixed",
    "e_Self_harm_yes": "control",
    "e_SIB_yesterday": "control",
    # 2. An act or overdose of the visit's own year.
    "e_OD_2026": "fixed",
    "e_Cutting_2026": "fixed",
    # 3. Controls: a self-injury named first, an act in its own clause, a plan is no item.
    "e_SIB_SI_denies": "control",
    "e_SI_and_cutting_last_week_denies_HI": "control",
    "e_SI_and_plan_none": "control",
}

QUIET = {
    # 1. Controls: a dash alone or a denial after it denies.
    "e_SI_dash": "control",
    "e_Cutting_no": "control",
    "e_Cutting_denies": "control",
    # 2. "OD" as once daily or the right eye.
    "e_Eye_drops_OD": "control",
    "e_sertraline_50_mg_od_2019": "control",
    "e_sertraline_50_mg_od_today": "fixed",
    # 3. A checklist whose last item follows "or"/"and".
    "e_SI_HI_or_self_harm_denies": "fixed",
    "e_SI_HI_and_self_harm_denies": "fixed",
    "e_SI_slash_HI_or_self_harm_denies": "fixed",
    "e_SI_HI_and_SIB_pt_denies": "fixed",
}

PAST = {
    # 2. A past act or overdose with its year: the past-attempt warning, TMS still offered.
    "e_Cutting_2019": "2019",
    "e_h_o_OD_2018": "2018",
    "e_hx_cutting_2015": "2015",
    "e_OD_2020": "2020",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)


@pytest.mark.parametrize(("name", "year"), sorted(PAST.items()))
def test_a_past_year_gives_the_past_attempt_warning(name: str, year: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "warning", card["summary"]
    assert f"({year})" in str(card["summary"]), card["summary"]
    assert TMS in cards


def test_every_chart_is_named() -> None:
    names = {p.stem for p in _FOLDER.glob("*.json")}
    assert names == set(CRITICAL) | set(QUIET) | set(PAST)
