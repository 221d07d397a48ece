"""The last resort for a card summary over the CDS Hooks limit (summary "<140 characters"):
shortened by whole clauses, the action kept, so one over-long summary never costs a card.

Every card builds its summary from candidates that fit (card_format.fit_summary, fit_with_tail,
one_click_hold's held summaries). Where a new combination outgrows them all (review s26 RK1
finding 1: three hold reasons behind a raise made 201 characters), the card model rejected it and
the whole evaluation failed: no card at all beside complete heart block and an unrecorded item 9,
and a 500 over HTTP. `shorten` is the one rule both sides end on: card_format's fitting helpers
when even their shortest form is too long, and the Recommendation -> Card conversion
(cds_hooks/cards.py), which logs that it had to.

What yields, in order (the detail always says everything in full):
1. the head, the finding before the action's ": " ("Nortriptyline 25 mg/day is below the adequate
   range (75-150 mg/day)"): its trailing clauses, then its trailing words, then all of it;
2. the action's trailing "; " clauses ("raise held (item 9 not recorded; heart block on record;
   …)"): the first is kept, and the suicide-risk reasons are ordered first by their builder
   (rules/hold_words.ordered), so what is cut is the least urgent;
3. words from the end of what is left (one clause longer than the limit: never seen).
"""

from __future__ import annotations

# `limit` is the caller's (card_format.SUMMARY_MAX; the card model's own max_length on the wire):
# this module imports nothing of card_format, which ends its fitting helpers here.
ELLIPSIS = "…"
_CLAUSE = "; "  # between the reasons of a hold, between the steps of an action
_HEAD_CLAUSES = (", ", "; ")  # between the parts of a finding


def shorten(text: str, limit: int) -> str:
    """`text` within `limit` characters (module docstring); `text` itself when it fits."""
    if len(text) <= limit:
        return text
    head, action = _split_action(text)
    action = _clauses_fit(action, limit)
    if head:
        room = limit - len(action) - len(": ")
        kept = _head_fit(head, room)
        if kept:
            return f"{kept}: {action}"
    return action


def _depths(text: str) -> list[int]:
    """The bracket depth before each character of `text`."""
    depth, out = 0, []
    for char in text:
        out.append(depth)
        if char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
    return out


def _split_action(text: str) -> tuple[str, str]:
    """(the finding, the action): split at the first ": " outside brackets; ("", text) when
    there is none (the whole summary is what it asks)."""
    depths = _depths(text)
    at = 0
    while (at := text.find(": ", at)) >= 0:
        if depths[at] == 0:
            return text[:at], text[at + 2 :]
        at += 1
    return "", text


def _closed(text: str) -> str:
    """`text` with the brackets it leaves open closed."""
    return text + ")" * max(0, text.count("(") - text.count(")"))


def _clauses_fit(action: str, limit: int) -> str:
    """`action` with its trailing "; " clauses replaced by "…" until it fits `limit` (its first
    clause always kept); cut between words when even the first clause is too long."""
    if len(action) <= limit:
        return action
    at = len(action)
    while (at := action.rfind(_CLAUSE, 0, at)) > 0:
        kept = _closed(f"{action[:at]}{_CLAUSE}{ELLIPSIS}")
        if len(kept) <= limit:
            return kept
    return _words_fit(action, limit)


def _head_fit(head: str, room: int) -> str:
    """The head's leading whole clauses (then its leading words) within `room`, with "…" where
    it was cut; "" when not even a word fits."""
    if len(head) <= room:
        return head
    depths = _depths(head)
    cuts = sorted(
        {
            at
            for sep in _HEAD_CLAUSES
            for at in _all(head, sep)
            if depths[at] == 0 and at + len(ELLIPSIS) <= room
        }
    )
    if cuts:
        return f"{head[: cuts[-1]]}{ELLIPSIS}"
    return _words_fit(head, room) if room > len(ELLIPSIS) else ""


def _all(text: str, sep: str) -> list[int]:
    found, at = [], 0
    while (at := text.find(sep, at)) >= 0:
        found.append(at)
        at += 1
    return found


def _words_fit(text: str, limit: int) -> str:
    """`text` cut between words with "…" within `limit` (a bracket left open by the cut dropped
    from where it opens: "(30…" reads as a cut figure); a hard cut when no space is left."""
    if len(text) <= limit:
        return text
    room = max(0, limit - len(ELLIPSIS))
    cut = text[:room]
    if text[room : room + 1] != " " and " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    if cut.count("(") > cut.count(")") and cut.rfind("(") > 0:
        cut = cut[: cut.rindex("(")]
    cut = cut.rstrip(" ,;:(")
    return f"{cut}{ELLIPSIS}" if cut else text[:room] + ELLIPSIS
