"""Leftovers of the as-needed, QTc and partial-date fixes, and zuranolone's fixed course.

Before:
- the order-hook age-limit card of citalopram 40 mg at 65 with a QTc of 470 ms did not name the
  QTc, while the patient-view one did;
- sertraline 25 mg "as needed" drafted read "below the minimum adequate dose; fine for titration";
- an as-needed course read "100 mg/day" in the TMS criteria evidence, the intolerance count and
  the treatment timeline, and an intolerance of it after 4 days counted as a trial toward TMS;
- a course dated "2023" read "since 2023-12-31" on the measurement-based-care card, and a course
  dated "2024" to "2025" was neither counted nor named by the TMS medication-trials criterion;
- a Zurzuvae course read "not an antidepressant trial" in the trials table and the timeline.

Charts are FHIR R4 as EHRs send them (tests/fixtures/builders.py: Epic-style as-needed timing
text, C-CDA-style statements dated to the year), mapped by build_record with the real drug table.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord, Role, Trial, Verdict, WrittenDates
from services import intolerance_count, tolerability, trial_table
from services.pathway import derive_facts
from services.payer_criteria.inputs import Inputs
from services.payer_criteria.loading import rule_set_for
from services.payer_criteria.model import CriterionKind, CriterionStatus
from services.payer_criteria.trials import evaluate_augmentation, evaluate_trials, trial_line
from services.policy import Policy
from services.timeline import describe, render_svg
from tests.fixtures import builders as fb
from tests.fixtures import scenarios
from tests.services import factories as f
from tests.services import test_qtc_cards_show_the_ecg as qtc_charts
from tests.services.test_order_safety import (
    SERTRALINE_100,
    P,
    at_order,
    chart,
    depressed,
    drafted,
    mdd,
    on_chart,
    phq9,
    taking,
)
from tests.services.test_prn_cards import _as_needed

pytestmark = pytest.mark.real_drug_table

Resource = dict[str, Any]
POLICY = Policy()
FLUOXETINE = ("4493", "fluoxetine")
VENLAFAXINE = ("39786", "venlafaxine")
QUETIAPINE_25 = (None, "quetiapine 25 MG Oral Tablet")


def _valid(resource: Resource) -> Resource:
    get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return resource


# --- 1a. the order-hook age-limit card names the QTc ------------------------------------------------


def test_the_order_age_limit_card_names_the_qtc_as_the_patient_view_one_does() -> None:
    record = qtc_charts.chart(
        qtc_charts.qtc(470),
        draft=qtc_charts.CITALOPRAM_40,
        running=qtc_charts.CITALOPRAM_40,
        born=qtc_charts.AGE_65,
    )
    cards = qtc_charts.order_cards(record)
    assert "order-qtc" in cards
    assert (
        "**QTc card:** QTc 470 ms on 2025-05-20, above 450 ms."
        in cards["order-dose-above-age-limit"].detail
    )


def test_a_qtc_below_both_lines_is_not_named_on_the_order_age_limit_card() -> None:
    record = qtc_charts.chart(
        qtc_charts.qtc(430),
        draft=qtc_charts.CITALOPRAM_40,
        running=qtc_charts.CITALOPRAM_40,
        born=qtc_charts.AGE_65,
    )
    assert "QTc" not in qtc_charts.order_cards(record)["order-dose-above-age-limit"].detail


# --- 1b. an as-needed draft below the minimum will not count as a trial ----------------------------


def test_an_as_needed_draft_below_the_minimum_will_not_count_as_a_trial() -> None:
    draft = _valid(_as_needed(drafted(SERTRALINE_100, tablets=0.25)))
    card = at_order(chart(*depressed(), drafts=(draft,)))["order-dose-below-range"]
    assert "sertraline 25 mg as needed" in card.summary.lower()
    assert "taken only as needed: it will not count as a trial" in card.summary
    assert "fine for titration" not in card.summary
    assert "its days never count toward an adequate trial" in card.detail


def test_the_same_draft_taken_daily_as_a_first_start_is_titration_with_no_card() -> None:
    # Taken daily it is the titration's first step: no below-range card for a first start
    # (review s25 RO finding 5; before: "... is below the minimum adequate dose (50 mg/day);
    # fine for titration"). The as-needed draft above keeps its card: it never counts.
    draft = _valid(drafted(SERTRALINE_100, tablets=0.25))
    assert "order-dose-below-range" not in at_order(chart(*depressed(), drafts=(draft,)))


# --- 2. an as-needed dose is never written as mg/day -------------------------------------------------


def _prn_sertraline_stopped_after_4_days() -> PatientRecord:
    start = date(2025, 3, 3)
    prn = _as_needed(taking(SERTRALINE_100, start, stopped=date(2025, 3, 7), rid="mr-prn"))
    return chart(*depressed(), _valid(prn))


def _sertraline(record: PatientRecord) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == "sertraline"]
    return trial


def test_an_as_needed_course_is_written_as_needed_in_the_trials_criterion_evidence() -> None:
    trial = _sertraline(_prn_sertraline_stopped_after_4_days())
    line = trial_line(trial)
    assert line.startswith("sertraline (SSRI) 100 mg as needed, 2025-03-03")
    assert "mg/day" not in line
    assert trial_table.top_dose_text(trial) == "100 mg as needed"


def test_an_intolerance_of_an_as_needed_course_is_not_counted_as_a_trial() -> None:
    # 100 mg as needed is no daily dose: it never reached the 50 mg/day minimum, so 4 days of it
    # stopped for side effects is "to confirm", not a tried drug toward TMS.
    trial = _sertraline(_prn_sertraline_stopped_after_4_days())
    assert intolerance_count.shortfall(trial, min_days=28) == (
        "100 mg as needed, not a daily dose, for 4 days"
    )


def test_the_timeline_writes_an_as_needed_dose_as_needed() -> None:
    record = chart(
        *depressed(), _valid(_as_needed(taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s")))
    )
    svg = render_svg(record)
    assert "Sertraline 100 mg as needed, 6 Jan 2025 to" in svg
    assert "taken only as needed, not a daily dose" in svg
    assert "100 mg/day" not in svg
    assert "sertraline 100 mg as needed from 6 Jan 2025" in describe(record)


def test_the_adherence_card_writes_a_dose_below_the_minimum_taken_as_needed_as_such() -> None:
    # 25 mg as needed from November to February, then stopped: never at an adequate dose.
    prn = _as_needed(
        taking(
            SERTRALINE_100, date(2024, 11, 4), tablets=0.25, stopped=date(2025, 2, 24), rid="mr-s"
        )
    )
    card = on_chart(chart(*depressed(), _valid(prn)))["adherence-review"]
    assert "(sertraline 25 mg as needed < 50 minimum)" in card.summary
    assert "25 mg/day" not in card.summary


def test_the_diagnosis_card_writes_an_as_needed_quetiapine_as_needed() -> None:
    bipolar = fb.condition(
        fb.ICD10CM,
        "F31.81",
        "Bipolar II disorder",
        date(2024, 1, 10),
        category="problem-list-item",
        patient=P,
        id="cond-bipolar",
    )
    venlafaxine = taking(
        (None, "venlafaxine 150 MG 24 HR Extended Release Oral Capsule"),
        date(2024, 9, 30),
        rid="mr-v",
    )
    quetiapine = _as_needed(taking(QUETIAPINE_25, date(2025, 1, 6), rid="mr-q"))
    record = chart(*depressed(), bipolar, _valid(venlafaxine), _valid(quetiapine))
    card = on_chart(record)["diagnosis-review"]
    assert card.summary.endswith("venlafaxine with only quetiapine 25 mg as needed")
    assert "quetiapine 25 mg/day" not in card.detail


# --- 3. a start written to the year only is said as written ------------------------------------------


def _fluoxetine_since_2023() -> PatientRecord:
    """Fluoxetine 20 mg listed as active since "2023" (a C-CDA history entry), PHQ-9 only in
    January 2024."""
    statement = fb.medication_statement(
        *FLUOXETINE,
        date(2023, 1, 1),
        dose_value=20,
        dose_unit="mg",
        patient=P,
        date_asserted=date(2025, 5, 19),
        id="ms-fluoxetine-2023",
    )
    statement["effectivePeriod"] = {"start": "2023"}
    return chart(mdd(), phq9(date(2024, 1, 15), 18), _valid(statement))


def test_the_measurement_card_says_since_the_year_as_written() -> None:
    record = _fluoxetine_since_2023()
    assert _only(record, "fluoxetine").written_dates is not None
    card = on_chart(record)["measurement-based-care"]
    assert card.summary.startswith("On fluoxetine since 2023 (year only); ")
    assert "2023-12-31" not in card.summary


def _only(record: PatientRecord, ingredient: str) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial


def _venlafaxine_2024_to_2025() -> PatientRecord:
    """One adequate failure (sertraline) plus venlafaxine 150 mg dated "2024" to "2025"."""
    s = scenarios.one_failed_trial()
    statement: dict[str, Any] = fb.medication_statement(
        *VENLAFAXINE,
        date(2024, 1, 1),
        status="completed",
        dose_value=150,
        dose_unit="mg",
        patient=s.patient_id,
        id="ms-venlafaxine-partial",
    )
    statement["effectivePeriod"] = {"start": "2024", "end": "2025"}
    statement.pop("dateAsserted", None)
    return build_record(
        [*s.resources, _valid(statement)],
        as_of=s.as_of,
        patient_id=s.patient_id,
        policy=POLICY.mapping,
    )


def test_a_course_dated_to_the_year_is_to_confirm_in_the_tms_trials_criterion() -> None:
    record = _venlafaxine_2024_to_2025()
    facts = derive_facts(record, POLICY)
    policy = Policy(payer_criteria="l37086")
    (criterion,) = [c for c in rule_set_for(policy).criteria if c.kind is CriterionKind.TRIALS]
    result = evaluate_trials(criterion, Inputs(record, facts, policy))
    # Counted, sertraline alone; with venlafaxine two classes: what the chart leaves to confirm
    # is "not on record", never "not met" in silence nor "met".
    assert result.status is CriterionStatus.NOT_ON_RECORD
    (summary,) = result.evidence
    assert (
        "not counted: venlafaxine 2024–2025 (year only) (to confirm: weeks at an adequate dose "
        "not known)" in summary
    )
    assert result.to_document is not None
    assert "confirm venlafaxine's dates and dose or document another trial" in result.to_document


def test_the_timeline_lane_shows_the_dates_as_written() -> None:
    record = _venlafaxine_2024_to_2025()
    svg = render_svg(record)
    assert "Dates as written: 2024–2025 (year only)" in svg
    assert "Venlafaxine 150 mg/day, 2024–2025 (year only)" in svg  # the bar's tooltip
    assert "venlafaxine 150 mg/day, 2024–2025 (year only)" in describe(record)


def test_the_tolerability_line_shows_the_dates_as_written() -> None:
    trial = _only(_venlafaxine_2024_to_2025(), "venlafaxine")
    assert tolerability.course_line(trial).startswith("venlafaxine 2024–2025 (year only): ")


def test_an_augmentation_started_in_a_year_only_reads_from_that_year() -> None:
    added = dataclasses.replace(
        f.trial("aripiprazole", "SDAM", role=Role.AUGMENTATION, start=date(2023, 12, 31), mg=5),
        written_dates=WrittenDates("2023", None, date(2023, 1, 1), None),
    )
    record = f.record(trials=(added,))
    facts = dataclasses.replace(derive_facts(record, POLICY), augmentations=(added,))
    policy = Policy(payer_criteria="aetna-cpb-0469")
    (criterion,) = [
        c for c in rule_set_for(policy).criteria if c.kind is CriterionKind.AUGMENTATION
    ]
    result = evaluate_augmentation(criterion, Inputs(record, facts, policy))
    assert result.evidence[0].startswith("aripiprazole (from 2023 (year only))")


# --- 4. zuranolone's fixed 14-day course ----------------------------------------------------------


def _zurzuvae_chart() -> PatientRecord:
    zurzuvae = fb.medication_request(
        None,
        "Zurzuvae (zuranolone) 25 mg capsule",
        date(2025, 4, 21),
        dose_value=50,
        dose_unit="mg",
        status="completed",
        text="Take 2 capsules (50 mg) by mouth in the evening with fat-containing food for 14 days",
        expected_supply_days=14,
        repeats=0,
        bounds_end=date(2025, 5, 4),
        patient=P,
        id="mr-zur",
    )
    return chart(mdd(), phq9(date(2025, 4, 14), 22), _valid(zurzuvae), phq9(date(2025, 5, 5), 14))


def test_a_zurzuvae_course_reads_fixed_14_day_course_in_the_table_and_timeline() -> None:
    record = _zurzuvae_chart()
    course = _only(record, "zuranolone")
    assert course.verdict is Verdict.NOT_A_TRIAL
    table = trial_table.trial_table(record.trials, MappingPolicy())
    (row,) = [line for line in table.splitlines() if line.startswith("| zuranolone")]
    assert row.endswith("| fixed 14-day course |")
    assert "not an antidepressant trial" not in row
    svg = render_svg(record)
    assert "Fixed 14-day course" in svg
    assert "Not an antidepressant trial" not in svg
    assert "zuranolone 50 mg/day from 21 Apr 2025 to 4 May 2025, fixed 14-day course" in (
        describe(record)
    )


def test_a_low_dose_for_another_indication_is_still_not_an_antidepressant_trial() -> None:
    trazodone = f.trial("trazodone", "SARI", verdict=Verdict.NOT_A_TRIAL, mg=50)
    assert trial_table.verdict_text(trazodone, MappingPolicy()) == "not an antidepressant trial"
