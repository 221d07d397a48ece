"""Self-harm words that say a thought, a plan or a threat, not an act (recheck K7 s28 finding 5).

"SI with plan to overdose on sertraline", "thoughts of overdosing", "threatened to overdose" and
"passive SI, thoughts of self harm, no attempt" were read as an overdose or a self-harm act, and
the suicide-risk card said "Overdose, intent not recorded ... what happened" or "Self-harm or
suicide attempt": critical was right, the words were not (nothing happened). An act or event
term (data/self_harm_terms.csv `act`, `event`) right after a qualifier of the `ideation_lead`
role ("plan to", "thoughts of", "threatened to", "urges to", "wants to"), with at most a verb of
taking and an article between ("plan to take an overdose"), names suicidal ideation with that
plan or thought: self_harm_text.py then reads no act from it, and the readers
(condition_text.py, visit_risk.py) raise the suicidal-ideation finding instead, whose card asks
for a suicide risk assessment today (C-SSRS items 2-5: thoughts, method, intent, plan; Posner et
al., Am J Psychiatry 2011;168:1266-1277).

Words that name only what a thought is of (role `ideation_object`: "kill herself", "hurt himself",
"suicide", "cut" closing its clause) are read the same way, after a qualifier only: "threatened
to kill herself", "wants to hurt himself", "urges to cut", "thoughts of cutting" raised nothing
(recheck K11 s28 finding 1); alone they are no act ("cut" is not self-harm by itself).

The qualifier must stand right before the term, so "wanted to sleep so took extra pills" is still
an overdose.

Session 31 fix forms38 (recheck K27a s31): a relative reporting the patient's risk is the
patient's risk. "Mother worried pt will hurt herself" raised nothing: "will", "might", "would" are
qualifiers too (the term must follow them: "would never hurt herself" is none). Whose thought it
is, is read from the qualifier's start (`lead_start`, self_harm_subject.other_subject): "Pt
worried mother will kill herself" is the mother's. Words of preparatory behaviour (role
`preparatory`: "Sister found pills hidden in pt's room", "hoarding pills") name a plan without a
qualifier (`preparatory`). Apart from self_harm_text.py because what a qualifier does to a term is its own idea.

Session 31 fix words40 (recheck K28c): "may", "could", "going to" ("Mother worried pt may kill
herself", "Mother says pt is going to end it") are qualifiers too, but only right before a
self-harm verb (role `ideation_modal`, its verbs role `modal_verb`: "kill", "hurt", "end"): "may"
is also a month and "going to suicide support group" names no plan, so a bare modal is none.

Fix text51b (recheck K36a s33 finding 5, UNSAFE): "plan to go home and kill himself" was quiet.
An everyday step (any words of its clause since fix text60) and an `ideation_step_link` word
("and", "then", "to") may stand between a qualifier and an `ideation_object` term (`stepped`); its denial is read from the
qualifier (self_harm_text.ideation). text49c's everyday plan blanking blanks only the step.
Fix text53a: "plan to go home, kill himself", "plan is to go home; kill herself" were quiet (TMS
offered): "," and ";" are `ideation_step_link` rows too, read right after the step's last word.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from functools import cache
from importlib import resources

from fhir_mapping.substance_words import substance_alternation
from fhir_mapping.text_negation import normalise_text

__all__ = ["lead_body", "lead_start", "preparatory", "qualified", "step", "stepped", "term_regex"]

# What may stand between the qualifier and the term: a verb of taking or doing, then an article
# ("threatened to take an overdose", "thoughts of taking pills"), nothing else.
_BETWEEN = r"(?:\s+(?:take|taking|took|do|doing))?(?:\s+(?:a|an|another|more))?\s*$"


# An everyday step reaches as far as its clause: any number of words, no punctuation inside it
# (a "," or ";" is a link, a "." or ":" ends the clause). Fix text51b capped it at five words,
# K45a at eight; "plan to go to the hardware store down the street and buy a rope and hang
# himself" (a twelve-word step) was quiet, TMS offered (session 34 leftover, fix text60): a cap
# of words is no clause boundary. What keeps an everyday plan quiet is that an `ideation_object`
# must stand right after a link ("plan to go to the store and buy groceries and then go home"
# names none), and the nearest qualifier governs the term (`stepped`).


# What "#" in a term reads: a count of three or more ("took 30 tablets"), not one or two, a
# usual single dose ("took 2 tablets of ibuprofen"; recheck K7 s28 finding 2, design choice).
_COUNT = r"(?:[3-9]|[1-9]\d+)"


# What a term ending in "$" must be followed by: the end of its clause ("urges to cut", not
# "wants to cut down on drinking"; recheck K11 s28 finding 1), or a checklist's dash before its
# answer ("Cutting - yes" as "Cutting: yes", "Cutting - no" denied; K29b s32 finding 1, text42).
_CLAUSE_CLOSED = r"(?=\s*(?:[.;,:)]|-(?!\S)|$))"
_YEAR = (re.escape("<year>"), r"(?:19|20)\d\d")  # "od <year>": 1900-2099 (fix text42)
# "<vehicle>", "<tracks>" in a term: `_object` (fix text54); "<audience>" (fix text56);
# "<everyday>" (fix text58).
# "<partner>" (fix text62).
_OBJECTS = ("vehicle", "tracks", "audience", "everyday", "partner")


def term_regex(term: str, *, timed: bool = True) -> re.Pattern[str]:
    """A self_harm_terms.csv term as a pattern: "self harm*" any ending ("self-harming"), inside a
    term too ("attempt* suicide", "stockpil* her *"); else the whole word; "#" a count (_COUNT);
    "<year>" a year (_YEAR); "<vehicle>", "<tracks>" a vehicle, the tracks (`_object`); "<drug>"
    a drug or pills named (`_drug`); a
    closing "$" the end of the clause (_CLAUSE_CLOSED). One rule for
    every role read here and in self_harm_text.py: the `preparatory` rows were read with
    text_negation.term_pattern, which knows only a closing "*", so "stockpil* meds", "stockpil*
    her *" and "stockpil*$" never matched (found in session 32 fix words43). Fix eye43's opening
    "^" (a term read only opening its clause or after a `clause_lead` word) is gone (fix od46):
    a whitelist of leads missed every drug name ("Tylenol OD x2", "Heroin OD x2": recheck K32b
    s32 finding 1); the right eye and once daily are `lookalike` rows ("eye pain od", "od x*
    day*"), blanked before reading, the safer design. `timed=False`: no `clause_time` word before a
    "$" (a `lookalike` row blanks only what it names: "OD x 3 days today" is read; fix text59)."""
    term = normalise_text(term)
    closed = term.endswith("$")
    term = term.rstrip("$")
    parts = term.rstrip("*").split("#")
    body = _COUNT.join(re.escape(part).replace(r"\*", r"\w*") for part in parts)
    body = body.replace(*_YEAR)
    for role in _OBJECTS:
        body = body.replace(re.escape(f"<{role}>"), _object(role))
    body = body.replace(re.escape("<named>"), _named())
    body = body.replace(re.escape("<drug>"), _drug())
    body += r"\w*" if term.endswith("*") else r"\b"
    ends = _closed() if timed else _CLAUSE_CLOSED
    return re.compile(r"\b" + body + (ends if closed else ""))


@cache
def _role(role: str) -> tuple[str, ...]:
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(normalise_text(row["term"]) for row in rows if row["role"] == role)


@cache
def _object(role: str) -> str:
    """What "<vehicle>" or "<tracks>" in a term reads: a word of that role ("car", "traffic";
    "tracks", "rails") after any `vehicle_modifier` words ("her", "the", "oncoming",
    "railroad"), so one row reads "crash her car", "crash the car" and "crash car" ("plan is to
    drive her car off a bridge", "plan is to crash the car", "plan is to lie down on the
    railroad tracks" were quiet: recheck K38a s34 finding 1, fix text54), and a method needs
    its object. Fix text56 (recheck K41b s34 finding 1): "step in front of" reads any object
    again ("a taxi", "the 5 train", "it"), and the everyday ones are `lookalike` rows "in front
    of <audience>" ("the class", "the camera"), blanked before reading; a number is a
    modifier too ("the 5 train", "an 18 wheeler"). A noun right before a `vehicle` or `tracks`
    word only describes it: "in front of the school bus" is no harmless "the school". Fix text58
    (recheck K44a s34 findings 3, 4): an `audience` object is no harmless one before a
    possessive ("the judge's car") or when a vehicle, the tracks or an `audience_stop` word
    follows in its clause ("the crowd on the platform", "the people and onto the tracks")."""
    nouns = "|".join(re.escape(w) for w in sorted(_role(role), key=len, reverse=True))
    mods = "|".join(re.escape(w) for w in sorted(_role("vehicle_modifier"), key=len, reverse=True))
    moving = sorted((*_role("vehicle"), *_role("tracks")), key=len, reverse=True)
    before = r"(?!\s+(?:" + "|".join(map(re.escape, moving)) + r")\b)" if moving else ""
    if role == "partner":
        # "ending it with her boyfriend's gun" is no break-up (fix text62).
        before += r"(?!')"
    if role == "audience":
        stops = sorted((*moving, *_role("audience_stop")), key=len, reverse=True)
        words = "|".join(re.escape(w).replace(r"\*", r"\w*") for w in stops) or "(?!)"
        before += r"(?!')(?![^.;,:]*\b(?:" + words + r")\b)"
    return r"(?:(?:\d+|" + (mods or "(?!)") + r")\s+)*(?:" + (nouns or "(?!)") + r")" + before


@cache
def _named() -> str:
    """What "<named>" in a term reads: one word that is no `taken_med` word ("lithium", "pills",
    not "meds"): "pt will take all her lithium at once" was quiet, TMS offered, while "plan to
    take all her meds at once, as prescribed" must stay the day's doses (session 35 fix text67,
    as text66 left 'meds' out of its at-once rows)."""
    meds = "|".join(re.escape(w).replace(r"\*", r"\w*") for w in _role("taken_med")) or "(?!)"
    return r"(?!(?:" + meds + r")\b)\w+"


@cache
def _drug() -> str:
    """What "<drug>" in a term reads: a drug the drug tables, data/sedative_names.csv or an
    `od_substance` row name ("seroquel", "trazodone", "xanax", "pills": substance_words.py), after
    any `drug_modifier` words or a count ("her", "up", "all of", "60"). "saving up her seroquel",
    "hoarding her seroquel" were quiet, TMS offered, while "saving up her pills" was critical
    (session 36 fix text68): a named drug is pills to a preparatory verb, and a word that names
    no drug ("saving up for a car") stays unread."""
    mods = "|".join(re.escape(w) for w in sorted(_role("drug_modifier"), key=len, reverse=True))
    return r"(?:(?:\d+|" + (mods or "(?!)") + r")\s+)*(?:" + substance_alternation() + r")"


@cache
def _closed() -> str:
    """What a closing "$" reads: `_CLAUSE_CLOSED`, a `clause_time` phrase ("tonight", "today")
    allowed before it: "plan is to take all her pills tonight", "plan is to swallow all her
    pills tonight" were quiet while "... all her pills" was critical (recheck K41b s34, fix
    text56): when a plan is for does not make it another plan."""
    words = "|".join(re.escape(w) for w in sorted(_role("clause_time"), key=len, reverse=True))
    if not words:
        return _CLAUSE_CLOSED
    return r"(?=(?:\s+(?:" + words + r")\b)?" + _CLAUSE_CLOSED.removeprefix("(?=")


@cache
def preparatory() -> tuple[re.Pattern[str], ...]:
    """The `preparatory` words ("pills hidden", "hoarding pills"): a plan, no qualifier needed."""
    return tuple(term_regex(term) for term in _role("preparatory"))


@cache
def lead_body(words: tuple[str, ...]) -> str:
    """The `ideation_lead` words as a pattern's alternation, a `lead_time` phrase ("in 2015",
    "last week") allowed after the first word of a lead of two or more: "plan in 2015 to hang
    himself, again last week" was quiet, TMS offered, and "plan in 2015 to overdose, and again
    last week" read as an overdose, not a plan (session 34 leftover, fix text60). When a plan
    was made does not make it another plan; whether it is past is read as for "In 2015 plan was
    to" (condition_harm_notes._dated_plan_past: `past_plan_lead` "plan in")."""
    times = "|".join(term_regex(t).pattern for t in _role("lead_time")) or "(?!)"
    when = r"(?:\s+(?:" + times + r"))?"

    def one(lead: str) -> str:
        first, _, rest = lead.partition(" ")
        return re.escape(lead) if not rest else re.escape(first) + when + r"\s+" + re.escape(rest)

    return "|".join(one(w) for w in sorted(words, key=len, reverse=True))


