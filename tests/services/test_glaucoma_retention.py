"""Review 13 W5: angle-closure glaucoma and urinary retention with a drafted antidepressant
(services/order_checks/drug_disease.py, data/drug_disease_cautions.csv).

Before, a tricyclic drafted at 45 with primary angle-closure glaucoma coded got only "below the
minimum adequate dose; fine for titration", and amitriptyline drafted at 50 with BPH and urinary
retention got no card. Charts are US Core shaped (tests/fixtures/builders.py), mapped by
build_record with the real tables.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as fb

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "p-w5"
TOPIC = "order-drug-disease"
BEERS = "order-older-adult-anticholinergic"
OPTIMISE = "optimize-switch-augment"
Resource = dict[str, Any]

NORTRIPTYLINE_25 = ("317136", "nortriptyline 25 MG Oral Capsule")
AMITRIPTYLINE_50 = ("856845", "amitriptyline hydrochloride 50 MG Oral Tablet")
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")

ANGLE_CLOSURE = (
    fb.ICD10CM,
    "H40.20X0",
    "Unspecified primary angle-closure glaucoma, stage unspecified",
)
OPEN_ANGLE = (fb.ICD10CM, "H40.1130", "Primary open-angle glaucoma, bilateral, stage unspecified")
NARROW_ANGLE = (fb.ICD10CM, "H40.033", "Anatomical narrow angle, bilateral")
RETENTION = (fb.ICD10CM, "R33.9", "Retention of urine, unspecified")
BPH_LUTS = (fb.ICD10CM, "N40.1", "Benign prostatic hyperplasia with lower urinary tract symptoms")


def problem(code: tuple[str, str, str], *, id: str) -> Resource:
    return fb.condition(*code, date(2023, 4, 11), category="problem-list-item", patient=P, id=id)


def drafted(drug: tuple[str, str], *, tablets: float = 1, per_day: int = 1) -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        AS_OF,
        dose_value=tablets,
        frequency=per_day,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-1",
    )


def chart(
    *extra: Resource, drafts: tuple[Resource, ...] = (), born: date = date(1980, 3, 1)
) -> PatientRecord:
    """MDD (F33.1), PHQ-9 17; aged 45 on AS_OF unless `born` says otherwise."""
    resources: list[Resource] = [
        fb.patient(id=P, given="Lee", family="Tran", gender="male", birth_date=born),
        fb.condition(
            fb.ICD10CM,
            "F33.1",
            "Major depressive disorder, recurrent, moderate",
            date(2024, 1, 10),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        *fb.phq9(date(2025, 5, 19), 17, item9=0, patient=P),
        *extra,
    ]
    for resource in [*resources, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def at_order(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook="order-select")}


def test_tricyclic_with_angle_closure_glaucoma_is_a_warning_naming_the_condition() -> None:
    """Chart g1b: nortriptyline 25 mg twice a day drafted at 45."""
    record = chart(
        problem(ANGLE_CLOSURE, id="glaucoma"),
        drafts=(drafted(NORTRIPTYLINE_25, per_day=2),),
    )
    card = at_order(record)[TOPIC]
    assert card.indicator is Indicator.WARNING
    assert "angle-closure glaucoma" in card.summary and "H40.20X0" in card.summary
    assert "H40.20X0" in card.detail and "Condition/glaucoma" not in card.detail
    assert "since 2023-04-11" in card.detail
    assert "iridotomy" in card.detail
    assert card.source.label == "tricyclic labels (angle-closure glaucoma)"


def test_anatomical_narrow_angle_counts_too() -> None:
    record = chart(problem(NARROW_ANGLE, id="narrow"), drafts=(drafted(NORTRIPTYLINE_25),))
    assert "H40.033" in at_order(record)[TOPIC].detail


def test_an_ssri_with_angle_closure_is_information_as_its_label_frames_it() -> None:
    record = chart(problem(ANGLE_CLOSURE, id="glaucoma"), drafts=(drafted(SERTRALINE_50),))
    card = at_order(record)[TOPIC]
    assert card.indicator is Indicator.INFO
    assert "narrow-angle precaution" in card.summary
    assert "patent iridectomy" in card.detail
    assert "SSRI and SNRI labels" in card.source.label


def test_open_angle_glaucoma_gives_no_card() -> None:
    """H40.1x is not what the labels warn of: no card (noise)."""
    for drug in (NORTRIPTYLINE_25, SERTRALINE_50):
        record = chart(problem(OPEN_ANGLE, id="poag"), drafts=(drafted(drug),))
        assert TOPIC not in at_order(record)


@pytest.mark.parametrize("code", [RETENTION, BPH_LUTS])
def test_tricyclic_with_urinary_retention_or_bph_with_luts_is_a_warning(
    code: tuple[str, str, str],
) -> None:
    """Chart g3b: amitriptyline 50 drafted at 50 with BPH and retention."""
    record = chart(
        problem(code, id="urology"), drafts=(drafted(AMITRIPTYLINE_50),), born=date(1975, 2, 1)
    )
    card = at_order(record)[TOPIC]
    assert card.indicator is Indicator.WARNING
    assert "urinary retention" in card.summary
    assert code[1] in card.detail
    assert "AGS Beers 2023 Table 3" in card.source.label


def test_an_ssri_with_urinary_retention_gives_no_card() -> None:
    record = chart(problem(RETENTION, id="urology"), drafts=(drafted(SERTRALINE_50),))
    assert TOPIC not in at_order(record)


def test_both_conditions_are_one_card_with_two_lines() -> None:
    record = chart(
        problem(ANGLE_CLOSURE, id="glaucoma"),
        problem(BPH_LUTS, id="bph"),
        drafts=(drafted(AMITRIPTYLINE_50),),
    )
    card = at_order(record)[TOPIC]
    assert "angle-closure glaucoma and urinary retention" in card.summary
    assert "H40.20X0" in card.detail and "N40.1" in card.detail


def test_at_65_the_beers_card_says_it_and_there_is_no_second_card() -> None:
    """The Beers card already warns of the anticholinergic load from 65: the condition is a line
    on it, not a second card."""
    record = chart(
        problem(ANGLE_CLOSURE, id="glaucoma"),
        problem(RETENTION, id="urology"),
        drafts=(drafted(AMITRIPTYLINE_50),),
        born=date(1950, 1, 1),
    )
    cards = at_order(record)
    assert TOPIC not in cards
    beers = cards[BEERS]
    # Each condition named as coded (audit 16 f04), not by the kind it is filed under.
    assert (
        "**Unspecified primary angle-closure glaucoma, stage unspecified on record**"
        in beers.detail
    )
    assert "**Retention of urine, unspecified on record**" in beers.detail


def test_at_65_an_ssri_not_on_the_beers_list_keeps_its_own_card() -> None:
    record = chart(
        problem(ANGLE_CLOSURE, id="glaucoma"),
        drafts=(drafted(SERTRALINE_50),),
        born=date(1950, 1, 1),
    )
    cards = at_order(record)
    assert BEERS not in cards
    assert cards[TOPIC].indicator is Indicator.INFO


def _running_nortriptyline() -> Resource:
    """Nortriptyline 25 mg twice a day since 2025-01-06 (below its 75 mg/day minimum)."""
    return fb.medication_request(
        *NORTRIPTYLINE_25,
        date(2025, 1, 6),
        dose_value=1,
        frequency=2,
        status="active",
        expected_supply_days=30,
        repeats=11,
        patient=P,
        id="mr-nort",
    )


def _optimise_orders(card: Recommendation) -> list[str]:
    return [
        s.label
        for s in card.suggestions
        if any(
            a.resource is not None and a.resource.get("resourceType") == "MedicationRequest"
            for a in s.actions
        )
    ]


def test_a_raise_of_a_running_tricyclic_is_not_one_click_with_angle_closure_coded() -> None:
    plain = {r.topic: r for r in patient_view(chart(_running_nortriptyline()), Policy())}
    raise_labels = [s for s in _optimise_orders(plain[OPTIMISE]) if "nortriptyline" in s.lower()]
    assert raise_labels, "the optimise card proposes a nortriptyline raise without glaucoma"
    record = chart(_running_nortriptyline(), problem(ANGLE_CLOSURE, id="glaucoma"))
    card = {r.topic: r for r in patient_view(record, Policy())}[OPTIMISE]
    assert not [s for s in _optimise_orders(card) if "nortriptyline" in s.lower()]
    assert "Angle-closure glaucoma on record" in card.detail
    assert all(label in card.detail for label in raise_labels)
