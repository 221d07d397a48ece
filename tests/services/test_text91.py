"""Session 38 fix text91 (review K59a findings 1-3): texts fix text90's accident and itch rows
made quiet with a TMS referral, read again (fhir_mapping/accident_guard.py).

- An intent or self-harm word before the act in its clause ("intentional scratches to wrists
  (eczema)", "self-inflicted lacerations from dog bite") keeps the act read, whatever cause
  follows (`intent`, `suicidal`, `accident_undone`, `accident_kept` rows).
- A cause quiets only the act it follows directly: after an `accident_joined` word the cause is
  the joined thing's ("cut wrists and bruises from MVC"), and an act joined to an
  `accident_injury` before it may share the cause with it ("burns and scratches on forearm
  (eczema)").
- A cutting tool after the cause ("from gardening shears", "from hedge trimmer": `accident_tool`
  rows) keeps the act read; "hedge*" is now the whole words "hedge", "hedges".
Controls: text90's quiet texts stay quiet, and so do an accident before which only a verb is
joined ("fell and cut wrist on broken glass") and a tool before the cause ("cut self with razor
while shaving").
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "text91_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

CRITICAL = {
    # Finding 1: an intent or self-harm word before the act (was quiet, TMS offered).
    "e_intentional_scratches_to_wrists_eczema": "fixed",
    "e_deliberate_scratches_to_wrists_eczema": "fixed",
    "e_NSSI_scratches_to_forearm_eczema": "fixed",
    "e_purposeful_scratches_on_forearm_from_cat": "fixed",
    "e_self_harm_scratches_to_wrists_from_cat": "fixed",
    "e_self_harm_cuts_to_forearm_from_dog": "fixed",
    "e_intentional_lacerations_to_wrists_from_dog_attack": "fixed",
    "e_self_inflicted_lacerations_from_dog_attack": "fixed",
    "e_intentional_scratches_to_wrists_from_rose_bushes": "fixed",
    "e_self_inflicted_lacerations_from_dog_bite": "fixed",
    "e_deliberate_scratches_to_forearm_from_thorns": "fixed",
    # Finding 2: a second act or injury joined in the clause.
    "e_cut_wrists_and_scratches_on_forearm_from_cat": "fixed",
    "e_cutting_and_scratches_on_forearm_eczema": "fixed",
    "e_burns_and_scratches_on_forearm_eczema": "fixed",
    "e_cut_wrists_and_bruises_from_MVC": "fixed",
    "e_cut_wrists_and_scratches_from_cat_bite": "fixed",
    # Finding 3: a cutting tool after the cause.
    "e_slashed_wrists_from_gardening_shears": "fixed",
    "e_lacerations_to_wrists_from_gardening_shears": "fixed",
    "e_scratches_on_wrists_from_hedge_trimmer": "fixed",
}

QUIET = {
    # Text90's quiet texts.
    "e_scratches_on_forearm_from_rose_bushes": "control",
    "e_lacerations_to_forearm_from_dog_attack": "control",
    "e_scratches_on_forearm_eczema": "control",
    "e_scratches_to_wrists_d_t_eczema_flare": "control",
    "e_cuts_on_forearm_from_cat_bite": "control",
    "e_cuts_to_forearm_MVC": "control",
    "e_scratches_on_forearm_from_gardening": "control",
    # Nearest shapes of the new guards that stay accidents.
    "e_fell_and_cut_wrist_on_broken_glass": "control",
    "e_cut_self_with_razor_while_shaving": "control",
    "e_scratches_on_forearm_from_the_hedges": "control",
    "e_scratches_on_forearm_from_cat_denies_self_harm": "control",
}


@pytest.mark.parametrize("name", sorted(CRITICAL))
def test_critical_and_tms_withheld(name: str) -> None:
    chart_files.assert_critical_without_tms(_cards(name), name)


@pytest.mark.parametrize("name", sorted(QUIET))
def test_no_suicide_risk_and_tms_offered(name: str) -> None:
    chart_files.assert_quiet_with_tms(_cards(name), name)


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, CRITICAL, QUIET)
