"""What one scale Observation or its components say: an integer score within the instrument's
range from value[x] (valueInteger, valueQuantity, a digit string, a LOINC answer code or a
concept with no coding whose text is digits: `_value`), a PHQ-9 panel's total and item 9 from its components (`_panel_values`) and the items it
leaves unanswered (`_unanswered`), an item-9 answer filed as a component of a total
(`_component_item9`), and an AUDIT-C panel's total (`_auditc_panel`, score_alcohol.py).

Apart from scores.py (the walk over a chart's Observations, their status and date, the gaps)
because these read one element at a time and are shared by totals, panels and components;
scores.py re-exports `_value`, which the tests of the issue-14 shortcut pin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.answer_concept import concept_answer
from fhir_mapping.codes import answer_words, phq9_answer_max, phq9_answer_texts
from fhir_mapping.fhir_fields import JSON_OBJECT, NUMBER_TYPES, codings, number, one_or_many
from fhir_mapping.item9_floor import _phq9_max
from fhir_mapping.questionnaire_codes import phq9_items
from fhir_mapping.score_alcohol import PanelTotal, item_of, item_points, panel_total
from fhir_mapping.score_scales import _row
from fhir_mapping.score_totals import _merge_item9
from fhir_mapping.score_units import refused_unit
from fhir_mapping.total_band import banded_total

Resource = Mapping[str, Any]


def _value(element: Mapping[str, Any], max_score: int | None) -> int | None:
    """An integer score within 0..max_score from value[x], or None."""
    raw: float | None = None
    # Nearly every score is a JSON int (`type` is int: never a bool), read as it is, without
    # the conversion and check below (issue 14).
    if "valueInteger" in element:
        found = element.get("valueInteger")
        if type(found) is int:
            return None if found < 0 or (max_score is not None and found > max_score) else found
        raw = number(found)
    elif (quantity := element.get("valueQuantity")) is not None and isinstance(
        quantity, JSON_OBJECT
    ):  # dict: C speed; None (a valueString, a form's answer) before the Mapping ABC check
        if refused_unit(quantity) is not None:
            return None  # 4 % is no score (score_units.py; scores.py names the gap)
        # `number`, written out: every valueQuantity score comes through here (issue 14).
        found = quantity.get("value")
        if type(found) is int:
            return None if found < 0 or (max_score is not None and found > max_score) else found
        if isinstance(found, NUMBER_TYPES) and not isinstance(found, bool):
            raw = found  # an int as it is: int(raw) below takes either (no float() call)
    elif isinstance(text := element.get("valueString"), str):
        if text.strip().isdigit():
            raw = float(text.strip())
        elif max_score is not None and max_score == _phq9_max():
            # A total with its band, "4 - minimal" (total_band.py, s43 K74a finding 5).
            banded = banded_total(text)
            raw = None if banded is None else float(banded)
        elif max_score == phq9_answer_max():
            # An item answered with its answer-list text (Epic flowsheet rows: review 17 M5):
            # exact display only (codes.phq9_answer_texts). Never for a total: "Several days"
            # says nothing of a score out of 27.
            found_text = phq9_answer_texts().get(answer_words(text))
            raw = None if found_text is None else float(found_text)
    elif "valueCodeableConcept" in element:
        # Its LOINC answer codes, unread when a display or the text names another answer
        # (answer_concept.py: review s22 RR2 finding 4). On an item's scale the concept's text
        # is read as a valueString is (above: exact answer-list words only): an Oracle row
        # answered {nomenclature code, text "More than half the days"} under LOINC 44260-8 says
        # its answer as plainly as the flowsheet's valueString does (review s23 RO finding 1:
        # left unread, the hold it should have raised fell away). Never for a total.
        concept = element.get("valueCodeableConcept")
        found_answer = concept_answer(concept, words=max_score == phq9_answer_max())
        raw = float(found_answer) if found_answer is not None else _concept_digits(concept)
    if raw is None:
        return None
    value = int(raw)
    if value != raw:
        return None
    if value < 0 or (max_score is not None and value > max_score):
        return None
    return value


def _concept_digits(concept: object) -> float | None:
    """The score a valueCodeableConcept with no coding gives as its text, a string of digits
    ({"text": "21"}), read as a valueString of digits is; else None.

    Review s23 RO finding 5: an Oracle Health total sent so was a result not read while the
    cards went on with the total before it ("last PHQ-9 16"). Only a concept with no coded
    coding: a code of another (local) answer list beside a number is not read (sites number
    their lists differently, some from 1: answer_concept.py), nor a number beside a LOINC
    answer code (that code is the reading, concept_answer)."""
    if not isinstance(concept, JSON_OBJECT) or codings(concept):
        return None
    text = concept.get("text")
    if not isinstance(text, str) or not text.strip().isdigit():
        return None
    return float(text.strip())


def _panel_values(panel: Resource) -> tuple[int | None, int | None, bool]:
    """(total, item 9, an item-9 answer unreadable) of a PHQ-9 panel: from its components, else
    the panel's own value as the total (some EHRs file the total on the panel)."""
    value = item9 = None
    unread = False
    for component in one_or_many(panel.get("component")):
        if not isinstance(component, JSON_OBJECT):
            continue
        part = _row(component.get("code"))
        if part is None:
            continue
        if part.concept == "phq9-total" and value is None:
            value = _value(component, part.max_score)
        elif part.concept == "phq9-item9":
            answer = _value(component, part.max_score)
            unread = unread or answer is None
            item9 = _merge_item9(item9, answer)
    if value is None:
        value = _value(panel, _phq9_max())
    return value, item9, unread


