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
from services import finding_words, tables
from services.card_format import record_cite
from services.pathway import PathwayFacts
from services.pathway_option_table import options
from services.tables import DrugCaution


@dataclass(frozen=True, slots=True)
class Blocked:
    """The options not offered (`exclude`, for pathway_options.beyond_medication) and the line
    that says why ("" when none)."""

    exclude: frozenset[str] = frozenset()
    line: str = ""


NONE = Blocked()


def _named(finding: Finding) -> str:
    """ "Cerebral aneurysm, nonruptured (ICD-10-CM I67.1, since 2023-04-01, Condition/c-1)";
    a Condition no longer active is history with its dates: "Left MCA aneurysm, clipped 2015
    (ICD-10-CM I67.1, 2015-04-01, resolved 2015-06-01, Condition/c-1)". "since" alone read a
    clipped, resolved aneurysm as active (audit 15 M8); it still bars the drug (a treated aneurysm
    is still aneurysmal vascular disease: the safer reading)."""
    parts = [finding.coding] if finding.code else []
    if finding.state != "active":
        parts.append(
            f"{finding.onset_text or 'onset not recorded'}, {finding_words.resolved_text(finding)}"
        )
    elif finding.onset_phrase:
        parts.append(finding.onset_phrase)
    # The Condition's id only when it has no onset to name it by (cards.record_cite).
    cite = record_cite(finding.source, finding.onset is not None, "{}")
    if cite:
        parts.append(cite)
    return f"{finding.display} ({', '.join(parts)})" if parts else finding.display


_Row = tuple[str, FindingKind, DrugCaution]  # (option, finding kind, contraindication row)
# The contraindication rows of the pathway's TRD options, in table order, with the two tables
# they were read from: every evaluation walked all of drug_cautions.csv for the few rows that
# name such an option (issue 14, perf15). Tables substituted (tests) are read afresh. Replaced
# whole (a tuple): threads only miss.
_option_rows: tuple[object, object, tuple[_Row, ...]] = ((), (), ())


def _contraindication_rows() -> tuple[_Row, ...]:
    global _option_rows
    cautions = tables.drug_cautions()
    offered = options()
    kept = _option_rows
    if kept[0] is not cautions or kept[1] is not offered:
        rows: list[_Row] = []
        for caution in cautions:
            option = offered.get(caution.ingredient)
            if option is None or "trd" not in option.when or not caution.contraindication:
                continue
            rows.append((option.option, FindingKind(caution.finding), caution))
        kept = (cautions, offered, tuple(rows))
        _option_rows = kept
    return kept[2]


def _ruled_out(facts: PathwayFacts) -> dict[str, list[tuple[Finding, DrugCaution]]]:
    """Option -> (latest finding, contraindication row) for each row whose finding is on record."""
    found_by: dict[str, list[tuple[Finding, DrugCaution]]] = {}
    for option, kind, caution in _contraindication_rows():
        found = facts.findings_of(kind)
        if not found:
            continue
        latest = max(found, key=lambda f: f.onset.isoformat() if f.onset else "")
        found_by.setdefault(option, []).append((latest, caution))
    return found_by


def blocked(facts: PathwayFacts) -> Blocked:
    """The options beyond medication a contraindication row rules out for this record, latest
    finding named first; NONE when no such row has its finding on record (nearly every chart)."""
    offered = options()
    reasons = {
        name: [
            # The cite alone: the status mark stays in the table (audit 15 M9).
            f"{_named(latest)}: {caution.note} ({caution.cite})"
            for latest, caution in rows
        ]
        for name, rows in _ruled_out(facts).items()
    }
    if not reasons:
        return NONE
    items = [f"{offered[name].label}: {'; '.join(why)}" for name, why in reasons.items()]
    return Blocked(
        frozenset(reasons),
        "**Not offered (contraindicated):** " + ". ".join(items) + ".",
    )


def why_not(facts: PathwayFacts, option: str) -> str:
    """The short reason `blocked` rules one option out, for a card that names the option
    elsewhere (the suicide-risk card's acute-risk treatments): "Cerebral aneurysm, nonruptured
    (ICD-10-CM I67.1, since 2023-04-01, Condition/c-1): SPRAVATO label 4"; "" when it is not."""
    rows = _ruled_out(facts).get(option, [])
    return "; ".join(f"{_named(latest)}: {caution.cite}" for latest, caution in rows)
