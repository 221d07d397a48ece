"""Unfinished scores a final one of the same instrument and day replaces (moved out of scores.py,
which was at its 400 lines, for care69).

A form filed `preliminary` and then, as its own resource, `final` is the one form reviewed: the
preliminary score is dropped. A final score with no item-9 answer does not replace a positive or
unreadable unfinished one: the answer would vanish (the safer reading).

Only a final score with a total replaces a preliminary total (care69, review K61a finding 10): a
PHQ-9 total 18 filed `preliminary` beside its item-9 answer filed `final` as a resource of its
own (a 44260-8 Observation, read as a PHQ-9 Score with no total) was replaced by that answer, so
the total vanished and the cards said "the PHQ-9 of 2025-05-12 has no total: score it". The
answer is not the reviewed form; the total stays a preliminary one, named "not yet reviewed"
(services/preliminary_phq9.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from fhir_mapping.record import Score


def without_reviewed(unfinished: tuple[Score, ...], final: Iterable[Score]) -> tuple[Score, ...]:
    """`unfinished` without the scores a final one of the same instrument and day replaces: a
    form filed preliminary and then, as its own resource, final. A final score with no item-9
    answer does not replace a positive or unreadable unfinished one: the answer would vanish
    (the safer reading)."""
    if not unfinished:
        return unfinished
    answered: set[tuple[str, date]] = set()
    any_final: set[tuple[str, date]] = set()
    totalled: set[tuple[str, date]] = set()
    for score in final:
        any_final.add((score.instrument, score.date))
        if score.value is not None:
            totalled.add((score.instrument, score.date))
        if score.item9 is not None and not score.item9_inferred:
            answered.add((score.instrument, score.date))

    def replaced(score: Score) -> bool:
        key = (score.instrument, score.date)
        if score.value is not None and key not in totalled:
            return False  # a total is replaced by a total only (module docstring)
        if key in answered:
            return True
        says_item9 = (score.item9 or 0) > 0 or score.item9_unread is not None
        return key in any_final and not says_item9

    return tuple([s for s in unfinished if not replaced(s)])
