"""The psychiatrist's order-hook review (an earlier session's review), findings 1, 2, 7, 8 and
12, at order-select and order-sign.

Charts are FHIR R4 as US EHRs send them (the helpers of tests/services/test_order_safety.py: US
Core MedicationRequests with RxNorm clinical drugs, ICD-10-CM problem-list Conditions, PHQ-9
Observations), mapped by fhir_mapping.build_record and run through the real drug table.
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import DoseBasis, PatientRecord
from services import mood_cover, order_hooks, pathway
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from tests.fixtures import builders as fb
from tests.services.test_order_safety import (
    AS_OF,
    CITALOPRAM_20,
    CITALOPRAM_40,
    FLUOXETINE_20,
    PAROXETINE_20,
    SERTRALINE_100,
    P,
    Resource,
    at_order,
    chart,
    depressed,
    drafted,
    mdd,
    person,
    phq9,
    taking,
)

pytestmark = pytest.mark.real_drug_table

HOOKS = ["order-select", "order-sign"]
VENLAFAXINE_XR_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
AMITRIPTYLINE_75 = ("856853", "amitriptyline hydrochloride 75 MG Oral Tablet")
BUPROPION_XL_150 = ("993541", "24 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet")
QUETIAPINE_25 = (None, "quetiapine 25 MG Oral Tablet")
QUETIAPINE_400 = (None, "quetiapine 400 MG Oral Tablet")
ARIPIPRAZOLE_2 = (None, "aripiprazole 2 MG Oral Tablet")
LITHIUM_300 = (None, "lithium carbonate 300 MG Oral Capsule")
TEEN = date(2010, 1, 1)  # 15 on AS_OF
YOUNG_ADULT = date(2003, 1, 1)  # 22
OLDER = date(1950, 1, 1)  # 75


def draft_of(drug: tuple[str | None, str], rid: str = "draft-1", **kw: Any) -> Resource:
    return fb.medication_request(
        drug[0], drug[1], AS_OF, status="draft", expected_supply_days=30, patient=P, id=rid, **kw
    )


def unread_dose(drug: tuple[str | None, str]) -> Resource:
    """A draft whose sig gives no dose ("as directed"), as order screens send it before the
    dose is filled in."""
    return draft_of(drug, dose_value=None, frequency=None, text="as directed")


def _problem(code: str, display: str, onset: date, rid: str) -> Resource:
    """An ICD-10-CM problem-list Condition, as EHRs send them."""
    return fb.condition(
        fb.ICD10CM, code, display, onset, category="problem-list-item", patient=P, id=rid
    )


def bipolar_i() -> Resource:
    return _problem(
        "F31.4",
        "Bipolar disorder, current episode depressed, severe, without psychotic features",
        date(2019, 3, 4),
        "cond-bp1",
    )


def psychotic_depression() -> Resource:
    return _problem(
        "F33.3",
        "Major depressive disorder, recurrent, severe with psychotic symptoms",
        date(2024, 1, 10),
        "cond-psy",
    )


def without_birth_date(
    *items: Resource | list[Resource], drafts: tuple[Resource, ...]
) -> PatientRecord:
    """A chart whose Patient has no birthDate (allowed by FHIR R4 and US Core: 0..1)."""
    patient = person()
    del patient["birthDate"]
    flat: list[Resource] = [patient]
    for item in items:
        flat.extend(item if isinstance(item, list) else [item])
    for resource in [*flat, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(flat, as_of=AS_OF, patient_id=P, draft_orders=drafts)


def text(rec: Recommendation) -> str:
    return rec.summary + "\n" + rec.detail


# --- finding 1: under-18 "never" antidepressants, and the boxed warning under 25 ----------------


@pytest.mark.parametrize("hook", HOOKS)
@pytest.mark.parametrize(
    ("drug", "summary"),
    [
        (PAROXETINE_20, "Paroxetine: not to be used for depression under 18 (age 15; NICE NG134)"),
        (
            VENLAFAXINE_XR_75,
            "Venlafaxine: not to be used for depression under 18 (age 15; NICE NG134)",
        ),
        (
            AMITRIPTYLINE_75,
            "Amitriptyline: tricyclic antidepressants are not to be used for depression under 18 "
            "(age 15; NICE NG134)",
        ),
    ],
)
def test_an_antidepressant_barred_under_18_gets_a_warning_with_its_source(
    hook: str, drug: tuple[str, str], summary: str
) -> None:
    recs = at_order(chart(*depressed(), drafts=(draft_of(drug),), birth=TEEN), hook)
    rec = recs[order_hooks.CONTRAINDICATED]
    # The boxed warning rides on this card, and its summary names it (audit 14 y03).
    assert rec.summary == summary + "; boxed warning (under 25)"
    assert rec.indicator is Indicator.WARNING and rec.snoozable is False
    assert "NICE NG134" in rec.detail  # the table's cite, not a literal
    assert "section 1.6" not in rec.detail  # nor the table's source notes (H14)
    # The FDA boxed warning, once on the screen, as one line.
    boxed = [r for r in recs.values() if "**Boxed warning (age 15):**" in r.detail]
    assert len(boxed) == 1
    assert "suicidal thinking and behaviour" in boxed[0].detail


@pytest.mark.parametrize("drug", [PAROXETINE_20, VENLAFAXINE_XR_75, AMITRIPTYLINE_75])
def test_the_same_drugs_for_an_adult_get_no_age_card(drug: tuple[str, str]) -> None:
    recs = at_order(chart(*depressed(), drafts=(draft_of(drug),), birth=date(1990, 1, 1)))
    assert order_hooks.CONTRAINDICATED not in recs
    assert "Boxed warning" not in "".join(text(r) for r in recs.values())


def test_fluoxetine_first_choice_under_18_is_not_barred() -> None:
    recs = at_order(chart(*depressed(), drafts=(drafted(FLUOXETINE_20),), birth=TEEN))
    assert order_hooks.CONTRAINDICATED not in recs


def test_the_boxed_warning_rides_on_a_card_the_order_already_gets_under_25() -> None:
    # Sertraline 300 mg/day (3 x 100) at 22: above the 200 mg/day maximum.
    record = chart(*depressed(), drafts=(drafted(SERTRALINE_100, tablets=3),), birth=YOUNG_ADULT)
    recs = order_hook(record, Policy(), hook="order-sign")
    assert recs[0].topic == order_hooks.ABOVE
    assert "**Boxed warning (age 22):**" in recs[0].detail
    assert sum("Boxed warning" in r.detail for r in recs) == 1
    at_30 = chart(
        *depressed(), drafts=(drafted(SERTRALINE_100, tablets=3),), birth=date(1995, 1, 1)
    )
    assert not any(
        "Boxed warning" in r.detail for r in order_hook(at_30, Policy(), hook="order-sign")
    )


# --- finding 7: condition_drug_rules.csv at the order ------------------------------------------


@pytest.mark.parametrize("hook", HOOKS)
def test_bupropion_with_psychotic_depression_on_record_gets_the_card(hook: str) -> None:
    record = chart(
        psychotic_depression(), phq9(date(2025, 5, 20), 20), drafts=(draft_of(BUPROPION_XL_150),)
    )
    rec = at_order(record, hook)[order_hooks.CONTRAINDICATED]
    assert rec.summary.startswith("Bupropion: dopaminergic, may precipitate or worsen psychotic")
    assert "F33.3" in rec.detail and "Gen Hosp Psychiatry 2011 review" in rec.detail


def test_bupropion_without_psychotic_features_gets_no_card() -> None:
    record = chart(mdd(), phq9(date(2025, 5, 20), 20), drafts=(draft_of(BUPROPION_XL_150),))
    assert order_hooks.CONTRAINDICATED not in at_order(record)


def test_a_rule_both_tables_hold_is_said_once() -> None:
    # Paroxetine in pregnancy: drug_cautions.csv and condition_drug_rules.csv both hold it.
    pregnant = fb.condition(
        fb.SNOMED,
        "77386006",
        "Pregnancy",
        date(2025, 4, 1),
        category="problem-list-item",
        patient=P,
        id="cond-preg",
    )
    record = chart(*depressed(), pregnant, drafts=(drafted(PAROXETINE_20),))
    rec = at_order(record)[order_hooks.CONTRAINDICATED]
    assert rec.detail.count("\n- ") == 1, rec.detail


# --- finding 8: a failure inferred from a stop is not stated as fact ---------------------------


@pytest.mark.parametrize("hook", HOOKS)
def test_an_inferred_failure_says_what_the_record_shows(hook: str) -> None:
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2022, 1, 10), stopped=date(2023, 1, 10), rid="mr-s"),
        drafts=(drafted(SERTRALINE_100),),
    )
    rec = at_order(record, hook)[order_hooks.REPEATS]
    assert rec.summary == (
        "Sertraline was stopped after 52.1 weeks at up to 100 mg/day; failure inferred (no PHQ-9 "
        "on it)"
    )
    assert rec.indicator is Indicator.INFO
    assert "failed" not in rec.summary
    assert "did not bring response or remission" not in rec.detail
    assert "confirm with the patient" in rec.detail


def test_a_measured_failure_is_still_called_a_failure() -> None:
    record = chart(
        mdd(),
        phq9(date(2022, 1, 5), 18),
        phq9(date(2022, 4, 4), 16),  # on treatment: no response, no remission
        phq9(date(2025, 5, 20), 17),
        taking(SERTRALINE_100, date(2022, 1, 10), stopped=date(2023, 1, 10), rid="mr-s"),
        drafts=(drafted(SERTRALINE_100),),
    )
    rec = at_order(record)[order_hooks.REPEATS]
    assert rec.summary.startswith("Sertraline already failed an adequate trial")
    assert rec.indicator is Indicator.WARNING
    assert "did not bring response or remission" in rec.detail


def test_a_class_failure_that_was_inferred_is_not_called_a_failure() -> None:
    record = chart(
        *depressed(),
        taking(CITALOPRAM_20, date(2022, 1, 10), stopped=date(2023, 1, 10), rid="mr-c"),
        drafts=(drafted(SERTRALINE_100),),
    )
    rec = at_order(record)[order_hooks.REPEATS]
    assert "failed" not in rec.summary and "failure inferred" in rec.summary
    assert "citalopram stopped after 52.1 weeks at up to 20 mg/day" in rec.detail


# --- finding 2: antimanic cover only at an antimanic dose ---------------------------------------


@pytest.mark.parametrize("hook", HOOKS)
@pytest.mark.parametrize(
    ("running", "named"),
    [(QUETIAPINE_25, "quetiapine 25 mg/day"), (ARIPIPRAZOLE_2, "aripiprazole 2 mg/day")],
)
def test_a_low_dose_antipsychotic_is_not_antimanic_cover(
    hook: str, running: tuple[None, str], named: str
) -> None:
    record = chart(
        *depressed(),
        bipolar_i(),
        taking(running, date(2025, 1, 6), rid="mr-ap"),
        drafts=(drafted(SERTRALINE_100),),
    )
    rec = at_order(record, hook)[order_hooks.BIPOLAR]
    assert rec.summary == (
        f"Sertraline ordered with bipolar disorder and only {named}, not an antimanic dose: risk "
        "of a switch to mania"
    )
    assert "(running since 2025-01-06) is below the dose at which it treats mania" in rec.detail
    assert pathway.ongoing_mood_stabiliser(record) is None


@pytest.mark.parametrize(
    ("running", "agent"), [(QUETIAPINE_400, "quetiapine"), (LITHIUM_300, "lithium")]
)
def test_an_antimanic_dose_or_lithium_at_any_dose_is_cover(
    running: tuple[None, str], agent: str
) -> None:
    # Lithium is judged by its serum level, not its dose: 300 mg/day still counts.
    record = chart(
        *depressed(),
        bipolar_i(),
        taking(running, date(2025, 1, 6), rid="mr-ms"),
        drafts=(drafted(SERTRALINE_100),),
    )
    assert order_hooks.BIPOLAR not in at_order(record)
    assert (pathway.ongoing_mood_stabiliser(record) or "").startswith(agent)


def test_a_stabiliser_whose_dose_cannot_be_read_is_not_cover_and_the_card_says_so() -> None:
    record = chart(
        *depressed(),
        bipolar_i(),
        drafts=(drafted(SERTRALINE_100), unread_dose(QUETIAPINE_400) | {"id": "draft-q"}),
    )
    rec = at_order(record, "order-sign")[order_hooks.BIPOLAR]
    assert "quetiapine (dose not read)" in rec.summary
    assert "has a daily dose that could not be read" in rec.detail


def test_a_drafted_stabiliser_at_an_antimanic_dose_is_cover() -> None:
    record = chart(
        *depressed(),
        bipolar_i(),
        drafts=(drafted(SERTRALINE_100), draft_of(QUETIAPINE_400, rid="draft-q")),
    )
    assert order_hooks.BIPOLAR not in at_order(record, "order-sign")


def test_the_threshold_rule_per_dose_basis() -> None:
    assert mood_cover.antimanic_dose_short("quetiapine", 25, DoseBasis.DAILY)
    assert not mood_cover.antimanic_dose_short("quetiapine", 400, DoseBasis.DAILY)
    assert mood_cover.antimanic_dose_short("quetiapine", None, DoseBasis.DAILY)
    assert not mood_cover.antimanic_dose_short("lithium", 150, DoseBasis.DAILY)
    assert not mood_cover.antimanic_dose_short("valproate", None, DoseBasis.DAILY)


def test_every_antimanic_row_has_a_dose_threshold_or_is_judged_by_level() -> None:
    text_ = resources.files("services").joinpath("data/mood_stabilisers.csv").read_text("utf-8")
    for row in csv.DictReader(text_.splitlines()):
        assert row["dose_status"] in {"confirmed", "corroborated", "UNVERIFIED"}, row
        assert row["dose_source"].strip(), row
        if row["antimanic"] != "true":
            assert not row["min_antimanic_mg_day"].strip(), row
        elif not row["min_antimanic_mg_day"].strip():
            assert row["ingredient"].startswith(("lithium", "valpro", "divalpro")), row
        else:
            assert float(row["min_antimanic_mg_day"]) > 0, row


# --- finding 12: a dose or an age that could not be read is said, never skipped -----------------


@pytest.mark.parametrize("hook", HOOKS)
def test_a_draft_dose_that_cannot_be_read_says_the_dose_checks_were_not_done(hook: str) -> None:
    record = chart(*depressed(), drafts=(unread_dose(CITALOPRAM_20),), birth=OLDER)
    assert record.draft_orders[0].mg_per_day is None
    rec = at_order(record, hook)[order_hooks.NOT_CHECKED]
    assert rec.summary == "Citalopram order: dose not read, so the dose checks were not done"
    assert "the 20 mg/day maximum from age 60 could not be checked" in rec.detail
    assert "MedicationRequest/draft-1" in rec.detail


@pytest.mark.parametrize("hook", HOOKS)
def test_a_missing_birth_date_says_the_age_checks_were_not_done(hook: str) -> None:
    record = without_birth_date(*depressed(), drafts=(drafted(CITALOPRAM_20, tablets=2),))
    assert record.patient.age is None
    rec = at_order(record, hook)[order_hooks.NOT_CHECKED]
    assert rec.summary == "Citalopram order: age not read, so the age checks were not done"
    assert "under 18: NICE NG134" in rec.detail and "under 25: FDA boxed warning" in rec.detail
    assert "from 60: 20 mg/day maximum" in rec.detail


def test_the_line_goes_on_a_card_the_draft_already_gets() -> None:
    # Citalopram failed (PHQ-9 16 on it): the escitalopram draft gets the class card; its dose
    # is not read, so that card says the dose checks were not done, and no other card is added.
    record = chart(
        mdd(),
        phq9(date(2024, 1, 5), 18),
        phq9(date(2024, 4, 1), 16),
        phq9(date(2025, 5, 20), 17),
        taking(CITALOPRAM_20, date(2024, 1, 8), stopped=date(2024, 9, 30), rid="mr-c"),
        drafts=(unread_dose((None, "escitalopram 10 MG Oral Tablet")),),
    )
    recs = at_order(record)
    assert order_hooks.NOT_CHECKED not in recs
    assert "**Dose not read:** the daily dose of escitalopram" in recs[order_hooks.REPEATS].detail


def test_the_chart_card_names_a_low_dose_antipsychotic_with_its_dose() -> None:
    """patient-view: sertraline running with quetiapine 25 mg in bipolar I is not "no mood
    stabiliser or antipsychotic on record": the diagnosis-review card names it with its dose."""
    record = chart(
        *depressed(),
        bipolar_i(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
        taking(QUETIAPINE_25, date(2025, 1, 6), rid="mr-ap"),
    )
    (review,) = [r for r in patient_view(record, Policy()) if r.topic == "diagnosis-review"]
    assert "sertraline with only quetiapine 25 mg/day" in review.summary
    assert "no mood stabiliser or antipsychotic on record" not in review.detail
    assert "below the dose at which it treats mania" in review.detail


def test_the_olanzapine_of_an_olanzapine_fluoxetine_capsule_is_cover() -> None:
    """Symbyax (olanzapine 6-12 mg with fluoxetine) is labelled for bipolar I depression: its
    olanzapine counts as cover below the 15 mg acute-mania dose; the same 6 mg of olanzapine
    written as its own order beside a separate fluoxetine order does not."""
    combination = ("403969", "fluoxetine 25 MG / olanzapine 6 MG Oral Capsule")
    record = chart(*depressed(), bipolar_i(), taking(combination, date(2025, 1, 6), rid="mr-ofc"))
    assert {t.ingredient for t in record.trials if t.ongoing} == {"fluoxetine", "olanzapine"}
    assert pathway.ongoing_mood_stabiliser(record) == "olanzapine"
    assert pathway.stabilisers_below_antimanic_dose(record) == ()
    apart = chart(
        *depressed(),
        bipolar_i(),
        taking((None, "olanzapine 5 MG Oral Tablet"), date(2025, 1, 6), rid="mr-o"),
        taking((None, "fluoxetine 20 MG Oral Capsule"), date(2025, 1, 6), rid="mr-f"),
    )
    assert pathway.ongoing_mood_stabiliser(apart) is None
    assert [t.ingredient for t in pathway.stabilisers_below_antimanic_dose(apart)] == ["olanzapine"]


# --- one drug on several drafts (review finding 3: doses were never added up) --------------------


def test_two_citalopram_orders_are_judged_as_one_dose_against_the_age_limit() -> None:
    drafts = (drafted(CITALOPRAM_20, rid="d1"), drafted(CITALOPRAM_20, rid="d2"))
    found = at_order(chart(*depressed(), drafts=drafts, birth=date(1953, 1, 1)))
    card = found[order_hooks.AGE_LIMIT]
    assert card.summary.startswith("Citalopram 40 mg/day at age 72")
    assert "**2 orders of citalopram together:** 20 + 20 = 40 mg/day" in card.detail
    # The control: one 20 mg order at 72 is within the limit.
    alone = at_order(chart(*depressed(), drafts=drafts[:1], birth=date(1953, 1, 1)))
    assert order_hooks.AGE_LIMIT not in alone


def test_a_dose_made_of_two_strengths_is_not_called_below_the_minimum() -> None:
    sertraline_25 = ("312940", "sertraline 25 MG Oral Tablet")
    drafts = (drafted(SERTRALINE_100, rid="d1"), drafted(sertraline_25, rid="d2"))
    found = at_order(chart(*depressed(), drafts=drafts))
    assert order_hooks.BELOW not in found and order_hooks.ABOVE not in found


def test_two_fluoxetine_orders_above_the_maximum_together_get_the_card() -> None:
    # 60 + 60: above the US label's 80 mg/day too (80 in all is said within that label as
    # information: s25 FA item 1, tests/services/test_s25_dose_safety.py).
    drafts = (
        drafted(FLUOXETINE_20, tablets=3, rid="d1"),
        drafted(FLUOXETINE_20, tablets=3, rid="d2"),
    )
    card = at_order(chart(*depressed(), drafts=drafts))[order_hooks.ABOVE]
    assert card.summary == "Fluoxetine 120 mg/day is above the usual maximum of 60 mg/day"


# --- adjuncts drafted above their augmentation range (review finding 4) -------------------------


def test_lithium_above_the_augmentation_range_gets_the_card_with_its_level() -> None:
    lithium_300 = (None, "lithium carbonate 300 MG Oral Capsule")
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
        drafts=(drafted(lithium_300, per_day=6),),
    )
    card = at_order(record)[order_hooks.ABOVE]
    assert card.summary == "Lithium 1800 mg/day is above the augmentation range of 600-1200 mg/day"
    assert "Target serum 0.5-0.8 mmol/L" in card.detail
    # Within the range: no card.
    within = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
        drafts=(drafted(lithium_300, per_day=3),),
    )
    assert order_hooks.ABOVE not in at_order(within)


