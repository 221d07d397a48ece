"""An AUDIT-C filed as a panel Observation (72109-2) on the cards: the duloxetine rule reads it as
it reads the standalone total (Cymbalta label 5.2, review 9 finding 8), and a total summed from
the three item answers says so: "computed from items".

Before: the panel was not read, so a patient whose flowsheet kept only the AUDIT-C items
(4 + 4 + 2 = 10) was offered duloxetine and a duloxetine draft passed without a word.

Charts are US Core shaped (tests/fixtures/builders.py), mapped by build_record with the real
drug table; the panel copies the shape of tests/fhir_mapping/test_audit_c_panel.py.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
DAY = date(2025, 5, 19)
PATIENT = "p-auditc-cards"
Resource = dict[str, Any]
CONTRAINDICATED = "order-drug-contraindicated"
BARRED = (
    "duloxetine not listed: ordinarily not prescribed with substantial alcohol use "
    "(hepatotoxicity) ({shown}; Cymbalta label 5.2)."
)
ITEMS = {
    "68518-0": "How often do you have a drink containing alcohol",
    "68519-8": "How many standard drinks containing alcohol do you have on a typical day",
    "68520-6": "How often do you have 6 or more drinks on 1 occasion",
}
# Item -> (LOINC answer, its display) for the points asked of it (Bush 1998; auditc_answers.csv).
ANSWERS = {
    "68518-0": {1: ("LA18926-8", "Monthly or less"), 4: ("LA18929-2", "4 or more times a week")},
    "68519-8": {1: ("LA15695-2", "3 or 4"), 4: ("LA18932-6", "10 or more")},
    "68520-6": {2: ("LA18876-5", "Monthly"), 3: ("LA18891-4", "Weekly")},
}


def _panel(points: tuple[int, int, int], total: int | None = None) -> Resource:
    """An AUDIT-C panel Observation (us-core-observation-survey) with the three item answers and,
    when given, the 75626-2 total as a component."""
    components: list[Resource] = [
        {
            "code": b.concept(b.LOINC, item, ITEMS[item]),
            "valueCodeableConcept": b.concept(b.LOINC, *ANSWERS[item][score]),
        }
        for item, score in zip(ITEMS, points, strict=True)
    ]
    if total is not None:
        components.append(
            {"code": b.concept(b.LOINC, "75626-2", "Total score [AUDIT-C]"), "valueInteger": total}
        )
    return {
        "resourceType": "Observation",
        "id": "auditc-panel",
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-survey"
            ]
        },
        "status": "final",
        "category": [
            {
                "coding": [
                    b.coding(
                        "http://terminology.hl7.org/CodeSystem/observation-category",
                        "survey",
                        "Survey",
                    )
                ]
            }
        ],
        "code": b.concept(
            b.LOINC,
            "72109-2",
            "Alcohol Use Disorder Identification Test - Consumption [AUDIT-C]",
        ),
        "subject": b.reference("Patient", PATIENT),
        "effectiveDateTime": b.fhir_datetime(DAY),
        "issued": b.fhir_datetime(DAY),
        "component": components,
    }


def _chart(*extra: Resource, drafts: tuple[Resource, ...] = ()) -> PatientRecord:
    """F33.2; sertraline 150 mg then escitalopram 20 mg failed; PHQ-9 21: the SNRIs, duloxetine
    among them, are on the switch list."""
    resources = [
        b.patient(
            id=PATIENT, given="Ana", family="Ruiz", gender="female", birth_date=date(1975, 2, 9)
        ),
        b.condition(
            b.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 6, 3),
            category="problem-list-item",
            patient=PATIENT,
            id="mdd",
        ),
        b.medication_statement(
            "36437",
            "sertraline 100 MG Oral Tablet",
            date(2024, 6, 3),
            date(2024, 10, 1),
            status="completed",
            dose_value=150,
            dose_unit="mg",
            patient=PATIENT,
            id="ser",
        ),
        b.medication_statement(
            "351250",
            "escitalopram 20 MG Oral Tablet",
            date(2024, 10, 1),
            dose_value=20,
            dose_unit="mg",
            patient=PATIENT,
            # Reported again at the last PHQ-9 visit: a patient's statement counts to one usual
            # fill after its dateAsserted (stmt72), and this course runs to today.
            date_asserted=date(2025, 5, 20),
            id="esc",
        ),
        *b.phq9(date(2024, 6, 3), 22, patient=PATIENT),
        *b.phq9(date(2024, 10, 1), 21, patient=PATIENT),
        *b.phq9(date(2025, 5, 20), 21, patient=PATIENT),
        *extra,
    ]
    assert_valid([*resources, *drafts])
    return build_record(resources, as_of=AS_OF, patient_id=PATIENT, draft_orders=drafts)


def _switch(record: PatientRecord) -> str:
    cards = {r.topic: r for r in patient_view(record, Policy())}
    return cards["optimize-switch-augment"].detail.split("**Switch:**")[1].split("\n\n")[0]


def _options(switch: str) -> str:
    return switch.split("duloxetine not listed")[0]


def test_items_summing_to_10_take_duloxetine_off_the_switch_list_saying_how() -> None:
    switch = _switch(_chart(_panel((4, 4, 2))))
    assert "duloxetine" not in _options(switch)
    assert "venlafaxine" in _options(switch)
    assert BARRED.format(shown="AUDIT-C 10 on 2025-05-19, computed from items") in switch


def test_a_recorded_panel_total_is_named_as_recorded() -> None:
    switch = _switch(_chart(_panel((4, 4, 2), total=10)))
    assert BARRED.format(shown="AUDIT-C 10 on 2025-05-19") in switch
    assert "computed from items" not in switch


def test_items_below_the_cut_off_leave_duloxetine_on_offer() -> None:
    switch = _switch(_chart(_panel((1, 1, 3))))  # 5 < 8
    assert "duloxetine" in _options(switch)
    assert "substantial alcohol use" not in switch


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_a_duloxetine_draft_beside_computed_items_gets_a_warning(hook: str) -> None:
    draft = b.medication_request(
        "596934",
        "duloxetine 60 MG Delayed Release Oral Capsule",
        AS_OF,
        dose_value=1,
        frequency=1,
        status="draft",
        expected_supply_days=30,
        patient=PATIENT,
        id="draft-dul",
    )
    record = _chart(_panel((4, 4, 2)), drafts=(draft,))
    rec = {r.topic: r for r in order_hook(record, Policy(), hook=hook)}[CONTRAINDICATED]
    assert rec.indicator is Indicator.WARNING
    assert len(rec.summary) <= 140
    assert rec.summary.startswith("Duloxetine: ordinarily not prescribed with substantial alcohol")
    assert "(AUDIT-C 10 on 2025-05-19, computed from items: a screen at or above the clinic's " in (
        rec.detail
    )
