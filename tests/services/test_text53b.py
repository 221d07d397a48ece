"""Session 34 fix text53b (WRONG wording left by text52, and a bare "OD" after a time word).

- "OD w/ SI", "OD with intent", "OD with intent to die", "OD'd with intent" said "Overdose,
  intent not recorded" while "OD with suicidal intent" said "Self-harm or suicide attempt": the
  `event` row "od with" read the overdose and nothing read the intent after it. An `od_intent`
  word after an `od_intent_lead` (od_lookalike.od_intent) is now a `suicidal` word.
- "after OD", "post OD", "Seen after OD", "Eye swelling post OD" were quiet, TMS offered. They are
  overdoses now (`event` "after od", "post od"); an eye procedure or exam word right after "OD"
  (`lookalike_eye_next`: "post OD injection", "after OD YAG") keeps the right eye quiet, and so do
  the ophthalmic controls of text48a ("Lens opacity OD", "h/o cataract OD", "OD eye drops").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text53b_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

_STATED = "Self-harm or suicide attempt"
_UNKNOWN = "Overdose, intent not recorded"

# name: (before the fix, the summary the critical card opens with)
CRITICAL = {
    # Finding 1: the intent after "OD with" is recorded.
    "e_OD_w_SI": ("fixed", _STATED),
    "e_OD_w_SI_attached": ("fixed", _STATED),
    "e_OD_with_intent": ("fixed", _STATED),
    "e_OD_with_intent_to_die": ("fixed", _STATED),
    "e_ODd_with_intent": ("fixed", _STATED),
    "e_Overdose_w_SI": ("fixed", _STATED),
    "e_OD_w_suicidal_intent": ("control", _STATED),
    "e_OD_with_suicidal_intent": ("control", _STATED),
    # Not an intent: a denied one, or what was taken.
    "e_OD_w_o_SI": ("control", _UNKNOWN),
    "e_OD_with_tylenol": ("control", _UNKNOWN),
    # Finding 2: "OD" after a time-order word is an overdose, an eye word before it too.
    "e_after_OD": ("fixed", _UNKNOWN),
    "e_post_OD": ("fixed", _UNKNOWN),
    "e_post_dash_OD": ("fixed", _UNKNOWN),
    "e_Seen_after_OD": ("fixed", _UNKNOWN),
    "e_Eye_swelling_post_OD": ("fixed", _UNKNOWN),
    "e_Eye_pain_after_OD": ("fixed", _UNKNOWN),
}

QUIET = {
    # The right eye: ophthalmic text (text48a controls) and an eye procedure after "OD".
    "e_Lens_opacity_OD": "control",
    "e_h_o_cataract_OD": "control",
    "e_OD_eye_drops": "control",
    "e_Eye_pain_comma_OD_x2": "control",
    "e_post_OD_injection": "control",
    "e_Eye_swelling_post_OD_injection": "control",
    "e_after_OD_YAG": "control",
    "e_post_OD_cataract_surgery": "control",
    "e_Day_1_post_op_OD": "control",
    # Once daily with a meal (text52 control).
    "e_OD_with_food": "control",
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
