"""The drug table: antidepressants and augmentation agents with their adequate dose range.

Loaded once from data/antidepressants.csv and data/augmentation_agents.csv (one row per drug, each
with its source and verification status). Doses are mg/day.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.record import Role


@dataclass(frozen=True, slots=True)
class DrugInfo:
    ingredient: str  # lower-case generic name, the key used everywhere ("sertraline")
    drug_class: str  # mechanism group for "switch to a different mechanism" ("SSRI", "SNRI", ...)
    role: Role
    rxcui: str | None  # RxNorm ingredient (IN) code; None when unverified
    atc: str | None
    min_adequate_mg: float | None  # lower bound of the CANMAT 2023 range; None when unverified
    max_mg: float | None
    canmat_line: str | None  # "1st" | "2nd" | "3rd" (CANMAT 2023 Table 3.3 / 7.2)
    low_dose_use: str | None  # e.g. "insomnia": below the range this drug is not an antidepressant trial
    source: str
    status: str  # confirmed | corroborated | UNVERIFIED (of the dose values)


def drug_info(ingredient: str) -> DrugInfo | None:
    """The row for a generic name (case-insensitive), or None."""
    raise NotImplementedError


def all_drugs() -> tuple[DrugInfo, ...]:
    raise NotImplementedError
