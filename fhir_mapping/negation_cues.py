"""data/text_negations.csv compiled for text_negation.py: the cues by role (`cue_rows`, also read
by text_checklist.py), each role's pattern (`_negations`: `pre`, `post`, `trailing`, `pseudo`,
the checklist `answer` and `answer_all` after ANSWER_LEAD, `answer_bare`, `prefix`, `stop`, `clause_stop`, the
list items and the `family` roles), and the `clause_closed` words of data/self_harm_terms.csv
that close a family-history part (`_family_closed`). Text is normalised here (`normalise_text`)
as every reader normalises it. What each role means and why: text_negation.py's docstring.

Apart from text_negation.py (split out in session 37 to keep that module under 400 lines)
because compiling the table is its own idea, apart from reading a phrase's scope."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

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
# is no item of the checklist: the answer is then not read as covering the term. A qualifier of the
# term (`_QUALIFIER`) is no screening item either, so "SI, Intent: none", "Passive SI, Plan: none"
# keep the SI (fix hist36; `answer_covers` reads comma lists, fix neg37).
_QUALIFIER = r"(?:plan|intent|method|means|specific|active)\b"
_ITEM = r"(?!(?:no|not|denies|without)\b)[a-z]+"
# An "or"/"and" joins the last item to the list, after a comma or alone ("SI, HI, or self-harm:
# denies", "SI/HI or self harm: denies"; recheck K29b s32 finding 3, fix text42: read as stated).
_JOINT = r"(?:\s*[/,]\s*(?:(?:or|and)\s+)?|\s+(?:or|and)\s+)"
# The items stand in the group "items": a comma-joined list is read only as `answer_covers` says.
ANSWER_LEAD = r"^(?P<items>(?:" + _JOINT + _ITEM + r"(?:\s+" + _ITEM + r"){0,2}){0,4})\s*[:?\-]\s*"
# An `answer_all` ("all neg") says it covers every item, so a semicolon joins them too
# ("SI;HI;AVH - all neg"); a plain answer after a semicolon ("SI; HI: denies") covers HI only.
_ALL_LEAD = r"^(?:\s*[/,;]\s*" + _ITEM + r"(?:\s+" + _ITEM + r"){0,2}){0,4}\s*[:?\-]\s*"
# An `answer_bare` ("denies", "pt denies") with no mark, right after the item or a list of
# one-word items ("SI denies", "SI/HI denies"), closing its clause (session 40 fix text102):
# "SI denies" is "SI: denies". Narrower than the marked answer, as no colon says where the item
# ends: "SI with plan denies", "SI mother denies", "SI denies plan", "SI denies today" keep the SI.
_BARE_LEAD = r"^(?P<items>(?:" + _JOINT + _ITEM + r"){0,4})\s+"
_BARE_CLOSE = r"(?=\s*(?:[,;.)]|$))"


# An answer followed by the word it qualifies is no answer: "SI: no plan", "SI - no intent" say
# the ideation is there, without a plan (recheck K7 s28 finding 4, read as a denial before); an
# answer closes its item ("SI: no", "SI: none.", "SI: denies, HI: denies").
_NOT_A_QUALIFIER = r"(?!\s+" + _QUALIFIER + ")"


@dataclass(frozen=True, slots=True)
class _Negations:
    pre: tuple[re.Pattern[str], ...]
    post: tuple[re.Pattern[str], ...]
    trailing: tuple[re.Pattern[str], ...]
    pseudo: re.Pattern[str] | None
    answer: re.Pattern[str] | None
    answer_yes: re.Pattern[str] | None
    answer_all: re.Pattern[str] | None
    answer_bare: re.Pattern[str] | None
    prefix: re.Pattern[str] | None
    stop: re.Pattern[str] | None
    clause_stop: re.Pattern[str] | None
    list_items: frozenset[str]
    list_follow: frozenset[str]
    family: tuple[re.Pattern[str], ...]
    family_end: re.Pattern[str] | None
    family_current: re.Pattern[str] | None


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


def _bare_answers(cues: list[str]) -> re.Pattern[str] | None:
    answers = _answers(_BARE_LEAD, cues)
    return None if answers is None else re.compile(answers.pattern + _BARE_CLOSE)


def _answered_yes(cues: list[str], yes: list[str]) -> re.Pattern[str] | None:
    """An answer list after the term whose denial answers a later answer affirms: "SI/HI: no,
    yes", "SI/HI: N/Y", "SI/HI: neg, pos", a bulleted "SI/HI:\n- no\n- yes" (text_lines.py joins
    its bullets with commas) were quiet, TMS offered (session 37 fix text81). Which item the yes
    answers is not told, so the list denies none of them (text_negation.negated): a question
    costs less than a missed current risk. The `answer_yes` rows are the answers that affirm."""
    if not cues or not yes:
        return None
    denial = "|".join(re.escape(c) for c in sorted(cues, key=len, reverse=True))
    said = "|".join(re.escape(c) for c in sorted(yes, key=len, reverse=True))
    joint = r"\s*[,/]\s*"
    return re.compile(
        ANSWER_LEAD + r"(?:(?:" + denial + r")\b" + joint + r")+(?:" + said + r")(?!\w)"
    )


def _prefixes(cues: list[str], items: list[str]) -> re.Pattern[str] | None:
    """The `prefix` cues, each closing the text before the phrase: after a space or list
    punctuation (or the start); one ending in a dash attached to the phrase ("-SI"), others up
    to one space before it ("(-) SI", "Neg SI"). A cue reaches over the slash-joined checklist
    `items` before the phrase ("Neg SI/HI/AVH" denies AVH too: fix tms59, once "AVH" was read
    as hallucinations)."""
    if not cues:
        return None
    body = "|".join(
        re.escape(c) + ("" if c.endswith("-") else r"\s?")
        for c in sorted(cues, key=len, reverse=True)
    )
    listed = "|".join(re.escape(i) for i in sorted(items, key=len, reverse=True))
    over = rf"(?:(?:{listed})\s*/\s*)*" if items else ""
    return re.compile(r"(?:^|(?<=[\s,;:(/]))(?:" + body + r")" + over + "$")


def _alternation(cues: list[str]) -> re.Pattern[str] | None:
    if not cues:
        return None
    # Longest first, so "with no" wins over "no" where both could match.
    ordered = sorted(cues, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(re.escape(c) for c in ordered) + r")\b")


@cache
def cue_rows() -> dict[str, list[str]]:
    """data/text_negations.csv's cues by role, normalised (`normalise_text`), in table order: the
    one reading of the table, for `_negations` and text_checklist.py alike."""
    text = resources.files("fhir_mapping").joinpath("data/text_negations.csv").read_text("utf-8")
    by_role: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        by_role.setdefault(row["role"], []).append(normalise_text(row["cue"]))
    return by_role


@cache
def _negations() -> _Negations:
    by_role = cue_rows()
    answer = by_role.get("answer", [])
    return _Negations(
        # A family-history cue is a `pre` cue too ("FH of bipolar"), and also reaches over a list.
        pre=tuple(_cue(c) for c in by_role.get("pre", []) + by_role.get("family", [])),
        post=tuple(_cue(c) for c in by_role.get("post", [])),
        # A word cue may be followed by a date ("ruled out 2024"); a punctuation cue ("-", the
        # checklist's minus: "SI -") only closes its clause: "Suicide attempt - 2026" dates the
        # attempt with a dash, it denies nothing (recheck K29b s31 finding 1: read as denied).
        trailing=tuple(
            re.compile(_cue(c).pattern + (_TRAILING_REST if c[:1].isalnum() else r"(?=\s*$)"))
            for c in by_role.get("trailing", [])
        ),
        pseudo=_alternation(by_role.get("pseudo", [])),
        # A checklist answer right after the term: "pacemaker: none", "shunt - no", "VNS? No";
        # also after a slash pair the answer covers ("SI/HI: denies": session 28 fx-selfharm2).
        answer=_answers(ANSWER_LEAD, answer),
        answer_yes=_answered_yes(answer, by_role.get("answer_yes", [])),
        answer_all=_answers(_ALL_LEAD, by_role.get("answer_all", [])),
        answer_bare=_bare_answers(by_role.get("answer_bare", [])),
        prefix=_prefixes(by_role.get("prefix", []), by_role.get("prefix_item", [])),
        stop=_alternation(by_role.get("stop", [])),
        clause_stop=_alternation(by_role.get("clause_stop", [])),
        # A device item is a screening item to an answer after the list (`list_device`).
        list_items=frozenset(by_role.get("list_item", []) + by_role.get("list_device", [])),
        list_follow=frozenset(by_role.get("list_follow", [])),
        family=tuple(_cue(c) for c in by_role.get("family", [])),
        family_end=_alternation(by_role.get("family_end", [])),
        # A `#` in a current-risk cue stands for a count ("x # weeks": "SI x 2 weeks").
        family_current=_counted(by_role.get("family_current", [])),
    )


def _counted(cues: list[str]) -> re.Pattern[str] | None:
    pattern = _alternation(cues)
    return None if pattern is None else re.compile(pattern.pattern.replace(r"\#", r"\d+"))


@cache
def _family_closed() -> re.Pattern[str] | None:
    """A part closed by a `clause_closed` word of data/self_harm_terms.csv ("Family history
    reviewed", "FH negative"): the self-harm reader's words (self_harm_scope.py), one list."""
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    words = [
        normalise_text(row["term"])
        for row in csv.DictReader(text.splitlines())
        if row["role"] == "clause_closed"
    ]
    closed = _alternation(words)
    return None if closed is None else re.compile(closed.pattern + r"\s*[.:]?\s*$")
