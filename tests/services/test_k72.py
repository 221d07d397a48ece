"""Session 42 recheck K72a findings 1, 2 and 5 (lead's fix).

- Findings 1, 2 (UNSAFE, new with text109): preparatory_reason.py explained away every
  `preparatory` row when its sentence named an "ordinary reason", death wishes, suicide notes and
  hidden pills included ("intent to die, in hospice", "wrote suicide note, moving out", "hid his
  pills, landlord evicting"), and read "moving on" / "retiring from life" as a move or a
  retirement: quiet, TMS offered. Only a will, affairs in order, a pet or a goodbye can now have
  an ordinary reason, and moving, retiring, hospice, terminal illness, DNR, an eviction or
  coworkers are no reason (risk factors and euphemisms).
- Finding 5 (UNSAFE, new with text109): "plan for her meds", "plan for ketamine" were everyday plan
  objects after a time-limited denial: means, not treatments; only treatments (ECT, TMS, therapy,
  esketamine) stay.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "k72_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_intent_to_die_in_hospice": "fixed",
    "e_wishes_she_could_die_terminal_cancer": "fixed",
    "e_wrote_suicide_note_moving_out": "fixed",
    "e_hid_his_pills_landlord_evicting": "fixed",
    "e_gave_away_belongings_moving_on": "fixed",
    "e_said_goodbye_to_family_retiring_from_life": "fixed",
    "e_wrote_goodbye_letters_to_coworkers": "fixed",
    "e_getting_her_affairs_in_order_hospice": "fixed",
    "e_Denied_SI_yesterday_today_with_plan_for_her_meds": "fixed",
    "e_denied_SI_at_last_visit_today_with_plan_for_ketamine": "fixed",
    "e_Neg_SI_HI_pt_wrote_will_and_gave_away_dog": "control",
}

QUIET = {
    "e_gave_away_the_dog_to_her_sister_due_to_allergies": "control",
    "e_wrote_a_will_with_lawyer": "control",
    "e_put_affairs_in_order_before_deployment": "control",
    "e_Denies_SI_previously_currently_with_plan_for_ECT": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
