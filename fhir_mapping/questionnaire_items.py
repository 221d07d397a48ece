"""Which PHQ-9 item a QuestionnaireResponse item is, and whether a response is a PHQ-9.

Which item an answer belongs to (its LOINC item code, data/phq9_items.csv), first match wins:

1. `item.code` with a LOINC coding (not an R4 element, but form tools copy the Questionnaire's
   item codes into the response; read, since the code says exactly what the item is);
2. the site's own map (`site_items`: (questionnaire canonical, linkId) -> LOINC), for local forms;
3. the known Questionnaires (data/questionnaire_items.csv): US Core's and SDC's PHQ-9 by canonical,
   and the LHC-Forms convention linkId = "/<LOINC>" for any questionnaire (also as the last
   segment of a nested path "/44249-1/44260-8");
4. a Questionnaire contained in the response (`questionnaire: "#id"`): its `item.code`.

Canonicals are compared without their `|version` suffix. Items nest (`item.item`, and
`answer.item`), so the whole tree is walked.

Apart from questionnaires.py: which item an answer belongs to is decided by the response's
Questionnaire (contained, known or site-mapped: `_Form`), not by its status, date or total.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from fhir_mapping.fhir_fields import array, string
from fhir_mapping.questionnaire_codes import (
    _ANY_QUESTIONNAIRE,
    _is_loinc,
    _known_canonicals,
    _weight,
    canonical,
    known_items,
    phq9_items,
)

Resource = Mapping[str, Any]
SiteItems = Mapping[tuple[str, str], str]  # (questionnaire canonical, linkId) -> LOINC item code


_MAX_DEPTH = 32  # item nesting deeper than this is not a form a person filled in


def _site_lookup(site_items: SiteItems | None) -> dict[tuple[str, str], str]:
    if not site_items:
        return {}
    found: dict[tuple[str, str], str] = {}
    for (questionnaire, link_id), loinc in site_items.items():
        key = canonical(questionnaire)
        if key is not None and isinstance(link_id, str) and isinstance(loinc, str):
            found[(key, link_id)] = loinc.strip()
    return found


def _walk(items: object, depth: int = 0) -> Iterator[Mapping[str, Any]]:
    """Every item of an item tree: `item.item` and `item.answer.item` included."""
    if depth > _MAX_DEPTH:
        return
    for item in array(items):
        if not isinstance(item, Mapping):
            continue
        yield item
        yield from _walk(item.get("item"), depth + 1)
        for answer in array(item.get("answer")):
            if isinstance(answer, Mapping):
                yield from _walk(answer.get("item"), depth + 1)


@dataclass(slots=True)
class _Form:
    """What a response's Questionnaire tells about it (contained, known or site-mapped)."""

    canonical: str | None
    contained_items: dict[str, str] = field(default_factory=dict)  # linkId -> LOINC
    contained_weights: dict[tuple[str, str], float] = field(default_factory=dict)  # (linkId, code)
    recognised: bool = False  # the questionnaire itself is a PHQ-9 we know


def _contained_questionnaire(resource: Resource, reference: str | None) -> Resource | None:
    if reference is None or not reference.startswith("#"):
        return None
    for entry in array(resource.get("contained")):
        if (
            isinstance(entry, Mapping)
            and entry.get("resourceType") == "Questionnaire"
            and entry.get("id") == reference[1:]
        ):
            return entry
    return None


def _form(resource: Resource, site: Mapping[tuple[str, str], str]) -> _Form:
    reference = canonical(resource.get("questionnaire"))
    contained = _contained_questionnaire(resource, reference)
    form = _Form(canonical=reference)
    if contained is not None:
        form.canonical = canonical(contained.get("url")) or reference
        for item in _walk(contained.get("item")):
            link_id = item.get("linkId")
            if not isinstance(link_id, str):
                continue
            for coding in array(item.get("code")):
                if (
                    isinstance(coding, Mapping)
                    and _is_loinc(coding.get("system"))
                    and string(coding.get("code")) in phq9_items()
                ):
                    form.contained_items[link_id] = coding["code"]
            for option in array(item.get("answerOption")):
                coding = option.get("valueCoding") if isinstance(option, Mapping) else None
                weight = _weight(option)
                if weight is None:
                    weight = _weight(coding)
                if (
                    isinstance(coding, Mapping)
                    and isinstance(coding.get("code"), str)
                    and weight is not None
                ):
                    form.contained_weights[(link_id, coding["code"])] = weight
    site_forms = {q for q, _ in site}
    form.recognised = form.canonical is not None and (
        form.canonical in _known_canonicals() or form.canonical in site_forms
    )
    return form


def _item_code(
    item: Mapping[str, Any], form: _Form, site: Mapping[tuple[str, str], str]
) -> str | None:
    """The PHQ-9 LOINC item code of a response item (module docstring, "Which item")."""
    items = phq9_items()
    for coding in array(item.get("code")):
        if isinstance(coding, Mapping) and _is_loinc(coding.get("system")):
            code = coding.get("code")
            if isinstance(code, str) and code in items:
                return code
    link_id = item.get("linkId")
    if not isinstance(link_id, str) or not link_id:
        return None
    candidates: list[str | None] = []
    if form.canonical is not None:
        candidates.append(site.get((form.canonical, link_id)))
        candidates.append(known_items().get((form.canonical, link_id)))
    candidates.append(form.contained_items.get(link_id))
    candidates.append(known_items().get((_ANY_QUESTIONNAIRE, link_id)))
    last = link_id.rstrip("/").rsplit("/", 1)[-1]
    candidates.append(known_items().get((_ANY_QUESTIONNAIRE, f"/{last}")))
    for code in candidates:
        if code is not None and code in items:
            return code
    return None


def _is_phq9(form: _Form, answers_tree: object, site: Mapping[tuple[str, str], str]) -> bool:
    if form.recognised or form.contained_items:
        return True
    return any(_item_code(item, form, site) is not None for item in _walk(answers_tree))
