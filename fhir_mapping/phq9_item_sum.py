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
as mild), carries both (`Score.total_conflict`), and no response, remission or failure rests on
it (score_windows.PHQ9ByDate); the cards name both numbers and ask to check the form. Each way a
form is filed comes through this one rule: a panel's components, a hasMember panel's members,
and item Observations filed on their own at the instant of their total (scores.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT, codings, one_or_many
from fhir_mapping.questionnaire_codes import phq9_items
from fhir_mapping.trial_parts import TotalConflict

Resource = Mapping[str, Any]


def item_number(code: object) -> int | None:
    """The PHQ-9 item (1..9) a CodeableConcept names by its LOINC code, or None."""
    items = phq9_items()
    for _system, found, _display in codings(code):
        item = items.get(found)
        if item is not None and item.number is not None:
            return item.number
    return None


def summed(answers: Iterable[tuple[int, int | None]]) -> int | None:
    """The total of (item number, answer) pairs when every item 1-9 has a readable answer, else
    None. Two answers to one item: the higher counts (the safer reading, as for item 9)."""
    best: dict[int, int] = {}
    for number, value in answers:
        if value is None:
            return None  # an unreadable answer: the total is not known
        best[number] = max(value, best.get(number, value))
    if set(best) != set(range(1, 10)):
        return None
    return sum(best.values())


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
    filed: int | None, items_sum: int | None
) -> tuple[int | None, TotalConflict | None]:
    """The total a PHQ-9 counts with, from its filed total and the sum of its nine answers
    (`summed`; None when not all nine were read), and the conflict when they disagree (module
    docstring): (filed, None) when they agree or nothing was summed; (the higher, the conflict)
    when they differ. With no filed total the sum is the total (the caller marks it computed)."""
    if filed is None or items_sum is None or items_sum == filed:
        return (items_sum if filed is None else filed), None
    return max(filed, items_sum), TotalConflict(filed, items_sum)
