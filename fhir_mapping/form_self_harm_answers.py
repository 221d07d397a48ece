"""What one answer to a self-harm question on a form no reader takes says (form_self_harm.py):
the lowest answer, a positive one, no answer at all, or an answer not read (review s29 K16).

Before, anything but the lowest answer was "could not be read: ... if it is above the lowest",
a plain "Yes" to "Have you EVER, in your WHOLE LIFE, tried to kill yourself ...?" too (K16 chart
y01): a false statement, since the answer was read. And a documentation item fired: "Asked about
suicidal thoughts" = true (f14), "Suicidal thoughts - comments" = "pt denies" (f15), "Suicidal
thoughts" = "No SI" (f16) or "Not asked" (f17), "Self-harm thoughts (0-3)" = "0" (f12). Now:

- the lowest (`Answer.value` 0): 0 or false, the text "0", the PHQ-9's "Not at all", the EPDS's
  "Never", a no or no-risk word (suicide_screen_answers.says_no_risk), also after who it speaks
  of ("pt denies": data/self_harm_form_words.csv `subject`), or a denial of the self-harm words
  it names, every one of them negated ("No SI", "Denies SI/HI": screen_wording.denies_self_harm,
  the project's NegEx reading, text_negation.py), or a finding's absence or a denial as the whole answer
  ("Absent", "Not present", "Denied", "No thoughts", "Not at this time", "WNL": the table's
  `denial` words, review s29 RQ3 probes q_ros_*, q_harm_*, RQ4), or a no its words after say
  again ("No (pt denies)");
- positive (`value` above 0): a yes or true (suicide_screen_answers.says_yes: "Yes", LOINC
  LA33-6, SNOMED 373066001), read as 1, the least positive answer; an answer of the PHQ-9's list
  ("Several days" 1 ... "Nearly every day" 3) or of the EPDS item 10's ("Hardly ever" 1 ...
  "Yes, quite often" 3), read as its place on that list: the answer says how often, and the card
  gives it the tier a PHQ-9 item 9 of that value gets (services/risk_events.py); an answer that
  opens with a yes or a `positive` word before its qualifier ("Yes, as a teenager", "Yes
  (2015)", "Passive, no plan": passive ideation is ideation, "no plan" negates none of it) is a
  yes too (session 29 fix net32, review s29 RQ4), and so is one whose first or last word is a
  yes, whatever its separator or case ("yes passive", "Yes- passive only", "YES passive
  thoughts", "Passive - yes": suicide_screen_answers.yes_ended, the C-SSRS rule; session 33 fix
  forms50: they were "could not be read" with TMS offered);
- no answer (`none`): an answer that says the question was not asked ("Not asked", "N/A": the
  table's `no-answer` words), as an item asked and not answered is none;
- not read (`value` None): anything else, a number above 0 on a scale not known (1 may be the
  lowest of a 1-5 list), a refusal ("Patient declined to answer": it may hide a yes), free text.
  The safety net's warning names it: a look at a form costs less than a missed answer.

An item that only records that the question was asked or a task about it (`note` words: "Asked
about suicidal thoughts", "C-SSRS screen completed", "Patient educated on what to do if having
suicidal thoughts"), or asks of the family's history ("has anyone in your family made a suicide
attempt?") holds no answer about the patient's own self-harm (`is_note`; review s29 RQ3).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping import epds_item10
from fhir_mapping.phq9_form_item9 import list_answer as phq9_answer
from fhir_mapping.screen_wording import denies_self_harm, self_harm_words
from fhir_mapping.suicide_screen_answers import says_no_risk, says_yes, yes_ended
from fhir_mapping.tms_safety import normalise_text

__all__ = [
    "Answer",
    "asks_of_others",
    "cut",
    "is_note",
    "past_topic",
    "read",
    "says_nothing",
    "window_no",
]

# A yes or true says the patient answered yes; how often, it does not: the least positive
# answer of a PHQ-9 item 9 (services/data/phq9_item9_answers.csv, 1 'Several days').
YES = 1
# How long an answer's words may be in a card before they are cut (a free text is no word).
_WORD_LIMIT = 40


@dataclass(frozen=True, slots=True)
class Answer:
    value: int | None  # 0 the lowest, 1-3 positive, None not read
    word: str  # the answer as the form gives it, for the card ("Yes", "Nearly every day")
    none: bool = False  # no answer at all ("Not asked")


@cache
def _words(kind: str) -> tuple[str, ...]:
    """The normalised words of one kind of data/self_harm_form_words.csv, longest first."""
    text = resources.files("fhir_mapping").joinpath("data/self_harm_form_words.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return tuple(
        sorted(
            {normalise_text(r["word"]) for r in rows if r["kind"] == kind}, key=len, reverse=True
        )
    )


@cache
def _pattern(kind: str) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, _words(kind))) + r")\b")


def is_note(text: str) -> bool:
    """Whether an item's text records that the question was asked rather than its answer
    ("Asked about suicidal thoughts": the table's `note` words)."""
    return _pattern("note").search(normalise_text(text)) is not None


def asks_of_others(text: str) -> bool:
    """Whether an item's text asks about harm to others too ("Thoughts of hurting yourself or
    others": the table's `others` words): no PHQ-9 item 9, which asks of the self alone
    (phq9_form_item9.py leaves it to the net; review s29 RQ3 probes q_harm_*)."""
    return _pattern("others").search(normalise_text(text)) is not None


# A year in a question ("Suicidal ideation in 2015"): a past question as the `past` words are.
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# What a past question records when it names no self-harm act (`past_topic`).
_IDEATION, _HARM = "suicidal ideation", "self-harm"


def past_topic(text: str) -> str | None:
    """What a question worded as the past or the whole life records ("History of suicidal
    ideation": "suicidal ideation"; "Self-harm ever": "self-harm"), or None: a question of now
    or of a window up to now ("past month"), or of a suicide attempt, whose yes stays positive
    whenever it happened (the table's `past`, `attempt` and `harm-topic` words; session 29 fix
    net32)."""
    words = normalise_text(text)
    if _pattern("attempt").search(words) or not (
        _pattern("past").search(words) or _YEAR.search(words)
    ):
        return None
    return _HARM if _pattern("harm-topic").search(words) else _IDEATION


def is_attempt(text: str) -> bool:
    """Whether a question asks of a suicide attempt (the table's `attempt` words)."""
    return _pattern("attempt").search(normalise_text(text)) is not None


def _plain(text: str) -> str:
    """The answer text lower-cased, without end punctuation and the word for whom it speaks of
    ("Pt denies." -> "denies")."""
    words = normalise_text(text).strip(" .!")
    subject = _pattern("subject").match(words)
    return words[subject.end() :].strip(" .:,") if subject else words


def _word(answer: Mapping[str, Any]) -> str:
    """The answer's words for a card: the text, a coding's display, "Yes" for true."""
    if answer.get("valueBoolean") is True:
        return "Yes"
    text = answer.get("valueString")
    coding = answer.get("valueCoding")
    if not isinstance(text, str) and isinstance(coding, Mapping):
        text = coding.get("display") or coding.get("code")
    if not isinstance(text, str):
        concept = answer.get("valueCodeableConcept")
        text = concept.get("text") if isinstance(concept, Mapping) else None
    return cut(" ".join(str(text or "yes").split()), _WORD_LIMIT)


def cut(words: str, limit: int) -> str:
    """`words`, or their first `limit` characters ending in "..." (a card's line has room)."""
    return words if len(words) <= limit else words[: limit - 3].rstrip() + "..."


def _lowest(answer: Mapping[str, Any]) -> bool:
    """Whether one answer is the lowest a self-harm question has (module docstring)."""
    number = answer.get("valueInteger", answer.get("valueDecimal"))
    if (number == 0 and not isinstance(number, bool)) or answer.get("valueBoolean") is False:
        return True
    if phq9_answer(answer) == 0:  # the PHQ-9's "Not at all" (phq9_form_item9.py)
        return True
    text = answer.get("valueString")
    if isinstance(text, str):
        plain = _plain(text)
        if plain == "0" or epds_item10.answer({"valueString": text}) == 0:
            return True
        if says_no_risk({"valueString": plain}) or denies_self_harm(text):
            return True
        if _pattern("denial").fullmatch(plain):  # "Absent", "Denied", "No thoughts"
            return True
        head, rest = _parts(plain)
        if rest and says_no_risk({"valueString": head}) and _lowest({"valueString": rest}):
            return True  # "No (pt denies)": a no that its words after say again (RQ4 f40)
        if rest and _elsewhere(rest) and _lowest({"valueString": head}):
            return True  # "No, yes to anxiety", "No SI, yes HI": the yes is of another finding
    return says_no_risk(answer)


def _parts(plain: str) -> tuple[str, str]:
    """An answer's opening words before a comma, semicolon, bracket or dash and the rest ("yes,
    as a teenager" -> "yes", "as a teenager")."""
    head, _, rest = re.sub(r"[,;(]| - ", "|", plain, count=1).partition("|")
    return head.strip(" ."), rest.strip(" .)")


def _listed(answer: Mapping[str, Any]) -> int | None:
    """A positive answer of the PHQ-9's or the EPDS item 10's own list (module docstring)."""
    value = phq9_answer(answer)
    if value is None:
        text = answer.get("valueString")
        if isinstance(text, str):
            value = epds_item10.answer({"valueString": text})
    return value if value is not None and value > 0 else None


def says_nothing(answer: Mapping[str, Any]) -> bool:
    """Whether one answer is the lowest or no answer (`read`): a PHQ-9 item 9 worded on a form
    not read as a PHQ-9 and answered "No" is nothing to check (phq9_form_item9.py)."""
    found = read(answer)
    return found.none or found.value == 0


def read(answer: Mapping[str, Any]) -> Answer:
    """What one answer says (module docstring)."""
    word = _word(answer)
    text = answer.get("valueString")
    if isinstance(text, str) and _pattern("no-answer").fullmatch(_plain(text)):
        return Answer(None, word, none=True)
    if isinstance(text, str) and _later_yes(_plain(text)):
        return Answer(YES, word)
    if _lowest(answer):
        return Answer(0, word)
    listed = _listed(answer)
    if listed is not None:
        return Answer(listed, word)
    if says_yes(answer) or (isinstance(text, str) and _positive_text(_plain(text))):
        return Answer(YES, word)
    return Answer(None, word)


# The parts of an answer after its first: a comma, semicolon, bracket, dash or "but".
_LATER = re.compile(r"[,;()]| - |\bbut\b")


def _later_yes(plain: str) -> bool:
    """Whether a part after an answer's first says yes ("Not right now, but yesterday yes",
    "Denies currently; yes last week"): the C-SSRS screener asks of the past month, so a yes of
    yesterday or last week is a yes, whatever the opening denial of now says (recheck K27a s31:
    the answer to check; session 31 fix forms37). A part naming others ("No; yes to others")
    is left to the question of others (form_self_harm_notes.of_others), and so is a yes of
    another finding ("No SI, yes HI", "No, yes to anxiety": `_elsewhere`, fix forms38)."""
    parts = [p.strip(" .") for p in _LATER.split(plain)][1:]
    return any(
        re.search(r"\byes\b", part) and not _pattern("others").search(part) and not _elsewhere(part)
        for part in parts
    )


def _elsewhere(part: str) -> bool:
    """Whether a part of an answer says yes of another finding than the question's: it names no
    self-harm, and names a `later-other` finding ("yes HI") or a `later-object` word after its
    yes ("yes to anxiety"); "yes to others" is the `others` rows' (recheck K27a s31, fix
    forms38)."""
    if not re.search(r"\byes\b", part) or self_harm_words(part) or _pattern("others").search(part):
        return False
    return bool(
        _pattern("later-other").search(part)
        or re.search(r"\byes\s+" + _pattern("later-object").pattern, part)
    )


def window_no(answer: Mapping[str, Any], question: str) -> Answer | None:
    """A no, when an answer denies the finding in the past month ("Not in the past month": the
    table's `month-no` words, after an opening no too) and the question asks of now or of the
    past month, as the C-SSRS screener's items 1-5 do; to a question of a longer window (the
    `long-window`, `past` or `attempt` words: the lifetime behaviour item, "in the past 3
    months") it is no no, and is read as any answer is (recheck K27a s31; fix forms38)."""
    text = answer.get("valueString")
    if not isinstance(text, str):
        return None
    plain = re.sub(r"^no\b[\s,;:.-]*", "", _plain(text))
    if _pattern("month-no").fullmatch(plain) is None:
        return None
    words = normalise_text(question)
    if is_attempt(question) or past_topic(question) or _pattern("long-window").search(words):
        return None
    return Answer(0, _word(answer))


def _leads_positive(plain: str) -> bool:
    """Whether an answer opens with a yes or a positive word before what qualifies it ("Yes, as
    a teenager", "Yes (2015)", "Passive, no plan": the table's `positive` words): a yes with
    words after it, not a free text to check; "no plan" negates no ideation (session 29 fix
    net32, review s29 RQ4 probes f26, f47, g5)."""
    head = _parts(plain)[0]
    return bool(head) and (
        _pattern("positive").fullmatch(head) is not None or says_yes({"valueString": head})
    )


def _positive_text(plain: str) -> bool:
    """Whether an answer's text is a yes with what qualifies it: led by a yes or `positive` word
    before a comma, bracket or spaced dash (`_leads_positive`), or opened or closed by a yes word
    whatever the separator ("yes passive", "Yes- once", "YES last week": the C-SSRS answer rule,
    suicide_screen_answers.yes_ended; session 33 fix forms50). Read after the lowest answer, so a
    denial stays a no ("No", "Denies"), and "see note", "?" or "yes?" hold no yes word. A yes
    that may be of another finding stays unread, as before (`_of_another`)."""
    return _leads_positive(plain) or (yes_ended(plain) and not _of_another(plain))


# An answer's opening word and a `later-object` word after it ("yes to anxiety", "y about work").
_OPENING_OBJECT = re.compile(r"^\S+\s+(?=\S)")


def _of_another(plain: str) -> bool:
    """Whether an answer names others ("Y to others", "others: yes": the `others` rows) or,
    naming no self-harm, another finding ("HI yes", "Yes to HI": `later-other`) or what its
    opening yes is to ("yes to anxiety": `later-object`): its yes may not answer the row's
    self-harm question, so the new rule leaves it unread (the warning asks to check it) rather
    than read it as a yes of self-harm (session 33 fix forms50, as `_later_yes` does)."""
    if _pattern("others").search(plain):
        return True
    if self_harm_words(plain):
        return False
    opening = _OPENING_OBJECT.match(plain)
    return _pattern("later-other").search(plain) is not None or (
        opening is not None and _pattern("later-object").match(plain, opening.end()) is not None
    )
