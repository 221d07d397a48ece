"""Session 32 fix neg47: recheck K33 findings 4, 5, 6, 8, 12. The charts are the reviewer's (K33,
neg37's two-failed-trial chart with its ED visit reason's text, a
free-text problem Condition, a C-SSRS plan answer or a phenelzine order changed); all 19 prefetch
keys, as of 2026-12-01. The `fixed` charts fail on the base 769b8403 and pass here; the controls
pass both.

8. NOISE (neg45 regression): "Denies SI, HI, self harm (past or present)", "(ever)", "(lifetime)",
   "(today)", "prior attempts (per pt)", "self harm (pt and mother)" raised the critical card: a
   bracket of time, scope or source words (`list_quantifier`, `list_qualifier` rows) qualifies
   the denial and keeps the item a checklist item; "(OD x2)" still makes it a finding.
4. UNSAFE: "No seizures, DBS" / "Denies seizures, DBS" offered TMS: `dbs` is a term row of the
   implanted brain stimulators (tms_safety_terms.csv), whole word.
5. UNSAFE: "Denies seizures and has a pacemaker" dropped the pacemaker's safety screen: "and has",
   "and had", "and with" start the device's own clause (`clause_stop` rows), as "but has" did.
6. WRONG: the C-SSRS plan question 93250-9 answered "Yes - passive" was "could not be read"
   while a plain Yes is critical: a Yes-led answer is a yes.
12. WRONG: bupropion ordered beside phenelzine said "serotonin syndrome risk": bupropion with an
   MAOI risks hypertensive reactions (Wellbutrin label 4 and 7; maoi_washout.csv risk).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
MAOI = "order-maoi-interaction"
_FOLDER = Path(__file__).parent / "neg47_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

# 8: a qualifier-only bracket after a checklist item: denied, TMS offered.
QUIET = {
    "e_self_harm_past_or_present": "fixed",
    "e_self_harm_ever": "fixed",
    "e_self_harm_lifetime": "fixed",
    "e_self_harm_today": "fixed",
    "e_prior_attempts_per_pt": "fixed",
    "e_self_harm_pt_and_mother": "fixed",
}

# 8: a bracket with a finding still makes the item read (neg45).
CRITICAL = {"e_previous_attempts_OD_x2": "control"}

# 4: TMS withheld by a deep brain stimulator written "DBS".
TMS_WITHHELD = {
    "cond_no_seizures_dbs": "fixed",
    "cond_denies_seizures_dbs": "fixed",
    "cond_dbs": "fixed",
}

# 5: the pacemaker after "and has" / "but has" keeps its safety screen.
TMS_SCREEN = {
    "cond_denies_seizures_and_has_pacemaker": "fixed",
    "cond_denies_seizures_but_has_pacemaker": "control",
    # Recheck K34 finding 2 (the lead's follow-up): more clause_stop rows.
    "cond_denies_seizures_and_got_a_pacemaker": "fixed",
    "cond_denies_seizures_and_s_p_pacemaker": "fixed",
}

TMS_CLEAR = {"cond_no_pacemaker_no_vns": "control"}

# 6: the plan question's answer.
CSSRS_YES = {"h_cssrs_plan_yes_passive": "fixed", "h_cssrs_plan_yes": "control"}
CSSRS_NO = {"h_cssrs_plan_denies": "control"}

# 12: the MAOI pair's risk.
MAOI_RISK = {
    "o_phenelzine_bupropion": ("hypertensive crisis risk", "fixed"),
    "o_phenelzine_venlafaxine": ("serotonin syndrome risk", "control"),
}


@pytest.mark.parametrize("name", sorted(QUIET))
def test_a_qualifier_bracket_keeps_the_checklist_denied(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards, (name, cards[RISK]["summary"])
    assert TMS in cards


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_a_finding_bracket_still_reads_the_item(name: str) -> None:
    cards = _cards(name)
    assert cards[RISK]["indicator"] == "critical"
    assert TMS not in cards


@pytest.mark.parametrize("name", sorted(TMS_WITHHELD))
def test_dbs_withholds_tms(name: str) -> None:
    assert TMS not in _cards(name)


@pytest.mark.parametrize("name", sorted(TMS_SCREEN))
def test_a_pacemaker_after_and_has_keeps_its_safety_screen(name: str) -> None:
    card = _cards(name)[TMS]
    assert "safety screen first: Denies seizures" in card["summary"], card["summary"]


@pytest.mark.parametrize("name", sorted(TMS_CLEAR))
def test_a_denied_device_list_stays_clear(name: str) -> None:
    card = _cards(name)[TMS]
    assert "safety screen" not in card["summary"], card["summary"]


@pytest.mark.parametrize("name", sorted(CSSRS_YES))
def test_a_yes_led_plan_answer_is_a_yes(name: str) -> None:
    cards = _cards(name)
    card = cards[RISK]
    assert card["indicator"] == "critical", card["summary"]
    assert "could not be read" not in card["summary"]
    assert TMS not in cards


@pytest.mark.parametrize("name", sorted(CSSRS_NO))
def test_a_denied_plan_answer_stays_no(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards
    assert TMS in cards


@pytest.mark.parametrize("name", sorted(MAOI_RISK))
def test_the_maoi_pair_names_its_own_risk(name: str) -> None:
    words, _ = MAOI_RISK[name]
    summary = _cards(name)[MAOI]["summary"]
    assert words in summary, summary
    if "bupropion" in name:
        assert "serotonin" not in summary, summary


def test_every_chart_is_named() -> None:
    names = {p.stem for p in _FOLDER.glob("*.json")}
    groups = (QUIET, CRITICAL, TMS_WITHHELD, TMS_SCREEN, TMS_CLEAR, CSSRS_YES, CSSRS_NO, MAOI_RISK)
    assert names == set().union(*groups)
