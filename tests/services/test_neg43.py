"""Session 32 fix neg43: recheck K30a finding 2, a leading "denies" list swallowed the act after
it. Each chart is the two-failed-trial chart of neg37 (e_Hx_SI_Plan_none) with its ED visit
reason's text changed (e_), or the Oracle flowsheet comment chart of words41 (f_), all 19
prefetch keys, as of 2026-12-01 (visit 2026-11-20). The `fixed` charts fail on 2d71b127 and
pass here; the controls pass both.

UNSAFE: "denies SI, OD'd last night", "Denies SI/HI, drank bleach", "denies SI, tied sheet
around neck", "Denies SI/HI, hoarding her pills" raised no card and TMS was offered: a denial
reached back over the comma to the act, because the act's words hold no verb of the
`clause_verb` rows ("drank", "tied", "OD'd", "hoarding").

The rule (self_harm_scope.cue_window, text_negation.checklist_item): after a bare comma, a
denial reaches the mention only when the mention's whole item is a screening checklist item (a
`list_item` or `list_follow` row of data/text_negations.csv: "SI, HI, AVH, self-harm, cutting,
overdose"). Anything else there (an act with its object or time, "drank bleach", "OD'd last
night", "cutting last week") starts a new clause and is read. Why: after "denies", a
checklist names screening words, one or two words each, whose denial is the note's point; an
act written with what was taken, where, or when is a report of what happened, and the comma is
how ED reason fields separate statements. Read wrongly, a missed attempt loses the card and
offers TMS; the other mistake asks a question. So "denies SI, HI, cutting" denies the cutting
(a bare checklist word, as "SI, HI, cutting: denies" already did), and "denies SI, cutting last
week" reads it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_FOLDER = Path(__file__).parent / "neg43_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # An act after a comma-joined denial: its own clause.
    "e_denies_SI_OD_d_last_night": "fixed",
    "f_denies_SI_OD_d_last_night": "fixed",
    "e_Denies_SI_HI_drank_bleach": "fixed",
    "e_Denies_SI_comma_HI_drank_bleach": "fixed",
    "e_denies_SI_tied_sheet_around_neck": "fixed",
    "e_Denies_SI_HI_hoarding_her_pills": "fixed",
    "e_denies_SI_cutting_last_week": "fixed",
    # Controls: a full stop, an answered item, a "but", a semicolon, or a verb row end the denial.
    "e_denies_SI_drank_bleach": "control",
    "e_SI_HI_denies_OD_d_last_night": "control",
    "e_denies_SI_but_hoarding_her_pills": "control",
    "e_Denies_SI_HI_cut_wrists": "control",
    "e_Denies_SI_HI_jumped_from_2nd_floor": "control",
    "e_Denies_SI_HI_took_30_pills": "control",
    "e_denies_SI_HI_saving_her_pills": "control",
}

QUIET = {
    # Checklists after "denies"/"no": every item denied.
    "e_denies_SI_HI_cutting": "control",
    "e_denies_SI_HI_AVH": "control",
    "e_Denies_SI_HI_self_harm": "control",
    "e_denies_SI_HI_or_self_harm": "control",
    "e_denies_SI_HI_SIB_cutting_overdose": "control",
    "e_no_SI_HI_self_harm_or_suicide_attempts": "control",
    # Lead's follow-up: a quantifier, or the item in other words, stays an item of the checklist
    # (list_quantifier and list_follow rows; both read critical after neg43 alone).
    "e_Denies_SI_HI_any_self_harm": "fixed",
    "e_Denies_SI_HI_self_harming_behaviors": "fixed",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_the_act_is_read_critical_and_tms_withheld(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_a_denied_checklist_stays_denied(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)


def test_every_chart_is_named() -> None:
    names = {p.stem for p in _FOLDER.glob("*.json")}
    assert names == set(CRITICAL) | set(QUIET)
