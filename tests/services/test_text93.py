"""Session 38 fix text93 (review K60a findings 2, 7): texts fix text91's `own_part` made quiet
with a TMS referral, or critical, read again (fhir_mapping/accident_guard.py,
self_harm_context.py).

- Doubt and denial words are looked for in the whole clause after the act, not only its own
  part before a joined word ("cuts to forearm from cat and maybe self", "... and r/o self",
  "... and/or self" were quiet, TMS offered); only the cause is cut at the joined word.
- A joined body part is no second act (`accident_site`, `accident_site_side` rows): "cut wrists
  and forearms in MVC", "lacerations to forearm and hand from dog bite" were critical.
Controls: a second act or injury joined ("cut wrists and scratches on forearm from cat", "...
and forearm scratches from cat", "... and forearms and bruises from MVC") stays critical, and
so do a question, an intent word, the neck (no site row) and a site with no cause; text90/91's
quiet accidents stay quiet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text93_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 2: a doubt word after the joined word (was quiet, TMS offered).
    "e_cuts_to_forearm_from_cat_and_maybe_self": "fixed",
    "e_cut_wrists_from_dog_and_possibly_self": "fixed",
    "e_lacerations_to_wrists_from_fall_and_r_o_self": "fixed",
    "e_cuts_to_forearm_from_cat_bite_and_or_self": "fixed",
    "e_cuts_to_forearm_from_cat_bite_and_slash_or_self": "fixed",
    "e_cuts_to_wrists_from_cat_and_possible_SH": "fixed",
    # Nearest critical shapes of the body-site rule.
    "e_lacerations_to_forearm_and_hand_from_dog_bite_and_maybe_self": "control",
    "e_cut_wrists_and_scratches_on_forearm_from_cat": "control",
    "e_cut_wrists_and_forearm_scratches_from_cat": "control",
    "e_cut_wrists_and_forearms_and_bruises_from_MVC": "control",
    "e_cut_wrists_and_forearms_in_MVC_question": "control",
    "e_intentional_cuts_to_wrists_and_forearms_in_MVC": "control",
    "e_cut_wrists_and_neck_in_MVC": "control",
    "e_cut_wrists_and_forearms": "control",
    "e_cut_wrists_and_bruises_from_MVC": "control",
}

QUIET = {
    # Finding 7: a joined body part (was critical).
    "e_cut_wrists_and_forearms_in_MVC": "fixed",
    "e_lacerations_to_forearm_and_hand_from_dog_bite": "fixed",
    "e_Lacerations_to_forearm_hand_from_dog_bite": "fixed",
    "e_cut_wrists_and_left_forearm_from_MVC": "fixed",
    # Text90/91's quiet accident.
    "e_cuts_to_forearm_from_cat_bite": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
