"""A goodbye sent by someone else (session 43 fix text114): "goodbye message from hospice
chaplain" raised the critical suicide-risk card through the C-SSRS item 6 `preparatory` row
'goodbye message*' (fix text106), and TMS was held.

Decision: a goodbye is a preparatory act only when the patient says or sends it. One "from" a
named other person ("goodbye message from hospice chaplain", "goodbye text from her sister") is
received, not sent, and is not read. Read narrowly (recheck K72a: explaining preparatory rows
away made real signals quiet): only a bare goodbye row ('goodbye message*', not 'found * goodbye note*'), only
"from" right after it, and only when a `goodbye_other_sender` word (a relative, a friend, a
member of staff) stands within three words after "from" with no patient word (`goodbye_own_sender`:
"pt", "self") and no "to" or "for" before it; a son or daughter is no other sender (a
parent's report names the patient so: "goodbye note from son found") ("goodbye texts from pt to mother" is the patient's:
read). An unnamed or own sender ("goodbye message from her phone", "goodbye text from pt") is
read as before: the critical card is the safer error. The words are data
(data/self_harm_terms.csv, roles `goodbye_other_sender`, `goodbye_own_sender`).
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping.self_harm_terms import terms
from fhir_mapping.text_bounds import CLAUSE, span_after
from fhir_mapping.text_negation import normalise_text

__all__ = ["sent_by_other"]

# How many words after "from" the other sender may stand in ("from the hospice chaplain").
_SENDER_WORDS = 3
_FROM = re.compile(r"^s?\s+from\s+")
# Only a goodbye row with no verb of its own: "found a goodbye note from ..." is a found note,
# read as before (the patient's, the safer reading).
_GOODBYE = re.compile(r"good\s?-?byes?\b")
_WORD = re.compile(r"[a-z0-9'/]+")
# Words that make what follows the addressee or purpose, not the sender ("from pt to mother").
_NOT_SENDER = frozenset({"to", "for"})


@cache
def _words(role: str) -> frozenset[str]:
    return frozenset(normalise_text(t) for t in terms(role))


def sent_by_other(text: str, start: int, end: int) -> bool:
    """Whether the goodbye act at text[start:end] (normalised) is sent "from" a named other
    person (module docstring)."""
    if _GOODBYE.match(text[start:end]) is None:
        return False
    after = span_after(text, end, CLAUSE)
    lead = _FROM.match(after)
    if lead is None:
        return False
    others, own = _words("goodbye_other_sender"), _words("goodbye_own_sender")
    for word in _WORD.findall(after[lead.end() :])[:_SENDER_WORDS]:
        if word in own or word in _NOT_SENDER:
            return False
        if word in others:
            return True
    return False
