"""The frail-elderly case of issue 12: ECT first among the options beyond medication for an older
adult (policy.older_adult_age), with coded frailty named as part of the basis, and a clinic's
choice to require the frailty code as well (policy.older_adult_requires_frailty).

Charts are the trd_meets_tms scenario (two adequate trials failed, PHQ-9 18) with the patient
born in January 1947 (78 on 2025-06-02) and frailty on the problem list as Epic / US Core send it
(ICD-10-CM R54 with SNOMED CT 248279007 beside it), mapped by the real mapping.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services import pathway_options
from services.patient_view import patient_view
from services.policy import Policy, load_policy
from tests.fixtures import builders as b
from tests.fixtures import scenarios
from tests.services.helpers import tms_sessions, weekdays

CODED = date(2024, 3, 1)
FAILED = 2  # trd_meets_tms: sertraline and venlafaxine, both adequate and failed
ECT_FIRST_AT_78 = (
    "**Beyond medication** (CANMAT 2023 second line, Level 1): ECT (65-75 % response; "
    "anaesthesia, transient memory effects; at age 78: may be especially effective in older patients (CANMAT 2023 para 215)"
)
FRAILTY_BASIS = "; frailty coded (R54, 2024-03-01))"
NOT_RANKED = (
    "**Beyond medication** (CANMAT 2023 second line, Level 1): ECT (65-75 % response; "
    "anaesthesia, transient memory effects); esketamine nasal spray"
)
REQUIRE_FRAILTY = Policy(older_adult_requires_frailty=True)


def frailty_condition(patient: str, clinical_status: str = "active", **kw: Any) -> dict[str, Any]:
    return b.condition(
        b.ICD10CM,
        "R54",
        "Age-related physical debility",
        CODED,
        clinical_status,
        kw.pop("verification", "confirmed"),
        category="problem-list-item",
        patient=patient,
        extra_codings=[(b.SNOMED, "248279007", "Frailty (finding)")],
        text="Frailty",
        id="cond-frailty",
        **kw,
    )


def chart(
    birth: date = date(1947, 1, 9),
    *,
    coded: bool = False,
    extra: Sequence[dict[str, Any]] = (),
    **status: Any,
) -> PatientRecord:
    """trd_meets_tms with the patient born on `birth`; with `coded`, frailty on the problem list
    (active and confirmed unless `status` says otherwise)."""
    s = scenarios.trd_meets_tms()
    resources = [r for r in s.resources if r["resourceType"] != "Patient"]
    resources.append(
        b.patient(
            id=s.patient_id, given="Dana", family="Whitfield", gender="female", birth_date=birth
        )
    )
    if coded:
        condition = frailty_condition(s.patient_id, **status)
        get_fhir_model_class("Condition").model_validate(condition)
        resources.append(condition)
    resources.extend(extra)
    return build_record(resources, as_of=s.as_of, patient_id=s.patient_id, policy=Policy().mapping)


def beyond(record: PatientRecord, policy: Policy | None = None) -> str:
    """The line as the optimise card words it, given the record's coded frailty."""
    return pathway_options.beyond_medication(
        FAILED, record.patient.age, policy or Policy(), frailty=record.context.frailty
    )


def optimise_card(record: PatientRecord, policy: Policy | None = None) -> str:
    (card,) = [
        r for r in patient_view(record, policy or Policy()) if r.topic == "optimize-switch-augment"
    ]
    return next(s for s in card.detail.split("\n\n") if s.startswith("**Beyond medication**"))


# --- frail and 78 ---------------------------------------------------------------------------------


@pytest.mark.real_drug_table
def test_frail_78_year_old_with_trd_gets_ect_then_esketamine_first_with_frailty_named() -> None:
    record = chart(coded=True)
    assert record.patient.age == 78 and len(record.context.frailty) == 1
    line = beyond(record)
    assert line.startswith(ECT_FIRST_AT_78 + FRAILTY_BASIS)
    assert line.index("ECT") < line.index("esketamine") < line.index("IV ketamine")
    # The optimise card puts ECT first at 78 and names the coded frailty as part of its basis.
    card = optimise_card(record)
    assert card.startswith(ECT_FIRST_AT_78 + FRAILTY_BASIS)
    assert card.index("ECT") < card.index("esketamine") < card.index("IV ketamine")


