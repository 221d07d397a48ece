"""Review 9 finding 2 (UNSAFE) and the QTc parts of finding 14: an ECG with no QTc is a QTc that
could not be read, never skipped and never corrected here.

- An ECG panel in the lab window with no QTc component (only its QT interval 8634-8 and heart
  rate 8867-4, or nothing usable) is named as a gap ("ECG with no QTc value") and, at a citalopram
  or escitalopram order, raises the "QTc of <date> not compared" card, saying the ECG reports no
  QTc. No QTc is computed from its QT and heart rate (QT 460 ms at 88/min would be a Bazett QTc
  of about 557 ms: the card must not claim it).
- The latest result decides, a readable QTc first on its day: an older ECG without a QTc changes
  nothing; a later one never turns an earlier long QTc into silence or into information only.
- A QTc sent in seconds is shown in the ms it is compared in ("508 ms (sent as 0.508 s)").
- The unreadable-ECG notice rides on the QTc card only, not on unrelated order cards (the
  "same class as sertraline" card).

Charts as ECG systems and US Core write them (tests/fixtures/builders.py): a 12-lead EKG panel
(34534-8) or EKG study (11524-6) with interval components and no value of its own (US Core
clinical-test profile, category procedure), a QTc Observation (8636-3) in ms or s, RxNorm
MedicationRequests, ICD-10-CM problems; every resource validated against fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import DataDomain, PatientRecord, SourceRef
from services import data_gaps
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as fb

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
ECG_DAY = date(2025, 5, 20)
P = "pt-ecg-noqtc"
Resource = dict[str, Any]

SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
BUPROPION_XL_300 = ("993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet")
CITALOPRAM_40 = ("309314", "citalopram 40 MG Oral Tablet")
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")

PANEL = ("34534-8", "12 lead EKG panel")
STUDY = ("11524-6", "EKG study")
QTC = ("8636-3", "Q-T interval corrected")
QT = ("8634-8", "Q-T interval")
HEART_RATE = ("8867-4", "Heart rate")
PR = ("8625-6", "P-R Interval")
QRS = ("8633-0", "QRS duration")

NOT_COMPARED = "Citalopram order: QTc of 2025-05-20 not compared, the ECG reports no QTc"
GAP_LINE = "1 ECG or QTc result could not be read (ECG with no QTc value): the result of 2025-05-20"


def component(code: tuple[str, str], value: Any, unit: str = "ms") -> Resource:
    part: Resource = {"code": fb.concept(fb.LOINC, *code)}
    if isinstance(value, (int, float)):
        part["valueQuantity"] = fb.quantity(value, unit)
    else:
        part["valueString"] = value
    return part


def ecg(
    *parts: Resource,
    code: tuple[str, str] = PANEL,
    day: date = ECG_DAY,
    rid: str = "ecg-1",
    conclusion: str | None = None,
) -> Resource:
    """An ECG Observation as US Core's clinical-test profile writes it: measurements as
    components, no value of its own (or, for a reading with no measurements, its conclusion as
    valueString)."""
    body = fb.lab(code[0], 0, "ms", day, patient=P, display=code[1])
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


def intervals_only(**kwargs: Any) -> Resource:
    """The review's O_Q5 ECG: HR 88/min, PR 160 ms, QRS 92 ms, QT 460 ms, no QTc."""
    return ecg(
        component(HEART_RATE, 88, "/min"),
        component(PR, 160),
        component(QRS, 92),
        component(QT, 460),
        **kwargs,
    )


def qtc(value: float, day: date, unit: str = "ms", rid: str = "qtc-1") -> Resource:
    body = fb.lab(QTC[0], value, unit, day, patient=P, display=QTC[1])
    body["id"] = rid
    return body


def taking(drug: tuple[str, str], start: date, rid: str, stopped: date | None = None) -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        start,
        dose_value=1,
        frequency=1,
        status="stopped" if stopped else "active",
        bounds_end=stopped,
        expected_supply_days=30,
        repeats=11,
        patient=P,
        id=rid,
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


