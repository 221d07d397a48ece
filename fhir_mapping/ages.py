"""The patient's age from a birth date that states only its year or month (review 19 D4).

FHIR allows `"birthDate": "1951"`. Read as 1951-01-01, the patient was "75" on 2026-12-01 when
the record allows 74 or 75. `Age` is that age: an int whose value is the OLDEST the record
allows, so every rule that starts at an age (older adult from 65, a dose maximum from 60) applies
when the patient may have reached it (the safer side); `youngest` gives the same age valued at the
YOUNGEST, for the rules that apply below an age (under 18, the under-25 boxed warning, TMS for
adults), whose safer side is the younger. Either prints as the record supports it: "74-75 (birth
year only)", so a card never states one age as a fact.

An int rather than a pair beside Patient.age because every card that words or compares the age
reads that one value: the range then reaches each of them, not only those a change remembered.
A full birth date, or a partial one whose period gives a single age on the day, gives a plain int.
"""

from __future__ import annotations

from datetime import date
from typing import Any


class Age(int):
    """Whole years on the as-of day when the birth date gives a range (module docstring)."""

    youngest_years: int
    oldest_years: int
    basis: str  # "birth year only" | "birth month only"

    def __new__(cls, value: int, youngest: int, oldest: int, basis: str) -> Age:
        self = super().__new__(cls, value)
        self.youngest_years = youngest
        self.oldest_years = oldest
        self.basis = basis
        return self

    def __str__(self) -> str:
        return f"{self.youngest_years}-{self.oldest_years} ({self.basis})"

    def __format__(self, spec: str) -> str:
        return str(self) if not spec else format(int(self), spec)

    def __repr__(self) -> str:
        return f"Age({int(self)}, {self.youngest_years}-{self.oldest_years}, {self.basis!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled and copied as itself (a record sent to a worker), not as a bare int.
        return (Age, (int(self), self.youngest_years, self.oldest_years, self.basis))


def youngest(age: int | None) -> int | None:
    """The age valued at the youngest the record allows, for a rule that applies below an age
    (the safer side); a plain age as it is."""
    if isinstance(age, Age):
        return Age(age.youngest_years, age.youngest_years, age.oldest_years, age.basis)
    return age


def span(age: int | None) -> tuple[int, int] | None:
    """(youngest, oldest) the record allows; None when the age is not on record."""
    if age is None:
        return None
    if isinstance(age, Age):
        return age.youngest_years, age.oldest_years
    return int(age), int(age)


def _years(birth: date, as_of: date) -> int:
    return as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))


def _period_end(first: date, written: str) -> date:
    """The last day of the year or month a partial birth date names."""
    if len(written) == 4:
        return date(first.year, 12, 31)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def age_on(birth: date | None, written: object, as_of: date) -> int | None:
    """The age on `as_of` from the birth date read as `birth` (a partial date's first day) and
    written as `written`: an Age when the year or month alone leaves two ages possible; None
    with no birth date, or one after as-of."""
    if birth is None or birth > as_of:
        return None
    oldest = _years(birth, as_of)
    if not isinstance(written, str) or len(written.strip()) not in (4, 7):
        return oldest  # a full date (or a dateTime): one age
    last = min(_period_end(birth, written.strip()), as_of)
    young = _years(last, as_of)
    if young == oldest:
        return oldest
    basis = "birth year only" if len(written.strip()) == 4 else "birth month only"
    return Age(oldest, young, oldest, basis)