def test_an_antipsychotic_dose_with_bipolar_disorder_is_not_called_above_the_range() -> None:
    record = chart(*depressed(), bipolar_i(), drafts=(drafted(QUETIAPINE_400),))
    assert order_hooks.ABOVE not in at_order(record)


def test_a_labelled_recommended_older_adult_dose_is_not_called_a_maximum() -> None:
    """Escitalopram's label recommends 10 mg/day for most elderly patients; it sets no maximum
    (review finding 11). Citalopram over 60 has a labelled maximum and keeps the word."""
    escitalopram_20 = ("351250", "escitalopram 20 MG Oral Tablet")
    record = chart(*depressed(), drafts=(drafted(escitalopram_20),), birth=date(1955, 1, 1))
    card = at_order(record)[order_hooks.AGE_LIMIT]
    assert card.summary.startswith(
        "Escitalopram 20 mg/day at age 70: above the labelled recommended 10 mg/day from age 65"
    )
    assert "maximum" not in card.summary
    assert "the labelled recommended dose from age 65 is 10 mg/day" in card.detail
    citalopram = chart(*depressed(), drafts=(drafted(CITALOPRAM_40),), birth=date(1953, 1, 1))
    assert "labelled 20 mg/day maximum" in at_order(citalopram)[order_hooks.AGE_LIMIT].summary


def test_a_second_ssri_ordered_while_one_runs_asks_for_the_switch_plan() -> None:
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 5, 1), rid="mr-s"),
        drafts=(drafted(FLUOXETINE_20),),
    )
    card = at_order(record)[order_hooks.SAME_CLASS]
    assert card.indicator is Indicator.WARNING and not card.snoozable
    assert card.summary == (
        "Fluoxetine ordered while sertraline (SSRI) is running: two SSRIs; plan the switch"
    )
    assert "record sertraline's stop date" in card.detail
    # Another mechanism beside it is a CANMAT combination, not a duplicate: no card.
    mirtazapine = ("311725", "mirtazapine 15 MG Oral Tablet")
    combined = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 5, 1), rid="mr-s"),
        drafts=(drafted(mirtazapine),),
    )
    assert order_hooks.SAME_CLASS not in at_order(combined)
    # A new dose of the running drug is not a second one.
    renewal = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 5, 1), rid="mr-s"),
        drafts=(drafted(SERTRALINE_100, tablets=1.5),),
    )
    assert order_hooks.SAME_CLASS not in at_order(renewal)
