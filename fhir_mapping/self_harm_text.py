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
  accidental, intentional self-harm, undetermined). With an `intent` or `suicidal` word in the
  same text ("Intentional drug overdose", "overdose, suicidal") it is read as STATED; the event
  words include a few ways a patient's own overdose is written without the word ("took extra
  pills", "took too many pills": UNVERIFIED rows, each starting "took" so a refill or a dose
  change is not read; review s26 RK2 finding 7), and a past act of taking a drug named above a
  dose or a whole supply ("took 20 ativan", "took all of her lithium": self_harm_taken.py);
- with an `accidental` word ("accidental overdose of insulin", "unintentional poisoning"), or a
  negated `intent` word ("overdose, not intentional"), and no intent word, nothing is read: the
  record states the intent and it is not self-harm (NICE CG133 excludes accidental harm to
  oneself), as the code table reads no accidental T-code. A negated `suicidal` word does NOT
  state an accident (review s26 RK2 finding 1): "Overdose of sertraline, denies suicidal
  intent" says the patient's purpose, not that the overdose was unintended, and self-poisoning
  is self-harm whatever its purpose (NICE CG133/NG225), so it reads as an overdose whose intent
  is not recorded and the card asks; "Intentional overdose; denies suicide attempt" reads as
  STATED (self-harm), its denial shown in the card's detail with the entry's words;
- with an `undetermined` word ("Overdose - intent unclear"), whatever else is said beside it, it
  is read as an overdose of undetermined intent (`Reading.UNDETERMINED`: the record says the
  intent could not be told, as a code of undetermined intent does, and the card says so rather
  than "not recorded"; review s26 RK2 finding 6);
