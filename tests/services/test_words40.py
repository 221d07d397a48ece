"""Session 31 fix words40: collateral and preparatory words of recheck K28c (the reviewer's charts
in words40_charts/, all 19 prefetch keys: `f*e` an Epic visit reason, `f*o` / `g_o_*` an Oracle
flowsheet comment, `g_q_*` a questionnaire comment, `g_c_*` a problem-list text; controls c_*
built from them with one text changed; as of 2026-12-01).

1. "may" / "could" / "going to" right before a self-harm verb are ideation qualifiers ("Pt may
   kill herself", "Mother fears pt could hurt herself"); a bare "may" (a month) or "going to
   suicide support group" is none (self_harm_ideation.py, roles ideation_modal / modal_verb).
2. Stockpiling a named drug ("Husband found pt stockpiling her lithium") is preparatory: read
   since text39 (diagnosis_terms.csv stockpil*), now a self_harm_terms.csv preparatory row too.
3. "end it all", "end it", "end her life", "take her own life" are ideation objects.
4. Acquiring or readying means, giving away belongings (C-SSRS item 6 preparatory behaviour):
   critical, as the project's preparatory role is (self_harm_terms.csv rows: why).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

RISK = "suicide-risk"
TMS = "tms-referral"
_cards = chart_files.topic_reader(Path(__file__).parent / "words40_charts", date(2026, 12, 1))


CRITICAL = [
    # 1. A modal right before a self-harm verb.
    "f105e",  # Pt may kill herself
    "f106e",  # Mother worried pt may kill herself
    "g_c_Mother_worried_pt_may_kill_herself",
    "g_o_Mother_worried_pt_may_kill_herself",
    "g_q_Mother_worried_pt_may_kill_herself",
    "f5e",  # Wife says he may hurt himself
    "f5o",
    "f6e",  # Pt may hurt herself
    "f6o",
    "f112e",  # Mother fears pt could hurt herself
    "f111e",  # Wife worried he might shoot himself (forms38's "might", kept)
    # 2. Stockpiling a named drug.
    "f103e",  # Husband found pt stockpiling her lithium
    "f104e",  # Pt stockpiled her lithium
    "f11e",  # Husband: pt has been stockpiling her lithium
    "f11o",
    "g_c_Husband_found_pt_stockpiling_her_lithium",
    "g_o_Husband_found_pt_stockpiling_her_lithium",
    "g_q_Husband_found_pt_stockpiling_her_lithium",
    # 3. Ending one's life in other words.
    "f107e",  # Pt wants to end it all
    "f8e",  # Mother says pt is going to end it
    "f8o",
    "c_take_own_life",
    # 4. Means acquired or readied, belongings given away.
    "f108e",  # Pt bought a gun
    "f15e",  # Sister reports pt bought a gun last week
    "f15o",
    "f16e",  # Safety plan reviewed; pt bought rope yesterday
    "f16o",
    "f4e",  # Wife removed the safety from his gun
    "f4o",
    "f113e",  # Pt has a gun at home and wife removed the safety
    "f114e",  # Wife says his gun is loaded and the safety is off
    "f109e",  # Pt gave away her belongings
    "f10e",  # Mother reports pt gave away her belongings
    "f10o",
]

QUIET = [
    # The reviewer's controls: a relative's own risk, a denial, "will not".
    "f1e",  # Mother will kill herself if pt moves out
    "f1o",
    "f12e",  # Father has SI; pt denies SI
    "f12o",
    "f13e",  # Mother worried pt will not take meds
    "f13o",
    "f14e",  # Pt will not hurt herself per mother
    "f14o",
    # A bare modal, a relative's modal, a denied or harmless giving away.
    "c_going_to_support_group",
    "c_could_not_hurt",
    "c_mother_may_kill_herself",
    "c_may_month",
    "c_o_may_visit",
    "c_no_loaded_gun",
    "c_gave_away_clothes",
]


@pytest.mark.parametrize("name", CRITICAL)
def test_critical(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)


@pytest.mark.parametrize("name", QUIET)
def test_quiet(name: str) -> None:
    cards = _cards(name)
    assert RISK not in cards, (name, cards[RISK]["summary"])


def test_every_chart_is_named() -> None:
    names = {p.stem for p in (Path(__file__).parent / "words40_charts").glob("*.json")}
    assert names == set(CRITICAL) | set(QUIET)
