"""Self-harm abbreviations a reason writes in a form the word tables do not hold, spelled as they
are read (session 41 fix text103): "O.D. on tylenol", "pt O.D.'d" (dotted) as "OD on tylenol",
"pt OD'd"; "SH attempt", "h/o SH", "SH yesterday" as "self-harm attempt", "h/o self-harm" ...
(all were quiet, TMS offered).

"SH" is also the social-history heading ("SH: lives with wife, no tobacco"), so it is spelled out
only beside self-harm context: a `sh_before` word right before it ("h/o", "hx", "prior", "+"), an
`sh_after` word right after it ("attempt", "by", "yesterday", "cutting") or an `sh_joined` item
slash-joined to it ("SH/SI", "SI/SH"); never before a colon (the heading). Decision: "SH" alone as
the whole reason is read as self-harm: an ED reason is no heading with nothing after it, and a
card to dismiss costs a question where a missed self-harm costs a life (the safer error). The
words are data (data/self_harm_terms.csv roles `sh_before`, `sh_after`, `sh_joined`, `dotted`).
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import self_harm_terms

__all__ = ["spelled"]

# The words "SH" is read as where it is self-harm.
_SPELLED = "self-harm"


def _either(terms: tuple[str, ...]) -> str:
    return "|".join(re.escape(t.lower()) for t in sorted(terms, key=len, reverse=True)) or "(?!)"


@cache
def _dotted() -> tuple[tuple[re.Pattern[str], str], ...]:
    """Each `dotted` abbreviation ("o.d."), its last dot optional, as its own token, and its
    spelling without the dots ("od")."""
    found = []
    for term in self_harm_terms.terms("dotted"):
        body = re.escape(term.lower().rstrip(".")) + r"\.?"
        found.append((re.compile(r"(?<![\w.])" + body + r"(?![\w.])", re.I), term.replace(".", "")))
    return tuple(found)


@cache
def _context() -> tuple[str, str, str]:
    """The `sh_before`, `sh_after` and `sh_joined` words, each as one alternation."""
    return (
        _either(self_harm_terms.terms("sh_before")),
        _either(self_harm_terms.terms("sh_after")),
        _either(self_harm_terms.terms("sh_joined")),
    )


@cache
def _listed_after() -> re.Pattern[str]:
    """An `sh_listed` diagnosis ("Depression", "MDD") as the list item right before "SH", then
    a comma or semicolon (fix text106)."""
    body = _either(self_harm_terms.terms("sh_listed"))
    return re.compile(rf"(?:^|[\s(,;])(?:{body})\s*[,;]\s*$", re.I)


def _listed(head: str, tail: str) -> bool:
    """Whether "SH" is a diagnosis list's own item after an `sh_listed` diagnosis ("Depression,
    SH", "MDD; SH" were quiet, TMS offered: session 42 fix text106): a problem list names
    self-harm so, as "h/o SH" does; the social history is a heading ("SH: smoker") or a section,
    never an item after a diagnosis. The item must close (a comma, semicolon or the end)."""
    return (
        bool(re.match(r"\s*(?:[,;]|$)", tail))
        and _listed_after().search(head) is not None
        and not _history_headings(head, tail)
    )


@cache
def _history_words() -> tuple[str, str]:
    return (
        _either(self_harm_terms.terms("sh_history_heading")),
        _either(self_harm_terms.terms("sh_history_reviewed")),
    )


def _history_headings(head: str, tail: str) -> bool:
    """Whether "SH" stands in a list of history headings (an `sh_history_heading` item in its
    sentence: "MDD, SH, FH reviewed", "PMH, MDD, SH") or before an `sh_history_reviewed` word
    ("MDD, SH reviewed"): the social history, as the heading of a review (fix text110: it raised
    the critical card). "Depression, SH", "MDD; SH" stay self-harm items."""
    heading, reviewed = _history_words()
    item = rf"(?:^|[\s(,;])(?:{heading})\s*(?:[,;]|$)"
    before = re.split(r"[.\n]", head)[-1]
    after = re.split(r"[.\n]", tail)[0]
    return bool(
        re.search(rf"^\s*[,;]\s*(?:{heading})(?!\w)", after, re.I)
        or re.search(item, before.rstrip(" ,;"), re.I)
        or re.search(rf"(?<!\w)(?:{reviewed})(?!\w)", after, re.I)
    )


def _sh_spans(text: str) -> list[tuple[int, int]]:
    """The spans of each "sh" of `text` (any case) in self-harm context."""
    before, after, joined = _context()
    spans = []
    for m in re.finditer(r"(?<!\w)sh(?![\w'’])", text, re.I):
        head, tail = text[: m.start()], text[m.end() :]
        if re.match(r"\s*:", tail):
            continue  # the social-history heading
        alone = not re.sub(r"[\W_]", "", head + tail)
        if (
            alone
            or re.search(rf"(?:^|[\s(])(?:{before})\s*$", head, re.I)
            or re.match(rf"\s+(?:{after})(?!\w)", tail, re.I)
            or re.match(rf"\s*/\s*(?:{joined})(?!\w)", tail, re.I)
            or re.search(rf"(?<!\w)(?:{joined})\s*/\s*$", head, re.I)
            or _listed(head, tail)
        ):
            spans.append((m.start(), m.end()))
    return spans


def spelled(text: str) -> str:
    """`text` (any case) with each dotted abbreviation undotted and each "sh" in self-harm
    context written "self-harm" (module docstring); the rest as written."""
    for pattern, plain in _dotted():
        text = pattern.sub(plain, text)
    for start, end in reversed(_sh_spans(text)):
        text = text[:start] + _SPELLED + text[end:]
    return text
