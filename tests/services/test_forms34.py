"""Session 30 fix forms34: recheck K24a s30 (scratch-K24a charts and near-variants, as
patient-view requests with all 19 prefetch keys in forms34_charts/; as of 2026-12-01). Each chart
in a "failed" group fails on 2441a9b9 and passes here; the controls pass both.

1. "Did you hurt yourself in the fall?" = "Yes, on purpose" was silent: an injury question is no
   self-harm question (fix forms33), and its answer was read only for ideation or self-harm
   words. An answer to an injury question holding an `injury_intent` word, not negated ("on
   purpose", "intentionally", "deliberately": self_harm_form_words.csv) is now a yes: critical.
2. Missed phrasings of ideation on the problem list, alone and after "Father with SI; pt also"
   ("no longer wants to live", "better off if he were dead", "taking extra pills to die",
   "voices tell him to kill himself", "command AH to kill self", "asked how many pills would
   be lethal", "asked about ways to kill himself", "thoughts of death": DSM-5 MDD criterion A9):
   diagnosis_terms.csv suicidal-ideation rows; critical. "To die" alone is no row ("afraid to
   die in surgery" stays quiet), nor "kill himself" without "to" ("worried father will kill
   himself", forms33, stays the father's).
3. "Sib" (sibling) was read as SIB (self-injurious behaviour): "Sib with depression", "Sib:
   brother 2 yrs older", "SIB (sibling) with depression", "Yes - others (sib)" were critical.
   SIB is now an act only with a patient verb or an act after it ("endorses SIB", "SIB by
   cutting", "hx of SIB", "engaging in SIB"); "sib", "sibs" are relatives; a bare "SIB" part
   of an answer to a harm to self or others question is a yes of the self ("Yes - others;
   SIB"), a bracket after "others" names who they are ("others (sib)").
4. A quoted PHQ-9 item 9 with its negative answer ('PHQ-9 item 9 "better off dead": not at
   all') was critical: the phrase with its answer is a diagnosis_terms.csv look-alike.
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
_cards = chart_files.topic_reader(Path(__file__).parent / "forms34_charts", date(2026, 12, 1))


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


# Failed before: critical now.
@pytest.mark.parametrize(
    "name",
    [
        "u_qr_hurt_fall_and_self",
        "s_no_longer_live",
        "s_better_off_if_dead",
        "s_taking_extra",
        "s_voices_kill",
        "s_cmd_ah",
        "s_asked_lethal",
        "s_asked_ways",
        "s_thoughts_death",
        "u_thoughts_death_alone",
        "u_also_no_longer_wants_live",
        "u_also_taking_extra",
        "u_also_seeing_voices",
        "u_also_asked_dying",
        "u_also_asked_overdose",
        "u_better_off_dead",
    ],
)
def test_missed_self_harm_is_critical(name: str) -> None:
    _critical(name)


# Failed before: a sibling, or a quoted item answered no, was a critical card.
@pytest.mark.parametrize(
    "name",
    [
        "f_sib_dep",
        "f_sib_bipolar",
        "f_sib_colon",
        "f_sib_sibling",
        "f_sib_fh2",
        "f_sib_drug",
        "f_sib_hist2",
        "f_qr_sib_fh",
        "f_qr_hurt_others_sib",
        "f_phq_text_cond",
        "f_phq_text_enc",
    ],
)
def test_a_sibling_or_a_quoted_no_is_not_critical(name: str) -> None:
    _not_critical(name)


def test_a_siblings_si_is_no_attempt_of_the_patients() -> None:
    # "Father with SI; pt also has a sib with SI": before, a self-harm attempt card.
    card = _cards("f_sib_rel_si").get(RISK)
    assert card is None or "attempt" not in card["summary"]


def test_others_named_in_brackets_is_the_answer_to_check() -> None:
    card = _cards("f_qr_hurt_others_sib")[RISK]
    assert card["indicator"] == "warning"
    assert "could not be read" in card["summary"]


# Controls: pass before and after.
@pytest.mark.parametrize(
    "name",
    [
        "u_qr_hurt_on_purpose",
        "base_sa_sib",
        "u_sib_cutting",
        "u_sib_cutting2",
        "u_qr_hurt_others_sib",
        "s_wants_die",
        "s_better_off_dead",
    ],
)
def test_controls_stay_critical(name: str) -> None:
    _critical(name)


@pytest.mark.parametrize(
    "name",
    ["f_hurt_fall", "f_qr_hurt_fall_not_purpose", "f_afraid_to_die", "f_sibs_healthy", "f_sib_fam"],
)
def test_controls_stay_quiet(name: str) -> None:
    cards = _not_critical(name)
    assert RISK not in cards, name
