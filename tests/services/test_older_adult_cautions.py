"""Older adults at the order hooks and on chart open (review 11 finding 1, older-adult part).

Before: amitriptyline 50 mg drafted at 79 with repeated falls and sodium 128, mirtazapine at 86
with sodium 128, lithium started at 77 with no TSH, sodium or level on record: NO CARDS; and
amitriptyline 75 mg running at 84 with falls got an optimise card offering one-click aripiprazole
"adjunct to the current antidepressant", with no word of falls or anticholinergic load.

Charts are US Core shaped (tests/fixtures/builders.py: SCD-coded MedicationRequests, draft orders
as an EHR sends them in context.draftOrders, lab Observations with a UCUM valueQuantity, problem-
list Conditions for falls), validated against fhir.resources R4B and mapped by build_record with
the real tables.
"""

from __future__ import annotations

import csv
import dataclasses
from datetime import date
from importlib import resources
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.codes import observation_codes
from fhir_mapping.record import DataDomain, DataGap, GapCause, PatientRecord
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as fb

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "pt-older-1"
Resource = dict[str, Any]

BEERS = "order-older-adult-anticholinergic"
RUNNING = "older-adult-anticholinergic"
SODIUM_CARD = "order-low-sodium"
BASELINE = "order-lithium-baseline"
OPTIMISE = "optimize-switch-augment"
STATUSES = {"confirmed", "corroborated", "UNVERIFIED"}

SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
AMITRIPTYLINE_50 = ("856845", "amitriptyline hydrochloride 50 MG Oral Tablet")
AMITRIPTYLINE_75 = ("856853", "amitriptyline hydrochloride 75 MG Oral Tablet")
PAROXETINE_40 = ("1738511", "paroxetine hydrochloride 40 MG Oral Tablet")
MIRTAZAPINE_15 = ("311725", "mirtazapine 15 MG Oral Tablet")
DOXEPIN_3 = ("966787", "doxepin 3 MG Oral Tablet")
DOXEPIN_25 = ("1000070", "doxepin 25 MG Oral Capsule")
LITHIUM_300 = ("197889", "lithium carbonate 300 MG Oral Capsule")

DISPLAY = {row.code: row.display for row in observation_codes()}


def lab(loinc: str, value: float, unit: str, day: date, flag: Any = None) -> Resource:
    return fb.lab(loinc, value, unit, day, flag, patient=P, display=DISPLAY[loinc])


SODIUM_128 = lab("2951-2", 128, "mmol/L", date(2025, 5, 20), "L")
EGFR_38 = lab("62238-1", 38, "mL/min/{1.73_m2}", date(2025, 5, 20), "L")
TSH_OK = lab("3016-3", 2.1, "m[IU]/L", date(2025, 5, 20), "N")
SODIUM_OK = lab("2951-2", 139, "mmol/L", date(2025, 5, 20), "N")
FALLS = fb.condition(
    fb.ICD10CM,
    "R29.6",
    "Repeated falls",
    date(2025, 2, 10),
    category="problem-list-item",
    patient=P,
    id="falls",
)


def taking(
    drug: tuple[str, str], start: date, *, per_day: int = 1, stopped: date | None = None, rid: str
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


def drafted(drug: tuple[str, str], *, per_day: int = 1) -> Resource:
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


def chart(
    *extra: Resource,
    born: date,
    second: tuple[str, str] | None = None,
    drafts: tuple[Resource, ...] = (),
) -> PatientRecord:
    """F33.2 since 2024-05-20; sertraline 100 mg failed (2024-06-03 to 2024-09-30, PHQ-9 23 ->
    21); `second` running since 2024-09-30 when given; PHQ-9 21 on 2025-05-19."""
    found: list[Resource] = [
        fb.patient(id=P, given="Edith", family="Marsh", gender="female", birth_date=born),
        fb.condition(
            fb.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 5, 20),
            category="problem-list-item",
            patient=P,
            id="mdd",
        ),
        taking(SERTRALINE_100, date(2024, 6, 3), stopped=date(2024, 9, 30), rid="mr-s"),
        *fb.phq9(date(2024, 6, 3), 23, item9=0, patient=P),
        *fb.phq9(date(2024, 9, 30), 21, item9=0, patient=P),
        *fb.phq9(date(2025, 5, 19), 21, item9=0, patient=P),
        *extra,
    ]
    if second is not None:
        found.append(taking(second, date(2024, 9, 30), rid="mr-2"))
    for resource in [*found, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(found, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def at_order(record: PatientRecord, hook: str = "order-sign") -> dict[str, Recommendation]:
    return {r.topic: r for r in order_hook(record, Policy(), hook=hook)}


def on_open(
    record: PatientRecord, hidden: frozenset[str] = frozenset()
) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy(), hidden=hidden)}


