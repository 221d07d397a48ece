"""NegEx-style negation of a phrase in free text (data/text_negations.csv; Chapman et al., J Biomed
Inform 2001;34:301-310): the one reading shared by the TMS safety screen (tms_safety.py), the
diagnosis text reader (diagnosis_text.py) and the other text readers, which import it through
tms_safety (`negated`, `normalise_text`).

A cue applies within five words of the phrase in the same clause (NegEx's window); a conjunction
("but") or punctuation ends its scope. Roles:
- `pre`: before the phrase ("no history of seizure disorder", "ruled out bipolar");
- `post`: after it ("aneurysm was ruled out", "psychosis unlikely");
- `trailing`: after it, and closing the clause, followed by nothing but a date or number
  ("Bipolar disorder ruled out 2024"; review s22 RX finding 6). Only at the end: "bipolar
  disorder ruled out by psychiatry?" or a cue that goes on to name something else ("bipolar
  II, ruled out psychosis" is another clause anyway) does not negate: the doubtful reading keeps
  the finding, the safer direction for a diagnosis that stops a treatment;
  A "by <who>" may come first ("bipolar disorder ruled out by psychiatry 2019"; review s22
  RR2 finding 1a: a consultant's word is still a rule-out);
- `pseudo`: after it, a doubt that looks like a post cue ("bipolar not ruled out", "cannot be
  excluded"): the post and trailing cues are then not read (NegEx's pseudo-triggers; the
  doubtful reading keeps the finding);
- `answer`: a checklist answer right after it ("Pacemaker: none", "Shunt - no");
- `answer_all`: an answer for every item of a list, whose items may be joined by semicolons too
  ("SI;HI;AVH - all neg"; recheck K11 s28 finding 3);
- `prefix`: shorthand written right before the phrase ("Neg SI/HI/AVH", "(-) SI", "-SI"; recheck
  K11 s28 finding 3): only there, so "neg tox screen with SI" is not read as a denial of SI. A
  cue ending in a dash ("-") is read only attached ("-SI"): "Depression - SI" separates two items;
- `stop`: a conjunction ending a cue's scope.

Apart from tms_safety.py (moved out in session 22 to keep that module under 400 lines) because
reading negation is its own idea, whatever the terms being read.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

# NegEx reads a trigger's scope as the next (or previous) five words (Chapman et al., J Biomed
# Inform 2001;34:301-310); a clause ends at a full stop, semicolon or comma.
_SCOPE_WORDS = 5
_CLAUSE_END = re.compile(r"[.;,]")
# What may follow a `trailing` cue to the end of its clause: who ruled it out ("by psychiatry",
# "by dr lee", up to three words, no digits), then a date or number, parentheses, an "in"/"on"
# before it ("ruled out 2024", "ruled out (06/2024)", "ruled out in 2024", "ruled out by
# psychiatry 2019"). Anything else ("ruled out by psychiatry?") keeps the finding, and so do
# words of a doubt or a wait among the "by" words ("ruled out by psychiatry pending", "... not").
_BY_WORD = r"\s+(?!(?:not|no|pending|awaited|awaiting|yet|if|unless)\b)[a-z][a-z'.]*"
_TRAILING_REST = r"(?=(?:\s+by(?:" + _BY_WORD + r"){1,3})?(?:\s*(?:in|on)?\s*[\d/()]+)*\s*[)]*\s*$)"
# What may stand between a term and its checklist answer: up to four more items the answer
# covers too, each joined by a slash or comma and of up to three words ("SI/HI: denies",
# "SI, HI: denies", "SI/HI/self harm: none", "Suicidal ideation/homicidal ideation: denies";
# recheck K7 s28 finding 4: only slash-joined single words were read, so these raised a critical
# card), then a colon, question mark or dash. An item holding a negation word ("SI, no plan:")
# is no item of the checklist: the answer is then not read as covering the term. Nor is a
# qualifier of the term (`_QUALIFIER`): "SI, Intent: none", "Passive SI, Plan: none" answer the
# intent or plan of an ideation that stands; read as an item, they erased the SI (fix hist36).
_QUALIFIER = r"(?:plan|intent|method|means|specific|active)\b"
_ITEM = r"(?!(?:no|not|denies|without)\b|" + _QUALIFIER + r")[a-z]+"
ANSWER_LEAD = r"^(?:\s*[/,]\s*" + _ITEM + r"(?:\s+" + _ITEM + r"){0,2}){0,4}\s*[:?\-]\s*"
# An `answer_all` ("all neg") says it covers every item, so a semicolon joins them too
# ("SI;HI;AVH - all neg"); a plain answer after a semicolon ("SI; HI: denies") covers HI only.
_ALL_LEAD = r"^(?:\s*[/,;]\s*" + _ITEM + r"(?:\s+" + _ITEM + r"){0,2}){0,4}\s*[:?\-]\s*"
# An answer followed by the word it qualifies is no answer: "SI: no plan", "SI - no intent" say
# the ideation is there, without a plan (recheck K7 s28 finding 4, read as a denial before); an
# answer closes its item ("SI: no", "SI: none.", "SI: denies, HI: denies").
_NOT_A_QUALIFIER = r"(?!\s+" + _QUALIFIER + ")"
# ... and within this many words of the phrase (its own qualifiers: "Bipolar II disorder ruled
# out"), narrower than NegEx's five: "bipolar disorder - psychosis ruled out" names another
# finding in between, and a bipolar disorder read as ruled out is the unsafe mistake.
_TRAILING_WORDS = 3


@dataclass(frozen=True, slots=True)
class _Negations:
    pre: tuple[re.Pattern[str], ...]
    post: tuple[re.Pattern[str], ...]
    trailing: tuple[re.Pattern[str], ...]
    pseudo: re.Pattern[str] | None
    answer: re.Pattern[str] | None
    answer_all: re.Pattern[str] | None
    prefix: re.Pattern[str] | None
    stop: re.Pattern[str] | None


def term_pattern(term: str) -> re.Pattern[str]:
    """A table term as a pattern: "self harm*" any ending ("self-harming"), else the whole word;
    the term as the caller normalised it. One rule for the word tables read in free text
    (diagnosis_text.py, sleep_apnea_text.py, self_harm_context.py, abbreviation_context.py)."""
    body = re.escape(term.rstrip("*")) + (r"\w*" if term.endswith("*") else r"\b")
    return re.compile(r"\b" + body)


def normalise_text(text: str) -> str:
    """Lower case, a hyphen or underscore inside a word read as a space ("bone-anchored",
    "VP-shunt"), runs of whitespace as one space. A free-standing dash ("Shunt - no") stays."""
    text = re.sub(r"(?<=\w)[-_](?=\w)", " ", text.lower())
    return " ".join(text.split())


def _cue(cue: str) -> re.Pattern[str]:
    # A cue of punctuation ("-": "SI -") has no word boundary: it stands between spaces or ends.
    left = r"\b" if cue[:1].isalnum() else r"(?<!\S)"
    right = r"\b" if cue[-1:].isalnum() else r"(?!\S)"
    return re.compile(left + re.escape(cue) + right)


def _answers(lead: str, cues: list[str]) -> re.Pattern[str] | None:
    if not cues:
        return None
    body = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    return re.compile(lead + r"(?:" + body + r")\b" + _NOT_A_QUALIFIER)


def _prefixes(cues: list[str]) -> re.Pattern[str] | None:
    """The `prefix` cues, each closing the text before the phrase: after a space or list
    punctuation (or the start); one ending in a dash attached to the phrase ("-SI"), others up
    to one space before it ("(-) SI", "Neg SI")."""
    if not cues:
        return None
    body = "|".join(
        re.escape(c) + ("" if c.endswith("-") else r"\s?")
        for c in sorted(cues, key=len, reverse=True)
    )
    return re.compile(r"(?:^|(?<=[\s,;:(/]))(?:" + body + r")$")


def _alternation(cues: list[str]) -> re.Pattern[str] | None:
    if not cues:
        return None
    # Longest first, so "with no" wins over "no" where both could match.
    ordered = sorted(cues, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(c) for c in ordered) + r")\b")


@cache
def _negations() -> _Negations:
    text = resources.files("fhir_mapping").joinpath("data/text_negations.csv").read_text("utf-8")
    by_role: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        by_role.setdefault(row["role"], []).append(normalise_text(row["cue"]))
    answer = by_role.get("answer", [])
    return _Negations(
        pre=tuple(_cue(c) for c in by_role.get("pre", [])),
        post=tuple(_cue(c) for c in by_role.get("post", [])),
        trailing=tuple(
            re.compile(_cue(c).pattern + _TRAILING_REST) for c in by_role.get("trailing", [])
        ),
        pseudo=_alternation(by_role.get("pseudo", [])),
        # A checklist answer right after the term: "pacemaker: none", "shunt - no", "VNS? No";
        # also after a slash pair the answer covers ("SI/HI: denies": session 28 fx-selfharm2).
        answer=_answers(ANSWER_LEAD, answer),
        answer_all=_answers(_ALL_LEAD, by_role.get("answer_all", [])),
        prefix=_prefixes(by_role.get("prefix", [])),
        stop=_alternation(by_role.get("stop", [])),
    )


def after_last_stop(before: str) -> str:
    """`before` after its last conjunction ("but", "however": the `stop` cues), or whole."""
    stop = _negations().stop
    if stop is not None:
        stops = list(stop.finditer(before))
        if stops:
            before = before[stops[-1].end() :]
    return before


def scope_before(text: str, start: int) -> str:
    """The words a `pre` cue of the phrase starting at `start` may stand in: the last five of
    its clause, after the last conjunction (NegEx's window). Shared with readers that add cues of
    their own (self_harm_text.py), so both read the same scope."""
    before = after_last_stop(_CLAUSE_END.split(text[:start])[-1])
    return " ".join(before.split()[-_SCOPE_WORDS:])


def pre_cued(window: str) -> bool:
    """Whether a shared `pre` cue stands in `window` (a reader's own scope: self_harm_scope.py)."""
    return any(p.search(window) for p in _negations().pre)


def scope_after(text: str, end: int) -> str:
    """The rest of the clause after the phrase ending at `end`, up to a conjunction."""
    stop = _negations().stop
    after = _CLAUSE_END.split(text[end:])[0]
    if stop is not None:
        found = stop.search(after)
        if found is not None:
            after = after[: found.start()]
    return after


def negated(text: str, start: int, end: int, *, window: str | None = None) -> bool:
    """Whether the phrase at text[start:end] (of `normalise_text` output) is negated. `window`:
    the words a `pre` cue may stand in, when the reader sets its own scope (self_harm_scope.py);
    else NegEx's (`scope_before`)."""
    neg = _negations()
    if window is None:
        window = scope_before(text, start)
    if any(p.search(window) for p in neg.pre):
        return True
    if neg.prefix is not None and neg.prefix.search(text[:start]):
        return True
    if any(a is not None and a.search(text[end:]) for a in (neg.answer, neg.answer_all)):
        return True
    after = scope_after(text, end)
    if neg.pseudo is not None and neg.pseudo.search(after):
        # "bipolar not ruled out", "cannot be excluded": a doubt, not a negation.
        return False
    window = " ".join(after.split()[:_SCOPE_WORDS])
    if any(p.search(window) for p in neg.post):
        return True
    # Searched in the whole clause, so that "closing the clause" means its end, not the
    # window's; the cue itself must start within `_TRAILING_WORDS` of the phrase.
    return any(
        len(after[: m.start()].split()) < _TRAILING_WORDS
        for p in neg.trailing
        for m in p.finditer(after.rstrip())
    )


def negated_inside(span: str) -> bool:
    """Whether a proximity match negates its second word between the two ("aneurysm, not
    clipped", "aneurysm - no coil"): a preceding negation cue inside the matched span. A one-
    phrase term holds no such cue, so this reads only the pairs."""
    words = span.split()
    if len(words) < 3:
        return False
    inner = " ".join(words[1:-1])
    return any(p.search(inner) for p in _negations().pre)
