"""PHQ-9 item 9 asked on a form this service does not read as a PHQ-9, read by its words (review
s28 K10 finding 1; session 28 fix fx-forms2).

A QuestionnaireResponse under an opaque Epic canonical (http://open.epic.com/fhir/Questionnaire/
Q998877) with the nine PHQ-9 questions in their own words and item 9 "Thoughts that you would be
better off dead, or of hurting yourself in some way" = "Nearly every day" raised no card at all:
questionnaires.py reads a PHQ-9 form only when it knows the form (a known or site canonical, a
contained Questionnaire's LOINC item codes, LOINC-coded or "/44260-8" items). A combined form
titled "(EPDS and PHQ-9)" gave only its "questionnaire named PHQ-9 that this service does not
know" line, an untitled one nothing. The same answer as an Observation row under a local code
raises the critical card (screen_lookalike.py), and EPDS item 10 is read on any form by its words
(epds_forms.py). So is PHQ-9 item 9 now, on any response questionnaires.py does not read as a
PHQ-9:

- the item: its text names PHQ-9 item 9 as a row's label must (screen_wording.named_in with the
  PHQ-9 self-harm terms of data/screen_item_terms.csv: the question's words at its start, or
  with the item's number; a note row about the screen names nothing);
- or, on a form worded as the PHQ-9 (`worded_form`: the texts of at least three different items
  1-8 begin with the opening words of data/phq9_items.csv's display of that item, "Little
  interest or pleasure ...", "Feeling bad about yourself"), its text begins with a short label
  of the item (screen_item_terms.csv `form` rows: "Thoughts of being better off dead or
  self-harm", "Suicidal thoughts"; review s28 K13 charts f30, f31, session 28 fix fx-forms3).
  Those labels are no PHQ-9 wording and name the item nowhere else: a C-SSRS, GAD-7 or
  parent-report form (whose item 9 is about the child: no label matches) stays quiet. The
  wording is judged where the label sits: in the group that holds it (the response itself for
  an item at its top; an item under an answer sits where that answer's item sits). A combined
  form's GAD-7 group with "Suicidal thoughts" beside a PHQ-9 group was read as PHQ-9 item 9
  (session 28 note, chart q14 of recheck K14): that question was the GAD-7 group's, so it is
  left to the forms safety net (form_self_harm.py), which names it by its own words;
- not read here: a question's words answered with no answer of the PHQ-9's list but a yes
  (true, "Yes", "Y") on a form, or a group, not worded as the PHQ-9: "PHQ-9 item 9 answer could
  not be read" was false on a nursing form's "Thoughts of hurting yourself" = "Yes"; the forms
  safety net (form_self_harm.py) reads it as a yes of that question, critical (session 30 fix
  forms31). On a form worded as the PHQ-9 a plain yes (true, "Yes", "Y": suicide_screen_answers.
  says_yes) is read here as item 9 = 1, the least positive answer of the list (the session 29
  decision for a yes on a question with no scale; it was "PHQ-9 item 9 answer could not be
  read", a warning, recheck K20a s30; session 30 fix forms32). The card quotes the question and
  its yes (`Score.asked`, as the forms safety net's): "1 (several days)" would say how often,
  which a yes does not;
- not the item: a question's words in a text that asks of others too ("Thoughts of hurting
  yourself or others" on a safety screen: data/self_harm_form_words.csv `others`; review s29 RQ3
  probes q_harm_*): PHQ-9 item 9 asks of the self alone, so it is no PHQ-9 answer and was named
  "PHQ-9 item 9" on a form that is no PHQ-9; the safety net reads it by its own words;
- the answer: an answer of the PHQ-9's own list, LOINC LL358-3, as screen_lookalike.listed_answer
  reads a row's: the exact text ("Nearly every day", data/phq9_answer_codes.csv) as valueString,
  or a valueCoding whose LOINC answer code, display and text agree (answer_concept.py). The text
  may carry its score, "3 - Nearly every day", "Nearly every day (3)" (review s28 K13 charts
  f07, f07b), read as the EPDS's is (epds_item10.split_score): as its words when the number is
  the score those words have, unread when it is not ("1 - Nearly every day"). A
  valueInteger 0-3 is read as the answer (item9_number.py, s43 K74a 3); another number or
  other words are not read: the form is not known, so only an answer that names its scale
  says what it scores. A clear no, a denial or no answer (a "No", false, "Denies", "None", a
  0, "Not asked": what the forms safety net reads as the lowest answer or none,
  form_self_harm_answers.says_nothing) is no answer of that list, but no "could not be read"
  either: nothing, as an item asked and not answered (review s29 RQ3 probes q_harm_no,
  q_harm_false, q_harm_denies). Two answers count the higher; a 0 beside an answer not read
  stays unread (item9_unread.kept_unread's rule: a 0 settles nothing beside a possible "yes").

The result is the Score a known form's item 9 gives (instrument "PHQ-9", `item9` 0-3, source the
response; on a PHQ-A, phqa_form.py, `form` "PHQ-A", the name the cards give it), with no total
and marked `item9_only` (a safety reading: no card asks to score it as a
PHQ-9, services/phq9_no_total.py): the other items of a form not known are not scored (a total the
service cannot vouch for); the form's PHQ-9 "not known" line, when its title names PHQ-9, stays
(phq9_lookalike.py: its total is still not read). An answer that cannot be read is
`item9_unread` with questionnaires.py's "PHQ-9 item 9 answer could not be read" gap. Statuses and
dates are questionnaires.py's: entered-in-error is nothing, a form not finished still counts for
item 9, an undated one is left aside and one dated after as-of is its "dated after today" gap
(read apart for the suicide-risk signal by questionnaires.read_after_today).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping import epds_item10
from fhir_mapping.answer_concept import concept_answer
from fhir_mapping.codes import answer_words, phq9_answer_texts
from fhir_mapping.fhir_fields import array, parse_date, parse_instant, string
from fhir_mapping.form_answers import WORDED_ITEMS, coding_concept, highest_settled
from fhir_mapping.gaps import future_gap
from fhir_mapping.item9_floor import PHQ9
from fhir_mapping.item9_number import item9_integer
from fhir_mapping.phqa_form import PHQA, is_phqa
from fhir_mapping.questionnaire_codes import QR
from fhir_mapping.questionnaire_items import _MAX_DEPTH, _walk
from fhir_mapping.record import DataDomain, DataGap, Score, SourceRef
from fhir_mapping.result_statuses import RESPONSE, Reads, statuses, unfinished
from fhir_mapping.screen_wording import QUESTION, SELF_HARM, form_named, named_in
from fhir_mapping.suicide_screen_answers import says_yes

__all__ = ["UNREAD_ITEM9", "list_answer", "read_worded_item9", "wants_worded_item9", "worded_form"]

Resource = Mapping[str, Any]
Item = Mapping[str, Any]

# questionnaires.py's reason for a known form's item 9 not read: the same answer, the same line.
UNREAD_ITEM9 = "PHQ-9 item 9 answer could not be read"

_FULL = statuses(RESPONSE, Reads.ALL)

# A plain yes to item 9 says the patient answered yes, not how often: the least positive answer
# of the PHQ-9's list (services/data/phq9_item9_answers.csv, 1 'Several days'; module docstring).
_YES = 1

# How many opening words of an item's display are its wording (a project rule; how many worded
# items make the form: form_answers.WORDED_ITEMS).
_OPENING_WORDS = 3


@cache
def _openings() -> tuple[str, ...]:
    """The opening words of PHQ-9 items 1-8 (data/phq9_items.csv displays), plain."""
    text = resources.files("fhir_mapping").joinpath("data/phq9_items.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(
        " ".join(epds_item10.plain(row["display"]).split()[:_OPENING_WORDS])
        for row in rows
        if row["item"].isdigit() and int(row["item"]) != 9
    )


def worded_form(resource: Resource) -> bool:
    """Whether at least WORDED_ITEMS different items 1-8 of a response are worded as the PHQ-9's
    (module docstring)."""
    return _worded_items(resource.get("item"))


def _worded_items(items: object) -> bool:
    """Whether at least WORDED_ITEMS different items 1-8 of an item tree are worded as the
    PHQ-9's (module docstring)."""
    texts = [
        " ".join(w for w in epds_item10.plain(t).split() if not w.isdigit())
        for item in _walk(items)
        if isinstance(t := item.get("text"), str)
    ]
    found = {o for o in _openings() if any(text.startswith(o) for text in texts)}
    return len(found) >= WORDED_ITEMS