@pytest.mark.real_drug_table
def test_frail_78_year_old_gets_ect_first_also_where_the_clinic_requires_the_code() -> None:
    assert beyond(chart(coded=True), REQUIRE_FRAILTY).startswith(ECT_FIRST_AT_78 + FRAILTY_BASIS)


# --- frailty that is not (resolved, refuted, entered in error) -----------------------------------


@pytest.mark.real_drug_table
@pytest.mark.parametrize(
    "status",
    [
        {"clinical_status": "resolved", "abatement": date(2024, 10, 1)},
        {"verification": "refuted"},
        {"verification": "entered-in-error"},
    ],
    ids=["resolved", "refuted", "entered-in-error"],
)
def test_frailty_resolved_refuted_or_in_error_is_not_frailty_on_the_card(
    status: dict[str, Any],
) -> None:
    record = chart(coded=True, **status)
    assert record.context.frailty == ()
    # Default policy: ECT still first at 78, on age alone, and no frailty is claimed.
    assert beyond(record).startswith(ECT_FIRST_AT_78 + ");")
    assert "frailty" not in beyond(record)
    # Where the clinic requires the code, nothing ranks ECT first.
    assert beyond(record, REQUIRE_FRAILTY).startswith(NOT_RANKED)


# --- 78 without frailty on the chart --------------------------------------------------------------


@pytest.mark.real_drug_table
def test_78_year_old_without_frailty_gets_ect_first_on_age_alone_by_default() -> None:
    """The documented default (policy.older_adult_requires_frailty False): CANMAT 2023 para 215
    speaks of older patients, and a chart without a frailty code does not show the patient is not
    frail, so the code's absence does not demote ECT."""
    record = chart()
    assert record.context.frailty == ()
    assert beyond(record).startswith(ECT_FIRST_AT_78 + ");")
    assert optimise_card(record).startswith(ECT_FIRST_AT_78 + ");")


@pytest.mark.real_drug_table
def test_78_year_old_without_frailty_is_not_ranked_where_the_clinic_requires_the_code() -> None:
    record = chart()
    assert beyond(record, REQUIRE_FRAILTY).startswith(NOT_RANKED)
    assert optimise_card(record, REQUIRE_FRAILTY).startswith(NOT_RANKED)


@pytest.mark.real_drug_table
def test_frailty_below_the_older_adult_age_does_not_rank_ect_first() -> None:
    record = chart(date(1965, 2, 1), coded=True)  # 60, frailty coded
    assert record.patient.age == 60 and record.context.frailty
    assert beyond(record).startswith(NOT_RANKED)
    assert beyond(record, REQUIRE_FRAILTY).startswith(NOT_RANKED)


def test_frailty_requirement_is_read_from_the_policy_table() -> None:
    assert load_policy(None).older_adult_requires_frailty is False
    assert load_policy({"older_adult_requires_frailty": True}).older_adult_requires_frailty is True


@pytest.mark.real_drug_table
def test_a_frail_patient_whose_tms_course_fails_gets_ect_first_with_frailty_named() -> None:
    """The TMS-course card (services/rules/tms_course.py) names the options beyond medication
    when a course has no response by week 6: for a frail 78-year-old, ECT first, frailty named."""
    patient = scenarios.trd_meets_tms().patient_id
    sessions = tms_sessions(weekdays(date(2025, 4, 21), date(2025, 5, 30)), patient)
    scores = [*b.phq9(date(2025, 4, 18), 20, 0, patient=patient)]
    scores += b.phq9(date(2025, 5, 29), 16, 0, patient=patient)
    record = chart(coded=True, extra=[*sessions, *scores])
    (card,) = [r for r in patient_view(record, Policy()) if r.topic == "tms-course"]
    assert card.summary.endswith("no response by week 6: review the course")
    assert ECT_FIRST_AT_78 + FRAILTY_BASIS in (card.detail or "")
