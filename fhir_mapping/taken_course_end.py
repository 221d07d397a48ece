"""Whether a past act's sentence ends a course of the drug taken (`taken_course_end` words about
the drug), for self_harm_taken._owner_read: a period of the patient's own supply ("took 2 weeks
of her seroquel") stays a course when the sentence ends the course ("..., stopped (nausea)"),
and is read as taken at once otherwise (session 38 fix text88).

Fix text92 (review K59a finding 6): a course-end word matched inside other phrases, so "took 2
weeks of her seroquel, stopped breathing", "... then quit answering phone", "took a month of her
klonopin, switched off lights" were quiet, TMS offered. A course-end word now ends the course
only when it is about the drug: the clause ends after it ("then stopped", "no benefit."), a
bracket, colon or number opens its reason or date ("stopped (nausea)", "stopped 2 months
ago"), a `taken_course_follow` word follows ("stopped it", "stopped the ...", "stopped d/t ...", "switched to ..."), or a drug or pill word
follows ("d/c'd lithium"). "stopped breathing", "quit answering", "switched off" are no course.
And a presentation of an overdosed patient anywhere in the text (`od_item_acute`: "found down",
"unresponsive") or a sign of toxicity (`taken_toxic_sign`: "vomiting", "seizure") keeps the act
an ingestion whatever course word stands beside it ("took 2 weeks of her seroquel, no benefit per
mom, found down"; "took a week of her lithium, side effects: vomiting"): an ED reason that names
a collapse or a toxic sign after a period of a supply is read as the overdose, the safer error (a
false critical card costs an assessment, a quiet one a missed overdose with TMS offered).

Fix text95: "took 2 weeks of her sertraline, switched over to lexapro" gave the overdose card
while "..., stopped" was quiet: self_harm_taken._beyond_doses read "lexapro" in the part after
the comma as a second drug the act took ("took all her morning pills and her husband's
oxycodone"). A later part that opens with a course-end word about the drug (`opens_course_end`:
"switched to lexapro", "then d/c'd it") is a new clause of the course, no second object of the
verb, after a period of the patient's own supply; a collapse or toxic sign in the text keeps
the ingestion as above ("..., switched to lexapro, found down").

Fix text97 (review K62a): "took 2 weeks of her sertraline, switched to her husband's oxycodone"
(her mom's xanax, her friend's pills) went quiet, TMS offered: a switch to another person's drug
is no course of her own, it is a second supply taken (critical before text95). A course end
whose words name a drug or pill owned by someone else (a possessive other than a
`taken_period_owner` word, `_other_owned`) opens no course end, nor ends the course in the
act's own clause ("... then switched to her husband's oxycodone"). "Drowsy", "sleepy" are
`taken_toxic_sign` rows ("..., switched to lexapro, now very sleepy" is read).
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import self_harm_terms
from fhir_mapping.self_harm_ideation import term_regex
from fhir_mapping.self_harm_supply import _WORD, _drug_or_pill, _owned, _roles

__all__ = ["ends_course", "opens_course_end"]

# What may stand right after a course-end word that closes its clause or opens its reason, or a
# number that dates the end ("stopped 2 months ago"; a count word would be a table row).
_CLOSED = re.compile(r"\s*(?:$|[,;.\n()\[\]:/-]|\d)")

# A possessive word ("husband's", "kids'"): grammar, not a clinical word; whose it is comes from
# the `taken_period_owner` rows ("pt's", "patient's" are the patient's own).
_POSSESSIVE = re.compile(r"\w+(?:'s|s')(?!\w)")


@cache
def _acute() -> tuple[re.Pattern[str], ...]:
    """The `od_item_acute` rows (od_item.py reads the same words for an item's "OD")."""
    return tuple(term_regex(t) for t in self_harm_terms.terms("od_item_acute"))


def _about_drug(after: str) -> bool:
    """Whether the words `after` a course-end word make it about the drug (module docstring)."""
    if _CLOSED.match(after):
        return True
    words = after.lstrip()
    if any(p.match(words) for p in _roles().get("taken_course_follow", ())):
        return True
    return _drug_or_pill(words)


def ends_course(sentence: str, text: str) -> bool:
    """Whether `sentence` (an act's) ends a course of the drug and `text` (the whole reason)
    names no collapse or toxic sign (module docstring)."""
    roles = _roles()
    if any(p.search(text) for p in (*_acute(), *roles.get("taken_toxic_sign", ()))):
        return False
    return any(
        _about_drug(sentence[m.end() :]) and not _other_owned(sentence[m.end() :])
        for p in roles.get("taken_course_end", ())
        for m in p.finditer(sentence)
    )


@cache
def _relatives() -> tuple[re.Pattern[str], ...]:
    """The `relative` rows (self_harm_subject.py reads the same words as a mention's subject)."""
    return tuple(term_regex(t) for t in self_harm_terms.terms("relative"))


def _other_owned(words: str) -> bool:
    """Whether `words` (after a course-end word) name, within their first words, a drug or pill
    owned by another person ("to her husband's oxycodone", "to her friend's pills": fix text97),
    the apostrophe dropped too when the owner is a `relative` row ("to her husbands oxycodone":
    typed notes drop it, and the quiet reading offered TMS beside a taken supply)."""
    owners = _roles().get("taken_period_owner", ())
    for word in list(_WORD.finditer(words))[:4]:
        said = word.group().strip()
        owner = _POSSESSIVE.fullmatch(said)
        other = (owner is not None and not any(p.fullmatch(said) for p in owners)) or (
            said[-1:].lower() == "s" and any(p.fullmatch(said[:-1]) for p in _relatives())
        )
        if other and _owned(words[word.end() :]):
            return True
    return False


def opens_course_end(words: str, text: str) -> bool:
    """Whether `words` (a later part of a past act's clause) open with a course-end word about
    the drug ("switched over to lexapro") and `text` names no collapse or toxic sign: a clause
    of the course, no second object of the act (module docstring, fix text95)."""
    roles = _roles()
    if any(p.search(text) for p in (*_acute(), *roles.get("taken_toxic_sign", ()))):
        return False
    words = words.lstrip()
    return any(
        _about_drug(words[m.end() :]) and not _other_owned(words[m.end() :])
        for p in roles.get("taken_course_end", ())
        if (m := p.match(words)) is not None
    )
