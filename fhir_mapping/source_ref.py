"""The FHIR resource a fact was read from (type and logical id), so a card can cite it: the one
record every other record of fhir_mapping/record.py points back with."""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.frozen_init import quick_frozen_init


@dataclass(frozen=True, slots=True)
class SourceRef:
    """The FHIR resource a fact was read from (type and logical id), so a card can cite it."""

    resource_type: str
    id: str

    def __str__(self) -> str:
        return f"{self.resource_type}/{self.id}"


# Built for every PHQ-9, lab and fact read (issue 14): frozen_init.py.
quick_frozen_init(SourceRef)
