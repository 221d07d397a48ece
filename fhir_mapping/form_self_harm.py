"""A self-harm question answered on a form no reader reads as a validated scale: the safety net
(recheck K14 s28 finding 4).

A GAD-7 form carrying "Suicidal thoughts" = "Nearly every day" (K14 q03) or "Thoughts of harming
self" = "Yes, quite often" (q12), and a PHQ-A whose supplementary questions "serious thoughts
about ending your life" and "ever tried to kill yourself" are answered "Yes" (q04), raised
nothing: the PHQ-9 reader takes a short label only on a form worded as the PHQ-9
(phq9_form_item9.py), the EPDS reader only on an EPDS form (epds_forms.py), and no reader reads
the PHQ-A's own questions. Right: none of them is that scale's item and no score can be given.
Wrong: a patient said so, and nobody is asked to look.

So an item of a QuestionnaireResponse whose text holds the words of a self-harm question
(data/screen_item_terms.csv `kind` self-harm, any instrument and any `match`, anywhere in the
text, not negated, not a note) that no reader takes (not PHQ-9 item 9 of phq9_form_item9.py,
not EPDS item 10 of epds_forms.py, not on a form questionnaires.py reads as a PHQ-9, not on a
C-SSRS form suicide_screen.py reads), answered with anything but its lowest answer, is an
unread self-harm answer of INSTRUMENT: the suicide-risk card's warning asks to check it and
assess suicide risk. The lowest answer is what the service can read as one: 0 or false, the
PHQ-9's "Not at all", the EPDS's "Never", a no or no-risk word
(suicide_screen_answers.says_no_risk). An answer not read ("Sometimes", free text) is named too:
a look at a form costs less than a missed answer. Asked and not answered: nothing.

An answer in the PHQ-9's own answer words ("Nearly every day", LOINC LL358-3, read as
phq9_form_item9.py reads item 9's: the words, a score beside them that agrees, a LOINC answer
code) is read, 1-3, as `item9` of the INSTRUMENT score with the question's text (`Score.asked`):
the card quotes the question and its answer, and takes the answer as PHQ-9 item 9's (its level
and its rules: a later item 9 = 0 closes nothing; services/risk_events.py). Before, a GAD-7
group's "Suicidal thoughts" = "Nearly every day" beside a PHQ-9 group was read as "PHQ-9 item
9 = 3" (critical; recheck K14 s28 chart q14), and on a GAD-7 form alone it was this unread
warning (q03): one question, one answer, two cards. Now both are the critical card that names
the question asked. Several answers count as phq9_form_item9.py counts them (the highest; a 0
beside an answer not read settles nothing: the unread warning). Only the PHQ-9's list is read:
another list's words on a form of no scale ("Yes, quite often") stay the unread warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from fhir_mapping import epds_item10
from fhir_mapping.epds_forms import _item10s
from fhir_mapping.fhir_fields import array, parse_date, string
from fhir_mapping.form_answers import highest_settled
from fhir_mapping.phq9_form_item9 import _item9s, _one_answer
from fhir_mapping.questionnaire_codes import QR
from fhir_mapping.questionnaire_items import _walk
from fhir_mapping.record import DataDomain, DataGap, Score, SourceRef
from fhir_mapping.result_statuses import RESPONSE, Reads, statuses, unfinished
from fhir_mapping.screen_wording import self_harm_words
from fhir_mapping.suicide_screen_answers import says_no_risk

__all__ = ["INSTRUMENT", "UNREAD_UNSCALED", "read_responses", "wants_response"]

Resource = Mapping[str, Any]

# The name the card gives such an answer (services/data/self_harm_items.csv holds its positive
# answers): no scale's, since none read it.
INSTRUMENT = "Self-harm question"

UNREAD_UNSCALED = (
    "a self-harm question answered above its lowest answer on a form not read as a validated "
    "scale; its answer is not read as a score"
)

_FULL = statuses(RESPONSE, Reads.ALL)


def _unread_items(resource: Resource) -> Iterator[Mapping[str, Any]]:
    """The self-harm-worded items of a response that no reader takes (module docstring)."""
    taken = {id(item) for item in (*_item9s(resource), *_item10s(resource))}
    for item in _walk(resource.get("item")):
        text = item.get("text")
        if id(item) not in taken and isinstance(text, str) and self_harm_words(text):
            yield item


def wants_response(resource: Resource) -> bool:
    """Cheap filter (resource_routing.py): a response with a self-harm-worded item no reader
    takes."""
    return resource.get("resourceType") == QR and next(_unread_items(resource), None) is not None


def _lowest(answer: Mapping[str, Any]) -> bool:
    """Whether one answer is the lowest a self-harm question has (module docstring)."""
    if answer.get("valueInteger") == 0 or answer.get("valueBoolean") is False:
        return True
    if _one_answer(answer) == 0:  # the PHQ-9's "Not at all" (phq9_form_item9.py)
        return True
    text = answer.get("valueString")
    if isinstance(text, str) and epds_item10.answer({"valueString": text}) == 0:
        return True
    return says_no_risk(answer)


def read_responses(
    responses: Iterable[Resource], *, as_of: date
) -> tuple[list[Score], list[DataGap]]:
    """The unread self-harm answers of responses no reader reads as a scale (module docstring);
    the caller leaves out the forms questionnaires.py reads as a PHQ-9 and the C-SSRS forms."""
    scores: list[Score] = []
    gaps: list[DataGap] = []
    for resource in responses:
        status = string(resource.get("status")) or "unknown"
        if status not in _FULL and not unfinished(RESPONSE, status):
            continue  # entered-in-error: not a result
        day = parse_date(resource.get("authored"))
        if day is None or day > as_of:
            continue
        answers = [
            (a, str(item.get("text")))
            for item in _unread_items(resource)
            for a in array(item.get("answer"))
            if isinstance(a, Mapping)
        ]
        if not answers or all(_lowest(a) for a, _ in answers):
            continue
        ref = SourceRef(QR, string(resource.get("id")) or "")
        source = ref if ref.id else None
        value, asked = _worded_answer(answers)
        if value is not None:
            scores.append(Score(INSTRUMENT, None, day, value, source, asked=asked))
            continue  # read: the card quotes it, nothing is left unread
        scores.append(Score(INSTRUMENT, None, day, source=source, item9_unread=ref))
        gaps.append(DataGap(DataDomain.SCORES, UNREAD_UNSCALED, source, date=day))
    return scores, gaps


def _worded_answer(answers: list[tuple[Mapping[str, Any], str]]) -> tuple[int | None, str]:
    """The highest answer in the PHQ-9's words and its question's text (module docstring);
    (None, "") when it is 0, none is so worded, or a 0 sits beside an answer not read."""
    values = [_one_answer(a) for a, _ in answers]
    best = highest_settled(values)
    if not best:
        return None, ""
    return best, " ".join(answers[values.index(best)][1].split())
