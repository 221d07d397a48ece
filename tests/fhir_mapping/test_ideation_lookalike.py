"""Ideation words that mean something else (session 31 fix forms36): a living arrangement and
counselling on a lethal dose are no suicidal ideation; a wish not to live and a search for a
lethal dose stay ideation (ideation_lookalike.py through diagnosis_text.text_kinds)."""

from __future__ import annotations

import pytest

from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.record import FindingKind
from fhir_mapping.self_harm_sib import as_sibling
from fhir_mapping.text_negation import normalise_text

SI = FindingKind.SUICIDAL_IDEATION


@pytest.mark.parametrize(
    "text",
    [
        "Doesn't want to live with her mother",
        "Does not want to live with his parents",
        "doesnt want to live with roommate",
        "Does not want to live alone",
        "Doesn't want to live there anymore",
        "Lethal dose of lithium discussed with pharmacist",
        "Educated on lethal dose of lithium; handout given",
    ],
)
def test_other_meanings(text: str) -> None:
    assert SI not in text_kinds(text)


@pytest.mark.parametrize(
    "text",
    [
        "Doesn't want to live",
        "Doesn't want to live anymore",
        "Doesn't want to live like this",
        "Doesn't want to live with this pain anymore",
        "Doesn't want to live without her husband",
        "Doesn't want to live with her mother; wants to die",
        "Googled lethal dose of tylenol",
        "Pt asked about lethal dose of lithium, discussed with pharmacist",
        "Lethal dose discussed. Pt googled lethal dose of lithium",
    ],
)
def test_ideation_stays(text: str) -> None:
    assert SI in text_kinds(text)


@pytest.mark.parametrize(
    "text",
    ["Pt also has a sib with SI", "Pt's older sib with SI", "her younger sib with depression"],
)
def test_a_sib_with_a_lead_is_a_sibling(text: str) -> None:
    assert "sibling" in as_sibling(normalise_text(text))


@pytest.mark.parametrize("text", ["SIB with SI", "Increased SIB with SI/HI", "her SIB with SI"])
def test_sib_with_si_is_the_act(text: str) -> None:
    assert "sibling" not in as_sibling(normalise_text(text))
