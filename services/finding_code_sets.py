"""The code sets that narrow a condition_drug_rules.csv row to part of its finding kind
(data/finding_code_sets.csv; drug_rules.py): codes matched exactly or by prefix on the chart's
own coding, words of a text-only finding, and screening scores by their scale (AUDIT-C, AUDIT:
review 9 finding 8). A row naming an unknown set or a score row naming no scale fails loudly.

Apart from drug_rules.py because it matches findings' codes, never drugs: the rules only name a
set (`code_set_named`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from fhir_mapping.clinical_codes import normalise_code
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.codes import observation_code_rows
from fhir_mapping.record import Finding
from services.drug_rule_rows import data_rows


@dataclass(frozen=True, slots=True)
class CodeSet:
    """Codes that narrow a condition row to part of its finding kind (data/finding_code_sets.csv):
    duloxetine's label speaks of alcohol use, while the substance-use kind holds every substance.
    Findings keep the chart's own coding (fhir_mapping/conditions.py), so the set is matched on it,
    ICD-10-CM codes without the dot as clinical_codes.py compares them."""

    name: str
    exact: frozenset[tuple[str, str]]  # (canonical system, normalised code)
    prefixes: tuple[tuple[str, str], ...]  # (canonical system, normalised code prefix)
    # Words that put a text-only finding (fhir_mapping/diagnosis_text.py: system "text", no code)
    # in the set: "Alcohol use disorder, severe" typed in is alcohol use as F10.20 is.
    terms: tuple[re.Pattern[str], ...] = ()
    # The rating scales (Score.instrument, named by their LOINC rows in fhir_mapping/data/
    # observation_codes.csv) whose recent score at or above the clinic's cut-off counts for a row
    # of this set (the alcohol screens AUDIT-C and AUDIT: review 9 finding 8). A score is never a
    # Finding: the set's findings stay diagnoses, so no other card reads a screen as one.
    screens: tuple[str, ...] = ()

    def holds(self, finding: Finding) -> bool:
        if finding.system == "text":
            label = finding.display.lower()
            return any(term.search(label) for term in self.terms)
        system = canonical_system(finding.system)
        code = normalise_code(system, finding.code)
        if (system, code) in self.exact:
            return True
        return any(system == s and code.startswith(p) for s, p in self.prefixes)


@cache
def code_sets() -> dict[str, CodeSet]:
    """Set name -> its codes (data/finding_code_sets.csv)."""
    exact: dict[str, set[tuple[str, str]]] = {}
    prefixes: dict[str, list[tuple[str, str]]] = {}
    terms: dict[str, list[re.Pattern[str]]] = {}
    screens: dict[str, list[str]] = {}
    for row in data_rows("finding_code_sets.csv"):
        name = row["set"].strip()
        if row["match"].strip() == "term":  # system "text": a word of a text-only finding
            word = re.escape(row["code"].strip().lower())
            terms.setdefault(name, []).append(re.compile(rf"\b{word}"))
            continue
        if row["match"].strip() == "score":  # a screening score, by its scale's LOINC code
            screens.setdefault(name, []).append(_instrument(row))
            continue
        system = canonical_system(row["system"].strip())
        key = (system, normalise_code(system, row["code"].strip()))
        match = row["match"].strip()
        if match == "exact":
            exact.setdefault(name, set()).add(key)
        elif match == "prefix":
            prefixes.setdefault(name, []).append(key)
        else:
            raise ValueError(f"finding_code_sets.csv: unknown match {match!r}: {row}")
    return {
        name: CodeSet(
            name,
            frozenset(exact.get(name, ())),
            tuple(prefixes.get(name, ())),
            tuple(terms.get(name, ())),
            tuple(screens.get(name, ())),
        )
        for name in exact.keys() | prefixes.keys() | terms.keys() | screens.keys()
    }


def _instrument(row: dict[str, str]) -> str:
    """The instrument a "score" row names: its code must be a scale of observation_codes.csv,
    else the row would count no score at all: fail loudly."""
    system = canonical_system(row["system"].strip())
    found = observation_code_rows().get((system, row["code"].strip()))
    if found is None or not found.instrument:
        raise ValueError(f"finding_code_sets.csv: a score row names no scale: {row}")
    return found.instrument


def code_set_named(name: str) -> CodeSet | None:
    if not name.strip():
        return None
    found = code_sets().get(name.strip())
    if found is None:  # a typo in the table would make the rule apply to no one: fail loudly
        raise ValueError(f"condition_drug_rules.csv names an unknown code set {name!r}")
    return found
