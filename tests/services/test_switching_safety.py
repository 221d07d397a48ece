"""Switching and combining safely (issue 11 items 2, 3, 4, 11, 12): the optimise/switch/augment
card on charts a consultant psychiatrist would check before signing off.

- a responding current trial is optimised toward remission, never switched or augmented; one that
  cannot be judged yet is left to run;
- a running antipsychotic (any drug-table class of the "antipsychotic" group) means no second one;
- psychotic depression gets antidepressant + antipsychotic at antipsychotic-range doses (STOP-PD)
  or ECT, never augmentation doses or bupropion; after a failed combination, ECT;
- under 18: fluoxetine first, then sertraline / citalopram / escitalopram; never venlafaxine,
  paroxetine or tricyclics; the suicidality boxed warning under 25;
- pregnancy: no paroxetine switch, antipsychotics not one-click; postpartum depression recognised.

FHIR charts (tests/fixtures/builders.py, through the real mapping) where the mapping matters;
hand-built records (factories.py) otherwise. The real drug table is used throughout.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date
from importlib import resources as package_files
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.context import condition_findings
from fhir_mapping.drug_table import all_drugs
from fhir_mapping.record import (
    Finding,
    FindingKind,
    Patient,
    PatientRecord,
    Role,
    Trial,
    Verdict,
)
from services import drug_rules, tables
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.rules import optimize_switch_augment as rule_module
from tests.fhir_mapping import fhir_resources as fr
from tests.fixtures import builders as b
from tests.fixtures.scenarios import (
    MDD_RECURRENT_MODERATE,
    MDD_RECURRENT_PSYCHOTIC,
    Chart,
    Step,
    add_course,
)
from tests.services import factories as f
from tests.services.helpers import assert_valid_proposals, codes, ctx, resources

pytestmark = pytest.mark.real_drug_table

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
CPT = "http://www.ama-assn.org/go/cpt"
TOPIC = "optimize-switch-augment"


# --- helpers ------------------------------------------------------------------------------------


def _card(record: PatientRecord) -> Recommendation | None:
    return rule_module.rule(ctx(record))


def _chart_cards(chart: Chart) -> dict[str, Recommendation]:
    fr.assert_valid(chart.resources)
    record = build_record(chart.resources, as_of=chart.as_of, patient_id=chart.pid)
    return {r.topic: r for r in patient_view(record, Policy())}


def _medication_requests(rec: Recommendation) -> list[dict[str, Any]]:
    return [r for r in resources(rec) if r["resourceType"] == "MedicationRequest"]


def _proposed_ingredients(rec: Recommendation) -> list[str]:
    return [r["medicationCodeableConcept"]["text"] for r in _medication_requests(rec)]


def _switch_line(rec: Recommendation) -> str:
    """The "Switch options ..." sentence of the card's switch section."""
    section = next(s for s in rec.detail.split("\n\n") if s.startswith("**Switch:**"))
    start = section.index("Switch options")
    return section[start : section.index(".", start) + 1]


def _aged(record: PatientRecord, age: int) -> PatientRecord:
    return replace(record, patient=Patient(id="p1", age=age, sex="female"))


def _trial(ingredient: str, drug_class: str, **kw: Any) -> Trial:
    return f.trial(ingredient, drug_class, **kw)


def _ongoing(ingredient: str, drug_class: str, mg: float, lo: float, hi: float, **kw: Any) -> Trial:
    args: dict[str, Any] = {
        "start": date(2024, 1, 8),
        "mg": mg,
        "min_mg": lo,
        "max_mg": hi,
        "ongoing": True,
        "baseline": 18,
        "after": 17,
    }
    args.update(kw)
    return f.trial(ingredient, drug_class, **args)


PREGNANT = f.finding(
    FindingKind.PREGNANCY,
    code="Z33.1",
    display="Pregnant state, incidental",
    system=f.ICD10,
    onset=date(2024, 3, 1),
    rid="preg-1",
)
PSYCHOTIC = f.finding(
    FindingKind.PSYCHOTIC,
    code="F33.3",
    display="Major depressive disorder, recurrent, severe with psychotic symptoms",
    system=f.ICD10,
    rid="psy-1",
)


