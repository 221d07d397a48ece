"""A PHQ-9 total summed from its nine item answers when the form was filed without one (review
17 M4).

The PHQ-9 total is the sum of its nine items, each 0-3 (Kroenke 2001; data/phq9_items.csv): with
all nine answered it is known exactly, so a form filed as a 44249-1 panel with the nine answers
(as components, or as hasMember Observations 44250-9 ... 44260-8, US Core's shape) and no total
is scored, and the Score says `total_computed` (--explain, the packet: "sum of the answered
items"). With fewer than nine nothing is summed: a partial sum is no total (the QuestionnaireResponse
reader, questionnaires.py, does the same). Before, such a panel read as "no PHQ-9 total in 112
days" a week after the form was filled.

A total filed beside nine readable answers is checked against their sum (`checked_total`, review
s22 RS finding 1): a total 4 filed with items summing to 18 read as remission and the screen was
empty. The total is the sum by definition, so a difference is an error in the form or its
interface, and nothing says which number is right. The safer reading (the clinic's choice, s22):
the score keeps the higher of the two, which severity reads (a severe depression is never read
as mild), carries both (`Score.total_conflict`), and a response, remission or failure rests on
it only when both numbers give the same one (phq9_conflict_readings.py, review s27 RB 1); the
cards name both numbers and ask to check the form. Each way a
form is filed comes through this one rule: a panel's components, a hasMember panel's members,
and item Observations filed on their own at the instant of their total (scores.py).

Fewer than nine answers are checked too (review s22 RR finding 4): items 1-8 summing to 18 beside
a filed total of 4, item 9 not filed, read the 4 and the screen was empty, since only a full set
was summed. The answers filed are a floor of the total (no answer is below 0), so when they
already sum to more than the filed total the two disagree just as surely: the conflict is the same
one, worded "items filed sum to at least 18" (`TotalConflict.complete` false), and severity reads
the larger. Answers filed that sum to no more than the total prove nothing (the missing ones may
make up the rest). Item 9 stays unknown, so the cards still ask it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT, codings, one_or_many
from fhir_mapping.questionnaire_codes import phq9_items
from fhir_mapping.trial_parts import TotalConflict

Resource = Mapping[str, Any]
_ALL_ITEMS = frozenset(range(1, 10))


def item_number(code: object) -> int | None:
    """The PHQ-9 item (1..9) a CodeableConcept names by its LOINC code, or None."""
    items = phq9_items()
    for _system, found, _display in codings(code):
        item = items.get(found)
        if item is not None and item.number is not None:
            return item.number
    return None


@dataclass(frozen=True, slots=True)
class ItemSum:
    """The sum of a PHQ-9's readable item answers; `complete`: all nine were read, so the sum
    is the total (else it is a floor of it: module docstring)."""

    value: int
    complete: bool


def item_sum(answers: Iterable[tuple[int, int | None]]) -> ItemSum | None:
    """The sum of (item number, answer) pairs, complete when every item 1-9 has a readable
    answer; None when no answer is readable. Two answers to one item: the higher counts (the
    safer reading, as for item 9); an unreadable answer adds nothing and leaves it incomplete."""
    best: dict[int, int] = {}
    unreadable = False
    for number, value in answers:
        if value is None:
            unreadable = True
            continue
        best[number] = max(value, best.get(number, value))
    if not best:
        return None
    return ItemSum(sum(best.values()), not unreadable and set(best) == _ALL_ITEMS)


def summed(answers: Iterable[tuple[int, int | None]]) -> int | None:
    """The total of (item number, answer) pairs when every item 1-9 has a readable answer, else
    None (a partial sum is no total)."""
    found = item_sum(answers)
    return found.value if found is not None and found.complete else None


def component_answers(panel: Resource, read: Any) -> list[tuple[int, int | None]]:
    """(item number, answer) of a panel's item components; `read(component, 3)` reads an
    answer (score_values._value, passed in: that module imports this one's callers)."""
    found = []
    for component in one_or_many(panel.get("component")):
        if not isinstance(component, JSON_OBJECT):
            continue
        number = item_number(component.get("code"))
        if number is not None:
            found.append((number, read(component, 3)))
    return found


def checked_total(
    filed: int | None, items: ItemSum | None
) -> tuple[int | None, TotalConflict | None]:
    """The total a PHQ-9 counts with, from its filed total and the sum of its readable answers
    (`item_sum`; None when none was read), and the conflict when they disagree (module
    docstring): the filed total with no conflict when they agree, when nothing was read, or when
    fewer than nine answers sum to no more than it; (the higher, the conflict) when nine answers
    sum to another number or fewer already sum to more. With no filed total, the sum of all nine
    is the total (the caller marks it computed); of fewer, there is none."""
    if filed is None:
        return (items.value if items is not None and items.complete else None), None
    if items is None or items.value == filed or (not items.complete and items.value < filed):
        return filed, None
    return max(filed, items.value), TotalConflict(filed, items.value, items.complete)
