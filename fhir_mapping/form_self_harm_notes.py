"""What the forms safety net (form_self_harm.py) reads beyond one question and one answer: the
current items of plan and intent, a note or family item whose answer speaks of the patient's own
risk, and a question of harm to self or others answered in parts (session 29 fix k19a1, review
s29 recheck K19a).

- Plan and intent (data/self_harm_form_words.csv `plan` words: "Suicide plan", "Suicidal
  intent", "Preparatory behavior", the C-SSRS screener's higher rungs) are no term of
  screen_item_terms.csv, so no reader read them: "Suicide plan" = "Yes" alone raised nothing
  (charts f19, f20), and beside "History of suicidal ideation" = yes and "Current suicidal
  ideation" = no it was the past warning (f09, f22). They are current self-harm questions: a yes
  is a positive answer, a no a current item answered no, never a past question.
- A note or family item (`note` words: "C-SSRS screen completed", "Has anyone in your family
  attempted suicide?") records no answer of the patient's own (review s29 RQ3, fix net31), unless
  its ANSWER says so: a screen's result given as positive or high risk (`note-risk` words, chart
  n02 "Yes - positive, high risk") or a part about the patient that names an attempt (`attempt`
  words, n01 "Yes - mother; pt also attempted last month"), any self-harm word the service reads
  (self_harm_subject.says_self_harm: "pt overdosed last week", "pt endorses SI"), or says the
  patient shares the finding asked of (self_harm_subject.shares_finding: "Yes - mother, pt too")
  is a positive answer, critical (recheck K20a s30 f_fam_pt_too, f_fam_pt_overdosed: nothing;
  "pt endorses SI" was the warning to check; session 30 fix forms32). "pt denies SI", "pt also
  has diabetes": nothing.
- "Thoughts of hurting yourself or others" = "Denies others; endorses self" (chart n06): a part
  that says yes of the self (`self-yes` words) is a yes, as "Yes - self" is. A yes whose part
  names others alone ("Yes - others only", "Yes (others)": `others-only` words, or a part that
  is only an `others` word) and none the self is no yes of the self: the answer to check, as
  "Denies self; endorses others" is (`of_others`; recheck K20a s30 f_harm_yes_others_only was
  a critical self-harm card; session 30 fix forms32), but only when no part names the self or
  self-harm, not negated (`self` words, self_harm_subject.says_self_harm): "Yes - self; no -
  others", "Yes - others only; wants to die", "Yes - others only; self last month" are a yes
  (recheck K22 s30: they were the answer to check; session 30 fix forms33).
- A family item's answer that names the patient beside the relative ("Yes - mother and pt as
  well", "Yes - pt and mother", "Yes - father; pt himself in 2022") is a positive answer; "pt
  too young to remember", "pt found her", "pt denies SI too" are nothing (recheck K22 s30; fix
  forms33).
- A question of an injury in an accident ("Did you hurt yourself in the fall?": `injury` words)
  is no self-harm question (form_self_harm._asks; recheck K22 s30 hy_fall_hurt; fix forms33).
  Its answer saying the injury was meant ("Yes, on purpose": `injury_intent` words, not
  negated) is a yes (recheck K24a s30: silent; session 30 fix forms34).
  Another person named as the one who acted ("Yes, husband hit her intentionally") is no
  self-harm, and an opening no followed by an act on purpose ("No - cut self on purpose") is a
  yes (form_injury_intent.meant; recheck K27a s31, session 31 fix forms37).
- An item whose QUESTION names no self-harm but whose ANSWER text does ("Patient educated on
  crisis line" = "Yes, pt endorses SI", "Safety plan reviewed" = "pt reports SI with plan") was
  read by no one: silent (session 30 fix forms31). Its answer is read as free text is
  (`said_in_answer`: diagnosis_text.text_kinds' suicidal ideation, self_harm_text.reading's
  self-harm, each not negated and not a relative's): a self-harm finding stated is a positive
  answer (critical, the safer reading); a denial ("pt denies SI") or anything else is nothing.
  Whose finding it is, is judged as it is in problem-list text (self_harm_subject): "Yes, for
  mother who has SI" is the mother's, nothing (recheck K22 s30: critical; fix forms33).
  A comment whose every finding is governed by a relative named in it ("Pt denies SI. Reports
  brother attempted suicide last month", "Pt worried about her son who is suicidal") is the
  relative's, nothing (form_note_relative.py; recheck K27a s31, session 31 fix forms37).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.fhir_fields import array
from fhir_mapping.form_injury_intent import meant
from fhir_mapping.form_note_relative import relatives_only
from fhir_mapping.form_self_harm_answers import YES, Answer, _pattern, _word
from fhir_mapping.record import FindingKind
from fhir_mapping.screen_wording import SELF_HARM, terms
from fhir_mapping.self_harm_subject import is_relative, says_self_harm, shares_finding
from fhir_mapping.self_harm_text import ideation, reading
from fhir_mapping.stated_plan_text import states_plan
from fhir_mapping.tms_safety import negated, normalise_text

__all__ = [
    "is_injury",
    "is_plan",
    "names_self_harm",
    "note_answer",
    "of_others",
    "said_in_answer",
    "row_comment",
    "row_question",
    "said_in_row",
]

# The parts of an answer: between semicolons, commas, brackets and dashes.
_PARTS = re.compile(r"[;,()]| - ")
# Two named in one part of a family item's answer ("pt and mother"): `_with_relative`.
_AND = re.compile(r"^(.+?)\s+(?:and|&)\s+(.+)$")


def is_plan(text: str) -> bool:
    """Whether a question asks of a suicide plan or intent (the table's `plan` words)."""
    return _pattern("plan").search(normalise_text(text)) is not None


def is_injury(text: str) -> bool:
    """Whether a question asks of an injury in an accident (the table's `injury` words: "Did you
    hurt yourself in the fall?"), no self-harm question (session 30 fix forms33)."""
    return _pattern("injury").search(normalise_text(text)) is not None


def names_self_harm(text: str) -> bool:
    """Whether a note item's text holds a self-harm term (screen_item_terms.csv), the note words
    left aside: the note may carry an answer of the patient's own (module docstring)."""
    words = normalise_text(text)
    return any(t.kind == SELF_HARM and t.pattern.search(words) for t in terms())


def _said(pattern: re.Pattern[str], words: str) -> bool:
    """Whether `pattern` matches in `words`, not negated."""
    return any(not negated(words, m.start(), m.end()) for m in pattern.finditer(words))


def _parts(answer: Mapping[str, Any], *, named_others: bool = False) -> list[str]:
    text = answer.get("valueString")
    if not isinstance(text, str):
        return []
    words = normalise_text(text)
    if named_others:
        # "others (sib)": the brackets name who the others are, no part of its own (fix forms34).
        words = re.sub(r"(" + _pattern("others").pattern + r")\s*\([^()]*\)", r"\1", words)
    return [p.strip(" .") for p in _PARTS.split(words) if p.strip(" .")]


def note_answer(answer: Mapping[str, Any]) -> Answer | None:
    """What a note or family item's answer says of the patient's own risk (module docstring):
    a positive answer, an answer to check (value None), or None (nothing of the patient's)."""
    word = _word(answer)
    parts = _parts(answer)
    if any(_said(_pattern("note-risk"), part) for part in parts):
        return Answer(YES, word)
    own = [p for p in parts if _pattern("subject").match(p)]
    if any(_said(_pattern("attempt"), part) or says_self_harm(part) for part in own):
        return Answer(YES, word)  # "pt endorses SI", "pt overdosed"; "pt denies SI": none
    if any(shares_finding(part) or _with_relative(part) for part in parts):
        return Answer(YES, word)  # "pt too", "mother and pt as well", "pt and mother"
    return None


def _with_relative(part: str) -> bool:
    """Whether a part names the patient beside a relative, nothing else ("pt and mother",
    "mother & patient": the patient among those the family item asks of; fix forms33)."""
    both = _AND.match(part)
    if both is None:
        return False
    first, second = both.groups()
    subject = _pattern("subject")
    return (subject.fullmatch(first) is not None and is_relative(second)) or (
        is_relative(first) and subject.fullmatch(second) is not None
    )


def _affirms_self(part: str) -> bool:
    """Whether a part of an answer names the self or self-harm, not negated, its `others-only`
    words left aside ("self last month", "wants to die"; "not self", "no self": no)."""
    rest = _pattern("others-only").sub(" ", part)
    return _said(_pattern("self"), rest) or says_self_harm(rest)


def of_others(answer: Mapping[str, Any]) -> Answer | None:
    """What an answer to a question of harm to self or others says in its parts (module
    docstring): a yes when one says yes of the self ("Denies others; endorses self"), an answer
    to check when one names others alone and none names the self or self-harm ("Yes - others
    only"; not "Yes - self; no - others", "Yes - others only; wants to die"), else None."""
    parts = _parts(answer, named_others=True)
    if any(_pattern("self-yes").fullmatch(part) for part in parts):
        return Answer(YES, _word(answer))
    if any(_affirms_self(part) for part in parts):
        return None  # read as any answer is (fix forms33: it was the answer to check)
    if any(
        _pattern("others-only").search(part) or _pattern("others").fullmatch(part) for part in parts
    ):
        return Answer(None, _word(answer))
    return None


def said_in_answer(answer: Mapping[str, Any], question: str = "") -> Answer | None:
    """A yes, when the text of an answer to a question that names no self-harm states suicidal
    ideation or self-harm as free text does (module docstring), or, to an injury `question`,
    says the injury was meant ("on purpose": form_injury_intent.meant), else None."""
    text = answer.get("valueString")
    if not isinstance(text, str):
        return None
    if _finds(text):
        # A comment about a relative's risk is not the patient's (form_note_relative.py).
        return None if relatives_only(text, _finds) else Answer(YES, _word(answer))
    if question and is_injury(question) and meant(text):
        return Answer(YES, _word(answer))
    return None


def _finds(text: str) -> bool:
    """Whether free text states suicidal ideation or self-harm, not negated: also a thought or
    plan of self-harm ("thoughts of cutting", "plan to overdose", "Mother worried pt will hurt
    herself", "pills hidden": self_harm_text.ideation, as visit_risk.py reads a visit's reason;
    recheck K27a s31, fix forms38: a form's comment stating them was silent), and a risk
    heading's stated plan ("Plan: hang self", "Intent: high": stated_plan_text.py; fix heads42,
    read only in a visit's reason before)."""
    return (
        FindingKind.SUICIDAL_IDEATION in text_kinds(text)
        or reading(text) is not None
        or ideation(text)
        or states_plan(text)
    )


def row_question(resource: Mapping[str, Any]) -> str:
    """An Observation row's question: its code's text, else its first coding's display."""
    concept = resource.get("code")
    # `type(...) is dict` first: asked of every Observation no reader takes (chart_walk.py, a
    # thousand on a 10-year chart), and the parsed chart's objects are dicts; the ABC check
    # behind isinstance(..., Mapping) cost more than the rest of this function (issue 14, perf48).
    if type(concept) is not dict and not isinstance(concept, Mapping):
        return ""
    text = concept.get("text")
    if isinstance(text, str) and text.strip():
        return text
    for coding in concept.get("coding") or ():
        if isinstance(coding, Mapping) and isinstance(coding.get("display"), str):
            return str(coding["display"])
    return ""


def row_comment(resource: Mapping[str, Any]) -> str | None:
    """The words of an Observation no reader takes that state suicidal ideation, self-harm or a
    plan (`said_in_answer`, with the row's question): its valueString, else a component's
    valueString or a note's text, as an Epic flowsheet row sends its comment (fix heads42: a
    comment there was read by no one, "Plan: hang self" or "SI with plan" alike); else None."""
    value = resource.get("valueString")
    if "component" not in resource and "note" not in resource and not isinstance(value, str):
        return None  # a vital's or a lab's row (a number, a code): nothing to read, built nothing
    texts = [value]
    if "component" in resource:  # asked only when present: a vital or lab row is walked often
        texts += [
            c.get("valueString") for c in array(resource["component"]) if isinstance(c, Mapping)
        ]
    if "note" in resource:
        texts += [n.get("text") for n in array(resource["note"]) if isinstance(n, Mapping)]
    words = [text for text in texts if isinstance(text, str)]
    if not words:  # no words to read (a number, a code): the question is not asked for
        return None
    question = row_question(resource)
    for text in words:
        if said_in_answer({"valueString": text}, question) is not None:
            return text
    return None


def said_in_row(resource: Mapping[str, Any]) -> bool:
    """Whether an Observation no reader takes states suicidal ideation or self-harm in its
    valueString, a component's or a note (`row_comment`; `said_in_answer`: "Safety plan
    reviewed" = "pt reports SI with plan"): read by
    screen_lookalike.read_named as a positive answer (session 30 fix forms31); so does one whose
    row asks of an injury and answers it was meant (an Epic flowsheet row "Any injuries since
    last visit?" = "Yes, on purpose" / "Not accidental", as a form's item is read: session 31
    fix forms36, it was silent)."""
    return row_comment(resource) is not None
