"""Review s23 RO finding 1: an Oracle Health (Cerner Millennium) PHQ-9 item 9 answered with a
nomenclature code and no LOINC answer code.

The chart: F 42, MDD, sertraline then escitalopram failed, PHQ-9 17 on 2026-10-15 (47 days before
2026-12-01) with its item 9 row coded Millennium code set 72 + LOINC 44260-8 and answered
`{nomenclature 4990134, text "More than half the days"}`. Before: the answer was unread, the
unread signal kept to the 30-day look-back, and the item-9 hold took the unreadable answer as
"recorded": aripiprazole and brexpiprazole one click, no suicide-risk card, only a footnote.
After:
- the answer text under LOINC 44260-8 is one of the four PHQ-9 answers: read as 2, so the chart
  gets the critical card its LOINC-coded twin (LA6570-1) gets;
- a text that is no standard answer ("Over half the days") stays unread, and is a signal within
  the window a readable positive gets (policy.suicide_unassessed_item9_days), and holds the
  optimise card's drug proposals (rules/optimize/suicide_hold.py); past that window the item-9
  line holds them ("could not be read", services/item9_unrecorded.py), never "recorded".

Charts: tests/services/oracle23_charts/ (Oracle-shaped, every prefetch key; from the review's
o24 chart).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.helpers import drug_orders as _drug_orders

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
AS_OF = date(2026, 12, 1)
OPTIMISE = "optimize-switch-augment"
RISK = "suicide-risk"
ITEM9 = "44260-8"
ADJUNCTS = [
    "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)",
    "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)",
]

_chart = chart_files.loader(Path(__file__).parent / "oracle23_charts")
_at = Evaluator(AS_OF)
_topics = _at.by_topic


def _item9_row(doc: Doc) -> Doc:
    for entry in doc["prefetch"]["observations"]["entry"]:
        codes = [c["code"] for c in entry["resource"]["code"]["coding"]]
        if ITEM9 in codes:
            resource: Doc = entry["resource"]
            return resource
    raise AssertionError("no item 9 row")


def _without_item9(doc: Doc) -> Doc:
    bundle = doc["prefetch"]["observations"]
    bundle["entry"] = [
        e
        for e in bundle["entry"]
        if ITEM9 not in [c["code"] for c in e["resource"]["code"]["coding"]]
    ]
    return doc


def test_the_oracle_answer_text_under_loinc_item9_is_read() -> None:
    doc = _chart("item9_oracle_answer_text_47d")
    assert "LA" not in str(_item9_row(doc)["valueCodeableConcept"])  # no LOINC answer code
    found = _topics(doc)
    risk = found[RISK]
    assert risk["indicator"] == "critical"
    assert risk["summary"].startswith(
        "PHQ-9 item 9 = 2 (more than half the days) on 2026-10-15, no assessment on record"
    )
    optimise = found[OPTIMISE]
    assert optimise["summary"] == (
        "2 adequate trials failed (sertraline, escitalopram): suicide risk assessment first, then "
        "augment or switch class"
    )
    assert _drug_orders(optimise) == []


def test_an_unreadable_oracle_answer_47_days_old_raises_the_unread_card_and_holds_the_drugs() -> (
    None
):
    found = _topics(_chart("item9_oracle_answer_unread_47d"))
    risk = found[RISK]
    assert risk["indicator"] == "warning"
    assert risk["summary"] == (
        "PHQ-9 item 9 answer on 2026-10-15 could not be read: check it in the chart; if it is "
        "above 0, assess suicide risk today"
    )
    # The window said is the one applied (not "after 30 days").
    assert "or after 365 days." in risk["detail"]
    optimise = found[OPTIMISE]
    assert optimise["summary"] == (
        "2 adequate trials failed (sertraline, escitalopram): check PHQ-9 item 9 (not read) first, "
        "then augment or switch class"
    )
    assert _drug_orders(optimise) == []
    assert optimise["detail"].startswith(
        "**Suicide risk card open:** an item 9 answer could not be read: check it in the chart "
        "before changing treatment (if it is positive, assess suicide risk today); not one "
        "click until then: " + "; ".join(ADJUNCTS) + "."
    )
    assert "alongside any change in treatment" not in optimise["detail"]


def test_the_unread_answer_is_held_no_less_than_a_missing_one() -> None:
    """Control: the same chart with item 9 left out holds the adjuncts (item9_not_recorded)."""
    missing = _topics(_without_item9(_chart("item9_oracle_answer_unread_47d")))[OPTIMISE]
    assert ": check PHQ-9 item 9 (not read) first, then augment" in missing["summary"]
    unread = _topics(_chart("item9_oracle_answer_unread_47d"))[OPTIMISE]
    assert _drug_orders(missing) == _drug_orders(unread) == []


def test_past_the_window_the_unread_answer_is_said_could_not_be_read_and_still_holds() -> None:
    policy = Policy(suicide_unassessed_item9_days=40)  # 47 days: past it
    found = _topics(_chart("item9_oracle_answer_unread_47d"), policy=policy)
    assert RISK not in found
    optimise = found[OPTIMISE]
    # An answer on record that could not be read is checked, not asked again.
    assert ": check PHQ-9 item 9 (could not be read) first, then augment" in optimise["summary"]
    assert _drug_orders(optimise) == []
    assert optimise["detail"].startswith(
        "**PHQ-9 item 9 could not be read:** the latest PHQ-9 (17 on 2026-10-15) has an item 9 "
        "answer this service could not read"
    )
    assert "not recorded" not in optimise["detail"]


def test_a_readable_answer_after_it_lifts_the_hold() -> None:
    doc = _chart("item9_oracle_answer_unread_47d")
    later = dict(_item9_row(doc))
    later["id"] = "item9-later-readable"
    later["effectiveDateTime"] = "2026-11-20T09:30:00-07:00"
    later["valueCodeableConcept"] = {
        "coding": [{"system": "http://loinc.org", "code": "LA6568-5", "display": "Not at all"}],
        "text": "Not at all",
    }
    doc["prefetch"]["observations"]["entry"].append(
        {"fullUrl": "Observation/item9-later-readable", "resource": later}
    )
    found = _topics(doc)
    assert RISK not in found
    assert _drug_orders(found[OPTIMISE]) == ADJUNCTS