def _adult_history(chart: Chart) -> str:
    """MDD since Sep 2024: sertraline 50 -> 150 mg (11 weeks at 150 mg), PHQ-9 19 -> 18 (failed).
    Returns the depression Condition id."""
    mdd = chart.diagnosis(MDD_RECURRENT_MODERATE, date(2024, 9, 2), key="mdd")
    chart.phq9(date(2024, 9, 2), 19, 0)
    add_course(
        chart,
        "sertraline",
        [
            Step("312941", date(2024, 9, 2), date(2024, 9, 16)),
            Step("312938", date(2024, 9, 16), date(2024, 9, 30)),
            Step("410584", date(2024, 9, 30), date(2024, 12, 16)),
        ],
        reason=mdd,
    )
    chart.phq9(date(2024, 12, 16), 18, 0)
    return mdd


def _two_failures(chart: Chart) -> str:
    """The adult history, then venlafaxine XR 75 -> 225 mg since Dec 2024 (20 weeks at 225 mg),
    PHQ-9 18 -> 17: two adequate failures of two classes."""
    mdd = _adult_history(chart)
    add_course(
        chart,
        "venlafaxine",
        [
            Step("313585", date(2024, 12, 16), date(2025, 1, 13)),
            Step("808748", date(2025, 1, 13), None),
        ],
        reason=mdd,
    )
    chart.phq9(date(2025, 5, 19), 17, 0)
    return mdd


# --- item 2: a responding trial is not switched -------------------------------------------------


def test_mirtazapine_18_to_8_is_optimised_toward_remission_not_switched() -> None:
    # Sertraline 150 mg failed (19 -> 18); switched to mirtazapine 15 -> 30 mg; PHQ-9 18 -> 12 ->
    # 8 after 22 weeks: a response (>= 50 % drop) but not remission (< 5). The old card said
    # "1 adequate trial failed (sertraline): switch ... or augment (aripiprazole ...)".
    chart = Chart("safety-mirtazapine", given="Ana", family="Diaz", gender="female",
                  birth_date=date(1979, 4, 2))  # fmt: skip
    mdd = _adult_history(chart)
    add_course(
        chart,
        "mirtazapine",
        [
            Step("311725", date(2024, 12, 16), date(2024, 12, 30)),
            Step("314111", date(2024, 12, 30), None),
        ],
        reason=mdd,
    )
    chart.phq9(date(2025, 2, 10), 12, 0)
    chart.phq9(date(2025, 5, 19), 8, 0)
    found = _chart_cards(chart)
    card = found[TOPIC]
    assert card.indicator is Indicator.INFO
    # CANMAT's 30-60 topped at the US label's 45 mg/day (review s19 item 4: policy drug_market).
    assert card.summary == (
        "Mirtazapine responding (PHQ-9 18 → 8), not in remission: optimise mirtazapine within "
        "30-45 mg/day; no switch or adjunct"
    )
    # 30 mg only from 2024-12-30 (review s19 item 8: "30 mg/day since 2024-12-16" was false).
    assert (
        "**Responding:** mirtazapine since 2024-12-16; 30 mg/day since 2024-12-30: PHQ-9 18 "
        "(2024-12-16) → 8 (2025-05-19), -56 %"
    ) in card.detail
    assert (
        "consider raising mirtazapine within 30-45 mg/day (the US label's maximum, Remeron US "
        "label 2.1; CANMAT 2023 Table 3.3 lists up to 60) (now 30)" in card.detail
    )
    # No switch, no adjunct, nothing to click.
    assert card.suggestions == ()
    assert "**Switch:**" not in card.detail and "**Augment:**" not in card.detail
    assert "aripiprazole" not in card.detail and "switch to" not in card.summary
    assert "tms-referral" not in found


def test_responding_at_the_top_of_the_range_gets_no_card() -> None:
    mirtazapine = _ongoing("mirtazapine", "NaSSA", 60, 30, 60, baseline=18, after=8)
    assert _card(f.trd_record(trials=(f.sertraline_failed(), mirtazapine))) is None


