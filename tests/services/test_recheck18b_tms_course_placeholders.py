"""Recheck 18b W1, W2: a TMS contraindication coded while a course runs, and a placeholder in a
drug's name.

- W1 (s06b): a TMS course in week 5 and epilepsy (G40.909) dated the day before: the tms-course
  card names it, with code, date and resource, as a TMS contraindication (LCD L34998/L37086) to
  review before the next session, and is a warning (it was an info card about the PHQ-9 only).
  Control (s06, no epilepsy): the info card, no such line.
- W2 (u02): escitalopram coded RxNorm 999999 (no table holds it) with the display "Medication":
  a placeholder names no drug, so the records are "not identified" and the MAOI washout check at a
  phenelzine draft is said to be incomplete (before: read as a named drug off the pathway, no
  card). Each placeholder of data/placeholder_drug_names.csv is one; a display that names a drug
  (atorvastatin, m07e in review18a_charts) still reads as off the pathway.

Charts: tests/services/recheck18b_charts/ (CDS Hooks requests with every prefetch key).
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.terminology import names_a_drug
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck18b_charts"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_cards = _at.cards


def _topic(cards: list[Doc], topic: str) -> Doc | None:
    return next((c for c in cards if c["source"]["topic"]["code"] == topic), None)


# --- W1: a TMS contraindication during a course -------------------------------------------------


def test_epilepsy_coded_during_a_tms_course_is_said_on_the_course_card_as_a_warning() -> None:
    card = _topic(_cards(_chart("s06b_tms_course_epilepsy_coded_during")), "tms-course")
    assert card is not None
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "TMS course: a seizure disorder dated 2025-06-01 during the course: TMS "
        "contraindication; review before the next session"
    )
    assert (
        "**TMS contraindication dated during the course:** Epilepsy, unspecified, not "
        "intractable, without status epilepticus (G40.909, since 2025-06-01)"
        "" in card["detail"]
    )
    assert "LCD L34998/L37086" in card["detail"]
    assert "review with the TMS service before the next session" in card["detail"]
    # The PHQ-9 due line and its suggestion stay.
    assert "**PHQ-9 due:**" in card["detail"]
    assert [s["label"] for s in card["suggestions"]] == ["Ask for a PHQ-9"]


def test_a_tms_course_without_a_contraindication_stays_an_info_card() -> None:
    card = _topic(_cards(_chart("s06_tms_course_running")), "tms-course")
    assert card is not None
    assert card["indicator"] == "info"
    assert "contraindication" not in card["detail"].lower()
    assert card["summary"].startswith("TMS course since 2025-04-28 (week 5, 24 sessions)")


def test_a_contraindication_alone_brings_the_course_card() -> None:
    """Scales up to date and before the response check: the card had nothing to say; a seizure
    disorder on record is enough for it."""
    doc = _chart("s06b_tms_course_epilepsy_coded_during")
    # Only the first two weeks of sessions: before the week-4 response check, and a PHQ-9 now.
    entries = doc["prefetch"]["procedures"]["entry"]
    doc["prefetch"]["procedures"]["entry"] = [
        e
        for e in entries
        if not e["resource"]["id"].startswith("rc18b-course-")
        or int(e["resource"]["id"].rsplit("-", 1)[1]) >= 14
    ]
    cards = _cards(doc)
    card = _topic(cards, "tms-course")
    assert card is not None, [c["summary"] for c in cards]
    assert card["indicator"] == "warning"
    assert "**TMS contraindication dated during the course:**" in card["detail"]


# --- W2: a placeholder in the drug's name --------------------------------------------------------


def _placeholders() -> list[str]:
    text = resources.files("fhir_mapping").joinpath("data/placeholder_drug_names.csv")
    return [row["text"] for row in csv.DictReader(text.read_text("utf-8").splitlines())]


def test_every_placeholder_row_has_a_source_and_a_status() -> None:
    text = resources.files("fhir_mapping").joinpath("data/placeholder_drug_names.csv")
    for row in csv.DictReader(text.read_text("utf-8").splitlines()):
        assert row["source"].strip(), row
        assert row["status"] in {"confirmed", "corroborated", "UNVERIFIED"}, row


@pytest.mark.parametrize(
    "words",
    ["Medication", "Unknown medication", "See instructions", "MED", "Drug", "Miscellaneous"]
    + ["Patient supplied", "Other", "  medication ", "[Medication]", "Other:"],
)
def test_a_placeholder_display_or_text_names_no_drug(words: str) -> None:
    assert not names_a_drug({"coding": [{"system": RXNORM, "code": "999999", "display": words}]})
    assert not names_a_drug({"text": words, "coding": [{"system": RXNORM, "code": "999999"}]})


def test_every_table_placeholder_names_no_drug() -> None:
    for words in _placeholders():
        assert not names_a_drug({"text": words}), words


@pytest.mark.parametrize(
    "words", ["atorvastatin 20 MG", "Medication: lisinopril", "Other antidepressant: Lexapro"]
)
def test_a_display_that_names_a_drug_is_still_a_name(words: str) -> None:
    assert names_a_drug({"coding": [{"system": RXNORM, "code": "999999", "display": words}]})


@pytest.mark.parametrize("placeholder", ["Medication", "Unknown medication", "See instructions"])
def test_a_placeholder_named_running_drug_makes_the_maoi_check_incomplete(
    placeholder: str,
) -> None:
    doc = _chart("u02_unknown_code_placeholder_display_draft_phenelzine")
    for resource in chart_files.prefetch_resources(doc):
        for coding in (resource.get("medicationCodeableConcept") or {}).get("coding", []):
            if coding.get("code") == "999999":
                coding["display"] = placeholder
    cards = _cards(doc)
    card = _topic(cards, "data-quality")
    assert card is not None, [c["summary"] for c in cards]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "1 medication order and its 5 fills could not be identified: the MAOI washout and interaction checks "
        "could not include them"
    )
    assert "(RxNorm 999999)" in card["detail"]


def test_a_placeholder_reference_display_names_no_drug() -> None:
    """A medicationReference whose only name is its display "Medication" (no Medication
    resource in the prefetch) is not identified either: the MAOI check says so."""
    doc = _chart("u02_unknown_code_placeholder_display_draft_phenelzine")
    for resource in chart_files.prefetch_resources(doc):
        if "medicationCodeableConcept" in resource and resource.get("status") != "draft":
            codings = resource["medicationCodeableConcept"].get("coding", [])
            if any(c.get("code") == "999999" for c in codings):
                del resource["medicationCodeableConcept"]
                resource["medicationReference"] = {"display": "Medication"}
    cards = _cards(doc)
    card = _topic(cards, "data-quality")
    assert card is not None, [c["summary"] for c in cards]
    assert card["indicator"] == "critical"


@pytest.mark.parametrize(
    "words",
    ["NON-FORMULARY MEDICATION", "Patient's own medication", "Home med"]
    + ["Medication (see comments)", "Outside medication", "OTC med"],
)
def test_a_text_of_placeholder_words_only_names_no_drug(words: str) -> None:
    # Recheck 18c U1: each interface invents its own fill-in; made only of placeholder words
    # (data/placeholder_drug_words.csv), it names no drug.
    assert not names_a_drug({"text": words, "coding": [{"system": RXNORM, "code": "999999"}]})


@pytest.mark.parametrize("words", ["Home", "Drug Store", "Other medication 5 mg"])
def test_a_text_without_a_core_placeholder_word_or_with_a_strength_is_a_name(words: str) -> None:
    assert names_a_drug({"text": words, "coding": [{"system": RXNORM, "code": "999999"}]})


def test_an_epic_id_only_running_drug_named_non_formulary_makes_the_maoi_check_incomplete() -> None:
    # Recheck 18c U1 (w02): escitalopram running, coded by an Epic medication id only, its text
    # "NON-FORMULARY MEDICATION"; phenelzine drafted: no card at all before.
    cards = _cards(_chart("w02_epic_id_nonformulary_text_draft_phenelzine"))
    card = _topic(cards, "data-quality")
    assert card is not None, [c["summary"] for c in cards]
    assert card["indicator"] == "critical"
    assert "the MAOI washout and interaction checks could not include them" in card["summary"]
