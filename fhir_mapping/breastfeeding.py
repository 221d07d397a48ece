"""Breastfeeding status answers as findings (review 11 finding 5).

A Breastfeeding status Observation (LOINC 63895-7, SNOMED 413712001; answers LA29252-6 /
LA29253-4, SNOMED 169741004 and the breast-fed-with-supplement codes, v2-0136 Y/N, a boolean, or
the answer's text matched whole: data/pregnancy_codes.csv) is recognised and read by
pregnancy.py's one walk over the pregnancy Observations. Each dated answer is one finding dated
that day: LACTATION for breastfeeding, NOT_BREASTFEEDING for a "not breastfeeding" answer, a kind
of its own so that no reader can take a "no" for breastfeeding (review 11 finding 10: the cards
say it was recorded rather than ask again, and it was invisible to `--explain`); the latest answer
decides, in services/rules/populations.py beside a Z39.1 Condition's (condition_codes.csv); never
claimed when not recorded. An undated or answerless one is a DataGap (pregnancy.py).

It stands apart from pregnancy.py because an answer is never weighed against a pregnancy status
here: each one is kept as recorded, and the rules decide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.pregnancy_codes import _NOT_FEEDING, _Value
from fhir_mapping.record import Finding, FindingKind, SourceRef

Resource = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class _Feeding:
    day: date
    value: _Value
    shown: str  # the answer as the card names it
    source: SourceRef | None


def _shown(resource: Resource, value: _Value) -> str:
    """How a breastfeeding answer is named on a card: the value's own text when sent
    ("Exclusively breastfeeding"), else its row's display."""
    concept = resource.get("valueCodeableConcept")
    if isinstance(concept, JSON_OBJECT) and isinstance(concept.get("text"), str):
        text = " ".join(concept["text"].split())
        if text:
            return text
    return value.display


def _breastfeeding(feeding: list[_Feeding]) -> tuple[Finding, ...]:
    """Every dated Breastfeeding status answer as a finding dated that day (review 11 findings
    5, 10): a "breastfeeding" answer is LACTATION and carries the lactation caveats; a "not
    breastfeeding" one is NOT_BREASTFEEDING, carries none, and is kept so the cards can say it
    was recorded instead of asking again, and `--explain` lists what was read. Which answer
    decides (the latest; on one day, breastfeeding: the safer reading, as the caveats are about
    the infant) is services/rules/populations.py's call, beside a Z39.1 Condition's, as is how
    recent it must be (the card names its date). Never claimed when not recorded."""
    return tuple(
        Finding(
            FindingKind.NOT_BREASTFEEDING
            if reading.value.meaning == _NOT_FEEDING
            else FindingKind.LACTATION,
            reading.value.code,
            reading.value.system,
            # The answer alone when it says what it is ("Exclusively breastfeeding", "Not
            # currently breastfeeding"), so an order card's summary can name it; a bare "Yes"
            # or "No" with its question.
            reading.shown
            if "breast" in reading.shown.lower()
            else f"Breastfeeding status: {reading.shown}",
            reading.day,
            reading.source,
        )
        for reading in sorted(feeding, key=lambda f: f.day)
    )


def breastfeeding_denied(finding: Finding) -> bool:
    """Whether a finding is a recorded "not breastfeeding" answer (LA29253-4, v2-0136 N, "No",
    false): its kind says it (NOT_BREASTFEEDING, never LACTATION)."""
    return finding.kind is FindingKind.NOT_BREASTFEEDING