def test_a_responding_adjunct_is_not_followed_by_a_second_adjunct() -> None:
    # Sertraline and venlafaxine failed; aripiprazole 5 mg added to venlafaxine: 18 -> 8.
    aripiprazole = _ongoing(
        "aripiprazole", "atypical antipsychotic", 5, 2, 10, role=Role.AUGMENTATION,
        start=date(2024, 3, 4), baseline=18, after=8,
    )  # fmt: skip
    venlafaxine = f.venlafaxine_failed(ongoing=True)
    card = _card(f.trd_record(trials=(f.sertraline_failed(), venlafaxine, aripiprazole)))
    assert card is not None and card.indicator is Indicator.INFO
    assert card.summary.startswith("Aripiprazole responding (PHQ-9 18 → 8), not in remission")
    assert card.suggestions == ()
    assert "brexpiprazole" not in card.detail


def test_new_trial_too_early_to_judge_is_left_to_run() -> None:
    # Sertraline failed; venlafaxine 150 mg started three weeks ago (verdict ongoing): the old
    # card proposed augmenting or switching away from a drug that has not had its trial.
    venlafaxine = _ongoing(
        "venlafaxine", "SNRI", 150, 75, 225, start=date(2024, 5, 13), verdict=Verdict.ONGOING,
        weeks_adequate=3, after=None,
    )  # fmt: skip
    assert _card(f.trd_record(trials=(f.sertraline_failed(), venlafaxine))) is None


def test_low_dose_current_trial_is_raised_and_nothing_else() -> None:
    venlafaxine = _ongoing(
        "venlafaxine", "SNRI", 37.5, 75, 225, start=date(2024, 4, 1), verdict=Verdict.ONGOING,
        weeks_adequate=0,
    )  # fmt: skip
    card = _card(f.trd_record(trials=(f.sertraline_failed(), venlafaxine)))
    assert card is not None
    assert card.summary == (
        "Venlafaxine 37.5 mg/day is below the adequate range (75-225): raise the dose before "
        "judging response"
    )
    assert [s.label for s in card.suggestions] == ["Raise venlafaxine to 75 mg/day"]
    assert "**Switch:**" not in card.detail and "**Augment:**" not in card.detail


def test_adequate_current_trial_without_a_phq9_on_treatment_gets_nothing_to_click() -> None:
    # Venlafaxine 225 mg for 20 weeks but no PHQ-9 since it started: it may be working. The
    # options stay on the card as text; nothing is ready to accept until the PHQ-9 is repeated.
    venlafaxine = _ongoing("venlafaxine", "SNRI", 225, 75, 225, after=None)
    assert venlafaxine.outcome_unmeasured and not venlafaxine.failed
    card = _card(f.trd_record(trials=(f.sertraline_failed(), venlafaxine)))
    assert card is not None
    assert card.summary == (
        "1 adequate trial failed (sertraline); venlafaxine not measured yet: repeat the PHQ-9 "
        "before augmenting or switching"
    )
    assert card.suggestions == ()
    assert (
        "**Current trial not measured:** venlafaxine 225 mg/day since 2024-01-08 has no PHQ-9 on "
        "treatment"
    ) in card.detail


def test_a_response_measured_long_ago_pushes_no_dose_change() -> None:
    # 15 -> 6 on sertraline 100 mg, but that PHQ-9 is eight months old: measure first.
    sertraline = _ongoing(
        "sertraline", "SSRI", 100, 50, 200, start=date(2023, 8, 7), baseline=15, after=6
    )
    stale = replace(sertraline, on_treatment=f.score(6, date(2023, 10, 2)))
    assert stale.response is True
    assert _card(f.trd_record(trials=(stale,))) is None


