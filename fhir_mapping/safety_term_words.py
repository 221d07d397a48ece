"""How a TMS safety table's term is read in free text (tms_safety.py, head_metal.py): the term
as a pattern on word boundaries, with its proximity form ("clip* ~ aneurysm*"), and the spans of
it that assert the finding (not inside an `exclude` phrase, not negated).

Apart from tms_safety.py so that the head-metal rule (head_metal.py, fix tms57), which the screen
itself calls, reads its words the same way without an import cycle.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from fhir_mapping.text_negation import negated, negated_inside, normalise_text

_WORD_REST = re.compile(r"\w*")


def _word(term: str) -> str:
    # "pacemaker*" matches a word starting with "pacemaker"; "vns" only the whole word.
    if term.endswith("*"):
        return r"\b" + re.escape(term[:-1])
    return r"\b" + re.escape(term) + r"\b"


# A proximity term ("clip* ~ aneurysm*"): both words in either order, at most this many words
# apart and in the same sentence (no full stop or semicolon between), so "S/p clipping of left
# MCA aneurysm", "aneurysm clip" and "Left MCA aneurysm, clipped 2015" all match, "aneurysm.
# Clip ..." does not (review 15 U3: the chart's words come in any order; recheck W-f: a problem
# list writes the treatment after a comma). A comma does not end the pair, as it ends a
# negation's scope: "aneurysm, clipped" is one finding; a negation between the two words
# ("aneurysm, not clipped") is read by `text_negation.negated_inside`.
_NEAR_WORDS = 5
_NEAR = " ~ "


def _near(first: str, second: str) -> str:
    gap = rf"(?:[^\w.;]+\w+){{0,{_NEAR_WORDS}}}?[^\w.;]+"
    a, b = _word(first), _word(second)
    return rf"(?:{a}\w*{gap}{b}|{b}\w*{gap}{a})"


def phrase(term: str) -> re.Pattern[str]:
    """The pattern of a term already normalised (`normalise_text`)."""
    if _NEAR in term:
        first, second = (t.strip() for t in term.split(_NEAR, 1))
        return re.compile(_near(first, second))
    return re.compile(_word(term))


def term_pattern(term: str) -> re.Pattern[str]:
    """The pattern of a term as the screen's tables write it ("pacemaker*", "vns", "clip* ~
    aneurysm*"), for other text readers that share its word-boundary and proximity reading
    (vascular_text.py)."""
    return phrase(normalise_text(term))


def asserted(
    text: str,
    pattern: re.Pattern[str],
    excluded: Sequence[tuple[int, int]],
    span: tuple[int, int] | None = None,
) -> Iterator[tuple[int, int]]:
    """The spans of `pattern` in normalised `text` that assert it: not inside an `excluded`
    span (an `exclude` phrase), not negated. `span`: only matches within that part of `text` (a
    clause: head_metal.py, fix tms62, where a proximity term reaching over a comma hid the next
    clause's own match)."""
    found = pattern.finditer(text) if span is None else pattern.finditer(text, *span)
    for match in found:
        # A prefix term ("pacemaker*") ends where its word ends ("pacemakers: none").
        rest = _WORD_REST.match(text, match.end())
        s, e = match.start(), match.end() + (len(rest.group()) if rest else 0)
        if (
            any(a <= s and e <= b for a, b in excluded)
            # "Denies seizures and has a pacemaker": "and has" starts the device's own
            # clause (`clause_stop` rows; recheck K33 s32 finding 5, fix neg47).
            or negated(text, s, e, own_clause=True)
            or negated_inside(text[match.start() : match.end()])
        ):
            continue
        yield s, e