def _scoped(items: object, scope: object, depth: int = 0) -> Iterator[tuple[Item, object]]:
    """Every item of an item tree (questionnaire_items._walk's order) with the item list of the
    group that holds it (module docstring: where a short label's wording is judged)."""
    if depth > _MAX_DEPTH:
        return
    for item in array(items):
        if not isinstance(item, Mapping):
            continue
        yield item, scope
        yield from _scoped(item.get("item"), item.get("item"), depth + 1)
        for answer in array(item.get("answer")):
            if isinstance(answer, Mapping):
                yield from _scoped(answer.get("item"), scope, depth + 1)


def _item9s(resource: Resource) -> Iterator[Item]:
    """The items of a response that are PHQ-9 item 9 (module docstring)."""
    # The net reads these answers; it imports this module (no cycle at import).
    from fhir_mapping.form_self_harm_answers import asks_of_others

    worded: dict[int, bool] = {}  # per group, found once, when an item could be a short label
    items = resource.get("item")
    for item, scope in _scoped(items, items):
        text = item.get("text")
        if not isinstance(text, str):
            continue
        term = named_in([text])
        if term is not None and term.kind == SELF_HARM and term.instrument == PHQ9:
            # Not of others too; a yes on a group not worded as the PHQ-9 is the net's.
            mine = term.match != QUESTION or not asks_of_others(text)
            if mine and (not _net_yes(item) or _worded_in(scope, worded)):
                yield item
        elif term is None and form_named([text], PHQ9) is not None and _worded_in(scope, worded):
            yield item