@cache
def _leads() -> re.Pattern[str] | None:
    words = _role("ideation_lead")
    if not words:
        return None
    body = lead_body(words)
    return re.compile(r"(?<![\w'])(?:" + body + r")" + _BETWEEN)


@cache
def _modal() -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """The `ideation_modal` words ending the text before a term, and the `modal_verb` words the
    term must start with (module docstring: words40)."""
    modals, verbs = _role("ideation_modal"), _role("modal_verb")
    if not modals or not verbs:
        return None
    before = "|".join(re.escape(w) for w in sorted(modals, key=len, reverse=True))
    after = "|".join(re.escape(w) for w in sorted(verbs, key=len, reverse=True))
    return re.compile(r"(?<![\w'])(?:" + before + r")\s*$"), re.compile(r"(?:" + after + r")\b")


@cache
def _stepped_leads() -> re.Pattern[str] | None:
    """A qualifier, an everyday step of a few words, an `ideation_step_link` word ("and",
    "then"), then what `_BETWEEN` allows (fix text51b)."""
    words, link = _role("ideation_lead"), step()
    if not words or link is None:
        return None
    body = lead_body(words)
    return re.compile(r"(?<![\w'])(?:" + body + r")" + link + _BETWEEN)


@cache
def step() -> str | None:
    """An everyday step of a few words and its `ideation_step_link` word, as a pattern's text
    (fix text51b): the ideation leads here, and a counted or whole-supply "take" plan after a
    `plan_take_lead` (stated_plan_count.py: "plan to go home and take 30 tylenol", fix text55b)."""
    links = _role("ideation_step_link")
    if not links:
        return None
    # A word link stands after a space ("home and"), a comma or semicolon right after the step's
    # last word ("plan to go home, kill himself": fix text53a).
    ordered = sorted(links, key=len, reverse=True)
    worded = "|".join(r"\s+" + re.escape(w) + r"\b" for w in ordered if w[:1].isalnum())
    marks = "|".join(r"\s*" + re.escape(w) for w in ordered if not w[:1].isalnum())
    # Steps listed with commas, the last joined by a word ("plan to go to the store, buy a rope,
    # and hang himself" was quiet, TMS offered: a comma ended the step; session 35 fix text62):
    # a comma inside the step only before a word link, so "plan to go home, then f/u PCP" and
    # "Plan to admit; overdose ..." read as before.
    listed = r"(?:\s*,(?:\s+[\w'/]+)+?)*?,?(?:" + (worded or "(?!)") + r")"
    # Or steps listed with commas only, the last comma the link ("plan to go home, get his gun,
    # shoot himself" was quiet, TMS offered, while "plan to go home, shoot himself" was critical:
    # review K48a, session 35 fix text66); a ";" still closes the step ("Plan to admit; ...").
    listed += r"|(?:\s*,(?:\s+[\w'/]+)+?)+\s*,"
    # No word at all is a step too: a step a lookalike row blanked ("plan to take all the kids and
    # kill herself", "plan to stand in front of class and shoot herself" went quiet once text58's
    # rows blanked the step: recheck K45a findings 1, 2) is spaces here.
    return r"(?:\s+[\w'/]+)*?(?:" + listed + r"|" + (marks or "(?!)") + r")"


