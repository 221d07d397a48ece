"""What a PHQ-9 total proves about item 9 (scores.py, "A PHQ-9 total of 25 or more").

The other eight items score at most 24, so a total of 25 or more proves item 9 >= total - 24:
`infer_item9` carries that lower bound as `item9` with `item9_inferred` set, so the suicide-safety
rule sees it. A recorded item 9 BELOW that bound (a total of 25 filed beside item 9 = 0) is a
contradiction, `checked_item9` (review s27 RF finding 3): the other eight items cannot make up
the rest, so the total or item 9 is wrong, and nothing says which. The safer reading: item 9 may
be the wrong one, so the Score carries the bound as `item9_doubt` (the suicide-risk rule asks for
a look at the form: "if item 9 is above 0, assess today"), and the total as a `TotalConflict`
with the most the answers allow, so no outcome rests on it and severity is "to confirm" until
the form is checked (services/phq9_disagreements.py words it). Both score readers use it (scores.py for Observations, questionnaires.py for
QuestionnaireResponses), with `PHQ9`, the instrument name every PHQ-9 score carries. Apart from
the readers: it is a fact about the instrument (its maxima come from data/observation_codes.csv),
not about how a chart records it.
"""

from __future__ import annotations

import dataclasses
import math
from functools import cache

from fhir_mapping.codes import observation_code_rows
from fhir_mapping.record import Score, TotalConflict

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
    replaced; one below the bound is a contradiction (`checked_item9`)."""
    if score.instrument != PHQ9 or score.value is None:
        return score
    if score.item9 is not None:
        return checked_item9(score)
    floor = item9_floor(score.value)
    if floor is None:
        return score
    return dataclasses.replace(score, item9=floor, item9_inferred=True)


def checked_item9(score: Score) -> Score:
    """`score` with `item9_doubt` and a `TotalConflict` when its recorded item 9 is below the least
    answer its FILED total proves (module docstring; review s27 RF finding 3), else as it is.

    The filed total, not `value`: beside answers that sum to another number `value` is already
    the higher of the two (phq9_item_sum.checked_total), and it is the filed total that claims
    the item-9 answer (a QuestionnaireResponse total 27 with answers summing to 24, item 9 = 0).
    That conflict is kept as it is (it already holds the total back); a total filed alone
    beside item 9 gets one whose `items_sum` is the most the total can be."""
    item9 = score.item9
    if score.instrument != PHQ9 or item9 is None or score.item9_inferred:
        return score
    conflict = score.total_conflict
    filed = conflict.filed if conflict is not None else score.value
    if filed is None or filed <= _NO_FLOOR_UP_TO:  # nearly every score: nothing proved
        return score
    floor = item9_floor(filed)
    if floor is None or item9 >= floor:
        return score
    if conflict is None:
        most = int(_NO_FLOOR_UP_TO) + item9  # the other eight items' maximum, plus item 9
        conflict = TotalConflict(filed, most, complete=False, item9=item9)
    return dataclasses.replace(score, item9_doubt=floor, total_conflict=conflict)