def _worded_in(scope: object, worded: dict[int, bool]) -> bool:
    """Whether the group `scope` is worded as the PHQ-9 (found once per group, in `worded`)."""
    if id(scope) not in worded:
        worded[id(scope)] = _worded_items(scope)
    return worded[id(scope)]


def _net_yes(item: Item) -> bool:
    """Whether an item's answers are none of the PHQ-9's list and one is a yes the forms safety
    net reads ("Thoughts of hurting yourself" = "Yes", true): on a form not worded as the PHQ-9
    it is no PHQ-9 item 9 answer, "could not be read" was false; the net reads it as a yes of
    its own question (form_self_harm.py; session 30 fix forms31)."""
    from fhir_mapping.form_self_harm_answers import read  # no cycle at import

    answers = [a for a in array(item.get("answer")) if isinstance(a, Mapping)]
    if any(_one_answer(a) is not None for a in answers):
        return False
    return any((read(a).value or 0) > 0 for a in answers)


def wants_worded_item9(resource: Resource) -> bool:
    """Cheap filter (questionnaires.wants_questionnaire_response): a response with an item
    worded as PHQ-9 item 9."""
    return resource.get("resourceType") == QR and next(_item9s(resource), None) is not None


def _one_answer(answer: Mapping[str, Any]) -> int | None:
    """One answer of item 9 on a form worded as the PHQ-9: an answer of its list, or a whole
    number on its 0-3 scale (item9_number.py, s43 K74a 3), else None."""
    listed = list_answer(answer)
    return listed if listed is not None else item9_integer(answer)


