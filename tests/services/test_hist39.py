"""Session 31 fix hist39: hist38's noise found by recheck K29b (hist39_charts/, all 19 prefetch
keys: the reviewer's charts and probe-built ones, an ED visit of 2026-11-20 with the reason's
words changed; evaluated as of 2026-12-01). Each withheld the TMS offer behind a critical card:

1. An "Intent:" answer that states no suicidal intent ("Overdose. Intent: accidental", Epic's
   "Intent: Accidental", "Intent: unintentional", "Intent: to get high"): no card, as
   "Accidental overdose" gives none; "Intent: high" with another topic ("Smoking cessation.
   Intent: high") too. "Intent: high" alone and "Overdose. Intent: unknown" stay critical.
2. A "method" heading of something else ("Contraception method: pills", "Birth control method:
   pill, plan: continue"): no card; a bare "Method: pills" stays critical.
3. "Husband attempted suicide, pt attempted CPR": another act, no card; "pt attempted too"
   stays critical.
4. Dosing plans ("take 2 tabs q6h prn", "prednisone 5 mg take 8 tabs daily x 5 days"): no card;
   "take 30 tabs at bedtime", "take all pills" stay critical.
5. Everyday plans ("hang up call", "jumping rope", "cut down on caffeine", "cut the pills in
   half", "take all pills in the morning"): no card.
6. An attempt dated by a bare past year ("SA in 2012"): the past-attempt warning (below).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
TMS = "tms-referral"

_cards = chart_files.topic_reader(Path(__file__).parent / "hist39_charts", AS_OF)


@pytest.mark.parametrize(
    "name",
    [
        "e_Overdose_Intent_accidental",
        "e_Ingestion_intent_accidental",
        "e_OD_intent_accidental",
        "e_Overdose_Intent_unintentional",
        "e_Intent_accidental",
        "e_Intent_Accidental",
        "e_Intent_to_get_high",
        "e_Smoking_cessation_Intent_high",
        "e_Intent_high_smoking_cessation_",
        "e_Accidental_overdose",
        "e_Contraception_method_pills",
        "e_Birth_control_method_pill_plan_continue",
        "e_Husband_attempted_suicide_pt_attempted_CPR",
        "e_Plan_take_2_tabs_q6h_prn",
        "e_Plan_take_2_tabs_now",
        "e_Plan_take_2_tabs_then_1_daily",
        "e_Plan_take_2_tabs_30",
        "e_Plan_continue_meds_taking_2_tabs_daily",
        "e_Plan_colchicine_take_2_tabs_then_1_tab_in_1_hr",
        "e_Plan_prednisone_5_mg_take_8_tabs_daily_x_5_days",
        "e_Plan_dexamethasone_4_mg_take_5_tabs_once",
        "e_Plan_hang_up_call_if_pt_agitated",
        "e_Plan_jumping_rope_for_exercise",
        "e_Plan_cut_down_on_caffeine",
        "e_Plan_cut_the_pills_in_half",
        "e_Plan_take_all_pills_in_the_morning",
    ],
)
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards, cards.get(RISK, {}).get("summary")
    assert TMS in cards


@pytest.mark.parametrize(
    "name",
    [
        "e_Intent_high",
        "e_Overdose_Intent_unknown",
        "e_Method_pills",
        "e_Brother_attempted_suicide_pt_attempted_too",
        "e_Plan_take_30_tabs_at_bedtime",
        "e_Plan_take_all_pills",
    ],
)
def test_a_stated_risk_stays_critical(name: str) -> None:
    cards = _cards(name)
    assert cards[RISK]["indicator"] == "critical", cards[RISK]["summary"]
    assert TMS not in cards


# 6. WRONG: an attempt its reason dates by a bare year before the visit's, with no history word
# ("Suicide attempt 2019, denies current SI", "SA in 2012", "s/p SA 2021 by overdose") was
# critical dated at the visit; now hist38's past-attempt warning with its year. The visit's own
# year ("Suicide attempt 2026") and a current word ("SI today") stay critical.
@pytest.mark.parametrize(
    ("name", "year"),
    [
        ("e_Suicide_attempt_2019_denies_current_SI", "2019"),
        ("e_SA_in_2012", "2012"),
        ("e_s_p_SA_2021_by_overdose", "2021"),
    ],
)
def test_a_bare_past_year_dates_the_attempt(name: str, year: str) -> None:
    card = _cards(name)[RISK]
    assert card["indicator"] == "warning", card["summary"]
    assert f"past suicide attempt ({year})" in str(card["summary"])


@pytest.mark.parametrize("name", ["e_Suicide_attempt_2026", "e_Suicide_attempt_2019_SI_today"])
def test_an_attempt_of_the_visit_year_or_now_stays_critical(name: str) -> None:
    cards = _cards(name)
    assert cards[RISK]["indicator"] == "critical", cards[RISK]["summary"]
    assert TMS not in cards
