"""Review 12 recheck and READ12: NSAID + SSRI pairs at the order only, heparins among
the bleeding partners, class rows in rows_about, the caution merge keyed by risk, the inducer
tables in step, and the "why" lines on the TMS, optimise and switch texts."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from fhir_mapping import drug_table
from fhir_mapping.record import Role
from services import cards, inducers, interaction_table
from services.interaction_table import InteractionRow, Taking
from services.payer_criteria import CriterionStatus
from services.payer_criteria.results import CriterionResult
from services.recommendation import Indicator
from services.rules import tms_referral
from services.rules.optimize import interacting
from tests.fixtures import builders as fb
from tests.services import factories as f
from tests.services.test_optimise_beside_interacting_drugs import (
    PATIENT,
    _chart,
    _optimise,
    _section,
    _taking,
)
from tests.services.test_order_safety import (
    SERTRALINE_100,
    at_order,
    chart,
    depressed,
    drafted,
    on_chart,
    taking,
)

pytestmark = pytest.mark.real_drug_table

ORDER = "order-drug-interaction"
CHART = "drug-interaction"
IBUPROFEN_400 = ("206905", "Ibuprofen 400 MG Oral Tablet [Ibu]")
APIXABAN_5 = (None, "apixaban 5 MG Oral Tablet")


# --- a: NSAID + SSRI speaks at the order, not on every chart open -------------------------------


def test_ibuprofen_and_sertraline_both_running_give_no_chart_card() -> None:
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 5, 12), rid="mr-s"),
        taking(IBUPROFEN_400, date(2024, 6, 1), per_day=3, rid="mr-i"),
    )
    # Before: a warning "Ibuprofen and sertraline both running: bleeding risk (GI)" every open.
    assert CHART not in on_chart(record)


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_either_drug_of_the_nsaid_pair_drafted_is_a_warning(hook: str) -> None:
    ssri_drafted = chart(
        *depressed(),
        taking(IBUPROFEN_400, date(2024, 6, 1), per_day=3, rid="mr-i"),
        drafts=(drafted(SERTRALINE_100),),
    )
    assert at_order(ssri_drafted, hook)[ORDER].indicator is Indicator.WARNING
    nsaid_drafted = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
        drafts=(drafted(IBUPROFEN_400, per_day=3),),
    )
    card = at_order(nsaid_drafted, hook)[ORDER]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Ibuprofen ordered with sertraline running: bleeding risk")


def test_an_anticoagulant_pair_still_warns_on_the_chart_and_names_the_nsaid_too() -> None:
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
        taking(APIXABAN_5, date(2024, 1, 1), per_day=2, rid="mr-a"),
        taking(IBUPROFEN_400, date(2025, 5, 1), per_day=3, rid="mr-i"),
    )
    card = on_chart(record)[CHART]
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith("Apixaban and sertraline both running: bleeding risk")
    assert "Ibuprofen with sertraline** (info)" in card.detail


# --- b: heparins and fondaparinux are bleeding partners ------------------------------------------


@pytest.mark.parametrize(
    "blood_thinner",
    [
        ("67108", "enoxaparin sodium 40 MG in 0.4 ML Prefilled Syringe"),
        (None, "enoxaparin sodium 40 MG in 0.4 ML Prefilled Syringe"),
        ("5224", "heparin sodium, porcine 5000 UNT/ML Injectable Solution"),
        ("321208", "fondaparinux sodium 2.5 MG in 0.5 ML Prefilled Syringe"),
        (None, "dalteparin sodium 5000 UNT in 0.2 ML Prefilled Syringe"),
    ],
)
def test_sertraline_drafted_beside_a_heparin_is_a_bleeding_warning(
    blood_thinner: tuple[str | None, str],
) -> None:
    record = chart(
        *depressed(),
        taking(blood_thinner, date(2025, 5, 20), rid="mr-h"),
        drafts=(drafted(SERTRALINE_100),),
    )
    card = at_order(record, "order-select")[ORDER]
    assert card.indicator is Indicator.WARNING
    assert "bleeding risk" in card.summary


def test_the_heparins_are_read_only_beside_an_ssri_or_snri() -> None:
    for name in ("enoxaparin", "heparin", "fondaparinux", "dalteparin"):
        info = drug_table.drug_info(name)
        assert info is not None and info.role is Role.INTERACTING
        assert info.drug_class == "anticoagulant"
        assert "sertraline" in info.read_only_with and "duloxetine" in info.read_only_with


# --- c: class rows in rows_about; cautions merged by risk too -----------------------------------


def test_rows_about_an_anticoagulant_include_the_class_row() -> None:
    # Before: an exact name match found no row about apixaban (the row is class:anticoagulant).
    assert "serotonergic-anticoagulant" in [r.id for r in interaction_table.rows_about("apixaban")]
    assert [r.id for r in interaction_table.rows_about("lithium")] == [
        "lithium-nsaid",
        "lithium-raas",
        "lithium-thiazide",
    ]


def _row(row_id: str, short: str) -> InteractionRow:
    return InteractionRow(
        id=row_id,
        drug="x",
        partners=(),
        severity=Indicator.WARNING,
        short=short,
        act=f"act on {short}",
        risk=short,
        action=short,
        source="s",
        status="UNVERIFIED",
        cite="",
    )


def test_rows_without_a_cite_are_not_merged_across_unrelated_risks() -> None:
    record = _chart()
    screen = interacting.Screen(record, frozenset(), frozenset(), False)
    a = Taking("tramadol", 100, date(2024, 1, 1), False, None)
    b = Taking("warfarin", 5, date(2024, 1, 1), False, None)
    hits = (
        interacting.Hit("venlafaxine", a, _row("r1", "seizure risk")),
        interacting.Hit("venlafaxine", b, _row("r2", "bleeding risk")),
    )
    lines = screen.cautioned(hits, ["venlafaxine", "bupropion"])
    # Before: one clause "seizure risk / bleeding risk with tramadol (...) and warfarin (...)".
    assert len(lines) == 2
    assert "seizure risk with tramadol" in lines[0]
    assert "bleeding risk with warfarin" in lines[1]


# --- d: the two inducer tables agree ------------------------------------------------------------


def test_each_inducer_is_read_beside_exactly_the_antidepressants_it_lowers() -> None:
    lowered = inducers.table()
    assert "rifampin" in lowered["bupropion"].lowered_by  # before: left out
    every = {n for row in lowered.values() for n in row.lowered_by}
    for name in every:
        info = drug_table.drug_info(name)
        assert info is not None
        expected = {ad for ad, row in lowered.items() if name in row.lowered_by}
        # And beside a drug whose own interaction row names it (zuranolone: its label says to
        # avoid CYP3A4 inducers; review 15 W4).
        expected |= {
            r.drug
            for r in interaction_table.table()
            if r.names(name) and not r.drug.startswith("class:")
        }
        assert set(info.read_only_with) == expected, name


# --- e: the TMS card says what is to confirm ----------------------------------------------------


def test_a_met_trials_line_to_confirm_says_what_on_the_card() -> None:
    result = CriterionResult(
        id="trials",
        kind=tms_referral.CriterionKind.TRIALS,
        label="Medication trials",
        wording="",
        status=CriterionStatus.MET,
        evidence=("2 counted from 2 classes",),
        to_document=None,
        source="L37086",
        source_status="confirmed",
        to_confirm="sertraline taken with carbamazepine 400 mg/day: the dose may not have been adequate",
    )
    line = tms_referral._criterion_line(result)
    # Before: "Met, to confirm · Medication trials: 2 counted from 2 classes" and no reason.
    assert line == (
        "- **Met, to confirm** · Medication trials: 2 counted from 2 classes; to confirm: "
        "sertraline taken with carbamazepine 400 mg/day: the dose may not have been adequate"
    )


# --- f: no "150-unknown" in the dose detail -----------------------------------------------------


def test_a_dose_below_a_range_with_no_maximum_reads_from_its_minimum() -> None:
    fluvoxamine = (None, "fluvoxamine maleate 100 MG Oral Tablet")
    record = _chart(_taking(fluvoxamine, date(2025, 3, 3), rid="mr-f"), failed="ssri")
    trial = next(t for t in record.trials if t.ingredient == "fluvoxamine")
    if trial.max_mg is not None:
        pytest.skip("the drug table now holds a fluvoxamine maximum")
    detail = _optimise(record).detail
    assert "unknown mg/day" not in detail
    assert "below the adequate range from 150 mg/day" in detail


# --- g: a self-reported course is marked where it is counted ------------------------------------


def test_reported_note_marks_a_patient_reported_course() -> None:
    reported = dataclasses.replace(f.trial("escitalopram", "SSRI"), patient_reported=True)
    ordered = f.trial("sertraline", "SSRI")
    assert cards.reported_note([reported]) == ", self-reported"
    assert cards.reported_note([ordered, reported]) == ", escitalopram self-reported"
    assert cards.reported_note([ordered]) == ""


# --- h and i: the switch list names a running other-use SNRI and a running inducer ---------------


def test_the_switch_list_names_duloxetine_running_for_fibromyalgia() -> None:
    duloxetine = fb.medication_request(
        None,
        "duloxetine 60 MG Delayed Release Oral Capsule",
        date(2023, 1, 9),
        patient=PATIENT,
        reason_code=("http://hl7.org/fhir/sid/icd-10-cm", "M79.7", "Fibromyalgia"),
        id="mr-dulox",
    )
    record = _chart(duloxetine, failed="ssri")
    switch = _section(_optimise(record), "Switch")
    # Before: "SNRI: venlafaxine, desvenlafaxine, ..." with no word of the running duloxetine.
    assert (
        "Duloxetine 60 mg/day running since 2023-01-09, ordered for fibromyalgia (M79.7): not "
        "counted as a depression trial; an SNRI is already running at an antidepressant dose: "
        "another SNRI would be a second one beside it."
    ) in switch


def test_the_switch_list_says_a_running_carbamazepine_lowers_mirtazapine() -> None:
    carbamazepine = _taking(
        (None, "carbamazepine 200 MG Oral Tablet"), date(2020, 1, 6), per_day=2, rid="mr-cbz"
    )
    record = _chart(carbamazepine, failed="ssri")
    switch = _section(_optimise(record), "Switch")
    # Before: mirtazapine and vortioxetine offered with no inducer note.
    assert "Carbamazepine 400 mg/day (running since 2020-01-06), a CYP3A4 inducer" in switch
    assert "lowers mirtazapine levels" in switch
    assert "lowers vortioxetine levels" in switch


def test_no_inducer_no_inducer_line() -> None:
    record = _chart(failed="ssri")
    assert inducers.switch_line(record, ["NaSSA: mirtazapine"]) is None