# --- item 3: no antipsychotic stacking ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "running"),
    [
        # Low-dose quetiapine for sleep: not an antidepressant trial, still an antipsychotic.
        ("quetiapine 50 MG Oral Tablet", "quetiapine 50 mg/day"),
        # Lurasidone from another prescriber, free text on the medication list.
        ("lurasidone HCl 40 MG Oral Tablet", "lurasidone 40 mg/day"),
    ],
)
def test_a_running_antipsychotic_means_no_second_one(text: str, running: str) -> None:
    chart = Chart(f"safety-ap-{text.split()[0]}", given="Lee", family="Park", gender="male",
                  birth_date=date(1981, 7, 9))  # fmt: skip
    _two_failures(chart)
    chart.add(
        b.medication_request(
            None,
            text,
            date(2025, 1, 6),
            1,
            "tablet",
            text=f"{text.split()[0]} 1 tablet at bedtime",
            expected_supply_days=30,
            repeats=5,
            patient=chart.pid,
        )
    )
    card = _chart_cards(chart)[TOPIC]
    assert card.summary == (
        "2 adequate trials failed (sertraline, venlafaxine): augment (a non-antipsychotic "
        "adjunct) or switch class"
    )
    assert (
        f"An antipsychotic is already running ({running}): a second antipsychotic is not proposed"
    ) in card.detail
    # Lithium and T3 with their target level or dose and monitoring (issue 12).
    assert (
        "Non-antipsychotic adjuncts (CANMAT 2023 Table 7.2, second line): lithium (serum 0.5-0.8 "
        "mmol/L; monitor level, electrolytes, calcium, creatinine/eGFR, TSH at baseline and "
        "every 6-12 months; NSAIDs, ACE inhibitors, ARBs and thiazides raise the level), "
        "liothyronine (25-50 µg/day; monitor TSH, free T4, heart rate) "
        "(UNVERIFIED)"
    ) in card.detail
    assert _proposed_ingredients(card) == []
    for name in ("aripiprazole", "brexpiprazole", "cariprazine", "olanzapine", "risperidone"):
        assert name not in " ".join(s.label for s in card.suggestions)


def test_aripiprazole_augmentation_running_blocks_brexpiprazole() -> None:
    aripiprazole = _ongoing(
        "aripiprazole", "atypical antipsychotic", 5, 2, 10, role=Role.AUGMENTATION,
        start=date(2024, 2, 5), baseline=17, after=16,
    )  # fmt: skip
    venlafaxine = f.venlafaxine_failed(ongoing=True)
    card = _card(f.trd_record(trials=(f.sertraline_failed(), venlafaxine, aripiprazole)))
    assert card is not None
    assert _proposed_ingredients(card) == []
    assert "Adjuncts already used in this episode: aripiprazole." in card.detail
    assert "brexpiprazole" not in card.detail
    assert "augment (a non-antipsychotic adjunct)" in card.summary


def test_without_an_antipsychotic_the_first_line_adjuncts_are_still_offered() -> None:
    card = _card(f.trd_record())
    assert card is not None
    assert _proposed_ingredients(card) == ["aripiprazole", "brexpiprazole"]


# --- item 4: psychotic depression ---------------------------------------------------------------


def _psychotic_chart(name: str) -> Chart:
    """Recurrent severe MDD with psychotic symptoms (F33.3 / SNOMED 28475009) since Sep 2024;
    sertraline 50 -> 150 mg for 25 weeks, PHQ-9 22 -> 20."""
    chart = Chart(name, given="Rosa", family="Ortiz", gender="female", birth_date=date(1972, 1, 20))
    mdd = chart.diagnosis(MDD_RECURRENT_PSYCHOTIC, date(2024, 12, 2), key="mdd")
    chart.phq9(date(2024, 12, 2), 22, 0)
    add_course(
        chart,
        "sertraline",
        [
            Step("312941", date(2024, 12, 2), date(2024, 12, 16)),
            Step("312938", date(2024, 12, 16), date(2025, 1, 6)),
            Step("410584", date(2025, 1, 6), None),
        ],
        reason=mdd,
    )
    chart.phq9(date(2025, 5, 19), 20, 0)
    return chart


