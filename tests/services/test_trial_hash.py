"""Trial's own hash (issue 14): cheap, and consistent with equality, so sets and dicts of trials
hold what the generated hash made them hold."""

from __future__ import annotations

import dataclasses

from fhir_mapping.record import Score
from tests.services import factories as f


def test_equal_trials_hash_alike_and_count_once() -> None:
    one = f.sertraline_failed()
    twin = dataclasses.replace(one)
    assert one == twin and one is not twin
    assert hash(one) == hash(twin)
    assert len({one, twin}) == 1
    assert list(dict.fromkeys([one, twin])) == [one]


def test_trials_that_differ_only_beyond_the_key_stay_apart() -> None:
    one = f.sertraline_failed()
    other = dataclasses.replace(one, on_treatment=Score("PHQ-9", 9, one.end), notes=("a note",))
    assert one != other
    assert hash(one) == hash(other)  # same drug, role and dates: the key is shared ...
    assert len({one, other}) == 2  # ... and equality still tells them apart
    assert other not in {one}
