"""Session 36 fix text71: recheck K52a findings 1-3 (older unsafe readings, probe at main).

- Finding 1: a denial verb that is itself negated ("does not deny SI", "no longer denies SI", "not
  denying SI", "will not deny HI or thoughts of suicide") or taken back later in its sentence
  ("previously denied HI or SI, now endorses", "denied SI last week, today endorses") was read as a
  denial: quiet, TMS offered. Such a denial is read as an affirmation before any cue is read
  (denial_undone.py). "denies SI", "no SI", "does not endorse SI", "not suicidal" and "denies SI, now
  endorses HI" (the endorsement has its own object) stay quiet.
- Finding 2 (part): "wrote goodbye letters" was no preparatory row ("wrote a goodbye letter" was).
- Finding 3: "thoughts or plans of suicide" was quiet: the list of qualifiers leaves "plans of",
  which no `ideation_lead` row read ("plan of" was); "denies thoughts or plans of suicide" stays
  quiet.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text71_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "e_does_not_deny_SI": "fixed",
    "e_no_longer_denies_SI": "fixed",
    "e_not_denying_SI": "fixed",
    "e_will_not_deny_HI_or_thoughts_of_suicide": "fixed",
    "e_previously_denied_HI_or_SI_now_endorses": "fixed",
    "e_denied_SI_last_week_today_endorses": "fixed",
    "e_does_not_deny_HI_or_thoughts_of_killing_herself": "fixed",
    "e_thoughts_or_plans_of_suicide": "fixed",
    "e_endorses_thoughts_or_plans_of_suicide": "fixed",
    "e_no_HI_endorses_thoughts_or_plans_of_suicide": "fixed",
    "e_Denies_HI_Thoughts_or_plans_of_killing_herself_daily": "fixed",
    "e_wrote_goodbye_letters": "fixed",
    "e_denies_HI_or_thoughts_of_suicide_wrote_goodbye_letters": "fixed",
}

QUIET = {
    "e_denies_SI": "control",
    "e_denied_SI": "control",
    "e_denies_SI_not_suicidal": "control",
    "e_no_SI": "control",
    "e_does_not_endorse_SI": "control",
    "e_not_suicidal": "control",
    "e_denies_SI_now_endorses_HI": "control",
    "e_denies_thoughts_or_plans_of_suicide": "control",
    "e_plans_of_moving_to_Ohio": "control",
    "e_denies_writing_goodbye_letters": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
