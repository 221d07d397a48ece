"""The words of data/stated_history_terms.csv by role, compiled once (stated_history.py,
stated_heading.py, stated_sa.py read the same table; each had its own loader), and the blanking
of a role's phrases the readers share."""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.text_bounds import SENTENCE, span_after
from fhir_mapping.text_negation import normalise_text, term_pattern

__all__ = ["absent_blanked", "blanked", "pattern", "patterns", "terms"]


def pattern(term: str) -> re.Pattern[str]:
    """`term_pattern`, and a term of punctuation (":", "+") as itself: it has no word boundary."""
    return term_pattern(term) if term[:1].isalnum() else re.compile(re.escape(term))


@cache
def _by_role() -> dict[str, tuple[re.Pattern[str], ...]]:
    data = resources.files("fhir_mapping").joinpath("data/stated_history_terms.csv")
    found: dict[str, list[re.Pattern[str]]] = {}
    for row in csv.DictReader(data.read_text("utf-8").splitlines()):
        found.setdefault(row["role"], []).append(pattern(normalise_text(row["term"])))
    return {role: tuple(found_role) for role, found_role in found.items()}


def patterns(role: str) -> tuple[re.Pattern[str], ...]:
    """The compiled terms of one role, in table order; () for a role with no rows."""
    return _by_role().get(role, ())


@cache
def terms(role: str) -> tuple[str, ...]:
    """The raw terms of one role (a number a rule compares with: `plan_take_most`)."""
    data = resources.files("fhir_mapping").joinpath("data/stated_history_terms.csv")
    rows = csv.DictReader(data.read_text("utf-8").splitlines())
    return tuple(row["term"] for row in rows if row["role"] == role)


def blanked(text: str, role: str) -> str:
    """`text` with each `role` phrase blanked, the same length (positions kept)."""
    for p in patterns(role):
        text = p.sub(lambda m: " " * len(m.group()), text)
    return text


def absent_blanked(text: str) -> str:
    """`text` with each `current_absent` phrase ("none since", "none recently": nothing happened
    since a past act) blanked, so its present word ("since", "recently") keeps no past act
    current (fix eye43); not one a `contrast` word ("but") follows in its sentence: "Cutting
    2019, none recently but urges daily" states a present after it (recheck K32b s32, od46 had
    dropped "none recent*" for it; session 33 fix text48b restored the row with this rule)."""

    def blank(found: re.Match[str]) -> str:
        rest = span_after(text, found.end(), SENTENCE)
        if any(p.search(rest) for p in patterns("contrast")):
            return found.group()
        return " " * len(found.group())

    for p in patterns("current_absent"):
        text = p.sub(blank, text)
    return text
