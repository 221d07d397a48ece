"""Review s23 RR2 findings 1, 2 and 7: a PHQ-9 item 9 answer whose LOINC answer code and words
disagree.

- Finding 1 (unsafe): a QuestionnaireResponse item 9 answered valueCoding LA6568-5 ("Not at
  all") with the display "Nearly every day" read 0: no suicide-risk card, and "augment
  (aripiprazole or brexpiprazole)" one click. The coding now goes through the rule Observation
  answers use (fhir_mapping/answer_concept.py): a disagreement is unread.
- Finding 2 (unsafe): under LA6568-5, a text naming another answer in other words ("Nearly
  everyday", "More than half of the days", "Daily thoughts", "several day", "Yes - passive SI")
  read 0. Under a LOINC answer code of 0, words that are not the code's own answer (forgiving
  case, punctuation, "everyday", the code's own number) are now a disagreement: unread, "could
  not be read: check it in the chart", adjuncts held. "0 - Not at all" still reads 0. Under a
  positive code other words keep its reading (its critical card; unread would lower it).
- Finding 7: LA6571-9 ("Nearly every day") with the text "Not at all difficult": the critical
  card naming both readings was not built (time); pinned here is the floor the brief asks for,
  the unread WARNING with the adjuncts held (before and after).

Charts: tests/services/rr2_item9_words_charts/ (the review's probes; every prefetch key, R4B).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.answer_concept import concept_answer
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
OPTIMISE = "optimize-switch-augment"
LOINC = "http://loinc.org"
UNREAD = "PHQ-9 item 9 answer on 2026-11-20 could not be read: check it in the chart"

_chart = chart_files.loader(Path(__file__).parent / "rr2_item9_words_charts")
_at = Evaluator(AS_OF)


def _assert_unread_and_held(doc: Doc) -> None:
    cards = _at.by_topic(doc)
    assert cards[SUICIDE]["summary"].startswith(UNREAD)
    assert cards[SUICIDE]["indicator"] in {"warning", "critical"}
    optimise = cards[OPTIMISE]
    assert optimise["summary"] == (
        "1 adequate trial failed (escitalopram): check PHQ-9 item 9 (not read) first, then switch to "
        "a non-SSRI mechanism or augment"
    )
    labels = [s["label"] for s in optimise.get("suggestions", [])]
    assert not [label for label in labels if "aripiprazole" in label or "brexpiprazole" in label]


@pytest.mark.parametrize(
    "name",
    [
        "qr_code0_display_nearly_every_day",  # finding 1 (QuestionnaireResponse valueCoding)
        "code0_text_nearly_everyday",  # finding 2: i4
        "code0_text_more_than_half_of_the_days",  # i5
        "code0_text_daily_thoughts",  # i6
        "code0_text_several_day",  # i11
        "code0_text_yes_passive_si",  # i12
        "code3_text_not_at_all_difficult",  # finding 7's floor: i13
    ],
)
def test_a_code_whose_words_say_something_else_is_unread_and_holds_the_adjuncts(
    name: str,
) -> None:
    """Before (all but i13): no suicide-risk card, "augment (aripiprazole or brexpiprazole)"."""
    _assert_unread_and_held(_chart(name))


def test_the_codes_own_words_with_its_number_still_read_zero() -> None:
    """i1: LA6568-5 with the text "0 - Not at all" reads 0: no card, the adjuncts offered."""
    cards = _at.by_topic(_chart("code0_text_0_not_at_all"))
    assert SUICIDE not in cards
    assert "aripiprazole or brexpiprazole" in cards[OPTIMISE]["summary"]


def _concept(code: str, display: str, text: str | None = None) -> Doc:
    concept: Doc = {"coding": [{"system": LOINC, "code": code, "display": display}]}
    if text is not None:
        concept["text"] = text
    return concept


@pytest.mark.parametrize(
    ("concept", "expected"),
    [
        # Other words under a LOINC answer code: unread (before: the code's reading).
        (_concept("LA6568-5", "Not at all", "Nearly everyday"), None),
        (_concept("LA6568-5", "Not at all", "More than half of the days"), None),
        (_concept("LA6568-5", "Not at all", "Yes - passive SI"), None),
        (_concept("LA6568-5", "Not at all", "Not at all (denies SI)"), None),  # the cost
        (_concept("LA6568-5", "Nearly every day"), None),  # a display of another answer
        (_concept("LA6571-9", "Nearly every day", "Not at all difficult"), None),
        # The code's own words, forgiving case, punctuation, "everyday" and its own number.
        (_concept("LA6568-5", "Not at all", "0 - Not at all"), 0),
        (_concept("LA6568-5", "NOT AT ALL.", "not at all"), 0),
        (_concept("LA6571-9", "Nearly every day", "Nearly everyday"), 3),
        (_concept("LA6571-9", "Nearly every day", "Nearly every day (3)"), 3),
        (_concept("LA6570-1", "More than half the days", "2"), 2),
        (_concept("LA6569-3", ""), 1),  # a blank display says nothing
        # A number that is not the code's own is no forgiveness.
        (_concept("LA6568-5", "Not at all", "1 - Not at all"), None),
        # Other words under a POSITIVE code keep its reading: the critical card, not a warning.
        (_concept("LA6571-9", "Nearly every day", "see flowsheet"), 3),
        (_concept("LA6569-3", "Several days", "Daily thoughts"), 1),
    ],
)
def test_under_a_loinc_code_only_its_own_words_agree(concept: Doc, expected: int | None) -> None:
    assert concept_answer(concept) == expected


def test_a_local_code_row_keeps_its_sites_words() -> None:
    """No LOINC answer code: a site's own list, read by its exact words as before."""
    local = "urn:oid:1.2.840.114350.1.13.0.1.7.4.698084.30"
    concept = {"coding": [{"system": local, "code": "3", "display": "Daily"}], "text": "Not at all"}
    assert concept_answer(concept) == 0
