"""Session 31 fix forms36: free-text self-harm and ideation leftovers of session 30 (vendor-shaped
patient-view requests with all 19 prefetch keys in forms36_charts/: a problem-list Condition
with code.text only, an ED visit's reasonCode text, an Epic flowsheet row under a local code
with a valueString, an Epic nursing form's QuestionnaireResponse item; as of 2026-12-01). Each
chart in a "failed" group fails on 402d9489 and passes here; the controls pass both.

1. A family-history lead silenced the patient's self-harm after it: "Family history reviewed, pt
   with SIB", "Family history reviewed: pt with SIB", "FH noncontributory, SIB x2 this week",
   "Denies SI, pt with self-harm" (the denial or family-history cue was read back over the
   comma, as over a list of bare nouns). The patient named ("pt", "patient": `clause_subject`)
   starts a clause of its own, and a part closed by "reviewed", "noncontributory", "negative"
   (`clause_closed`) is a whole statement (self_harm_scope.py, self_harm_sib.py).
2. "SIB with SI" was a sibling's SI: "si" is a `sib_act_after` row, and a "sib" that is the act
   governs no mention after it (self_harm_subject.py); "SIB with depression", "Pt's older sib
   with SI" stay a sibling's (`sib_sibling_lead`: "a sib", "older sib").
3. "Any injuries since last visit?" = "Not accidental" was silent: "not accidental", "non
   accidental", "not an accident" are `injury_intent` words; and an Observation row asking of an
   injury is read as the form's item is ("Yes, on purpose" under a flowsheet row was silent).
4. False critical cards: "Doesn't want to live with her mother" (a living arrangement),
   "Lethal dose of lithium discussed with pharmacist" (counselling): ideation_lookalike.py.
   Decision, "Mother says she'd be better off dead; pt denies SI": stays critical. "She" most
   plausibly is the patient (a relative's collateral report of what the patient said), and a
   collateral report of a death wish beside the patient's denial is itself a warning sign: the
   denial does not cancel it (C-SSRS and Joint Commission NPSG 15.01.01 ask clinicians to weigh
   collateral information; UNVERIFIED as a rule of this service). If "she" is the mother, a
   critical card asks a question that costs minutes; if it is the patient, silence could cost
   a life. The safer reading wins.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_cards = chart_files.topic_reader(Path(__file__).parent / "forms36_charts", date(2026, 12, 1))


def _critical(name: str) -> dict[str, Any]:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is not None and card["indicator"] == "critical", name
    assert TMS not in cards
    return card


def _not_critical(name: str) -> dict[str, Any]:
    cards = _cards(name)
    card = cards.get(RISK)
    assert card is None or card["indicator"] != "critical", (name, card and card["summary"])
    return cards


# 1. Failed before: critical now.
@pytest.mark.parametrize(
    "name",
    [
        "c_fh_reviewed_pt_SIB",
        "o_fh_reviewed_pt_SIB",
        "c_fh_reviewed_colon_pt_SIB",
        "c_fh_noncontrib_SIB_x2",
        "c_denies_si_pt_self_harm",
    ],
)
def test_patients_self_harm_after_a_lead_is_read(name: str) -> None:
    _critical(name)


# 1. Controls: a family-history list, a relative's SIB, a denied list stay quiet.
@pytest.mark.parametrize(
    "name", ["c_fh_list_suicide_attempt", "c_fh_pts_brother_SIB", "c_pt_denies_si_hi_self_harm"]
)
def test_lead_controls_quiet(name: str) -> None:
    _not_critical(name)


# 2. Failed before: "SIB with SI" is the act.
@pytest.mark.parametrize("name", ["c_SIB_with_SI", "e_SIB_with_SI"])
def test_sib_with_si_is_self_injury(name: str) -> None:
    card = _critical(name)
    assert "Self-harm" in card["summary"]


# 2. Controls.
def test_sib_with_passive_si_stays_critical() -> None:
    _critical("c_SIB_with_passive_SI")


@pytest.mark.parametrize("name", ["c_SIB_with_depression", "c_older_sib_with_SI"])
def test_sibling_controls_quiet(name: str) -> None:
    _not_critical(name)


# 3. Failed before: an injury answered "not accidental" (a form or a flowsheet row) is a yes.
@pytest.mark.parametrize(
    "name",
    [
        "q_injuries_not_accidental",
        "q_injuries_yes_not_accidental",
        "o_injuries_not_accidental",
        "o_injuries_on_purpose",
    ],
)
def test_injury_not_accidental_is_self_harm(name: str) -> None:
    card = _critical(name)
    assert "Any injuries since last visit?" in card["summary"]


# 3. Controls.
@pytest.mark.parametrize("name", ["q_injuries_accidental", "o_injuries_not_on_purpose"])
def test_injury_controls_quiet(name: str) -> None:
    _not_critical(name)


# 4. Failed before: a living arrangement or counselling was a critical card.
@pytest.mark.parametrize(
    "name",
    [
        "c_not_live_with_mother",
        "q_not_live_with_mother",
        "c_not_live_alone",
        "c_lethal_dose_discussed",
        "o_lethal_dose_discussed",
        "c_educated_lethal_dose",
    ],
)
def test_other_meanings_quiet(name: str) -> None:
    _not_critical(name)


# 4. Controls: a wish not to live, a search for a lethal dose, and a relative's report of the
# patient's death wish (module docstring: decision) stay critical.
@pytest.mark.parametrize(
    "name",
    [
        "c_not_live_like_this",
        "c_not_live_with_pain",
        "c_not_live_with_mother_wants_die",
        "c_asked_lethal_dose_discussed",
        "c_mother_says_bod_pt_denies",
        "o_mother_says_bod_pt_denies",
    ],
)
def test_ideation_controls_critical(name: str) -> None:
    _critical(name)
