"""Look-alike phrases blanked only when the rest of their sentence names nothing else (session 35
fix text65, review K48a findings 1, 2, 4).

Fix text62 blanked "end* it early", "end* it with <partner>" and "jump* off the dock" wherever
they stood, so "wants to end it early with a gun", "thinking about ending it early, has a gun",
"wants to end it with her husband with his gun", "wants to end it with her boyfriend tonight",
"plan to jump off the dock and drown", "plan to jump off a dock tonight" and a bare "plan to jump
off the dock" were quiet, TMS offered. A phrase of these roles is blanked only when every word
after it in its sentence (up to a full stop or semicolon; a comma does not end it: ", has a gun")
is a `lookalike_filler` word ("to", "her", "today") or part of its kind's context phrase, and:
- `lookalike_work` ("end* it early"): nothing follows, or a `work_context` phrase does ("early
  today due to fatigue", "early, tired from her shift"); a time alone ("early tonight") or a means
  ("early with pills") keeps the words read;
- `lookalike_partner` ("end* it with <partner>"): nothing follows, or a `partner_context` phrase
  does (", tearful"); "with her husband watching", "... with his gun" stay read;
- `lookalike_recreation` ("jump* off the dock", "jump* in* the lake"): a `recreation` phrase
  ("friends", "swim", "to cool off") stands in the sentence and nothing but fillers and recreation
  follows; a bare dock or water plan is read: a jump from a dock or into deep water may be how a
  patient means to drown (ICD-10-CM X71), and a false critical card is the safer error.
Anything else in the sentence keeps the words read, the safer error.
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import self_harm_terms, stated_means
from fhir_mapping.self_harm_ideation import term_regex
from fhir_mapping.text_bounds import SENTENCE, span_after, span_before
from fhir_mapping.text_negation import normalise_text

__all__ = ["blank_context_lookalikes"]

_WORD = re.compile(r"[\w'/]+")
# A kind of look-alike: (its phrases' role, its context's role, whether the context must stand
# in the sentence even when nothing follows the phrase).
_KINDS = (
    ("lookalike_work", "work_context", False),
    ("lookalike_partner", "partner_context", False),
    ("lookalike_recreation", "recreation", True),
)


@cache
def _phrases(role: str) -> tuple[re.Pattern[str], ...]:
    return tuple(term_regex(t, timed=False) for t in self_harm_terms.terms(role))


@cache
def _context(role: str) -> re.Pattern[str]:
    terms = sorted((normalise_text(t) for t in self_harm_terms.terms(role)), key=len, reverse=True)
    body = "|".join(
        re.escape(t.rstrip("*")) + (r"\w*" if t.endswith("*") else r"\b") for t in terms
    )
    return re.compile(r"(?<![\w'])(?:" + (body or "(?!)") + r")")


@cache
def _fillers() -> frozenset[str]:
    return frozenset(normalise_text(t) for t in self_harm_terms.terms("lookalike_filler"))


def _other_meaning(
    text: str, start: int, end: int, context: re.Pattern[str], needed: bool, role: str
) -> bool:
    """Whether the phrase at text[start:end] names its other meaning (module docstring). Review
    K49a s35 findings 1, 3, 4 (each made a current plan quiet, TMS offered): a recreation word
    counts before the phrase only in its own clause after "with" ("with friends this weekend and
    jump off the dock"; not "can't swim, plans to jump in the river", "no friends, plans to ...");
    "end* it early" needs a `work_stated` word after it ("early, tired from her shift"; "wants to
    end it early, exhausted" is read: tiredness is also a symptom); and a `context_risk` word or a
    means before the phrase in its sentence keeps it read ("hopeless, wants to end it early", "has
    pills saved, wants to end it with her boyfriend, tearful")."""
    head = span_before(text, start, SENTENCE)
    tail = span_after(text, end, SENTENCE)
    if _risk_words().search(head) or stated_means.means(head):
        return False
    rest = context.sub(" ", tail)
    if any(w not in _fillers() for w in _WORD.findall(rest)):
        return False
    stated = rest != tail
    if role == "lookalike_work":
        return stated and _context("work_stated").search(tail) is not None
    if needed:
        clause = head.split(",")[-1]
        return stated or re.search(r"\bwith\b[^,]*?" + context.pattern, clause) is not None
    return stated or not _WORD.search(tail)


@cache
def _risk_words() -> re.Pattern[str]:
    return _context("context_risk")


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def blank_context_lookalikes(text: str) -> str:
    """`text` (normalised) with each context look-alike that names its other meaning blanked,
    same length (module docstring)."""
    for role, context_role, needed in _KINDS:
        context = _context(context_role)
        for pattern in _phrases(role):
            for m in list(pattern.finditer(text)):
                if _other_meaning(text, m.start(), m.end(), context, needed, role):
                    text = _blank(text, *m.span())
    return text
