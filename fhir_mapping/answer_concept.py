"""One PHQ-9 item answer given as a CodeableConcept: every reading it carries, and what it says
only when they all agree.

Review s22 RR2 finding 4: an item 9 answered `{local "3", display "Nearly every day"}` with the
concept's text "Not at all" was read as 0 (the text), and `LA6568-5` ("Not at all") with the
text "Nearly every day" as 0 (the first known code): a positive self-harm answer read as none,
and no risk card. A concept whose parts name different answers is not an answer this service
can vouch for; which part is right (a mis-mapped local list, a text typed over a default) is for
the clinician to check in the chart. So each part is read on its own (a LOINC answer code of
LL358-3, with or without its system; the display of any coding and the concept's text, each
compared as codes.answer_words compares them, exact display only) and:

- none names an answer -> None (unread, as before);
- all that name one name the same -> that answer, when a part that is read names it: a LOINC
  answer code, or the concept's text where the reader reads it (`words`: a row under a local
  code, screen_lookalike.listed_answer, reads it as it reads a valueString; a PHQ-9 item row
  under its LOINC code, score_values._value, since review s23 RO finding 1: an Oracle
  nomenclature answer with the text "More than half the days" under 44260-8 was unread, and the
  chart lost its item-9 hold). A coding's display only ever disagrees: it is never read on its
  own (a site's answer code with a display and no text stays unread);
- two name different answers -> None: the answer is unread, so the suicide-risk rule raises its
  "could not be read: check it in the chart" card (services/risk_evidence.py). The safer choice
  for the patient: never the lower reading silently, and not the higher one either (a card that
  claims a score the chart may not hold); the unread card says what to do. Since review K65b
  finding 0: unless every reading is 1 or more, then the lowest (`_all_positive_floor`).

A code of another (local) table is never read on its own nor set against the words: sites number
their answer lists differently (some from 1), so a local "1" beside "Not at all" is no
disagreement (screen_lookalike.py: a number under a code not known is not read). Words that are
no answer of the list ("see note") are neither a reading nor a disagreement.

Review s23 RR finding 2: LA6568-5 ("Not at all") with the text "3" or "Nearly every day (3)"
read 0, and no suicide-risk card came: only a text that IS an answer's words was set against
the code, so a text that says another answer in other words passed. A text or display now
disagrees whenever it NAMES another answer anywhere in it (`_named_in`): an answer's words as a
whole phrase ("Nearly every day (3)"), or a bare number on the item's scale ("3", "(2)"). Either
way round: LA6571-9 ("Nearly every day") with the text "0" is unread too. The safer reading: a
site's own numbering written into a text ("1 - Not at all" under LA6568-5) now reads as a
disagreement and asks for a look in the chart (a minute), where reading it as agreeing would
let a self-contradicting "Not at all (3)" pass as 0. Such a mention is never a reading on its
own: "Nearly every day (3)" with no LOINC code stays unread, as any text that is not exactly an
answer's words is (codes.answer_words).

Review s23 RR2 findings 1 and 2: a text under LA6568-5 that names another answer in OTHER words
("Nearly everyday", "More than half of the days", "several day", "Daily thoughts", "Yes -
passive SI") still read 0: `_named_in` sees only an answer's exact words and numbers, and no
list of phrasings can be complete. So under a LOINC answer code the rule is now the other way
round (`_own_words`): every display and the text must BE that code's own answer words,
forgiving only case, punctuation, "everyday" for "every day" and a number equal to the code's
score before or after them ("0 - Not at all", "Nearly every day (3)", a bare "3"); any other
words are a disagreement and the answer is unread. The safer reading for the patient: "Not at
all (denies SI)" or "see flowsheet" under LA6568-5 now costs a look at the chart (the unread
card, adjuncts held), where the old rule let "Yes - passive SI" pass as 0. Only under a code
that reads 0: other words under a POSITIVE code ("Nearly every day" with "see flowsheet",
"Several days" with "Daily thoughts") keep the code's reading, which already raises the
critical "assess today" card; unread would lower it to a warning, the less safe side. Words
that name another answer (`_named_in`) still unread any code, as above. A local code's row (no
LOINC answer code) keeps the rule above: its site's words are not the LOINC list's.
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping.codes import (
    answer_words,
    phq9_answer_codes_without_system,
    phq9_answer_max,
    phq9_answer_texts,
    phq9_answer_values,
)
from fhir_mapping.fhir_fields import JSON_OBJECT, codings

__all__ = ["concept_answer"]


def concept_answer(concept: object, *, words: bool = True) -> int | None:
    """The PHQ-9 answer (0..3) a valueCodeableConcept names when every part of it that names one
    agrees and a part that is read names it, else None (module docstring). `words=False`: the
    text, as every display, may only disagree (a reader that never read a concept's text)."""
    if not isinstance(concept, JSON_OBJECT):
        return None
    values = phq9_answer_values()
    texts = phq9_answer_texts()
    read: set[int] = set()
    said: set[int] = set()  # displays, and the text when it is not read: they only disagree
    coded = False  # a LOINC answer code is among the readings (review s23 RR2 finding 2)
    parts: list[str] = []  # every display and the text, for `_own_words`
    for system, code, display in codings(concept):
        if (system, code) in values:
            read.add(values[(system, code)])
            coded = True
        elif not system and code in (bare := phq9_answer_codes_without_system()):
            read.add(bare[code])  # "LA6569-3" with its system left out (SDC)
            coded = True
        if display:
            said |= _named_in(display)
            parts.append(display)
    text = concept.get("text")
    if isinstance(text, str):
        if words and (named := texts.get(answer_words(text))) is not None:
            read.add(named)
        said |= _named_in(text)
        parts.append(text)
    if len(read) != 1 or not said <= read:
        return _all_positive_floor(read, said)
    value = next(iter(read))
    # Other words unread only a coded 0: a positive code already asks for an assessment today,
    # and unread would lower that to a check in the chart (module docstring).
    if coded and value == 0 and not all(_own_words(part, value) for part in parts):
        return None
    return value


def _all_positive_floor(read: set[int], said: set[int]) -> int | None:
    """Parts that disagree but ALL name a positive answer (review K65b finding 0, data69 hx1:
    LA6570-1 "More than half the days" displayed "Nearly every day"): the lowest of them, since
    every reading says self-harm thoughts on at least that many days. Left unread, the answer
    gave only the "could not be read" warning, though no reading of it is 0; the safer side is
    the critical card at the value all readings reach (never the higher one: a score the chart
    may not hold). A 0 among them keeps the answer unread (a check in the chart, as before). A
    read part must name one: words alone ("said") never give a value."""
    if not read or min(read | said) < 1:
        return None
    return min(read | said)


# A bare whole number: not part of a word, a code ("LA6568-5"), a decimal, a date ("12/1") or
# a time ("9:30"); "3-Nearly every day" and "(3)" name 3.
_NUMBER = re.compile(r"(?<![\w.\-/:])\d+(?![\w./:])")


@cache
def _phrases() -> tuple[tuple[re.Pattern[str], int], ...]:
    """Each answer-list display as a whole phrase (codes.answer_words form) -> its score."""
    return tuple(
        (re.compile(rf"(?<!\w){re.escape(words)}(?!\w)"), value)
        for words, value in phq9_answer_texts().items()
    )


def _named_in(text: str) -> set[int]:
    """Every answer a text or display names anywhere in it (module docstring, review s23 RR
    finding 2): an answer's words as a whole phrase, and a bare number on the item's scale.
    Only ever set against a code's reading, never a reading itself."""
    words = answer_words(text)
    named = {value for phrase, value in _phrases() if phrase.search(words)}
    top = phq9_answer_max()
    named.update(n for n in map(int, _NUMBER.findall(words)) if n <= top)
    return named


_PUNCTUATION = re.compile(r"[^\w\s]")


def _plain(text: str) -> tuple[str, ...]:
    """A text's words as `_own_words` compares them: answer_words, punctuation as space, and
    "everyday" as "every day" (a common spelling of LA6571-9's words)."""
    found: list[str] = []
    for word in _PUNCTUATION.sub(" ", answer_words(text)).split():
        found.extend(("every", "day") if word == "everyday" else (word,))
    return tuple(found)


@cache
def _own_phrases() -> dict[int, tuple[str, ...]]:
    """Each score on the answer list -> its answer's words in `_plain` form."""
    return {value: _plain(words) for words, value in phq9_answer_texts().items()}


def _own_words(text: str, value: int) -> bool:
    """Whether a display or text under a LOINC answer code of score `value` says nothing but
    that answer (module docstring, review s23 RR2 finding 2): its words, with at most the
    score itself before or after them, or the score alone. Blank says nothing, so agrees."""
    words = list(_plain(text))
    number = str(value)
    if words and words[0] == number:
        words = words[1:]
    if words and words[-1] == number:
        words = words[:-1]
    return not words or tuple(words) == _own_phrases().get(value)
