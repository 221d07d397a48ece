"""Words after a shorthand `prefix` denial that undo or limit it (data/text_negations.csv
`prefix_undo`, `prefix_undo_lead`; session 41 fix text104, recheck K66a finding 1).

"Negative SI/HI screen, positive on repeat", "Negative SI until today", "Negative SI HI plan",
"neg SI passive" were quiet with TMS offered: the prefix ("Negative", "Neg", "(-)") was read as
denying the SI whatever followed it. A prefix is a checklist's shorthand for a plain negative
screen; words after it that say the screen turned ("positive", "+", "on repeat"), that it held
only for a while ("until"), that a kind of ideation or a plan is there ("passive", "plan"), or a
conjunction ("but", "however") say the denial is not the whole answer, and the doubtful reading
keeps the finding: a false critical card costs a question, a quiet one a missed current risk.
A `prefix_undo_lead` word ("now", "today", "yesterday") undoes only when a word follows it in its
clause ("Negative SI, now endorses", "Neg SI yesterday, today with plan"): "Negative SI today"
is a plain negative screen. An undo word a `pre` cue denies in its own clause ("Neg SI/HI, no
plan", "Negative SI, denies passive thoughts") undoes nothing: "Negative SI/HI/AH/VH" and
"neg SI/HI, no plan" stay denials.

Apart from text_negation.py (a module near its limit) because what ends a prefix's reach is its
own idea; read there, in `negated`, where the prefix is read."""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping.negation_cues import cue_rows
from fhir_mapping.text_bounds import CLAUSE, SENTENCE_OR_LINE, span_after, span_before

__all__ = ["prefix_undone"]


def _words(cues: list[str]) -> str:
    # A cue of punctuation ("+", "(+)") has no word boundary: it stands after a space or
    # starts a word ("+plan", "(+) passive"); a word cue is a whole word.
    parts = []
    for cue in sorted(cues, key=len, reverse=True):
        left = r"\b" if cue[:1].isalnum() else r"(?<![\w+])"
        right = r"\b" if cue[-1:].isalnum() else ""
        parts.append(left + re.escape(cue) + right)
    return "|".join(parts) or "(?!)"


@cache
def _undo() -> re.Pattern[str]:
    rows = cue_rows()
    plain = _words(rows.get("prefix_undo", []))
    # A lead word counts only with a word after it in its clause (no comma or stop between).
    lead = _words(rows.get("prefix_undo_lead", []))
    return re.compile(r"(?:" + plain + r")|(?:" + lead + r")(?=[^\S\n]+[\w+])")


def _denied(text: str, start: int) -> bool:
    """Whether a shared `pre` cue stands before `start` in its own clause ("no plan")."""
    from fhir_mapping.text_negation import pre_cued  # no cycle at import

    return pre_cued(span_before(text, start, CLAUSE))


def prefix_undone(text: str, end: int) -> bool:
    """Whether the rest of the sentence (or line) after the phrase ending at `end` (of
    `normalise_text` output) holds a word that undoes a `prefix` denial before the phrase, not
    itself denied in its clause. The text after the phrase only: the prefix is read before it."""
    rest = span_after(text, end, SENTENCE_OR_LINE)
    return any(not _denied(rest, m.start()) for m in _undo().finditer(rest))
