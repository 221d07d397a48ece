"""Session 29 fix forms30: the forms leftovers of session 28, on recheck K14's charts
(forms30_charts/: recheck K14 charts or variants of them; every prefetch key;
as-of 2026-12-01).

1. A GAD-7 group's "Suicidal thoughts" = "Nearly every day" on a form that also has a PHQ-9 group
   read as "PHQ-9 item 9 = 3" (q14; beside the PHQ-9 group's own item 9 = "Not at all"), and on a
   GAD-7 form alone as the unread "Self-harm question" warning (q03). A short PHQ-9 label is now
   judged by the group it sits in (phq9_form_item9.py), and the safety net reads an answer in the
   PHQ-9's own words (form_self_harm.py): both charts give the critical card quoting the question
   asked. A short label inside a PHQ-9 group stays PHQ-9 item 9 (q01).
2. A PHQ-A's item 9 was named "PHQ-9 item 9": named by its form now (phqa_form.py), same level.
3. The "named PHQ-9, not known" gap said "total and item 9 not known" beside the item 9 it read:
   it says "total not known" then; an item 9 not read keeps the old words (q04c).
4. Not changed: a later PHQ-9 item 9 = 0 closes no earlier positive PHQ-9 item 9 (acute_risk.py,
   review patient-view finding 6), nor the forms net's answer (only an assessment does). Pinned.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping import form_self_harm
from fhir_mapping.phq9_lookalike import (
    UNRECOGNISED_PHQA_RESPONSE,
    UNRECOGNISED_PHQA_RESPONSE_ITEM9_READ,
)
from fhir_mapping.phqa_form import PHQA
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
DAY = date(2026, 11, 25)
RISK = "suicide-risk"
_chart = chart_files.loader(Path(__file__).parent / "forms30_charts")
_at = Evaluator(AS_OF)

Q14 = "q14_gad7_group_suicidal_thoughts_beside_phq9_group"
Q14B = "q14b_gad7_group_suicidal_thoughts_beside_phq9_items_1_8"
Q03 = "q03_gad7_form_suicidal_thoughts"
Q01 = "q01_nested_phq9_group_suicidal_thoughts"
Q04 = "q04_phqa_item9_0_supplementary_yes"
Q04B = "q04b_phqa_item9_nearly_every_day"
Q04C = "q04c_phqa_item9_not_read"

ASKED = (
    'Self-harm question "Suicidal thoughts" = nearly every day on 2026-11-25: higher suicide risk, '
    "assess today (C-SSRS) and plan safety"
)
PHQ9_3 = (
    "PHQ-9 item 9 = 3 (nearly every day) on 2026-11-25: higher suicide risk, assess today (C-SSRS) "
    "and plan safety"
)


def _checked(name: str) -> dict[str, Any]:
    doc = _chart(name)
    chart_files.check_chart(doc)
    return doc


@pytest.mark.parametrize("name", [Q14, Q14B, Q03])
def test_a_gad7_self_harm_question_is_named_as_asked_and_stays_critical(name: str) -> None:
    cards, record = _at.by_topic_and_record(_checked(name))
    assert (cards[RISK]["indicator"], cards[RISK]["summary"]) == ("critical", ASKED)
    assert (
        '- Self-harm question "Suicidal thoughts" = nearly every day on 2026-11-25'
        in (cards[RISK]["detail"])
    )
    assert "PHQ-9 item 9 = 3" not in cards[RISK]["detail"]
    assert not [s for s in record.phq9() if s.date == DAY and (s.item9 or 0) > 0]
    asked = [s for s in record.scores if s.instrument == form_self_harm.INSTRUMENT]
    # (the answer's words, the question's): one field since the merge with net30.
    assert [(s.item9, s.asked, s.item9_unread) for s in asked] == [
        (3, ("Nearly every day", "Suicidal thoughts"), None)
    ]


def test_the_phq9_groups_own_item9_is_read_as_it_is() -> None:
    """q14: the PHQ-9 group's item 9 "Not at all" is that form's item 9, no longer the higher of
    it and the GAD-7 group's question."""
    _, record = _at.by_topic_and_record(_checked(Q14))
    assert [(s.value, s.item9) for s in record.phq9() if s.date == DAY] == [(None, 0)]


