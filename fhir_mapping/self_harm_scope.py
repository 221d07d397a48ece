"""How far a denial reaches in a list of self-harm words (session 28 fix fx-selfharm2).

NegEx reads a `pre` cue within five words of the phrase, in the same clause (text_negation.py),
and an "and" does not end the clause. So "denies current SI and attempted overdose last week"
read the overdose as denied: a stated attempt read as a denial, and no suicide-risk card (the
missed critical card). And a list longer than five words lost its denial the other way: "no
history of suicide attempts or self-harm" read the self-harm as stated, a false critical card.

The rule: the words before the mention, in its sentence (up to a full stop or semicolon) and
after the last conjunction ("but", the `stop` cues), up to the denial's reach (a "?", "!", or a
colon or dash after a denied item: denial_scope.py, session 36 text69), are split at the list's joints (a comma, a
slash, "&", "and", "or", "nor", "as well as") into parts; the mention's own part is the last.

- The own part has a verb of its own (data/self_harm_terms.csv role `clause_verb`, or a word
  of past time, role `clause_time`: "denies current SI, past attempt 2015" is read; "attempted",
  "took", "overdosed", "cut", "hanged", "reports", "has", "was" ...; the mention's own words
  count: "and overdosed on sertraline"), or names the patient as its subject (role
  `clause_subject`: "pt", "patient": "Family history reviewed, pt with SIB", "Denies SI, pt with
  self-harm"; session 31 fix forms36, they were silent): it is a clause of its own, and only a
  cue inside it denies the mention ("denies SI and has never overdosed" is denied). "Denies SI,
  attempted overdose 2 days ago" is read: the attempt is its own finding.
- Else, after a bare comma, the mention's whole item (its part up to the next joint) must be a
  screening checklist item (data/text_negations.csv `list_item`/`list_follow`, or its plural:
  text_negation.checklist_item) for the scope to run back; anything else there is a clause of
  its own (recheck K30a s32 finding 2, fix neg43: "denies SI, OD'd last night", "Denies SI/HI,
  drank bleach", "denies SI, tied sheet around neck", "Denies SI/HI, hoarding her pills" had
  no card and offered TMS: their verbs are no `clause_verb` row). A checklist after "denies"
  names bare screening words ("denies SI, HI, cutting": the cutting is denied, as in "SI, HI,
  cutting: denies"); an act written with its object or time is a report of what happened, and
  ED reason fields separate statements with commas ("denies SI, cutting last week" is read).
  An "and", "or", "&" or "nor" joint is read so too (recheck K31a s32 finding 2, fix neg44:
  "Denies SI, HI and drank bleach" had no card and offered TMS; "denies SI, HI and self-harm"
  stays denied). A quantifier opening a checklist item is no time of a clause ("Denies SI, HI,
  prior suicide attempts", "..., hx of suicide attempts": text_checklist.py), unless the denial
  is of the present alone ("denies current SI, prior attempts" is read).
- Else (a bare noun phrase, "self-harm" in "denies SI or self-harm") the scope runs back over
  the parts before it while they hold no verb, to the part holding the cue: a genuine list stays
  denied however long ("no history of suicide attempts or self-harm", "denies SI, HI, AH/VH,
  self-harm"). A part with a verb and no cue ends the search ("reports SI, self-harm": read),
  and so does a part closed by a word that ends its statement (role `clause_closed`: "Family
  history reviewed", "FH noncontributory", "FH negative"): the family history is done, and
  "FH noncontributory, SIB x2 this week" is the patient's (session 31 fix forms36); so does an
  item answered on its own ("HI: denies"): its answer ends at its item, so "SI, HI: denies,
  recent overdose", "SI: denies, HI: denies, self-harm: yes" are read (recheck K28b s31 finding
  5, fix text39).

Where the words leave a doubt ("denies SI and attempted suicide": a list, or a new clause?), the
mention is read: a question costs less than a missed attempt (self_harm_text.py, Denials).
Apart from self_harm_text.py because where a cue reaches is its own idea, whatever the cues.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from functools import cache
from importlib import resources

from fhir_mapping import self_harm_terms
from fhir_mapping.denial_scope import cue_introduces, own_answer
from fhir_mapping.text_bounds import SENTENCE, denial_reach, span_before
from fhir_mapping.text_checklist import (
    checklist_item,
    detail_follows,
    present_only,
    quantifiers_only,
)
from fhir_mapping.text_negation import after_last_stop, normalise_text

__all__ = ["cue_window"]

# NegEx's window inside the mention's own part (text_negation.py reads the same five words).
_SCOPE_WORDS = 5
# Roles whose words make a part a clause of its own: a verb, or a word of time that sets the
# part apart from a denial of the present ("denies current SI, past attempt 2015": recheck K11
# s28 finding 1, the denial read over the attempt).
# The patient named as the part's subject does too ("pt with SIB": session 31 fix forms36).
_CLAUSE_ROLES = frozenset({"clause_verb", "clause_time", "clause_subject"})
_SUBJECT_ROLE = "clause_subject"
# A part ending in one of these words is a whole statement ("Family history reviewed").
_CLOSED_ROLE = "clause_closed"
# The joints of a list: a comma, a slash ("SI/HI"), "&", and the coordinating words.
_JOINT = re.compile(r",|/|&|\b(?:and|or|nor|as well as)\b")


def _words(roles: frozenset[str]) -> str | None:
    """The terms of `roles` (data/self_harm_terms.csv) as one alternation, longest first."""
    words = [normalise_text(t) for t in self_harm_terms.terms(*roles)]
    if not words:
        return None
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@cache
def _verbs() -> re.Pattern[str] | None:
    body = _words(_CLAUSE_ROLES)
    # Not inside a word nor a possessive ("pt's brother" names no subject of the patient's).
    return None if body is None else re.compile(r"(?<![\w'])(?:" + body + r")(?![\w'])")


@cache
def _subjects() -> re.Pattern[str] | None:
    body = _words(frozenset({_SUBJECT_ROLE}))
    return None if body is None else re.compile(r"(?<![\w'])(?:" + body + r")(?![\w'])")


@cache
def _closing() -> re.Pattern[str] | None:
    body = _words(frozenset({_CLOSED_ROLE}))
    return None if body is None else re.compile(r"(?<![\w'])(?:" + body + r")\s*[.:]?\s*$")


def _has_verb(words: str) -> bool:
    verbs = _verbs()
    return verbs is not None and verbs.search(words) is not None


def _closed(part: str) -> bool:
    closing = _closing()
    return closing is not None and closing.search(part) is not None


# The joint before the mention's part is a comma, "and", "or", "&" or "nor" ("denies SI, OD'd
# last night", "Denies SI, HI and drank bleach"), not a slash ("SI/HI/self harm"); the mention's
# item ends at the next joint, clause end, parenthesis or checklist answer.
_WORD_JOINT_BEFORE = re.compile(r"(?:,|&|\b(?:and|or|nor))\s*$")
_ITEM_END = re.compile(r"[,;.:(/&]|\s-\s|\b(?:and|or|nor|as well as)\b")


@cache
def _past() -> re.Pattern[str] | None:
    """The `clause_time` words ("past", "prior", "hx of"): an item they open is a past one."""
    body = _words(frozenset({"clause_time"}))
    return None if body is None else re.compile(r"(?<![\w'])(?:" + body + r")(?![\w'])")


def _past_after_present(item: str, denial: str) -> bool:
    """Whether `item` names the past ("prior attempts") after a denial of the present alone
    ("denies current SI"): a statement of its own (text_checklist.present_only)."""
    past = _past()
    return (
        past is not None
        and past.search(item) is not None
        and present_only(denial)
        and past.search(denial) is None
    )


# Where an item's own checklist answer starts: after a colon, a free-standing dash, or a "?"
# ("SI? denies, overdose" answers SI and reads the overdose: session 36 text69).
_ANSWER_MARK = re.compile(r":|\?|\s-\s")


def _answered(part: str, cued: Callable[[str], bool]) -> bool:
    """Whether `part` is an item with its own answer, a cue after its colon or dash ("HI:
    denies"): the answer covers its item and those before it, not the parts after it (recheck
    K28b s31 finding 5, fix text39: "SI: denies, HI: denies, self-harm: yes", "SI, HI: denies,
    recent overdose" read the self-harm and overdose as denied). "Denies: SI, HI, self-harm"
    has its cue before the colon and still reaches over the list."""
    marks = list(_ANSWER_MARK.finditer(part))
    if not marks:
        return False
    words = part[marks[-1].end() :].split()
    # The cue must close its item: "Psych: denies SI, HI, self-harm" is a heading and a denial
    # list, not SI's answer (the cue opens an item after it), so the denial reaches the list
    # (session 36, K52a follow-up: it read the self-harm as a current act).
    # A heading that is no checklist item ("Psychiatric/Behavioral: Negative for suicidal ideas
    # and self-injury", "Psych: denies depression, self-harm") opens a list with its cue whatever
    # follows the cue (recheck K53a s36 finding 3, fix text73: a false critical card on Epic's ROS);
    # an item's cue with nothing after it is its answer ("HI: denies, recent overdose" is read).
    heading = _ANSWER_MARK.split(part[: marks[-1].start()])[-1]
    for n in range(1, len(words) + 1):
        if cued(" ".join(words[:n])):
            rest = " ".join(words[n:])
            if not rest:
                return True
            return checklist_item(heading) and not checklist_item(rest)
    return False


@cache
def _slashed() -> re.Pattern[str] | None:
    """The clause words written with a slash ("h/o"): one word, no list joint inside (session 33
    fix text48b: "denies SI, h/o OD 2018" was split at "h/", so the denial reached the OD)."""
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    words = {
        normalise_text(row["term"])
        for row in csv.DictReader(text.splitlines())
        if row["role"] in _CLAUSE_ROLES and "/" in row["term"]
    }
    body = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<![\w'])(?:" + body + r")(?![\w'])") if body else None


def _parts(clause: str) -> list[str]:
    """`clause` split at its list joints (`_JOINT`), a `_slashed` word kept whole."""
    slashed = _slashed()
    if slashed is not None:
        clause = slashed.sub(lambda m: m.group().replace("/", "\x00"), clause)
    return [part.replace("\x00", "/") for part in _JOINT.split(clause)]


# An "or" or "nor" right before the mention's part: a disjunction a denial governs.
_OR_BEFORE = re.compile(r"\b(?:or|nor)\s*$")


@cache
def _thought() -> re.Pattern[str]:
    """An item opening with a thought's noun (`lead_list_noun`: "thoughts", "plans", "intent"),
    a `lead_list_quantifier` ("any") allowed before it."""
    quantifier = _words(frozenset({"lead_list_quantifier"}))
    nouns = _words(frozenset({"lead_list_noun"})) or "(?!)"
    lead = r"(?:(?:" + quantifier + r")\s+)?" if quantifier else ""
    return re.compile(r"\s*" + lead + r"(?:" + nouns + r")\b")


def _thought_or(head: str, item: str) -> bool:
    """Whether the mention's item is a thought's noun after an "or" ("denies HI or thoughts of
    harming herself"): the object of the denial before it, as "denies SI or self-harm" is, so the
    denial runs back over the list (session 36 fix text68). After a comma or "and" the item stays
    a statement of its own ("denies HI, thoughts of harming herself" is read: an ED reason joins
    statements with commas, and "and" may join a new one; fix neg44)."""
    return _OR_BEFORE.search(head) is not None and _thought().match(item) is not None


def cue_window(text: str, start: int, end: int, cued: Callable[[str], bool]) -> str:
    """The words a negation cue of the mention text[start:end] (of `normalise_text` output) may
    stand in (module docstring). `cued`: whether a part holds a negation cue (the shared ones
    and self-harm's own)."""
    clause = after_last_stop(span_before(text, start, SENTENCE))
    parts = _parts(clause)
    # The denial's reach (denial_scope.py): a "?", "!", or a colon or dash after a denied item
    # ends it inside the mention's part ("No HI: wants to kill himself"; session 36 text69).
    own = denial_reach(parts[-1], cue_introduces)
    reached = len(own) < len(parts[-1])
    subjects = _subjects()
    named = None if subjects is None else list(subjects.finditer(own))
    if named:
        # The patient's own clause starts at its subject, whatever joins it to the words before
        # ("Family history reviewed: pt with SIB", "FH reviewed - pt with SIB").
        own = own[named[-1].start() :]
    window = " ".join(own.split()[-_SCOPE_WORDS:])
    item = parts[-1] + _ITEM_END.split(text[start:], maxsplit=1)[0]
    # A checklist item's quantifier is no verb nor time of a clause: "Denies SI, HI, prior
    # suicide attempts" (recheck K31a s32 finding 8, fix neg44); a bracketed detail or a finding
    # after it makes it a finding: "..., previous attempts (OD x2)" (K32b s32 finding 9, neg45).
    listed = checklist_item(item) and not detail_follows(text, start, _has_verb)
    # The phrase's own answer after it ("Psych: denies HI, self-harm: yes") decides it: the
    # list's denial before it does not reach it (recheck K53a s36 finding 1, fix text73).
    if reached or cued(window) or own_answer(text, end):
        return window
    if not listed and _has_verb(own + " " + text[start:end]):
        return window
    head = clause[: len(clause) - len(parts[-1])]
    if not listed and _WORD_JOINT_BEFORE.search(head) and not _thought_or(head, item):
        # After a comma, "and" or "or", only a checklist item continues the list (module
        # docstring; "Denies SI, HI and drank bleach": recheck K31a s32 finding 2, fix neg44).
        return window
    chain = [own]
    for part in reversed(parts[:-1]):
        if _closed(part) or _answered(part, cued):
            break
        # A part the reach ends inside ("No HI: SI, self-harm") is the chain's last.
        cut = denial_reach(part, cue_introduces)
        chain.insert(0, cut)
        if cued(cut):
            if _past_after_present(item, " ".join(chain[:-1])):
                return window
            return " ".join(" ".join(chain).split())
        if len(cut) < len(part):
            break
        if _has_verb(part) and not (checklist_item(part) or quantifiers_only(part)):
            break
    return window