def _one_click_drugs(card: Recommendation) -> list[str]:
    return [
        s.label
        for s in card.suggestions
        if any(
            a.resource is not None and a.resource.get("resourceType") == "MedicationRequest"
            for a in s.actions
        )
    ]


# --- order hooks: strongly anticholinergic antidepressant at >= 65 ------------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_amitriptyline_drafted_at_79_with_falls_gets_the_beers_warning(hook: str) -> None:
    record = chart(FALLS, born=date(1946, 1, 5), drafts=(drafted(AMITRIPTYLINE_50),))
    card = at_order(record, hook)[BEERS]
    assert card.indicator is Indicator.WARNING and card.snoozable is False
    assert card.summary == (
        "Amitriptyline at 79 with repeated falls on record: strongly anticholinergic, avoid in "
        "older adults (AGS Beers 2023)"
    )
    assert len(card.summary) <= 140
    assert "**Amitriptyline 50 mg/day drafted at age 79.**" in card.detail
    assert "R29.6, since 2025-02-10" in card.detail
    assert "history of falls or fractures" in card.detail
    assert "(UNVERIFIED)" in card.detail  # the falls line was recalled, not read


def test_without_falls_the_beers_card_names_age_only_and_not_below_65_nor_for_sertraline() -> None:
    card = at_order(chart(born=date(1946, 1, 5), drafts=(drafted(PAROXETINE_40),)))[BEERS]
    assert card.summary == (
        "Paroxetine at 79: strongly anticholinergic, avoid in older adults (AGS Beers 2023)"
    )
    assert "Falls on record" not in card.detail
    young = chart(FALLS, born=date(1961, 1, 5), drafts=(drafted(AMITRIPTYLINE_50),))  # 64
    assert BEERS not in at_order(young)
    sertraline = chart(FALLS, born=date(1946, 1, 5), drafts=(drafted(SERTRALINE_100),))
    assert BEERS not in at_order(sertraline)


def test_doxepin_only_above_6_mg_a_day() -> None:
    low = chart(born=date(1940, 1, 5), drafts=(drafted(DOXEPIN_3),))
    assert BEERS not in at_order(low)
    high = chart(born=date(1940, 1, 5), drafts=(drafted(DOXEPIN_25),))
    assert "Doxepin at 85" in at_order(high)[BEERS].summary


# --- order hooks: low sodium with mirtazapine or a tricyclic ------------------------------------


def test_mirtazapine_drafted_with_sodium_128_at_86_gets_the_low_sodium_card() -> None:
    record = chart(SODIUM_128, FALLS, born=date(1939, 1, 5), drafts=(drafted(MIRTAZAPINE_15),))
    card = at_order(record)[SODIUM_CARD]
    assert card.summary == (
        "Mirtazapine at age 86 with sodium 128 mmol/L on 2025-05-20: below 130 mmol/L; "
        "mirtazapine can lower it further"
    )
    assert "Mirtazapine can cause hyponatraemia (SIADH; mirtazapine label" in card.detail
    # Mirtazapine is not strongly anticholinergic: no Beers card.
    assert BEERS not in at_order(record)


def test_amitriptyline_with_sodium_128_gets_both_cards_the_tca_line_unverified() -> None:
    record = chart(SODIUM_128, FALLS, born=date(1946, 1, 5), drafts=(drafted(AMITRIPTYLINE_50),))
    cards = at_order(record)
    assert {BEERS, SODIUM_CARD} <= set(cards)
    sodium = cards[SODIUM_CARD]
    assert sodium.summary.endswith("TCAs can lower it further")
    assert "AGS Beers 2023 SIADH caution, UNVERIFIED" in sodium.detail


# --- order hooks: lithium baseline labs ---------------------------------------------------------


