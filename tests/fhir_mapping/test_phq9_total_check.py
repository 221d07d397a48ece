"""Review s22 RS finding 1: a PHQ-9 total is checked against its nine answers in each shape a form
is filed in (fhir_mapping/phq9_item_sum.checked_total, the one rule): a panel's components, a
hasMember panel's members, and item Observations filed on their own at the total's instant."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.phq9_item_sum import ItemSum, checked_total
from fhir_mapping.record import TotalConflict
from fhir_mapping.scores import read_scores

AS_OF = date(2026, 12, 1)
WHEN = "2026-11-16T09:30:00-05:00"
ITEMS = ("44250-9", "44255-8", "44259-0", "44254-1", "44251-7", "44258-2", "44252-5", "44253-3")
ITEM9, TOTAL, PANEL = "44260-8", "44261-6", "44249-1"
ANSWERS = (2, 2, 2, 2, 2, 2, 3, 3, 0)  # sum 18


def _code(code: str) -> dict[str, Any]:
    return {"coding": [{"system": "http://loinc.org", "code": code}]}


def _obs(rid: str, code: str, value: int | None, when: str = WHEN) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "code": _code(code),
        "effectiveDateTime": when,
    }
    if value is not None:
        resource["valueInteger"] = value
    return resource


def _items(prefix: str = "i", when: str = WHEN) -> list[dict[str, Any]]:
    codes = (*ITEMS, ITEM9)
    return [
        _obs(f"{prefix}{n}", c, a, when)
        for n, (c, a) in enumerate(zip(codes, ANSWERS, strict=True))
    ]


def test_the_rule() -> None:
    nine = lambda value: ItemSum(value, complete=True)  # noqa: E731
    assert checked_total(4, nine(18)) == (18, TotalConflict(4, 18))
    assert checked_total(20, nine(18)) == (20, TotalConflict(20, 18))
    assert checked_total(18, nine(18)) == (18, None)
    assert checked_total(4, None) == (4, None)  # no answer read: nothing to check
    assert checked_total(None, nine(18)) == (18, None)  # no total: the sum is the total
    # Fewer than nine (s22 RR finding 4): a floor of the total, a conflict only above it.
    assert checked_total(4, ItemSum(18, complete=False)) == (18, TotalConflict(4, 18, False))
    assert checked_total(17, ItemSum(16, complete=False)) == (17, None)
    assert checked_total(None, ItemSum(16, complete=False)) == (None, None)


def test_a_panel_with_components() -> None:
    panel = _obs("p", PANEL, None)
    panel["component"] = [
        {"code": _code(c), "valueInteger": a} for c, a in zip((*ITEMS, ITEM9), ANSWERS, strict=True)
    ]
    panel["component"].append({"code": _code(TOTAL), "valueInteger": 4})
    (score,) = read_scores([panel], as_of=AS_OF)
    assert (score.value, score.total_conflict) == (18, TotalConflict(4, 18))


def test_a_has_member_panel() -> None:
    items = _items()
    total = _obs("t", TOTAL, 4)
    panel = _obs("p", PANEL, None)
    panel["hasMember"] = [{"reference": f"Observation/{r['id']}"} for r in (*items, total)]
    (score,) = read_scores([panel, *items, total], as_of=AS_OF)
    assert (score.value, score.total_conflict, score.item9) == (18, TotalConflict(4, 18), 0)


def test_items_filed_alone_at_the_total_instant() -> None:
    (score,) = read_scores([*_items(), _obs("t", TOTAL, 4)], as_of=AS_OF)
    assert (score.value, score.total_conflict) == (18, TotalConflict(4, 18))


def test_items_filed_alone_at_another_time_are_another_form() -> None:
    # The total at 09:30, the answers at 15:00: not its form, so not checked against it (and
    # summed into a total of their own).
    later = "2026-11-16T15:00:00-05:00"
    scores = read_scores([*_items(when=later), _obs("t", TOTAL, 4)], as_of=AS_OF)
    assert sorted((s.value, s.total_conflict, s.total_computed) for s in scores) == [
        (4, None, False),
        (18, None, True),
    ]


@pytest.mark.parametrize("missing", [0, 8])
def test_fewer_than_nine_answers_summing_to_no_more_than_the_total_check_nothing(
    missing: int,
) -> None:
    items = _items()
    del items[missing]
    (score,) = read_scores([*items, _obs("t", TOTAL, 20)], as_of=AS_OF)
    assert (score.value, score.total_conflict) == (20, None)


@pytest.mark.parametrize(("missing", "floor"), [(0, 16), (8, 18)])
def test_fewer_than_nine_answers_already_above_the_total_are_a_conflict(
    missing: int, floor: int
) -> None:
    # s22 RR finding 4: items 1-8 summing to 18 beside a total of 4 (item 9 not filed) read 4.
    items = _items()
    del items[missing]
    (score,) = read_scores([*items, _obs("t", TOTAL, 4)], as_of=AS_OF)
    assert (score.value, score.total_conflict) == (floor, TotalConflict(4, floor, False))
    assert score.item9 == (0 if missing == 0 else None)  # a missing item 9 stays unknown


def test_two_forms_at_one_written_day_sum_nothing() -> None:
    # Two forms dated to the day only: which answer is whose is not known.
    first = _items("a", "2026-11-16")
    second = _items("b", "2026-11-16")
    second[0]["valueInteger"] = 0
    scores = read_scores([*first, *second, _obs("t", TOTAL, 4, "2026-11-16")], as_of=AS_OF)
    assert [(s.value, s.total_conflict) for s in scores if s.value is not None] == [(4, None)]
