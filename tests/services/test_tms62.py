"""Session 41 fix tms62 (tms61 regressions; recheck K66a findings 3-5).

- Finding 3 (UNSAFE): a `removed` word anywhere in the entry made retained head metal a caution:
  "shrapnel removed 2010; metal in skull", "bullet fragment in brain, removed bullet from arm",
  "foreign body eye, to be removed" offered TMS with a screen line. Removed counts only in the
  head fragment's own clause or the fragment-less clauses after it, never planned
  (head_metal.said_removed). "fragment removed from hand, retained fragment in orbit" read no
  orbit fragment at all: each clause is searched on its own.
- Finding 4: "drug-induced psychosis 2015" (a year before the visit's) and "psychosis in brother"
  (a relative's) as an ED reason held TMS with the psychotic headline; they are not current
  (visit_psychotic_text.py). "r/o psychosis", "eval for psychosis" stay held with the headline
  (the cards have no "possible psychotic features" wording: kept, the safer reading).
- Finding 5: "hallucinating", "paranoid" alone were unread; read now (visit_psychotic_words.csv),
  not "paranoid personality disorder" (F60.0) nor "not paranoid". Fix tms63 (recheck K68a 7):
  "paranoid" alone is read only beside a psychotic context word, so e_paranoid offers TMS now.
- Finding 6 (minor): "steroid-induced manic sx" as a reason gave the bipolar review; a named
  medical or substance cause is not read (bipolar_reason_causes.csv); an antidepressant is no
  listed cause ("manic sx on venlafaxine" stays read).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "tms62_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPTIMISE = "optimize-switch-augment"
_PSYCHOTIC = "Psychotic features"
_SCREEN = "TMS safety screen required"

# Metal in the head held: TMS not offered, no suicide-risk card.
METAL_HELD = {
    "h_shrapnel_removed_2010_metal_in_skull": "fixed",
    "h_bullet_fragment_in_brain_removed_bullet_from_arm": "fixed",
    "h_foreign_body_eye_to_be_removed": "fixed",
    "h_fragment_removed_from_hand_retained_fragment_in_orbit": "fixed",
    "h_foreign_body_eye_needs_removal": "control",
}
# Said removed: TMS offered with the safety-screen line.
SCREENED = {
    "t_Corneal_foreign_body_2015_removed": "control",
    "t_metal_fragment_removed_from_right_eye": "control",
}
# TMS held with the psychotic-features headline.
PSYCHOTIC_HELD = {
    "e_hallucinating": "fixed",
    "e_eval_for_psychosis": "control",
    "e_r_o_psychosis": "control",
    "e_psychosis_since_2015": "control",
    "e_psychosis_in_brother_pt_also": "control",
    "e_psychosis_per_mother": "control",
}
# TMS offered, no psychotic headline.
NOT_PSYCHOTIC = {
    "e_drug_induced_psychosis_2015": "fixed",
    "e_psychosis_in_brother": "fixed",
    "e_paranoid_personality_disorder": "control",
    "e_not_paranoid": "control",
    # Changed by fix tms63 (recheck K68a finding 7): "paranoid" alone names no psychosis.
    "e_paranoid": "fixed",
}


# Finding 6: the bipolar review (TMS held) or not.
BIPOLAR_REVIEW = {
    "e_manic_sx_on_venlafaxine": "control",
    "e_bipolar_disorder_steroid_induced_mania": "control",
}
NO_BIPOLAR_REVIEW = {"e_steroid_induced_manic_sx": "fixed"}


def _bipolar_review(cards: dict[str, object]) -> bool:
    review = cards.get("diagnosis-review")
    return isinstance(review, dict) and "bipolar" in review.get("summary", "")


def _psychotic_headline(cards: dict[str, object]) -> bool:
    optimise = cards.get(_OPTIMISE)
    return isinstance(optimise, dict) and _PSYCHOTIC in optimise.get("detail", "")


@pytest.mark.parametrize("name", sorted(METAL_HELD))
def test_metal_in_the_head_not_said_removed_holds_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name


@pytest.mark.parametrize("name", sorted(SCREENED))
def test_head_metal_said_removed_is_screened(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS in cards, name
    assert _SCREEN in cards[chart_files.TMS]["detail"], name


@pytest.mark.parametrize("name", sorted(PSYCHOTIC_HELD))
def test_current_or_suspected_psychotic_features_hold_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert chart_files.RISK not in cards, name
    assert _psychotic_headline(cards), name


@pytest.mark.parametrize("name", sorted(NOT_PSYCHOTIC))
def test_past_relative_or_other_words_offer_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS in cards, name
    assert not _psychotic_headline(cards), name


@pytest.mark.parametrize("name", sorted(BIPOLAR_REVIEW))
def test_mania_with_no_other_named_cause_is_reviewed(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert _bipolar_review(cards), name


@pytest.mark.parametrize("name", sorted(NO_BIPOLAR_REVIEW))
def test_mania_with_a_named_cause_is_not_bipolar(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS in cards, name
    assert not _bipolar_review(cards), name


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(
        _FOLDER,
        METAL_HELD,
        SCREENED,
        PSYCHOTIC_HELD,
        NOT_PSYCHOTIC,
        BIPOLAR_REVIEW,
        NO_BIPOLAR_REVIEW,
    )
