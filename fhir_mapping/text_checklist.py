"""What a screening checklist item is, for how far a leading denial reaches in a list
(self_harm_scope.py; data/text_negations.csv roles `list_item`, `list_follow`, `list_quantifier`,
`list_example`, `list_present`).

After "denies", a checklist names screening words, one or a few each ("denies SI, HI, cutting",
"Denies SI, HI, wish to be dead"), whose denial is the note's point; an act written with its
object or time ("drank bleach", "OD'd last night", "cutting last week") is a report of what
happened, and ED reason fields separate statements with commas or an "and" (recheck K30a s32
finding 2, fix neg43; recheck K31a s32 findings 2, 6, 8, fix neg44). So an item is a checklist
item only when its words are a `list_item` or `list_follow` row (or its plural "s"), after:
- `list_quantifier` words or phrases, one or more ("any", "recent", "any recent", "prior", "hx
  of"): "Denies SI, HI, any recent overdose" is the checklist's overdose item;
- and before a `list_example` word naming more items ("self-harm including cutting").
The doubtful reading keeps the finding: anything else is read, the safer mistake. So a bracket
with content after an item ("recent self harm (cut L wrist 11/28)", "previous attempts (OD x2)")
ends its bareness, and so does a later part of the list that is no checklist item ("recent
cutting, burns on arms": the burns on the arms describe what was done, a report, not a screen):
both make the item a finding (`detail_follows`; recheck K32b s32 findings 2, 9, fix neg45).
The TMS device and seizure items (`list_device` rows) are no checklist items here: an answer after
their list covers them ("Pacemaker, VNS: none", text_negation.answer_covers), but a leading
denial never reaches them over a comma ("No seizures, cochlear implant" keeps the implant:
recheck K32b s32 finding 3, fix neg45; the safer reading for a TMS safety item).

Apart from text_negation.py (the NegEx cues) because what makes a list item is its own idea.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from fhir_mapping.denial_scope import answers_item, cue_introduces, own_answer
from fhir_mapping.text_bounds import (
    LIST_CLAUSE,
    SENTENCE_OR_BRACKET,
    SENTENCE_OR_COLON,
    denial_reach,
    span_after,
    span_before,
)
from fhir_mapping.text_negation import after_last_stop, cue_rows, pre_cue_end

__all__ = [
    "checklist_item",
    "denial_listed",
    "detail_follows",
    "present_only",
    "quantifiers_only",
]

# A list's joints (the clause a denial's list stands in is a text_bounds.LIST_CLAUSE).
_JOINT = re.compile(r",|/|&|\b(?:and|or|nor)\b")
# The mark right after a denial's cue that introduces its list ("denies: si", "denies - si").
_INTRODUCED = re.compile(r"^\s*(?::|-)\s*")
# A bracket right after an item's words, and what it holds ("(cut L wrist 11/28)").
_BRACKET = re.compile(r"^[^,/&]*?\(([^)]*)")
_ANY_BRACKET = re.compile(r"\(([^)]*)\)?")
# The longest quantifier phrase, in words ("history of"): read longest first.
_QUANTIFIER_WORDS = 3


@dataclass(frozen=True, slots=True)
class _Rows:
    items: frozenset[str]
    quantifiers: frozenset[str]
    examples: frozenset[str]
    present: frozenset[str]
    answers: frozenset[str]
    qualifiers: frozenset[str]


@cache
def _rows() -> _Rows:
    by_role = cue_rows()  # the table read once, with text_negation's own cues

    def role(name: str) -> frozenset[str]:
        return frozenset(by_role.get(name, ()))

    return _Rows(
        items=role("list_item") | role("list_follow"),
        quantifiers=role("list_quantifier"),
        examples=role("list_example"),
        present=role("list_present"),
        answers=role("answer"),
        qualifiers=role("list_qualifier"),
    )


def _unquantified(words: list[str], quantifiers: frozenset[str] | None = None) -> list[str]:
    """`words` after the quantifier words or phrases that open them ("any recent", "hx of")."""
    quantifiers = _rows().quantifiers if quantifiers is None else quantifiers
    while words:
        n = next(
            (
                n
                for n in range(min(_QUANTIFIER_WORDS, len(words)), 0, -1)
                if " ".join(words[:n]) in quantifiers
            ),
            0,
        )
        if not n:
            break
        words = words[n:]
    return words


def _bare_item(words: list[str]) -> bool:
    joined = " ".join(words)
    items = _rows().items
    return bool(joined) and (joined in items or joined.removesuffix("s") in items)


def checklist_item(item: str) -> bool:
    """Whether `item` (of `normalise_text` output) is a whole screening checklist item (module
    docstring): "cutting", "self harm", "suicide attempts", "any recent overdose", "hx of
    suicide attempts", "self harm including cutting"; not "drank bleach", "cutting last week"."""
    words = _unquantified(item.split())
    examples = _rows().examples
    cut = next((i for i, w in enumerate(words) if w in examples), None)
    if cut is not None:
        return _bare_item(words[:cut]) and checklist_item(" ".join(words[cut + 1 :]))
    return _bare_item(words)


def quantifiers_only(part: str) -> bool:
    """Whether `part` holds quantifier words alone: "past" in "denies current or past SI" (the
    list's "or" splits the quantifier from its item)."""
    words = part.split()
    return bool(words) and not _unquantified(words)


