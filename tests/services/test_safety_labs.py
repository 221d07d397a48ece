"""Review 7 findings 1 and 4: the safety labs that decide an order or a running adjunct are read
(lithium level, creatinine/eGFR, QTc, sodium, HbA1c/glucose/lipids), named with their dates, and
acted on; when lab results could not all be obtained the cards say the check was not done.

Charts are US Core shaped (tests/fixtures/builders.py: LOINC lab Observations with UCUM units and
the lab's H/L interpretation, RxNorm MedicationRequests, ICD-10-CM problems), validated against
fhir.resources R4B, mapped by build_record and run through the real drug table."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.codes import observation_codes
from fhir_mapping.record import DataDomain, DataGap, GapCause, PatientRecord
from services.catalog import services
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as fb

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "pt-labs-1"
Resource = dict[str, Any]

SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
LITHIUM_300 = ("197889", "lithium carbonate 300 MG Oral Capsule")
CITALOPRAM_40 = ("309314", "citalopram 40 MG Oral Tablet")
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")
ARIPIPRAZOLE_5 = (None, "aripiprazole 5 MG Oral Tablet")


def person(birth: date) -> Resource:
    return fb.patient(id=P, given="Ana", family="Reyes", gender="female", birth_date=birth)


def taking(
    drug: tuple[str | None, str],
    start: date,
    *,
    per_day: int = 1,
    stopped: date | None = None,
    rid: str,
) -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        start,
        dose_value=1,
        frequency=per_day,
        status="stopped" if stopped else "active",
        bounds_end=stopped,
        expected_supply_days=30,
        repeats=11,
        patient=P,
        id=rid,
    )


def drafted(drug: tuple[str | None, str], *, per_day: int = 1) -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        AS_OF,
        dose_value=1,
        frequency=per_day,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-1",
    )


# LOINC long names as labs send them (fhir_mapping/data/observation_codes.csv).
DISPLAY = {row.code: row.display for row in observation_codes()}


def lab(loinc: str, value: float, unit: str, day: date, flag: Any = None) -> Resource:
    return fb.lab(loinc, value, unit, day, flag, patient=P, display=DISPLAY[loinc])


def trd(
    *extra: Resource,
    drafts: tuple[Resource, ...] = (),
    birth: date = date(1975, 3, 1),
    second: tuple[str | None, str] = VENLAFAXINE_150,
) -> PatientRecord:
    """MDD, sertraline 100 mg failed (17 weeks), then `second` (venlafaxine XR 150 mg) running
    since 2024-09-30; PHQ-9 23 -> 21 -> 22 -> 21."""
    resources: list[Resource] = [
        person(birth),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 1, 10),
            category="problem-list-item",
            patient=P,
            id="cond-mdd",
        ),
        taking(SERTRALINE_100, date(2024, 6, 3), stopped=date(2024, 9, 30), rid="mr-s"),
        taking(second, date(2024, 9, 30), rid="mr-v"),
        *fb.phq9(date(2024, 6, 3), 23, item9=0, patient=P),
        *fb.phq9(date(2024, 9, 30), 21, item9=0, patient=P),
        *fb.phq9(date(2025, 1, 27), 22, item9=0, patient=P),
        *fb.phq9(date(2025, 5, 19), 21, item9=0, patient=P),
        *extra,
    ]
    for resource in [*resources, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def labs_not_provided(record: PatientRecord) -> PatientRecord:
    """The Observation Bundle's later pages could not be read: labs (and scores) incomplete."""
    gaps = tuple(
        DataGap(d, "Observation: next pages not read", cause=GapCause.PARTIAL)
        for d in (DataDomain.SCORES, DataDomain.LABS)
    )
    return dataclasses.replace(record, gaps=gaps)


def at_order(record: PatientRecord, hook: str = "order-sign") -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook=hook)}


def optimise(record: PatientRecord) -> Recommendation:
    (card,) = [r for r in patient_view(record, Policy()) if r.topic == "optimize-switch-augment"]
    return card


LITHIUM_900 = taking(LITHIUM_300, date(2025, 1, 6), per_day=3, rid="mr-li")
LEVEL_HIGH = lab("14334-7", 1.4, "mmol/L", date(2025, 5, 20), "H")


# --- the template and the mapping ----------------------------------------------------------------


