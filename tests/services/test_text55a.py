"""Session 34 fix text55a (recheck K39b s34 findings 2, 3, 4, 6: "OD" readings).

- Finding 2 (UNSAFE, before this session): "OD with SI denied", "OD, denies SI", "OD without SI",
  "OD with intent denied", "OD w/ SI denied", "OD, no SI", "Overdose with SI denied" were quiet,
  TMS offered, while "OD w/o SI" said "Overdose, intent not recorded". The denial after the
  intent word reached back over the overdose (self_harm_text reads an event's denial only up to
  an intent word after it: od_lookalike.before_intent), and a bare "OD" before a denied intent
  was no event at all (`od_intent_denial` leads: od_lookalike.od_intent_denied).
- Finding 3 (WRONG, text53b): "OD with intent to get high", "OD w/ intent to sleep", "OD with
  intent?", "OD w/ SI?" said "Self-harm or suicide attempt": an `od_intent` word is suicidal
  intent only with nothing after it or "to" and an `od_intent_to` word ("to die", "to kill"),
  and never with a question mark after it.
- Finding 4 (decision): "post OD day 1, SI" says "Overdose, intent not recorded", as "Overdose,
  SI" has since words41, and its "Found" lines hold both findings: the overdose and the SI read
  from the same words. A summary naming both would be a wording change of the card
  (services/rules/suicide_risk_text.py), left to the lead.
- Finding 6 (NOISE, text53b): an eye treatment right after "OD" ("after OD drops", "after OD
  Lucentis", "post OD trab", "post OD CE/IOL") is the right eye (`lookalike_eye_next` rows).
  "f/u post OD" and "after OD drop in GCS" stay overdoses (decision in the rows' source).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text55a_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

_STATED = "Self-harm or suicide attempt"
_UNKNOWN = "Overdose, intent not recorded"

# name: (before the fix, the summary the critical card opens with)
CRITICAL = {
    # Finding 2: a denied intent leaves the overdose read, its intent not recorded.
    "e_OD_with_SI_denied": ("fixed: quiet", _UNKNOWN),
    "e_OD_comma_denies_SI": ("fixed: quiet", _UNKNOWN),
    "e_OD_without_SI": ("fixed: quiet", _UNKNOWN),
    "e_OD_with_intent_denied": ("fixed: quiet", _UNKNOWN),
    "e_OD_w_SI_denied": ("fixed: quiet", _UNKNOWN),
    "e_OD_comma_no_SI": ("fixed: quiet", _UNKNOWN),
    "e_Overdose_with_SI_denied": ("fixed: quiet", _UNKNOWN),
    "e_OD_w_o_SI": ("control", _UNKNOWN),
    # Finding 3: a purpose that is not death, or a question, is no stated intent.
    "e_OD_with_intent_to_get_high": ("fixed: self-harm", _UNKNOWN),
    "e_OD_w_intent_to_sleep": ("fixed: self-harm", _UNKNOWN),
    "e_OD_with_intent_question": ("fixed: self-harm", _UNKNOWN),
    "e_OD_w_SI_question": ("fixed: self-harm", _UNKNOWN),
    "e_OD_with_intent_to_die": ("control", _STATED),
    "e_OD_w_intention_to_kill_herself": ("control", _STATED),
    "e_OD_with_suicidal_intent": ("control", _STATED),
    "e_OD_w_SI": ("control", _STATED),
    # Finding 4: both findings read (test_post_od_si_lists_both).
    "e_post_OD_day_1_SI": ("control", _UNKNOWN),
    # Finding 6, decision: no eye treatment after "OD".
    "e_f_u_post_OD": ("control", _UNKNOWN),
    "e_after_OD_drop_in_GCS": ("control", _UNKNOWN),
}

QUIET = {
    # Finding 6: an eye treatment right after "OD" (were overdoses since text53b).
    "e_after_OD_drops": "fixed",
    "e_after_OD_gtts": "fixed",
    "e_after_OD_Lucentis": "fixed",
    "e_after_OD_Avastin": "fixed",
    "e_after_OD_Eylea": "fixed",
    "e_after_OD_IVT": "fixed",
    "e_post_OD_trab": "fixed",
    "e_post_OD_CE_IOL": "fixed",
    # The right eye, a denial before the overdose, an accident stated.
    "e_Lens_opacity_OD": "control",
    "e_Lens_opacity_OD_denies_SI": "control",
    "e_No_OD_with_SI": "control",
    "e_Denies_OD_no_SI": "control",
    "e_OD_not_intentional": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_with_its_wording_and_tms_withheld(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)
    summary = cards[chart_files.RISK]["summary"]
    assert summary.startswith(CRITICAL[name][1]), (name, summary)


def test_post_od_si_lists_both() -> None:
    """Finding 4: the SI after "post OD" is read beside the overdose, each a "Found" line."""
    detail = _cards("e_post_OD_day_1_SI")[chart_files.RISK]["detail"]
    assert "post OD day 1, SI (typed in)" in detail, detail
    assert "post OD day 1, SI (intent not recorded" in detail, detail


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