def chart(
    *extra: Resource,
    draft: tuple[str, str] | None = CITALOPRAM_40,
    first: tuple[str, str] = SERTRALINE_100,
    second: tuple[str, str] = VENLAFAXINE_150,
) -> PatientRecord:
    """Age 50, F33.2; `first` (sertraline 100 mg) failed over 17 weeks (PHQ-9 23 -> 21), then
    `second` (venlafaxine XR 150 mg) running since 2024-09-30 (PHQ-9 22, 21); `draft` ordered
    today."""
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
        taking(first, date(2024, 6, 3), "mr-1", stopped=date(2024, 9, 30)),
        taking(second, date(2024, 9, 30), "mr-2"),
        *fb.phq9(date(2024, 6, 3), 23, item9=0, patient=P),
        *fb.phq9(date(2024, 9, 30), 21, item9=0, patient=P),
        *fb.phq9(date(2025, 1, 27), 22, item9=0, patient=P),
        *fb.phq9(date(2025, 5, 19), 21, item9=0, patient=P),
        *extra,
    ]
    drafts = (drafted(draft),) if draft else ()
    for resource in [*resources, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(resources, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def order_cards(record: PatientRecord) -> dict[str, Recommendation]:
    """The order-select cards with their "Data not read" sections (services/evaluation.py)."""
    found = data_gaps.annotate(order_hook(record, Policy(), hook="order-select"), record)
    return {r.topic: r for r in found}


# --- finding 2: the ECG with no QTc -----------------------------------------------------------------


def test_an_ecg_with_qt_and_heart_rate_but_no_qtc_says_the_qtc_was_not_compared() -> None:
    record = chart(intervals_only())
    (gap,) = record.gaps_in(DataDomain.QTC)
    assert gap.source == SourceRef("Observation", "ecg-1")
    assert gap.reason == "ECG with no QTc value"
    card = order_cards(record)["order-qtc"]
    assert card.indicator is Indicator.INFO
    assert card.summary == NOT_COMPARED
    assert "The latest ECG on record, of 2025-05-20, reports no QTc" in (card.detail)
    assert "was not done" in card.detail and "Read the QTc on the tracing" in card.detail
    assert GAP_LINE in card.detail
    # Never a QTc the ECG did not report: no Bazett (~557 ms) or Fridericia (~523 ms) value.
    for computed in ("557", "556", "523", "522", "computed QTc"):
        assert computed not in card.summary + card.detail


def test_an_ekg_study_with_nothing_usable_is_named_at_an_escitalopram_order() -> None:
    # An EKG study with only its read as text: no interval the service reads.
    study = ecg(code=STUDY, conclusion="Sinus rhythm. Normal ECG.")
    record = chart(study, draft=ESCITALOPRAM_20)
    card = order_cards(record)["order-qtc"]
    assert card.summary == (
        "Escitalopram order: QTc of 2025-05-20 not compared, the ECG reports no QTc"
    )
    assert GAP_LINE in card.detail


def test_the_latest_result_decides_and_a_readable_qtc_wins_its_day() -> None:
    # An ECG without QTc older than a readable QTc is irrelevant: no card, no gap.
    older = chart(intervals_only(day=date(2025, 3, 3)), qtc(430, ECG_DAY))
    assert "order-qtc" not in order_cards(older)
    assert older.gaps_in(DataDomain.QTC) == ()
    # The same day: the QTc Observation sent beside the panel decides.
    beside = chart(intervals_only(), qtc(512, ECG_DAY))
    card = order_cards(beside)["order-qtc"]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith(
        "Citalopram 40 mg/day with QTc 512 ms on 2025-05-20: above 500 ms"
    )
    assert beside.gaps_in(DataDomain.QTC) == ()
    # A later ECG without QTc is the latest: the normal QTc before it is named, not relied on.
    later = order_cards(chart(intervals_only(), qtc(430, date(2025, 3, 3))))["order-qtc"]
    assert later.summary == NOT_COMPARED
    assert "The QTc before it: 430 ms on 2025-03-03." in later.detail


def test_a_later_ecg_without_qtc_does_not_turn_an_earlier_long_qtc_into_information() -> None:
    card = order_cards(chart(qtc(520, date(2025, 3, 3)), intervals_only()))["order-qtc"]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith(
        "Citalopram 40 mg/day with QTc 520 ms on 2025-03-03: above 500 ms"
    )
    assert (
        "The latest QTc that could be read is 520 ms on 2025-03-03. The later ECG of 2025-05-20 "
        "reports no QTc: read it on the tracing." in card.detail
    )
    assert GAP_LINE in card.detail


def test_a_later_ecg_without_qtc_leaves_the_switch_list_line_of_a_long_qtc() -> None:
    # Guard for this change (the ECG is now a QTc result): bupropion and venlafaxine failed,
    # so the switch list offers SSRIs; the earlier QTc 520 ms is still named against them.
    record = chart(
        qtc(520, date(2025, 3, 3)),
        intervals_only(),
        draft=None,
        first=BUPROPION_XL_300,
    )
    (card,) = [r for r in patient_view(record, Policy()) if r.topic == "optimize-switch-augment"]
    # Mirtazapine has a QTc caution line of its own (450 ms), so it is named too.
    assert (
        "QTc 520 ms on 2025-03-03, above 500 ms: as switch options, citalopram, escitalopram and "
        "mirtazapine "
        "prolong it." in card.detail
    )


# --- finding 14: units, and the notice on the QTc card only ----------------------------------------


def test_a_qtc_in_seconds_is_shown_in_the_ms_it_is_compared_in() -> None:
    study = ecg(component(HEART_RATE, 75, "/min"), component(QTC, 0.508, "s"), code=STUDY)
    card = order_cards(chart(study, draft=ESCITALOPRAM_20))["order-qtc"]
    assert card.summary == (
        "Escitalopram 20 mg/day with QTc 508 ms (sent as 0.508 s) on 2025-05-20: above 500 ms, where "
        "citalopram's label says to stop it"  # the line is citalopram's (lab_safety.csv)
    )
    assert "0.508 s on" not in card.summary.replace("(sent as 0.508 s) on", "")


@pytest.mark.parametrize(
    "unread",
    [
        intervals_only(),
        ecg(component(HEART_RATE, 88, "/min"), component(QTC, "QTc not measurable: artefact")),
    ],
    ids=["no-qtc", "qtc-as-text"],
)
def test_the_unread_ecg_is_named_on_the_qtc_card_only(unread: Resource) -> None:
    cards = order_cards(chart(unread))
    # Sertraline failed: the order repeats its class (the review's O_Q5 / O_Q7 screen).
    assert "order-repeats-failed-trial" in cards
    assert "Data not read" in cards["order-qtc"].detail
    assert [topic for topic, card in cards.items() if "Data not read" in card.detail] == [
        "order-qtc"
    ]


def test_the_unread_ecg_rides_no_other_lab_card_on_the_chart() -> None:
    """Review 9 recheck: the ECG notice rode the diagnosis review (TSH, B12 ...) as a lab it could
    not read. Its gap is in its own domain (DataDomain.QTC), carried by the QTc checks alone."""
    record = chart(intervals_only(), draft=None)
    (gap,) = record.gaps
    assert gap.domain is DataDomain.QTC
    cards = {r.topic: r for r in data_gaps.annotate(patient_view(record, Policy()), record)}
    assert "diagnosis-review" in cards  # no TSH on record: the card is there ...
    assert "Data not read" not in cards["diagnosis-review"].detail  # ... without the ECG
