"""The object words of a taking act, for self_harm_taken.py: the `taken_*` rows of
data/self_harm_terms.csv by role (`_roles`), and whether an object opens with a whole supply of a
drug or pill word (`_supply`: "all her lithium", "a bottle of pills", "her whole week of pills"),
with a drug or pill word after up to two possessive or article words (`_owned`, `_drug_or_pill`),
not carried away (`_carried`: "took all her kids' pills to the pharmacy"). Why each reading, and
the regimen, period and adherence decisions: self_harm_taken.py's docstring and the docstrings
below.

Apart from self_harm_taken.py (split out in session 37 to keep that module under 400 lines)
because what a supply of a drug is stays one idea, apart from the act and its counts."""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping import self_harm_terms
from fhir_mapping.self_harm_ideation import term_regex
from fhir_mapping.stated_dosing import _drug_object

# One possessive or article ("her", "the", "a", "pt's") before or after a supply phrase.
_WORD = re.compile(r"[a-z']+\s+")


@cache
def _roles() -> dict[str, tuple[re.Pattern[str], ...]]:
    roles: dict[str, list[re.Pattern[str]]] = {}
    for role, term in self_harm_terms.rows():
        if role.startswith("taken_"):
            roles.setdefault(role, []).append(term_regex(term))
    return {role: tuple(patterns) for role, patterns in roles.items()}


def _supply(
    obj: str, *, meds: bool = False, kept: bool = False, once: bool = False, owner: bool = False
) -> bool:
    """Whether an object is a `taken_supply` phrase before a drug or pill word, or a `taken_whole`
    phrase closing the clause, one possessive or article allowed before and after the phrase;
    with `meds` a `taken_med` word as a pill word ("all her meds": `self_harm_taken._meds_read`).
    `kept`: the act's clause holds a `taken_adherence` phrase ("as prescribed"). `once`: the act
    is dated to one time ("last night": self_harm_taken._at_one_time), which reads a period of a
    supply as `meds` does (fix text81). `owner`: no adherence or course-end phrase in the act's
    sentence (self_harm_taken._owner_read), so a period of a supply with a `taken_period_owner`
    word after it is read as a supply (`_owned_period`, fix text88)."""
    roles = _roles()
    lead = _WORD.match(obj)
    # A period of a supply ("a month of her meds") only with an at-once phrase, a purpose or a
    # verb of ingestion (`meds`): "took a week of antibiotics" is a course (fix text68). A whole
    # one ("her whole week of pills") unless the doses were kept as prescribed: "took her whole
    # week of pills as prescribed" is a week of doses (recheck K52a s36 finding 10, fix text74).
    period = roles.get("taken_period_supply", ()) * (meds or once or owner)
    supplies = (*roles.get("taken_supply", ()), *period)
    supplies += roles.get("taken_whole_period", ()) * (not kept)
    for at in (0,) if lead is None else (0, lead.end()):
        for p in supplies:
            found = p.match(obj, at)
            if found is None:
                continue
            if p in period and not (meds or once) and not _owned_period(obj, found.end()):
                continue
            # Only a `taken_day_supply` phrase ("all (of)") can be the day's doses; "a week's
            # worth of her morning pills" never.
            whole = not any(
                p.fullmatch(found.group().strip()) for p in roles.get("taken_day_supply", ())
            )
            if kept and not whole:
                # "took all her pills as prescribed" was critical (fix text83): "all" of the
                # pills kept as prescribed, none at once (`kept`), is the day's doses, as a
                # regimen word makes it; "took all her pills (at once)" stays a supply.
                continue
            if _owned(obj[found.end() :].lstrip(), meds=meds or whole):
                return True
        if any(p.match(obj.rstrip() + ".", at) for p in roles.get("taken_whole", ())):
            return True
    return False