def test_psychotic_depression_gets_olanzapine_at_antipsychotic_range_or_ect() -> None:
    chart = _psychotic_chart("safety-psychotic")
    found = _chart_cards(chart)
    card = found[TOPIC]
    assert card.summary == (
        "Psychotic features: antidepressant plus antipsychotic at antipsychotic-range dose, or ECT"
    )
    assert (
        "**Psychotic features:** Major depressive disorder, recurrent, severe with psychotic "
        "symptoms."
    ) in card.detail
    assert_valid_proposals(card, chart.pid)
    assert [s.label for s in card.suggestions] == [
        "Add olanzapine 5 mg/day to sertraline (titrate to target 15-20 mg/day, STOP-PD)",
        "Refer for ECT evaluation",
    ]
    (olanzapine,) = _medication_requests(card)
    assert codes(olanzapine) == [(RXNORM, "61381")]
    # The labelled start dose; STOP-PD's 15-20 mg/day is the target (review 18a W2).
    assert olanzapine["dosageInstruction"][0]["text"].startswith("olanzapine 5 mg/day")
    ect = [r for r in resources(card) if r["resourceType"] == "ServiceRequest"]
    assert len(ect) == 1
    assert (
        "**Regimen with trial evidence:** olanzapine 15-20 mg/day with sertraline 150-200 mg/day "
        "(STOP-PD)"
    ) in card.detail
    # Never an augmentation dose, never bupropion.
    assert "Propose adjunctive" not in " ".join(s.label for s in card.suggestions)
    assert "aripiprazole 2" not in " ".join(s.label for s in card.suggestions)
    assert "bupropion not listed: dopaminergic, may precipitate or worsen psychotic symptoms" in (
        card.detail
    )
    assert "NDRI: bupropion" not in card.detail
    assert "tms-referral" not in found


def test_failed_olanzapine_sertraline_combination_goes_to_ect() -> None:
    sertraline = _ongoing("sertraline", "SSRI", 200, 50, 200, start=date(2024, 1, 8))
    olanzapine = _ongoing(
        "olanzapine", "atypical antipsychotic", 20, 2.5, 10, role=Role.AUGMENTATION,
        start=date(2024, 2, 5), baseline=20, after=19,
    )  # fmt: skip
    record = f.trd_record(trials=(sertraline, olanzapine), findings=(f.mdd(), PSYCHOTIC))
    card = _card(record)
    assert card is not None
    assert card.summary == (
        "Psychotic depression: olanzapine at antipsychotic-range dose with an antidepressant "
        "failed: refer for ECT (CANMAT 2023)"
    )
    assert [(s.label, s.is_recommended) for s in card.suggestions] == [
        ("Refer for ECT evaluation", True)
    ]
    assert_valid_proposals(card)
    (ect,) = resources(card)
    assert ect["resourceType"] == "ServiceRequest" and "ECT evaluation" in ect["code"]["text"]
    assert "**Combination failed:** olanzapine 20 mg/day from 2024-02-05" in card.detail
    assert _medication_requests(card) == []


def test_psychotic_on_aripiprazole_augmentation_dose_gets_no_second_antipsychotic() -> None:
    aripiprazole = _ongoing(
        "aripiprazole", "atypical antipsychotic", 2, 2, 10, role=Role.AUGMENTATION,
        start=date(2024, 4, 1), baseline=20, after=19,
    )  # fmt: skip
    sertraline = _ongoing("sertraline", "SSRI", 150, 50, 200)
    card = _card(f.trd_record(trials=(sertraline, aripiprazole), findings=(f.mdd(), PSYCHOTIC)))
    assert card is not None
    assert card.summary == (
        "Psychotic features: antipsychotic already running, no second one: antipsychotic-range "
        "dose or ECT"
    )
    assert _medication_requests(card) == []
    assert (
        "**Antipsychotic running:** aripiprazole 2 mg/day; a second antipsychotic is not proposed."
    ) in card.detail
    assert "aripiprazole: no antipsychotic-range dose for psychotic depression is on file" in (
        card.detail
    )
    assert [s.label for s in card.suggestions] == ["Refer for ECT evaluation"]


