"""A site's own codes, mapped to the standard codes the rules read (the `[codes]` configuration).

EHRs file much of what this service reads under local codes: Epic flowsheet rows carry the PHQ-9
total and item 9 as `urn:oid:1.2.840.114350...|3049` with no LOINC coding at all
(../shared/fhir/vendor/README.md, trap 8), and drugs may come with only a local formulary code
(trap 2). Without a map such data is invisible, so the PHQ-9 that should raise a suicide-risk card
is "not on record". An integration engineer lists the site's codes in `[codes]` (README,
"Configuration"); the mapping reads them through `MappingPolicy.site_codes`.

How it is applied (`SiteCodes.with_standard_codes`): a resource whose CodeableConcepts carry a
mapped local code is seen by the readers with the standard coding added beside the local one (the
local coding stays, so nothing is lost). The caller's dicts are never changed: the resource is
copied only along the path that changes, and returned as it is when nothing maps. Systems are
compared through `code_systems.canonical_system`, so a local code configured under one spelling
matches the EHR's other spellings of the same known system.

`questionnaire_items` maps a site's own Questionnaire items, (questionnaire canonical URL, linkId),
to the LOINC code of the PHQ-9 item they ask, for the QuestionnaireResponse reader.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from fhir_mapping.code_systems import canonical_system

Resource = Mapping[str, Any]
Key = tuple[str, str]  # (canonical system, code)

# Where the readers look for codes: CodeableConcepts directly on a resource, and inside its
# Observation components and Medication ingredients. Contained resources (Oracle Health's
# contained Medication) are visited too.
_CONCEPT_KEYS = ("code", "medicationCodeableConcept", "type", "valueCodeableConcept")
_NESTED = (
    ("component", ("code", "valueCodeableConcept")),
    ("ingredient", ("itemCodeableConcept",)),
)


@dataclass(frozen=True, slots=True)
class LocalCode:
    """One local code and the standard code it stands for."""

    system: str  # as configured (the EHR's own spelling; used in prefetch queries)
    code: str
    maps_to_system: str  # canonical (code_systems.py)
    maps_to_code: str
    display: str = ""


@dataclass(frozen=True, slots=True)
class QuestionnaireLink:
    """One item of a site's own PHQ-9 Questionnaire and the LOINC item it asks."""

    questionnaire: str  # canonical URL, without a "|version" suffix
    link_id: str
    loinc: str


@dataclass(frozen=True, slots=True)
class SiteCodes:
    """A site's code maps; empty (the default) maps nothing and costs nothing."""

    local_codes: tuple[LocalCode, ...] = ()
    questionnaire_links: tuple[QuestionnaireLink, ...] = ()
    # Derived lookups (not part of equality or hash: the tuples above define the value).
    codes: Mapping[Key, Key] = field(init=False, repr=False, compare=False)
    questionnaire_items: Mapping[Key, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        codes: dict[Key, Key] = {}
        for local in self.local_codes:
            key = (canonical_system(local.system.strip()), local.code.strip())
            codes.setdefault(key, (canonical_system(local.maps_to_system), local.maps_to_code))
        items: dict[Key, str] = {}
        for link in self.questionnaire_links:
            items.setdefault((_questionnaire_url(link.questionnaire), link.link_id), link.loinc)
        object.__setattr__(self, "codes", MappingProxyType(codes))
        object.__setattr__(self, "questionnaire_items", MappingProxyType(items))

    def __bool__(self) -> bool:
        return bool(self.local_codes or self.questionnaire_links)

    def questionnaire_item(self, questionnaire: object, link_id: object) -> str | None:
        """The LOINC item code a site's Questionnaire item asks, or None. `questionnaire` is
        QuestionnaireResponse.questionnaire as sent (a "|version" suffix is ignored)."""
        if not isinstance(questionnaire, str) or not isinstance(link_id, str):
            return None
        return self.questionnaire_items.get((_questionnaire_url(questionnaire), link_id))

    def local_codes_for(self, targets: Iterable[Key]) -> tuple[Key, ...]:
        """The (system as configured, code) of every local code that maps to one of `targets`
        (canonical system, code), in configuration order: what a prefetch query must also ask
        for so the EHR sends the site's own rows."""
        wanted = set(targets)
        found: list[Key] = []
        for local in self.local_codes:
            pair = (local.system.strip(), local.code.strip())
            target = (canonical_system(local.maps_to_system), local.maps_to_code)
            if target in wanted and pair not in found:
                found.append(pair)
        return tuple(found)

    def with_standard_codes(self, resource: Resource) -> Resource:
        """The resource as the readers should see it: each CodeableConcept holding a mapped local
        code also holds the standard coding. Returns `resource` itself when nothing maps."""
        if not self.codes:
            return resource
        changes: dict[str, Any] = {}
        for key in _CONCEPT_KEYS:
            concept = self._concept(resource.get(key))
            if concept is not None:
                changes[key] = concept
        for key, inner_keys in _NESTED:
            items = resource.get(key)
            if isinstance(items, list):
                replaced = self._items(items, inner_keys)
                if replaced is not None:
                    changes[key] = replaced
        contained = resource.get("contained")
        if isinstance(contained, list):
            mapped = [
                self.with_standard_codes(r) if isinstance(r, Mapping) else r for r in contained
            ]
            if any(new is not old for new, old in zip(mapped, contained, strict=True)):
                changes["contained"] = mapped
        if not changes:
            return resource
        return {**resource, **changes}

    def _items(self, items: list[Any], inner_keys: tuple[str, ...]) -> list[Any] | None:
        result: list[Any] = []
        changed = False
        for item in items:
            if isinstance(item, Mapping):
                inner: dict[str, Any] = {}
                for key in inner_keys:
                    concept = self._concept(item.get(key))
                    if concept is not None:
                        inner[key] = concept
                if inner:
                    item = {**item, **inner}
                    changed = True
            result.append(item)
        return result if changed else None

    def _concept(self, concept: object) -> dict[str, Any] | None:
        """A copy of the concept with the standard codings of its local codes added, or None
        when none of its codings is a mapped local code (or all targets are already there)."""
        if not isinstance(concept, Mapping):
            return None
        codings = concept.get("coding")
        if not isinstance(codings, list):
            return None
        present: set[Key] = set()
        added: list[dict[str, str]] = []
        for coding in codings:
            if not isinstance(coding, Mapping):
                continue
            system, code = coding.get("system"), coding.get("code")
            if not isinstance(system, str) or not isinstance(code, str):
                continue
            key = (canonical_system(system.strip()), code.strip())
            present.add(key)
            target = self.codes.get(key)
            if target is None:
                continue
            mapped = {"system": target[0], "code": target[1]}
            display = coding.get("display")
            if isinstance(display, str) and display.strip():
                mapped["display"] = display  # the site's own wording, for the card's basis
            added.append(mapped)
        new = [m for m in added if (m["system"], m["code"]) not in present]
        if not new:
            return None
        unique = list({(m["system"], m["code"]): m for m in new}.values())
        return {**concept, "coding": [*codings, *unique]}


def _questionnaire_url(questionnaire: str) -> str:
    return questionnaire.strip().split("|", 1)[0].rstrip("/")


NO_SITE_CODES = SiteCodes()
