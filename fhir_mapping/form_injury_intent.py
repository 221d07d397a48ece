"""Form questions of an injury's intent and of a suicide screen's result, and answers to an injury
question that say whose act it was (recheck K27a s31; session 31 fix forms37). Read by the forms
safety net (form_self_harm.py, form_self_harm_notes.py); the words are data
(data/self_harm_form_words.csv).

- A question that asks whether an injury was the patient's own act ("Was the injury
  intentional?", "Was this injury self-inflicted?", "Self-inflicted?": `intent-question` words)
  names no self-harm term, so no reader read it: "Yes" raised nothing. It is a self-harm question:
  a yes is a positive answer (critical), a no the lowest, anything else the answer to check.
- A question that gives a suicide screen's result ("Suicide risk screen", "C-SSRS screen
  result", "C-SSRS risk level": a `screen-topic` word beside a `screen-result` word) answered
  positive or with a moderate or high level ("Positive", "High risk", "High": the Columbia
  screener's triage and the ASQ's positive screen) is a positive answer; "Suicide risk screen" =
  "Positive" raised nothing and "C-SSRS screen result" = "High risk" was only the warning to
  check, with TMS offered. A low level or "Negative" is the lowest, as the C-SSRS reader reads it
  (suicide_screen_answers.says_no_risk); anything else is read as any answer is.
- An injury answer that names another person as the one who acted ("Yes, husband hit her
  intentionally", "Yes - assaulted": a relative of self_harm_terms.csv or an `injury_other`
  word), with no word of the self ("herself", "self"), is an assault, no self-harm: nothing. An
  injury the patient did to themself against a thing ("Yes, intentional - punched wall") stays a
  yes (project decision: hitting or punching objects to hurt oneself is counted with self-injury
  in NSSI inventories; a question costs less than a missed act; UNVERIFIED as a rule).
- An injury answer opening with a no is no yes (fix forms35: "No, nothing deliberate"), unless
  an act done on purpose follows it ("No - cut self on purpose", "no - but did burn self on
  purpose": the later act wins; it was silent).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fhir_mapping.form_self_harm_answers import YES, Answer, _pattern, read
from fhir_mapping.screen_wording import self_harm_words
from fhir_mapping.self_harm_subject import _relative
from fhir_mapping.suicide_screen_answers import _level
from fhir_mapping.tms_safety import negated, normalise_text

__all__ = ["by_other", "is_intent_question", "is_screen_result", "meant", "screen_answer"]

# What may stand between an opening no and a later act ("No - but did ...").
_OPENING = re.compile(r"^[\s,;:.()-]*(?:but\b)?[\s,;:.()-]*(?:did\b)?\s*")
# The levels of a screen's result that are a positive screen (suicide_screen_answers levels).
_POSITIVE_LEVELS = frozenset({"moderate", "high"})


def is_intent_question(text: str) -> bool:
    """Whether a question asks if an injury was the patient's own act (`intent-question`)."""
    return _pattern("intent-question").search(normalise_text(text)) is not None


def is_screen_result(text: str) -> bool:
    """Whether a question gives a suicide screen's result: a `screen-result` word beside a
    `screen-topic` word or a self-harm term ("Fall risk level" is none)."""
    words = normalise_text(text)
    if _pattern("screen-result").search(words) is None:
        return False
    return _pattern("screen-topic").search(words) is not None or bool(self_harm_words(text))


def screen_answer(raw: Mapping[str, Any]) -> Answer:
    """A screen result's answer: positive or a moderate or high level a yes, else as read."""
    found = read(raw)
    text = raw.get("valueString")
    if isinstance(text, str):
        words = normalise_text(text)
        said = any(
            not negated(words, m.start(), m.end()) for m in _pattern("note-risk").finditer(words)
        )
        if said or _level(raw) in _POSITIVE_LEVELS:
            return Answer(YES, found.word)
    elif _level(raw) in _POSITIVE_LEVELS:
        return Answer(YES, found.word)
    return found


def by_other(words: str) -> bool:
    """Whether an injury answer (normalised) names another person as the one who acted, and no
    word of the self (module docstring)."""
    if _pattern("self").search(words):
        return False
    relative = _relative()
    return _pattern("injury_other").search(words) is not None or (
        relative is not None and relative.search(words) is not None
    )


def meant(text: str) -> bool:
    """Whether an injury answer says the patient's injury was meant: an `injury_intent` word not
    negated, no other person acting, and after an opening no a later act (module docstring)."""
    words = normalise_text(text)
    opening = _pattern("injury_no").match(words)
    if opening is not None:
        words = words[opening.end() :]
        words = words[_OPENING.match(words).end() :]  # type: ignore[union-attr]
        # "No, nothing deliberate", "No, deliberate?": no act of its own after the no.
        act = _pattern("injury_intent").sub(" ", words).strip(" .,;:-")
        if not act or _pattern("injury_no").match(words):
            return False
    if by_other(words):
        return False
    return any(
        not negated(words, m.start(), m.end()) for m in _pattern("injury_intent").finditer(words)
    )
