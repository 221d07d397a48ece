"""Review s23 RR findings 2 (unsafe) and 9 (minor): PHQ-9 item 9 answers that disagree.

- Finding 2, a coded answer whose text names another answer: LA6568-5 ("Not at all") with the
  text "3" (c1b) or "Nearly every day (3)" (h7) read 0: no suicide-risk card, and aripiprazole
  and brexpiprazole one click. Now unread (answer_concept._named_in), as the text "Nearly every
  day" (c1) already was: "could not be read: check it in the chart", the adjuncts held.
- Finding 2, a readable 0 beside an unreadable answer of the same day (h6, "yes, daily"): the 0
  won and no card came. Now the unreadable answer stays (fhir_mapping/item9_unread.py): only a
  readable answer dated strictly after its day clears it.
- Finding 9 (f1): a month-only item 9 = 0 beside a total was said "item 9 not recorded"; it is
  now named as on record but not paired with the total (the hold stays: it may predate it).
- Finding 9 (h2): an item 9 timed 2026-12-02T01:00+13:00 said "on 2026-12-01". Not wrong: with
  no site zone an instant is compared by its UTC day (fhir_fields.day_by_instant, review s23 RT
  finding 4; the instant is 2026-12-01T12:00Z, already past by as-of 2026-12-01); with the
  site's zone set it is the site's day. Pinned both ways.

Charts: tests/services/rr23_item9_charts/ (from the review's probes; Epic-shaped, every
prefetch key, valid R4B).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from fhir_mapping.answer_concept import concept_answer
from fhir_mapping.policy import MappingPolicy
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
OPTIMISE = "optimize-switch-augment"
LOINC = "http://loinc.org"
LOCAL = "urn:oid:1.2.840.114350.1.13.0.1.7.4.698084.30"
UNREAD = "PHQ-9 item 9 answer on 2026-11-20 could not be read"

_chart = chart_files.loader(Path(__file__).parent / "rr23_item9_charts")
_at = Evaluator(AS_OF)


def _concept(code: str | None, display: str = "", text: str | None = None) -> Doc:
    concept: Doc = {}
    if code is not None:
        concept["coding"] = [{"system": LOINC, "code": code, "display": display}]
    if text is not None:
        concept["text"] = text
    return concept


@pytest.mark.parametrize(
    ("concept", "expected"),
    [
        # Before: 0 for each of these four (only an exact answer text was set against the code).
        (_concept("LA6568-5", "Not at all", "3"), None),
        (_concept("LA6568-5", "Not at all", "Nearly every day (3)"), None),
        (_concept("LA6571-9", "Nearly every day", "0"), None),  # the other way round
        (_concept("LA6571-9", "Nearly every day", "Not at all (0)"), None),
        (_concept("LA6568-5", "Not at all (2)"), None),  # a display naming another answer
        # Agreeing mentions, and words that name no answer, leave the code's reading.
        (_concept("LA6568-5", "Not at all", "Not at all (0)"), 0),
        (_concept("LA6571-9", "Nearly every day", "3-Nearly every day"), 3),
        # Review s23 RR2 finding 2: under a LOINC answer code, any words that are not the
        # code's own are a disagreement now (the cost: a look at the chart), these two included.
        (_concept("LA6568-5", "Not at all", "see flowsheet"), None),
        (_concept("LA6568-5", "Not at all", "reviewed 12/1"), None),
        # A mention is never a reading on its own.
        (_concept(None, text="Nearly every day (3)"), None),
    ],
)
def test_a_text_naming_another_answer_unreads_the_code(concept: Doc, expected: int | None) -> None:
    assert concept_answer(concept) == expected


def test_a_local_code_stays_no_disagreement() -> None:
    """Sites number their lists differently: a local code "1" is still no reading to disagree."""
    concept = {"coding": [{"system": LOCAL, "code": "1", "display": ""}], "text": "Not at all"}
    assert concept_answer(concept) == 0


def _assert_unread_and_held(doc: Doc) -> dict[str, Doc]:
    cards = _at.by_topic(doc)
    assert cards[SUICIDE]["summary"].startswith(UNREAD)
    optimise = cards[OPTIMISE]
    assert optimise["summary"] == (
        "1 adequate trial failed (escitalopram): check PHQ-9 item 9 (not read) first, then switch to "
        "a non-SSRI mechanism or augment"
    )
    labels = [s["label"] for s in optimise.get("suggestions", [])]
    assert not [label for label in labels if "aripiprazole" in label or "brexpiprazole" in label]
    return cards


@pytest.mark.parametrize(
    "name",
    [
        "code0_text_digit3",  # c1b: before, no card and "augment (aripiprazole or brexpiprazole)"
        "code0_text_nearly_every_day_3",  # h7: the same
        "code0_text_nearly_every_day",  # c1: the control, already unread
    ],
)
def test_a_coded_zero_with_a_text_of_three_is_unread(name: str) -> None:
    _assert_unread_and_held(_chart(name))


def test_a_zero_does_not_settle_an_unreadable_answer_of_the_same_day() -> None:
    """h6: item 9 = 0 and "yes, daily" on 2026-11-20. Before: no suicide-risk card, adjuncts
    one click."""
    cards = _assert_unread_and_held(_chart("zero_and_unreadable_same_day"))
    detail = cards[SUICIDE]["detail"]
    assert "beside an answer of 0 the same day that does not settle it" in detail
    assert "dated after that day" in detail


def _item9_zero(doc: Doc) -> Doc:
    for entry in doc["prefetch"]["observations"]["entry"]:
        resource = entry["resource"]
        if resource["code"]["coding"][0]["code"] == "44260-8" and "valueQuantity" in resource:
            return resource
    raise AssertionError("no item 9 = 0")


def test_a_readable_zero_dated_the_next_day_clears_it() -> None:
    """The rule's other side: a readable 0 dated after the unreadable answer's day clears it."""
    doc = _chart("zero_and_unreadable_same_day")
    _item9_zero(doc)["effectiveDateTime"] = "2026-11-21T10:00:00-05:00"
    cards = _at.by_topic(doc)
    assert SUICIDE not in cards
    assert "adjuncts held" not in cards[OPTIMISE]["summary"]


def test_a_later_zero_still_clears_an_old_unreadable_answer() -> None:
    """h3 (control): unreadable 2025-12-05, item 9 = 0 on 2026-06-01: no unread card."""
    cards = _at.by_topic(_chart("unreadable_then_zero_later"))
    assert SUICIDE not in cards


def test_a_month_only_zero_does_not_clear_an_unreadable_answer_of_that_month() -> None:
    """h8 (control): unreadable on 2026-11-15, item 9 = 0 in "2026-11": it may be the 1st."""
    cards = _at.by_topic(_chart("unreadable_mid_month_then_month_only_zero"))
    assert "could not be read" in cards[SUICIDE]["summary"]


def test_a_month_only_item9_is_named_not_called_unrecorded() -> None:
    """f1: before, "**PHQ-9 item 9 not recorded:** the latest PHQ-9 (19 on 2026-11-20) is a
    total only". The hold stays (the 0 may be from before the total)."""
    optimise = _at.by_topic(_chart("month_only_item9_zero"))[OPTIMISE]
    assert (
        ": ask PHQ-9 item 9 (not paired with the total) first, then switch" in optimise["summary"]
    )
    assert "not recorded" not in optimise["detail"]
    assert (
        "**PHQ-9 item 9 not paired with the total:** the latest PHQ-9 (19 on 2026-11-20) is a "
        "total only, and the item 9 on record, 0 dated 2026-11 (month only), has no day to pair "
        "it with that total"
    ) in optimise["detail"]
    assert not [s for s in optimise.get("suggestions", []) if "aripiprazole" in s["label"]]


def test_an_item9_in_a_far_offset_is_read_by_the_instant_without_a_site_zone() -> None:
    """h2: 2026-12-02T01:00+13:00 is 2026-12-01T12:00Z. With no site zone it is compared by the
    instant (review s23 RT finding 4: as written it was "after today"); with the site's zone it
    is the site's day. Working as designed: not changed."""
    doc = _chart("item9_3_plus13_offset")
    plain = _at.by_topic(doc)[SUICIDE]["summary"]
    assert plain.startswith("PHQ-9 item 9 = 3 (nearly every day) on 2026-12-01:")
    auckland = Policy(mapping=MappingPolicy(site_zone=ZoneInfo("Pacific/Auckland")))
    there = _at.by_topic(doc, as_of=date(2026, 12, 2), policy=auckland)[SUICIDE]["summary"]
    assert there.startswith("PHQ-9 item 9 = 3 (nearly every day) on 2026-12-02:")
