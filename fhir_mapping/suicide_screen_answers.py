"""What a C-SSRS answer says: yes, no, or a suicide risk level (data/suicide_screen_answers.csv).

An answer is read as an EHR writes it (valueBoolean; valueCodeableConcept LOINC LA33-6 Yes /
LA32-8 No, SNOMED 373066001 / 373067005, a coding without a system, or only a display or text
"Yes" / "No"; valueString), a level as low, moderate (also "medium") or high in a coding display,
its text or a valueString, read only when the whole text is a level phrase (`_level`). It
stands apart from suicide_screen.py, which decides what a day's answers mean; None here is
"could not be read", which suicide_screen.py reports as a DataGap.

A value that clearly says no risk (`says_no_risk`: a no, a low level, or a `no-risk` word such as
"Negative" or "No risk") is what a C-SSRS result whose code is not known, or a panel's own value
naming no level, may say and still raise no unread warning (review s27 RF finding 2 follow-up:
an Epic site files every C-SSRS question as a local flowsheet row, so an unread warning on each
"No" would be on every screened patient's chart).

The answer to a known question (`question_answer`, suicide_screen.py) that is neither a yes nor a
no here is read as the self-harm row reader reads the lowest answer (form_self_harm_answers.read:
the `no-risk` words "Denies", "Negative", "None", the table's `denial` words "Absent", "Denied",
"pt denies", "0"): a no. Session 32 fix forms44 (recheck K32a finding 6): the plan question
93250-9 answered "Denies", "Negative" or "None" was "could not be read" and held TMS ("check
C-SSRS first"), while a flowsheet row "Suicidal thoughts" so answered was read as no. "0" is the
lowest answer of any list and a 0/1 yes-no item's no, never a positive one: a no too (decided
here; h_cssrs_0). A yes of the row reader led by a yes word ("Yes - passive", "Yes, as a
teenager") is a yes (recheck K33 s32 finding 6, fix neg47: "Yes - passive" to the plan question
was "could not be read" while a plain Yes is critical), and so is one that opens or closes with
a yes word however it is cased and set off ("Yes- passive only", "yes passive", "Yes-passive",
"YES passive thoughts", "Passive - yes": recheck K35a s33 finding 5, fix forms49: these were
"could not be read", TMS offered). One whose other end says no ("Yes/No", "No, yes") is a yes
too, as two answers to one question that disagree are (suicide_screen.py: the safer reading); a
yes with a question mark on it ("yes?") is no yes word and stays unread. Other yeses of the row
reader ("Passive") stay unread here, as before: the screen's day asks to check them; so does a
no-led answer with no yes ("No - passive": neither a yes nor, with its other words, a sure no).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from fhir_mapping.fhir_fields import array, codings
from fhir_mapping.stated_plan_text import states_plan, value_states_plan
from fhir_mapping.suicide_screen_codes import _read

# Levels in order of risk (a semantic order, not a clinical threshold).
_LEVEL_RANK = {"low": 0, "moderate": 1, "high": 2}
# A question mark in a level's text: the writer was not sure of it (`_level_phrase`).
_UNCERTAIN = "?"


@cache
def _answers() -> tuple[dict[tuple[str, str], str], dict[str, str], dict[str, str], dict[str, str]]:
    """(system, code) -> yes/no; code -> yes/no (no system); yes/no terms; risk-level terms."""
    coded: dict[tuple[str, str], str] = {}
    bare: dict[str, str] = {}
    yes_no: dict[str, str] = {}
    levels: dict[str, str] = {}
    for row in _read("suicide_screen_answers.csv"):
        if row["kind"] == "yes-no" and row["code"]:
            coded[(row["system"], row["code"])] = row["value"]
            bare[row["code"]] = row["value"]
        elif row["kind"] == "yes-no":
            yes_no[row["term"].lower()] = row["value"]
        elif row["kind"] == "risk-level":
            levels[row["term"].lower()] = row["value"]
    return coded, bare, yes_no, levels


@cache
def _level_words(kind: str) -> tuple[str, ...]:
    """The words a level may end with (`level-suffix`: "High Risk", "Moderate suicide risk") or
    begin with (`level-prefix`: "Risk level: high"), lower-cased, longest first."""
    found = [
        row["term"].lower() for row in _read("suicide_screen_answers.csv") if row["kind"] == kind
    ]
    return tuple(sorted(found, key=len, reverse=True))


@cache
def _no_risk_words() -> dict[str, str]:
    """The `no-risk` words (module docstring), lower-cased."""
    return {
        row["term"].lower(): row["value"]
        for row in _read("suicide_screen_answers.csv")
        if row["kind"] == "no-risk"
    }


def _term(text: object, table: Mapping[str, str]) -> str | None:
    if not isinstance(text, str):
        return None
    return table.get(text.strip().lower().rstrip("."))


def _coding_yes_no(coding: Mapping[str, Any]) -> str | None:
    coded, bare, yes_no, _ = _answers()
    code = coding.get("code")
    if isinstance(code, str):
        code = code.strip()
        system = coding.get("system")
        found = coded.get((system, code)) if isinstance(system, str) else None
        if found is None:
            # Codings without a system, or under a system spelt another way (vendor README
            # trap 9): the LOINC / SNOMED yes-no codes do not collide with one another.
            found = bare.get(code)
        if found is not None:
            return found
    return _term(coding.get("display"), yes_no)


def _yes_no(element: Mapping[str, Any]) -> bool | None:
    """A yes (True) or no (False) from an Observation, component or answer; None if unreadable."""
    _, _, yes_no, _ = _answers()
    value = element.get("valueBoolean")
    if isinstance(value, bool):
        return value
    found: str | None = None
    concept = element.get("valueCodeableConcept")
    if isinstance(concept, Mapping):
        for coding in array(concept.get("coding")):
            if isinstance(coding, Mapping) and found is None:
                found = _coding_yes_no(coding)
        found = found or _term(concept.get("text"), yes_no)
    coding = element.get("valueCoding")
    if found is None and isinstance(coding, Mapping):
        found = _coding_yes_no(coding)
    if found is None:
        found = _term(element.get("valueString"), yes_no)
    if found is None and value_states_plan(element):
        return True  # "Plan: hang self" to a C-SSRS question: a yes (stated_plan_text.py, heads42)
    return None if found is None else found == "yes"


def _parts(element: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(words, codes) of a value: its codings' displays, its text and a valueString; the codes
    of its codings."""
    words: list[str] = []
    codes: list[str] = []
    concept = element.get("valueCodeableConcept")
    if isinstance(concept, Mapping):
        words.extend(display for _, _, display in codings(concept))
        codes.extend(code for _, code, _ in codings(concept))
        if isinstance(concept.get("text"), str):
            words.append(concept["text"])
    for key in ("valueString", "valueCoding"):
        value = element.get(key)
        if isinstance(value, str):
            words.append(value)
        elif isinstance(value, Mapping):
            words.append(str(value.get("display") or ""))
            codes.append(str(value.get("code") or ""))
    return words, codes


