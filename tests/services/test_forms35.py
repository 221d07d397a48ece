"""Session 30 fix forms35: recheck K25b s30 (scratch-K25b charts, patient-view requests with all
19 prefetch keys in forms35_charts/; as of 2026-12-01). Each chart in a "failed" group fails on
8df3be3d and passes here; the controls pass both.

1. "SIB" alone or with ordinary words ("SIB", "Increased SIB", "Autism with SIB", "SIB: head
   banging", an ED visit "Eval for SIB") lost its critical card: fix forms34 read SIB as an act
   only after a patient verb. SIB is the act again unless a sibling context names a sibling
   ("Sib with", "Sib: brother", "SIB (sibling)", a family-history word or a relative before it:
   self_harm_sib.py); "SIB (sibling) with SI" and "Sib (brother) with SIB" are the sibling's.
2. A quoted PHQ-9 item 9 answered "0" hid a later positive ('"better off dead": 0 on 10/1, 3
   today', ': 0 -> 2'): the forms34 look-alike rows blanked "dead" whatever followed. The quoted
   item with its negative answer is blanked only when no later score 1-3 or positive word
   follows (quoted_answer.py).
3. "Thoughts of death during panic attacks", "Thoughts of death of her father (grief)" were
   critical: DSM-5 A9 excludes a fear of dying; diagnosis_terms.csv look-alikes.
4. "Doesn't want to live anymore", "Voices telling her to hurt herself", "CAH to harm self",
   "Googled lethal dose of tylenol" raised nothing: suicidal-ideation rows.
   "Any injuries since last visit?" = "yes - deliberately cut" / "Yes, intentionally" was silent:
   "any injuries", "injuries since" are `injury` questions whose answer is read for
   `injury_intent` words; an answer opening with a no ("No, nothing deliberate") is no yes.
5. The full item wording answered 0 / not at all ('"Thoughts that you would be better off dead,
   or of hurting yourself in some way": 0') was critical: the whole quoted item is blanked; so
   is an unquoted item after an "item 9" lead ('PHQ-9 item 9 better off dead: not at all').
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
_cards = chart_files.topic_reader(Path(__file__).parent / "forms35_charts", date(2026, 12, 1))


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


# 1. Failed before: critical now ("SIB" is self-injurious behaviour).
@pytest.mark.parametrize(
    "name",
    [
        "e_SIB_alone",
        "e_SIB_worsening",
        "e_SIB_eval",
        "c_SIB_alone",
        "c_pt_SIB",
        "c_increased_SIB",
        "c_SIB_x2",
        "c_autism_with_SIB",
        "c_cutting_SIB_paren",
        "c_SIB_head_banging",
        "c_sib_brother_pt_SIB",
    ],
)
def test_sib_is_self_injury(name: str) -> None:
    _critical(name)


# 1. Failed before: the sibling's, no critical card ("SIB (sibling) with SI").
def test_sib_sibling_bracket_is_the_siblings() -> None:
    _not_critical("c_SIB_sibling_paren")


# 1. Controls: a sibling stays a sibling; the patient's SI beside a sib stays read.
@pytest.mark.parametrize(
    "name", ["c_sib_brother_with_SIB", "c_sib_hx_SIB", "c_sib_SIB", "c_sibs_SI", "e_SIB_screen_neg"]
)
def test_sibling_controls_quiet(name: str) -> None:
    _not_critical(name)


def test_patient_and_sib_si_control() -> None:
    _critical("c_pt_and_sib_SI")


# 2. Failed before: a later positive answer after a quoted "0" is read.
@pytest.mark.parametrize("name", ["c_phq_q9_bod_0_then_3", "c_phq_q9_zero_x"])
def test_quoted_zero_then_positive_critical(name: str) -> None:
    _critical(name)


# 5. Failed before: the full item wording with its negative answer is quiet.
@pytest.mark.parametrize(
    "name",
    [
        "c_phq9_item9_zero",
        "c_phq_q9_full_0",
        "c_phq_q9_full_notatall",
        "c_phq_q9_bod_notatall_noquote",
    ],
)
def test_quoted_full_item_negative_quiet(name: str) -> None:
    _not_critical(name)


# 2, 5. Controls: a negative answer alone is quiet; positive answers, and ideation after the
# negative answer, stay critical.
def test_quoted_negative_alone_control() -> None:
    _not_critical("c_phq_q9_bod_0")


@pytest.mark.parametrize(
    "name",
    [
        "c_phq9_item9_1",
        "c_phq9_item9_several",
        "c_phq_q9_nearly_every_day",
        "c_phq_q9_notatall_but_wants_die",
        "c_phq9_not_at_all_then_SI",
        "e_phq_not_at_all_then_thoughts",
    ],
)
def test_quoted_positive_controls(name: str) -> None:
    _critical(name)


# 3. Failed before: a fear of dying or a relative's death is no ideation.
@pytest.mark.parametrize("name", ["c_death_anxiety", "c_thoughts_death_of_father"])
def test_thoughts_of_death_lookalikes_quiet(name: str) -> None:
    _not_critical(name)


# 4. Failed before: critical now.
@pytest.mark.parametrize(
    "name", ["c_doesnt_want_to_live", "c_voices_hurt_self", "c_cah_harm_self", "c_googled_lethal"]
)
def test_ideation_rows_critical(name: str) -> None:
    _critical(name)


# 3, 4. Controls.
@pytest.mark.parametrize("name", ["c_thoughts_death_daily", "c_recurrent_thoughts_death"])
def test_thoughts_of_death_controls_critical(name: str) -> None:
    _critical(name)


@pytest.mark.parametrize(
    "name",
    [
        "c_fear_dying",
        "c_afraid_to_die",
        "c_lethal_means_done",
        "c_lethal_arrhythmia",
        "c_denies_thoughts_death",
    ],
)
def test_death_words_controls_quiet(name: str) -> None:
    _not_critical(name)


# 4. Failed before: an injury question answered with an intent word is a self-harm yes.
@pytest.mark.parametrize(
    "name", ["q_any_inj_deliberately_cut", "q_injuries_intentionally", "q_yes_deliberately_cut"]
)
def test_any_injury_question_intent_critical(name: str) -> None:
    _critical(name)


# 4. Controls.
def test_any_injury_cut_self_control() -> None:
    _critical("q_injuries_cut_self")


@pytest.mark.parametrize(
    "name",
    [
        "q_injuries_no_deliberately",
        "q_hurt_intentionally_others",
        "q_fall_not_intentional",
        "q_fall_unintentionally",
    ],
)
def test_injury_controls_quiet(name: str) -> None:
    _not_critical(name)
