"""Fix allergy37 (s31): recheck K27b of the severe-reaction reading, charts as of 2026-12-01.

Sertraline allergy recorded 2023-03-20, sertraline taken again from 2026-11-14 (17 days).

1. Severe reactions as commonly charted were read as a rash ("Steven-Johnson syndrome",
   "Anaphylactoid reaction", "Tongue swelling"): a warning at order-sign, nothing at chart open.
   Now critical at both, as "Stevens-Johnson Syndrome" was (the control). Seizure, torsades / QT
   prolongation, liver failure and hypertensive crisis are read severe too (UNVERIFIED rows).
2. A reaction `severity` "severe" ("Eruption of skin") is a severe entry for every card.
3. A reaction's description and a note are read for the severe words, with the same negation
   and doubt handling as a manifestation.
4. A reaction charted with another capital keeps its case in the summary ("Stevens-Johnson
   Syndrome", not "stevens-Johnson Syndrome"); "unlikely" is no doubt (a doubt says nothing at
   chart open: the safer outcome is severe).

Charts: tests/services/allergy37_charts/ (K27b, all 19 prefetch keys; `_pv` are patient-view).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.allergy_classes import severe_reaction
from services.card_format import reaction_in_sentence
from tests.services import chart_files
from tests.services.helpers import Doc, Evaluator

pytestmark = pytest.mark.real_drug_table

DIR = Path(__file__).parent / "allergy37_charts"
CHARTS = sorted(p.stem for p in DIR.glob("*.json"))
_chart = chart_files.loader(DIR)
_at = Evaluator(date(2026, 12, 1))
NOT_TOLERATED = "order-not-tolerated"
RUNNING = "running-drug-allergy"
SEVERE = [
    "a37_anaphylactoid",
    "a37_steven_johnson",
    "a37_tongue_swelling",
    "a37_sjs_text_only",  # control: critical before this fix
    "a37_rash_severe",
    "a37_desc_anaph",
    "a37_desc_dress",
    "a37_note_anaph",
]


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_is_an_ehr_chart(name: str) -> None:
    chart_files.check_chart(_chart(name))


def _card(name: str, topic: str) -> Doc | None:
    return _at.by_topic(_chart(name)).get(topic)


@pytest.mark.parametrize("name", [*SEVERE, "a37_seizure"])
def test_order_sign_is_critical(name: str) -> None:
    card = _card(name, NOT_TOLERATED)
    assert card is not None and card["indicator"] == "critical"


@pytest.mark.parametrize("name", SEVERE)
def test_chart_open_is_critical(name: str) -> None:
    card = _card(f"{name}_pv", RUNNING)
    assert card is not None and card["indicator"] == "critical"


@pytest.mark.parametrize(
    ("name", "said"),
    [
        (
            "a37_sjs_text_only_pv",
            "Sertraline 100 mg/day running: Stevens-Johnson Syndrome recorded",
        ),
        (
            "a37_steven_johnson_pv",
            "Sertraline 100 mg/day running: Steven-Johnson syndrome recorded",
        ),
        ("a37_tongue_swelling_pv", "Sertraline 100 mg/day running: tongue swelling recorded"),
        (
            "a37_desc_anaph_pv",
            "Sertraline 100 mg/day running: Rash (Anaphylaxis) recorded",
        ),
        (
            "a37_desc_dress_pv",
            "Sertraline 100 mg/day running: Mild rash (DRESS syndrome) recorded",
        ),
    ],
)
def test_summary_keeps_the_charted_case(name: str, said: str) -> None:
    card = _card(name, RUNNING)
    assert card is not None and card["summary"].startswith(said)


def test_order_sign_names_the_description() -> None:
    card = _card("a37_desc_anaph", NOT_TOLERATED)
    assert card is not None and "Rash (Anaphylaxis)" in card["summary"]


def _manifestation(text: str) -> dict[str, Any]:
    return {"reaction": [{"manifestation": [{"text": text}]}]}


@pytest.mark.parametrize(
    ("text", "severe"),
    [
        ("Steven-Johnson syndrome", True),
        ("Stevens Johnson", True),
        ("Anaphylactoid reaction", True),
        ("Throat swelling", True),
        ("Swelling of the lips", True),
        ("Swollen tongue", True),
        ("Facial edema", True),
        ("Difficulty breathing", True),
        ("Seizures", True),
        ("Torsades de pointes", True),
        ("QT prolongation", True),
        ("Hepatic failure", True),
        ("Hypertensive crisis", True),
        ("Unlikely anaphylaxis", True),  # item 4: no doubt, the safer outcome
        # Controls: not severe.
        ("Eyelid swelling", False),
        ("Leg swelling", False),
        ("Swelling", False),
        ("No tongue swelling", False),
        ("Possible angioedema", False),
        ("Rash", False),
    ],
)
def test_severe_words_as_charted(text: str, severe: bool) -> None:
    assert severe_reaction(_manifestation(text)) is severe


@pytest.mark.parametrize(
    ("description", "severe"),
    [
        ("Anaphylaxis, required epinephrine", True),
        ("DRESS syndrome, hospitalized", True),
        ("SJS", True),  # the reaction's own words: abbreviations read
        ("no anaphylaxis", False),
        ("possible anaphylaxis", False),
        ("Rash only, not anaphylaxis", False),
    ],
)
def test_reaction_description(description: str, severe: bool) -> None:
    entry = {"reaction": [{"manifestation": [{"text": "Rash"}], "description": description}]}
    assert severe_reaction(entry) is severe


@pytest.mark.parametrize(
    ("note", "severe"),
    [
        ("Anaphylaxis after first dose", True),
        ("Throat swelling within an hour", True),
        ("No anaphylaxis", False),
        ("Possible anaphylaxis", False),
        ("Tolerated without anaphylaxis", False),
        # Abbreviations read in a note too (s32 allergy40, K31b: "SJS 2019" in a note was a
        # warning; s30 allergy33 had kept them out of notes).
        ("SJS", True),
    ],
)
def test_entry_and_reaction_notes(note: str, severe: bool) -> None:
    entry = {"note": [{"text": note}], "reaction": [{"manifestation": [{"text": "Rash"}]}]}
    assert severe_reaction(entry) is severe
    in_reaction = {"reaction": [{"manifestation": [{"text": "Rash"}], "note": [{"text": note}]}]}
    assert severe_reaction(in_reaction) is severe


@pytest.mark.parametrize(("severity", "severe"), [("severe", True), ("moderate", False)])
def test_reaction_severity(severity: str, severe: bool) -> None:
    entry = {"reaction": [{"manifestation": [{"text": "Eruption of skin"}], "severity": severity}]}
    assert severe_reaction(entry) is severe


@pytest.mark.parametrize(
    ("charted", "said"),
    [
        ("Anaphylaxis", "anaphylaxis"),
        ("Serotonin syndrome", "serotonin syndrome"),
        ("Stevens-Johnson Syndrome", "Stevens-Johnson Syndrome"),
        ("TEN", "TEN"),
        ("DRESS syndrome", "DRESS syndrome"),
    ],
)
def test_reaction_in_sentence(charted: str, said: str) -> None:
    assert reaction_in_sentence(charted) == said
