"""Options beyond medication a label contraindicates for this patient (review 15 U1): esketamine
with aneurysmal vascular disease, an arteriovenous malformation or a history of intracerebral
haemorrhage (SPRAVATO label 4) is not offered on the optimise card, and the card says why, with
the finding's code, date and resource.

The facts are the drug_cautions.csv rows of kind "contraindication" whose ingredient is an
option of data/pathway_options.csv (its `option` names the ingredient: "esketamine",
"ketamine"); a warning row (a caution, not a bar) leaves the option on the list.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.record import Finding, FindingKind
from services import tables
from services.pathway import PathwayFacts
from services.pathway_option_table import options, unverified_mark


@dataclass(frozen=True, slots=True)
class Blocked:
    """The options not offered (`exclude`, for pathway_options.beyond_medication) and the line
    that says why ("" when none)."""

    exclude: frozenset[str] = frozenset()
    line: str = ""


NONE = Blocked()


def _named(finding: Finding) -> str:
    """ "Cerebral aneurysm, nonruptured (ICD-10-CM I67.1, since 2023-04-01, Condition/c-1)" """
    parts = [finding.coding] if finding.code else []
    if finding.onset_text:
        parts.append(f"since {finding.onset_text}")
    if finding.source is not None:
        parts.append(str(finding.source))
    return f"{finding.display} ({', '.join(parts)})" if parts else finding.display


def blocked(facts: PathwayFacts) -> Blocked:
    """The options beyond medication a contraindication row rules out for this record, latest
    finding named first; NONE when no such row has its finding on record (nearly every chart)."""
    offered = options()
    reasons: dict[str, list[str]] = {}
    for caution in tables.drug_cautions():
        option = offered.get(caution.ingredient)
        if option is None or "trd" not in option.when or not caution.contraindication:
            continue
        found = facts.findings_of(FindingKind(caution.finding))
        if not found:
            continue
        latest = max(found, key=lambda f: f.onset.isoformat() if f.onset else "")
        reasons.setdefault(option.option, []).append(
            f"{_named(latest)}: {caution.note} ({caution.cite}{unverified_mark(caution.status)})"
        )
    if not reasons:
        return NONE
    items = [f"{offered[name].label}: {'; '.join(why)}" for name, why in reasons.items()]
    return Blocked(
        frozenset(reasons),
        "**Not offered (contraindicated):** " + ". ".join(items) + ".",
    )