def _owned_period(obj: str, end: int) -> bool:
    """Whether a `taken_period_owner` word ("her", "his", "my", "their") opens the words after a
    period phrase ending at `end`: "took 2 weeks of her seroquel" was quiet, TMS offered (session
    38 fix text88), while "took 2 weeks of sertraline, stopped" is a course (fix text68). A period
    of the patient's own supply named with its owner is how an ED reason writes that supply taken
    at once; a course names the drug and its time, no owner ("took 2 weeks of sertraline").
    Ambiguous wordings ("took 2 weeks of her sertraline") are read as the ingestion, the safer
    error; an adherence or course-end phrase in the sentence keeps the course
    (self_harm_taken._owner_read)."""
    word = _WORD.match(obj, end + len(obj[end:]) - len(obj[end:].lstrip()))
    return word is not None and any(
        p.fullmatch(word.group().strip()) for p in _roles().get("taken_period_owner", ())
    )


def _owned(words: str, *, meds: bool = False) -> bool:
    """Whether `words` open with a drug or pill word, up to two words of a possessive or article
    allowed before it ("her lithium", "the pills", "lithium", "her kids' pills": recheck K45a s34
    finding 5, "plan to take all her kids' pills" was quiet, TMS offered). A `taken_regimen` word
    among them ("all her morning pills", "all her usual pills") makes the pills the day's doses,
    read as a `taken_med` word is: only with `meds`, an at-once phrase or a verb of ingestion in
    the act's clause (review K46a s35 finding 8; K47a finding 1: cancelling them outright lost
    "took all her night pills at once to die"), and only when nothing follows the pill word in
    its object (review K50a s35 findings 1-4: "... with 10 ambien", "... with vodka", "... on
    purpose", "... for the week", "... all together" were quiet, TMS offered; every other wording
    is read as a supply, the safer error, so "took all her night pills before bed" is read). A `taken_carry` phrase right after the pill word,
    or one word after it, makes the verb carry them ("took all her kids' pills to the pharmacy",
    "the kids' tablets away"; K47a finding 2: "... then ran away" later in the clause is no
    carry). Why the regimen words and not organ or class words ("her heart pills"): a time or
    routine names the doses due together, a class names what a supply is of (the safer error)."""
    roles = _roles()
    at, regimen = 0, False
    for _ in range(3):
        end = _drug_or_pill_end(words[at:], meds=meds)
        if end is not None:
            if regimen and not meds and not words[at + end :].strip():
                return False
            return not _carried(words[at + end :])
        word = _WORD.match(words, at)
        if word is None:
            return False
        regimen = regimen or any(
            p.fullmatch(word.group().strip()) for p in roles.get("taken_regimen", ())
        )
        at = word.end()
    return False


# At most one word between a supply's pill word and a carry phrase ("pill bottles to the pharmacy").
_CARRY_AT = re.compile(r"\W*(?:[\w']+\s+)?")


def _carried(after: str) -> bool:
    """Whether a `taken_carry` phrase stands right after the pill word, or one word after it."""
    lead = _CARRY_AT.match(after)
    starts = {len(after) - len(after.lstrip()), lead.end() if lead else 0}
    return any(p.match(after, s) for p in _roles().get("taken_carry", ()) for s in starts)


def _drug_or_pill_end(words: str, *, meds: bool = False) -> int | None:
    """Where the drug or pill word `words` opens with ends (`_drug_or_pill`), or None."""
    if not _drug_or_pill(words, meds=meds):
        return None
    word = re.match(r"[\w']+", words)
    return word.end() if word else 0


def _drug_or_pill(words: str, *, meds: bool = False) -> bool:
    """Whether `words` open with a drug's name as a "take" plan reads one (stated_dosing: the drug
    tables, `plan_take_drug` rows, data/sedative_names.csv) or a `taken_pill` word; with `meds`
    a `taken_med` word too."""
    roles = _roles()
    pills = roles.get("taken_pill", ()) + (roles.get("taken_med", ()) if meds else ())
    return _drug_object(words) is not None or any(p.match(words) for p in pills)
