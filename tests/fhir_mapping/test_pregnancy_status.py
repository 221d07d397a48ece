"""Review 10 finding 3: pregnancy recorded as the US Core Pregnancy Status Observation (LOINC
82810-3) and an estimated delivery date is read as a pregnancy finding, as a Z33.1 Condition is.

The Observations are written as US Core publishes its example (Observation/pregnancy-status:
category social-history, value SNOMED CT 77386006, an instant with "Z"), as the IPS writes the
EDD (its own Observation, 11778-8 or a method-specific code, valueDateTime) and as a C-CDA
conversion writes both (ccda_to_fhir: the EDD as a component of 82810-3, SNOMED CT under its OID).
Every resource validates against fhir.resources R4B.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from fhir_mapping import build, pregnancy
from fhir_mapping.build import build_record
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import DataDomain, Finding, FindingKind, PatientRecord, SourceRef
from tests.fhir_mapping import fhir_resources as fr

AS_OF = date(2025, 6, 2)
Resource = dict[str, Any]

US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition/"
SNOMED_OID = "urn:oid:2.16.840.1.113883.6.96"
PREGNANT = ("77386006", "Pregnant")
NOT_PREGNANT = ("60001007", "Not pregnant")
POSSIBLE = ("102874004", "Possible pregnancy")
UNKNOWN = ("261665006", "Unknown")


def _instant(day: date) -> str:
    return f"{day.isoformat()}T10:39:52Z"


def status(
    oid: str,
    day: date | None,
    value: tuple[str, str] | None = PREGNANT,
    *,
    obs_status: str = "final",
    value_system: str = fr.SNOMED,
    extra: dict[str, Any] | None = None,
) -> Resource:
    """A US Core Pregnancy Status Observation as the US Core example writes it."""
    resource: Resource = {
        "resourceType": "Observation",
        "id": oid,
        "meta": {"profile": [US_CORE + "us-core-observation-pregnancystatus"]},
        "status": obs_status,
        "category": [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                        "code": "social-history",
                        "display": "Social History",
                    }
                ]
            }
        ],
        "code": {
            "coding": [{"system": fr.LOINC, "code": "82810-3", "display": "Pregnancy status"}],
            "text": "Pregnancy Status",
        },
        "subject": fr.subject(),
        "performer": [{"reference": "Practitioner/practitioner-1"}],
    }
    if day is not None:
        resource["effectiveDateTime"] = _instant(day)
    if value is not None:
        code, display = value
        resource["valueCodeableConcept"] = {
            "coding": [{"system": value_system, "code": code, "display": display}]
        }
    resource.update(extra or {})
    return resource


def edd(oid: str, day: date, due: str, code: str = "11778-8") -> Resource:
    """An estimated delivery date as its own Observation (IPS Observation-pregnancy-edd)."""
    display = {
        "11778-8": "Delivery date Estimated",
        "11779-6": "Delivery date Estimated from last menstrual period",
        "11780-4": "Delivery date Estimated from ovulation date",
    }[code]
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": fr.LOINC, "code": code, "display": display}]},
        "subject": fr.subject(),
        "effectiveDateTime": day.isoformat(),
        "performer": [{"reference": "Practitioner/practitioner-1"}],
        "valueDateTime": due,
    }


def record(*resources: Resource, policy: MappingPolicy | None = None) -> PatientRecord:
    fr.assert_valid(resources)
    return build_record(
        [fr.patient(birth="1993-03-03"), *resources],
        as_of=AS_OF,
        patient_id=fr.PATIENT,
        policy=policy,
    )


def pregnancies(*resources: Resource, policy: MappingPolicy | None = None) -> list[Finding]:
    found = record(*resources, policy=policy).context.findings
    return [f for f in found if f.kind is FindingKind.PREGNANCY]


# --- what is read -------------------------------------------------------------------------------


def test_us_core_pregnancy_status_with_an_edd_is_a_pregnancy_finding() -> None:
    chart = record(status("preg", date(2025, 5, 19)), edd("edd", date(2025, 5, 19), "2025-11-20"))
    (found,) = [f for f in chart.context.findings if f.kind is FindingKind.PREGNANCY]
    assert found == Finding(
        FindingKind.PREGNANCY,
        "77386006",
        fr.SNOMED,
        "Pregnancy status: Pregnant; estimated delivery 2025-11-20",
        date(2025, 5, 19),
        SourceRef("Observation", "preg"),
        edd=date(2025, 11, 20),  # the dating, for the gestational age (review s21 RD 8)
    )
    assert chart.resources_skipped == 0  # both read, none dropped
    assert chart.gaps == ()


def test_a_ccda_conversion_with_the_edd_as_a_component_and_snomed_under_its_oid() -> None:
    converted = status(
        "ccda-preg",
        date(2025, 4, 1),
        value_system=SNOMED_OID,
        extra={
            "identifier": [{"system": "urn:oid:2.16.840.1.113883.19", "value": "123456789"}],
            "component": [
                {
                    "code": {
                        "coding": [
                            {
                                "system": fr.LOINC,
                                "code": "11778-8",
                                "display": "Delivery date Estimated",
                            }
                        ]
                    },
                    "valueDateTime": "2025-10-30",
                }
            ],
        },
    )
    (found,) = pregnancies(converted)
    assert found.display == "Pregnancy status: Pregnant; estimated delivery 2025-10-30"
    assert found.coding == "SNOMED CT 77386006"


def test_an_ips_edd_alone_in_the_future_is_a_pregnancy() -> None:
    (found,) = pregnancies(edd("edd", date(2025, 3, 10), "2025-10-01", code="11779-6"))
    assert found.display == "Estimated delivery date 2025-10-01"
    assert (found.system, found.code, found.onset) == (fr.LOINC, "11779-6", date(2025, 3, 10))


def test_ips_loinc_answer_and_possible_pregnancy_count() -> None:
    loinc = status("p1", date(2025, 5, 1), ("LA15173-0", "Pregnant"), value_system=fr.LOINC)
    assert [f.display for f in pregnancies(loinc)] == ["Pregnancy status: Pregnant"]
    (possible,) = pregnancies(status("p2", date(2025, 5, 1), POSSIBLE))
    assert possible.display == "Pregnancy status: Possible pregnancy"


def test_a_value_sent_only_as_text_is_read_whole_so_not_pregnant_is_never_pregnant() -> None:
    def typed(text: str) -> Resource:
        return status("t", date(2025, 5, 1), None, extra={"valueCodeableConcept": {"text": text}})

    (found,) = pregnancies(typed("Pregnant"))
    assert (found.coding, found.display) == ("typed in", "Pregnancy status: Pregnant")
    assert pregnancies(typed("Not pregnant")) == []
    # ... and a "Not pregnant" typed in ends an earlier coded "Pregnant".
    assert pregnancies(status("p", date(2025, 1, 6)), typed("Not pregnant")) == []


# --- the latest reading decides -----------------------------------------------------------------


def test_a_later_not_pregnant_ends_it_and_a_later_pregnant_starts_again() -> None:
    earlier = status("p1", date(2025, 1, 6))
    ended = status("n1", date(2025, 4, 2), NOT_PREGNANT)
    assert pregnancies(earlier, ended, edd("e1", date(2025, 1, 6), "2025-09-01")) == []
    again = status("p2", date(2025, 5, 20))
    (found,) = pregnancies(earlier, ended, again)
    assert found.source == SourceRef("Observation", "p2")


def test_not_pregnant_the_same_day_as_pregnant_leaves_the_pregnancy() -> None:
    """Two readings of one day: the pregnancy counts (a missed one drops the caveats)."""
    day = date(2025, 5, 19)
    assert len(pregnancies(status("n", day, NOT_PREGNANT), status("p", day))) == 1


def test_unknown_and_a_preliminary_not_pregnant_end_nothing() -> None:
    pregnant = status("p", date(2025, 3, 3))
    unknown = status("u", date(2025, 5, 1), UNKNOWN)
    preliminary = status("n", date(2025, 5, 2), NOT_PREGNANT, obs_status="preliminary")
    null_flavor = status(
        "unk",
        date(2025, 5, 3),
        ("UNK", "Unknown"),
        value_system="http://terminology.hl7.org/CodeSystem/v3-NullFlavor",
    )
    assert len(pregnancies(pregnant, unknown, preliminary, null_flavor)) == 1
    assert pregnancies(unknown) == []  # unknown alone is no pregnancy


def test_entered_in_error_and_readings_after_as_of_are_not_read() -> None:
    assert pregnancies(status("p", date(2025, 5, 1), obs_status="entered-in-error")) == []
    assert pregnancies(status("p", AS_OF + timedelta(days=1))) == []
    # A "Not pregnant" written after as-of does not end it either (a replay of that day).
    later = status("n", AS_OF + timedelta(days=3), NOT_PREGNANT)
    assert len(pregnancies(status("p", date(2025, 5, 1)), later)) == 1


# --- how long a reading counts ------------------------------------------------------------------


def test_an_edd_past_by_more_than_two_weeks_ends_it_and_within_two_weeks_does_not() -> None:
    recorded = date(2024, 9, 2)
    delivered = AS_OF - timedelta(days=15)
    overdue = AS_OF - timedelta(days=14)
    assert pregnancies(status("p", recorded), edd("e", recorded, delivered.isoformat())) == []
    assert len(pregnancies(status("p", recorded), edd("e", recorded, overdue.isoformat()))) == 1


def test_a_month_only_edd_counts_to_the_end_of_its_month() -> None:
    # "2025-05": due some day in May; read as 31 May, so still counted on 2 June.
    assert len(pregnancies(edd("e", date(2024, 10, 1), "2025-05"))) == 1


def test_without_an_edd_pregnant_counts_for_42_weeks_and_the_clinic_may_change_it() -> None:
    within = status("p", AS_OF - timedelta(weeks=42))
    beyond = status("p", AS_OF - timedelta(weeks=42, days=1))
    assert len(pregnancies(within)) == 1
    assert pregnancies(beyond) == []
    shorter = replace(MappingPolicy(), pregnancy_status_weeks=30.0)
    assert pregnancies(within, policy=shorter) == []
    assert len(pregnancies(status("p", AS_OF - timedelta(weeks=30)), policy=shorter)) == 1


def test_an_edd_of_an_earlier_pregnancy_does_not_end_a_new_one() -> None:
    old_edd = edd("e-2023", date(2023, 2, 1), "2023-09-15")
    (found,) = pregnancies(old_edd, status("p", date(2025, 5, 1)))
    assert found.display == "Pregnancy status: Pregnant"


def test_a_revised_edd_wins_over_the_first_estimate() -> None:
    first = edd("e1", date(2025, 1, 6), "2025-05-01")  # past by 32 days
    revised = edd("e2", date(2025, 3, 3), "2025-07-20")
    (found,) = pregnancies(status("p", date(2025, 1, 6)), first, revised)
    assert found.display == "Pregnancy status: Pregnant; estimated delivery 2025-07-20"


# --- never silent -------------------------------------------------------------------------------


def test_an_undated_status_or_an_unreadable_value_is_a_gap_not_silence() -> None:
    undated = status("undated", None)
    odd = status("odd", date(2025, 5, 1), ("999999", "Something else"))
    chart = record(undated, odd)
    assert not [f for f in chart.context.findings if f.kind is FindingKind.PREGNANCY]
    assert [(g.domain, g.source, g.reason) for g in chart.gaps] == [
        (
            DataDomain.CONDITIONS,
            SourceRef("Observation", "undated"),
            "pregnancy status with no date",
        ),
        (
            DataDomain.CONDITIONS,
            SourceRef("Observation", "odd"),
            "pregnancy status whose value names no status",
        ),
    ]


def test_vitals_are_not_taken_for_pregnancy() -> None:
    weight = fr.lab("w", "29463-7", "Body weight", date(2025, 5, 1), 70.0, "kg")
    assert not pregnancy.wants(weight)
    assert build._observation_reads(weight) is build._NO_READER
    assert pregnancy.wants(status("p", date(2025, 5, 1)))


def test_the_observation_walk_tells_pregnancy_apart_as_pregnancy_wants_does() -> None:
    # build_record sorts Observations by one walk of their codings (issue 14): a pregnancy status
    # or EDD is told there, so a vital sign is not walked a second time. The walk answers what
    # pregnancy.wants answers for every Observation no other reader takes.
    from tests.fixtures import sizes

    chart = sizes.sized_unread(300)
    observations = [
        entry["resource"]
        for value in chart["prefetch"].values()
        if isinstance(value, dict)
        for entry in value.get("entry", [])
        if entry["resource"]["resourceType"] == "Observation"
    ]
    observations += [
        status("p1", date(2025, 5, 1)),
        edd("e1", date(2025, 5, 1), "2025-11-20"),
        edd("e2", date(2025, 5, 1), "2025-11-20", code="11779-6"),
    ]
    told = 0
    for resource in observations:
        reads = build._observation_reads(resource)
        if reads is build._PREGNANCY_READER:
            told += 1
            assert pregnancy.wants(resource)
        elif reads is build._NO_READER:
            assert not pregnancy.wants(resource)
    assert told == 3
    assert build._PREGNANCY_READER is not build._NO_READER
