"""Hepatic impairment (review 12 findings 1, 4, 5, 9): a chronic liver disease or cirrhosis code
against the labels' hepatic limits (services/data/hepatic_doses.csv), nefazodone's boxed warning
(services/data/drug_cautions.csv) and the wider liver code set (condition_codes.csv)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import FindingKind, PatientRecord
from services import hepatic_doses
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as fb

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "pt-hepatic-1"
Resource = dict[str, Any]
HEPATIC = "order-hepatic-dose"
RUNNING = "running-drug-hepatic"
CONTRAINDICATED = "order-drug-contraindicated"
# A label warning (nefazodone's boxed warning, duloxetine's "avoid"): its own topic.
CAUTION = "order-drug-caution"

SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
DULOXETINE_60 = ("596934", "duloxetine 60 MG Delayed Release Oral Capsule")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
NEFAZODONE_200 = ("1098670", "nefazodone hydrochloride 200 MG Oral Tablet")

CIRRHOSIS = (fb.ICD10CM, "K74.60", "Unspecified cirrhosis of liver")
ONSET = date(2023, 3, 14)


def liver(system: str, code: str, display: str) -> Resource:
    return fb.condition(
        system, code, display, ONSET, category="problem-list-item", patient=P, id="cond-liver"
    )


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


def running(drug: tuple[str, str], *, tablets: float = 1) -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        date(2025, 2, 3),
        dose_value=tablets,
        status="active",
        expected_supply_days=30,
        repeats=5,
        patient=P,
        id="mr-running",
    )


def chart(*extra: Resource, drafts: tuple[Resource, ...] = ()) -> PatientRecord:
    """MDD (F33.2), aged 52; sertraline 100 mg for 16 weeks without response; PHQ-9 22 -> 21."""
    resources: list[Resource] = [
        fb.patient(id=P, given="Ada", family="Moss", gender="female", birth_date=date(1973, 1, 1)),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 1, 10),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        fb.medication_request(
            *SERTRALINE_100,
            date(2024, 6, 3),
            status="stopped",
            bounds_end=date(2024, 9, 23),
            expected_supply_days=30,
            repeats=3,
            patient=P,
            id="mr-sert",
        ),
        *fb.phq9(date(2024, 6, 3), 22, item9=0, patient=P),
        *fb.phq9(date(2024, 9, 23), 21, item9=0, patient=P),
        *fb.phq9(date(2025, 5, 19), 21, item9=0, patient=P),
        *extra,
    ]
    for resource in [*resources, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def at_order(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook="order-select")}


def screen(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


# --- finding 5: the liver code set ----------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "code", "display"),
    [
        (fb.ICD10CM, "B18.1", "Chronic viral hepatitis B without delta-agent"),
        (fb.ICD10CM, "B18.0", "Chronic viral hepatitis B with delta-agent"),
        (fb.ICD10CM, "K75.81", "Nonalcoholic steatohepatitis (NASH)"),
        (fb.ICD10CM, "K74.3", "Primary biliary cirrhosis"),
        (fb.ICD10CM, "K76.6", "Portal hypertension"),
        (fb.SNOMED, "61977001", "Chronic type B viral hepatitis (disorder)"),
        (fb.SNOMED, "442685003", "Nonalcoholic steatohepatitis (disorder)"),
    ],
)
def test_chronic_hepatitis_b_nash_biliary_cirrhosis_and_portal_hypertension_are_liver_disease(
    system: str, code: str, display: str
) -> None:
    record = chart(liver(system, code, display))
    assert record.context.of(FindingKind.LIVER_DISEASE)


def test_duloxetine_running_with_chronic_hepatitis_b_gets_the_running_caution() -> None:
    """Review 12 h7: B18.1 was not in the set, so duloxetine 60 mg ran with no card."""
    hbv = liver(fb.ICD10CM, "B18.1", "Chronic viral hepatitis B without delta-agent")
    card = screen(chart(hbv, running(DULOXETINE_60)))["running-drug-caution"]
    assert "B18.1" in card.detail and "chronic liver disease" in card.summary


# --- finding 1: nefazodone -----------------------------------------------------------------


def test_nefazodone_drafted_with_cirrhosis_gets_a_warning_naming_the_code_and_boxed_warning() -> (
    None
):
    record = chart(liver(*CIRRHOSIS), drafts=(drafted(NEFAZODONE_200, per_day=2),))
    card = at_order(record)[CAUTION]
    assert card.indicator is Indicator.WARNING
    assert "K74.60" in card.detail and "boxed warning" in card.detail
    assert "transaminases" in card.detail and "2023-03-14" in card.detail


def test_nefazodone_without_a_liver_finding_gets_no_liver_card() -> None:
    cards = at_order(chart(drafts=(drafted(NEFAZODONE_200, per_day=2),)))
    assert CAUTION not in cards and CONTRAINDICATED not in cards and HEPATIC not in cards


# --- finding 4: order check ------------------------------------------------------------------


def test_escitalopram_20_with_cirrhosis_is_above_the_labelled_10_mg() -> None:
    record = chart(liver(*CIRRHOSIS), drafts=(drafted(ESCITALOPRAM_10, tablets=2),))
    card = at_order(record)[HEPATIC]
    assert card.indicator is Indicator.WARNING
    assert "Escitalopram 20 mg/day" in card.summary and "10 mg/day" in card.summary
    assert "K74.60" in card.detail and "2023-03-14" in card.detail
    assert "Lexapro label" in card.detail and "Child-Pugh class is not on record" in card.detail


def test_escitalopram_10_with_cirrhosis_is_within_the_label_and_gets_no_card() -> None:
    record = chart(liver(*CIRRHOSIS), drafts=(drafted(ESCITALOPRAM_10),))
    assert HEPATIC not in at_order(record)


def test_escitalopram_20_without_a_liver_code_gets_no_hepatic_card() -> None:
    assert HEPATIC not in at_order(chart(drafts=(drafted(ESCITALOPRAM_10, tablets=2),)))


def test_venlafaxine_drafted_with_cirrhosis_asks_for_the_halved_dose() -> None:
    record = chart(liver(*CIRRHOSIS), drafts=(drafted(VENLAFAXINE_150),))
    card = at_order(record)[HEPATIC]
    assert "50 %" in card.summary and "Effexor XR label" in card.detail


# --- finding 9: running drug and the switch list -------------------------------------------


def test_venlafaxine_150_running_with_cirrhosis_gets_a_running_hepatic_card() -> None:
    card = screen(chart(liver(*CIRRHOSIS), running(VENLAFAXINE_150)))[RUNNING]
    assert card.indicator is Indicator.WARNING
    assert "Venlafaxine 150 mg/day running" in card.summary and "K74.60" in card.summary
    assert "Child-Pugh class is not on record" in card.detail


def test_venlafaxine_running_without_a_liver_code_gets_no_running_hepatic_card() -> None:
    assert RUNNING not in screen(chart(running(VENLAFAXINE_150)))


def test_the_switch_list_names_the_hepatic_limits_of_the_options_with_cirrhosis() -> None:
    card = screen(chart(liver(*CIRRHOSIS)))["optimize-switch-augment"]
    assert "Liver: Unspecified cirrhosis of liver" in card.detail
    assert "bupropion: at most 150 mg every other day" in card.detail


def test_the_switch_list_has_no_liver_line_without_a_liver_code() -> None:
    assert "Liver:" not in screen(chart())["optimize-switch-augment"].detail


def test_every_hepatic_row_names_a_source_and_status() -> None:
    for row in hepatic_doses.rows():
        assert row.source and row.status in {"confirmed", "corroborated", "UNVERIFIED"}
