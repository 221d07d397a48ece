"""Review s23 RO findings 5-7 (Oracle Health / Cerner shapes), on the reviewer's probe charts.

- Finding 5 (phq9_total_concept_text): the newest PHQ-9 total sent as valueCodeableConcept
  `{"text": "21"}` (no coding) was a result not read, while the cards went on with the total
  before it ("last PHQ-9 16 on 2026-06-01", "no PHQ-9 total in 183 days"). A concept with no
  coding whose text is digits is now read as a valueString of digits is (score_values.py), for a
  total and for an item answer alike; a number beside a local answer code is still not read.
- Finding 6 (mdd_note_hypomania): F33.1 with the note "Hypomanic episode on sertraline 2025-04"
  was read as unipolar depression: an adjunct and a class switch offered with no caution. The
  note is now read with data/mania_reactions.csv's words and the negation reader
  (fhir_mapping/mania_notes.py): a bipolar-spectrum mention, named by the note's words.
- Finding 7 (item9_site_code_only): item 9 = 2 under a Millennium code only; the optimise card
  said "PHQ-9 item 9 not recorded" while its own data-not-read line said a PHQ-9 result could not
  be read. It now says "not recognised" and why (services/item9_unrecorded.py).

Charts: tests/services/oracle23_charts/ (the review s23 RO charts o23, o20, o24c, o24, renamed).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import FindingKind
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic, drug_orders, labels

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
AS_OF = date(2026, 12, 1)
OPTIMISE = "optimize-switch-augment"
MBC = "measurement-based-care"
TMS = "tms-referral"
SUICIDE = "suicide-risk"
DIAGNOSIS = "diagnosis-review"
ITEM9 = "44260-8"

_chart = chart_files.loader(Path(__file__).parent / "oracle23_charts")
_at = Evaluator(AS_OF)


# --- finding 5: a PHQ-9 total or item answer as a concept's text ----------------------------


def test_total_sent_as_concept_text_is_read_as_the_latest_phq9() -> None:
    cards, record = _at.cards_and_record(_chart("phq9_total_concept_text"))
    latest = record.latest_phq9()
    assert latest is not None and (latest.value, latest.date) == (21, date(2026, 11, 16))
    topics = by_topic(cards)
    # Read as the latest PHQ-9: its 21 is the severity quoted; a total with no item 9 holds the
    # referral until item 9 is asked, as it holds the adjuncts (review s24 RA finding 1).
    assert "PHQ-9 21: ask item 9 first, then consider TMS referral" in topics[TMS]["summary"]
    assert MBC not in topics  # was "no PHQ-9 total in 183 days"
    for card in cards:
        assert "last PHQ-9 16" not in card["summary"]
        assert "could not be read" not in card["detail"]


def _item9_answer(doc: Doc, value: Doc) -> Doc:
    """The chart with its item-9 row (LOINC 44260-8 beside a Millennium code) answered `value`."""
    for entry in doc["prefetch"]["observations"]["entry"]:
        resource = entry["resource"]
        if any(c.get("code") == ITEM9 for c in resource["code"].get("coding", [])):
            resource.pop("valueCodeableConcept", None)
            resource["valueCodeableConcept"] = value
            return doc
    raise AssertionError("no item-9 row")


@pytest.mark.parametrize("text", ["2", " 2 "])
def test_item9_answer_sent_as_concept_text_digits_raises_the_risk_card(text: str) -> None:
    doc = _item9_answer(_chart("item9_loinc_row_local_answer"), {"text": text})
    topics = by_topic(_at.cards(doc))
    assert topics[SUICIDE]["indicator"] == "critical"
    assert topics[SUICIDE]["summary"].startswith("PHQ-9 item 9 = 2 (more than half the days)")
    assert drug_orders(topics[OPTIMISE]) == []


@pytest.mark.parametrize(
    "value",
    [
        # A number beside a local answer code: sites number their lists differently (some
        # from 1), so the number says nothing of the score (answer_concept.py).
        {
            "coding": [{"system": "https://fhir.cerner.com/x/nomenclature", "code": "4990134"}],
            "text": "2",
        },
        {"text": "7"},  # out of the item's range 0-3
        {"text": "2 of 3"},  # not digits only
    ],
)
def test_concept_text_not_read_when_coded_locally_or_not_an_answer(value: Doc) -> None:
    doc = _item9_answer(_chart("item9_loinc_row_local_answer"), value)
    _cards, record = _at.cards_and_record(doc)
    latest = record.latest_phq9()
    assert latest is not None and latest.item9 is None
    assert latest.item9_unread is not None  # unread, never "no answer"


# --- finding 6: hypomania in a Condition's note ---------------------------------------------


def _note(doc: Doc, text: str) -> Doc:
    for entry in doc["prefetch"]["conditions"]["entry"]:
        resource = entry["resource"]
        if resource.get("note"):
            resource["note"] = [{"text": text}]
            return doc
    raise AssertionError("no Condition note")


def test_hypomania_in_a_problem_note_is_a_bipolar_spectrum_mention() -> None:
    cards, record = _at.cards_and_record(_chart("mdd_note_hypomania"))
    (finding,) = record.context.of(FindingKind.BIPOLAR)
    assert finding.display == (
        "note on the problem (Major depressive disorder, recurrent episode, moderate): "
        '"Hypomanic episode on sertraline 2025-04"'
    )
    topics = by_topic(cards)
    assert topics[DIAGNOSIS]["summary"].startswith(
        "Before escalating: problem text mentions possible bipolar disorder, escitalopram "
        "without a mood stabiliser"
    )
    assert '"Hypomanic episode on sertraline 2025-04"' in topics[DIAGNOSIS]["detail"]
    # The unipolar pathway waits: no adjunct or switch, no TMS referral.
    assert OPTIMISE not in topics
    assert TMS not in topics


@pytest.mark.parametrize(
    "note",
    [
        "Denies hypomania; mood low.",
        "No history of mania or hypomania.",
        "Started sertraline; monitor for hypomania.",
        "Educated on signs of mania, return if any.",
        "Stop sertraline if hypomanic.",
    ],
)
def test_negated_or_instruction_notes_are_not_read(note: str) -> None:
    cards, record = _at.cards_and_record(_note(_chart("mdd_note_hypomania"), note))
    assert record.context.of(FindingKind.BIPOLAR) == ()
    topics = by_topic(cards)
    assert topics[OPTIMISE]["summary"].startswith("2 adequate trials failed")
    assert "bipolar" not in topics[OPTIMISE]["detail"].lower()


def test_note_dated_after_the_as_of_day_is_not_read() -> None:
    doc = _chart("mdd_note_hypomania")
    for entry in doc["prefetch"]["conditions"]["entry"]:
        for note in entry["resource"].get("note", []):
            note["time"] = "2027-01-05T10:00:00Z"
    _cards, record = _at.cards_and_record(doc)
    assert record.context.of(FindingKind.BIPOLAR) == ()


# --- finding 7: item 9 under a site code only -----------------------------------------------


def test_item9_under_a_site_code_is_not_recognised_not_not_recorded() -> None:
    topics = _at.by_topic(_chart("item9_site_code_only"))
    card = topics[OPTIMISE]
    assert card["summary"] == (
        "2 adequate trials failed (sertraline, escitalopram): ask PHQ-9 item 9 (not recognised) "
        "first, then augment or switch class"
    )
    assert card["detail"].startswith(
        "**PHQ-9 item 9 not recognised:** the latest PHQ-9 read (17 on 2026-10-15) is a total "
        "only, and 1 result named PHQ-9 from that day on could not be read (codes this service "
        "does not know; a site code can be configured): item 9 may be among them"
    )
    assert "not recorded" not in card["summary"] + card["detail"]
    # The hold is kept (the safer reading): no drug one click.
    assert drug_orders(card) == []
    assert labels(card) == []


def test_site_coded_result_older_than_the_total_leaves_not_recorded() -> None:
    """An unread PHQ-9-named result from before the latest total cannot be that total's item 9."""
    doc = _chart("item9_site_code_only")
    for entry in doc["prefetch"]["observations"]["entry"]:
        resource = entry["resource"]
        if resource["code"].get("text") == "Thoughts better off dead/hurting self":
            resource["effectiveDateTime"] = "2026-06-01T09:30:00-06:00"
    card = _at.by_topic(doc)[OPTIMISE]
    assert ": ask PHQ-9 item 9 (not recorded) first, then augment" in card["summary"]