def test_observation_prefetch_asks_for_the_safety_labs_under_both_loinc_spellings() -> None:
    query = dict(services()[0].prefetch)["labs"]  # the lab key (review 8 finding 3)
    for code in ("14334-7", "8636-3", "2951-2", "2947-0", "2160-0", "98979-8", "4548-4", "2571-8"):
        assert f"http://loinc.org|{code}," in query or query.endswith(f"|{code}&_count=1000")
        assert f"urn:oid:2.16.840.1.113883.6.1|{code}" in query, code
    assert "8634-8" not in query  # the uncorrected QT interval is not a QTc


@pytest.mark.parametrize(
    ("loinc", "unit", "test"),
    [
        ("14334-7", "mmol/L", "lithium"),
        ("8636-3", "ms", "qtc"),
        ("76635-2", "ms", "qtc"),
        ("2951-2", "mmol/L", "sodium"),
        ("2947-0", "mmol/L", "sodium"),
        ("2160-0", "mg/dL", "creatinine"),
        ("33914-3", "mL/min/{1.73_m2}", "egfr"),
        ("98979-8", "mL/min/{1.73_m2}", "egfr"),
        ("4548-4", "%", "hba1c"),
        ("2345-7", "mg/dL", "glucose"),
        ("18262-6", "mg/dL", "ldl"),
        ("2571-8", "mg/dL", "triglycerides"),
    ],
)
def test_safety_lab_is_read_with_its_value_unit_and_date(loinc: str, unit: str, test: str) -> None:
    # A sodium or QTc of 7.5 is no value those tests can have, so it is not read (data/
    # lab_ranges.csv unit_bounds, session 30 labs33 item 1): theirs is one they can.
    value = _PLAUSIBLE.get(test, 7.5)
    record = trd(lab(loinc, value, unit, date(2025, 5, 20)))
    (found,) = [x for x in record.context.labs if x.test == test]
    assert (found.value, found.unit, found.date) == (value, unit, date(2025, 5, 20))


_PLAUSIBLE = {"sodium": 140.0, "qtc": 450.0}


# --- finding 1: lithium --------------------------------------------------------------------------


def test_running_lithium_line_names_the_high_level_and_its_date() -> None:
    card = optimise(trd(LITHIUM_900, LEVEL_HIGH, lab("2160-0", 1.1, "mg/dL", date(2025, 5, 20))))
    assert (
        "running since 2025-01-06; last level 1.4 mmol/L on 2025-05-20: **above the 0.5-0.8 mmol/L target**; "
        "creatinine 1.1 mg/dL on 2025-05-20." in card.detail
    )


def test_running_lithium_with_no_level_says_so() -> None:
    card = optimise(trd(LITHIUM_900))
    assert (
        "running since 2025-01-06; no lithium level on record; no creatinine or eGFR on record."
        in card.detail
    )


def test_running_lithium_with_labs_not_obtained_says_not_checked_not_absent() -> None:
    card = optimise(labs_not_provided(trd(LITHIUM_900)))
    assert "lithium level not checked: lab results could not all be read" in card.detail
    assert "no lithium level on record" not in card.detail


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_lithium_raised_with_a_level_above_target_gets_a_warning(hook: str) -> None:
    record = trd(LITHIUM_900, LEVEL_HIGH, drafts=(drafted(LITHIUM_300, per_day=4),))
    card = at_order(record, hook)["order-lithium-level"]
    assert card.indicator is Indicator.WARNING and card.snoozable is False
    assert card.summary == (
        "Lithium 1200 mg/day ordered with the last level 1.4 mmol/L on 2025-05-20 above the "
        "0.5-0.8 mmol/L target"
    )
    assert len(card.summary) <= 140
    assert "No creatinine or eGFR on record." in card.detail


def test_lithium_lowered_or_level_in_target_or_old_gets_no_level_card() -> None:
    lowered = trd(LITHIUM_900, LEVEL_HIGH, drafts=(drafted(LITHIUM_300, per_day=2),))
    in_target = trd(
        LITHIUM_900,
        lab("14334-7", 0.7, "mmol/L", date(2025, 5, 20)),
        drafts=(drafted(LITHIUM_300, per_day=4),),
    )
    old = trd(
        LITHIUM_900,
        lab("14334-7", 1.4, "mmol/L", date(2023, 5, 20), "H"),
        drafts=(drafted(LITHIUM_300, per_day=4),),
    )
    for record in (lowered, in_target, old):
        assert "order-lithium-level" not in at_order(record)


# --- finding 4: QTc, sodium, metabolic monitoring -------------------------------------------------


def test_citalopram_with_qtc_over_500_is_critical_naming_it() -> None:
    record = trd(lab("8636-3", 512, "ms", date(2025, 5, 20), "H"), drafts=(drafted(CITALOPRAM_40),))
    card = at_order(record)["order-qtc"]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith(
        "Citalopram 40 mg/day with QTc 512 ms on 2025-05-20: above 500 ms"
    )
    assert "discontinue" in card.detail


