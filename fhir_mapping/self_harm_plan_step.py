"""An act or event word that a plan's step leads to is the plan, not the act (session 35 fix
text61, review K46a).

"plan to overdose" named suicidal ideation with a plan (self_harm_ideation.qualified: the term
right after its qualifier), while "plan to go home and overdose" gave the card "Overdose, intent
not recorded": an overdose that happened. Fix text51b let an everyday step stand between the
qualifier and an `ideation_object` term ("plan to go home and kill himself": `stepped`), but the
event reader (self_harm_denial._said) still asked only for a qualifier right before. An act or
event term is now a thought too where an `ideation_object` term starts at the same place after a
qualifier and a step (the verb "overdose", "od", "set herself on fire" are such rows).

Only a step joined by a word ("and", "then", "to") counts: after a "," or ";" link the words may
be a clause of their own ("Plan to admit; overdose of sertraline 2 days ago" stays the
overdose), and a past tense is no `ideation_object` row ("wanted to sleep and overdosed" stays
the overdose, as "wanted to sleep and took 30 pills" does). Either reading is the critical card
with no TMS offered; only the card's words differ.

Fix text63 (review K47a s35 finding 8): a plan of several steps joined by commas ("plan to go to
the store, buy pills and overdose, denies intent", "plan to go home, not eat, and stop her meds
and then overdose on them") gave "Overdose, intent not recorded": an overdose that happened. A
comma inside the steps is read as a link too (`plan_stepped`), so long as a word link stands
right before the term; a "," or ";" right before it still leaves the term its own clause.
`plan_stepped` is also what self_harm_text.ideation reads, so the plan is raised as the thought
it is (a term taken from the act reader and read by nothing would be quiet).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache, lru_cache

from fhir_mapping import self_harm_terms
from fhir_mapping.self_harm_ideation import lead_body, qualified, stepped, term_regex
from fhir_mapping.self_harm_subject import says_self_harm

__all__ = ["ended", "plan_stepped", "planned"]

# A "," or ";" right before the term: the term may open a clause of its own (fix text63). Only
# the link: a comma inside a list of steps joined by "and" ("plan to go to the store, buy pills,
# and overdose") is a step's (fix text62, self_harm_ideation.step; fix text63, `plan_stepped`).
_PUNCTUATION_BEFORE = re.compile(r"[,;]\s*$")
# Fix text67 (session 35 leftover, WRONG): "plan to write a note, overdose", "denied plan to, but
# now intends to, overdose" gave "Overdose, intent not recorded": an overdose that happened. After
# a "," the term is the plan's step when it closes its clause (nothing but the end or a mark after
# it); "Plan to admit, overdose of sertraline 2 days ago" (words after it) stays its own clause,
# and a ";" is still always one. Either reading is critical with no TMS; only the card's words.
_COMMA_BEFORE = re.compile(r",\s*$")
_CLOSES = re.compile(r"\s*(?:[.;,:)]|$)")


@cache
def _objects() -> tuple[re.Pattern[str], ...]:
    return tuple(term_regex(term) for term in self_harm_terms.terms("ideation_object"))


def plan_stepped(text: str, terms: Sequence[re.Pattern[str]]) -> list[tuple[re.Match[str], int]]:
    """`stepped`, and each term after a qualifier and steps joined by commas whose last link
    before the term is a word ("plan to go to the store, buy pills and overdose": module
    docstring, fix text63). The commas are read as spaces (same length, so positions stay)."""
    found = [(m, lead) for m, lead in stepped(text, terms) if not _object_first(text, lead, m)]
    seen = {m.start() for m, _ in found}
    spaced = text.replace(",", " ")
    for m, lead in stepped(spaced, terms):
        if m.start() in seen or _PUNCTUATION_BEFORE.search(text, lead, m.start()):
            continue
        if not _object_first(text, lead, m):
            found.append((m, lead))
    return found


@cache
def _lead_words() -> re.Pattern[str]:
    return re.compile(
        r"(?:" + (lead_body(tuple(self_harm_terms.terms("ideation_lead"))) or "(?!)") + r")\b"
    )


def _object_first(text: str, lead: int, m: re.Match[str]) -> bool:
    """Whether the qualifier at `lead` already has a self-harm object before a comma on the way to
    `m` ("denies thoughts of suicide, searched how to overdose" read "searched how to" as a step
    of "thoughts of", denied with it, while "denies SI, searched how to overdose" was critical:
    recheck K52a s36 finding 2, fix text72). A step is an everyday act leading to the method
    ("plan to go home, get his gun, shoot himself"); a thought that names its self-harm has no
    step, and what follows the comma is a statement of its own, read as such (the safer one)."""
    comma = text.find(",", lead, m.start())
    if comma < 0:
        return False
    qualifier = _lead_words().match(text, lead)
    return says_self_harm(text[lead if qualifier is None else qualifier.end() : comma])


@lru_cache(maxsize=1024)
def _stepped_starts(text: str) -> frozenset[int]:
    """Where an `ideation_object` term starts after a qualifier and steps whose last link before
    it is a word (module docstring)."""
    return frozenset(
        m.start() for m, lead in plan_stepped(text, _objects()) if not _own_clause(text, lead, m)
    )


def _own_clause(text: str, lead: int, m: re.Match[str]) -> bool:
    """Whether a "," or ";" right before the term leaves it a clause of its own (fix text67:
    after a "," only when words other than a mark follow it in its clause)."""
    if not _PUNCTUATION_BEFORE.search(text, lead, m.start()):
        return False
    closed = _CLOSES.match(text, m.end()) is not None
    return not (closed and _COMMA_BEFORE.search(text, lead, m.start()))


def planned(text: str, start: int) -> bool:
    """Whether the act or event term starting at text[start] (`normalise_text` output) is a
    thought: right after an ideation qualifier (`qualified`), or where an `ideation_object` term
    follows a qualifier and a step (module docstring)."""
    return qualified(text, start) or start in _stepped_starts(text)


@cache
def _ends() -> tuple[tuple[re.Pattern[str], ...], re.Pattern[str], tuple[re.Pattern[str], ...]]:
    """The `ideation_end` terms, the `ideation_end_modal` leads, and the `ideation_object` terms
    read anywhere in a step (no closing "$"): `ended`."""
    ends = tuple(term_regex(t) for t in self_harm_terms.terms("ideation_end"))
    modals = lead_body(tuple(self_harm_terms.terms("ideation_end_modal"))) or "(?!)"
    means = tuple(term_regex(t.rstrip("$")) for t in self_harm_terms.terms("ideation_object"))
    return ends, re.compile(r"(?:" + modals + r")\b"), means


def ended(text: str) -> list[tuple[re.Match[str], int]]:
    """Each `ideation_end` term ("die" closing its clause) after a qualifier and a step, with
    where its qualifier starts (fix text67: "plan to write a note, take her pills, and die", "pt
    will follow up with PCP and take all her pills and die" were quiet, TMS offered). Never
    right after a qualifier: a "die$" row made "afraid she will die" critical, a fear. After an
    `ideation_end_modal` lead ("will", "might") the step must hold a method (an `ideation_object`
    term: "take all her pills"), so "afraid she will fall and die" stays a fear; after a plan,
    wish or thought ("plan to", "wants to") the step is the plan's (a wish to die)."""
    ends, modal, means = _ends()
    found = []
    for m, lead in plan_stepped(text, ends):
        if _own_clause(text, lead, m):
            continue
        if modal.match(text, lead) and not any(p.search(text, lead, m.start()) for p in means):
            continue
        found.append((m, lead))
    return found
