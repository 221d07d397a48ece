"""What a PHQ-9 total proves about item 9 (scores.py, "A PHQ-9 total of 25 or more").

The other eight items score at most 24, so a total of 25 or more proves item 9 >= total - 24:
`infer_item9` carries that lower bound as `item9` with `item9_inferred` set, so the suicide-safety
rule sees it. Both score readers use it (scores.py for Observations, questionnaires.py for
QuestionnaireResponses), with `PHQ9`, the instrument name every PHQ-9 score carries. Apart from
the readers: it is a fact about the instrument (its maxima come from data/observation_codes.csv),
not about how a chart records it.
"""

from __future__ import annotations

import dataclasses
import math
from functools import cache

from fhir_mapping.codes import observation_code_rows
from fhir_mapping.record import Score

PHQ9 = "PHQ-9"


@cache  # read for every PHQ-9 (item9_floor); the table is loaded once per process
def _phq9_max() -> int | None:
    for row in observation_code_rows().values():
        if row.concept == "phq9-total":
            return row.max_score
    return None


@cache
def _item9_max() -> int | None:
    for row in observation_code_rows().values():
        if row.concept == "phq9-item9":
            return row.max_score
    return None


# The two maxima item9_floor reads, from the table at import: it runs for every PHQ-9 total, and
# two cached calls cost more than the rest of it (issue 14).
_PHQ9_MAX, _ITEM9_MAX = _phq9_max(), _item9_max()
# The highest total item9_floor proves nothing for (24 = 27 - 3: the other eight items alone reach
# it); with no maxima in the table it proves nothing for any total.
_NO_FLOOR_UP_TO: float = (
    _PHQ9_MAX - _ITEM9_MAX if _PHQ9_MAX is not None and _ITEM9_MAX is not None else math.inf
)


def item9_floor(total: int) -> int | None:
    """The least item-9 answer a PHQ-9 total proves, or None when it proves none above 0.

    The other eight items score at most total_max - item9_max (27 - 3 = 24, data/
    observation_codes.csv), so a total of 25 proves item 9 >= 1, 26 proves >= 2 and 27 proves 3.
    """
    total_max, item_max = _PHQ9_MAX, _ITEM9_MAX
    if total_max is None or item_max is None or total > total_max:
        return None
    floor = total - (total_max - item_max)
    return floor if floor >= 1 else None


def infer_item9(score: Score) -> Score:
    """A PHQ-9 with no item-9 answer recorded, whose total proves item 9 >= 1, carries that lower
    bound as `item9` with `item9_inferred` set (issue 10 item 5): the suicide-safety rule must not
    miss a positive item 9 only because the EHR filed the total alone. Recorded answers are never
    replaced."""
    if score.instrument != PHQ9 or score.item9 is not None or score.value is None:
        return score
    floor = item9_floor(score.value)
    if floor is None:
        return score
    return dataclasses.replace(score, item9=floor, item9_inferred=True)
