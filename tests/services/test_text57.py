"""Session 34 recheck K43a findings 1, 2, 5, 4 (fix text57).

- Finding 1 (UNSAFE, pre-existing): "OD w intent to die", "OD w intent", "OD w intent, denies
  SI", "OD w seroquel" were quiet, TMS offered, while "OD w/ intent to die" was critical: "w"
  without its slash is "with" (`od_intent_lead` "od w", `event` "od w *"); "OD w food" stays a
  once-daily dosing note (`lookalike` "od w food"), as "OD with food" is.
- Finding 2 (UNSAFE, pre-existing): "cutting with intent to die", "cutting with a razor" were
  quiet, TMS offered, while bare "cutting" was critical: no rule silenced them, no `act` row read
  what follows "with" ("cutting$" reads bare cutting only closing its clause). `act` rows
  "cutting w* <instrument>", "cutting w* intent*" now do.
- Finding 5 (noise, 048ab720): "plan to take all her meds at once in the morning" / "with
  breakfast" were critical: a `taken_plan_adherence` phrase keeps a plan's meds the day's doses
  (self_harm_taken._meds_read); "... at once tonight" and a past act stay critical. Reversed by
  session 35 fix text60: a time of day no longer undoes "at once" in a plan (critical again).
- Finding 4 (noise, text55a): "trab OD, no SI", "s/p trab OD, no SI", "IVT OD today, no SI" said
  "Overdose, intent not recorded": eye-procedure words before "OD" are `lookalike_eye` stems.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text57_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

# name: ("fixed" or "control", the summary the critical card opens with)
_SELF_HARM = "Self-harm or suicide attempt"
_OVERDOSE = "Overdose, intent not recorded"
CRITICAL = {
    # Finding 1: "w" for "with" before an intent or a substance.
    "e_OD_w_intent_to_die": ("fixed", _SELF_HARM),
    "e_OD_w_intent": ("fixed", _SELF_HARM),
    "e_OD_w_intent_comma_denies_SI": ("fixed", _SELF_HARM),
    "e_overdose_w_intent_to_die": ("fixed", _SELF_HARM),
    "e_OD_w_seroquel": ("fixed", _OVERDOSE),
    "e_OD_wslash_intent_to_die": ("control", _SELF_HARM),
    # Finding 2: cutting with an instrument or an intent.
    "e_cutting_with_intent_to_die": ("fixed", _SELF_HARM),
    "e_cutting_with_a_razor": ("fixed", _SELF_HARM),
    "e_cutting_w_razor_blades": ("fixed", _SELF_HARM),
    "e_cutting_with_broken_glass": ("fixed", _SELF_HARM),
    "e_cutting": ("control", _SELF_HARM),
    # Finding 5's controls: a night plan, pills, a past act.
    "e_plan_to_take_all_her_meds_at_once_tonight": ("control", "plan to take all her meds"),
    "e_plan_to_take_all_her_pills_at_once_in_the_morning": ("control", "plan to take all her"),
    "e_took_all_her_meds_at_once_this_morning": ("control", _OVERDOSE),
    # Finding 5 reversed by session 35 fix text60 (decided as the lead asked, critical the safer error:
    # a time of day does not undo "at once" in a plan, morning or evening; tests/services/
    # test_text60.py).
    "e_plan_to_take_all_her_meds_at_once_in_the_morning": ("control", "plan to take all her"),
    "e_plan_to_take_all_her_meds_at_once_with_breakfast": ("control", "plan to take all her"),
    # Finding 4's controls: a cancer infusion's brand, an overdose of a drug after "OD".
    "e_Avastin_infusion_comma_OD_x2": ("control", _OVERDOSE),
    "e_trab_OD_on_tylenol": ("control", _OVERDOSE),
}

QUIET = {
    # Finding 1's controls: once daily with a meal.
    "e_OD_w_food": "control",
    "e_sertraline_50mg_OD_w_breakfast": "control",
    "e_OD_with_food": "control",
    # Finding 2's controls: a denial, no instrument.
    "e_denies_cutting_with_a_razor": "control",
    "e_cutting_with_her_friends": "control",
    # Finding 4: the right eye.
    "e_trab_OD_comma_no_SI": "fixed",
    "e_sp_trab_OD_comma_no_SI": "fixed",
    "e_IVT_OD_today_comma_no_SI": "fixed",
    "e_Lucentis_OD_comma_denies_SI": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_with_its_wording_and_tms_withheld(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)
    summary = cards[chart_files.RISK]["summary"]
    assert summary.startswith(CRITICAL[name][1]), (name, summary)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
