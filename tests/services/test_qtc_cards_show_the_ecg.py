"""QTc, card side: the QTc checks show what the ECG says.

1. The "QTc not compared" card of an ECG without a QTc gives the ECG's date, QT interval and heart
   rate as sent, and says no QTc was computed from them (none is).
2. A QTc sent as text ("512 ms (prolonged)", "0.512 s") is compared; text that cannot be read
   stays "not compared".
3. The citalopram age-limit card (patient-view) and the QTc card (order hooks) name each other in
   one line when both fire: a 65-year-old on citalopram 40 mg with a QTc of 470 ms.
4. The citations on the lab cards come from data/lab_safety.csv (`cite`, `effect_cite`): the
   escitalopram QTc card cites the MHRA 2011 communication, not the FDA one about citalopram.

Charts as the existing ECG tests write them (tests/services/test_ecg_without_qtc.py): US Core
clinical-test ECG panels (34534-8) or EKG studies (11524-6) with interval components and no value
of their own, heart rate as 8867-4 or 76282-3, QTc Observations (8636-3), RxNorm
MedicationRequests, ICD-10-CM problems; every resource validated against fhir.resources R4B and
run through the real drug table.
"""

from __future__ import annotations

import ast
import csv
import inspect
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services import data_gaps
from services.order_checks import labs as lab_checks
from services.order_checks import lithium as lithium_checks
from services.order_checks import qtc as qtc_checks
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as fb

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
ECG_DAY = date(2025, 5, 20)
P = "pt-qtc-s10"
Resource = dict[str, Any]

SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
CITALOPRAM_40 = ("309314", "citalopram 40 MG Oral Tablet")
CITALOPRAM_20 = ("200371", "citalopram 20 MG Oral Tablet")
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")

PANEL = ("34534-8", "12 lead EKG panel")
STUDY = ("11524-6", "EKG study")
QTC = ("8636-3", "Q-T interval corrected")
QT = ("8634-8", "Q-T interval")
HEART_RATE = ("8867-4", "Heart rate")
HEART_RATE_EKG = ("76282-3", "Heart rate.beat-to-beat by EKG")
PR = ("8625-6", "P-R Interval")
QRS = ("8633-0", "QRS duration")

AGE_65 = date(1960, 1, 15)
AGE_50 = date(1975, 3, 1)


def component(code: tuple[str, str], value: Any, unit: str | None = "ms") -> Resource:
    part: Resource = {"code": fb.concept(fb.LOINC, *code)}
    if isinstance(value, (int, float)):
        part["valueQuantity"] = fb.quantity(value, unit)
    else:
        part["valueString"] = value
    return part


def ecg(
    *parts: Resource,
    code: tuple[str, str] = PANEL,
    rid: str = "ecg-1",
    conclusion: str | None = None,
) -> Resource:
    """An ECG Observation as US Core's clinical-test profile writes it."""
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
    if parts:
        body["component"] = list(parts)
    if conclusion is not None:
        body["valueString"] = conclusion
    return body


def intervals_only() -> Resource:
    """HR 88/min, PR 160 ms, QRS 92 ms, QT 460 ms, no QTc (a Bazett QTc would be ~557 ms)."""
    return ecg(
        component(HEART_RATE, 88, "/min"),
        component(PR, 160),
        component(QRS, 92),
        component(QT, 460),
    )


def qtc(value: float | str, unit: str = "ms", rid: str = "qtc-1") -> Resource:
    body = fb.lab(QTC[0], 0, unit, ECG_DAY, patient=P, display=QTC[1])
    body["id"] = rid
    if isinstance(value, str):
        del body["valueQuantity"]
        body["valueString"] = value
    else:
        body["valueQuantity"] = fb.quantity(value, unit)
    return body


def medication(drug: tuple[str, str], when: date, rid: str, status: str = "active") -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        when,
        dose_value=1,
        frequency=1,
        status=status,
        expected_supply_days=30,
        repeats=None if status == "draft" else 11,
        patient=P,
        id=rid,
    )


