"""Frailty coded on the chart, read into `ClinicalContext.frailty` (issue 12).

ECT and esketamine come first for the frail-elderly case, among others: "elderly" is the policy's
`older_adult_age`, "frail" is this module's fact. Codes are in data/frailty_codes.csv (each with
its source and status): ICD-10-CM R54 "Age-related physical debility" (its inclusion terms name
frailty), SNOMED CT 248279007 "Frailty (finding)" and 404904002 "Frail elderly (finding)". EHRs
send R54 with the SNOMED concept as a second coding (Epic, US Core); either one is enough.

Which Conditions count: those active on the as-of date as context.py judges every condition
(`_condition_state`: clinicalStatus, abatement, onset after as-of; verificationStatus refuted or
entered-in-error drops it), and confirmed. Unlike bipolar disorder, where a suspected diagnosis
must still stop an SSRI-only plan, an unconfirmed, provisional or differential frailty is not
counted: the card names the code as the basis of its ranking, and "frailty coded" must mean a
clinician recorded it (a missing verificationStatus reads as recorded, as US Core allows).

Left out on purpose (sources contradict each other, or only one was found):
- SNOMED 713634000: "Frailty" in one code list, the eFI "Frailty Index" score in NHS code lists;
  SNOMED 129839007: "Frailty (finding)" in one list, "At risk of pressure ulcers" in another.
- The UK-edition mild/moderate/severe frailty findings (925791000000100, 925831000000107,
  925861000000102): not in the US edition US charts are coded in; not checked here.
- The Clinical Frailty Scale (Rockwood 2005; >= 5 = frail) as an Observation: no LOINC code for it
  was found, and the SNOMED code of its score differs between versions of one guide (763264000
  "CSHA Clinical Frailty Scale score"; 713636003, which NHS lists call the Frailty Index score),
  with 445414007 naming the scale itself (the method). No score is read. A site that records
  frailty under a local code can map that code to R54 or 248279007 in `[codes]` (site_codes.py):
  its Conditions are then read here like any other.

Never silent: nothing is left out for want of a field. An undated frailty Condition still counts
(active, no date), and the card says it is undated.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.clinical_codes import normalise_code
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.fhir_fields import codings, parse_date, source_ref, status_code
from fhir_mapping.record import Finding, FindingKind

Resource = Mapping[str, Any]

# Suspected, not recorded as a diagnosis: not "frailty coded" (see the module docstring).
_NOT_CONFIRMED = frozenset({"unconfirmed", "provisional", "differential"})


@dataclass(frozen=True, slots=True)
class FrailtyCode:
    """One row of data/frailty_codes.csv."""

    system: str  # canonical (code_systems.py)
    code: str  # as clinical_codes.normalise_code compares it (ICD-10-CM without the dot)
    display: str
    source: str
    status: str  # confirmed | corroborated | UNVERIFIED


@cache
def frailty_codes() -> dict[tuple[str, str], FrailtyCode]:
    text = resources.files("fhir_mapping").joinpath("data/frailty_codes.csv").read_text("utf-8")
    rows = {}
    for row in csv.DictReader(text.splitlines()):
        system = canonical_system(row["system"])
        code = normalise_code(system, row["code"])
        rows[(system, code)] = FrailtyCode(
            system, code, row["display"], row["source"], row["status"]
        )
    return rows


def _coded(concept: object) -> tuple[FrailtyCode, str, str] | None:
    """The first coding of `concept` in the table: (row, code as written, display as written)."""
    table = frailty_codes()
    for system, code, display in codings(concept):
        row = table.get((system, normalise_code(system, code)))
        if row is not None:
            return row, code, display
    return None


def wanted(concept: object) -> bool:
    """The cheap pre-validation filter: does this Condition code carry a frailty code?"""
    return _coded(concept) is not None


def condition_frailty(resource: Resource, *, as_of: date) -> Finding | None:
    """The frailty one Condition records on the as-of date, else None."""
    found = _coded(resource.get("code"))
    if found is None:
        return None
    # Imported here: context.py imports this module to wire it into the clinical context.
    from fhir_mapping.context import _condition_state, condition_onset

    if _condition_state(resource, as_of) != "active":
        return None
    if status_code(resource.get("verificationStatus")) in _NOT_CONFIRMED:
        return None
    row, code, display = found
    return Finding(
        kind=FindingKind.FRAILTY,
        code=code,
        system=row.system,
        display=display or row.display,
        onset=condition_onset(resource) or parse_date(resource.get("recordedDate")),
        source=source_ref(resource),
    )


def ordered(found: Iterable[Finding]) -> tuple[Finding, ...]:
    """Frailty entries without repeats, oldest first (undated ones first)."""
    return tuple(
        sorted(set(found), key=lambda f: (f.onset or date.min, f.system, f.code, str(f.source)))
    )
