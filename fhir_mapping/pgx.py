"""Pharmacogenomic Observations -> PgxResult records (review 13 W4).

What EHRs send: a lab's PGx panel files one Observation per gene for the phenotype, LOINC 79714-2
"CYP2C19 gene product metabolic activity interpretation" or 79715-9 (CYP2D6), category
laboratory, with a valueCodeableConcept from LOINC answer list LL3856-3 (LA9657-3 Poor
metabolizer, LA10317-8 Intermediate, LA25391-6 Normal, LA25390-8 Rapid, LA10315-2 Ultrarapid:
data/pgx_codes.csv, each with its source). The HL7 Genomics Reporting IG's genotype profile
(LOINC 84413-4 "Genotype display name", the gene in component 48018-6, the value "CYP2C19*2/*2")
is read too, for the gene it names: a genotype with no phenotype of that gene on record becomes a
result "not interpreted", never a phenotype guessed from star alleles (translating a diplotype
is the lab's job, by the CPIC tables of the day).

Read tolerantly, as the labs are: status final, amended or corrected only; dated on or before
as-of (an undated result is reported as a left-out pharmacogenomic result, DataDomain.PGX, never
dropped in silence); a phenotype code not in the table, or none, is read from the value's text
only when that text is exactly an answer's display ("Poor metabolizer"); anything else leaves
the phenotype None: "not interpreted". LA10316-0 (recalled as "Extensive metabolizer", not
confirmed) is not in the table, so a result coded only with it reads as not interpreted.
Genes other than CYP2C19 and CYP2D6 are not read: no rule here uses them (README says so).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.code_systems import LOINC
from fhir_mapping.fhir_fields import (
    JSON_OBJECT,
    array,
    codings,
    effective_date,
    source_ref,
    string,
)
from fhir_mapping.record import DataDomain, DataGap, GapCause, PgxResult
from fhir_mapping.result_statuses import OBSERVATION, Reads, statuses

Resource = Mapping[str, Any]

# Results only: the `all` rows of data/result_statuses.csv (final / amended / corrected).
_COUNTED = statuses(OBSERVATION, Reads.ALL)


@dataclass(frozen=True, slots=True)
class _Codes:
    """data/pgx_codes.csv, by kind."""

    phenotype_tests: Mapping[str, str]  # LOINC code -> gene
    genotype_tests: frozenset[str]
    gene_studied: frozenset[str]
    genes: Mapping[str, str]  # gene id (HGNC:2621) -> gene
    answers: Mapping[str, str]  # LOINC answer code -> phenotype
    answer_words: Mapping[str, str]  # "poor metabolizer" -> phenotype


@cache
def _codes() -> _Codes:
    text = resources.files("fhir_mapping").joinpath("data/pgx_codes.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))

    def of(kind: str) -> list[dict[str, str]]:
        return [r for r in rows if r["kind"] == kind]

    return _Codes(
        phenotype_tests={r["code"]: r["meaning"] for r in of("phenotype-test")},
        genotype_tests=frozenset(r["code"] for r in of("genotype-test")),
        gene_studied=frozenset(r["code"] for r in of("gene-studied")),
        genes={r["code"]: r["meaning"] for r in of("gene")},
        answers={r["code"]: r["meaning"] for r in of("answer")},
        answer_words={r["display"].lower(): r["meaning"] for r in of("answer")},
    )


def genes() -> frozenset[str]:
    """The genes read: CYP2C19 and CYP2D6."""
    return frozenset(_codes().phenotype_tests.values())


def test_codes() -> tuple[str, ...]:
    """The LOINC codes the `pgx` prefetch key asks for (services/catalog.py), in table order:
    the phenotype tests, then the genotype one."""
    found = _codes()
    return (*found.phenotype_tests, *sorted(found.genotype_tests))


def codes() -> frozenset[str]:
    """The codes build.py routes here from its one walk of an Observation's codings."""
    return frozenset(test_codes())


def _loinc(concept: object) -> list[str]:
    return [code for system, code, _ in codings(concept) if system in (LOINC, "")]


