"""Review 13 W4 and M7: a CYP2C19 / CYP2D6 result on record, used at the order and on the optimise
card (services/order_checks/pgx.py, services/pgx_doses.py, data/pgx_doses.csv).

Before: citalopram 40 mg/day drafted for a CYP2C19 poor metabolizer (Celexa: at most 20 mg/day),
vortioxetine 20 (Trintellix: at most 10) and aripiprazole 10 (Abilify: half the usual dose) for
CYP2D6 poor metabolizers got no word on it; the optimise card still suggested pharmacogenomic
testing with the result on record.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord, PgxResult
from services import pathway_options
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fhir_mapping.test_pgx import genotype, phenotype
from tests.fixtures import builders as fb

pytestmark = pytest.mark.real_drug_table

REPO = Path(__file__).resolve().parents[2]
AS_OF = date(2025, 6, 2)
P = "p-pgx"
TOPIC = "order-pgx-dose"
Resource = dict[str, Any]

CITALOPRAM_40 = ("309314", "citalopram 40 MG Oral Tablet")
CITALOPRAM_20 = ("200371", "citalopram 20 MG Oral Tablet")
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")
VORTIOXETINE_20 = ("1439810", "vortioxetine 20 MG Oral Tablet")
VORTIOXETINE_10 = ("1439808", "vortioxetine 10 MG Oral Tablet")
ARIPIPRAZOLE_5 = ("349545", "aripiprazole 5 MG Oral Tablet")
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")

CYP2C19_PM = phenotype("CYP2C19", "poor", date(2024, 8, 1), rid="pgx-2c19")
CYP2D6_PM = phenotype("CYP2D6", "poor", date(2024, 8, 1), rid="pgx-2d6")


def drafted(drug: tuple[str, str], tablets: float = 1) -> Resource:
    return fb.medication_request(
        *drug,
        AS_OF,
        dose_value=tablets,
        frequency=1,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-1",
    )


def chart(
    *extra: Resource,
    drafts: tuple[Resource, ...] = (),
    born: date = date(1975, 5, 5),
    unavailable: dict[str, str] | None = None,
) -> PatientRecord:
    resources: list[Resource] = [
        fb.patient(id=P, given="Ann", family="Lee", gender="female", birth_date=born),
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
    return build_record(
        resources, as_of=AS_OF, patient_id=P, draft_orders=drafts, unavailable=unavailable
    )


def at_order(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook="order-select")}


def test_citalopram_40_for_a_cyp2c19_poor_metabolizer_is_a_warning() -> None:
    """Chart p1."""
    card = at_order(chart(CYP2C19_PM, drafts=(drafted(CITALOPRAM_40),)))[TOPIC]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Citalopram 40 mg/day with a CYP2C19 poor metabolizer result (2024-08-01): "
        "at most 20 mg/day (Celexa label 2.2)"
    )
    assert "CYP2C19 poor metabolizer on record (2024-08-01)." in card.detail
    assert "Observation/pgx-2c19" not in card.detail
    assert "20 mg/day is the maximum recommended dose in CYP2C19 poor metabolizers" in card.detail
    assert card.source.label == "Celexa label 2.2"


def test_citalopram_within_the_limit_gets_no_card() -> None:
    assert TOPIC not in at_order(chart(CYP2C19_PM, drafts=(drafted(CITALOPRAM_20),)))


def test_vortioxetine_20_for_a_cyp2d6_poor_metabolizer_is_a_warning() -> None:
    """Chart p2; 10 mg/day is the label's maximum, so 10 gets no card."""
    card = at_order(chart(CYP2D6_PM, drafts=(drafted(VORTIOXETINE_20),)))[TOPIC]
    assert card.indicator is Indicator.WARNING
    assert "Trintellix label 2.6" in card.summary and "20 mg/day" in card.summary
    assert TOPIC not in at_order(chart(CYP2D6_PM, drafts=(drafted(VORTIOXETINE_10),)))


def test_aripiprazole_10_for_a_cyp2d6_poor_metabolizer_is_a_warning() -> None:
    """Chart p3: half the usual dose (7.5 mg/day, half the 15 mg/day MDD adjunct maximum)."""
    card = at_order(chart(CYP2D6_PM, drafts=(drafted(ARIPIPRAZOLE_5, tablets=2),)))[TOPIC]
    assert card.indicator is Indicator.WARNING
    assert "half of the usual dose" in card.detail and "7.5 mg/day" in card.detail
    assert "Abilify label 2.7" in card.source.label


def test_escitalopram_has_no_label_limit_so_the_guideline_line_is_information() -> None:
    card = at_order(chart(CYP2C19_PM, drafts=(drafted(ESCITALOPRAM_20),)))[TOPIC]
    assert card.indicator is Indicator.INFO
    assert "CPIC" in card.detail and "DPWG" in card.detail and "10 mg/day" in card.detail


