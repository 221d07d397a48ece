"""A QTc sent inside an ECG Observation is read: the citalopram/escitalopram QTc check
no longer stays silent because the ECG system wrote the QTc as a component.

Shapes as ECG systems write them: a 12-lead EKG panel (LOINC 34534-8) or an EKG study (11524-6,
JP Core's example: intervals in seconds) with heart rate, QT and QTc components and no value of
its own; a QTc Observation (8636-3) with no value and its Bazett (76635-2) and Fridericia
(76634-5) values as components (a SEAMAT ECG instance). Charts are US Core shaped
(tests/fixtures/builders.py), validated against fhir.resources R4B, mapped by build_record and
run through the order hooks with the real drug table.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping import build
from fhir_mapping.build import build_record
from fhir_mapping.record import DataDomain, LabResult, PatientRecord, SourceRef
from services import data_gaps
from services.catalog import services
from services.order_hooks import order_hook
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
ECG_DAY = date(2025, 5, 20)
P = "pt-ecg-1"
Resource = dict[str, Any]

CITALOPRAM_40 = ("309314", "citalopram 40 MG Oral Tablet")
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")

PANEL = ("34534-8", "12 lead EKG panel")
STUDY = ("11524-6", "EKG study")
QTC = ("8636-3", "Q-T interval corrected")
BAZETT = ("76635-2", "Q-T interval corrected by Bazett formula")
FRIDERICIA = ("76634-5", "Q-T interval corrected by Fridericia formula")
HEART_RATE = ("8867-4", "Heart rate")
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
QT = ("8634-8", "Q-T interval")


def component(code: tuple[str, str], value: Any, unit: str | None = None) -> Resource:
    """An ECG measurement: a number with its UCUM unit, or what a system sends when it has none
    (a dataAbsentReason, or a note as valueString)."""
    part: Resource = {"code": fb.concept(fb.LOINC, *code)}
    if isinstance(value, (int, float)):
        part["valueQuantity"] = fb.quantity(value, unit)
    elif isinstance(value, dict):
        part["dataAbsentReason"] = value
    else:
        part["valueString"] = value
    return part


def ecg(
    *parts: Resource,
    code: tuple[str, str] = PANEL,
    day: date | None = ECG_DAY,
    rid: str = "ecg-1",
) -> Resource:
    """An ECG Observation (category procedure, as US Core's clinical-test profile writes it)
    whose measurements are components and which has no value of its own."""
    body = fb.lab(code[0], 0, "ms", ECG_DAY, patient=P, display=code[1])
    del body["valueQuantity"]
    body["id"] = rid
    body["meta"]["profile"] = [
        "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-clinical-test"
    ]
    body["category"] = [
        {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                    "code": "procedure",
                    "display": "Procedure",
                }
            ]
        }
    ]
    if day is None:
        del body["effectiveDateTime"]
        del body["issued"]
    body["component"] = list(parts)
    return body


def panel(qtc: Any, unit: str | None = "ms", **kwargs: Any) -> Resource:
    """A 12-lead panel: heart rate 72/min, QT 440 ms (or 0.44 s) and the QTc."""
    qt = 0.44 if unit == "s" else 440
    return ecg(
        component(HEART_RATE, 72, "/min"),
        component(QT, qt, unit or "ms"),
        component(QTC, qtc, unit),
        **kwargs,
    )


def drafted(drug: tuple[str, str]) -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        AS_OF,
        dose_value=1,
        frequency=1,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-1",
    )


def chart(*extra: Resource, draft: tuple[str, str] | None = CITALOPRAM_40) -> PatientRecord:
    """MDD on sertraline 100 mg since 2025-01-06, PHQ-9 21 -> 19, and (by default) citalopram
    40 mg drafted today."""
    resources: list[Resource] = [
        fb.patient(id=P, given="Ana", family="Reyes", gender="female", birth_date=date(1975, 3, 1)),
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
            SERTRALINE_100[0],
            SERTRALINE_100[1],
            date(2025, 1, 6),
            dose_value=1,
            frequency=1,
            expected_supply_days=30,
            repeats=11,
            patient=P,
            id="mr-s",
        ),
        *fb.phq9(date(2025, 1, 6), 21, item9=0, patient=P),
        *fb.phq9(date(2025, 5, 19), 19, item9=0, patient=P),
        *extra,
    ]
    drafts = (drafted(draft),) if draft else ()
    for resource in [*resources, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def order_cards(record: PatientRecord) -> dict[str, Recommendation]:
    """The order-sign cards with their "Data not read" sections (services/evaluation.py)."""
    found = data_gaps.annotate(order_hook(record, Policy(), hook="order-sign"), record)
    return {r.topic: r for r in found}


def qtc_results(record: PatientRecord) -> list[LabResult]:
    return [lab for lab in record.context.labs if lab.test == "qtc"]


# --- the card ------------------------------------------------------------------------------------


def test_citalopram_with_an_ecg_panel_qtc_of_520_ms_is_critical() -> None:
    card = order_cards(chart(panel(520)))["order-qtc"]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith(
        "Citalopram 40 mg/day with QTc 520 ms on 2025-05-20: above 500 ms"
    )
    assert "discontinue" in card.detail


def test_the_same_panel_with_a_qtc_of_430_ms_raises_no_qtc_card() -> None:
    record = chart(panel(430))
    assert [(lab.value, lab.unit, lab.date) for lab in qtc_results(record)] == [
        (430.0, "ms", ECG_DAY)
    ]
    assert "order-qtc" not in order_cards(record)
    assert record.gaps_in(DataDomain.QTC) == ()


def test_a_qtc_component_in_seconds_is_compared_in_ms() -> None:
    long = order_cards(chart(panel(0.52, "s")))["order-qtc"]
    assert long.indicator is Indicator.CRITICAL
    # Shown in the unit compared, with what was sent (review 9 finding 14).
    assert long.summary.startswith(
        "Citalopram 40 mg/day with QTc 520 ms (sent as 0.52 s) on 2025-05-20: above 500 ms"
    )
    assert "order-qtc" not in order_cards(chart(panel(0.43, "s")))


def test_an_ekg_study_written_in_seconds_is_read_as_jp_core_writes_it() -> None:
    # JP Core's example: 11524-6 "EKG study", QT 0.4 s, QTc 0.42 s; escitalopram: 420 ms is
    # below both lines, 0.46 s is above the 450 ms caution line.
    study = ecg(
        component(HEART_RATE, 75, "/min"),
        component(QT, 0.4, "s"),
        component(QTC, 0.42, "s"),
        code=STUDY,
    )
    record = chart(study, draft=ESCITALOPRAM_20)
    assert [(lab.value, lab.unit) for lab in qtc_results(record)] == [(0.42, "s")]
    assert "order-qtc" not in order_cards(record)
    longer = ecg(component(QTC, 0.46, "s"), code=STUDY)
    card = order_cards(chart(longer, draft=ESCITALOPRAM_20))["order-qtc"]
    assert card.indicator is Indicator.INFO
    assert "above 450 ms" in card.summary


def test_a_qtc_with_only_bazett_and_fridericia_components_reads_the_longer() -> None:
    # A SEAMAT ECG instance's shape: 8636-3 with no value, the two corrections as components.
    # The longer (Bazett 512 ms) decides: the check errs toward saying the QTc is long.
    both = ecg(component(FRIDERICIA, 478, "ms"), component(BAZETT, 512, "ms"), code=QTC)
    card = order_cards(chart(both))["order-qtc"]
    assert card.indicator is Indicator.CRITICAL
    assert "QTc 512 ms on 2025-05-20" in card.summary


# --- what cannot be read is named -----------------------------------------------------------------


@pytest.mark.parametrize(
    "missing",
    [
        {"coding": [fb.coding(DATA_ABSENT, "error", "Error")]},
        "QTc not measurable: artefact",
    ],
    ids=["dataAbsentReason", "valueString"],
)
def test_an_unreadable_qtc_component_is_a_named_gap_and_the_check_says_not_done(
    missing: Any,
) -> None:
    record = chart(panel(missing, None))
    (gap,) = record.gaps_in(DataDomain.QTC)
    assert gap.source == SourceRef("Observation", "ecg-1")
    assert gap.reason == "ECG whose QTc is missing or not a number"
    card = order_cards(record)["order-qtc"]
    assert card.indicator is Indicator.INFO
    assert card.summary == (
        "Citalopram order: QTc of 2025-05-20 not compared, its value could not be read"
    )
    assert "was not done" in card.detail
    assert (
        "1 ECG or QTc result could not be read (ECG whose QTc is missing or not a number): "
        "the result of 2025-05-20" in card.detail
    )


def test_an_undated_ecg_with_a_qtc_is_a_gap_and_one_without_a_qtc_is_not() -> None:
    undated = chart(panel(520, day=None))
    (gap,) = undated.gaps_in(DataDomain.QTC)
    assert gap.reason == "ECG with no usable date (QTc not read)"
    assert qtc_results(undated) == []
    rhythm_only = ecg(component(HEART_RATE, 72, "/min"), day=None, rid="ecg-2")
    record = chart(rhythm_only)
    assert record.gaps_in(DataDomain.QTC) == () and qtc_results(record) == []


def test_a_top_level_qtc_without_a_value_is_a_gap_too() -> None:
    pending = fb.lab(QTC[0], 0, "ms", ECG_DAY, patient=P, display=QTC[1])
    del pending["valueQuantity"]
    pending["dataAbsentReason"] = {"coding": [fb.coding(DATA_ABSENT, "error", "Error")]}
    record = chart(pending)
    (gap,) = record.gaps_in(DataDomain.QTC)
    assert gap.reason == "QTc result that is missing or not a number"
    assert order_cards(record)["order-qtc"].indicator is Indicator.INFO


def test_an_ecg_without_a_qtc_component_is_a_qtc_not_read() -> None:
    # Review 9 finding 2 (was: no result and no gap): the ECG is a QTc that could not be read;
    # tests/services/test_ecg_without_qtc.py has the cards.
    record = chart(ecg(component(HEART_RATE, 72, "/min"), component(QT, 440, "ms")))
    assert [(lab.value, lab.flag) for lab in qtc_results(record)] == [(None, None)]
    (gap,) = record.gaps_in(DataDomain.QTC)
    assert gap.reason == "ECG with no QTc value"
    assert order_cards(record)["order-qtc"].indicator is Indicator.INFO


# --- the fast path and the prefetch --------------------------------------------------------------


def test_the_panel_passes_the_one_lookup_filter_and_vitals_still_do_not() -> None:
    assert build._observation_reads(panel(520)) == (None, True, False)
    assert build._observation_reads(ecg(code=STUDY)) == (None, True, False)
    heart_rate = fb.lab(HEART_RATE[0], 72, "/min", ECG_DAY, patient=P, display=HEART_RATE[1])
    assert build._observation_reads(heart_rate) is build._NO_READER


def test_the_labs_prefetch_asks_for_the_ecg_codes() -> None:
    query = dict(services()[0].prefetch)["labs"]
    for code in (PANEL[0], STUDY[0]):
        assert f"http://loinc.org|{code}" in query
        assert f"urn:oid:2.16.840.1.113883.6.1|{code}" in query