def chart(
    *extra: Resource,
    draft: tuple[str, str] | None = CITALOPRAM_40,
    running: tuple[str, str] = SERTRALINE_100,
    born: date = AGE_50,
) -> PatientRecord:
    """F33.2; `running` since 2025-01-06 (PHQ-9 21 -> 19); `draft` ordered today."""
    resources: list[Resource] = [
        fb.patient(id=P, given="Ana", family="Reyes", gender="female", birth_date=born),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 1, 10),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        medication(running, date(2025, 1, 6), "mr-1"),
        *fb.phq9(date(2025, 1, 6), 21, item9=0, patient=P),
        *fb.phq9(date(2025, 5, 19), 19, item9=0, patient=P),
        *extra,
    ]
    drafts = (medication(draft, AS_OF, "draft-1", status="draft"),) if draft else ()
    for resource in [*resources, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def order_cards(record: PatientRecord) -> dict[str, Recommendation]:
    found = data_gaps.annotate(order_hook(record, Policy(), hook="order-select"), record)
    return {r.topic: r for r in found}


def view_cards(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


# --- 1. the ECG without a QTc: its date, QT interval and heart rate --------------------------------


def test_the_not_compared_card_gives_the_ecgs_date_qt_interval_and_heart_rate() -> None:
    card = order_cards(chart(intervals_only()))["order-qtc"]
    assert card.indicator is Indicator.INFO
    assert card.summary == (
        "Citalopram order: QTc of 2025-05-20 not compared, the ECG reports no QTc"
    )
    assert "The latest ECG on record, of 2025-05-20, reports no QTc" in (card.detail)
    assert (
        "The ECG reports heart rate 88/min and QT interval 460 ms; no QTc was computed from them."
        in card.detail
    )
    for computed in ("557", "523", "522"):  # Bazett / Fridericia of QT 460 ms at 88/min
        assert computed not in card.summary + card.detail


def test_an_ekg_study_in_seconds_with_an_ekg_heart_rate_is_shown_as_sent() -> None:
    study = ecg(component(HEART_RATE_EKG, 75, "{beats}/min"), component(QT, 0.46, "s"), code=STUDY)
    card = order_cards(chart(study, draft=ESCITALOPRAM_20))["order-qtc"]
    assert (
        "The ECG reports heart rate 75/min and QT interval 0.46 s; no QTc was computed from them."
        in card.detail
    )


def test_an_ecg_reporting_neither_claims_no_qt_or_heart_rate() -> None:
    card = order_cards(chart(ecg(conclusion="Sinus rhythm. Normal ECG.")))["order-qtc"]
    assert "No QTc is computed here." in card.detail
    assert "QT interval" not in card.detail and "heart rate" not in card.detail


def test_an_ecg_whose_qtc_text_cannot_be_read_shows_them_too() -> None:
    unread = ecg(
        component(HEART_RATE, 88, "/min"),
        component(QT, 460),
        component(QTC, "QTc not measurable: artefact", None),
    )
    card = order_cards(chart(unread))["order-qtc"]
    assert card.summary == (
        "Citalopram order: QTc of 2025-05-20 not compared, its value could not be read"
    )
    assert "The ECG reports heart rate 88/min and QT interval 460 ms; no QTc was computed" in (
        card.detail
    )


# --- 2. a QTc sent as text ----------------------------------------------------------------------------


def test_a_qtc_component_sent_as_text_is_compared() -> None:
    text_qtc = ecg(component(HEART_RATE, 88, "/min"), component(QTC, "512 ms (prolonged)"))
    card = order_cards(chart(text_qtc))["order-qtc"]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith(
        "Citalopram 40 mg/day with QTc 512 ms on 2025-05-20: above 500 ms"
    )
    assert "Data not read" not in card.detail


def test_a_qtc_observation_sent_as_text_in_seconds_is_compared_in_ms() -> None:
    card = order_cards(chart(qtc("0.512 s")))["order-qtc"]
    assert card.summary.startswith(
        "Citalopram 40 mg/day with QTc 512 ms (sent as 0.512 s) on 2025-05-20: above 500 ms"
    )


def test_a_qtc_text_that_cannot_be_read_stays_not_compared() -> None:
    card = order_cards(chart(qtc("> 500 ms")))["order-qtc"]
    assert card.indicator is Indicator.INFO
    assert card.summary == (
        "Citalopram order: QTc of 2025-05-20 not compared, its value could not be read"
    )
    assert "Data not read" in card.detail


# --- 3. the age-limit card and the QTc card name each other -------------------------------------------


def test_at_65_on_citalopram_40_with_qtc_470_the_age_limit_card_names_the_qtc() -> None:
    record = chart(qtc(470), draft=None, running=CITALOPRAM_40, born=AGE_65)
    card = view_cards(record)["dose-above-age-limit"]
    assert (
        "**QTc card:** QTc 470 ms on 2025-05-20, above 450 ms (shown at a citalopram order)."
        in card.detail
    )


def test_and_the_qtc_card_of_a_citalopram_40_order_names_the_age_limit() -> None:
    record = chart(qtc(470), draft=CITALOPRAM_40, running=CITALOPRAM_40, born=AGE_65)
    cards = order_cards(record)
    assert "order-dose-above-age-limit" in cards
    card = cards["order-qtc"]
    assert card.summary.startswith(
        "Citalopram 40 mg/day with QTc 470 ms on 2025-05-20: above 450 ms"
    )
    assert (
        "**Age-limit card:** at 65, 40 mg/day is above the labelled 20 mg/day maximum from "
        "age 60." in card.detail
    )


def test_an_order_lowering_the_dose_names_the_running_dose_above_the_limit() -> None:
    record = chart(qtc(520), draft=CITALOPRAM_20, running=CITALOPRAM_40, born=AGE_65)
    cards = order_cards(record)
    assert "order-dose-above-age-limit" not in cards  # the draft itself is within the limit
    assert (
        "**Age-limit card:** at 65, the running 40 mg/day is above the labelled 20 mg/day "
        "maximum from age 60." in cards["order-qtc"].detail
    )
    view = view_cards(chart(qtc(520), draft=None, running=CITALOPRAM_40, born=AGE_65))
    assert (
        "**QTc card:** QTc 520 ms on 2025-05-20, above 500 ms, where the label says to stop it "
        "(shown at a citalopram order)." in view["dose-above-age-limit"].detail
    )


def test_an_ecg_without_qtc_is_named_on_the_age_limit_card_as_not_compared() -> None:
    record = chart(intervals_only(), draft=None, running=CITALOPRAM_40, born=AGE_65)
    assert (
        "**QTc card:** QTc of 2025-05-20 not compared: the ECG reports no QTc (shown at a "
        "citalopram order)." in view_cards(record)["dose-above-age-limit"].detail
    )


def test_neither_line_when_only_one_card_fires() -> None:
    # QTc 430 ms: no QTc card, so the age-limit card names none.
    normal = view_cards(chart(qtc(430), draft=None, running=CITALOPRAM_40, born=AGE_65))
    assert "QTc" not in normal["dose-above-age-limit"].detail
    # Age 50: no age-limit card, so the QTc card names none.
    younger = order_cards(chart(qtc(470), draft=CITALOPRAM_40, running=CITALOPRAM_40))
    assert "order-dose-above-age-limit" not in younger
    assert "Age-limit card" not in younger["order-qtc"].detail


# --- 4. the citations come from the table ------------------------------------------------------------


def _rows() -> list[dict[str, str]]:
    path = Path(inspect.getfile(lab_checks)).parent.parent / "data" / "lab_safety.csv"
    return list(csv.DictReader(path.read_text("utf-8").splitlines()))


def _row(check: str, drug: str) -> dict[str, str]:
    return next(r for r in _rows() if r["check"] == check and drug in r["drugs"].split(";"))


def test_the_escitalopram_qtc_card_cites_its_own_rows_not_the_fda_citalopram_communication() -> (
    None
):
    row = _row("qtc-caution", "escitalopram")
    assert (row["cite"], row["effect_cite"]) == ("ICH E14", "MHRA 2011")
    card = order_cards(chart(qtc(470), draft=ESCITALOPRAM_20))["order-qtc"]
    assert "above 450 ms (ICH E14, UNVERIFIED)" in card.detail  # the row is UNVERIFIED
    assert "prolongs the QT interval dose-dependently (MHRA 2011)" in card.detail
    assert "FDA 2011/2012" not in card.detail
    stop = order_cards(chart(qtc(520)))["order-qtc"]
    row = _row("qtc-stop", "citalopram")
    assert f"dose-dependently ({row['effect_cite']})" in stop.detail
    assert f"above 500 ms ({row['cite']})" in stop.detail


@pytest.mark.parametrize("module", [lab_checks, lithium_checks, qtc_checks])
def test_no_citation_is_written_in_the_lab_checks_code(module: ModuleType) -> None:
    """The card text of order_checks/labs.py, lithium.py and qtc.py (docstrings aside) names no
    source: each comes from data/lab_safety.csv."""
    tree = ast.parse(inspect.getsource(module))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    texts = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]
    for cite in ("CANMAT", "Spasovski", "FDA", "Celexa", "boxed warning", "their labels", "5.2"):
        assert not [t for t in texts if cite in t], cite