def test_a_normal_metabolizer_or_a_drug_without_a_row_gets_no_card() -> None:
    normal = phenotype("CYP2C19", "normal", date(2024, 8, 1), rid="pgx-n")
    assert TOPIC not in at_order(chart(normal, drafts=(drafted(CITALOPRAM_40),)))
    assert TOPIC not in at_order(chart(CYP2C19_PM, drafts=(drafted(SERTRALINE_50),)))


def test_a_genotype_alone_is_named_not_interpreted_never_read_as_poor() -> None:
    only = genotype("CYP2C19", "*2/*2", date(2024, 8, 1), rid="geno-1")
    card = at_order(chart(only, drafts=(drafted(CITALOPRAM_40),)))[TOPIC]
    assert card.indicator is Indicator.INFO
    assert "not interpreted as a phenotype" in card.summary
    assert "Ask the lab" in card.detail and "poor metabolizer on record" not in card.detail


def test_pgx_not_sent_is_named_only_where_a_result_would_change_the_order() -> None:
    """The `pgx` key not sent: citalopram 40 at 65 gets the age-limit card, which then names the
    PGx data not read; citalopram 20 (within the poor-metabolizer limit) names nothing, and no
    chart-open card ever does."""
    gone = {"Observation:pgx": "prefetch key 'pgx' was not sent"}
    over = at_order(
        chart(drafts=(drafted(CITALOPRAM_40),), born=date(1960, 1, 1), unavailable=gone)
    )
    assert TOPIC not in over
    named = [r for r in over.values() if "Pharmacogenomic result not read" in r.detail]
    assert len(named) == 1 and "Celexa label 2.2" in named[0].detail
    within = at_order(
        chart(drafts=(drafted(CITALOPRAM_20),), born=date(1960, 1, 1), unavailable=gone)
    )
    assert not any("harmacogenomic" in r.detail for r in within.values())
    for card in patient_view(chart(unavailable=gone), Policy()):
        assert "harmacogenomic" not in card.detail


def test_the_optimise_line_names_a_result_instead_of_suggesting_the_test() -> None:
    """Review 13 M7 (chart p4)."""
    suggest = pathway_options.pgx_line(1)
    assert suggest.startswith("Pharmacogenomic testing may help after a poor response")
    poor = PgxResult("CYP2C19", "poor", date(2024, 8, 1))
    line = pathway_options.pgx_line(2, (poor,))
    assert "testing" not in line
    assert line.startswith("**Pharmacogenomic results on record:** CYP2C19 poor metabolizer")
    assert "citalopram at most 20 mg/day (Celexa label 2.2)" in line
    assert pathway_options.pgx_line(2, (PgxResult("CYP2D6", "normal", date(2024, 8, 1)),)) == ""


def test_the_optimise_card_of_a_trd_chart_with_a_result_on_record() -> None:
    from cds_hooks.offline import evaluate_document

    body = json.loads(
        (REPO / "tests/fixtures/patients/trd_meets_tms.request.json").read_text("utf-8")
    )

    def optimise(request: dict[str, Any]) -> str:
        result = evaluate_document(request, hook="patient-view", as_of=AS_OF, policy=Policy())
        cards = {c.source.topic.code: c for c in result.response.cards if c.source.topic}
        return cards["optimize-switch-augment"].detail or ""

    assert "Pharmacogenomic testing may help" in optimise(body)
    patient = body["context"]["patientId"]
    result = phenotype("CYP2C19", "poor", date(2024, 8, 1), rid="pgx-1", patient=patient)
    body["prefetch"]["pgx"] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": 1,
        "entry": [
            {"fullUrl": "https://ehr.example.org/fhir/Observation/pgx-1", "resource": result}
        ],
    }
    detail = optimise(body)
    assert "Pharmacogenomic testing may help" not in detail
    assert "CYP2C19 poor metabolizer (2024-08-01)" in detail


def test_two_drugs_over_their_limits_make_one_card_naming_each() -> None:
    drafts = (
        drafted(CITALOPRAM_40),
        {**drafted(VORTIOXETINE_20), "id": "draft-2"},
    )
    card = at_order(chart(CYP2C19_PM, CYP2D6_PM, drafts=drafts))[TOPIC]
    assert card.summary.startswith("Citalopram and vortioxetine above their limits")
    assert "**Citalopram 40 mg/day:**" in card.detail
    assert "**Vortioxetine 20 mg/day:**" in card.detail
    assert card.source.label == "Celexa label 2.2; Trintellix label 2.6"
