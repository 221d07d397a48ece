"""MedicationRequest / MedicationStatement / MedicationDispense -> MedicationEvent, draftOrders."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping import conformance
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.medications import draft_orders, medication_events, parse_date
from fhir_mapping.record import DraftOrder, Role, SourceRef
from tests.fhir_mapping.medication_resources import (
    INGREDIENT_ONLY_MEDICATION,
    SERTRALINE_MEDICATION,
    SOLUTION_MEDICATION,
    UCUM,
    Resource,
    contained_request,
    daily,
    dispense,
    dose_mg,
    dose_tablets,
    request,
    rxnorm,
    statement,
    synthea_dose,
)

SYNTHEA = Path(__file__).resolve().parents[2] / ".." / "shared" / "fhir" / "synthea"
AS_OF = date(2024, 6, 1)

# --- fixtures: one per encoding ---------------------------------------------------------------

SYNTHEA_LEGACY = request(
    "86c267dc-e655-4a0e-9046-00dc12ba1419",
    concept=rxnorm("406022", "Fluoxetine 25MG", "Fluoxetine 25MG"),
    authored="1993-01-09T06:38:03+00:00",
    status="stopped",
    dosage=[synthea_dose()],
)
SCD_TABLETS = request(
    "mr-sertraline-scd",
    concept=rxnorm("312941", "sertraline 50 MG Oral Tablet", "sertraline 50 MG Oral Tablet"),
    dosage=[dose_tablets(2)],
    dispenseRequest={
        "validityPeriod": {"start": "2024-01-10", "end": "2025-01-10"},
        "numberOfRepeatsAllowed": 2,
        "quantity": {"value": 60, "unit": "tablet", "system": UCUM, "code": "{tbl}"},
        "expectedSupplyDuration": {"value": 30, "unit": "days", "system": UCUM, "code": "d"},
    },
)
QUANTITY_SUPPLY = request(
    "mr-escitalopram-qty",
    concept=rxnorm("349332", "escitalopram 10 MG Oral Tablet"),
    dosage=[dose_tablets(2)],
    dispenseRequest={
        "numberOfRepeatsAllowed": 1,
        "quantity": {"value": 60, "unit": "tablet", "system": UCUM, "code": "{tbl}"},
    },
)
MG_DOSE_BOUNDED = request(
    "mr-venlafaxine-bounded",
    concept=rxnorm("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule"),
    dosage=[
        dose_mg(
            150,
            {
                "repeat": {
                    "boundsPeriod": {"start": "2024-01-10", "end": "2024-04-10"},
                    "frequency": 1,
                    "period": 1,
                    "periodUnit": "d",
                }
            },
        )
    ],
)
BOUNDS_DURATION = request(
    "mr-mirtazapine-duration",
    concept=rxnorm("314111", "mirtazapine 30 MG Oral Tablet"),
    dosage=[
        {
            "timing": {
                "repeat": {
                    "boundsDuration": {"value": 8, "unit": "weeks", "system": UCUM, "code": "wk"},
                    "frequency": 1,
                    "period": 1,
                    "periodUnit": "d",
                    "when": ["HS"],
                }
            },
            "doseAndRate": [
                {"doseQuantity": {"value": 1, "unit": "tablet", "system": UCUM, "code": "{tbl}"}}
            ],
        }
    ],
)
DOSE_RANGE = request(
    "mr-bupropion-range",
    concept=rxnorm("993557", "24 HR buPROPion hydrochloride 300 MG Extended Release Oral Tablet"),
    dosage=[
        {
            "timing": daily(),
            "doseAndRate": [
                {
                    "doseRange": {
                        "low": {"value": 150, "unit": "mg", "system": UCUM, "code": "mg"},
                        "high": {"value": 300, "unit": "mg", "system": UCUM, "code": "mg"},
                    }
                }
            ],
        }
    ],
)
TEXT_SIG_BRAND_ONLY = request(
    "mr-lexapro-text",
    concept={"text": "Lexapro 10mg tab"},
    dosage=[{"text": "1 tab po daily"}],
)
TALL_MAN_UNKNOWN_CODE = request(
    "mr-trazodone-tallman",
    concept={
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "1000001",
                "display": "traZODone 50 MG Oral Tablet",
            }
        ]
    },
    dosage=[{"text": "Take 1 tablet by mouth nightly as needed for sleep"}],
)
CONTAINED = contained_request()
BUNDLED_MEDICATION = request(
    "mr-bundled-urn",
    reference=f"urn:uuid:{SERTRALINE_MEDICATION['id']}",
    dosage=[synthea_dose()],
)
BUNDLED_RELATIVE = request(
    "mr-bundled-relative",
    reference="Medication/med-compounded-1",
    dosage=[dose_tablets(2)],
)
BUNDLED_SOLUTION = request(
    "mr-bundled-solution",
    reference="Medication/med-fluoxetine-solution/_history/2",
    dosage=[
        {
            "timing": daily(),
            "doseAndRate": [
                {"doseQuantity": {"value": 5, "unit": "mL", "system": UCUM, "code": "mL"}}
            ],
        }
    ],
)
STATEMENT_PERIOD = statement(
    "ms-venlafaxine-history",
    concept={"text": "Effexor XR 150 mg capsule"},
    status="completed",
    effectivePeriod={"start": "2022-03-01", "end": "2022-09-15"},
    dateAsserted="2024-01-10",
    dosage=[{"text": "150 mg daily"}],
)
STATEMENT_DATETIME = statement(
    "ms-citalopram",
    concept=rxnorm("200371", "citalopram 20 MG Oral Tablet"),
    effectiveDateTime="2023-05-02",
    dosage=[synthea_dose()],
)
STATEMENT_ASSERTED_ONLY = statement(
    "ms-nortriptyline-asserted",
    concept={"text": "nortriptyline 25 mg capsule"},
    # `completed`: a statement `unknown` is a record to confirm, no event (fix 20 item 1).
    status="completed",
    dateAsserted="2023-11-20T10:00:00-05:00",
)
STATEMENT_NOT_TAKEN = statement(
    "ms-paroxetine-not-taken",
    concept={"text": "paroxetine 20 mg"},
    status="not-taken",
    dateAsserted="2023-11-20",
)
DISPENSE_WITH_SIG = dispense(
    "md-sertraline-1",
    concept=rxnorm("312941", "sertraline 50 MG Oral Tablet"),
    quantity={"value": 60, "unit": "tablet", "system": UCUM, "code": "{tbl}"},
    daysSupply={"value": 30, "unit": "days", "system": UCUM, "code": "d"},
    dosageInstruction=[dose_tablets(2)],
)
DISPENSE_NO_SIG = dispense(
    "md-sertraline-2",
    concept=rxnorm("312941", "sertraline 50 MG Oral Tablet"),
    handed_over="2024-02-12T11:00:00-05:00",
    quantity={"value": 60, "unit": "tablet", "system": UCUM, "code": "{tbl}"},
    daysSupply={"value": 30, "unit": "days", "system": UCUM, "code": "d"},
)
DISPENSE_PREPARED = dispense(
    "md-duloxetine-prepared",
    concept=rxnorm("596934", "duloxetine 60 MG Delayed Release Oral Capsule"),
    status="in-progress",
    handed_over=None,
    whenPrepared="2024-03-01T09:00:00-05:00",
    quantity={"value": 30, "unit": "capsule", "system": UCUM, "code": "{capsule}"},
    dosageInstruction=[{"text": "1 cap daily"}],
)
DISPENSE_DECLINED = dispense(
    "md-declined",
    concept=rxnorm("312941", "sertraline 50 MG Oral Tablet"),
    status="declined",
)
COMBINATION = request(
    "mr-symbyax",
    concept=rxnorm(
        "403969", "fluoxetine 25 MG / olanzapine 6 MG Oral Capsule", "Symbyax 6-25 capsule"
    ),
    dosage=[synthea_dose()],
)
ENTERED_IN_ERROR = request(
    "mr-error",
    concept=rxnorm("312941", "sertraline 50 MG Oral Tablet"),
    status="entered-in-error",
    dosage=[synthea_dose()],
)
CANCELLED = request(
    "mr-cancelled",
    concept=rxnorm("312941", "sertraline 50 MG Oral Tablet"),
    status="cancelled",
    dosage=[synthea_dose()],
)
DRAFT = request(
    "mr-draft",
    concept=rxnorm("312941", "sertraline 50 MG Oral Tablet"),
    status="draft",
    dosage=[dose_tablets(2)],
)
PROPOSAL = request(
    "mr-proposal",
    concept=rxnorm("312941", "sertraline 50 MG Oral Tablet"),
    intent="proposal",
)
DO_NOT_PERFORM = request(
    "mr-do-not-perform",
    concept=rxnorm("312941", "sertraline 50 MG Oral Tablet"),
    doNotPerform=True,
)
FUTURE = request(
    "mr-future",
    concept=rxnorm("312941", "sertraline 50 MG Oral Tablet"),
    authored="2024-07-01",
    dosage=[synthea_dose()],
)
# A drug off the pathway. (Lisinopril, which these tests used, is read beside lithium now: it
# raises a lithium level; tests/services/test_interactions_lithium.py.)
AMLODIPINE = request(
    "mr-amlodipine",
    concept=rxnorm("308136", "amLODIPine 2.5 MG Oral Tablet"),
    dosage=[synthea_dose()],
)

FIXTURES: list[Resource] = [
    SYNTHEA_LEGACY,
    SCD_TABLETS,
    QUANTITY_SUPPLY,
    MG_DOSE_BOUNDED,
    BOUNDS_DURATION,
    DOSE_RANGE,
    TEXT_SIG_BRAND_ONLY,
    TALL_MAN_UNKNOWN_CODE,
    CONTAINED,
    BUNDLED_MEDICATION,
    BUNDLED_RELATIVE,
    BUNDLED_SOLUTION,
    SERTRALINE_MEDICATION,
    INGREDIENT_ONLY_MEDICATION,
    SOLUTION_MEDICATION,
    STATEMENT_PERIOD,
    STATEMENT_DATETIME,
    STATEMENT_ASSERTED_ONLY,
    STATEMENT_NOT_TAKEN,
    DISPENSE_WITH_SIG,
    DISPENSE_NO_SIG,
    DISPENSE_PREPARED,
    DISPENSE_DECLINED,
    COMBINATION,
    ENTERED_IN_ERROR,
    CANCELLED,
    DRAFT,
    PROPOSAL,
    DO_NOT_PERFORM,
    FUTURE,
    AMLODIPINE,
]


@pytest.mark.parametrize("resource", FIXTURES, ids=lambda r: f"{r['resourceType']}/{r['id']}")
def test_fixture_is_valid_r4b(resource: Resource) -> None:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def events_of(*resources: Resource, as_of: date = AS_OF) -> list[MedicationEvent]:
    events, gaps = medication_events(list(resources), as_of=as_of)
    assert gaps == []
    return events


def only(*resources: Resource) -> MedicationEvent:
    (event,) = events_of(*resources)
    return event


# --- orders ------------------------------------------------------------------------------------


def test_synthea_legacy_code_one_unit_daily_is_25_mg() -> None:
    event = only(SYNTHEA_LEGACY)
    assert event == MedicationEvent(
        kind=EventKind.ORDER,
        ingredient="fluoxetine",
        drug_class="SSRI",
        role=Role.ANTIDEPRESSANT,
        start=date(1993, 1, 9),
        end=None,
        mg_per_day=25.0,
        days_supply=None,
        status="stopped",
        source=SourceRef("MedicationRequest", "86c267dc-e655-4a0e-9046-00dc12ba1419"),
        as_needed=False,  # its dosage is scheduled (read for every drug with a dosage)
    )


def test_scd_tablets_and_supply_with_repeats() -> None:
    # Issue 10: one fill is the supply; refills authorised are kept apart (not supply taken).
    event = only(SCD_TABLETS)
    assert (
        event.ingredient,
        event.mg_per_day,
        event.start,
        event.days_supply,
        event.refills,
    ) == ("sertraline", 100.0, date(2024, 1, 10), 30.0, 2)


def test_supply_from_quantity_when_no_duration() -> None:
    event = only(QUANTITY_SUPPLY)
    assert (event.mg_per_day, event.days_supply, event.refills) == (20.0, 30.0, 1)


def test_mg_dose_and_bounds_period_end() -> None:
    event = only(MG_DOSE_BOUNDED)
    assert (event.ingredient, event.mg_per_day, event.end) == (
        "venlafaxine",
        150.0,
        date(2024, 4, 10),
    )


def test_bounds_duration_gives_the_end() -> None:
    event = only(BOUNDS_DURATION)
    # 8 weeks from 2024-01-10 counted with both ends (ord64): the 56th day is 2024-03-05.
    assert (event.mg_per_day, event.start, event.end) == (30.0, date(2024, 1, 10), date(2024, 3, 5))


def test_dose_range_lower_end_with_the_upper_end_beside_it() -> None:
    event = only(DOSE_RANGE)
    assert (event.mg_per_day, event.mg_per_day_high) == (150.0, 300.0)


def test_brand_in_text_only_with_text_sig() -> None:
    event = only(TEXT_SIG_BRAND_ONLY)
    assert (event.ingredient, event.drug_class, event.mg_per_day) == ("escitalopram", "SSRI", 10.0)


def test_tall_man_display_with_unknown_code_and_prn_sig() -> None:
    event = only(TALL_MAN_UNKNOWN_CODE)
    assert (event.ingredient, event.mg_per_day) == ("trazodone", 50.0)


def test_contained_medication() -> None:
    event = only(CONTAINED)
    assert (event.ingredient, event.drug_class, event.mg_per_day) == ("duloxetine", "SNRI", 60.0)


def test_bundled_medication_by_urn_uuid() -> None:
    event = only(BUNDLED_MEDICATION, SERTRALINE_MEDICATION)
    assert (event.ingredient, event.mg_per_day) == ("sertraline", 50.0)


def test_bundled_medication_with_ingredient_and_strength() -> None:
    event = only(BUNDLED_RELATIVE, INGREDIENT_ONLY_MEDICATION)
    assert (event.ingredient, event.mg_per_day) == ("sertraline", 100.0)


def test_bundled_solution_by_versioned_reference() -> None:
    event = only(BUNDLED_SOLUTION, SOLUTION_MEDICATION)
    assert (event.ingredient, event.mg_per_day) == ("fluoxetine", 20.0)


def test_unresolved_reference_is_not_an_event_and_is_reported() -> None:
    events, gaps = medication_events([BUNDLED_MEDICATION], as_of=AS_OF)
    assert events == []
    assert [(str(g.source), g.reason) for g in gaps] == [
        ("MedicationRequest/mr-bundled-urn", "medication reference not found")
    ]


def test_combination_gives_one_event_per_component() -> None:
    fluoxetine, olanzapine = events_of(COMBINATION)
    assert (
        fluoxetine.ingredient,
        fluoxetine.role,
        fluoxetine.drug_class,
        fluoxetine.mg_per_day,
    ) == (
        "fluoxetine",
        Role.ANTIDEPRESSANT,
        "SSRI",
        25.0,
    )
    assert (
        olanzapine.ingredient,
        olanzapine.role,
        olanzapine.drug_class,
        olanzapine.mg_per_day,
    ) == (
        "olanzapine",
        Role.AUGMENTATION,
        "atypical antipsychotic",
        6.0,
    )
    # The product is a structured fact on each event (combination_products.py), not a note.
    assert fluoxetine.product == olanzapine.product
    assert fluoxetine.product is not None
    assert (fluoxetine.product.name, fluoxetine.product.counts_as_trial) == (
        "fluoxetine/olanzapine",
        True,
    )
    assert fluoxetine.notes == olanzapine.notes == ()
    assert fluoxetine.source == olanzapine.source == SourceRef("MedicationRequest", "mr-symbyax")


# --- statements and dispenses ------------------------------------------------------------------


def test_statement_only_history() -> None:
    period, datetime_, asserted = events_of(
        STATEMENT_PERIOD, STATEMENT_DATETIME, STATEMENT_ASSERTED_ONLY
    )
    assert (
        period.kind,
        period.ingredient,
        period.start,
        period.end,
        period.mg_per_day,
        period.status,
    ) == (
        EventKind.STATEMENT,
        "venlafaxine",
        date(2022, 3, 1),
        date(2022, 9, 15),
        150.0,
        "completed",
    )
    assert (datetime_.ingredient, datetime_.start, datetime_.end, datetime_.mg_per_day) == (
        "citalopram",
        date(2023, 5, 2),
        None,
        20.0,
    )
    assert (asserted.ingredient, asserted.start, asserted.mg_per_day, asserted.days_supply) == (
        "nortriptyline",
        date(2023, 11, 20),
        None,
        None,
    )


def test_dispense_with_sig() -> None:
    event = only(DISPENSE_WITH_SIG)
    assert (event.kind, event.start, event.mg_per_day, event.days_supply, event.notes) == (
        EventKind.DISPENSE,
        date(2024, 1, 11),
        100.0,
        30.0,
        (),
    )


def test_dispense_without_sig_uses_quantity_over_days_supply() -> None:
    event = only(DISPENSE_NO_SIG)
    assert (event.mg_per_day, event.days_supply, event.notes) == (
        100.0,
        30.0,
        ("dose from dispensed quantity and days supply",),
    )


def test_dispense_when_prepared_and_supply_from_quantity() -> None:
    event = only(DISPENSE_PREPARED)
    assert (event.start, event.mg_per_day, event.days_supply, event.status) == (
        date(2024, 3, 1),
        60.0,
        30.0,
        "in-progress",
    )


# --- what is dropped ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "resource",
    [
        ENTERED_IN_ERROR,
        CANCELLED,
        DRAFT,
        PROPOSAL,
        DO_NOT_PERFORM,
        STATEMENT_NOT_TAKEN,
        DISPENSE_DECLINED,
        AMLODIPINE,
    ],
    ids=lambda r: r["id"],
)
def test_dropped(resource: Resource) -> None:
    assert medication_events([resource], as_of=AS_OF) == ([], [])


def test_a_future_order_is_not_read_and_named() -> None:
    # Review 15 M3: dated after as-of, it is no course (the safe reading), but never dropped in
    # silence: a typo the clinician should correct, named with its date.
    events, gaps = medication_events([FUTURE], as_of=AS_OF)
    assert events == []
    assert [(g.source, g.reason, g.stated) for g in gaps] == [
        (SourceRef("MedicationRequest", "mr-future"), "dated after today", "dated 2024-07-01")
    ]


def test_as_of_includes_the_day_itself() -> None:
    assert [e.start for e in events_of(FUTURE, as_of=date(2024, 7, 1))] == [date(2024, 7, 1)]


def test_unreadable_dates_are_reported_irrelevant_ones_ignored_and_nothing_validated() -> None:
    invalid = request("mr-invalid-date", concept=rxnorm("312941", "sertraline 50 MG Oral Tablet"))
    invalid["authoredOn"] = "last tuesday"
    undated = request(
        "mr-undated", concept=rxnorm("312941", "sertraline 50 MG Oral Tablet"), authored=None
    )
    broken_lisinopril = request(
        "mr-lisinopril-broken", concept=rxnorm("314076", "lisinopril 10 MG Oral Tablet")
    )
    broken_lisinopril["authoredOn"] = "never"
    before = conformance.validations
    events, gaps = medication_events(
        [invalid, undated, broken_lisinopril, SCD_TABLETS], as_of=AS_OF
    )
    assert [e.source.id for e in events] == ["mr-sertraline-scd"]
    # The two sertraline orders are left out and named; the lisinopril order is off the pathway.
    assert sorted((str(g.source), g.reason) for g in gaps) == [
        ("MedicationRequest/mr-invalid-date", "an antidepressant or adjunct with no usable date"),
        ("MedicationRequest/mr-undated", "an antidepressant or adjunct with no usable date"),
    ]
    assert conformance.validations == before  # read tolerantly: no model validation


def test_duplicates_count_once_and_order_does_not_matter() -> None:
    forward = events_of(SCD_TABLETS, STATEMENT_DATETIME, SCD_TABLETS, DISPENSE_WITH_SIG)
    backward = events_of(DISPENSE_WITH_SIG, STATEMENT_DATETIME, SCD_TABLETS)
    assert forward == backward
    assert [(e.kind, e.ingredient) for e in forward] == [
        (EventKind.STATEMENT, "citalopram"),
        (EventKind.ORDER, "sertraline"),
        (EventKind.DISPENSE, "sertraline"),
    ]


def test_garbage_entries_are_ignored() -> None:
    garbage: list[Any] = [{}, {"resourceType": "MedicationRequest"}, "x", None]
    events, gaps = medication_events(garbage, as_of=AS_OF)
    # A MedicationRequest with no medication at all may have been an antidepressant: reported.
    assert (events, [g.reason for g in gaps]) == ([], ["no medication"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05T10:00:00+01:00", date(2024, 3, 5)),
        ("2024-03-05", date(2024, 3, 5)),
        ("2024-03", date(2024, 3, 1)),
        ("2024", date(2024, 1, 1)),
        ("2024-13-01", None),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_date(value: Any, expected: date | None) -> None:
    assert parse_date(value) == expected


# --- draft orders ------------------------------------------------------------------------------


def test_draft_orders_from_a_bundle() -> None:
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": DRAFT}, {"resource": AMLODIPINE}, {"resource": COMBINATION}],
    }
    get_fhir_model_class("Bundle").model_validate(bundle)
    orders = draft_orders([bundle])
    # Both components name their product, as a course's events do (DraftOrder.product).
    symbyax = orders[1].product
    assert symbyax is not None and symbyax.brand == "Symbyax" and orders[0].product is None
    assert orders == (
        DraftOrder(
            id="mr-draft",
            ingredient="sertraline",
            drug_class="SSRI",
            role=Role.ANTIDEPRESSANT,
            mg_per_day=100.0,
            min_adequate_mg=50.0,
            max_mg=200.0,
            source=SourceRef("MedicationRequest", "mr-draft"),
        ),
        DraftOrder(
            id="mr-symbyax",
            ingredient="fluoxetine",
            drug_class="SSRI",
            role=Role.ANTIDEPRESSANT,
            mg_per_day=25.0,
            min_adequate_mg=20.0,
            max_mg=60.0,
            source=SourceRef("MedicationRequest", "mr-symbyax"),
            product=symbyax,
        ),
        DraftOrder(
            id="mr-symbyax",
            ingredient="olanzapine",
            drug_class="atypical antipsychotic",
            role=Role.AUGMENTATION,
            mg_per_day=6.0,
            min_adequate_mg=2.5,
            max_mg=10.0,
            source=SourceRef("MedicationRequest", "mr-symbyax"),
            product=symbyax,
        ),
    )


def test_draft_orders_read_incomplete_drafts_and_contained_medications() -> None:
    incomplete = {
        "resourceType": "MedicationRequest",
        "id": "draft-no-subject",
        "status": "draft",
        "intent": "proposal",
        "medicationCodeableConcept": {"text": "Abilify 5 mg tablet"},
        "dosageInstruction": [{"text": "1 tab daily"}],
    }
    assert [
        (o.ingredient, o.role, o.mg_per_day) for o in draft_orders([incomplete, CONTAINED])
    ] == [
        ("aripiprazole", Role.AUGMENTATION, 5.0),
        ("duloxetine", Role.ANTIDEPRESSANT, 60.0),
    ]
    assert draft_orders([]) == ()


# --- Synthea bundles ---------------------------------------------------------------------------

_STRENGTH_IN_NAME = re.compile(r"(\d+(?:\.\d+)?)\s*MG\b", re.IGNORECASE)


def _bundles() -> list[Path]:
    return sorted(SYNTHEA.rglob("*.json")) if SYNTHEA.is_dir() else []


@pytest.mark.skipif(not SYNTHEA.is_dir(), reason="../shared/fhir/synthea is not available")
def test_every_synthea_bundle_maps_with_the_dose_its_product_name_says() -> None:
    found: list[tuple[str, float | None]] = []
    for path in _bundles():
        bundle = json.loads(path.read_text(encoding="utf-8"))
        resources: list[dict[str, Any]] = [
            e["resource"] for e in bundle.get("entry") or () if "resource" in e
        ]
        by_id = {(r["resourceType"], r.get("id")): r for r in resources}
        events, gaps = medication_events(resources, as_of=date(2026, 1, 1))
        assert gaps == [], path.name
        for event in events:
            if event.role is Role.INTERACTING:
                # Read only for the MAOI check (tramadol, fentanyl patches): no dose is judged.
                continue
            resource = by_id[(event.source.resource_type, event.source.id)]
            name = resource["medicationCodeableConcept"]["text"]
            dosage = resource.get("dosageInstruction")
            if not dosage:
                assert event.mg_per_day is None  # no dose written: unknown, not 0
            else:
                (line,) = dosage
                repeat = line["timing"]["repeat"]
                units = (
                    line["doseAndRate"][0]["doseQuantity"]["value"]
                    * repeat["frequency"]
                    / repeat["period"]
                )
                match = _STRENGTH_IN_NAME.search(name)
                assert match is not None
                assert event.mg_per_day == float(match.group(1)) * units, name
            found.append((name, event.mg_per_day))
    assert ("FLUoxetine 20 MG Oral Capsule", 20.0) in found
    assert ("Fluoxetine 25MG", 25.0) in found
    assert ("Sertraline 100MG", 100.0) in found
    assert ("Sertraline 100 MG Oral Tablet", None) in found  # Synthea's PTSD order has no dosage
    assert len(found) == 10


def test_medication_entered_in_error_is_not_read() -> None:
    withdrawn = {**SERTRALINE_MEDICATION, "status": "entered-in-error"}
    get_fhir_model_class("Medication").model_validate(withdrawn)
    assert medication_events([BUNDLED_MEDICATION, withdrawn], as_of=AS_OF) == ([], [])
