"""A list of qualifiers sharing one term: a denial before the list governs the term after it
(session 35 fix text62, review K46a and fix text60's report).

"Denies thoughts of, or plans to, harm herself or others", "denies plan to, or intent to, kill
himself", "Denies any thoughts of, intent to, or plan to harm self", "denies thoughts or plans to
hurt herself" are standard ROS denials, yet each gave the critical suicide-risk card and withheld
TMS: the term is read from the qualifier nearest it ("plans to", and since fix text58's step of
zero words, a "," after it is a step's link), and the denial stands more than NegEx's five words
before it, or in another part of the list (self_harm_scope.py ends the denial's reach at an "or"
before a part with a verb). A qualifier ending in its preposition ("thoughts of,", "intent to,")
is unfinished: its object is the term after the list, so the list is one qualifier.

The rule: before a qualifier of two or more words (an `ideation_lead` row: "plan to", "thoughts
of", "wish to"), the items of the same kind before it, each joined by a ",", "or", "and" or ", or",
are blanked (same length, positions stay), and so is a "," right after the qualifier; what is
left is the last qualifier and its term, with the denial before the list now within its reach
("denies [...] plans to harm herself"). A bare noun (`lead_list_noun`: "thoughts", "intent") is an
item only before a word joint ("thoughts or plans to", "thoughts, intent or plan to") and only
before another noun's qualifier: "Denies plan, wants to kill herself" (a denied plan, then a wish
stated) and "denies plan and would kill herself" keep their term read, the safer error. A
`lead_list_quantifier` ("any") may open an item. A clause of its own before the qualifier ("denies
SI, plan to go home and kill herself") is no item and changes nothing; nor does "but" ("no
thoughts of self-harm but plan to overdose"). Read by self_harm_text.py (od_lookalike's blanking)
and diagnosis_text.py (ideation_lookalike's), so both readers see the same words.
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import self_harm_terms
from fhir_mapping.self_harm_ideation import lead_body
from fhir_mapping.text_bounds import SENTENCE, span_after
from fhir_mapping.text_negation import normalise_text

__all__ = ["blank_lead_lists"]

# The joints of a list of qualifiers: ",", ", or", ", and", "or", "and".
# "and/or" too ("denies thoughts and/or plans to hurt herself": review K48a noise, fix text65).
_JOINT = r"(?:\s*,\s*(?:(?:and/or|or|and)\s+)?|\s+(?:and/or|or|and)\s+)"
_WORD_JOINT = re.compile(r"\b(?:or|and)\b")


def _words(role: str) -> str:
    words = sorted((normalise_text(t) for t in self_harm_terms.terms(role)), key=len, reverse=True)
    return "|".join(re.escape(w) for w in words) or "(?!)"


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The qualifier a list ends in, an item and its joint ending where the next item starts, and
    the nouns (module docstring)."""
    leads = tuple(
        t for t in map(normalise_text, self_harm_terms.terms("ideation_lead")) if " " in t
    )
    body = lead_body(leads) if leads else "(?!)"
    quantifier = r"(?:(?:" + _words("lead_list_quantifier") + r")\s+)?"
    nouns = _words("lead_list_noun")
    last = re.compile(r"(?<![\w'])" + quantifier + r"(?:" + body + r")\b")
    item = re.compile(
        r"(?<![\w'])(?P<item>"
        + quantifier
        + r"(?:(?P<lead>"
        + body
        + r")|(?P<noun>"
        + nouns
        + r")))(?P<joint>"
        + _JOINT
        + r")$"
    )
    return last, item, re.compile(quantifier + r"(?:" + nouns + r")\b")


def _list_start(text: str, start: int) -> int:
    """Where the list of qualifiers ending with the one at text[start] starts (`start` if none)."""
    _, item, noun = _patterns()
    worded = False
    first = start
    while (found := item.search(text[:first])) is not None:
        if found.group("noun") is not None and found.group("lead") is None:
            # A bare noun: only before a noun's qualifier, in a list with a word joint.
            worded = worded or bool(_WORD_JOINT.search(found.group("joint")))
            if not noun.match(text, first) or not worded:
                break
        worded = worded or bool(_WORD_JOINT.search(found.group("joint")))
        first = found.start()
    return first


def _continued(text: str, first: int, last: int, after: int) -> int:
    """`first`, or the start of a "," right before it when the list opens with a bare noun and has
    a word joint: such a list continues a denial's list ("Denies SI, thoughts or plans to hurt
    herself", "denies SI/HI, thoughts or plans to harm self or others" were critical, TMS
    withheld: review K48a noise, session 35 fix text65), so the comma is blanked and the denial
    reaches the term. A qualifier with no list before it is no continuation: "denies SI, plan to
    go home and kill herself" stays read (`first` is then the qualifier itself, and no list is
    blanked at all). Only after a denied suicidal-ideation item (`lead_list_si`: "SI", "SI/HI"),
    and only of a `lead_list_generic` act ("hurt", "harm", "kill") with no `clause_time` word
    after it in its sentence: "denies HI, thoughts and plans to hang herself tonight", "denies
    pain, thoughts and plans to jump off a bridge", "Denies SI, thoughts and plans to hang herself"
    were quiet, TMS offered, once any denied item continued (review K49a s35 finding 2)."""
    _, _, noun = _patterns()
    if not noun.match(text, first) or not _WORD_JOINT.search(text, first, last):
        return first
    comma = re.search(r"(?<=\w),\s*$", text[:first])
    if comma is None or not _si_before(text[: comma.start()]):
        return first
    sentence = span_after(text, after, SENTENCE)
    generic, time = _continuation_words()
    if not generic.match(sentence.lstrip()) or time.search(sentence):
        return first
    return comma.start()


@cache
def _continuation_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The generic acts a continued list may end in, and the words of time that keep it read."""
    generic = re.compile(r"(?:" + _words("lead_list_generic") + r")\w*\b")
    time = re.compile(r"(?<![\w'])(?:" + _words("clause_time") + r")\b")
    return generic, time


def _si_before(head: str) -> bool:
    """Whether the item right before the list's comma is a suicidal-ideation word (`lead_list_si`)."""
    found = re.search(r"(?:" + _words("lead_list_si") + r")\s*$", head)
    return found is not None and (found.start() == 0 or not head[found.start() - 1].isalnum())


def blank_lead_lists(text: str) -> str:
    """`text` (normalised) with each list of qualifiers blanked but its last qualifier, and a ","
    right after that one (module docstring), same length."""
    last, _, _ = _patterns()
    for found in reversed(list(last.finditer(text))):
        first = _list_start(text, found.start())
        if first == found.start():
            continue
        first = _continued(text, first, found.start(), found.end())
        comma = re.match(r"\s*,(?=\s*\w)", text[found.end() :])
        end = found.end() + comma.end() if comma else found.end()
        text = (
            text[:first]
            + " " * (found.start() - first)
            + text[found.start() : found.end()]
            + " " * (end - found.end())
            + text[end:]
        )
    return text
