"""The settings file's `[codes]` table: a site's local codes mapped to the standard ones
(`[[codes.local]]`) and the items of its own PHQ-9 Questionnaire (`[[codes.questionnaire_items]]`),
validated so one local code maps to one standard code (README, "Site code maps").

Apart from the other tables (sections.py) because it builds the mapping's SiteCodes, which the
clinical policy and the prefetch templates read; settings.py re-exports `CodesSettings`.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from cds_hooks.config.sections import _Strict
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.site_codes import LocalCode, QuestionnaireLink, SiteCodes


class LocalCodeSettings(_Strict):
    """One `[[codes.local]]` entry: a site's local code and the standard code it stands for."""

    system: str = Field(min_length=1)  # as the EHR writes it, e.g. an Epic flowsheet-row OID
    code: str = Field(min_length=1)
    maps_to: str  # "system|code", e.g. "http://loinc.org|44261-6"
    display: str = ""  # optional: what the row is, for people reading the file and the cards

    @field_validator("system", "code")
    @classmethod
    def _no_separator(cls, value: str) -> str:
        value = value.strip()
        if not value or "|" in value:
            raise ValueError(f"{value!r} must be non-empty and must not contain '|'")
        return value

    @field_validator("maps_to")
    @classmethod
    def _token(cls, value: str) -> str:
        parts = [p.strip() for p in value.split("|")]
        if len(parts) != 2 or not all(parts):
            raise ValueError(
                f"maps_to {value!r} must be 'system|code', e.g. 'http://loinc.org|44261-6'"
            )
        return "|".join(parts)

    def local_code(self) -> LocalCode:
        system, code = self.maps_to.split("|")
        return LocalCode(self.system, self.code, system, code, self.display)


_LOINC_CODE = re.compile(r"\d{1,7}-\d")


class QuestionnaireItemSettings(_Strict):
    """One `[[codes.questionnaire_items]]` entry: an item of a site's own PHQ-9 Questionnaire."""

    questionnaire: str = Field(min_length=1)  # the Questionnaire's canonical URL
    link_id: str = Field(min_length=1)
    loinc: str  # the LOINC code of the item it asks, e.g. "44260-8" for item 9

    @field_validator("loinc")
    @classmethod
    def _loinc(cls, value: str) -> str:
        value = value.strip()
        if not _LOINC_CODE.fullmatch(value):
            raise ValueError(f"loinc {value!r} is not a LOINC code such as '44260-8'")
        return value


class CodesSettings(_Strict):
    """The `[codes]` table: a site's local codes mapped to the standard ones (README,
    "Site code maps"). One local code maps to one standard code: a code listed twice with two
    different targets is refused, since which one the site meant cannot be guessed."""

    local: tuple[LocalCodeSettings, ...] = ()
    questionnaire_items: tuple[QuestionnaireItemSettings, ...] = ()

    @model_validator(mode="after")
    def _unambiguous(self) -> CodesSettings:
        site = self.site_codes()
        for entry in self.local:
            found = site.codes[_key(entry.system, entry.code)]
            mapped = entry.local_code()
            if found != _key(mapped.maps_to_system, mapped.maps_to_code):
                raise ValueError(
                    f"local code {entry.system}|{entry.code} is mapped twice, to different codes"
                )
        for item in self.questionnaire_items:
            if site.questionnaire_item(item.questionnaire, item.link_id) != item.loinc:
                raise ValueError(
                    f"questionnaire item {item.questionnaire} {item.link_id!r} is mapped twice, "
                    "to different LOINC codes"
                )
        return self

    def site_codes(self) -> SiteCodes:
        return SiteCodes(
            local_codes=tuple(entry.local_code() for entry in self.local),
            questionnaire_links=tuple(
                QuestionnaireLink(i.questionnaire, i.link_id, i.loinc)
                for i in self.questionnaire_items
            ),
        )


def _key(system: str, code: str) -> tuple[str, str]:
    return canonical_system(system.strip()), code.strip()
