"""Whose act a self-harm or overdose mention names: a relative's suicide attempts are not the
patient's (review s29 RQ3: "Brother with multiple suicide attempts; caregiver stress", "Grief
counselling: mother with history of suicide attempts" each raised the critical card).

The shared negation reads a relative only as a family-history cue ("family history of", "FHx",
"mother has": text_negations.csv, ConText's experiencer "other", Harkema et al., J Biomed Inform
2009;42:839-851), five words before the term whatever stands between. A relative written as the
subject of the mention is read here instead, and only where it governs the term: the words of
the mention's clause before it (from the last comma, semicolon, full stop or colon) are nothing
but `relative_lead` words ("her", "pt's", "older"), one `relative` ("mother", "brother",
"friend", "mother's"), then `relative_link` words or counts ("with", "has", "history of",
"multiple", "2") up to the term:

- read as the relative's (nothing read): "Brother with multiple suicide attempts", "mother with
  history of suicide attempts", "Mother attempted suicide last week", "Her brother has hx of
  overdose", "Father's suicide attempt";
- read as the patient's (the window closes): any other word between ("Patient's mother found
  her after she attempted suicide", "Mother reports suicide attempt", "Daughter brought pt in
  after overdose"), a word before the relative that is no lead ("after father's death attempted
  suicide", "argument with mother, suicide attempt"), or the relative after the term ("suicide
  attempt after argument with mother"). Where the words leave whose act it was in doubt, the
  mention is read: a question costs less than a missed attempt.

A word after the mention that says the patient shares it ("Father with SI - pt reports same",
"Mother attempted suicide; pt also", "as does pt", "pt too": `relative_same`) makes it the
patient's too, whatever governs it (recheck K19a s29 t21: read as the father's alone, no card),
but only when it refers to the finding: nothing after it in its clause, or words that name
self-harm (screen_wording.self_harm_words: "pt also endorses SI"), only `relative_same_tail`
words ("pt also reports this"), or a `relative_same_act` word anywhere ("pt also attempted last
month"). "Mother with SI; pt also has diabetes" is
another finding of the patient's, not the mother's SI: the mention stays the mother's (session
30 fix forms31; it was a false critical card).

Session 30 fix forms32 (recheck K20a): the tail names self-harm when it holds, not negated, any
word the service already reads as self-harm anywhere (`says_self_harm`: the form questions'
words, screen_item_terms.csv; the self-harm acts, events, suicidal and ideation words of this
table; the suicidal-ideation words of diagnosis_terms.csv; the risk words of
stated_history_terms.csv: "pt also wants to die", "pt also has thoughts of ending his life",
"pt also endorses passive death wish", "pt also cutting", "pt also has a plan" were the
relative's alone, no card, TMS offered). "Father with SI; pt also denies SI" stays the
father's (the words negated). `shares_finding` reads a relative_same word in one part of a
form's answer ("Yes - mother, pt too": form_self_harm_notes.py).

Session 30 fix forms33 (recheck K22): a tail whose words the tables do not know ("pt also
endorses SIB" before the row, "pt also feeling this way") was the relative's alone, no card, TMS
offered. In doubt it is now the patient's, as before fix forms31. It is the relative's alone
only when one of these holds:
- it opens with a `relative_same_other` word, another finding ("has diabetes", "seeing
  therapist", "denies SI", "endorses HI", "grieving");
- its sentence denies self-harm ("pt also asked, denies self-harm");
- it follows "the same" or "similar" and names no self-harm ("pt reports similar symptoms of
  insomnia");
- it opens with a `relative_same_fear` word and names a relative ("pt also worried father will
  kill himself").
A family item's answer asks of the relative: there a tail in doubt is not the patient's ("Yes -
mother; pt too young to remember"; `shares_finding`). A possessive ("as does pt's brother") is
no `relative_same` word. A form's answer "Yes, for mother who has SI" or "Yes - for son with SI"
is the relative's ("for", "given to" leads, "who" a link, a free-standing dash a segment end).

Session 31 fix forms38 (recheck K27a s31): a relative also governs a mention when words stand
before it, if a relative clause links them ("Pt worried about her son who is suicidal", "Pt's
stressors: son who was suicidal": "who", "is", "was" among the links, self_harm_form_words.csv
`relative_link`) or a worry opens it ("Pt worried mother will kill herself": `relative_same_fear`
words, then "about", "that" or "for"); not after "and" or "or" ("Pt and her mother have SI" is
both's) or "by" ("Brought in by mother who is ..."). "Her son who is suicidal" as a problem-list
or visit-reason text was the patient's critical card. A relative reporting the patient's risk
stays the patient's ("Mother worried pt will hurt herself": the mention follows "pt").

Apart from self_harm_text.py (kept under 400 lines) because whose act a mention names is its own
idea; the words are data (data/self_harm_terms.csv, roles `relative`, `relative_lead`,
`relative_link`, `relative_same`).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.question_answer import affirms_or_open
from fhir_mapping.screen_wording import self_harm_words
from fhir_mapping.self_harm_context import accident_beside
from fhir_mapping.self_harm_ideation import term_regex
from fhir_mapping.self_harm_sib import sibling_at
from fhir_mapping.stated_history import affirms_risk
from fhir_mapping.text_bounds import CLAUSE_OR_DASH, SENTENCE, first_piece, span_before
from fhir_mapping.text_negation import negated, normalise_text, scope_after, term_pattern

__all__ = ["is_relative", "says_self_harm", "other_subject", "shares_finding", "unsaid"]

# The self-harm words the service reads elsewhere, by table and role (`says_self_harm`).
_SELF_HARM_ROLES = (
    ("self_harm_terms.csv", "role", ("act", "act_bare", "event", "suicidal", "ideation_object")),
    ("self_harm_terms.csv", "role", ("relative_same_act",)),
    ("diagnosis_terms.csv", "kind", ("suicidal-ideation",)),
)

# "sib": a sibling or self-injurious behaviour (self_harm_sib.sibling_at decides).
_SIB = re.compile(r"\bsib\b")
# A `relative_same` word that compares ("reports the same", "endorses similar"): `_refers`.
_COMPARISON = re.compile(r"\b(?:same|similar)$")


def _body(terms: list[str]) -> str:
    # Each term as text_negation.term_pattern reads it ("brother*" any ending), longest first.
    ordered = sorted(terms, key=len, reverse=True)
    return "|".join(term_pattern(t).pattern.removeprefix(r"\b") for t in ordered)


@cache
def _governs() -> re.Pattern[str] | None:
    """The whole segment before a mention when a relative governs it (module docstring)."""
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    by_role: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        if row["role"].startswith("relative"):
            by_role.setdefault(row["role"], []).append(normalise_text(row["term"]))
    if not by_role.get("relative"):
        return None
    lead = _body(by_role.get("relative_lead", []))
    link = _body(by_role.get("relative_link", []))
    # A bracket after the relative naming who it is ("SIB (sibling) with SI", "Sib (brother)
    # with SIB": recheck K25b s30, session 30 fix forms35).
    body = _body(by_role["relative"])
    relative = r"(?:" + body + r")(?:'s)?(?:\s*\(\s*(?:" + body + r")\s*\))?"
    leads = r"(?:(?:" + lead + r")\s+)*" if lead else ""
    links = r"(?:\s+(?:" + link + r"|\d+))*" if link else r"(?:\s+\d+)*"
    # What the relative is "with", listed up to a `relative_list` joint ("Son with autism and
    # SIB": recheck K27a s31, session 31 fix sib37): the list is the relative's, unless it
    # names the patient ("son with autism and pt with SIB" stops at "pt").
    joints = "|".join(re.escape(t) for t in sorted(_role("relative_list"), key=len, reverse=True))
    subject = "|".join(re.escape(t) for t in _role("clause_subject"))
    word = r"(?!(?:" + subject + r")\b)[\w'/-]+" if subject else r"[\w'/-]+"
    listed = r"(?:\s+(?:with|w/)(?:\s+" + word + r"){1,3}\s+(?:" + joints + r"))?" if joints else ""
    return re.compile(r"^\s*" + leads + relative + links + listed + r"\s*$")


@cache
def _form_links() -> tuple[str, ...]:
    """The form table's `relative_link` words ("who", "is", "was")."""
    text = resources.files("fhir_mapping").joinpath("data/self_harm_form_words.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return tuple(normalise_text(r["word"]) for r in rows if r["kind"] == "relative_link")


@cache
def _in_clause() -> re.Pattern[str] | None:
    """A relative governing a mention with words before it (module docstring, fix forms38): a
    link of a relative clause among its links, or a worry before it; the segment's end."""
    if not _role("relative") or not _form_links():
        return None
    relative = r"(?:(?:" + _body(list(_role("relative_lead"))) + r")\s+)*"
    relative += r"(?:" + _body(list(_role("relative"))) + r")(?:'s)?"
    link = r"\s+(?:" + _body([*_role("relative_link"), *_form_links()]) + r"|\d+)"
    clause = r"\s+(?:" + _body(list(_form_links())) + r")"
    fear = r"(?:" + _body(list(_role("relative_same_fear"))) + r")\s+(?:(?:about|that|for)\s+)?"
    by_clause = relative + r"(?:" + link + r")*?" + clause + r"(?:" + link + r")*"
    by_fear = fear + relative + r"(?:" + link + r")*"
    return re.compile(r"(?<![\w'])(?:" + by_clause + r"|" + by_fear + r")\s*$")


# A word before a relative that makes the patient one of those it names, or the relative an agent.
_BESIDE = re.compile(r"\b(?:and|or|nor|by)\s*$|&\s*$")


def _clause_governs(segment: str) -> bool:
    """Whether a relative governs the mention after `segment` with words before it (fix forms38)."""
    pattern = _in_clause()
    found = None if pattern is None else pattern.search(segment)
    return found is not None and _BESIDE.search(segment[: found.start()]) is None


@cache
def _relative() -> re.Pattern[str] | None:
    """A relative with its leads alone ("mother", "pt's older brother"): `is_relative`."""
    lead = _body(list(_role("relative_lead")))
    if not _role("relative"):
        return None
    leads = r"(?:(?:" + lead + r")\s+)*" if lead else ""
    return re.compile(leads + r"(?:" + _body(list(_role("relative"))) + r")(?:'s)?")


def is_relative(words: str) -> bool:
    """Whether `words` (normalised) are a relative and its leads, nothing else ("mother" in a
    family item's answer "Yes - pt and mother": form_self_harm_notes.note_answer)."""
    pattern = _relative()
    return pattern is not None and pattern.fullmatch(words.strip()) is not None


@cache
def _role(role: str) -> tuple[str, ...]:
    """The normalised terms of one role of data/self_harm_terms.csv."""
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(normalise_text(row["term"]) for row in rows if row["role"] == role)


@cache
def _same() -> tuple[re.Pattern[str], ...]:
    """The `relative_same` words ("pt reports same", "pt also"): the patient shares the finding."""
    return tuple(term_pattern(term) for term in _role("relative_same"))


@cache
def _tail_words() -> re.Pattern[str]:
    """The `relative_same_tail` words, any number of them (module docstring)."""
    body = "|".join(
        re.escape(t) for t in sorted(_role("relative_same_tail"), key=len, reverse=True)
    )
    # A number too: "pt himself in 2022" (a time, fix forms33).
    return re.compile(r"\s*(?:(?:" + body + r"|\d+)\b\s*)*")


@cache
def _self_harm_patterns() -> tuple[re.Pattern[str], ...]:
    """The self-harm words of the service's tables (`_SELF_HARM_ROLES`). An `ideation_object`
    term ending in "$" ("cutting$") names self-harm only closing its text ("pt also cutting")."""
    found: list[re.Pattern[str]] = []
    for name, column, roles in _SELF_HARM_ROLES:
        text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
        for row in csv.DictReader(text.splitlines()):
            if row[column] in roles:
                term = normalise_text(row["term"])
                end = term.endswith("$")
                pattern = term_pattern(term.rstrip("$"))
                found.append(re.compile(pattern.pattern + r"\s*$") if end else pattern)
    return tuple(found)


def _denies_self_harm(words: str) -> bool:
    """Whether `words` (normalised) hold a self-harm word of `_SELF_HARM_ROLES` that is negated
    ("no SI", "denies self-harm"): the patient's denial."""
    return any(
        negated(words, m.start(), m.end()) for p in _self_harm_patterns() for m in p.finditer(words)
    )


@cache
def _other_heads() -> re.Pattern[str] | None:
    """The `relative_same_other` words: a tail opening with one names another finding of the
    patient's ("pt also has diabetes", "pt also seeing a therapist": module docstring)."""
    heads = _role("relative_same_other")
    if not heads:
        return None
    return re.compile(r"^(?:" + _body(list(heads)) + r")")


def _fears_for_relative(tail: str) -> bool:
    """Whether a tail opens with a `relative_same_fear` word and names a relative ("worried
    father will kill himself": fix forms33, K22 s30)."""
    fears = _role("relative_same_fear")
    relative = _relative()
    if not fears or relative is None:
        return False
    return re.match(r"(?:" + _body(list(fears)) + r")", tail) is not None and bool(
        relative.search(tail)
    )


def says_self_harm(words: str) -> bool:
    """Whether `words` (normalised) hold, not negated, a self-harm, suicidal-ideation, death-wish,
    plan or intent word the service reads elsewhere (module docstring, fix forms32)."""
    if self_harm_words(words) or affirms_risk(words):
        return True
    return any(
        not negated(words, m.start(), m.end())
        for p in _self_harm_patterns()
        for m in p.finditer(words)
    )


def _refers(said: str, end: int, *, in_doubt: bool = True) -> bool:
    """Whether the words after a `relative_same` word at said[:end] refer to the finding (module
    docstring): none, `relative_same_tail` words only, or self-harm words in its clause. A tail
    that opens with a `relative_same_other` word, or a sentence after it that denies self-harm
    ("pt also asked, denies self-harm"), names another finding; any other tail is `in_doubt`
    (fix forms33: the patient's, the reading before fix forms31)."""
    rest = said[end:]
    if rest.startswith("'s"):
        return False  # "as does pt's brother": the patient's relative, not the patient
    tail = first_piece(rest, CLAUSE_OR_DASH).strip(" .")
    if not tail or _tail_words().fullmatch(tail) is not None:
        return True
    if _fears_for_relative(tail):
        return False  # "pt also worried father will kill himself": the father's
    if says_self_harm(tail):
        return True
    heads = _other_heads()
    # A denial in its sentence is the patient's ("pt reports the same stressors, no SI").
    if _denies_self_harm(first_piece(rest, SENTENCE)) or (
        heads is not None and heads.match(tail) is not None
    ):
        return False
    # After "the same" or "similar" the tail names what is shared ("pt reports same insomnia"):
    # naming no self-harm, it is another finding.
    return in_doubt and _COMPARISON.search(said[:end]) is None


def shares_finding(part: str) -> bool:
    """Whether one part of an answer (normalised) holds a `relative_same` word that refers to the
    finding asked of ("pt too", "pt also attempted": form_self_harm_notes.note_answer). A family
    item asks of the relative: a tail in doubt ("pt too young to remember") is not the
    patient's own (fix forms33)."""
    return any(_refers(part, m.end(), in_doubt=False) for p in _same() for m in p.finditer(part))


def other_subject(text: str, start: int, said: str | None = None) -> bool:
    """Whether a relative governs the mention starting at text[start] (normalised): the words of
    its segment before it are a relative with its leads and links only, and no `relative_same`
    word after it says the patient shares it (module docstring); `said`: the text before its
    terms were blanked, the same length (diagnosis_text.py), where the words after are read."""
    governs = _governs()
    if governs is None or _reported(text, start):
        return False
    segment = span_before(text, start, CLAUSE_OR_DASH)
    if not segment.strip() or not (governs.match(segment) or _clause_governs(segment)):
        return False
    words = text if said is None else said
    offset = start - len(segment)
    if any(
        not sibling_at(words, offset + m.start(), offset + m.end()) for m in _SIB.finditer(segment)
    ):
        return False  # "SIB with SI": the act, self_harm_sib.py (session 31 fix forms36)
    return not any(_refers(words, m.end()) for p in _same() for m in p.finditer(text, start))


def _reported(text: str, start: int) -> bool:
    """Whether the mention at text[start] opens with a `report_found` phrase ("found suicide note"):
    a relative before it found the patient's note and reports it (fix text72)."""
    return any(term_regex(t).match(text, start) for t in _role("report_found"))


# The subject words a fear may name between its word and the modal ("worried her phone battery
# will", "afraid she will"): a few words, no punctuation (fix text64).
_FEARED_SUBJECT = r"\s+(?:(?:about|that|for)\s+)?(?:[\w'/]+\s+){0,4}$"


@cache
def _unsaid_patterns() -> tuple[re.Pattern[str], ...]:
    """A fear word ending the words before a modal; a `preparatory_query` word or a "?" ending
    the words before a preparatory phrase; a "?" right after one (fix text64)."""
    fears = _body(list(_role("relative_same_fear"))) or "(?!)"
    asks = _body(list(_role("preparatory_query"))) or "(?!)"
    return (
        re.compile(r"(?<![\w'])(?:" + fears + r")" + _FEARED_SUBJECT),
        re.compile(r"(?:(?<![\w'])(?:" + asks + r")|\?)\s*$"),
        # "?" run together ("Suicide note??") is one question mark doubled, not an answer "?"
        # (`question_open`): a bare question states nothing (fix text92; "Suicide note? ?" an
        # answer of "?" stays open, critical).
        re.compile(r"\s*\?+"),
    )


def unsaid(text: str, lead: int, m: re.Match[str]) -> bool:
    """Whether the thought `m` (a match in `text`, normalised), its qualifier at `lead`, is not the
    patient's stated one (recheck K47a s35 findings 11, 12; fix text64):
    - a fear: a `relative_same_fear` word and a few subject words before the modal, and either a
      `fear_only` thing ("worried her phone battery will be dead", "afraid she will be dead soon":
      a fear of being dead is no wish to be, C-SSRS item 1 asks a wish) or an everyday danger after
      the method in its clause, a `fear_context` or `act_accident` phrase ("afraid she will burn
      herself cooking", "worried baby will suffocate himself in crib"). "afraid she might kill
      herself", "worried she might poison herself" (a relative's fear of the act) stay read: the
      safer mistake;
    - a question: a `preparatory` phrase (its match opens at `lead`) after a `preparatory_query`
      word or a "?", or with a "?" right after it ("asked about intent to die", "assess intent
      to die", "does she have intent to die?"): an inquiry states no intent. "intent to die",
      "stated intent to die" stay read, as does one whose "?" an affirming answer follows
      ("Suicide note? yes": `question_answer`, fix text80) or leaves it open ("Suicide note? unknown": fix
      text87)."""
    fear, asked, question = _unsaid_patterns()
    if lead == m.start():
        ask = question.match(text, m.end())
        answered = ask is not None and not affirms_or_open(text, ask.end(), m.group())
        return bool(asked.search(text[:lead]) or answered)
    if fear.search(text[:lead]) is None:
        return False
    if any(term_regex(t).match(text, m.start()) for t in _role("fear_only")):
        return True
    after = scope_after(text, m.end())
    if any(term_regex(t).search(after) for t in _role("fear_context")):
        return True
    return accident_beside(text, m.start(), m.end())