def _unanswered(panel: Resource) -> str:
    """The PHQ-9 items a panel leaves unanswered when it answers some ("items 7-9", "item 9"), or "" when
    it answers none (a panel whose members are separate Observations) or all."""
    items = phq9_items()
    answered: set[int] = set()
    for component in one_or_many(panel.get("component")):
        if not isinstance(component, JSON_OBJECT) or _value(component, 3) is None:
            continue
        for _system, code, _display in codings(component.get("code")):
            item = items.get(code)
            if item is not None and item.number is not None:
                answered.add(item.number)
    missing = [n for n in range(1, 10) if n not in answered]
    if not answered or not missing:
        return ""
    if missing == list(range(missing[0], missing[-1] + 1)) and len(missing) > 1:
        return f"items {missing[0]}-{missing[-1]}"
    return ("item " if len(missing) == 1 else "items ") + ", ".join(str(n) for n in missing)


def _auditc_panel(panel: Resource, max_score: int | None) -> PanelTotal:
    """What an AUDIT-C panel Observation (72109-2) says: its total component, its own value or
    the sum of its item components (score_alcohol.py). Two answers to one item: the higher counts
    (the safer reading, as for PHQ-9 item 9)."""
    recorded: int | None = None
    total_unreadable = False
    items: dict[str, int | None] = {}
    for component in one_or_many(panel.get("component")):
        if not isinstance(component, JSON_OBJECT):
            continue
        part = _row(component.get("code"))
        if part is not None and part.concept == "auditc-total":
            found = _value(component, part.max_score)
            if found is None:
                total_unreadable = True
            elif recorded is None:
                recorded = found
            continue
        item = item_of(component)
        if item is not None:
            points = item_points(item, component)
            earlier = items.get(item)
            items[item] = points if earlier is None else max(earlier, points or 0)
    own = _value(panel, max_score) if _has_value(panel) else None
    # A value of its own that is no score (out of range, not a number) is a total not read, as
    # an unreadable total component is: a gap, never silence (read of the diff).
    unreadable = total_unreadable or (own is None and _has_value(panel))
    return panel_total(recorded, unreadable, own, items)


def _has_value(resource: Resource) -> bool:
    """Whether an Observation carries a value[x] of its own."""
    return any(key.startswith("value") for key in resource)


def _component_item9(components: Any) -> tuple[int | None, bool]:
    """The item-9 answer filed as a component of a total (the higher of two), and whether an
    item-9 component is there but could not be read."""
    item9 = None
    unread = False
    for component in one_or_many(components):
        if not isinstance(component, JSON_OBJECT):
            continue
        part = _row(component.get("code"))
        if part is not None and part.concept == "phq9-item9":
            answer = _value(component, part.max_score)
            unread = unread or answer is None
            item9 = _merge_item9(item9, answer)
    return item9, unread


def _has_components(resource: Resource) -> bool:
    return any(isinstance(c, JSON_OBJECT) for c in one_or_many(resource.get("component")))