def test_psychotic_on_olanzapine_10_is_offered_the_antipsychotic_range() -> None:
    olanzapine = _ongoing(
        "olanzapine", "atypical antipsychotic", 10, 2.5, 10, role=Role.AUGMENTATION,
        start=date(2024, 5, 6), baseline=20, after=18, verdict=Verdict.ONGOING,
    )  # fmt: skip
    sertraline = _ongoing("sertraline", "SSRI", 150, 50, 200)
    card = _card(f.trd_record(trials=(sertraline, olanzapine), findings=(f.mdd(), PSYCHOTIC)))
    assert card is not None
    assert [s.label for s in card.suggestions] == [
        "Raise olanzapine to 15 mg/day (STOP-PD)",
        "Refer for ECT evaluation",
    ]
    (raised,) = _medication_requests(card)
    assert raised["dosageInstruction"][0]["text"].startswith("olanzapine 15 mg/day")


def test_psychotic_on_bupropion_is_not_combined_with_it() -> None:
    bupropion = _ongoing("bupropion", "NDRI", 300, 150, 450, start=date(2024, 4, 1))
    card = _card(f.trd_record(trials=(bupropion,), findings=(f.mdd(), PSYCHOTIC)))
    assert card is not None
    assert _medication_requests(card) == []
    assert "**Current antidepressant:** bupropion 300 mg/day: dopaminergic" in card.detail
    assert "**Combination:** the running antidepressant (bupropion 300 mg/day)" in card.detail
    assert [s.label for s in card.suggestions] == ["Refer for ECT evaluation"]


# --- item 11: adolescents -------------------------------------------------------------------------


def test_sixteen_year_old_after_fluoxetine_gets_the_next_ssri_never_venlafaxine() -> None:
    # Fluoxetine 20 mg for 14 weeks, PHQ-9 17 -> 16 (failed). NICE NG134: sertraline or
    # citalopram next (FDA: escitalopram 12-17); never venlafaxine, paroxetine or tricyclics.
    chart = Chart("safety-teen", given="Maya", family="Cole", gender="female",
                  birth_date=date(2008, 11, 3))  # fmt: skip
    mdd = chart.diagnosis(MDD_RECURRENT_MODERATE, date(2024, 12, 2), key="mdd")
    chart.phq9(date(2025, 1, 6), 17, 0)
    add_course(chart, "fluoxetine", [Step("310385", date(2025, 1, 6), None)], reason=mdd)
    chart.phq9(date(2025, 5, 19), 16, 0)
    card = _chart_cards(chart)[TOPIC]
    assert card.summary == (
        "1 adequate trial failed (fluoxetine): switch to sertraline or citalopram (NICE NG134, "
        "age 16); adjuncts: child psychiatry"
    )
    assert _switch_line(card) == (
        "Switch options at age 16, in guideline order: sertraline (next; NICE NG134); then "
        "citalopram (next; NICE NG134); then escitalopram (next; FDA 2009)."
    )
    assert (
        "Never proposed under 18: venlafaxine, paroxetine, tricyclic antidepressants (NICE NG134)."
    ) in card.detail
    for adult_only in ("duloxetine", "bupropion", "mirtazapine", "vortioxetine"):
        assert adult_only not in _switch_line(card)
    # No adult adjunct is proposed or listed under 18 (review s27 RC finding 6).
    assert _proposed_ingredients(card) == []
    assert "aripiprazole" not in card.detail
    assert "Under 18 no adjunct is proposed" in card.detail
    assert "**Boxed warning (age 16):** antidepressants increase the risk of suicidal" in (
        card.detail
    )


def test_adolescent_after_sertraline_is_offered_fluoxetine_first() -> None:
    card = _card(_aged(f.trd_record(trials=(f.sertraline_failed(),)), 15))
    assert card is not None
    assert _switch_line(card).startswith(
        "Switch options at age 15, in guideline order: fluoxetine (first choice; NICE NG134; FDA)"
    )
    assert "venlafaxine" not in _switch_line(card)


def test_eleven_year_old_is_not_offered_escitalopram() -> None:
    # FDA approval of escitalopram for MDD starts at 12.
    card = _card(_aged(f.trd_record(trials=(f.sertraline_failed(),)), 11))
    assert card is not None
    assert "escitalopram" not in _switch_line(card)
    assert "fluoxetine (first choice" in _switch_line(card)


