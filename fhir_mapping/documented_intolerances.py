"""Intolerance documented outside the medication resources, read once per chart for the courses
it marks: AllergyIntolerance and AdverseEvent entries naming a drug (intolerance.py), ICD-10-CM
adverse-effect Conditions naming a class (adverse_effect_codes.py; RC review s23 finding 3),
and the drug allergies whose allergen text names no drug or class it knows (a gap each, never
dropped). Apart from build.py so the record's builder reads it in one call.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from fhir_mapping import intolerance
from fhir_mapping.adverse_effect_codes import AdverseEffectCode, read_adverse_effects
from fhir_mapping.record import CodedAdverseEffect, DataGap, Intolerance


@dataclass(frozen=True, slots=True)
class Documented:
    intolerances: tuple[Intolerance, ...] = ()  # each names its drug
    adverse_effects: tuple[AdverseEffectCode, ...] = ()  # each names a class: matched to courses
    gaps: tuple[DataGap, ...] = ()  # unplaced drug allergies
    # The AllergyIntolerance and AdverseEvent resources read (mania_findings reads them too).
    entries: tuple[Mapping[str, Any], ...] = ()

    @property
    def coded(self) -> tuple[CodedAdverseEffect, ...]:
        """The adverse-effect codes as the record keeps them, oldest first."""
        return tuple(c.coded() for c in sorted(self.adverse_effects, key=lambda c: c.day))


def documented(
    kept: Mapping[str, Sequence[Mapping[str, Any]]],
    medication_resources: Sequence[Mapping[str, Any]],
    *,
    as_of: date,
) -> Documented:
    """What the chart's allergy, adverse-event and Condition resources document (`kept`: the
    resources by type, as build.py routes them)."""
    entries = (*kept.get("AllergyIntolerance", []), *kept.get("AdverseEvent", []))
    conditions = kept.get("Condition", [])
    return Documented(
        intolerance.read_intolerances(entries, medication_resources, as_of=as_of)
        if entries
        else (),
        read_adverse_effects(conditions, as_of=as_of) if conditions else (),
        intolerance.unplaced_allergies(entries, as_of=as_of) if entries else (),
        entries,
    )
