"""Review s22 RR2 findings 4, 5 and 9.

- Finding 4 (unsafe): a PHQ-9 item 9 row answered with a valueCodeableConcept whose parts name
  different answers was read by the first part that named one: a local coding "3" / "Nearly
  every day" with the text "Not at all" read 0 (no risk card); LOINC LA6568-5 ("Not at all")
  with the text "Nearly every day" read 0. Every coding's code and display and the text are now
  read (fhir_mapping/answer_concept.py); when they disagree the answer is unread, and the
  suicide-risk card says "could not be read: check it in the chart".
- Finding 5: a phenelzine order of 2024 left active, filled once on 2024-03-02 (30 days), read
  "phenelzine is running (since 2024-03-01)" beside a sertraline draft in 2026-12. A running
  course whose supply ran out more than statement_confirmed_days ago is "listed (order of
  2024-03-01 still active, last filled 2024-03-02; confirm whether it is taken)"; the card
  stays critical and the washout stands.
- Finding 9: a `cancelled` recall visit and a `cancelled` refill request of 2025 each read
  "Patient recorded deceased (2012-07-31), but a record is dated 2025-...": a record whose
  status says nothing was done no longer doubts a death (fhir_mapping/record_days.py,
  data/no_act_statuses.csv).

Charts: tests/services/rr2b_charts/ (the review's requests, every prefetch key, valid R4B).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.answer_concept import concept_answer
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.score_values import _value
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
LOINC = "http://loinc.org"
EPIC_ANSWER = "urn:oid:1.2.840.114350.1.13.0.1.7.4.698084.30"
# The Epic flowsheet row "PHQ-9 Q9 ..." of the item-9 charts (its answer is what is tested).
ITEM9_ROW = "9a583ffa-9755-503b-8be8-3ff3e157cd0f"

_chart = chart_files.loader(Path(__file__).parent / "rr2b_charts")
_at = Evaluator(AS_OF)
_by_topic = _at.by_topic

CHARTS = [
    "item9_local_code3_display_nearly_text_not_at_all",
    "item9_loinc_not_at_all_text_nearly_every_day",
    "phenelzine_order_2024_filled_once_sertraline_draft",
    "phenelzine_order_2024_first_fill_2026_11_sertraline_draft",
    "deceased_2012_encounter_cancelled_2025",
    "deceased_2012_refill_request_cancelled_2025",
]


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


# --- finding 4: an answer whose parts disagree is unread --------------------------------------


def _item9_answer(doc: Doc) -> Doc:
    """The valueCodeableConcept of the chart's item-9 flowsheet row (edited in place)."""
    for resource in chart_files.prefetch_resources(doc):
        if resource.get("id") == ITEM9_ROW:
            concept: Doc = resource["valueCodeableConcept"]
            return concept
    raise AssertionError("no item 9 row")


@pytest.mark.parametrize(
    "name",
    [
        "item9_local_code3_display_nearly_text_not_at_all",
        "item9_loinc_not_at_all_text_nearly_every_day",
    ],
)
def test_an_item9_answer_whose_parts_disagree_raises_the_unread_card(name: str) -> None:
    """Before: read 0 (the text, or the first LOINC code), and no suicide-risk card at all."""
    card = _by_topic(_chart(name))[SUICIDE]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "PHQ-9 item 9 answer on 2026-11-16 could not be read: check it in the chart; "
        "if it is above 0, assess suicide risk today"
    )


def test_an_item9_answer_whose_parts_agree_is_read() -> None:
    """The same row with its text agreeing with its display is read (3): the critical card."""
    doc = _chart("item9_local_code3_display_nearly_text_not_at_all")
    _item9_answer(doc)["text"] = "Nearly every day"
    card = _by_topic(doc)[SUICIDE]
    assert card["indicator"] == "critical"
    assert "could not be read" not in card["summary"]


def test_an_item9_answer_of_not_at_all_throughout_raises_nothing() -> None:
    doc = _chart("item9_loinc_not_at_all_text_nearly_every_day")
    _item9_answer(doc)["text"] = "Not at all"
    assert SUICIDE not in _by_topic(doc)


def _concept(*codings: tuple[str, str, str], text: str | None = None) -> Doc:
    concept: Doc = {"coding": [{"system": s, "code": c, "display": d} for s, c, d in codings]}
    if text is not None:
        concept["text"] = text
    return concept


@pytest.mark.parametrize(
    ("concept", "expected"),
    [
        (_concept((LOINC, "LA6568-5", "Not at all"), text="Not at all"), 0),
        (_concept((LOINC, "LA6571-9", "Nearly every day")), 3),
        (_concept(("", "LA6569-3", "Several days")), 1),  # SDC: system left out
        (_concept((EPIC_ANSWER, "3", "Nearly every day"), text="Not at all"), None),
        (_concept((LOINC, "LA6568-5", "Not at all"), text="Nearly every day"), None),
        (_concept((LOINC, "LA6568-5", ""), (EPIC_ANSWER, "9", "Several days")), None),
        # code 2, display 3: every reading positive, the lower one (review K65b finding 0)
        (_concept((LOINC, "LA6570-1", "Nearly every day")), 2),
        # A local code alone is no reading, nor a disagreement (sites number lists from 1).
        (_concept((EPIC_ANSWER, "1", ""), text="Not at all"), 0),
        # Words that are no answer of the list neither read nor disagree.
        (_concept((LOINC, "LA6571-9", "Nearly every day"), text="see flowsheet"), 3),
        (_concept((EPIC_ANSWER, "X", "see flowsheet")), None),
        # A display only disagrees; alone it is never read (test_unread_item9.py's site answer).
        (_concept((EPIC_ANSWER, "2", "More than half the days")), None),
    ],
)
def test_concept_answer_reads_every_part_and_needs_them_to_agree(
    concept: Doc, expected: int | None
) -> None:
    assert concept_answer(concept) == expected


