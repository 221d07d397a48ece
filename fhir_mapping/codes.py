"""LOINC codes of the scales and labs the rules read (data/observation_codes.csv, with sources)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class ObservationCode:
    concept: str  # "phq9-total", "phq9-item9", "tsh", ...
    system: str
    code: str
    display: str
    source: str
    status: str


@cache
def observation_codes() -> tuple[ObservationCode, ...]:
    text = resources.files("fhir_mapping").joinpath("data/observation_codes.csv").read_text("utf-8")
    return tuple(ObservationCode(**row) for row in csv.DictReader(text.splitlines()))


@cache
def observation_concepts() -> dict[tuple[str, str], str]:
    """(system, code) -> concept, for the cheap pre-validation filter."""
    return {(c.system, c.code): c.concept for c in observation_codes()}
