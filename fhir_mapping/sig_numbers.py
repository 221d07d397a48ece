"""Numbers a free-text sig writes in words or as halves, rewritten as digits for the sig readers
(dose_sig.normalise_sig; session 34 fix dose51, review K38b finding 1, UNSAFE).

A mixed number was read as its fraction: "Take 1 1/2 tablets by mouth 2 times daily" of
bupropion SR 200 mg became "take 1 0.5 tablets", read as 0.5 tablet (200 mg/day, not 600), so the
draft got no SR-ceiling (seizure risk) card; "one and one-half capsules" the same. Now a whole
number followed by a data/sig_number_words.csv `fraction` adds to it: "1 1/2", "1½", "1-1/2",
"2 1/2", "1 and 1/2", "one and a half", "one and one-half", "two and half". A fraction written in
words ("half", "one-half") joins a whole number only through "and": "1 half tablet" stays half a
tablet, as does "one half". A whole number after a word that numbers a step of a schedule ("week
1 1/2 tab, week 2 1 tab", "day 1 1/2 tab") is that step's number, not part of the dose: only the
fraction is read there."""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

__all__ = ["digits"]

# Words that number a step of a schedule ("week 1", "day 1", "step 1"): the number after them is
# the step's, never a dose's whole part. Words of English, not clinical facts.
_STEP_BEFORE = re.compile(r"(?:\b(?:days?|weeks?|wks?|months?|steps?|phase)|#)\s*$")
# The separators of a mixed number: a space, a hyphen ("1-1/2", as pharmacy labels write it), or
# "and" with or without "a" ("one and a half").
_AND = re.compile(r"\band\b")


@cache
def _words() -> tuple[dict[str, float], dict[str, float]]:
    """(whole-number words, fraction words): data/sig_number_words.csv by kind."""
    text = resources.files("fhir_mapping").joinpath("data/sig_number_words.csv").read_text("utf-8")
    wholes: dict[str, float] = {}
    fractions: dict[str, float] = {}
    for row in csv.DictReader(text.splitlines()):
        kind = fractions if row["kind"] == "fraction" else wholes
        kind[row["word"]] = float(row["number"])
    return wholes, fractions


def _alternation(words: dict[str, float]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _mixed() -> re.Pattern[str]:
    wholes, fractions = _words()
    frac = _alternation(fractions)
    return re.compile(
        rf"(?<![a-z0-9./,])(?:(?!(?:{frac})(?![a-z0-9/]))(?P<whole>\d+|{_alternation(wholes)})"
        rf"(?P<sep>\s*-\s*|\s+and\s+(?:a\s+)?|\s+))?(?P<frac>{frac})(?![a-z0-9/])"
    )


@cache
def _whole_words() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{_alternation(_words()[0])})\b")


def _number(value: float) -> str:
    return f"{value:g}"


def digits(text: str) -> str:
    """`text` (lower case) with its mixed numbers, fractions and number words as digits."""
    wholes, fractions = _words()

    def mixed(match: re.Match[str]) -> str:
        frac = fractions[match.group("frac")]
        whole_text = match.group("whole")
        if whole_text is None:
            return _number(frac)
        sep = match.group("sep")
        written = not re.search(r"[a-z]", match.group("frac"))
        joins = _AND.search(sep) is not None or written
        if not joins or _STEP_BEFORE.search(match.string[: match.start()]):
            return f"{whole_text}{sep}{_number(frac)}"
        whole = float(whole_text) if whole_text.isdigit() else wholes[whole_text]
        return _number(whole + frac)

    # "1½": the glyph stands apart from the whole number before it, as "1 1/2" does.
    text = text.replace("\u00bd", " \u00bd ")
    text = _mixed().sub(mixed, text)
    return _whole_words().sub(lambda m: _number(wholes[m.group(0)]), text)