- `negated_accident`: words that exclude an accident ("Overdose, not accidental", "non-accidental
  overdose", "not an accident", "not by mistake") are read as the intent word "intentional"
  before anything else (review s26 RK3 finding 5). ICD-10-CM's intent axis is accidental,
  intentional self-harm, assault or undetermined, and "undetermined" only when the record says
  the intent cannot be told, so a person's own overdose that was not an accident is intentional
  self-poisoning: self-harm whatever its purpose (NICE NG225/CG133). Read before the negation
  too, so the "not" of "Not accidental overdose" does not negate the overdose (it silenced the
  card). An assault poisoning written so is read as self-harm to confirm: the safer mistake;
- with none of these ("Overdose", the ED's visit reason), or both an intent and an accident
  ("intentional vs accidental"), or an accident offered as one alternative (`accident_alternative`:
  "OD vs accidental ingestion", fix text81), it is an overdose of intent not recorded (`INTENT_UNKNOWN`).
  Decision (the safer one for the patient): asking about intent costs a question, missing a
  suicide attempt costs a life, and about half the people seen in an ED after self-harm are
  never assessed by a mental health professional (NICE CG133 introduction). The card then asks
  to confirm the intent and assess today, never claims a suicide attempt.

Denials (session 27 fix fx-selfharm): beside the shared cues ("no", "denies", "without"), the
table holds self-harm's own, read in the same scope (five words of the clause, up to a "but"):
`negation` cues before a term ("never attempted suicide", "patient didn't overdose", "wasn't a
suicide attempt": the shared "not" does not match inside a contraction, and "never" is not a
shared cue because "never treated for bipolar" must not negate bipolar there), `negation_answer`
cues after a colon or dash ("Self-harm: denies", "Prior attempts: never"). A denied mention
raises nothing: a suicide-risk card on "never attempted suicide" is a false critical card.
`negation_pseudo` phrases undo any cue in that scope ("not the first suicide attempt", "never
self-harmed until last week", "could not rule out overdose"). Decision for a mixed sentence
("denies current SI but attempted overdose last week"): the denial is read only up to the
conjunction, so the overdose after it is read and the card asks; so after an "and", "or" or a
comma when the mention's part has a verb of its own ("denies current SI and attempted overdose
last week"), while a list of bare nouns stays denied ("no history of suicide attempts or
self-harm"): self_harm_scope.py (session 28 fix fx-selfharm2); where the words leave it in
doubt whether a denial reaches the mention, the mention is read (a question costs less than a
missed attempt). The cues are data (data/self_harm_terms.csv, roles `negation*`), not literals.

An act is not read with an accident stated beside it ("cut self while cooking", "Cut his wrist
on a fence", "Accidentally cut her wrist": self_harm_context.py), nor where a relative governs
it ("Brother with multiple suicide attempts": self_harm_subject.py; review s29 RQ3). An accident
asked ("accidental OD?", "cut wrist on glass?": a sentence closing with "?") states none: the
card asks the intent (fix text83, `_unasked`, self_harm_context.asked).

`states_accident` tells the words that state an accident from those that say nothing: a visit's
diagnosis whose words state one silences the bare reason "Overdose" of that visit, as an
accidental code does (visit_risk.py; review s26 RK2 finding 6).

A Condition coded by a poisoning code whose own character states the intent (ICD-10-CM
T36-T65, T71: data/self_harm_intent_codes.csv) is not read by its words: the code decides, as
"T43.211A Poisoning by tricyclic antidepressants, accidental" is not self-harm, and a code of
undetermined intent is read as such (self_harm_intent.py, `intent_coded` re-exported here).

The finding is marked in `Finding.verification` (TEXT_ONLY, INTENT_UNKNOWN): the card says "text
only: confirm" (services/risk_wording.py). Apart from diagnosis_text.py: self-harm has an intent
to read besides the words, and two readers (condition_text.py, visit_risk.py) share it. The table
compiled by role is self_harm_roles.py's, whether a mention is said and not denied
self_harm_denial.py's (split out in session 37 to keep this module under 400 lines).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from functools import cache, lru_cache

from fhir_mapping import command_hallucination, screen_item_text, self_harm_terms
from fhir_mapping.abbreviation_case import by_case
from fhir_mapping.denial_governs import governs
from fhir_mapping.denial_undone import denials_undone
from fhir_mapping.goodbye_sender import sent_by_other
from fhir_mapping.od_lookalike import blank_lookalikes
from fhir_mapping.preparatory_reason import with_ordinary_reason
from fhir_mapping.quoted_answer import blank_answered_items
from fhir_mapping.self_harm_context import asked, without_other_attempts, without_usual_doses
from fhir_mapping.self_harm_denial import _denied, _masked, _negated, _said
from fhir_mapping.self_harm_ideation import lead_start, preparatory, term_regex
from fhir_mapping.self_harm_intent import UNDETERMINED, intent_coded
from fhir_mapping.self_harm_plan_step import ended, plan_stepped
from fhir_mapping.self_harm_roles import _plain, _terms
from fhir_mapping.self_harm_sib import as_sibling
from fhir_mapping.self_harm_subject import other_subject, unsaid
from fhir_mapping.self_harm_taken import taken_spans

__all__ = [
    "INTENT_UNKNOWN",
    "TEXT_ONLY",
    "Reading",
    "ideation",
    "intent_coded",
    "names_poisoning",
    "reading",
    "states_accident",
    "wanted",
]

# Finding.verification of a self-harm finding read from words only (module docstring).
TEXT_ONLY = "self-harm-text"
INTENT_UNKNOWN = "overdose-intent-not-recorded"


class Reading(enum.Enum):
    STATED = TEXT_ONLY  # self-harm or an intentional overdose, in words
    INTENT_UNKNOWN = INTENT_UNKNOWN  # an overdose or poisoning, intent not recorded
    # An overdose whose words say the intent could not be told ("intent unclear"): marked as a
    # code of undetermined intent is (self_harm_intent.UNDETERMINED), with system "text".
    UNDETERMINED = UNDETERMINED


class _Verdict(enum.Enum):
    """What the words say: a Reading, or that they state an accident (read as nothing)."""

    STATED = Reading.STATED
    INTENT_UNKNOWN = Reading.INTENT_UNKNOWN
    UNDETERMINED = Reading.UNDETERMINED
    ACCIDENT = None


# A `negated_accident` phrase read as ICD-10-CM's "intentional self-harm" (module docstring).
_STATED_INTENT = "intentional"


def _read(text: str) -> str:
    """`text` normalised, each phrase that excludes an accident ("not accidental") replaced by
    "intentional" (module docstring): the one place the words are prepared. One itself negated
    ("no evidence it was not accidental") is blanked: a double negation is a doubt, the card asks
    the intent. Blanked: a usual dose for a stated purpose ("took 3 tabs of tylenol for headache"),
    an attempt at something else ("past attempts to quit": self_harm_context.py), a `lookalike`
    ("acting odd"), an eye word before "OD" (od_lookalike.py), an answered EPDS item 10. "PT"
    beside "pt" is physical therapy, read on the words as written (abbreviation_case.py)."""
    text = blank_answered_items(denials_undone(_plain(by_case(text))))
    text = blank_lookalikes(text, _terms().lookalike, _terms().event)
    text = as_sibling(without_other_attempts(without_usual_doses(text)))
    for p in _terms().negated_accident:
        for m in reversed(list(p.finditer(text))):
            said = " " if _denied(text, m.start(), m.end()) else _STATED_INTENT
            text = text[: m.start()] + said + text[m.end() :]
    return text


@lru_cache(maxsize=1024)
def ideation(text: str) -> bool:
    """Whether `text` names self-harm or an overdose as a thought, plan or threat ("plan to
    overdose", "threatened to overdose", "wants to hurt himself": `ideation_object` words, read
    only here), or `preparatory` words ("pills hidden"), not denied and not a relative's:
    suicidal ideation with a plan, which the readers raise as such (self_harm_ideation.py)."""
    if screen_item_text.positive(text):
        # A screening item answered above its lowest answer, written as text ("PHQ-9 item 9: 2",
        # "ASQ positive"): the same signal as the coded answer (screen_item_text.py; fix text79).
        return True
    if command_hallucination.commands_self_harm(text):
        # A command hallucination to die or harm oneself ("AH telling her to die"): suicidal
        # ideation, whatever the SI denial beside it (command_hallucination.py; fix text107).
        return True
    text = _read(text)
    terms = _terms()
    thought = (p.finditer(text) for p in terms.act + terms.event + terms.ideation_object)
    said = [(m, lead_start(text, m.start()), m.start()) for ms in thought for m in ms]
    # After a qualifier and a step ("plan to go home and kill himself"), denied from the qualifier
    # ("denies plan to go home and kill himself" is past a denial's five words; fix text51b).
    said += [(m, at, at) for m, at in [*plan_stepped(text, terms.ideation_object), *ended(text)]]
    # A preparatory phrase inside a longer one ("suicide note" in "wrote a suicide note") is read
    # as that one, whose words say whose act it is: "mother wrote a suicide note before she
    # died" stays the mother's, "suicide note found" is read (fix text80).
    acts = [m for p in preparatory() for m in p.finditer(text)]
    # One with an ordinary reason in its sentence ("gave away cat, moving to apartment") is not
    # read; a bare one is (preparatory_reason.py, fix text109).
    acts = [m for m in acts if not with_ordinary_reason(text, m.start(), m.end())]
    # A goodbye sent by someone else ("goodbye message from hospice chaplain") is not the
    # patient's act (goodbye_sender.py, fix text114).
    acts = [m for m in acts if not sent_by_other(text, m.start(), m.end())]
    said += [(m, m.start(), m.start()) for m in acts if not _inside(m, acts)]
    return any(
        lead is not None
        and not (other_subject(text, lead) or unsaid(text, lead, m))
        and not _denied_from(text, lead, denial_from, m.end())
        for m, lead, denial_from in said
    )


@cache
def _conditions() -> tuple[re.Pattern[str], ...]:
    return tuple(term_regex(t) for t in self_harm_terms.terms("ideation_condition"))


def _denied_from(text: str, lead: int, start: int, end: int) -> bool:
    """Whether the thought at text[start:end] is denied; after a conditional qualifier (an
    `ideation_condition` word opening it: "if she kills herself") only by a denial inside the
    condition. "worried life insurance will not pay if she kills herself" was quiet, TMS offered
    (session 38 fix text88): the "not" of the main clause denies the paying, never the condition,
    and a patient weighing her own suicide has said a suicidal thought (the safer error). A
    denial verb opening the clause governs the whole condition (denial_governs.py, fix text92;
    only with link words and the passive wish between since fix text97)."""
    if any(p.match(text, lead) for p in _conditions()):
        if governs(text, lead):
            return True
        return _denied(text[lead:], start - lead, end - lead, listed=True)
    return _denied(text, start, end, listed=True)


def _inside(m: re.Match[str], others: Sequence[re.Match[str]]) -> bool:
    """Whether `m` lies inside one of `others` that opens before it (`ideation`, fix text80)."""
    return any(o.start() < m.start() and o.end() >= m.end() for o in others)


@lru_cache(maxsize=4096)
def _verdict(text: str) -> _Verdict | None:
    """The one reading of the words (module docstring); None: nothing of self-harm said."""
    text = _read(text)
    if not text:
        return None
    terms = _terms()
    if _said(text, terms.act, listed=True, act=True):
        return _Verdict.STATED
    if not _said(text, terms.event, listed=True, spans=tuple(taken_spans(text))):
        return None
    # Only a negated intentional/deliberate states the accident; a denied suicidal intent
    # does not (review s26 RK2 finding 1: module docstring).
    # An accident asked, not stated ("accidental OD?", "OD, accidental?"): no accident, the card
    # asks the intent (fix text83: "accidental OD?" was quiet, TMS offered).
    accident = _said(_unasked(text, terms.accidental), terms.accidental)
    accident = accident or _negated(text, terms.intent)
    doubt = _masked(text, terms.undetermined)
    if doubt != text:
        # "Intentional overdose, suicidal intent unclear": intentional self-poisoning is
        # self-harm whatever its purpose (NICE CG133/NG225), so only an intent word outside
        # the doubt ("unclear if intentional" holds one) states it; else undetermined.
        stated = _said(doubt, terms.intent) and not accident
        return _Verdict.STATED if stated else _Verdict.UNDETERMINED
    if accident and any(p.search(text) for p in terms.accident_alternative):
        # An accident offered as one alternative ("OD vs accidental ingestion", "intentional or
        # accidental") states none: the intent is open, and an overdose whose intent is open is
        # assessed (fix text81; it was quiet, TMS offered).
        return _Verdict.INTENT_UNKNOWN
    intent = _said(text, terms.intent) or _said(text, terms.suicidal)
    if intent and not accident:
        return _Verdict.STATED
    if accident and not intent:
        return _Verdict.ACCIDENT
    return _Verdict.INTENT_UNKNOWN


def _unasked(text: str, patterns: Sequence[re.Pattern[str]]) -> str:
    """`text` with each `patterns` match in a sentence closing with "?" blanked, same length."""
    for p in patterns:
        for m in reversed(list(p.finditer(text))):
            if asked(text, m.end()):
                text = text[: m.start()] + " " * (m.end() - m.start()) + text[m.end() :]
    return text


def reading(text: str) -> Reading | None:
    """What `text` (a Condition's text and displays, a reasonCode's) says of self-harm: STATED,
    INTENT_UNKNOWN (an overdose whose intent the words do not give), UNDETERMINED (one whose
    words say the intent could not be told), or None (nothing, or an accident: module
    docstring)."""
    verdict = _verdict(text)
    return None if verdict is None else verdict.value


def states_accident(text: str) -> bool:
    """Whether `text` names an overdose or poisoning and states it was an accident ("Overdose,
    no suicidal intent, accidental overdose"), with no intent or doubt beside it."""
    return _verdict(text) is _Verdict.ACCIDENT


@lru_cache(maxsize=1024)
def names_poisoning(text: str) -> bool:
    """Whether `text` names an overdose or a poisoning (not negated): a self-harm finding in words
    that is an overdose of a drug, for the card's quantity line (the role the self-poisoning codes
    play for a coded finding: services/rules/suicide_risk_overdose.py)."""
    text = _read(text)
    return _said(text, _terms().event, listed=True, spans=tuple(taken_spans(text)))


def wanted(text: str, coded: Sequence[tuple[str, str, str]]) -> bool:
    """Whether a Condition says anything of self-harm: its words when no code states the intent,
    or a code that states one (self_harm_intent.py): the routing filter (conditions.py). An
    accidental code is kept too, though it raises nothing: it tells visit_risk.py that the visit's
    reason "Overdose" has its intent coded (review s26 UD finding 2); so are words that state an
    accident, for the same reason (review s26 RK2 finding 6)."""
    return intent_coded(coded) or _verdict(text) is not None or ideation(text)
