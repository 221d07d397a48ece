"""Session 42 fix psy64: psychosis and bipolar readings of a visit reason left by session 41.

- Finding 1: "r/o psychosis", "eval for psychosis", "rule out psychotic features" held TMS under
  the headline "Psychotic features: ...": a question, not a finding. TMS stays held; the optimise
  card says "Possible psychotic features ...: assess before TMS / antipsychotic augmentation".
- Finding 2: a dated past episode followed by a denial now ("psychosis 2015, no current
  symptoms", "Hx psychosis 2015, currently none") was held as current; it is past now.
  "psychosis 2015, now recurring" and "Hx psychosis, current AH" stay held.
- Finding 3: "Manic Panic" (a hair dye) and "manic episode 2010 on steroids" gave the bipolar
  review; "manic episode 2010" (no cause) still does.
- Finding 4: "CAH to harm self" gave the suicide-risk card but no psychotic features; "CAH" alone
  (congenital adrenal hyperplasia) stays unread.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "psy64_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))
_OPTIMISE = "optimize-switch-augment"
_POSSIBLE = "Possible psychotic features"

# Finding 1: held, headline "Possible psychotic features".
POSSIBLE = {
    "e_r_o_psychosis": "fixed",
    "e_eval_for_psychosis": "fixed",
    "e_rule_out_psychotic_features": "fixed",
}
# TMS held with the psychotic headline (not "possible").
PSYCHOTIC_HELD = {
    "e_Psychosis": "control",
    "e_psychosis_2015_now_recurring": "control",
    "e_Hx_psychosis_current_AH": "control",
    "e_command_AH": "control",
}
# Finding 2: past, TMS offered.
PAST = {
    "e_psychosis_2015_no_current_symptoms": "fixed",
    "e_Hx_psychosis_2015_currently_none": "fixed",
    "e_psychotic_episode_2015_no_AH_VH_now": "control",
}
# Finding 3.
NO_BIPOLAR_REVIEW = {
    "e_pt_reports_manic_panic_hair_dye": "fixed",
    "e_Manic_Panic": "fixed",
    "e_manic_episode_2010_on_steroids": "fixed",
    "e_steroid_induced_mania_2010": "control",
    "e_CAH": "control",
}
BIPOLAR_REVIEW = {"e_manic_episode_2010": "control"}
# Finding 4: critical, no TMS, psychotic features.
COMMAND = {"e_CAH_to_harm_self": "fixed"}


def _summary(cards: dict[str, Any], topic: str) -> str:
    card = cards.get(topic)
    return str(card["summary"]) if isinstance(card, dict) else ""


def _psychotic(cards: dict[str, Any]) -> bool:
    return "Psychotic features" in str((cards.get(_OPTIMISE) or {}).get("detail", ""))


@pytest.mark.parametrize("name", sorted(POSSIBLE))
def test_psychosis_to_rule_out_is_possible_and_held(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert _summary(cards, _OPTIMISE).startswith(_POSSIBLE), name
    assert "assess before TMS" in _summary(cards, _OPTIMISE), name


@pytest.mark.parametrize("name", sorted(POSSIBLE))
def test_possible_psychosis_proposes_no_regimen_orders(name: str) -> None:
    # Lead fix after psy64: the STOP-PD regimen and the ECT referral were one click beside
    # "assess before ... antipsychotic augmentation"; the card names why none is proposed.
    card = _cards(name)[_OPTIMISE]
    assert not card.get("suggestions"), name
    assert "Not proposed as orders yet" in card["detail"], name


def test_found_psychosis_still_proposes_the_regimen() -> None:
    labels = [s["label"] for s in _cards("e_Psychosis")[_OPTIMISE].get("suggestions", [])]
    assert any(label.startswith("Add olanzapine") for label in labels), labels
    assert "Refer for ECT evaluation" in labels, labels


@pytest.mark.parametrize("name", sorted(PSYCHOTIC_HELD))
def test_current_psychotic_features_hold_tms(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert _summary(cards, _OPTIMISE).startswith("Psychotic features"), name


@pytest.mark.parametrize("name", sorted(PAST))
def test_dated_episode_denied_now_is_past(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    assert not _psychotic(cards), name


@pytest.mark.parametrize("name", sorted(NO_BIPOLAR_REVIEW))
def test_no_mania_or_caused_mania_offers_tms(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_quiet_with_tms(cards, name)
    assert "bipolar" not in _summary(cards, "diagnosis-review"), name


@pytest.mark.parametrize("name", sorted(BIPOLAR_REVIEW))
def test_mania_without_cause_is_reviewed(name: str) -> None:
    cards = _cards(name)
    assert chart_files.TMS not in cards, name
    assert "bipolar" in _summary(cards, "diagnosis-review"), name


@pytest.mark.parametrize("name", sorted(COMMAND))
def test_command_hallucination_is_critical_and_psychotic(name: str) -> None:
    cards = _cards(name)
    chart_files.assert_critical_without_tms(cards, name)
    assert _psychotic(cards), name


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(
        _FOLDER, POSSIBLE, PSYCHOTIC_HELD, PAST, NO_BIPOLAR_REVIEW, BIPOLAR_REVIEW, COMMAND
    )
