"""Review 13 W4: CYP2C19 / CYP2D6 results read into PgxResult (fhir_mapping/pgx.py).

Before, a phenotype Observation (LOINC 79714-2 / 79715-9) was skipped in silence ("Not read").
Fixtures are written as a lab's PGx panel files them (category laboratory, a LOINC answer from
LL3856-3; review 13 charts p1-p4) and as the HL7 Genomics Reporting IG's genotype profile writes a
genotype (84413-4 with a gene-studied component 48018-6), each valid against fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping import build
from fhir_mapping.build import build_record
from fhir_mapping.pgx import latest, read_pgx
from fhir_mapping.record import DataDomain, GapCause
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
P = "p-pgx"
Resource = dict[str, Any]

LOINC = "http://loinc.org"
GENE_TEST = {
    "CYP2C19": (
        "79714-2",
        "CYP2C19 gene product metabolic activity interpretation in Blood or Tissue by "
        "Genotype method",
    ),
    "CYP2D6": (
        "79715-9",
        "CYP2D6 gene product metabolic activity interpretation in Blood or Tissue by "
        "Genotype method",
    ),
}
ANSWERS = {
    "poor": ("LA9657-3", "Poor metabolizer"),
    "intermediate": ("LA10317-8", "Intermediate metabolizer"),
    "normal": ("LA25391-6", "Normal metabolizer"),
    "rapid": ("LA25390-8", "Rapid metabolizer"),
    "ultrarapid": ("LA10315-2", "Ultrarapid metabolizer"),
}


def _laboratory() -> list[Resource]:
    return [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                    "code": "laboratory",
                    "display": "Laboratory",
                }
            ]
        }
    ]


def phenotype(
    gene: str,
    phenotype: str | None,
    when: date | None,
    *,
    rid: str,
    patient: str = P,
    text: str | None = None,
    status: str = "final",
    system: str = LOINC,
) -> Resource:
    """A lab's phenotype Observation (review 13 chart p1): the answer coded from LL3856-3, or only
    `text` (a lab that sends the words), or neither (value missing)."""
    code, display = GENE_TEST[gene]
    resource: Resource = {
        "resourceType": "Observation",
        "id": rid,
        "status": status,
        "category": _laboratory(),
        "code": {
            "coding": [{"system": system, "code": code, "display": display}],
            "text": f"{gene} Phenotype",
        },
        "subject": {"reference": f"Patient/{patient}"},
    }
    if when is not None:
        resource["effectiveDateTime"] = f"{when.isoformat()}T09:30:00-05:00"
    if phenotype is not None:
        answer, words = ANSWERS[phenotype]
        resource["valueCodeableConcept"] = {
            "coding": [{"system": LOINC, "code": answer, "display": words}],
            "text": words,
        }
    elif text is not None:
        resource["valueCodeableConcept"] = {"text": text}
    return resource


def genotype(gene: str, diplotype: str, when: date, *, rid: str, patient: str = P) -> Resource:
    """HL7 Genomics Reporting IG genotype (examples genotype-1a, Pgx-geno-1001): 84413-4, the
    gene in component 48018-6 (HGNC id), the diplotype as the value."""
    hgnc = {"CYP2C19": "HGNC:2621", "CYP2D6": "HGNC:2625", "CYP2C9": "HGNC:2623"}[gene]
    return {
        "resourceType": "Observation",
        "id": rid,
        "status": "final",
        "category": _laboratory(),
        "code": {
            "coding": [{"system": LOINC, "code": "84413-4", "display": "Genotype display name"}]
        },
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": when.isoformat(),
        "valueCodeableConcept": {"text": f"{gene}{diplotype}"},
        "component": [
            {
                "code": {
                    "coding": [{"system": LOINC, "code": "48018-6", "display": "Gene studied [ID]"}]
                },
                "valueCodeableConcept": {
                    "coding": [
                        {"system": "http://www.genenames.org", "code": hgnc, "display": gene}
                    ]
                },
            }
        ],
    }


def _valid(*resources: Resource) -> list[Resource]:
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return list(resources)


def test_a_poor_metabolizer_phenotype_is_read_with_gene_and_date() -> None:
    obs = _valid(phenotype("CYP2C19", "poor", date(2024, 8, 1), rid="pgx-1"))
    (result,), gaps = read_pgx(obs, as_of=AS_OF)
    assert (result.gene, result.phenotype, result.date) == ("CYP2C19", "poor", date(2024, 8, 1))
    assert str(result.source) == "Observation/pgx-1"
    assert result.words() == "CYP2C19 poor metabolizer (2024-08-01)"
    assert not gaps


def test_every_answer_of_the_list_is_read_by_its_verified_code() -> None:
    """LA10317-8 is Intermediate and LA10315-2 Ultrarapid (HL7 Genomics Reporting IG value set;
    an earlier reading had them the other way round)."""
    for i, kind in enumerate(ANSWERS):
        (result,), _ = read_pgx(
            _valid(phenotype("CYP2D6", kind, date(2024, 8, 1), rid=f"a{i}")), as_of=AS_OF
        )
        assert result.phenotype == kind


def test_the_oid_spelling_of_loinc_is_read() -> None:
    obs = phenotype(
        "CYP2D6", "poor", date(2024, 8, 1), rid="o", system="urn:oid:2.16.840.1.113883.6.1"
    )
    (result,), _ = read_pgx(_valid(obs), as_of=AS_OF)
    assert (result.gene, result.phenotype) == ("CYP2D6", "poor")


def test_words_only_are_read_when_they_are_exactly_an_answer() -> None:
    (said,), _ = read_pgx(
        _valid(phenotype("CYP2C19", None, date(2024, 8, 1), rid="t1", text="poor metabolizer")),
        as_of=AS_OF,
    )
    assert said.phenotype == "poor"
    (vague,), _ = read_pgx(
        _valid(phenotype("CYP2C19", None, date(2024, 8, 1), rid="t2", text="*2/*2, see report")),
        as_of=AS_OF,
    )
    assert vague.phenotype is None and vague.text == "*2/*2, see report"
    assert "not interpreted" in vague.words()


def test_a_genotype_without_a_phenotype_is_not_interpreted_never_guessed() -> None:
    """*2/*2 is a CYP2C19 poor metabolizer by CPIC's table, but the service does not translate
    diplotypes: the result is on record, not interpreted."""
    (result,), _ = read_pgx(
        _valid(genotype("CYP2C19", "*2/*2", date(2024, 8, 1), rid="g1")), as_of=AS_OF
    )
    assert (result.gene, result.phenotype) == ("CYP2C19", None)
    assert result.words() == (
        "CYP2C19 result CYP2C19*2/*2 (2024-08-01), not interpreted as a phenotype"
    )


def test_a_genotype_beside_the_labs_phenotype_is_left_to_it() -> None:
    obs = _valid(
        genotype("CYP2D6", "*4/*4", date(2024, 8, 1), rid="g1"),
        phenotype("CYP2D6", "poor", date(2024, 8, 1), rid="p1"),
    )
    results, _ = read_pgx(obs, as_of=AS_OF)
    assert [(r.gene, r.phenotype) for r in results] == [("CYP2D6", "poor")]


def test_a_genotype_of_a_gene_no_rule_reads_is_not_kept() -> None:
    results, gaps = read_pgx(
        _valid(genotype("CYP2C9", "*2/*3", date(2024, 8, 1), rid="g9")), as_of=AS_OF
    )
    assert results == () and gaps == ()


def test_undated_is_a_gap_not_a_silent_drop_and_preliminary_is_not_a_result() -> None:
    obs = _valid(
        phenotype("CYP2C19", "poor", None, rid="nodate"),
        phenotype("CYP2D6", "poor", date(2024, 8, 1), rid="prelim", status="preliminary"),
        phenotype("CYP2D6", "poor", date(2025, 7, 1), rid="future"),
    )
    results, gaps = read_pgx(obs, as_of=AS_OF)
    assert results == ()
    (gap,) = gaps
    assert gap.domain is DataDomain.PGX and gap.cause is GapCause.LEFT_OUT
    assert str(gap.source) == "Observation/nodate"


def test_latest_prefers_the_latest_interpretation() -> None:
    obs = _valid(
        phenotype("CYP2C19", "normal", date(2020, 1, 1), rid="old"),
        phenotype("CYP2C19", "poor", date(2024, 8, 1), rid="new"),
        phenotype("CYP2C19", None, date(2025, 1, 1), rid="vague", text="see report"),
    )
    results, _ = read_pgx(obs, as_of=AS_OF)
    chosen = latest(results, "CYP2C19")
    assert chosen is not None and str(chosen.source) == "Observation/new"
    assert latest(results, "CYP2D6") is None


def test_build_record_routes_pgx_observations_whatever_key_brought_them() -> None:
    """Review 13 charts send them among every Observation: data is recognised by its code."""
    resources = _valid(
        fb.patient(id=P, given="Ann", family="Lee", gender="female", birth_date=date(1975, 5, 5)),
        phenotype("CYP2C19", "poor", date(2024, 8, 1), rid="pgx-1"),
    )
    record = build_record(resources, as_of=AS_OF, patient_id=P)
    assert [(r.gene, r.phenotype) for r in record.pgx_results] == [("CYP2C19", "poor")]
    assert record.resources_skipped == 0  # before: skipped in silence


def test_the_reader_shortcut_is_its_own_object() -> None:
    reads = build._observation_reads(phenotype("CYP2D6", "poor", date(2024, 8, 1), rid="x"))
    assert reads is build._PGX_READER
    assert reads is not build._NO_READER and reads is not build._VITALS_READER