def _texts(element: Mapping[str, Any]) -> list[str]:
    """The words of a value and its codes (`_parts`), together."""
    words, codes = _parts(element)
    return [*words, *codes]


def _level_phrase(text: str) -> str | None:
    """The level a text is as a whole ("High Risk.", "MEDIUM", "moderate suicide risk"), or
    None: case and punctuation aside, the text must be a level term, alone or followed by a
    `level-suffix`. A level word inside other words ("Not low risk", "Low risk, endorses passive
    ideation", "No high risk factors identified", "low-moderate") is not read (review s27 K3
    finding 1: a word found anywhere read "Not low risk" as low and dropped the item 9 card);
    nor is one with a question mark ("Low risk?": review s28 K5 recheck finding 4)."""
    _, _, _, levels = _answers()
    if _UNCERTAIN in text:
        # "Low risk?" is a level in doubt, not a level: punctuation aside below would read it
        # low and close a PHQ-9 item 9 of 3 (review s28 K5 recheck finding 4). Unread instead.
        return None
    words = " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())
    for prefix in _level_words("level-prefix"):
        if words.startswith(prefix + " "):
            words = words[len(prefix) + 1 :]
            break
    for suffix in _level_words("level-suffix"):
        if words.endswith(" " + suffix):
            words = words[: -len(suffix) - 1]
            break
    return levels.get(words)


def _level(element: Mapping[str, Any]) -> str | None:
    """The highest risk level a value names ("Moderate risk" -> moderate), or None. Every word
    of it (coding displays, text, valueString) must be a level phrase (`_level_phrase`): one
    that is not may say "not low", so the value is unread (the safer reading); codes are read
    when they are one (a local code "high") and otherwise left aside (a local "3")."""
    texts, codes = _parts(element)
    found: list[str] = []
    for text in texts:
        if not text.strip():
            continue
        level = _level_phrase(text)
        if level is None:
            return None
        found.append(level)
    found.extend(level for code in codes if (level := _level_phrase(code)) is not None)
    return max(found, key=lambda lv: _LEVEL_RANK.get(lv, 0)) if found else None


def question_answer(element: Mapping[str, Any], on: date | None = None) -> bool | None:
    """A known C-SSRS question's answer: a yes (True), a no (False: `_yes_no`, or the lowest
    answer as the self-harm row reader reads it, module docstring), None not read; `on` the
    answer's day (a plan its words date long before it is no yes: `_names_plan`)."""
    yes = _yes_no(element)
    if yes is not True and _names_plan(element, on):
        return True
    if yes is not None:
        return yes
    # Imported here: form_self_harm_answers reads this module's words at import.
    from fhir_mapping.form_self_harm_answers import read

    found = read(element)
    if found.value == 0 and not found.none:
        return False
    # A yes with a qualifier ("Yes - passive", "yes passive", "Passive - yes"): the yes is the
    # answer, the other words qualify it (fix neg47; recheck K35a s33 finding 5, fix forms49: a
    # plain Yes was critical, these "could not be read" with TMS offered).
    return True if any(yes_ended(text) for text in _parts(element)[0]) else None


