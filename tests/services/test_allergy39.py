"""Fix allergy39 (s32): "signs of" and "risk reviewed" in an allergy note hid a severe reaction
that happened (K30b reviewer charts, as of 2026-12-01).

A sertraline entry, manifestation "Reaction", criticality unable-to-assess, whose note or
description records the severe reaction: "Signs of anaphylaxis within 10 min of first dose, epi
given" (a3_signs_anaph), "Developed signs of serotonin syndrome, admitted to ICU" (a2_signs),
"Stevens Johnson syndrome 2021 - risk reviewed with pt, never rechallenge" (a4_sjs_risk_rev).
Each gave a sertraline order only the warning "documented allergy: Reaction" and chart open
with sertraline running no allergy card (the `not-a-reaction` rows "signs of" and "risk
reviewed" read the sentence as counselling). Now critical at both hooks, like the controls
a1_ctrl, a2_ctrl, a4_sjs_ctrl. "Signs of X" is counselling only beside a counselling word
("reviewed", "explained", "to watch for"); a sentence that tells of the reaction happening
(treatment given, an admission, "within 10 min", "developed") is a reaction whatever counselling
it holds; counselling after a dated or separated reaction ("anaphylaxis 2019, patient educated
to carry EpiPen") does not undo it.

Charts: tests/services/allergy39_charts/ (`_os` order-sign with a sertraline draft, `_pv`
patient-view with sertraline running; 19 prefetch keys).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.reaction_context import not_this_reaction
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_cards = chart_files.topic_reader(Path(__file__).parent / "allergy39_charts", date(2026, 12, 1))
NOT_TOLERATED = "order-not-tolerated"
RUNNING = "running-drug-allergy"
HAPPENED = ["a3_signs_anaph", "a2_signs", "a4_sjs_risk_rev"]
CONTROLS = ["a1_ctrl", "a2_ctrl", "a4_sjs_ctrl", "a1_educ", "a5_counsel"]


@pytest.mark.parametrize("name", HAPPENED + CONTROLS)
def test_a_severe_reaction_that_happened_is_critical_at_both_hooks(name: str) -> None:
    card = _cards(f"{name}_os").get(NOT_TOLERATED)
    assert card is not None and card["indicator"] == "critical"
    card = _cards(f"{name}_pv").get(RUNNING)
    assert card is not None and card["indicator"] == "critical"


@pytest.mark.parametrize(
    ("text", "word", "excluded"),
    [
        # A reaction that happened: treatment, admission, a time, "developed", a dated reaction.
        ("signs of anaphylaxis within 10 min of first dose, epi given", "anaphylaxis", False),
        ("developed signs of serotonin syndrome, admitted to icu", "serotonin syndrome", False),
        ("signs of anaphylaxis", "anaphylaxis", False),
        (
            "stevens johnson syndrome 2021 - risk reviewed with pt, never rechallenge",
            "stevens johnson syndrome",
            False,
        ),
        ("anaphylaxis 2019, patient educated to carry epipen", "anaphylaxis", False),
        ("anaphylaxis, patient educated to carry epipen", "anaphylaxis", False),
        ("counselled on signs of anaphylaxis, epi given", "anaphylaxis", False),
        # Counselling.
        ("signs of anaphylaxis reviewed with patient", "anaphylaxis", True),
        ("signs of anaphylaxis explained", "anaphylaxis", True),
        ("signs of serotonin syndrome to watch for", "serotonin syndrome", True),
        ("counselled on signs of anaphylaxis", "anaphylaxis", True),
        ("pt educated re: stevens johnson syndrome risk", "stevens johnson syndrome", True),
        ("anaphylaxis risk reviewed with patient", "anaphylaxis", True),
        ("patient counselled about angioedema", "angioedema", True),
        ("lowers seizure threshold", "seizure", True),
        # Another substance stays another substance, whatever happened.
        ("also allergic to penicillin (anaphylaxis), epi given", "anaphylaxis", True),
    ],
)
def test_counselling_reads_only_what_was_not_a_reaction(
    text: str, word: str, excluded: bool
) -> None:
    start = text.index(word)
    assert not_this_reaction(text, start, start + len(word)) is excluded
