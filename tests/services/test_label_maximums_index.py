"""label_maximums.binding reads its ingredient's rows from an index built once (issue 14: the
timeline asks it for every dose segment it draws). Pinned here to the plain reading it replaces,
a scan of the whole table, for every ingredient of the table and one it does not hold, every
market, and range tops below, at and above each row's maximum."""

from __future__ import annotations

from typing import get_args

from services import label_maximums
from services.label_maximums import LabelMaximum
from services.policy import DrugMarket


def _plain(ingredient: str, range_top: float | None, market: str) -> LabelMaximum | None:
    name = ingredient.lower()
    found = [
        r for r in label_maximums.rows() if r.ingredient == name and market in ("any", r.market)
    ]
    lowest = min(found, key=lambda r: r.max_mg, default=None)
    if lowest is None or (range_top is not None and lowest.max_mg >= range_top):
        return None
    return lowest


def test_binding_reads_as_the_table_scan() -> None:
    rows = label_maximums.rows()
    assert rows, "the table is read"
    names = {r.ingredient for r in rows}
    tops: list[float | None] = [None, 1.0]
    for r in rows:
        tops += [r.max_mg - 1, r.max_mg, r.max_mg + 1]
    markets = get_args(DrugMarket)
    assert set(markets) >= {"US", "Canada", "any"}
    bound = 0
    for name in [*sorted(names), "not-a-drug"]:
        for spelled in (name, name.upper()):
            for market in markets:
                for top in tops:
                    expected = _plain(spelled, top, market)
                    assert label_maximums.binding(spelled, top, market) is expected
                    assert label_maximums.capped(spelled, top, market) == (
                        top if expected is None else expected.max_mg
                    )
                    bound += expected is not None
    assert bound, "some label binds: the check compares rows, not only None"
