"""services/cards.py and services/pathway.py after their split into modules of one idea each.

The rules, the order checks, the payer criteria, services/suggestions.py and the tests read these
names through cards.py and pathway.py: each stays there, as the very object its new module holds,
so no importer had to change and none reads a stale copy.
"""

from __future__ import annotations

import importlib

import pytest

from services import cards, pathway

# name -> the module that holds it since the split
CARDS_NAMES = {
    "SUMMARY_MAX": "card_format",
    "fmt_mg": "card_format",
    "fmt_weeks": "card_format",
    "fmt_pct": "card_format",
    "names": "card_format",
    "or_list": "card_format",
    "fit_summary": "card_format",
    "table": "card_format",
    "_cell": "card_format",
    "_table_row": "card_format",
    "PER_ADMINISTRATION": "trial_table",
    "dose_path": "trial_table",
    "adherence_text": "trial_table",
    "first_fill_text": "trial_table",
    "intolerance_text": "trial_table",
    "below_minimum": "trial_table",
    "unknown_dose_weeks": "trial_table",
    "possibly_adequate": "trial_table",
    "reason_text": "trial_table",
    "verdict_text": "trial_table",
    "trial_table": "trial_table",
    "phq9_text": "card_evidence",
    "SCORES_SHOWN": "card_evidence",
    "scores_section": "card_evidence",
    "staging_section": "card_evidence",
    "trial_key": "card_evidence",
    "trials_evidence": "card_evidence",
    "scores_evidence": "card_evidence",
    "linked_evidence": "card_evidence",
    "staging_evidence": "card_evidence",
    "evidence_sections": "card_evidence",
}

PATHWAY_NAMES = {
    "finding_line": "tms_assessment",
    "TmsAssessment": "tms_assessment",
    "in_episode": "episode_trials",
    "OPEN_REQUEST_STATUSES": "open_referrals",
    "VOID_REQUEST_STATUSES": "open_referrals",
    "ongoing_mood_stabiliser": "mood_stabilisers",
    "stabilisers_below_antimanic_dose": "mood_stabilisers",
}


@pytest.mark.parametrize(("name", "home"), sorted(CARDS_NAMES.items()))
def test_cards_keeps_each_moved_name_as_its_new_modules_object(name: str, home: str) -> None:
    moved = importlib.import_module(f"services.{home}")
    assert getattr(cards, name) is getattr(moved, name)


@pytest.mark.parametrize(("name", "home"), sorted(PATHWAY_NAMES.items()))
def test_pathway_keeps_each_moved_name_as_its_new_modules_object(name: str, home: str) -> None:
    moved = importlib.import_module(f"services.{home}")
    assert getattr(pathway, name) is getattr(moved, name)


def test_what_stayed_is_still_defined_where_it_was() -> None:
    # The card assembly and the facts themselves did not move.
    for name in ("make", "ordered", "guideline_links", "join_sections", "source_for"):
        assert getattr(cards, name).__module__ == "services.cards"
    for name in ("derive_facts", "PathwayFacts"):
        assert getattr(pathway, name).__module__ == "services.pathway"
    # The diagnosis reading moved to services/mdd_diagnosis.py; pathway re-exports it.
    assert pathway.qualifies_as_mdd.__module__ == "services.mdd_diagnosis"
    assert cards._source_links_as_names.__module__ == "services.cards"