def test_lithium_started_at_77_without_tsh_or_sodium_names_what_is_missing() -> None:
    record = chart(EGFR_38, born=date(1948, 1, 5), drafts=(drafted(LITHIUM_300, per_day=2),))
    card = at_order(record)[BASELINE]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Lithium 600 mg/day started: no sodium or TSH in 365 days (baseline labs, CANMAT 2023 para 164)"
    )
    assert "- eGFR 38 mL/min/1.73 m2 on 2025-05-20" in card.detail
    assert "- TSH: **none on record**" in card.detail
    assert "- calcium: not read by this service; check it in the chart" in card.detail
    # A level before the first dose is no baseline: not asked for at a start.
    assert "- lithium level" not in card.detail


def test_lithium_started_with_its_baseline_on_record_gets_no_baseline_card() -> None:
    record = chart(
        EGFR_38,
        TSH_OK,
        SODIUM_OK,
        born=date(1948, 1, 5),
        drafts=(drafted(LITHIUM_300, per_day=2),),
    )
    assert BASELINE not in at_order(record)


def test_lithium_raised_without_a_level_asks_for_the_level_and_old_labs_are_named_old() -> None:
    old_tsh = lab("3016-3", 2.1, "m[IU]/L", date(2023, 1, 9), "N")
    record = chart(
        EGFR_38,
        SODIUM_OK,
        old_tsh,
        taking(LITHIUM_300, date(2025, 3, 3), per_day=2, rid="mr-li"),
        born=date(1948, 1, 5),
        second=AMITRIPTYLINE_50,
        drafts=(drafted(LITHIUM_300, per_day=3),),
    )
    card = at_order(record)[BASELINE]
    assert card.summary.startswith("Lithium 900 mg/day raised: no lithium level or TSH in 365 days")
    assert "- TSH: **last 2.1 m[IU]/L on 2023-01-09, over 365 days ago**" in card.detail


def test_lithium_with_lab_results_not_obtained_says_not_checked_not_missing() -> None:
    record = chart(born=date(1948, 1, 5), drafts=(drafted(LITHIUM_300, per_day=2),))
    gaps = (DataGap(DataDomain.LABS, "Observation: next pages not read", cause=GapCause.PARTIAL),)
    cards = at_order(dataclasses.replace(record, gaps=gaps))
    assert BASELINE not in cards
    assert "not checked" in cards["order-lithium-level"].summary


# --- patient-view: such a drug running -----------------------------------------------------------


def test_amitriptyline_running_at_84_with_falls_gets_one_warning_and_no_one_click_adjunct() -> None:
    record = chart(FALLS, born=date(1941, 1, 5), second=AMITRIPTYLINE_75)
    cards = on_open(record)
    card = cards[RUNNING]
    assert card.indicator is Indicator.WARNING and card.snoozable is True
    assert card.summary == (
        "Amitriptyline 75 mg/day at 84 with repeated falls: strongly anticholinergic (AGS Beers "
        "2023); consider switching rather than building on it"
    )
    assert "R29.6, since 2025-02-10" in card.detail
    assert card.suggestions == ()
    optimise = cards[OPTIMISE]
    assert _one_click_drugs(optimise) == []
    assert "**Amitriptyline 75 mg/day at 84: strongly anticholinergic**" in optimise.detail
    assert "Not one click: Propose adjunctive aripiprazole" in optimise.detail


def test_snoozed_the_optimise_card_gets_its_one_click_back_and_sertraline_gets_no_card() -> None:
    record = chart(FALLS, born=date(1941, 1, 5), second=PAROXETINE_40)
    assert "Paroxetine 40 mg/day at 84" in on_open(record)[RUNNING].summary
    snoozed = on_open(record, hidden=frozenset({RUNNING}))
    assert RUNNING not in snoozed
    assert _one_click_drugs(snoozed[OPTIMISE])
    calm = on_open(chart(FALLS, born=date(1941, 1, 5), second=MIRTAZAPINE_15))
    assert RUNNING not in calm
    assert _one_click_drugs(calm[OPTIMISE])


def test_every_older_adult_row_has_a_source_and_a_status() -> None:
    text = resources.files("services").joinpath("data/older_adult_cautions.csv")
    rows = list(csv.DictReader(text.read_text("utf-8").splitlines()))
    assert {r["kind"] for r in rows} == {"anticholinergic", "falls"}
    for row in rows:
        assert row["source"].strip() and row["status"] in STATUSES, row
