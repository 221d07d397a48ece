"""What the answer after a question about a suicide-risk sign says ("Suicide note? yes",
"Suicide note? unknown", "Suicide note?" alone): whether it affirms the sign or leaves it open
(self_harm_subject.unsaid reads the question as no stated sign otherwise). Moved out of
self_harm_subject.py (400 lines) for session 40 fix text99.

Fix text99: "Suicide note? SI: denies", "Suicide note?  Denies SI", "suicide note? no SI" were
quiet, TMS offered: the next item of the assessment ("SI: denies") stood where the answer goes,
and any answer that was not yes or open was read as a no. An answer whose first clause names
another item of a suicide assessment (an `open_heading_context` word such as "SI" or
"suicidal", a `risk` word such as "plan", or a `question_other_item` word such as "HI") is that
item's answer, and the question is left unanswered, as "Suicide note?" alone is (fix text94): a
critical card that asks costs less than a missed note (COMMON safety rule). The asked sign
named again in the answer's sentence ("Suicide attempt? no SI, no attempt", "Suicide note?
denies note or SI": its last word) answers it, and a bare no before the next item ("Suicide
note? No. SI: denies", "Suicide note? denies, SI: denies") still does.
"""

from __future__ import annotations

import re

from fhir_mapping import stated_terms
from fhir_mapping.text_bounds import CLAUSE, SENTENCE, first_piece

__all__ = ["affirms_or_open", "names_other_item", "question_end"]

# A question mark right after a mention ("Suicide note?", "Suicide note??": one mark doubled).
_QUESTION = re.compile(r"\s*\?+")
# `means_heading`: a lethal-means question ("Guns in home?") is an item of the assessment too (fix
# text100).
_OTHER_ITEM_ROLES = ("open_heading_context", "risk", "question_other_item", "means_heading")


def names_other_item(answer: str, asked: str) -> bool:
    """Whether the first clause of `answer` names an item of a suicide assessment other than the
    `asked` phrase (module docstring; stated_open_heading reads a heading's "?" answer with it,
    fix text100)."""
    words = asked.split()
    # The asked sign named again in the answer's sentence ("Suicide attempt? no SI, no attempt",
    # "Suicide note? denies note or SI") answers it: its own denial reaches it.
    if words and re.search(rf"\b{re.escape(words[-1])}\b", first_piece(answer, SENTENCE)):
        return False
    clause = first_piece(answer, CLAUSE)
    return any(p.search(clause) for role in _OTHER_ITEM_ROLES for p in stated_terms.patterns(role))


def affirms_or_open(text: str, at: int, asked: str = "") -> bool:
    """Whether a question's answer at text[at:] affirms it ("Suicide note? yes": fix text80), as
    a risk heading's ("Plan: yes": stated_history_terms.csv `risk_heading_yes`), or leaves it
    open ("Suicide note? unknown": `question_open`, fix text87; "Suicide note? SI: denies": fix
    text99). An open answer is no denial: the sign may be there, and a critical card that asks
    costs less than a quiet one. `asked`: the question's phrase ("suicide note"), normalised."""
    answer = text[at:].lstrip(" :-")
    # No answer at all ("Suicide note?" alone, or before the next sentence): the question was
    # asked and left open, as "unknown" leaves it (fix text94: quiet, TMS offered; a critical
    # card that asks costs less than a missed note). An inquiry word before the phrase ("does
    # she have intent to die?") still makes it a question asked (`unsaid`).
    if not answer.strip() or answer.lstrip()[0] in ".;\n":
        return True
    # `question_yes`: an answer naming the sign found ("Suicide note?? found"; fix text92).
    roles = ("risk_heading_yes", "question_open", "question_yes")
    if any(p.match(answer) for role in roles for p in stated_terms.patterns(role)):
        return True
    return names_other_item(answer, asked)


def question_end(text: str, start: int, end: int) -> int | None:
    """Where the question mark after the mention at text[start:end] (normalised) ends, when its
    answer names another item of the assessment ("suicide note? si denied", "self harm? denies
    si": fix text99); else None. A denial after that mark answers the other item, not the
    mention: self_harm_denial reads the mention's denial in the text up to the mark only."""
    mark = _QUESTION.match(text, end)
    if mark is None:
        return None
    answer = text[mark.end() :].lstrip(" :-")
    return mark.end() if names_other_item(answer, text[start:end]) else None
