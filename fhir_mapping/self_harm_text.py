"""Self-harm, a suicide attempt or an overdose named only in words (review s26 RC finding 1): a
Condition whose codes map to nothing (an IMO or site code, or code.text alone) or an Encounter
reasonCode with text only. Oracle Health sends a diagnosis its nomenclature does not map as
code.text ("Intentional overdose of sertraline, suicide attempt"), and an ED visit's reason as
text ("Overdose"); only the code tables were read, so an ED visit after a suicide attempt raised
no suicide-risk card at all, while the same chart coded T43.222A raised the critical one.

The words are data (data/self_harm_terms.csv), read with the shared NegEx-style negation
(text_negation.py: "denies suicide attempt", "no self-harm", "history negative for overdose",
"family history of suicide attempt" are not read). Roles:

- `act`: words that state self-harm themselves ("suicide attempt", "self-harm",
  "self-poisoning"): read as self-harm, intent stated (`Reading.STATED`);
- `event`: an overdose or poisoning, whose intent is its own axis (ICD-10-CM's 6th character:
  accidental, intentional self-harm, undetermined). With an `intent` word in the same text
  ("Intentional drug overdose", "overdose, suicidal") it is read as STATED;
- with an `accidental` word ("accidental overdose of insulin", "unintentional poisoning") and no
  intent word, nothing is read: the record states the intent and it is not self-harm (NICE CG133
  excludes accidental harm to oneself), as the code table reads no accidental T-code;
- with neither ("Overdose", the ED's reason for the visit), or both ("intentional vs
  accidental"), it is read as an overdose whose intent is not recorded (`Reading.INTENT_UNKNOWN`).
  Decision (the safer one for the patient): asking about intent costs a question, missing a
  suicide attempt costs a life, and about half the people seen in an ED after self-harm are
  never assessed by a mental health professional (NICE CG133 introduction). The card then asks
  to confirm the intent and assess today, never claims a suicide attempt.

A Condition coded by a poisoning code whose own character states the intent (ICD-10-CM
T36-T65, T71: data/self_harm_intent_codes.csv) is not read by its words: the code decides, as
"T43.211A Poisoning by tricyclic antidepressants, accidental" is not self-harm, and a code of
undetermined intent is read as such (self_harm_intent.py, `intent_coded` re-exported here).

The finding is marked in `Finding.verification` (TEXT_ONLY, INTENT_UNKNOWN) so the suicide-risk
card says "text only: confirm" (services/risk_wording.py). Apart from diagnosis_text.py because
self-harm has an intent to read besides the words, and two readers (condition_text.py,
visit_risk.py) share it.
"""

from __future__ import annotations

import csv
import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from fhir_mapping.self_harm_intent import intent_coded
from fhir_mapping.text_negation import negated, normalise_text

__all__ = [
    "INTENT_UNKNOWN",
    "TEXT_ONLY",
    "Reading",
    "intent_coded",
    "names_poisoning",
    "reading",
    "wanted",
]

# Finding.verification of a self-harm finding read from words only (module docstring).
TEXT_ONLY = "self-harm-text"
INTENT_UNKNOWN = "overdose-intent-not-recorded"


class Reading(enum.Enum):
    STATED = TEXT_ONLY  # self-harm or an intentional overdose, in words
    INTENT_UNKNOWN = INTENT_UNKNOWN  # an overdose or poisoning, intent not recorded


@dataclass(frozen=True, slots=True)
class _Terms:
    act: tuple[re.Pattern[str], ...]
    event: tuple[re.Pattern[str], ...]
    intent: tuple[re.Pattern[str], ...]
    accidental: tuple[re.Pattern[str], ...]


def _pattern(term: str) -> re.Pattern[str]:
    # "self harm*" -> any ending ("self-harming"); else the whole word.
    term = normalise_text(term)
    body = re.escape(term.rstrip("*")) + (r"\w*" if term.endswith("*") else r"\b")
    return re.compile(r"\b" + body)


@cache
def _terms() -> _Terms:
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    by_role: dict[str, list[re.Pattern[str]]] = {}
    for row in csv.DictReader(text.splitlines()):
        by_role.setdefault(row["role"], []).append(_pattern(row["term"]))
    return _Terms(
        act=tuple(by_role.get("act", ())),
        event=tuple(by_role.get("event", ())),
        intent=tuple(by_role.get("intent", ())),
        accidental=tuple(by_role.get("accidental", ())),
    )


def _said(text: str, patterns: tuple[re.Pattern[str], ...]) -> bool:
    """Whether any of `patterns` occurs in `text` (normalised) and is not negated there."""
    return any(not negated(text, m.start(), m.end()) for p in patterns for m in p.finditer(text))


def _negated_intent(text: str) -> bool:
    """ "overdose, not intentional": an intent word that is negated states the accident."""
    return any(negated(text, m.start(), m.end()) for p in _terms().intent for m in p.finditer(text))


@lru_cache(maxsize=4096)
def reading(text: str) -> Reading | None:
    """What `text` (a Condition's text and displays, a reasonCode's) says of self-harm: STATED,
    INTENT_UNKNOWN (an overdose whose intent the words do not give), or None (module
    docstring)."""
    text = normalise_text(text)
    if not text:
        return None
    terms = _terms()
    if _said(text, terms.act):
        return Reading.STATED
    if not _said(text, terms.event):
        return None
    intent = _said(text, terms.intent)
    accident = _said(text, terms.accidental) or _negated_intent(text)
    if intent and not accident:
        return Reading.STATED
    if accident and not intent:
        return None
    return Reading.INTENT_UNKNOWN


@lru_cache(maxsize=1024)
def names_poisoning(text: str) -> bool:
    """Whether `text` names an overdose or a poisoning (not negated): a self-harm finding in words
    that is an overdose of a drug, for the card's quantity line (the role the self-poisoning codes
    play for a coded finding: services/rules/suicide_risk_overdose.py)."""
    return _said(normalise_text(text), _terms().event)


def wanted(text: str, coded: Sequence[tuple[str, str, str]]) -> bool:
    """Whether a Condition says anything of self-harm: its words when no code states the intent,
    or a code that states one (self_harm_intent.py): the routing filter (conditions.py). An
    accidental code is kept too, though it raises nothing: it tells visit_risk.py that the visit's
    reason "Overdose" has its intent coded (review s26 UD finding 2)."""
    return intent_coded(coded) or reading(text) is not None
