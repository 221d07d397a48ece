"""Metal or a foreign body in the head or eye, read from a fragment word beside a site word
(data/tms_head_metal_words.csv; review K63a findings 2-3, fix tms57).

The caution rows of tms_safety_terms.csv ("shrapnel", "bullet fragment*", "metallic foreign
body") are for metal whose site the chart does not state: the TMS service asks where it is. When
the same clause names the head, brain, skull, eye, orbit or face ("Retained bullet fragment in
brain", "Metallic fragment right orbit", "Ocular foreign body, metallic", "GSW to head with
retained fragments"), the site IS stated and it is within 30 cm of the coil (NeuroStar IFU; LCD
L34998/L37086): the screen holds the referral as it does "metal in head". Safer to hold: the
TMS service can still take the patient once it has checked, while a one-click referral beside
metal in the orbit was the finding. "Shrapnel in neck" names no such site and stays a caution.

A clause ends at a full stop, semicolon or comma (text_bounds.CLAUSE): "Shrapnel in leg, head CT
normal" pairs nothing. Neither word may be negated ("no metal in eye") nor inside an `exclude`
phrase of tms_safety_terms.csv ("foreign body sensation").

Removed is not retained (session 40 review K64a finding 4, fix tms61): "Corneal foreign body,
removed 2015" and "Foreign body in eye, removed in ED, no retained fragment" were held as metal in
the eye, steering to ECT. A `removed` word anywhere in the entry, or a resolved entry whose only
fragment word is a `resolves` one (T15.01XA "Foreign body in cornea, right eye", abated), makes it
a caution the TMS service screens (`said_removed`), not an absolute hold: it still asks, as a
fragment can be left behind. A `kept` word ("partially", "residual", "retained" asserted)
keeps the hold. "Intraocular foreign body" (a tms_safety_terms.csv absolute row) and
"retained metal fragment left eye" stay absolute.

Removed of THAT metal (session 41 review K66a finding 3, fix tms62): a `removed` word anywhere
made "shrapnel removed 2010; metal in skull" and "bullet fragment in brain, removed bullet from
arm" a caution, TMS offered beside metal in the skull. Now each clause pairing a fragment with a
head site must be said removed itself: by a `removed` word in that clause, or in a following
clause that names no fragment of its own ("Corneal foreign body, removed 2015"); a clause that
names another fragment ("removed bullet from arm") speaks of that one. A `planned` phrase ("to be
removed") is no removal. Each clause is searched on its own, so "fragment removed from hand,
retained fragment in orbit" reads the orbit's fragment (the proximity term "retained ~
fragment*" had taken "fragment removed from hand, retained" and hidden it). Safer: any doubt
holds, and the TMS service can still take the patient once it has checked.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.safety_term_words import asserted, phrase
from fhir_mapping.text_bounds import CLAUSE
from fhir_mapping.text_negation import negated, normalise_text


@dataclass(frozen=True, slots=True)
class HeadMetalWords:
    fragment: re.Pattern[str]  # any `fragment` word
    site: re.Pattern[str]  # any `site` word
    removed: re.Pattern[str]  # any `removed` word: the entry says it was taken out (fix tms61)
    kept: re.Pattern[str]  # any `kept` word: some stays though removed is said (fix tms61)
    resolves: re.Pattern[str]  # a `resolves` fragment: gone once the entry is resolved (tms61)
    planned: re.Pattern[str]  # a `planned` phrase: removal to come, not done (fix tms62)
    what: str  # the finding's name, as the table writes it
    source: str
    status: str


@cache
def words() -> HeadMetalWords:
    text = resources.files("fhir_mapping").joinpath("data/tms_head_metal_words.csv")
    rows = list(csv.DictReader(text.read_text("utf-8").splitlines()))

    def either(kind: str) -> re.Pattern[str]:
        terms = [phrase(normalise_text(r["word"])).pattern for r in rows if r["kind"] == kind]
        return re.compile("|".join(f"(?:{t})" for t in terms))

    first = next(r for r in rows if r["kind"] == "fragment")
    return HeadMetalWords(
        either("fragment"),
        either("site"),
        either("removed"),
        either("kept"),
        either("resolves"),
        either("planned"),
        first["what"],
        first["source"],
        first["status"],
    )


def _clauses(text: str) -> list[tuple[int, int]]:
    """The clauses of `text` (text_bounds.CLAUSE) as spans."""
    bounds = [0, *(m.end() for m in CLAUSE.finditer(text)), len(text) + 1]
    return [(a, b - 1) for a, b in zip(bounds, bounds[1:], strict=False)]


def _reading(text: str, excluded: Sequence[tuple[int, int]]) -> tuple[list[bool], list[bool]]:
    """Per clause of normalised `text`: does it assert a fragment word, and a fragment beside a
    head site (a pair: metal in the head)."""
    table = words()
    fragment: list[bool] = []
    head: list[bool] = []
    for span in _clauses(text):
        found = next(asserted(text, table.fragment, excluded, span), None) is not None
        fragment.append(found)
        head.append(found and next(asserted(text, table.site, excluded, span), None) is not None)
    return fragment, head


def metal_in_head(text: str, excluded: Sequence[tuple[int, int]]) -> bool:
    """A fragment word and a site word in one clause of normalised `text`, neither negated nor
    inside an `excluded` span."""
    if next(asserted(text, words().fragment, excluded), None) is None:
        return False  # nearly every text: no site to look for
    return any(_reading(text, excluded)[1])


def names_fragment(text: str) -> bool:
    """Does `text` (a screened finding's display) name retained metal or a foreign body? The TMS
    card's criterion line then never says no metal was recognised (fix tms57)."""
    return next(asserted(normalise_text(text), words().fragment, ()), None) is not None


def _removed_in(text: str, span: tuple[int, int]) -> bool:
    """A `removed` word in this clause of normalised `text` that says the removal was done: not
    negated ("not removed"), not inside a `planned` phrase ("to be removed"; fix tms62)."""
    table = words()
    planned = [(m.start(), m.end()) for m in table.planned.finditer(text)]
    # Not `asserted`: "no retained" holds its own negation (`negated_inside` would drop it);
    # "not removed" is still negated before the word.
    return any(
        not negated(text, m.start(), m.end(), own_clause=True)
        and not any(a <= m.start() and m.end() <= b for a, b in planned)
        for m in table.removed.finditer(text, *span)
    )


def said_removed(text: str, excluded: Sequence[tuple[int, int]], active: bool) -> bool:
    """Whether the metal `metal_in_head` read in normalised `text` is said to be out: every
    clause pairing a fragment with a head site said removed in it or in the fragment-less
    clauses after it (fix tms62), or (`active` False: a resolved or inactive entry) every
    asserted fragment word a `resolves` one (module docstring; fix tms61)."""
    table = words()
    if next(asserted(text, table.kept, excluded), None) is not None:
        return False  # "partially removed", "removal not possible", "retained": held
    clauses = _clauses(text)
    fragment, head = _reading(text, excluded)
    removed = [_removed_in(text, span) for span in clauses]

    def out(i: int) -> bool:
        # Its own clause, then each following one until a clause names a fragment of its own:
        # "removed bullet from arm" speaks of the arm's bullet, not the brain's.
        if removed[i]:
            return True
        for j in range(i + 1, len(clauses)):
            if fragment[j]:
                return False
            if removed[j]:
                return True
        return False

    pairs = [i for i, pair in enumerate(head) if pair]
    if pairs and all(out(i) for i in pairs):
        return True
    if active:
        return False
    spans = list(asserted(text, table.resolves, excluded))
    return all(
        any(a <= s and e <= b for a, b in spans)
        for s, e in asserted(text, table.fragment, excluded)
    )
