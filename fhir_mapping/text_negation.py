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
- `answer`: a checklist answer right after it ("Pacemaker: none", "Shunt - no"), none where a
  later answer of its list affirms (`answer_yes`: "SI/HI: no, yes", fix text81);
- `answer_bare`: a denial with no mark after a screening item (`list_item`), right after it or a
  slash- or comma-joined list of one-word items and closing its clause ("SI denies", "SI/HI pt
  denies"; session 40 fix text102: read as "SI: denies" is; "SI mother denies", "SI denies
  plan", "Overdose denies" keep the finding);
- `answer_all`: an answer for every item of a list, whose items may be joined by semicolons too
  ("SI;HI;AVH - all neg"; recheck K11 s28 finding 3);
- `prefix`: shorthand written right before the phrase ("Neg SI/HI/AVH", "(-) SI", "-SI"; recheck
  K11 s28 finding 3): only there, so "neg tox screen with SI" is not read as a denial of SI. A
  cue ending in a dash ("-") is read only attached ("-SI"): "Depression - SI" separates two items;
- `stop`: a conjunction ending a cue's scope;
- `clause_stop`: a joint that starts a clause of its own for the TMS safety items ("and has",
  "and had", "and with": "Denies seizures and has a pacemaker" keeps the pacemaker; recheck K33
  s32 finding 5, fix neg47), read only when the reader asks (`negated(own_clause=True)`);
- `list_item`: a screening item a comma-joined answer covers ("SI, HI: denies"); an answer after
  a comma-joined list covers the phrase only when the phrase's item, from the start of its
  clause, and every item after it are such items (`answer_covers`; recheck K27a s31 finding 1:
  "Intentional OD, SI: denies", "Endorses SI, plan: none", "Hx SI, Plan: none" had read the
  act, the endorsed SI or the history as denied). A slash-joined list ("SI/HI/self harm: none")
  is read as before;
- `list_device`: a TMS-screen device or seizure item ("Pacemaker, VNS: none"), a `list_item` for
  an answer after the list, but never reached by a leading denial over a comma ("No seizures,
  cochlear implant" keeps the implant: recheck K32b s32 finding 3, fix neg45);
- `list_follow`: an item a comma-joined answer covers only after a `list_item` opens the list:
  "SI, HI, self-harm: denies" is a screening checklist, "SIB, SI: denies" names the self-injury
  first, as a presenting act, and keeps it (session 31: the safer reading of each). Both say
  too how far a leading denial reaches over a comma, "and" or "or" (text_checklist.py, read by
  self_harm_scope.py, fixes neg43, neg44): "denies SI, HI, cutting" denies the cutting, "denies
  SI, OD'd last night", "Denies SI, HI and drank bleach" read it; `list_quantifier`,
  `list_example` and `list_present` rows are read there ("denies SI, HI, any recent overdose");
- `family`: a family-history (ConText experiencer) cue, read as a `pre` cue and also over the
  comma-joined list it opens ("FH significant for depression, bipolar": `family_listed`,
  recheck K27a s31 finding 4), each item of up to three words, up to a `family_end` word that
  makes the words the patient's again ("FH of depression, pt with bipolar").

Apart from tms_safety.py (moved out in session 22 to keep that module under 400 lines) because
reading negation is its own idea, whatever the terms being read. The table's cues are compiled
by negation_cues.py (split out in session 37 to keep this module under 400 lines).
"""

from __future__ import annotations

import re

from fhir_mapping.negation_cues import ANSWER_LEAD as ANSWER_LEAD
from fhir_mapping.negation_cues import _family_closed, _negations
from fhir_mapping.negation_cues import cue_rows as cue_rows
from fhir_mapping.negation_cues import normalise_text as normalise_text
from fhir_mapping.prefix_undone import pre_undone, prefix_undone
from fhir_mapping.text_bounds import CLAUSE, LIST_CLAUSE, SENTENCE, span_after, span_before
from fhir_mapping.text_informant import report_end

# NegEx reads a trigger's scope as the next (or previous) five words (Chapman et al., J Biomed
# Inform 2001;34:301-310); a clause ends at a full stop, semicolon or comma (text_bounds.CLAUSE).
_SCOPE_WORDS = 5
# A comma-joined checklist's joints ("Psych ROS: SI, HI: denies": its clause a LIST_CLAUSE).
_LIST_JOINT = re.compile(r"[,/]|\b(?:and|or)\b")
# A list read as `answer_covers` reads a comma-joined one: a comma or a word joins it (fix text42).
# What may follow an answer that closes its clause (grammar: a clause mark or the end).
_BARE_END = re.compile(r"\s*(?:[,.;\n]|$)")
_WORD_LIST = re.compile(r",|\b(?:and|or)\b")
# A family-history list: its items, each up to this many words ("major depressive disorder"),
# within a sentence (a full stop or semicolon ends it).
_FAMILY_ITEM_WORDS = 3
# A `trailing` cue (what may follow it to its clause's end: negation_cues._TRAILING_REST) is read
# only within this many words of the phrase (its own qualifiers: "Bipolar II disorder ruled
# out"), narrower than NegEx's five: "bipolar disorder - psychosis ruled out" names another
# finding in between, and a bipolar disorder read as ruled out is the unsafe mistake.
_TRAILING_WORDS = 3


def term_pattern(term: str) -> re.Pattern[str]:
    """A table term as a pattern: "self harm*" any ending ("self-harming"), else the whole word;
    the term as the caller normalised it. One rule for the word tables read in free text
    (diagnosis_text.py, sleep_apnea_text.py, self_harm_context.py, abbreviation_context.py)."""
    body = re.escape(term.rstrip("*")) + (r"\w*" if term.endswith("*") else r"\b")
    return re.compile(r"\b" + body)


def after_last_stop(before: str) -> str:
    """`before` after its last conjunction ("but", "however": the `stop` cues) or informant's
    report ("Denies SI (mother: pt wants to die)": text_informant.py, fix text48b), or whole."""
    stop = _negations().stop
    ends = [m.end() for m in stop.finditer(before)] if stop is not None else []
    report = report_end(before)
    ends += [] if report is None else [report]
    return before[max(ends) :] if ends else before


def scope_before(text: str, start: int) -> str:
    """The last five words of the phrase's clause before `start`, after the last conjunction
    (NegEx's window): where a past or rule-out word stands (diagnosis_text.py: "Hx: alcohol
    withdrawal"). A denial's own reach is denial_scope.py's (session 36, text69)."""
    before = after_last_stop(span_before(text, start, CLAUSE))
    return " ".join(before.split()[-_SCOPE_WORDS:])


def pre_cued(window: str) -> bool:
    """Whether a shared `pre` cue stands in `window` (a reader's own scope: self_harm_scope.py)."""
    return any(p.search(window) for p in _negations().pre)


def pre_cue_end(part: str) -> int | None:
    """Where the last shared `pre` cue in `part` ends, or None (text_checklist.denial_listed)."""
    ends = [m.end() for p in _negations().pre for m in p.finditer(part)]
    return max(ends) if ends else None


def scope_after(text: str, end: int) -> str:
    """The rest of the clause after the phrase ending at `end`, up to a conjunction."""
    stop = _negations().stop
    after = span_after(text, end, CLAUSE)
    if stop is not None:
        found = stop.search(after)
        if found is not None:
            after = after[: found.start()]
    return after


def answer_covers(text: str, start: int, end: int, answer: re.Match[str] | None) -> bool:
    """Whether `answer`, a match of an ANSWER_LEAD pattern on text[end:], answers the phrase at
    text[start:end]. An answer right after the phrase ("SI: denies") or after a slash-joined
    list ("SI/HI: denies") does. After a comma-joined one, only when the list is a plain list of
    screening items (`list_item` rows: "SI, HI: denies"), the phrase's own item one of them from
    the start of its clause (recheck K27a s31 finding 1): "Intentional OD, SI: denies", "Endorses
    SI, plan: none", "Hx SI, Plan: none" deny the SI or the plan, not the act, the endorsed SI or
    the history before them. Items joined by "or" alone are one question's alternatives: a
    `list_follow` item may open them ("Self-harm or suicidal thoughts: no"; fix text82). The
    doubtful reading keeps the finding, the safer mistake."""
    if answer is None:
        return False
    items = answer.group("items")
    if not _WORD_LIST.search(items):
        return True
    neg = _negations()
    own = span_before(text, end, LIST_CLAUSE)
    # ", or self harm": the comma and the "or" are one joint, no empty item between (fix text42).
    parts = (part.strip() for part in _LIST_JOINT.split(own + items))
    first, *rest = (part for part in parts if part)
    # Items joined by "or" alone are a question's alternatives, answered together ("Self-harm or
    # suicidal thoughts: no", "Thoughts of self-harm or suicide: denies": fix text82), so a
    # `list_follow` item may open them; "SIB, SI: denies" (a comma) still names the act first.
    # Only a bare answer closing its clause covers them all: "...: denies self-harm", "...: denies
    # others" answer one item (recheck K57a finding 2, fix text84).
    asked = _BARE_END.match(text, end + answer.end()) is not None and all(
        j.group() == "or" for j in _LIST_JOINT.finditer(own + items)
    )
    opens = neg.list_items | neg.list_follow if asked else neg.list_items
    return first in opens and all(
        part in neg.list_items or part in neg.list_follow for part in rest
    )


def family_listed(text: str, start: int) -> bool:
    """Whether the phrase starting at `start` is an item of a comma-joined family-history list:
    "FH significant for depression, bipolar", "FH: depression, anxiety, bipolar" (recheck K27a
    s31 finding 4: the comma ended the cue's clause, and the relative's bipolar disorder was read
    as the patient's). The phrase opens its item; each item back to the part holding a `family`
    cue has up to three words; a `family_end` word ("pt", "also") after the cue ends the list:
    "FH of depression, pt with bipolar" is the patient's. Recheck K28b s31 finding 1 (fix
    text39): a part closed by a `clause_closed` word ("Family history reviewed, SI", "FH
    negative, suicidal ideation") is a whole statement, and an item naming current risk
    (`family_current`: "SI with plan", "SI x 2 weeks", "SI today") is the patient's: a
    relative's history is not written so. The doubtful reading keeps the finding."""
    neg = _negations()
    parts = after_last_stop(span_before(text, start, SENTENCE)).split(",")
    if parts[-1].strip():
        return False
    own = span_after(text, start, SENTENCE).split(",")[0]
    if neg.family_current is not None and neg.family_current.search(own):
        return False
    closed = _family_closed()
    for part in reversed(parts[:-1]):
        if closed is not None and closed.search(part):
            return False
        cues = [m for f in neg.family for m in f.finditer(part)]
        tail = part[max(m.end() for m in cues) :] if cues else part
        if neg.family_end is not None and neg.family_end.search(tail):
            return False
        if cues:
            return True
        if len(part.split()) > _FAMILY_ITEM_WORDS:
            return False
    return False


def negated(
    text: str, start: int, end: int, *, window: str | None = None, own_clause: bool = False
) -> bool:
    """Whether the phrase at text[start:end] (of `normalise_text` output) is negated. `window`:
    the words a `pre` cue may stand in, when the reader sets its own scope (self_harm_scope.py);
    else NegEx's (denial_scope.py). `own_clause`: a `clause_stop` joint ends that scope too
    (tms_safety.py: "Denies seizures and has a pacemaker" keeps the pacemaker)."""
    from fhir_mapping.denial_undone import denials_undone  # no cycle at import

    neg = _negations()
    text = denials_undone(text)  # "does not deny SI" denies nothing (fix text71)
    own_scope = window is None
    if window is None:
        from fhir_mapping.denial_scope import denial_scope  # no cycle at import

        window = denial_scope(text, start)
        joints = [] if neg.clause_stop is None else list(neg.clause_stop.finditer(window))
        if own_clause and joints:
            window = window[joints[-1].end() :]
    # A `pre` denial ends where the words after it undo it, as a prefix's does ("Denies SI until
    # today", "Denies SI passive": fix text105, prefix_undone.py); the doubtful reading keeps it.
    if any(p.search(window) for p in neg.pre) and not pre_undone(text, start, end):
        return True
    # Only in NegEx's own scope: a reader that sets its own (self_harm_scope.py) reads a
    # relative its own way (self_harm_subject.py, self_harm_sib.py).
    if own_scope and family_listed(text, start):
        return True
    from fhir_mapping.text_checklist import denial_listed  # no cycle at import

    # A checklist item of a denial's list ("Denies SI, HI, wish to be dead": fix neg44).
    if own_scope and denial_listed(text, start):
        return True
    # A prefix's denial ends where the words after it undo it ("Negative SI until today",
    # "neg SI passive": fix text104, prefix_undone.py); the doubtful reading keeps the finding.
    if (
        neg.prefix is not None
        and neg.prefix.search(text[:start])
        and not prefix_undone(text, start, end)
    ):
        return True
    if neg.answer_yes is not None and answer_covers(
        text, start, end, neg.answer_yes.search(text[end:])
    ):
        return False  # "SI/HI: no, yes": a list with a yes denies none (fix text81)
    if neg.answer is not None and answer_covers(text, start, end, neg.answer.search(text[end:])):
        return True
    if neg.answer_all is not None and neg.answer_all.search(text[end:]):
        return True
    # Only after a screening item ("SI denies" as "SI: denies", fix text102): an act so written
    # ("Overdose denies", "Suicide attempt denies") is kept, as a presenting act named first.
    bare = neg.answer_bare if text[start:end] in neg.list_items else None
    if bare is not None and answer_covers(text, start, end, bare.search(text[end:])):
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
