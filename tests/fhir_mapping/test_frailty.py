"""Frailty coded on the chart -> ClinicalContext.frailty (condition_codes.csv kind "frailty", fhir_mapping/context.py; issue 12).

Charts are built as tests/fixtures/builders.py builds Conditions, coded as Epic and US Core send
them: ICD-10-CM (http://hl7.org/fhir/sid/icd-10-cm) first, the SNOMED CT concept as a second
coding, the problem's name as text; and in the vendor variants of ../shared/fhir/vendor/README.md
(trap 2: ICD-10-CM under its OID; trap 10: clinicalStatus missing, onset as a Period).
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from typing import Any

import pytest

from cds_hooks.storage import record_codec
from fhir_mapping.build import build_record
from fhir_mapping.code_systems import ICD10CM, SNOMED
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Finding, FindingKind, PatientRecord, SourceRef
from fhir_mapping.site_codes import LocalCode, SiteCodes
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

AS_OF = date(2025, 6, 2)
PID = "pt-frail-1"
CODED = date(2024, 3, 1)
R54 = (b.ICD10CM, "R54", "Age-related physical debility")
FRAILTY_SCT = (b.SNOMED, "248279007", "Frailty (finding)")
EPIC_DIAGNOSIS = "urn:oid:1.2.840.114350.1.13.0.1.7.2.728286"  # Epic diagnosis ids (example site)
Resource = dict[str, Any]


def frailty(
    clinical_status: str = "active", verification: str = "confirmed", **kw: Any
) -> Resource:
    """R54 on the problem list with SNOMED 248279007 beside it and Epic's problem name as text."""
    return b.condition(
        *R54,
        kw.pop("onset", CODED),
        clinical_status,
        verification,
        category=kw.pop("category", "problem-list-item"),
        patient=PID,
        extra_codings=[FRAILTY_SCT],
        text="Frailty",
        id=kw.pop("id", "cond-frailty"),
        **kw,
    )


def chart(*conditions: Resource, site: SiteCodes | None = None) -> PatientRecord:
    resources = [
        b.patient(id=PID, given="Ruth", family="Okafor", gender="female", birth_date=date(1947, 1, 9)),
        b.condition(
            b.ICD10CM, "F33.2", "Major depressive disorder, recurrent severe without psychotic "
            "features", date(2023, 9, 4), category="problem-list-item", patient=PID, id="cond-mdd",
        ),
        *conditions,
    ]  # fmt: skip
    assert_valid(resources)  # valid R4, as the EHR sends them
    policy = MappingPolicy(site_codes=site) if site is not None else MappingPolicy()
    return build_record(resources, as_of=AS_OF, patient_id=PID, policy=policy)


# --- the table -----------------------------------------------------------------------------------


def test_frailty_table_rows_have_a_source_and_a_status_and_leave_out_contradicted_codes() -> None:
    text = resources.files("fhir_mapping").joinpath("data/condition_codes.csv").read_text("utf-8")
    rows = [r for r in csv.DictReader(text.splitlines()) if r["kind"] == "frailty"]
    for row in rows:
        assert row["source"].strip() and row["status"] in {
            "confirmed",
            "corroborated",
            "UNVERIFIED",
        }
    codes = {(r["system"], r["code"]): r["display"] for r in rows}
    assert codes == {
        (ICD10CM, "R54"): "Age-related physical debility",
        (SNOMED, "248279007"): "Frailty (finding)",
        (SNOMED, "404904002"): "Frail elderly (finding)",
    }
    # Sources give these other meanings (Frailty Index score; at risk of pressure ulcers).
    assert (SNOMED, "713634000") not in codes and (SNOMED, "129839007") not in codes


# --- what counts ---------------------------------------------------------------------------------


def test_frailty_on_the_problem_list_is_a_coded_fact_with_its_code_and_date() -> None:
    record = chart(frailty())
    assert record.context.frailty == (
        Finding(
            FindingKind.FRAILTY,
            "R54",
            ICD10CM,
            "Age-related physical debility",
            CODED,
            SourceRef("Condition", "cond-frailty"),
            categories=("problem-list-item",),
        ),
    )
    # Its own field: the findings every other rule reads are unchanged.
    assert FindingKind.FRAILTY not in {f.kind for f in record.context.findings}
    assert chart().context.frailty == ()


