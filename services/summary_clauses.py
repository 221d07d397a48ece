"""A summary too long for its 140 characters loses whole clauses, never words (review s26 RN
finding 9).

The last resort of card_format.fit_summary and fit_with_tail cut the text at the limit, between
words, and closed it with an ellipsis: 39 summaries of the test charts read cut mid-clause, the
fact lost with the words ("2 adequate…: judge the ECT course ...", "1 adequate trial…: ask PHQ-9
item 9 ...", "safety screen first: Cochlear implant removed: removal recorded: confirm…"). A
clause cut short reads as a typo or says something else; a clause left out says less, and the
card's detail says it whole.

A summary's clauses are its parts between "; " outside brackets. Its action is the first clause
that holds ": " outside brackets ("PHQ-9 23: consider TMS referral"); the clauses before it are the
finding's count ("2 adequate trials failed"), those after it its qualifiers. What gives way, in
this order, each step repeated until the text fits:
1. a bracket closing a qualifier ("payer criteria not yet met (clinic default rule set)"): the
   qualifier said without its aside;
2. a clause before the action (the trial count every card of the screen repeats: review s26 RN
   findings 9 and 10), the first first;
3. a qualifier, the last first;
4. a bracket closing the action's act, then a bracket of its finding (before its last ": "),
   the last first (the detail names them).
What never gives way: the action. A text with no such clause loses no clause (which one is the
act is not known). When even that does not fit, None (the caller has no whole
clause to say: card_format then cuts between words, as before, which no chart of the tests
reaches: tests/services/test_summary_clauses.py). A caller whose text goes on to point at the
detail, which says the act, may leave the act out whole before that (`drop_act`: draft_readings).

A head said before a tail that must stay whole (fit_with_tail: a held act) is all finding: its
clauses give way from the last, then the brackets closing the first, and no head at all is said
rather than part of one.
"""

from __future__ import annotations

import re

# A bracket closing a clause: " (clinic default rule set)".
_CLOSING_BRACKET = re.compile(r" \([^()]*\)$")
# Any bracket of a finding: " (SSRI)", " (150 mg/day, ended 2024-09-23)".
_BRACKET = re.compile(r" \([^()]*\)")


def _split(text: str, sep: str) -> list[str]:
    """`text` split at `sep` outside brackets."""
    parts: list[str] = []
    depth = 0
    start = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif depth == 0 and text.startswith(sep, index):
            parts.append(text[start:index])
            index += len(sep)
            start = index
            continue
        index += 1
    parts.append(text[start:])
    return parts


def _unbracketed(clause: str) -> str | None:
    """`clause` without the bracket closing it, else None."""
    shorter = _CLOSING_BRACKET.sub("", clause)
    return shorter if shorter != clause and shorter else None


def _action_unbracketed(clause: str) -> str | None:
    """The action clause with its finding's last bracket (before its last ": ") left out:
    "If sertraline: sertraline already failed an adequate trial (150 mg/day, ended 2024-09-23):
    consider ..." -> "...failed an adequate trial: consider ..."; None when it has none."""
    parts = _split(clause, ": ")
    act = _unbracketed(parts[-1]) if len(parts) > 1 else None
    if act is not None:
        # The act's closing aside first ("(14-day washout if taken)": the detail says it); the
        # finding's status stays longer ("listed (order of 2025-01-06 never filled)": s23 RR f5).
        return ": ".join([*parts[:-1], act])
    for index in reversed(range(len(parts) - 1)):
        found = list(_BRACKET.finditer(parts[index]))
        if found:
            last = found[-1]
            parts[index] = parts[index][: last.start()] + parts[index][last.end() :]
            return ": ".join(parts)
    return None


def _joined(clauses: list[str], first: str) -> str:
    """The clauses said; capitalised when the text's first clause (`first`) was left out."""
    text = "; ".join(clauses)
    return text if clauses[0] == first else text[:1].upper() + text[1:]


def drop_clauses(text: str, room: int) -> str | None:
    """`text` within `room` characters with whole clauses left out (module docstring), or None
    when its action alone does not fit."""
    if len(text) <= room:
        return text
    clauses = _split(text, "; ")
    action = next((i for i, c in enumerate(clauses) if len(_split(c, ": ")) > 1), None)
    if action is None:
        # No clause says "finding: act": which clause is the act is not known, so none goes
        # ("switch class; settle this (...) before augmenting" keeps both).
        return None
    before, said, after = clauses[:action], clauses[action], clauses[action + 1 :]
    steps = []
    for index in reversed(range(len(after))):
        steps.append(("bracket", index))
    steps += [("before", 0)] * len(before)
    steps += [("after", i) for i in reversed(range(len(after)))]
    steps += [("action", 0)] * said.count("(")
    for kind, index in steps:
        if kind == "bracket":
            after[index] = _unbracketed(after[index]) or after[index]
        elif kind == "before":
            before.pop(0)
        elif kind == "after":
            after.pop(index)
        else:
            said = _action_unbracketed(said) or said
        candidate = _joined([*before, said, *after], clauses[0])
        if len(candidate) <= room:
            return candidate
    return None


def drop_head_clauses(head: str, room: int) -> str:
    """`head` (all finding: fit_with_tail's) within `room` with whole clauses left out, the last
    first, then the brackets closing the first; "" when not even that fits."""
    clauses = _split(head, "; ")
    while clauses:
        text = "; ".join(clauses)
        if len(text) <= room:
            return text
        if len(clauses) > 1:
            clauses.pop()
            continue
        shorter = _unbracketed(clauses[0])
        if shorter is None:
            return ""
        clauses[0] = shorter
    return ""


def drop_act(text: str, room: int) -> str | None:
    """`text` within `room` with its action's act left out whole, the finding said ("If
    escitalopram: escitalopram is in the class of sertraline (SSRI), which failed an adequate
    trial"), then clauses given way as `drop_clauses` does; None when it has no act to leave out
    or not even that fits. Only for a caller whose text goes on to point at the detail, which
    says the act (draft_readings: "; if citalopram: see the detail"): there the act gives way
    before the finding is cut between words (session 26 NW item 3: "...which failed an adequate
    trial…", the act lost anyway and the clause read as cut)."""
    if len(text) <= room:
        return text
    clauses = _split(text, "; ")
    action = next((i for i, c in enumerate(clauses) if len(_split(c, ": ")) > 1), None)
    if action is None:
        return None
    finding = ": ".join(_split(clauses[action], ": ")[:-1])
    return drop_clauses("; ".join([*clauses[:action], finding, *clauses[action + 1 :]]), room)


def drop_bracket_items(text: str, room: int) -> str | None:
    """`text` within `room` with the "; " items of its last bracket left out from the last, "…"
    in their place, the first kept: a held act's reasons ("raise held (PHQ-9 item 9 not
    recorded; nortriptyline with complete heart block on record; …)", the suicide-risk ones
    ordered first by rules/hold_words.ordered, so the least urgent go). None when it has no such
    bracket or not even its first item fits (review s26 RK1 finding 1: three reasons made a
    201-character summary, which no rule shortened, and the card model failed the whole answer)."""
    close = text.rfind(")")
    depth, open_at = 0, -1
    for index in range(close, -1, -1):
        if text[index] == ")":
            depth += 1
        elif text[index] == "(":
            depth -= 1
            if depth == 0:
                open_at = index
                break
    if close < 0 or open_at < 0:
        return None
    items = _split(text[open_at + 1 : close], "; ")
    while len(items) > 1:
        items.pop()
        said = f"{text[: open_at + 1]}{'; '.join(items)}; …{text[close:]}"
        if len(said) <= room:
            return said
    return None
