"""PHQ-9 item answers checked against, or summed into, the total of their form (review s22 RS
findings 1 and 4), for the two ways a form's items come as Observations of their own:

- members of a 44249-1 panel (hasMember, US Core's shape): `member_totals`;
- filed on their own, grouped in no panel, as an Epic flowsheet files each row: the items
  1-9 taken at one instant (effectiveDateTime, compared as an instant: score_corrections.
  _instant) are one form, and its total is the PHQ-9 total taken at that same instant:
  `standalone_totals`. Before, such items were never read: a total 4 beside items summing to
  18 read as remission, and a total sent with a dataAbsentReason beside nine answered items
  read as "no total, repeat the PHQ-9" two weeks after the form was done.

Each form goes through phq9_item_sum.checked_total (one rule): with all nine items readable, a
filed total that differs from their sum keeps the higher and carries the conflict; with no filed
total their sum is the total (`computed`). Fewer than nine, or two different answers to one item
at one instant (two forms on one day written without a time), sum nothing.

Apart from scores.py's walk: only a chart with item Observations needs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from datetime import date
from typing import Any

from fhir_mapping.item9_floor import PHQ9
from fhir_mapping.item9_join import _links
from fhir_mapping.phq9_item_sum import (
    ItemSum,
    checked_total,
    component_answers,
    item_sum,
    summed,
)
from fhir_mapping.score_corrections import _instant
from fhir_mapping.score_totals import _Total

Resource = Mapping[str, Any]
Answer = tuple[int, int | None]  # (item number 1..9, its answer or None when unreadable)


def check(total: _Total, items_sum: ItemSum | None) -> None:
    """`total` checked against its items' sum (phq9_item_sum.checked_total), in place."""
    if total.value is None or total.computed or total.instrument != PHQ9:
        return
    value, conflict = checked_total(total.value, items_sum)
    if conflict is not None:
        total.value, total.conflict = value, conflict


def member_totals(
    panels: list[tuple[Resource, date, str]],
    answers: Mapping[str, Answer],
    items: list[_Total],
    totals: list[_Total],
    read: Any,
) -> list[_Total]:
    """For each panel listing members: its total (a member total, or the panel's own value)
    checked against the sum of its nine answers, or, with no total, a computed total of that
    sum (review 17 M4). `read`: score_values._value, passed in (it imports this module's
    callers). Returns the computed totals."""
    item9_of = {t.obs_id: t.item9 for t in items if t.obs_id is not None}
    valued = {t.obs_id: t for t in totals if t.obs_id is not None and t.value is not None}
    made = []
    for panel, day, rid in panels:
        members = _links(panel)
        found = component_answers(panel, read)
        found.extend(answers[m] for m in members if m in answers)
        found.extend((9, item9_of[m]) for m in members if m in item9_of)
        own = [valued[m] for m in (*sorted(members), rid) if m in valued]
        if own:
            items_sum = item_sum(found)
            for total in own:
                check(total, items_sum)
            continue
        value = summed(found)
        if value is None:
            continue
        total = _Total(PHQ9, value, day, None, rid, panel)
        total.computed = True
        made.append(total)
    return made


def standalone_totals(
    answers: Mapping[str, Answer],
    where: Mapping[str, tuple[str, date, Resource]],
    items: list[_Total],
    totals: list[_Total],
    members: AbstractSet[str],
) -> list[_Total]:
    """The forms of items filed in no panel (module docstring): each one's total at its instant
    checked against the items' sum, or a computed total when it has none. `answers` / `where`:
    items 1-8 by Observation id (answer; instant, day, resource); `items`: the standalone item-9
    answers; `members`: ids listed by a panel (read with it, not here)."""
    forms: dict[str, list[Answer]] = {}
    first: dict[str, tuple[date, str, Resource]] = {}
    for rid, answer in answers.items():
        if rid in members:
            continue
        instant, day, resource = where[rid]
        forms.setdefault(instant, []).append(answer)
        first.setdefault(instant, (day, rid, resource))
    if not forms:
        return []
    for item in items:
        if item.obs_id in members or item.value is not None:
            continue
        instant = _instant(item.resource)
        if instant in forms:
            forms[instant].append((9, item.item9))
    at_instant: dict[str, list[_Total]] = {}
    for total in totals:
        if total.instrument == PHQ9 and total.value is not None:
            at_instant.setdefault(_instant(total.resource), []).append(total)
    made = []
    for instant, found in forms.items():
        if _two_answers(found):
            continue  # two forms at one written time: which answer is whose is not known
        own = at_instant.get(instant)
        if own:
            items_sum = item_sum(found)  # fewer than nine too (review s22 RR finding 4)
            for total in own:
                check(total, items_sum)
            continue
        computed = summed(found)
        if computed is None:
            continue
        day, rid, resource = first[instant]
        total = _Total(PHQ9, computed, day, None, rid, resource)
        total.computed = True
        made.append(total)
    return made


def _two_answers(found: list[Answer]) -> bool:
    """Whether one item has two different answers."""
    seen: dict[int, int | None] = {}
    for number, value in found:
        if number in seen and seen[number] != value:
            return True
        seen[number] = value
    return False