def test_a_short_label_inside_a_phq9_group_is_still_item9() -> None:
    cards, record = _at.by_topic_and_record(_checked(Q01))
    assert (cards[RISK]["indicator"], cards[RISK]["summary"]) == ("critical", PHQ9_3)
    assert [s.item9 for s in record.phq9() if s.date == DAY] == [3]


def test_a_phqa_item9_is_named_by_its_form() -> None:
    cards, record = _at.by_topic_and_record(_checked(Q04B))
    assert (cards[RISK]["indicator"], cards[RISK]["summary"]) == (
        "critical",
        PHQ9_3.replace("PHQ-9", PHQA),
    )
    assert "PHQ-9 item 9" not in cards[RISK]["detail"]
    (score,) = [s for s in record.phq9() if s.date == DAY]
    assert (score.item9, score.form) == (3, PHQA)


def test_a_phqa_item9_not_read_is_named_by_its_form() -> None:
    cards = _at.by_topic(_checked(Q04C))
    assert cards[RISK]["indicator"] == "warning"
    assert cards[RISK]["summary"].startswith("PHQ-A item 9 answer on 2026-11-25 could not be read")


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        # The PHQ-A's gap is named by its form (session 29 fix packet30, review s29 RM 4).
        (Q04, UNRECOGNISED_PHQA_RESPONSE_ITEM9_READ),  # item 9 "Not at all" read
        (Q04B, UNRECOGNISED_PHQA_RESPONSE_ITEM9_READ),  # item 9 "Nearly every day" read
        (Q04C, UNRECOGNISED_PHQA_RESPONSE),  # item 9 "Often": not read
    ],
)
def test_the_named_phq9_gap_says_only_what_was_not_read(name: str, reason: str) -> None:
    cards, record = _at.by_topic_and_record(_checked(name))
    assert reason in [g.reason for g in record.gaps]
    read = reason == UNRECOGNISED_PHQA_RESPONSE_ITEM9_READ
    assert ("total and item 9 not known" in cards[RISK]["detail"]) is not read
    assert ("site configuration; total not known)" in cards[RISK]["detail"]) is read


def _with_later_phq9_item9_0(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with the PHQ-9 of 2026-11-15 (total and item 9 = 0) filed again on 2026-11-28."""
    entries = doc["prefetch"]["observations"]["entry"]
    for entry in list(entries):
        resource = entry["resource"]
        if resource.get("effectiveDateTime", "").startswith("2026-11-15"):
            later = copy.deepcopy(entry)
            later["resource"]["id"] = f"{resource['id']}-later"
            later["resource"]["effectiveDateTime"] = "2026-11-28T09:30:00-05:00"
            later["resource"]["issued"] = "2026-11-28T10:05:00-05:00"
            later["resource"].pop("meta", None)
            later.pop("fullUrl", None)
            entries.append(later)
    return doc


@pytest.mark.parametrize(
    ("name", "indicator"),
    [
        (Q01, "critical"),  # the rule: a PHQ-9 item 9 = 3, then an item 9 = 0
        (Q03, "critical"),  # the forms net's answer read in the PHQ-9's words
        # The forms net's "Yes": read as a positive answer since the merge with net30 (review
        # s29 K16 chart y01; it was the unread warning), closed by a later 0 no more than that.
        (Q04, "critical"),
    ],
)
def test_a_later_item9_of_0_closes_neither(name: str, indicator: str) -> None:
    """Item 4: the existing rule for an earlier positive PHQ-9 item 9 is that it stays (a later
    0 is a re-screen, not an assessment); the forms net follows it, no quieter, no louder."""
    doc = _with_later_phq9_item9_0(_checked(name))
    cards, record = _at.by_topic_and_record(doc)
    assert [s.item9 for s in record.phq9() if s.date == date(2026, 11, 28)] == [0]
    assert cards[RISK]["indicator"] == indicator