def test_escitalopram_with_qtc_498_is_a_warning_470_information_and_430_silent() -> None:
    # Review s24 RM finding 3: above 480 ms (ICH E14's middle band) a warning naming the stop
    # line it is close to; between 450 and 480 the information card.
    long = trd(lab("8636-3", 498, "ms", date(2025, 5, 20)), drafts=(drafted(ESCITALOPRAM_20),))
    card = at_order(long)["order-qtc"]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Escitalopram 20 mg/day with QTc 498 ms on 2025-05-20: above 480 ms, close to the 500 ms line where "
        "citalopram's label says to stop it"
    )
    middle = trd(lab("8636-3", 470, "ms", date(2025, 5, 20)), drafts=(drafted(ESCITALOPRAM_20),))
    card = at_order(middle)["order-qtc"]
    assert card.indicator is Indicator.INFO
    assert card.summary == "Escitalopram 20 mg/day with QTc 470 ms on 2025-05-20: above 450 ms"
    normal = trd(lab("8636-3", 430, "ms", date(2025, 5, 20)), drafts=(drafted(ESCITALOPRAM_20),))
    assert "order-qtc" not in at_order(normal)


def test_qtc_not_obtained_is_said_not_passed() -> None:
    record = labs_not_provided(trd(drafts=(drafted(CITALOPRAM_40),)))
    card = at_order(record)["order-qtc"]
    assert card.summary == "Citalopram order: QTc not checked, lab results could not all be read"


def test_ssri_with_low_sodium_at_79_gets_the_older_adult_warning() -> None:
    sodium = lab("2951-2", 126, "mmol/L", date(2025, 5, 20), "L")
    older = trd(sodium, drafts=(drafted(ESCITALOPRAM_10),), birth=date(1946, 1, 5))
    card = at_order(older)["order-low-sodium"]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith(
        "Escitalopram at age 79 with sodium 126 mmol/L on 2025-05-20: below 130 mmol/L"
    )
    assert "Older adults are at greater risk" in card.detail
    younger = at_order(trd(sodium, drafts=(drafted(ESCITALOPRAM_10),)))["order-low-sodium"]
    assert "at age" not in younger.summary and "Older adults" not in younger.detail
    mild = trd(
        lab("2951-2", 133, "mmol/L", date(2025, 5, 20), "L"), drafts=(drafted(ESCITALOPRAM_10),)
    )
    assert "order-low-sodium" not in at_order(mild)


def test_switch_list_with_snris_names_a_low_sodium() -> None:
    # Two SSRIs failed: the switch list offers SNRIs.
    sodium = lab("2951-2", 126, "mmol/L", date(2025, 5, 20), "L")
    card = optimise(trd(sodium, birth=date(1946, 1, 5), second=ESCITALOPRAM_20))
    assert (
        "Sodium 126 mmol/L on 2025-05-20, below 130 mmol/L: SSRIs and SNRIs can lower it further "
        "(greater risk at 79)." in card.detail
    )


def test_running_aripiprazole_without_metabolic_labs_says_none_since_it_started() -> None:
    ari = taking(ARIPIPRAZOLE_5, date(2024, 7, 1), rid="mr-ari")
    card = optimise(trd(ari))
    assert "no glucose, HbA1c or lipids on record since 2024-07-01." in card.detail
    with_labs = optimise(
        trd(
            ari,
            lab("4548-4", 5.9, "%", date(2025, 1, 10)),
            lab("2571-8", 180, "mg/dL", date(2024, 3, 1)),  # before it started: not counted
        )
    )
    assert (
        "since it started (2024-07-01): HbA1c 5.9 % on 2025-01-10; no lipids on record."
        in with_labs.detail
    )


def test_a_qtc_sent_in_seconds_is_compared_in_ms() -> None:
    # US Core's and ECG devices' shape: QTc 0.512 s is 512 ms (data/lab_unit_factors.csv).
    record = trd(lab("8636-3", 0.512, "s", date(2025, 5, 20)), drafts=(drafted(CITALOPRAM_40),))
    card = at_order(record)["order-qtc"]
    assert card.indicator is Indicator.CRITICAL
    assert "above 500 ms" in card.summary
    normal = trd(lab("8636-3", 0.43, "s", date(2025, 5, 20)), drafts=(drafted(CITALOPRAM_40),))
    assert "order-qtc" not in at_order(normal)
