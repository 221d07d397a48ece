"""The Observation scores a PHQ-9 QuestionnaireResponse may duplicate, indexed by what makes them
one administration (questionnaire_duplicates.py).

`merge_scores` once scanned every Observation score for every response, and removed the matched
ones from a list: a chart of 3,000 PHQ-9s filed both ways took 19 s (review s25 RP H1, the
score path). Here each score is filed under the response ids it was derived from, its day and
its instant (each with its total, and with any total), in the order of the scores, and a taken
score is marked, not removed. A response looks up its keys only; "the first" of a key is the
first score in the scores' order not yet taken, as the scan found it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from fhir_mapping.item9_floor import PHQ9
from fhir_mapping.record import Score

# The total of a key that takes any total (a response with none matches every score of its day).
ANY_TOTAL = "any"

# ("day", date) or ("instant", datetime), and the total (an int, None, or `ANY_TOTAL`).
_When = tuple[str, date | datetime]
_KeyOf = tuple[str, date | datetime, int | str | None]


@dataclass(slots=True)
class _Key:
    """The positions of the scores filed under one key, in order; those before `head` are taken."""

    positions: list[int] = field(default_factory=list)
    head: int = 0


class ScorePool:
    """The Observation scores not yet merged with a response (questionnaire_duplicates), named
    by their positions in the order given."""

    def __init__(self, scores: Iterable[Score], derived: Mapping[str, set[str]]) -> None:
        self.scores = list(scores)
        self._taken = [False] * len(self.scores)
        self._derived: dict[str, list[int]] = {}  # response id -> scores derived from it
        self._keys: dict[_KeyOf, _Key] = {}
        for position, score in enumerate(self.scores):
            if score.instrument != PHQ9:
                continue  # only PHQ-9s merge with a response
            if score.source is not None:
                for qr_id in derived.get(score.source.id, ()):
                    self._derived.setdefault(qr_id, []).append(position)
            for when in _whens(score.date, score.instant):
                for total in (score.value, ANY_TOTAL):
                    self._keys.setdefault((*when, total), _Key()).positions.append(position)

    def derived_from(self, qr_id: str) -> list[int]:
        """Every score not taken that was derived from the response, in order."""
        return [p for p in self._derived.get(qr_id, ()) if not self._taken[p]]

    def first(self, day: date, instant: datetime | None, total: int | str | None) -> int | None:
        """The first score not taken of the day or of the instant, with this total (`ANY_TOTAL`:
        any total)."""
        found = [
            p for when in _whens(day, instant) if (p := self._head((*when, total))) is not None
        ]
        return min(found) if found else None

    def first_at(self, instant: datetime) -> int | None:
        """The first score not taken of this instant, with any total."""
        return self._head(("instant", instant, ANY_TOTAL))

    def take(self, positions: Iterable[int]) -> None:
        """Mark these scores merged."""
        for position in positions:
            self._taken[position] = True

    def left(self) -> list[Score]:
        """The scores not taken, in order."""
        return [s for s, taken in zip(self.scores, self._taken, strict=True) if not taken]

    def _head(self, key: _KeyOf) -> int | None:
        """The first position of the key not taken (taken ones before it are passed for good)."""
        bucket = self._keys.get(key)
        if bucket is None:
            return None
        positions = bucket.positions
        while bucket.head < len(positions) and self._taken[positions[bucket.head]]:
            bucket.head += 1
        return positions[bucket.head] if bucket.head < len(positions) else None


def _whens(day: date, instant: datetime | None) -> list[_When]:
    """The keys of a score's time: its day, and its instant when it states one: the same PHQ-9
    written in two zones falls on two written days (a flowsheet at 2026-11-30T23:30:00-05:00, its
    response at 2026-12-01T04:30:00Z; fix 20 item 3), and two instants are one only when both
    state one (aware datetimes of one instant are equal, and hash alike, in any offset)."""
    return [("day", day)] if instant is None else [("day", day), ("instant", instant)]
