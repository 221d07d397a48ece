"""A goodbye sent by someone else (session 43 fix text114): "goodbye message from hospice
chaplain" raised the critical suicide-risk card through the C-SSRS item 6 `preparatory` row
'goodbye message*' (fix text106), and TMS was held.

Decision: a goodbye is a preparatory act only when the patient says or sends it. One "from" a
sender who clearly is not the patient ("goodbye message from hospice chaplain", "goodbye email
from coworker") is received, not sent, and is not read. Read narrowly (recheck K72a: explaining
preparatory rows away made real signals quiet): only a bare goodbye row ('goodbye message*',
not 'found * goodbye note*'), only "from" right after it, and only when a `goodbye_other_sender`
word (staff, a clinic, a chaplain, a coworker) stands within three words after "from" with no
"to" or "for" before it.

Fix text115 (recheck K75a findings 1, 2: "goodbye letter from dad found", "wife received goodbye
text from husband", "sent goodbye message from mom phone" went quiet, TMS offered): notes are
written from the reporter's side, so a relative, a partner or a friend after "from" is often the
patient; no family, partner or friend word is an other sender. And the whole clause is read: a
patient word (`goodbye_own_sender`: "pt", "(pt)", "self") anywhere in it, a send verb before the
goodbye (`goodbye_send_verb`: "sent", "texted", "posted"), a found word anywhere
(`goodbye_found`: "found", "discovered") or a device or account word after "from"
(`goodbye_sender_device`: "phone", "account", "group chat": the sender word names the owner of
the device the patient used) keeps the goodbye read. The critical card is the safer error. The
words are data (data/self_harm_terms.csv).
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping.self_harm_terms import terms
from fhir_mapping.text_bounds import CLAUSE, span_after, span_before
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


def _kept(before: str, after: str) -> bool:
    """Whether the goodbye's clause says the patient sent it (module docstring, fix text115):
    a patient word or a found word anywhere, a send verb before it, a device word after it."""
    ahead, behind = set(_WORD.findall(before)), set(_WORD.findall(after))
    return bool(
        (ahead | behind) & (_words("goodbye_own_sender") | _words("goodbye_found"))
        or ahead & _words("goodbye_send_verb")
        or behind & _words("goodbye_sender_device")
    )


def sent_by_other(text: str, start: int, end: int) -> bool:
    """Whether the goodbye act at text[start:end] (normalised) is sent "from" a named other
    person (module docstring)."""
    if _GOODBYE.match(text[start:end]) is None:
        return False
    after = span_after(text, end, CLAUSE)
    lead = _FROM.match(after)
    if lead is None or _kept(span_before(text, start, CLAUSE), after):
        return False
    others = _words("goodbye_other_sender")
    for word in _WORD.findall(after[lead.end() :])[:_SENDER_WORDS]:
        if word in _NOT_SENDER:
            return False
        if word in others:
            return True
    return False
