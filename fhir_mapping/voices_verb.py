""" "Voices" written as a verb ("pt voices understanding", "Pt voices saying she wants to go home",
"pt voices told to RTC", "Pt voices instructions understood"): blanked before the diagnosis terms
are read (recheck K70a finding 5, session 42 fix text109).

The psychotic rows "voices tell*", "voices say*", "voices order*", "voices instruct*" (fix
text107, data/diagnosis_terms.csv) read every such pair as a command hallucination, and a note's
everyday verb raised the psychotic-features card and held the TMS referral. Decision: a
"voices" followed by one of those verbs is the noun, and read, when a `noun_lead` word stands in
the two words before it in its clause ("hears voices telling", "the voices say", "AH, command
voices"), when an `addressee` and a `link` follow the verb ("voices telling him to kill the
neighbour", "voices say that she should"), or when it opens a command to harm oneself
(command_hallucination.py: "voices say go kill yourself"). Otherwise it is the verb and blanked
(length kept). A psychotic "voices" written in none of these ways ("voices saying things") is
missed by the rows only: "hearing voices", "AH" and the other psychotic rows still read it.
The words are data (data/command_hallucination_terms.csv, roles `noun_lead`, `addressee`,
`link`, `voice_verb`, `object_addressee`, `verb_subject`).

Fix text112 (K72a finding 4): "voices telling him he is evil" and "voices telling her nobody
would miss her" were blanked (no lead word, no link): the psychotic-features card was lost and
TMS offered. A note's everyday verb is "pt voices <a noun>" ("understanding", "concerns"); a
voice told to someone is the hallucination. So an `object_addressee` ("him", "her", "pt") right
after the verb makes "voices" the noun with no link; a subject pronoun (`addressee`: "she",
"he") right after it does too unless a `verb_subject` ("pt", "she", "mother") stands right
before "voices" ("Pt voices saying she wants to go home" is the patient speaking;
"voices saying she is evil" is a voice). The psychotic card is the safer error where unsure: it
holds the TMS referral until psychosis is assessed.
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping.command_hallucination import commands_self_harm, role_words
from fhir_mapping.text_bounds import CLAUSE, span_before

__all__ = ["blank_voices_verb"]

# The words before "voices" that are read (a hearing verb or an article is the word before it
# or the one before that: "hears the voices telling", "AH, command voices").
_NEAR_WORDS = 2
_WORD = re.compile(r"[a-z0-9+/]+")


@cache
def _voices() -> re.Pattern[str]:
    return re.compile(rf"\bvoices\s+(?:{role_words('voice_verb')})")


@cache
def _addressed() -> re.Pattern[str]:
    that = r"(?:\s+that)?"
    return re.compile(rf"{that}\s+(?:{role_words('addressee')}){that}\s+(?:{role_words('link')})")


@cache
def _lead() -> re.Pattern[str]:
    return re.compile(rf"(?:{role_words('noun_lead')})")


@cache
def _object() -> re.Pattern[str]:
    return re.compile(rf"(?:\s+that)?\s+(?:{role_words('object_addressee')})")


@cache
def _subject() -> re.Pattern[str]:
    return re.compile(rf"(?:\s+that)?\s+(?:{role_words('addressee')})")


@cache
def _spoken_by() -> re.Pattern[str]:
    return re.compile(rf"(?:^|\s)(?:{role_words('verb_subject')})\s*$")


def _noun(text: str, start: int, end: int) -> bool:
    """Whether the "voices" at `start` (its verb ending at `end`) is the noun (module docstring)."""
    clause = span_before(text, start, CLAUSE)
    before = _WORD.findall(clause)[-_NEAR_WORDS:]
    if any(_lead().fullmatch(w) for w in before):
        return True
    if _addressed().match(text, end) is not None or _object().match(text, end) is not None:
        return True
    if _subject().match(text, end) is not None and _spoken_by().search(clause) is None:
        return True
    return commands_self_harm(text[start:])


def blank_voices_verb(text: str) -> str:
    """`text` (normalised) with each "voices" written as a verb before a telling word blanked,
    same length (positions stay; module docstring)."""
    for m in reversed(list(_voices().finditer(text))):
        if not _noun(text, m.start(), m.end()):
            text = text[: m.start()] + " " * len("voices") + text[m.start() + len("voices") :]
    return text
