"""Session 36 fix text76: regressions of this session's own fixes found by recheck K54a.

- Finding 7 (noise of fix text72's `attempted <time>` rows, now role `act_bare`): a bare
  "attempted <time>" is the patient's suicide attempt only with nothing but a `bare_subject` word
  before it in its clause ("pt attempted yesterday", "denies SI, attempted last week") and no
  "to <verb>" after its time ("attempted last week to call"), unless that verb names self-harm
  ("attempted last week to kill herself"): self_harm_context._bare_other.
- Finding 4 (unsafe, fix text70's eye context): an `od_visit` row's "OD" in a clause naming an ED,
  an emergency or an admission ("ED visit for OD", "Admitted for OD") is an overdose in an eye
  record too (od_lookalike.eye_sided, `od_visit_acute` rows); "Here for OD" stays the eye's.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text76_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    "c_eye_ED_visit_for_OD": "fixed",
    "c_eye_Seen_in_ED_for_OD": "fixed",
    "c_eye_Admitted_for_OD": "fixed",
    "v_eye_ED_visit_for_OD": "fixed",
    "v_eye_Seen_in_ED_for_OD": "fixed",
    "v_eye_Admitted_for_OD": "fixed",
    "e_attempted_last_week": "control",
    "e_denies_SI_attempted_last_week": "control",
    "e_pt_attempted_yesterday": "control",
    "e_SI_attempted_today": "control",
    "e_attempted_last_week_to_kill_herself": "control",
}

QUIET = {
    "e_Taper_attempted_last_month": "fixed",
    "e_CBT_attempted_recently": "fixed",
    "e_attempted_last_week_to_call": "fixed",
    "e_Attempted_yesterday_to_wean_off_O2": "fixed",
    "e_Home_visit_attempted_yesterday": "fixed",
    "e_Quit_smoking_attempted_last_year": "fixed",
    "c_eye_Here_for_OD": "control",
    "v_eye_Here_for_OD": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
