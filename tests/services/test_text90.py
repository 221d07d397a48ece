"""Session 38 fix text90: self-harm noise with a stated non-self cause, or a plain clause after a
denial of now.

- Scratches or lacerations with a stated cause the cause table lacked ("scratches on forearm from
  rose bushes", "lacerations to forearm from dog attack", "scratches on forearm from cat") were
  critical: plant and animal `accident_object` rows, animal-attack `act_accident` and
  `accident_tag` rows (self_harm_terms.csv, read by self_harm_context.accident_beside).
- A scratch with only an itching skin cause after it ("scratches on forearm (eczema)") was
  critical: `itch_act`/`itch_cause`/`itch_lead` rows; cuts, a comma's next part, or any other
  word ("with razor (eczema)") keep the act read.
- A denied or doubted accident ("cuts on forearm not from cat bite", "... from cat vs self") was
  quiet, TMS offered: `accident_denied` before it, `accident_doubt` in its clause keep the act.
- "OD 2015; no SI today, lives with mother" was critical while "denies SI today, lives with
  mother" was the past-overdose warning: a plain social-history clause (social_clause.py) is let
  through as a plain denial is; anything more after it keeps the critical card.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text90_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # A denied or doubted accident keeps the act (was quiet, TMS offered).
    "e_cuts_on_forearm_not_from_cat_bite": "fixed",
    "e_scratches_on_forearm_not_from_rose_bushes": "control",
    "e_scratches_on_forearm_from_cat_vs_self": "control",
    # Controls: the nearest real signals beside a cause, cuts with an itch, open clauses.
    "e_scratches_on_forearm_self_inflicted": "control",
    "e_lacerations_to_wrists_intentional": "control",
    "e_scratches_from_cat_also_cut_self": "control",
    "e_scratches_on_forearm_from_cat_also_cut_self": "control",
    "e_scratches_on_forearm_from_rose_bushes_self_inflicted": "control",
    "e_lacerations_to_forearm_from_dog_attack_wanted_to_die": "control",
    "e_scratches_on_forearm_with_razor_eczema": "control",
    "e_cuts_on_forearm_eczema": "control",
    "e_scratches_on_forearm_eczema_comma": "control",
    "e_scratches_on_forearm_from_rose_bushes_question": "control",
    "e_cuts_on_forearm_from_broken_glass": "control",
    "e_OD_2015_no_SI_today_lives_with_mother_took_pills_last_night": "control",
    "e_OD_2015_no_SI_today_not_sure": "control",
    "e_OD_2015_no_SI_today_per_mother_took_pills_yesterday": "control",
    "e_OD_2015_no_SI_today_lives_alone": "control",
    "e_OD_2015_no_SI_today_has_pills_at_home": "control",
    "e_OD_2015_no_SI_today_lives_with_mother_question": "control",
    "e_OD_2015_no_SI_today_lives_with_mother_Took_20_tylenol_tonight": "control",
}

QUIET = {
    # A stated non-self cause of scratches or lacerations.
    "e_scratches_on_forearm_from_rose_bushes": "fixed",
    "e_lacerations_to_forearm_from_dog_attack": "fixed",
    "e_scratches_on_forearm_eczema": "fixed",
    "e_scratches_on_forearm_from_cat": "fixed",
    "e_lacerations_to_forearm_from_dog": "fixed",
    "e_scratches_on_forearms_dog_attack": "fixed",
    "e_lacerations_to_forearm_dog_attack": "fixed",
    "e_scratches_to_wrists_d_t_eczema_flare": "fixed",
    "e_Excoriations_on_forearms_eczema": "control",
    # Controls already quiet.
    "e_scratches_eczema": "control",
    "e_scratches_from_cat": "control",
    "e_cuts_on_forearm_from_cat_bite": "control",
    "e_scratches_on_forearm_from_cat_bite": "control",
}

# The past-overdose warning (TMS offered): a plain social-history clause after the denial.
PAST = {
    "e_OD_2015_no_SI_today_lives_with_mother": "fixed",
    "e_OD_2015_no_SI_today_works_full_time": "fixed",
    "e_OD_2015_no_SI_today_has_2_kids": "fixed",
    "e_OD_2015_No_SI_today_lives_w_mom_works_FT": "fixed",
    "e_OD_2015_no_SI_today_Lives_with_mother_sentence": "fixed",
    "e_OD_2015_denies_SI_today_lives_with_mother": "control",
    "e_OD_2015_no_SI_today": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(PAST))
def test_plain_social_history_after_denial_is_the_past_warning(name: str) -> None:
    cards = _cards(name)
    card = cards["suicide-risk"]
    assert card["indicator"] == "warning", (name, card["summary"])
    assert "past overdose, intent not recorded (2015)" in card["summary"]
    assert chart_files.TMS in cards


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET, PAST)