def stepped(text: str, terms: Sequence[re.Pattern[str]]) -> list[tuple[re.Match[str], int]]:
    """Each `ideation_object` term (`terms`) in `text` with where its qualifier starts, the
    qualifier followed by an everyday step, then "and"/"then"/"to": "plan to go home and kill
    himself", "wants to go home and hang himself" were quiet, TMS offered (recheck K36a s33
    finding 5, fix text51b). Only the words of a thought (`ideation_object`) are read so, never
    an act or event term: "wanted to sleep and took 30 pills" stays the overdose it says. No
    stop may stand inside the step; a "," or ";" link closes it ("plan to go home, kill
    himself": fix text53a), and "plan to go home, then f/u PCP" names no method, so joins nothing.
    Commas inside it list steps before a word link ("go to the store, buy a rope, and": fix
    text62); a care plan's adherence is no plan (`_adherence`).

    Fix text60: the step has no word cap (`step`), so the qualifier nearest the term governs it:
    a term right after a qualifier of its own is read there, with that qualifier's denial ("plan
    to go home and denies wanting to kill himself", "will go home and has no intent to kill
    himself" were critical from "plan to", "will"), and of two stepped qualifiers the later one
    ("no plan to go to work and thoughts of going to the bridge and jumping": "thoughts of")."""
    pattern = _stepped_leads()
    if pattern is None:
        return []
    found = []
    for m in (m for p in terms for m in p.finditer(text)):
        if lead_start(text, m.start()) is None:
            at = _nearest(pattern, text[: m.start()])
            if at is not None and (_whole_at_once(m) or not _adherence(text, at, m)):
                found.append((m, at))
    return found