def _names_plan(element: Mapping[str, Any], on: date | None = None) -> bool:
    """Whether a valueString or note of the answer names a self-harm thought or plan as the
    free-text readers read one (self_harm_text.ideation: "plan is to hang himself", "plan to
    drive off a bridge"; stated_plan_text.states_plan: "Plan: hang self"): a yes, whatever the
    value says, as two answers that disagree are (module docstring). The C-SSRS plan question
    so answered, or "See comment" with the plan in the row's note, was "could not be read",
    TMS held for a check, while a flowsheet comment or a Condition's note so worded is critical
    (recheck K38a s34 finding 3, fix text54). A denial ("denies plan to ...") names none, nor
    does a plan stated as past, as a Condition's note is read (condition_harm_notes.stated_past:
    "past plan to jump off a bridge in 2015", "Hx plan to hang self in 2015, none since" beside
    a "No" to the past-month plan question made it critical: recheck K41b s34 finding 3, fix
    text56); a plan dated within the past month of `on` (the answer's day) is current."""
    # Imported here: self_harm_text's readers import the screen's words (as `question_answer`).
    from fhir_mapping.condition_harm_notes import stated_past
    from fhir_mapping.self_harm_text import ideation

    notes = [n.get("text") for n in array(element.get("note")) if isinstance(n, Mapping)]
    texts = [t for t in (element.get("valueString"), *notes) if isinstance(t, str)]
    named = [t for t in texts if ideation(t) or states_plan(t)]
    return any(not stated_past(t, on or date.max) for t in named)


# What sets an answer's words apart: spaces, full stops, commas, semicolons, colons, brackets,
# slashes and dashes (hyphen, en and em dash), with or without spaces ("Yes- passive",
# "Yes-passive", "Yes. Passive thoughts").
_SEPARATORS = re.compile(r"[\s.!,;:()\[\]/\-\u2013\u2014]+")


def yes_ended(text: str) -> bool:
    """Whether `text` opens or closes with a yes-no `yes` word ("Yes - passive", "YES passive
    thoughts", "Passive - yes", "Y, once", "(Yes)"). A question mark is no separator, so "yes?"
    holds no yes word (a yes in doubt, as `_level_phrase` reads "Low risk?"); "Passive" alone
    stays unread here (module docstring). The self-harm row reader reads a form's or flowsheet's
    answer by the same rule (form_self_harm_answers.read; session 33 fix forms50)."""
    words = [w for w in _SEPARATORS.split(text.lower()) if w]
    yes_no = _answers()[2]
    return bool(words) and "yes" in (yes_no.get(words[0]), yes_no.get(words[-1]))


def says_yes(element: Mapping[str, Any]) -> bool:
    """Whether a value is a plain yes: true, a yes code (LOINC LA33-6, SNOMED 373066001) or the
    word (`_yes_no`); the safety net reads it as a positive answer to a self-harm question on a
    form no reader takes (form_self_harm_answers.py; review s29 K16 chart y01)."""
    return _yes_no(element) is True


def says_no_risk(element: Mapping[str, Any]) -> bool:
    """Whether a value clearly says no risk (module docstring): a no (`_yes_no`), a low level and
    none higher (`_level`), or the whole of a text a `no-risk` word ("Negative", "No risk",
    "Denies", "None"). A yes, a moderate or high level, a number, other text or no value is not:
    any of them may be a positive screen, so it stays unread (the safer reading)."""
    yes = _yes_no(element)
    if yes is True:
        return False
    level = _level(element)
    if level is not None:
        return level == "low"
    if yes is False:
        return True
    words = _no_risk_words()
    return any(_term(text, words) is not None for text in _texts(element))


@cache
def _skips() -> tuple[frozenset[str], dict[str, str]]:
    """(the `skip` words, lower-cased; question concept -> the concept whose No skips it, the
    `skip-when-no` rows): the screener's own skip logic (screen_day.ScreenDay.settle)."""
    rows = _read("suicide_screen_answers.csv")
    words = frozenset(row["term"].lower() for row in rows if row["kind"] == "skip")
    after = {row["term"]: row["value"] for row in rows if row["kind"] == "skip-when-no"}
    return words, after


def skipped_by(concept: str, element: Mapping[str, Any]) -> str | None:
    """The concept whose No would skip `concept`, when `element` answers it with a `skip` word
    ("N/A", "Not applicable"); else None (an answer not read)."""
    words, after = _skips()
    parent = after.get(concept)
    if parent is None:
        return None
    said, _ = _parts(element)
    found = [w.strip().lower().rstrip(".") for w in said if w.strip()]
    return parent if found and all(w in words for w in found) else None