def list_answer(answer: Mapping[str, Any]) -> int | None:
    """One answer of the PHQ-9's list (module docstring), else None. No bare number: the forms
    safety net reads its answers with this (form_self_harm_answers.py), and there a question
    not worded as PHQ-9 item 9 ("Suicidal thoughts" = 1 on a GAD-7-like form, s29 net f04) is
    on a list not known, where 1 may be the lowest answer: it keeps the unread warning."""
    text = answer.get("valueString")
    if isinstance(text, str):
        return _worded(text)
    coding = answer.get("valueCoding")
    if (
        isinstance(coding, Mapping)
        and not coding.get("code")
        and isinstance(coding.get("display"), str)
    ):
        return _worded(coding["display"])  # a display alone is a text (module docstring)
    if isinstance(coding, Mapping):
        return concept_answer(coding_concept(coding))  # form_answers.py
    return None  # a number, a boolean, a date: not of the list (`_one_answer` reads a 0-3)


def _worded(text: str) -> int | None:
    """An answer text of the PHQ-9's list, with a score beside it that agrees (module
    docstring), else None."""
    number, words = epds_item10.split_score(text)
    value = phq9_answer_texts().get(answer_words(words))
    return None if value is None or (number is not None and number != value) else value


def _answered(answers: list[Mapping[str, Any]]) -> int | None:
    """The item's answer from all its answers (form_answers.highest_settled), else None; a plain
    yes is 1 (module docstring: only a form worded as the PHQ-9 leaves one here)."""
    return highest_settled(_listed_or_yes(a) for a in answers)


def _listed_or_yes(answer: Mapping[str, Any]) -> int | None:
    """One answer of the PHQ-9's list, or a plain yes read as `_YES`, else None."""
    value = _one_answer(answer)
    return _YES if value is None and says_yes(answer) else value


def _asked_yes(items: list[Item]) -> tuple[str, str] | None:
    """The words of the first plain yes among the items' answers and its question, as the card
    quotes them (module docstring)."""
    from fhir_mapping.form_self_harm import question  # no cycle at import
    from fhir_mapping.form_self_harm_answers import _word

    for item in items:
        for answer in array(item.get("answer")):
            if isinstance(answer, Mapping) and _one_answer(answer) is None and says_yes(answer):
                return _word(answer), question(str(item.get("text")))
    return None


def read_worded_item9(resource: Resource, as_of: date) -> tuple[Score | None, list[DataGap]]:
    """PHQ-9 item 9 of a response questionnaires.py does not read as a PHQ-9 (module docstring):
    (the Score, or None when the item is not answered or the response is no result; its gaps)."""
    from fhir_mapping.form_self_harm_answers import says_nothing  # no cycle at import

    status = string(resource.get("status")) or "unknown"
    if status not in _FULL and not unfinished(RESPONSE, status):
        return None, []  # entered-in-error: not a result
    items = list(_item9s(resource))
    answers = [a for item in items for a in array(item.get("answer")) if isinstance(a, Mapping)]
    if not answers:
        return None, []  # asked and not answered (or not asked): not recorded
    if all(says_nothing(a) and _one_answer(a) is None for a in answers):
        # A plain "No", false, "Denies" (module docstring): the lowest, and no answer of the
        # PHQ-9's list, so no score; nothing to check (review s29 RQ3 probes q_harm_*).
        return None, []
    day = parse_date(resource.get("authored"))
    if day is None:
        return None, []
    if day > as_of:  # a typo to correct: named, and read apart for the signal (module docstring)
        return None, future_gap(resource, day, DataDomain.SCORES)
    rid = string(resource.get("id"))
    source = SourceRef(QR, rid) if rid else None
    item9 = _answered(answers)
    unread = SourceRef(QR, rid or "") if item9 is None else None
    listed = any((_one_answer(a) or 0) > 0 for a in answers)
    asked = _asked_yes(items) if item9 == _YES and not listed else None
    score = Score(
        PHQ9,
        None,
        day,
        item9,
        source,
        item9_unread=unread,
        instant=parse_instant(resource.get("authored")),
        item9_only=True,
        form=PHQA if is_phqa(resource) else None,  # named as its own form on the cards
        asked=asked,
    )
    gaps = [DataGap(DataDomain.SCORES, UNREAD_ITEM9, source)] if unread is not None else []
    return score, gaps