@cache
def _care() -> tuple[re.Pattern[str], tuple[re.Pattern[str], ...], re.Pattern[str]]:
    steps = "|".join(term_regex(t).pattern for t in _role("care_step")) or "(?!)"
    # The adherence term must close its clause with no time before the end (timed=False), and
    # no `clause_time` or `care_reported` word may stand in its sentence (fix text65).
    terms = tuple(term_regex(t, timed=False) for t in _role("care_adherence"))
    others = sorted((*_role("clause_time"), *_role("care_reported")), key=len, reverse=True)
    words = "|".join(re.escape(w) for w in others) or "(?!)"
    return re.compile(steps), terms, re.compile(r"(?<![\w'])(?:" + words + r")(?![\w'])")


def _adherence(text: str, at: int, m: re.Match[str]) -> bool:
    """Whether a stepped term is the adherence part of a discharge or care plan: a `care_step`
    word in the step ("follow up with PCP", "pick up her refill") and a `care_adherence` term
    ("take all her meds") closing its clause. "pt will follow up with PCP in 1 week and take all
    her meds" was critical, TMS withheld (session 35 fix text62): taking all one's medicines after
    a follow-up is the plan's adherence; a whole supply is no care plan's step. "plan to go home
    and take all her pills" (no care word) stays read. Fix text65 (review K48a finding 3, UNSAFE:
    text62 quieted "pt says she will pick up her refill and take all her pills", "will get her
    refill tomorrow and take all her pills", "pt will follow up with PCP and take all of her
    lithium"): only generic medicine words ("meds", "medications"; never pills or a named drug),
    only a clinician's plan (no `care_reported` word, "says", "told", "considering", before the
    term in its sentence) and no `clause_time` word ("tonight", "tomorrow") in its sentence; else
    the term is read, the safer error."""
    steps, terms, others = _care()
    if not steps.search(text, at, m.start()):
        return False
    if not any(t.match(text, m.start()) for t in terms):
        return False
    first = max(text.rfind(".", 0, m.start()), text.rfind(";", 0, m.start())) + 1
    last = min(
        (i for i in (text.find(".", m.end()), text.find(";", m.end())) if i >= 0), default=len(text)
    )
    return others.search(text, first, last) is None


