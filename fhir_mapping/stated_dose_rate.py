"""How many doses a day an everyday analgesic's dosing words take, and the most tablets a day of
it (data/everyday_dose_rates.csv), and a death phrase after a count (session 33 fix text51a,
recheck K36a findings 3, 4; split from stated_dosing.py by idea).

- A frequency turns one dose's count into a day's: "Plan: take 4 tylenol q1h" is 96 tablets a
  day, "take 4 tylenol every 30 minutes", "take 4 tylenol x 10" are 40 or more, yet each read as
  one dose of 4 (no card, TMS offered). `day_most` is the most tablets one dose may hold at the
  frequency the words state: the drug's day's most (a `drug` row) over its doses a day. A "qNh"
  or "every N hours" interval is 24 / N doses a day and "every N minutes" 1440 / N (a range,
  "q4-6h", by its longer interval: the label's own wording of a usual dose); "x N" doses (no time
  unit after it) are N; a `frequency` row ("bid", "qid", "hourly") says its own. Units, not
  clinical facts: the clinical fact is the day's most, a row with its source.
- A death phrase (`plan_dose_death`: "until he dies", "to die") after a count in its clause makes
  a plan of it at any count ("Plan: take 4 tylenol until he dies" gave no card), unless a
  `plan_dose_death_denial` word ("denies", "not") stands between them.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping import stated_terms
from fhir_mapping.text_bounds import DOSE_CLAUSE_OR_COMMA, first_piece
from fhir_mapping.text_negation import term_pattern

__all__ = ["day_most", "day_total", "death_after"]

# "q1h", "q 2 hr", "q4-6h", "every 3 hours", "every 30 minutes", "q15min": an interval.
_INTERVAL = re.compile(
    r"\b(?:q|every)\s*(\d+)(?:\s*(?:-|to)?\s*(\d+))?\s*"
    r"(h|hrs?|hours?|m|mins?|minutes?)\b"
)
# "x 10", "x10 doses": a number of doses; "x 3 days" is a course's length, no doses counted.
_TIMES = re.compile(
    r"\bx\s*(\d+)(?![\d.])(?!\s*(?:d|days?|wks?|weeks?|mo|months?|hrs?|hours?|mins?|minutes?)\b)"
)


@cache
def _rates() -> dict[str, tuple[tuple[re.Pattern[str], int], ...]]:
    """The rows of data/everyday_dose_rates.csv by kind: `drug` (a name and its most tablets a
    day), `frequency` (a dosing word and its doses a day)."""
    data = resources.files("fhir_mapping").joinpath("data/everyday_dose_rates.csv")
    found: dict[str, list[tuple[re.Pattern[str], int]]] = {}
    for row in csv.DictReader(data.read_text("utf-8").splitlines()):
        found.setdefault(row["kind"], []).append((term_pattern(row["term"]), int(row["number"])))
    return {kind: tuple(rows) for kind, rows in found.items()}


def _doses_a_day(words: str) -> float | None:
    """The doses a day (or in all, "x N") the dosing words state, the most any states; None when
    none does."""
    found: list[float] = []
    for m in _INTERVAL.finditer(words):
        every = max(int(m.group(1)), int(m.group(2) or 0))
        if every > 0:
            found.append((24 if m.group(3).startswith("h") else 1440) / every)
    found.extend(int(m.group(1)) for m in _TIMES.finditer(words))
    found.extend(n for p, n in _rates().get("frequency", ()) if p.search(words))
    return max(found, default=None)


def day_most(name_and_after: str, fallback: int) -> int | None:
    """The most tablets one dose may hold of the everyday analgesic `name_and_after` opens with,
    at the frequency the words after it in their clause state: its `drug` row's day's most (else
    `fallback`) over the doses a day; None when no frequency is stated (module docstring)."""
    clause = first_piece(name_and_after, DOSE_CLAUSE_OR_COMMA)
    doses = _doses_a_day(clause)
    if doses is None:
        return None
    day = next((n for p, n in _rates().get("drug", ()) if p.match(clause)), fallback)
    return int(day // doses)


def day_total(name: str) -> int | None:
    """The most tablets a day of the everyday analgesic `name` opens with (its `drug` row), None
    for any other word: a past act's share of it (self_harm_taken._shares, fix text55b)."""
    return next((n for p, n in _rates().get("drug", ()) if p.match(name)), None)


def death_after(words: str) -> bool:
    """Whether a `plan_dose_death` phrase stands in the clause `words` open, with no
    `plan_dose_death_denial` word before it ("take 4 tylenol until he dies"; module docstring)."""
    clause = first_piece(words, DOSE_CLAUSE_OR_COMMA)
    for p in stated_terms.patterns("plan_dose_death"):
        m = p.search(clause)
        if m is not None:
            before = clause[: m.start()]
            denied = stated_terms.patterns("plan_dose_death_denial")
            if not any(d.search(before) for d in denied):
                return True
    return False