def present_only(part: str) -> bool:
    """Whether `part` names the present ("denies current SI": a `list_present` word): a past
    item after such a denial ("denies current SI, prior attempts") is a statement of its own
    (test_hist33 fdc_prior_attempts), unless the denial names the past too (self_harm_scope.py:
    "denies current or past SI, HI, prior attempts")."""
    present = _rows().present
    return any(w in present for w in part.split())


def denial_listed(text: str, start: int) -> bool:
    """Whether the phrase starting at `start` (of `normalise_text` output) is an item of a list a
    leading denial opens, each item from the denial's to the phrase's a checklist item: "Denies
    SI, HI, wish to be dead", "Denies SI, HI, hoarding pills, or access to firearms" (recheck
    K31a s32 finding 8, fix neg44: NegEx's clause ends at the comma, and these ROS/MSE denials
    raised the critical card). "Denies SI, HI, hoarding her pills" is no checklist: read."""
    # The denial's reach is the one rule (denial_scope.py): "Denies: SI, HI, wish to be dead"
    # reaches over its colon, "No HI: ..." ends at it (session 36, text69; was LIST_CLAUSE).
    raw = span_before(text, start, SENTENCE_OR_BRACKET)
    clause = after_last_stop(denial_reach(raw, cue_introduces))
    head = raw[: len(raw) - len(clause)]
    spans = _part_spans(clause)
    rest = _JOINT.split(span_after(text, start, LIST_CLAUSE), maxsplit=1)[0]
    if len(spans) < 2 or not checklist_item(clause[spans[-1][0] :] + rest):
        return False
    # The phrase's own answer decides it ("Psych: denies HI, self-harm: yes": fix text73).
    if own_answer(text, start + len(rest.rstrip())) or detail_follows(text, start):
        return False
    for begin, end in reversed(spans[:-1]):
        part = clause[begin:end]
        cue = pre_cue_end(part)
        if cue is not None:
            # An item's own answer ("HI: no, SI: yes") answers that item only (fix text73).
            if not part[cue:].strip() and answers_item(head + clause[: begin + cue]):
                return False
            # The colon or dash a cue introduces its list with ("Denies: SI, HI") is no item's.
            after = _INTRODUCED.sub(" ", part[cue:])
            return not after.strip() or checklist_item(after) or quantifiers_only(after)
        if part.strip() and not (checklist_item(part) or quantifiers_only(part)):
            return False
    return False


def _part_spans(clause: str) -> list[tuple[int, int]]:
    """Where each part of `clause` between its list joints (`_JOINT`) starts and ends."""
    spans, begin = [], 0
    for joint in _JOINT.finditer(clause):
        spans.append((begin, joint.start()))
        begin = joint.end()
    return [*spans, (begin, len(clause))]


def _qualifier_only(bracket: str) -> bool:
    """Whether a bracket's content holds only `answer` cues or time, scope or source words
    (`list_quantifier`, `list_qualifier` rows), one or more joined by "and", "or", a comma or
    a slash: "(none)", "(past or present)", "(ever)", "(per pt)", "(pt and mother)" qualify the
    denial (recheck K33 s32 finding 8, fix neg47); "(cut L wrist 11/28)", "(OD x2)" do not."""
    rows = _rows()
    words = rows.quantifiers | rows.qualifiers
    content = bracket.strip()
    if not content or content in rows.answers:
        return True
    parts = [p.split() for p in _JOINT.split(content)]
    return all(not _unquantified(p, words) for p in parts if p) and any(parts)


def _no_clause(part: str) -> bool:
    return False


def detail_follows(text: str, start: int, clause: Callable[[str], bool] = _no_clause) -> bool:
    """Whether the item starting at `start` (of `normalise_text` output) is followed, in its
    clause, by what makes it a finding, not a checklist item (module docstring): a bracket with
    content right after its words ("Denies SI, HI, recent self harm (cut L wrist 11/28)",
    "..., previous attempts (OD x2)"), or a later part of its list that is no checklist item
    ("Denies SI, HI, recent cutting, burns on arms"). Recheck K32b s32 findings 2, 9, fix neg45:
    these were read as denied, TMS offered. "..., self-harm, or AVH", "..., self-harm (none)"
    stay a checklist. `clause`: whether a part is a clause of its own (a reader's verbs,
    self_harm_scope.py), which ends the list: "no SI or self harm, took 20 tabs of trazodone"
    denies the self-harm and reports the overdose apart."""
    rest = span_after(text, start, SENTENCE_OR_COLON)
    bracket = _BRACKET.search(rest)
    # A bracket holding only an `answer` ("self-harm (none)") answers the item, and one of time,
    # scope or source words ("(past or present)", "(per pt)") qualifies the denial: no detail.
    if bracket is not None:
        if not _qualifier_only(bracket.group(1)):
            return True
        # Its words are no later list part ("(past or present)" holds a joint).
        rest = rest[: bracket.start(1) - 1] + rest[bracket.end(1) + 1 :]
    # So with a later item's ("Denies SI, HI, self-harm, AVH (all)": fix text48b, critical before).
    rest = _ANY_BRACKET.sub(lambda m: " " if _qualifier_only(m.group(1)) else m.group(), rest)
    for part in _JOINT.split(rest)[1:]:
        if clause(part):
            return False
        if part.strip() and not (checklist_item(part) or quantifiers_only(part)):
            return True
    return False