@pytest.mark.parametrize(
    "code",
    [
        pytest.param(b.coding(*FRAILTY_SCT), id="snomed-frailty-only"),
        pytest.param(
            b.coding(b.SNOMED, "404904002", "Frail elderly (finding)"), id="frail-elderly"
        ),
        pytest.param({"system": "urn:oid:2.16.840.1.113883.6.90", "code": "R54"}, id="icd10cm-oid"),
        pytest.param(b.coding(b.ICD10CM, "r54", "Age-related physical debility"), id="lower-case"),
    ],
)
def test_frailty_read_from_any_of_its_codings(code: dict[str, str]) -> None:
    resource = frailty()
    resource["code"] = {"coding": [code]}
    (found,) = chart(resource).context.frailty
    assert (found.code, found.onset) == (code["code"], CODED)


def test_frailty_in_a_cda_conversion_without_statuses_and_with_an_onset_period_counts() -> None:
    """C-CDA conversions send no clinicalStatus (trap 10); an unabated problem is active."""
    resource = frailty(category="encounter-diagnosis")
    del resource["clinicalStatus"], resource["verificationStatus"], resource["onsetDateTime"]
    resource["onsetPeriod"] = {"start": "2023-11-20"}
    (found,) = chart(resource).context.frailty
    assert found.onset == date(2023, 11, 20)


def test_two_frailty_entries_are_kept_oldest_first() -> None:
    later = frailty(onset=date(2025, 1, 15), id="cond-frailty-2")
    found = chart(later, frailty()).context.frailty
    assert [f.onset for f in found] == [CODED, date(2025, 1, 15)]


# --- what does not --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("clinical_status", "verification", "extra"),
    [
        ("resolved", "confirmed", {"abatement": date(2024, 9, 1)}),
        ("resolved", "confirmed", {}),
        ("inactive", "confirmed", {}),
        ("active", "refuted", {}),
        ("active", "entered-in-error", {}),  # the builder drops clinicalStatus (FHIR con-5)
        ("active", "provisional", {}),
        ("active", "differential", {}),
        ("active", "unconfirmed", {}),
        ("active", "confirmed", {"onset": date(2025, 6, 20)}),  # after as-of
    ],
    ids=[
        "resolved-abated", "resolved", "inactive", "refuted", "entered-in-error", "provisional",
        "differential", "unconfirmed", "onset-after-as-of",
    ],
)  # fmt: skip
def test_frailty_not_active_or_not_confirmed_is_not_frailty(
    clinical_status: str, verification: str, extra: dict[str, Any]
) -> None:
    record = chart(frailty(clinical_status, verification, **extra))
    assert record.context.frailty == ()


def test_frailty_resolved_after_the_as_of_date_still_counts_in_a_replay() -> None:
    resource = frailty("resolved", abatement=date(2025, 7, 1), onset=CODED)
    (found,) = chart(resource).context.frailty
    assert found.code == "R54"


def test_a_frailty_word_in_text_alone_is_not_frailty_coded() -> None:
    resource = frailty()
    resource["code"] = {"text": "Frailty"}
    assert chart(resource).context.frailty == ()


# --- a site's own codes ---------------------------------------------------------------------------


def test_frailty_under_a_local_code_is_read_only_through_the_site_map() -> None:
    """Epic may file the problem under its own diagnosis id only; `[codes]` maps it to R54."""
    resource = frailty(id="cond-local")
    resource["code"] = {
        "coding": [{"system": EPIC_DIAGNOSIS, "code": "508723", "display": "Frailty"}],
        "text": "Frailty",
    }
    assert chart(resource).context.frailty == ()
    site = SiteCodes(local_codes=(LocalCode(EPIC_DIAGNOSIS, "508723", ICD10CM, "R54", "Frailty"),))
    (found,) = chart(resource, site=site).context.frailty
    assert (found.system, found.code, found.onset) == (ICD10CM, "R54", CODED)


# --- stored records ------------------------------------------------------------------------------


def test_frailty_survives_the_record_codec() -> None:
    record = chart(frailty())
    back = record_codec.decode(record_codec.encode(record))
    assert back.context.frailty == record.context.frailty != ()