def _value_text(resource: Resource) -> str:
    value = resource.get("valueCodeableConcept")
    if isinstance(value, JSON_OBJECT):
        text = string(value.get("text"))
        if text:
            return text.strip()
        for _, _, display in codings(value):
            if display:
                return display.strip()
        return ""
    return (string(resource.get("valueString")) or "").strip()


def _phenotype(resource: Resource) -> str | None:
    """The lab's interpretation: a coded answer in the table, else the value's text when it is
    exactly an answer's display; else None (not interpreted)."""
    table = _codes()
    for code in _loinc(resource.get("valueCodeableConcept")):
        if code in table.answers:
            return table.answers[code]
    return table.answer_words.get(_value_text(resource).lower())


def _genotype_gene(resource: Resource) -> str | None:
    """The gene a genotype Observation names: its gene-studied component (an HGNC id in the
    table, or the gene symbol as display or text), else the value's own prefix ("CYP2C19*2/*2")."""
    table = _codes()
    read = genes()
    for component in array(resource.get("component")):
        if not isinstance(component, JSON_OBJECT):
            continue
        if not table.gene_studied.intersection(_loinc(component.get("code"))):
            continue
        concept = component.get("valueCodeableConcept")
        for _, code, display in codings(concept):
            if code in table.genes:
                return table.genes[code]
            if display.strip().upper() in read:
                return display.strip().upper()
        text = string(concept.get("text")) if isinstance(concept, JSON_OBJECT) else None
        if text and text.strip().upper() in read:
            return text.strip().upper()
    value = _value_text(resource).upper()
    return next((gene for gene in sorted(read) if value.startswith(f"{gene}*")), None)


def read_pgx(
    observations: Iterable[Resource], *, as_of: date
) -> tuple[tuple[PgxResult, ...], tuple[DataGap, ...]]:
    """Every CYP2C19 / CYP2D6 result of `observations` (those build_record routed here), oldest
    first, and a gap for each that could not be dated. A genotype of a gene that has a phenotype
    on record is left to that phenotype (the lab's interpretation of it)."""
    table = _codes()
    phenotypes: list[PgxResult] = []
    genotypes: list[PgxResult] = []
    unread: list[Resource] = []
    for resource in observations:
        status = string(resource.get("status"))
        if status not in _COUNTED:
            continue
        codes_of = _loinc(resource.get("code"))
        gene = next(
            (table.phenotype_tests[c] for c in codes_of if c in table.phenotype_tests), None
        )
        genotype = gene is None and bool(table.genotype_tests.intersection(codes_of))
        if genotype:
            gene = _genotype_gene(resource)
        if gene is None:
            continue  # a genotype of a gene no rule reads (VKORC1, CYP2C9)
        day = effective_date(resource)
        if day is None:
            unread.append(resource)
            continue
        if day > as_of:
            continue
        if genotype:
            genotypes.append(
                PgxResult(gene, None, day, source_ref(resource), _value_text(resource))
            )
            continue
        phenotype = _phenotype(resource)
        shown = _value_text(resource)
        phenotypes.append(PgxResult(gene, phenotype, day, source_ref(resource), shown))
    interpreted = {r.gene for r in phenotypes if r.phenotype is not None}
    results = phenotypes + [r for r in genotypes if r.gene not in interpreted]
    results.sort(key=lambda r: (r.date, r.gene))
    gaps = tuple(
        DataGap(
            domain=DataDomain.PGX,
            cause=GapCause.LEFT_OUT,
            reason="pharmacogenomic result with no usable date",
            source=source_ref(r),
        )
        for r in unread
    )
    return tuple(results), gaps


def latest(results: Iterable[PgxResult], gene: str) -> PgxResult | None:
    """The result that speaks for `gene`: the latest interpreted one, else the latest result (not
    interpreted); None when the gene has no result on record. An interpretation is never set
    aside for a later uninterpreted result: the later one says nothing the earlier did not."""
    of_gene = [r for r in results if r.gene == gene]
    interpreted = [r for r in of_gene if r.phenotype is not None]
    chosen = interpreted or of_gene
    return chosen[-1] if chosen else None