def _whole_at_once(m: re.Match[str]) -> bool:
    """Whether a stepped term names its supply at once or by a count of three or more ("take
    all her pills at once", "take all 90 pills"): no care plan's adherence, whatever step came
    before ("pt will follow up with PCP and take all her pills at once" was quiet, TMS offered:
    review K48a, session 35 fix text66). The day's doses are neither counted nor taken at once."""
    at_once = "|".join(term_regex(t).pattern for t in _role("taken_at_once")) or "(?!)"
    return re.search(at_once + r"|\b" + _COUNT + r"\b", m.group()) is not None


def _nearest(pattern: re.Pattern[str], before: str) -> int | None:
    """Where the last match of `pattern` (anchored at the end of `before`) starts, or None."""
    at = None
    hit = pattern.search(before)
    while hit is not None:
        at = hit.start()
        hit = pattern.search(before, at + 1)
    return at


def lead_start(text: str, start: int) -> int | None:
    """Where the ideation qualifier ("plan to", "thoughts of": module docstring) right before the
    act or event term starting at text[start] (of `normalise_text` output) starts, or None."""
    leads = _leads()
    found = None if leads is None else leads.search(text[:start])
    if found is not None:
        return found.start()
    modal = _modal()
    # A modal only right before a self-harm verb ("may kill herself", not "May overdose").
    found = None if modal is None else modal[0].search(text[:start])
    if found is None or modal is None or not modal[1].match(text, start):
        return None
    return found.start()


def qualified(text: str, start: int) -> bool:
    """Whether the term starting at text[start] follows an ideation qualifier (`lead_start`)."""
    return lead_start(text, start) is not None