@pytest.mark.parametrize(("age", "warned"), [(17, True), (24, True), (25, False), (45, False)])
def test_boxed_warning_under_25(age: int, warned: bool) -> None:
    card = _card(_aged(f.trd_record(), age))
    assert card is not None
    assert ("**Boxed warning" in card.detail) is warned


def test_adults_keep_the_canmat_switch_classes() -> None:
    card = _card(f.trd_record())
    assert card is not None
    assert _switch_line(card).startswith(
        "Switch options (CANMAT 2023 first line, other mechanisms): NDRI: bupropion"
    )
    assert "Never proposed under 18" not in card.detail


# --- item 12: pregnancy and postpartum ----------------------------------------------------------


def _snri_ndri_failed(findings: tuple[Finding, ...]) -> PatientRecord:
    venlafaxine = f.venlafaxine_failed(start=date(2023, 1, 9))
    bupropion = _trial(
        "bupropion", "NDRI", start=date(2023, 4, 3), mg=300, min_mg=150, max_mg=450,
        baseline=18, after=17,
    )  # fmt: skip
    return f.trd_record(trials=(venlafaxine, bupropion), findings=findings)


@pytest.mark.parametrize("with_order_caution", [True, False])
def test_pregnancy_never_gets_a_paroxetine_switch(
    with_order_caution: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The order-hook caution table (another card's data) may also hold paroxetine in pregnancy;
    # the switch list must leave it out on its own population rule either way.
    if not with_order_caution:
        monkeypatch.setattr(tables, "drug_cautions", lambda: ())
    control = _card(_snri_ndri_failed((f.mdd(),)))
    assert control is not None and "paroxetine" in _switch_line(control)
    card = _card(_snri_ndri_failed((f.mdd(), PREGNANT)))
    assert card is not None
    assert "paroxetine" not in _switch_line(card)
    assert "SSRI: citalopram, escitalopram, fluoxetine, sertraline" in _switch_line(card)
    assert "paroxetine not listed: " in card.detail
    assert "Pregnant state, incidental" in card.detail


def test_pregnancy_antipsychotic_adjuncts_are_named_but_not_one_click() -> None:
    card = _card(f.trd_record(findings=(f.mdd(), PREGNANT)))
    assert card is not None
    assert _proposed_ingredients(card) == []
    assert card.suggestions == ()
    assert (
        "aripiprazole and brexpiprazole: named here, not offered as a ready-to-accept order: "
        "antipsychotics in pregnancy need an individual risk-benefit decision with perinatal "
        "psychiatry"
    ) in card.detail
    assert "FDA 2011 class labelling" in card.detail


def test_pregnancy_with_psychotic_features_keeps_ect_one_click_and_olanzapine_text_only() -> None:
    sertraline = _ongoing("sertraline", "SSRI", 150, 50, 200)
    card = _card(f.trd_record(trials=(sertraline,), findings=(f.mdd(), PSYCHOTIC, PREGNANT)))
    assert card is not None
    assert [s.label for s in card.suggestions] == ["Refer for ECT evaluation"]
    assert _medication_requests(card) == []
    assert (
        "**Not offered as a ready-to-accept order:** olanzapine: antipsychotics in pregnancy"
        in (card.detail)
    )


def test_postpartum_depression_coded_f53_0_runs_the_pathway() -> None:
    # Only a postpartum depression diagnosis (F53.0 with SNOMED 58703003) on the problem list.
    chart = Chart("safety-postpartum", given="Ines", family="Moreau", gender="female",
                  birth_date=date(1993, 5, 14))  # fmt: skip
    ppd = chart.diagnosis(
        (
            (b.ICD10CM, "F53.0", "Postpartum depression"),
            (b.SNOMED, "58703003", "Postpartum depression (disorder)"),
        ),
        date(2024, 9, 2),
        key="ppd",
    )
    chart.phq9(date(2024, 9, 2), 19, 0)
    add_course(
        chart,
        "sertraline",
        [
            Step("312941", date(2024, 9, 2), date(2024, 9, 16)),
            Step("312938", date(2024, 9, 16), date(2024, 12, 16)),
        ],
        reason=ppd,
    )
    chart.phq9(date(2024, 12, 16), 18, 0)
    fr.assert_valid(chart.resources)
    record = build_record(chart.resources, as_of=chart.as_of, patient_id=chart.pid)
    assert {f.kind for f in record.context.findings} >= {
        FindingKind.DEPRESSION,
        FindingKind.POSTPARTUM,
    }
    card = {r.topic: r for r in patient_view(record, Policy())}[TOPIC]
    assert card.summary.startswith("1 adequate trial failed (sertraline)")
    # One perinatal paragraph for the one fact (review 11 recheck finding 10): the diagnosis, what
    # is labelled for it (zuranolone, text only) and the breastfeeding question, asked once.
    (paragraph,) = [p for p in card.detail.split("\n\n") if "ostpartum" in p]
    assert paragraph.startswith(
        "**Postpartum depression on record** (ICD-10-CM F53.0 since "
        "2024-09-02): zuranolone (FDA: postpartum depression)"
    )
    assert paragraph.endswith(
        "Choose with perinatal psychiatry input, including whether the patient is breastfeeding."
    )


@pytest.mark.parametrize(
    ("system", "code", "display", "kinds"),
    [
        (fr.ICD10CM, "F53.0", "Postpartum depression", {"depression", "postpartum"}),
        (fr.SNOMED, "58703003", "Postpartum depression (disorder)", {"depression", "postpartum"}),
        # O90.6 is postpartum blues (Excludes1 F53.0): postpartum onset, not a depression code;
        # a PHQ-9 >= 10 still puts the patient on the pathway.
        (fr.ICD10CM, "O90.6", "Postpartum mood disturbance", {"postpartum"}),
        (fr.ICD10CM, "F53.1", "Puerperal psychosis", {"psychotic", "postpartum"}),
        (fr.SNOMED, "18260003", "Postpartum psychosis (disorder)", {"psychotic", "postpartum"}),
    ],
)
def test_postpartum_codes(system: str, code: str, display: str, kinds: set[str]) -> None:
    condition = fr.condition("pp", system, code, display, date(2025, 3, 3))
    fr.assert_valid([condition])
    found = condition_findings(condition, as_of=date(2025, 6, 2))
    assert {finding.kind.value for finding in found} == kinds


# --- the tables behind the rules ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "drug_class_groups.csv",
        "age_restricted_antidepressants.csv",
        "condition_drug_rules.csv",
        "psychotic_depression_regimens.csv",
    ],
)
def test_every_rule_row_has_a_source_and_a_status(name: str) -> None:
    text = package_files.files("services").joinpath(f"data/{name}").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows
    for row in rows:
        assert row["source"].strip(), row
        assert row["status"] in {"confirmed", "corroborated", "UNVERIFIED"}, row


def test_every_n05a_drug_of_the_drug_table_is_an_antipsychotic() -> None:
    """The class column decides "antipsychotic": every ATC N05A row (lithium N05AN aside) must
    fall in the group, or a running one would go unseen."""
    for drug in all_drugs():
        if drug.atc and drug.atc.startswith("N05A") and not drug.atc.startswith("N05AN"):
            assert drug_rules.is_antipsychotic(drug.drug_class), drug
    assert not drug_rules.is_antipsychotic("SSRI")
    assert not drug_rules.is_antipsychotic("mood stabilizer")


def test_regimen_doses_are_the_stop_pd_targets() -> None:
    (stop_pd,) = drug_rules.psychotic_depression_regimens()
    assert (stop_pd.antipsychotic, stop_pd.antipsychotic_min_mg, stop_pd.antipsychotic_max_mg) == (
        "olanzapine",
        15,
        20,
    )
    assert (
        stop_pd.antidepressant,
        stop_pd.antidepressant_min_mg,
        stop_pd.antidepressant_max_mg,
    ) == ("sertraline", 150, 200)
