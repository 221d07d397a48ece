"""Session 33 fix text48b: self-harm text with a denial and a later finding (session 32 K33/K34
leftovers). Each chart is the two-failed-trial chart of neg37 (e_Hx_SI_Plan_none) with its ED
visit reason's text changed, all 19 prefetch keys, as of 2026-12-01 (visit 2026-11-20). The
`fixed` charts fail on 30bdabb0 and pass here; the controls pass both.

1. UNSAFE: an informant's report after the patient's denial was read as denied ("Denies SI
   (mother: pt has plan)", "Denies SI (mother says pt wants to die)": no card, TMS offered):
   the report ends the denial's scope (text_informant.py, data/text_negations.csv `informant`,
   `informant_lead`, `informant_verb`, and self_harm_terms.csv `relative` rows), and a risk it
   affirms after a denial of SI states suicidal ideation with it (stated_report.py).
2. UNSAFE/WRONG: "denies SI, h/o OD 2018" was quiet: the slash of "h/o" split the list, so the
   denial reached the OD (self_harm_scope._parts keeps a `clause_time` word with a slash whole);
   now the past-overdose warning with its year, as "h/o OD 2018" alone.
3. NOISE: "Denies SI, HI, self-harm, AVH (all)" was critical: "(all)" read as a finding's
   detail (data/text_negations.csv `list_qualifier` "all", "both"; a later item's qualifier-only
   bracket is no detail either: text_checklist.detail_follows).
4. WRONG: "Cutting 2019, none recently" was critical: od46 dropped the `current_absent` row
   "none recent*" so that "none recently but urges daily" kept its present. The row is back and a
   `contrast` word after the phrase in its sentence keeps it unblanked
   (stated_terms.absent_blanked), so both read right ("none since but urges daily" too).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = chart_files.RISK
TMS = chart_files.TMS
_FOLDER = Path(__file__).parent / "text48b_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # 1. An informant's report after a denial.
    "e_Denies_SI_mother_pt_has_plan": "fixed",
    "e_Denies_SI_mother_says_pt_wants_to_die": "fixed",
    "e_Denies_SI_per_wife_pt_said_he_wants_to_die": "control",
    "e_pt_denies_SI_but_sister_reports_he_bought_a_gun": "control",
    "e_Denies_SI_mother_reports_goodbye_note": "fixed",
    # 4. A contrast after "none since/recently" keeps the present.
    "e_Cutting_2019_none_since_but_urges_daily": "fixed",
    "e_Cutting_2019_none_recently_but_urges_daily": "control",
    # Controls of the brief: an act after a denial is read.
    "e_Denies_SI_ODd_last_night": "control",
    "e_denies_SI_history_of_self_harm": "control",
    "e_Cutting_yes": "control",
}

QUIET = {
    # 3. A denial list closed by "(all)", "(both)".
    "e_Denies_SI_HI_self_harm_AVH_all": "fixed",
    "e_Denies_SI_HI_self_harm_all": "fixed",
    "e_SI_HI_or_self_harm_denies": "control",
    # 1. An informant who denies, or a plan that is no risk; the informant before the denial.
    "e_Denies_SI_mother_no_plan": "control",
    "e_Denies_SI_mother_pt_has_a_safety_plan": "control",
    "e_Mother_reports_pt_denies_SI": "control",
}

PAST = {
    # 2. A dated past overdose after a denial: the past warning with its year.
    "e_denies_SI_h_o_OD_2018": "2018",
    "e_denies_SI_h_o_overdose_2018": "2018",
    "e_h_o_OD_2018": "2018",
    # 4. A dated past act then "none recently".
    "e_Cutting_2019_none_recently": "2019",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize(("name", "year"), sorted(PAST.items()))
def test_a_past_year_gives_the_past_warning(name: str, year: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "warning", card["summary"]
    assert f"({year})" in str(card["summary"]), card["summary"]
    assert TMS in cards


def test_every_chart_is_named() -> None:
    names = {p.stem for p in _FOLDER.glob("*.json")}
    assert names == set(CRITICAL) | set(QUIET) | set(PAST)