def test_a_coded_item9_whose_text_disagrees_with_its_loinc_answer_is_unread() -> None:
    """The same rule under LOINC 44260-8 (score_values._value): before, LA6568-5 read 0."""
    row = {"valueCodeableConcept": _concept((LOINC, "LA6568-5", "Not at all"), text="Several days")}
    assert _value(row, 3) is None
    row["valueCodeableConcept"]["text"] = "Not at all"
    assert _value(row, 3) == 0


def test_a_coded_rows_words_are_read_on_an_items_scale_only() -> None:
    """Under a LOINC code (score_values._value) a concept's text is read on an item's scale, as a
    valueString is (review s23 RO finding 1: an Oracle nomenclature answer under 44260-8), its
    displays never alone; on a total the words are never read, they only make a LOINC answer
    code unread."""
    assert concept_answer(_concept(text="Several days"), words=False) is None
    assert _value({"valueCodeableConcept": _concept(text="Several days")}, 3) == 1
    assert _value({"valueCodeableConcept": _concept((EPIC_ANSWER, "1", "Several days"))}, 3) is None
    assert _value({"valueCodeableConcept": _concept(text="Several days")}, 27) is None


# --- finding 5: a course whose last fill ran out long ago is listed --------------------------

PHENELZINE = "Sertraline ordered while phenelzine (MAOI) is"


def _maoi_card(doc: Doc, policy: Policy | None = None) -> Doc:
    cards = [c for c in _at.cards(doc, policy=policy) if c["summary"].startswith(PHENELZINE)]
    assert len(cards) == 1
    return cards[0]


def test_an_order_filled_once_in_2024_is_listed_not_running() -> None:
    """Before: "phenelzine is running (since 2024-03-01)"."""
    card = _maoi_card(_chart("phenelzine_order_2024_filled_once_sertraline_draft"))
    assert card["indicator"] == "critical"  # the washout stands: the safer reading
    # Review s23 RR finding 5: the listing's last supply named, to confirm.
    assert card["summary"] == (
        f"{PHENELZINE} listed (last supply ended 2024-04-01): confirm it is not taken (14-day "
        "washout if taken)"
    )
    # The course counts from the order's fill of 2024-03-02, not its authoredOn of 2024-03-01
    # (review s23 RT finding 1, fhir_mapping/first_fill.py): the listing names the course's
    # start as such, never as the order's date.
    assert (
        "phenelzine is listed (order still active, filled once on 2024-03-02; confirm whether "
        "it is taken)"
    ) in card["detail"]
    assert "is running" not in card["detail"]


def test_a_recent_first_fill_still_reads_running() -> None:
    card = _maoi_card(_chart("phenelzine_order_2024_first_fill_2026_11_sertraline_draft"))
    assert card["indicator"] == "critical"
    assert "phenelzine is running (since 2026-11-20)" in card["detail"]


def test_the_window_is_the_clinics_statement_confirmed_days() -> None:
    """At 1000 days the supply of 2024-04-01 ran out within the window: running, as before."""
    policy = Policy(mapping=MappingPolicy(statement_confirmed_days=1000))
    doc = _chart("phenelzine_order_2024_filled_once_sertraline_draft")
    card = _maoi_card(doc, policy)
    # Since its first fill (2024-03-02), not the order's day (review s23 RT finding 1).
    assert "phenelzine is running (since 2024-03-02)" in card["detail"]


# --- finding 9: a record that shows nothing done does not doubt a death -----------------------


@pytest.mark.parametrize(
    "name",
    ["deceased_2012_encounter_cancelled_2025", "deceased_2012_refill_request_cancelled_2025"],
)
def test_a_cancelled_record_after_a_death_says_nothing(name: str) -> None:
    """Before: "[info] Patient recorded deceased (2012-07-31), but a record is dated 2025-...";
    a patient long dead with nothing done since gets no card."""
    assert _at.cards(_chart(name)) == []


@pytest.mark.parametrize(
    ("name", "resource_type"),
    [
        ("deceased_2012_encounter_cancelled_2025", "Encounter"),
        ("deceased_2012_refill_request_cancelled_2025", "MedicationRequest"),
    ],
)
def test_the_same_record_done_still_doubts_the_death(name: str, resource_type: str) -> None:
    doc = _chart(name)
    done = "finished" if resource_type == "Encounter" else "active"
    for resource in chart_files.prefetch_resources(doc):
        if resource["resourceType"] == resource_type and resource["status"] == "cancelled":
            resource["status"] = done
    summaries = [c["summary"] for c in _at.cards(doc)]
    assert any(s.startswith("Patient recorded deceased (2012-07-31)") for s in summaries)
