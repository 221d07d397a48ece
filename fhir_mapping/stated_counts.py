"""A count of tablets written as an estimate, a word or a strength's multiple, rewritten as the
plain count the count rules read (session 33 fix text50a, recheck K35b finding 4, UNSAFE).

"Took approx 30 ativan", "Took ~30 ativan", "Took twenty ativan", "Took ativan 1mg x 30" and
their "plan to take" forms gave no card (TMS offered) while "Took 30 ativan" was critical: the
count rules (stated_dosing.py, self_harm_taken.py) read only digits right after the verb. ED
notes give estimates. `plain` now drops a `count_approx` word ("approx", "about", "~") before a
number, writes a data/count_words.csv word as its number ("twenty" 20, "twenty five" 25, "a
dozen" 12; fix text52: "dozens", "a few dozen" 24, a number before "dozen" or "hundred" multiplies
it, "2 dozen" 24, and ">", "over", "more than" are `count_approx` words too; fix text53a: a range
before it by its low end, "2-3 dozen" 24) and, with `times`, reads "<drug> <strength> x N" after "take" or opening an object
as N tablets of it ("take ativan 1mg x 30" as "take 30 of ativan 1mg"); "x N" before a time
("x 3 days") or more words stays as it was. The rules that then read the count are the same
ones, not a copy: "Took about 2 tylenol for headache" is a dose as "Took 2 tylenol" is.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping import stated_terms
from fhir_mapping.text_negation import normalise_text

__all__ = ["plain"]

# "x 30", "x30", "x 30 tabs" closing an object after "take" or at its start: N tablets of it.
_TIMES = re.compile(
    r"(?P<lead>\btak(?:e|es|ing)\s+|^)(?P<obj>[a-z][^,;.&+]*?)\s+x\s*(?P<n>\d+)(?![\d.])"
    r"(?:\s*(?:tabs?|tablets?|pills?|caps?|capsules?))?(?=\s*(?:$|[,;.&+]|\band\b|\bthen\b))"
)
# A word that counts in groups ("2 dozen", "3 hundred"): a number before it is multiplied (fix
# text52, recheck K36b finding 2: "swallowed 2 dozen tabs" was silent). Words of English, not
# clinical facts.
_GROUP_WORDS = r"dozen|hundred"
_GROUP = r"(?P<group>" + _GROUP_WORDS + r")\b"


@cache
def _grouped() -> re.Pattern[str]:
    """A number before a group word, or a range of two ("2-3 dozen", read "2 3 dozen" once the
    hyphen is a space; "2 to 3 dozen" with a `count_range` word): the range's low end counts
    (fix text53a: "took 2-3 dozen pills" read as "took 2 36 pills", a count of 2, and was quiet,
    TMS offered, while "took 2 dozen pills" was critical)."""
    words = [normalise_text(t) for t in stated_terms.terms("count_range")]
    joint = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    between = r"\s+" if not words else r"\s+(?:(?:" + joint + r")\s+)?"
    # A one-word count word but a group word is a number here too ("two to three dozen"): read
    # before the count words are, so the range's low end, not "three dozen" alone, is read.
    single = "|".join(
        re.escape(w)
        for w in sorted(_words(), key=len, reverse=True)
        if " " not in w and not re.match(_GROUP_WORDS, w)
    )
    number = r"(?:\d+|(?:" + single + r")\b)"
    return re.compile(r"\b(?P<n>" + number + r")(?:" + between + number + r")?\s*" + _GROUP)


def _group_product(found: re.Match[str]) -> str:
    n = found.group("n")
    return str((int(n) if n.isdigit() else _words()[n]) * _words()[found.group("group")])


@cache
def _words() -> dict[str, int]:
    text = resources.files("fhir_mapping").joinpath("data/count_words.csv").read_text("utf-8")
    return {normalise_text(r["word"]): int(r["number"]) for r in csv.DictReader(text.splitlines())}


@cache
def _word_pattern() -> re.Pattern[str]:
    """The count words, the longest first, a tens word with a unit word after it in one match."""
    words = sorted(_words(), key=len, reverse=True)
    body = "|".join(re.escape(w) for w in words)
    units = "|".join(re.escape(w) for w, n in _words().items() if n < 10 and " " not in w)
    return re.compile(r"\b(?P<word>" + body + r")(?: (?P<unit>" + units + r"))?\b")


@cache
def _approx() -> re.Pattern[str] | None:
    """The `count_approx` words ("approx", "about", "~") right before a number."""
    words = [normalise_text(t) for t in stated_terms.terms("count_approx")]
    if not words:
        return None
    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![\w~])(?:" + body + r")\s*(?=\d)")


def _number(found: re.Match[str]) -> str:
    number = _words()[found.group("word")]
    unit = found.group("unit")
    # Only a tens word takes a unit word after it ("twenty five"); "one two" stays two counts.
    if unit is not None and number >= 20 and number % 10 == 0 and number < 100:
        return str(number + _words()[unit])
    return str(number) + ("" if unit is None else " " + str(_words()[unit]))


def plain(text: str, *, times: bool = False) -> str:
    """`text` (normalised) with each estimate or count word as its number (module docstring),
    and with `times` each "<drug> <strength> x N" after "take" or opening it as "N of ..."."""
    text = _grouped().sub(_group_product, text)
    text = _word_pattern().sub(_number, text)
    approx = _approx()
    if approx is not None:
        text = approx.sub("", text)
    if times:
        text = _TIMES.sub(lambda m: f"{m.group('lead')}{m.group('n')} of {m.group('obj')}", text)
    return text
