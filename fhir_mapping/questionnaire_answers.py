"""The score of each answer to a PHQ-9 item or the total in a QuestionnaireResponse.

The score of an answer, first match wins: `valueInteger` / `valueDecimal` (whole numbers only);
for a `valueCoding`, a LOINC answer code (LA6568-5 = 0 ... LA6571-9 = 3, data/
phq9_answer_codes.csv), the item-weight extensions on the coding or the answer (`ordinalValue`,
its R5 name `itemWeight`, the older `iso21090-CO-value`), codes with or without a system from
data/questionnaire_answers.csv (SDC's system-less "Not-at-all" ...), the contained
Questionnaire's answerOption weights, and last the answer's display text ("Several days"); a
`valueString` of digits or of an answer's text. The total (44261-6) is read from `valueInteger`,
`valueDecimal`, `valueQuantity` ({score}) or a `valueString` of digits. Out-of-range values
(item > 3, total > 27) are unreadable, never clipped.

Two answers to one item count the higher (the safer reading for item 9); an answer that cannot be
read is recorded as such (`_Answers.unreadable`), so questionnaires.py can report it. Apart from
the item reader (questionnaire_items.py): what an answer is worth does not depend on how its item
was recognised.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fhir_mapping.answer_concept import concept_answer
from fhir_mapping.code_systems import LOINC, canonical_system
from fhir_mapping.codes import phq9_answer_codes_without_system
from fhir_mapping.fhir_fields import array, number
from fhir_mapping.questionnaire_codes import (
    _answer_codes,
    _answer_texts,
    _is_loinc,
    _Item,
    _weight,
    _words,
    phq9_items,
)
from fhir_mapping.questionnaire_items import _Form, _item_code, _walk

Resource = Mapping[str, Any]


def _whole(value: float | None, max_score: int) -> int | None:
    if value is None or value != int(value) or not 0 <= value <= max_score:
        return None
    return int(value)


def _coding_score(
    coding: Mapping[str, Any], answer: Mapping[str, Any], link_id: object, form: _Form
) -> float | None:
    system = coding.get("system")
    code = coding.get("code")
    codes = _answer_codes()
    if isinstance(code, str) and (
        (_is_loinc(system) and (LOINC, code) in codes)
        or (not system and code in phq9_answer_codes_without_system())
    ):
        # A LOINC answer code (its system left out too, SDC) reads only when its display agrees
        # (answer_concept.py, the rule for Observation answers): review s23 RR2 finding 1,
        # LA6568-5 with the display "Nearly every day" read 0. A disagreement is unread, so the
        # suicide-risk card asks for a look in the chart.
        display = coding.get("display")
        return concept_answer(
            {"coding": [{"system": LOINC, "code": code, "display": display}]}
            if isinstance(display, str)
            else {"coding": [{"system": LOINC, "code": code}]},
            words=False,
        )
    weight = _weight(coding)
    if weight is None:
        weight = _weight(answer)
    if weight is not None:
        return weight
    if isinstance(code, str) and code:
        key = (canonical_system(system) if isinstance(system, str) else "", code)
        if key in codes:
            return codes[key]
        if isinstance(link_id, str) and (link_id, code) in form.contained_weights:
            return form.contained_weights[(link_id, code)]
    display = coding.get("display")
    if isinstance(display, str):
        return _answer_texts().get(_words(display))
    return None


def _answer_score(
    answer: Mapping[str, Any], item: _Item, link_id: object, form: _Form
) -> int | None:
    """The score of one answer to a PHQ-9 item or the total, within its range; else None."""
    for key in ("valueInteger", "valueDecimal"):
        if key in answer:
            return _whole(number(answer.get(key)), item.max_score)
    quantity = answer.get("valueQuantity")
    if isinstance(quantity, Mapping):
        return _whole(number(quantity.get("value")), item.max_score)
    text = answer.get("valueString")
    if isinstance(text, str):
        if text.strip().isdecimal() and len(text.strip()) <= 3:
            return _whole(float(text.strip()), item.max_score)
        if item.number is not None:
            return _whole(_answer_texts().get(_words(text)), item.max_score)
        return None
    coding = answer.get("valueCoding")
    if isinstance(coding, Mapping) and item.number is not None:
        return _whole(_coding_score(coding, answer, link_id, form), item.max_score)
    return None


@dataclass(slots=True)
class _Answers:
    scores: dict[str, int] = field(default_factory=dict)  # LOINC -> score (items and the total)
    unreadable: set[str] = field(default_factory=set)  # LOINC codes answered but not readable
    # LOINC codes with an unreadable answer beside a readable one (the readable one counts).
    partly_unreadable: set[str] = field(default_factory=set)
    any_phq9_item: bool = False


def _answers(resource: Resource, form: _Form, site: Mapping[tuple[str, str], str]) -> _Answers:
    found = _Answers()
    items = phq9_items()
    for item in _walk(resource.get("item")):
        code = _item_code(item, form, site)
        if code is None:
            continue
        found.any_phq9_item = True
        answers = [a for a in array(item.get("answer")) if isinstance(a, Mapping)]
        if not answers:
            continue  # asked, not answered
        read = [_answer_score(a, items[code], item.get("linkId"), form) for a in answers]
        values = [v for v in read if v is not None]
        if not values:
            found.unreadable.add(code)
            continue
        if len(values) < len(read):
            found.partly_unreadable.add(code)
        # Two answers to one item (a repeated item, a copy in a nested group): the higher one
        # counts, the safer reading for item 9.
        best = max(values)
        found.scores[code] = max(found.scores.get(code, best), best)
    return found
