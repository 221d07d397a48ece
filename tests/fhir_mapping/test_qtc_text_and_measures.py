"""QTc, mapping side: a QTc sent as text is read when it is one number with a unit of
time; anything else stays a result not read (a gap); an ECG whose QTc is missing keeps what it
does report, its QT interval and heart rate, as sent (never a QTc computed from them).

Charts as the existing ECG tests write them (tests/fhir_mapping/test_qtc_ecg_panel.py): a 12-lead
EKG panel (LOINC 34534-8) or EKG study (11524-6) under US Core's clinical-test profile with its
measurements as components and no value of its own; heart rate as 8867-4 or 76282-3 ("heart rate
beat-to-beat by EKG"); a QTc Observation (8636-3) whose value is a valueString, as some ECG
systems write it. Every resource is validated against fhir.resources R4B and mapped by
build_record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.storage import record_codec
from fhir_mapping.build import build_record
from fhir_mapping.lab_text import value_from_text
from fhir_mapping.record import DataDomain, LabResult, Measurement, PatientRecord, SourceRef
from tests.fixtures import builders as fb

AS_OF = date(2025, 6, 2)
ECG_DAY = date(2025, 5, 20)
P = "pt-qtc-text"
Resource = dict[str, Any]

PANEL = ("34534-8", "12 lead EKG panel")
STUDY = ("11524-6", "EKG study")
QTC = ("8636-3", "Q-T interval corrected")
QT = ("8634-8", "Q-T interval")
HEART_RATE = ("8867-4", "Heart rate")
HEART_RATE_EKG = ("76282-3", "Heart rate.beat-to-beat by EKG")
PR = ("8625-6", "P-R Interval")
TSH = ("3016-3", "Thyrotropin [Units/volume] in Serum or Plasma")
CREATININE = ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma")


def component(code: tuple[str, str], value: Any, unit: str | None = "ms") -> Resource:
    part: Resource = {"code": fb.concept(fb.LOINC, *code)}
    if isinstance(value, (int, float)):
        part["valueQuantity"] = fb.quantity(value, unit)
    else:
        part["valueString"] = value
    return part


def ecg(*parts: Resource, code: tuple[str, str] = PANEL, rid: str = "ecg-1") -> Resource:
    """An ECG Observation (US Core clinical-test, category procedure): measurements as
    components, no value of its own."""
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
    return body


def as_text(code: tuple[str, str], text: str, rid: str) -> Resource:
    """A result whose value is a valueString (the QTc "512 ms (prolonged)")."""
    body = fb.lab(code[0], 0, "ms", ECG_DAY, patient=P, display=code[1])
    del body["valueQuantity"]
    body["valueString"] = text
    body["id"] = rid
    return body


def record(*observations: Resource) -> PatientRecord:
    resources: list[Resource] = [
        fb.patient(id=P, given="Ana", family="Reyes", gender="female", birth_date=date(1975, 3, 1)),
        *observations,
    ]
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P)


def qtc(rec: PatientRecord) -> LabResult:
    (found,) = [lab for lab in rec.context.labs if lab.test == "qtc"]
    return found


# --- text values ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("512 ms (prolonged)", (512.0, "ms")),
        ("QTc: 512 ms", (512.0, "ms")),
        ("QTcB 512ms, borderline", (512.0, "ms")),
        ("0.512 s", (0.512, "s")),
        ("QTc interval = 488 msec", (488.0, "msec")),
        # A bare number in the ms range (lab_ranges.csv bare_unit, 200-800: review s29 RL 2).
        ("512", (512.0, "ms")),
    ],
)
def test_a_qtc_written_as_one_number_with_a_unit_of_time_is_read(
    text: str, expected: tuple[float, str]
) -> None:
    assert value_from_text("qtc", text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "QTc not measurable: artefact",  # no number
        "0.512",  # no unit, and out of the ms range (seconds?): not read
        "1512",  # no unit, beyond the plausible ms range
        "> 500 ms",  # a bound, not a value
        "~512 ms",
        "480-500 ms",  # two numbers
        "Bazett 512 ms, Fridericia 478 ms",
        "not done, last 512 ms",  # a number that may not be this result's
        "512 mm",  # not a unit of time
    ],
)
def test_any_other_text_is_not_read(text: str) -> None:
    assert value_from_text("qtc", text) is None


def test_only_the_tests_the_table_names_are_read_from_text() -> None:
    # A test lab_ranges.csv gives no text_units (creatinine) sent as text stays unread; the TSH
    # has them since review K40b s34 finding 2 ("12.0 uIU/mL" was "no value read").
    assert value_from_text("creatinine", "1.1 mg/dL") is None
    rec = record(as_text(CREATININE, "1.1 mg/dL", "cr-1"))
    (gap,) = rec.gaps_in(DataDomain.LABS)
    assert gap.source == SourceRef("Observation", "cr-1")
    assert value_from_text("tsh", "2.1 mIU/L") == (2.1, "mIU/L")
    assert not record(as_text(TSH, "2.1 mIU/L", "tsh-1")).gaps_in(DataDomain.LABS)


def test_a_qtc_observation_sent_as_text_is_read_in_its_unit() -> None:
    found = qtc(record(as_text(QTC, "0.512 s (prolonged)", "qtc-1")))
    assert (found.value, found.unit, found.date) == (0.512, "s", ECG_DAY)
    assert found.reported == ()


def test_a_qtc_component_sent_as_text_is_read_and_is_no_gap() -> None:
    rec = record(ecg(component(HEART_RATE, 88, "/min"), component(QTC, "512 ms (prolonged)")))
    assert (qtc(rec).value, qtc(rec).unit) == (512.0, "ms")
    assert rec.gaps_in(DataDomain.QTC) == ()


def test_a_qtc_text_that_cannot_be_read_stays_a_gap() -> None:
    rec = record(as_text(QTC, "> 500 ms", "qtc-1"))
    assert (qtc(rec).value, qtc(rec).flag) == (None, None)
    (gap,) = rec.gaps_in(DataDomain.QTC)
    assert gap.reason == "QTc result that is missing or not a number"
    panel = record(ecg(component(QT, 440), component(QTC, "Bazett 512 ms, Fridericia 478 ms")))
    (gap,) = panel.gaps_in(DataDomain.QTC)
    assert gap.reason == "ECG whose QTc is missing or not a number"


# --- what an ECG without a QTc reports ------------------------------------------------------------


def test_an_ecg_without_a_qtc_keeps_its_qt_interval_and_heart_rate_as_sent() -> None:
    rec = record(
        ecg(component(HEART_RATE, 88, "/min"), component(PR, 160), component(QT, 460, "ms"))
    )
    found = qtc(rec)
    assert (found.value, found.flag, found.date) == (None, None, ECG_DAY)
    assert found.reported == (
        Measurement("heart-rate", 88.0, "/min"),
        Measurement("qt", 460.0, "ms"),
    )
    # Nothing computed: no value, and the gap is still named.
    (gap,) = rec.gaps_in(DataDomain.QTC)
    assert gap.reason == "ECG with no QTc value"


def test_an_ekg_study_sending_its_heart_rate_twice_keeps_the_first() -> None:
    study = ecg(
        component(HEART_RATE_EKG, 75, "{beats}/min"),
        component(HEART_RATE, 76, "/min"),
        component(QT, 0.4, "s"),
        code=STUDY,
    )
    assert qtc(record(study)).reported == (
        Measurement("heart-rate", 75.0, "{beats}/min"),
        Measurement("qt", 0.4, "s"),
    )


def test_an_ecg_whose_qtc_is_not_a_number_keeps_them_too() -> None:
    rec = record(
        ecg(
            component(HEART_RATE, 88, "/min"),
            component(QT, 460),
            component(QTC, "QTc not measurable: artefact", None),
        )
    )
    assert [m.test for m in qtc(rec).reported] == ["heart-rate", "qt"]


def test_an_ecg_with_a_qtc_keeps_nothing_beside_it() -> None:
    rec = record(ecg(component(HEART_RATE, 72, "/min"), component(QT, 440), component(QTC, 468)))
    assert (qtc(rec).value, qtc(rec).reported) == (468.0, ())


def test_the_record_codec_stores_what_the_ecg_reported() -> None:
    rec = record(ecg(component(HEART_RATE, 88, "/min"), component(QT, 460)))
    assert record_codec.decode(record_codec.encode(rec)) == rec
    assert qtc(record_codec.decode(record_codec.encode(rec))).reported == qtc(rec).reported
