"""Review 18a: one-click doses a pharmacist would sign, and what a low B12 or folate asks for.

- W2 (s08): the psychotic-depression one-click proposed "Start sertraline 150 and olanzapine 15
  mg/day (STOP-PD)", both orders at the trial's TARGET doses, and the sertraline order carried the
  olanzapine's note ("Antipsychotic-range dose..."). Now each order starts at its labelled start
  dose (data/start_doses.csv: sertraline 50, olanzapine 5 mg/day) and its own note names the
  titration to the STOP-PD target; olanzapine added to a running antidepressant starts at 5 mg/day,
  and a running olanzapine below the range is raised one labelled 5 mg step, not to the target.
- M2 (s06): the "Low B12" and "Low folate" lines named the value and nothing to do. Now they say
  the action (replace, look for the cause; folic acid only once B12 deficiency is excluded or
  treated: data/low_lab_actions.csv). No "Order B12"/"Order folate" one-click for a recent low
  result (the lab is done); an old one with none since keeps its repeat order.

Charts: the review's CDS Hooks requests in tests/services/review18a_charts/.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.record import FindingKind, Role, Trial
from services import drug_rules, start_doses
from services.drug_rule_rows import data_rows
from services.rules import optimize_switch_augment as rule_module
from tests.services import chart_files
from tests.services import factories as f
from tests.services.helpers import Evaluator, ctx, line_with, resources

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
_load = chart_files.loader(Path(__file__).parent / "review18a_charts")
OPTIMISE = "optimize-switch-augment"
REVIEW = "diagnosis-review"
Doc = dict[str, Any]

PSYCHOTIC = f.finding(
    FindingKind.PSYCHOTIC,
    code="F33.3",
    display="Major depressive disorder, recurrent, severe with psychotic symptoms",
    system=f.ICD10,
    rid="psy-1",
)


_at = Evaluator(AS_OF)
_by_topic = _at.by_topic


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions", [])]


def _orders(card: Doc) -> dict[str, Doc]:
    """The card's proposed MedicationRequests by ingredient."""
    return {
        a["resource"]["medicationCodeableConcept"]["text"]: a["resource"]
        for s in card.get("suggestions", [])
        for a in s.get("actions", [])
        if a.get("resource", {}).get("resourceType") == "MedicationRequest"
    }


# --- W2: start doses, titration in each order's own note ----------------------------------------


def test_stop_pd_one_click_starts_at_the_labelled_start_doses() -> None:
    optimise = _by_topic(_load("s08_psychotic_features_stoppd"))[OPTIMISE]
    assert _labels(optimise) == [
        "Start sertraline 50 mg/day and olanzapine 5 mg/day, titrate to 150-200 and 15-20 mg/day "
        "(STOP-PD targets)",
        "Refer for ECT evaluation",
    ]
    orders = _orders(optimise)
    assert set(orders) == {"sertraline", "olanzapine"}
    sertraline, olanzapine = orders["sertraline"], orders["olanzapine"]
    assert sertraline["dosageInstruction"][0]["text"].startswith("sertraline 50 mg/day;")
    assert olanzapine["dosageInstruction"][0]["text"].startswith("olanzapine 5 mg/day;")
    ser_note = sertraline["note"][0]["text"]
    olz_note = olanzapine["note"][0]["text"]
    # Each order its own note: the antidepressant's is not the antipsychotic's.
    assert ser_note != olz_note
    assert "Antipsychotic-range" not in ser_note and "antipsychotic-range" not in ser_note
    assert ser_note == (
        "Start dose 50 mg/day (sertraline label, MDD); raise by 50 mg no sooner than weekly to "
        "the target 150-200 mg/day (antidepressant of STOP-PD, with olanzapine), as tolerated."
    )
    assert olz_note == (
        "Start dose 5 mg/day (olanzapine label, schizophrenia: the lower start); raise by 5 mg no "
        "sooner than weekly to the target 15-20 mg/day (antipsychotic-range dose for psychotic "
        "depression, STOP-PD), as tolerated."
    )
    # The card still states the regimen's target doses.
    assert (
        "olanzapine 15-20 mg/day with sertraline 150-200 mg/day (STOP-PD)" in (optimise["detail"])
    )


def test_olanzapine_added_to_running_sertraline_starts_at_5_mg() -> None:
    sertraline = f.trial(
        "sertraline", "SSRI", start=date(2024, 1, 8), mg=150, min_mg=50, max_mg=200,
        ongoing=True, baseline=18, after=17,
    )  # fmt: skip
    card = rule_module.rule(ctx(f.trd_record(trials=(sertraline,), findings=(f.mdd(), PSYCHOTIC))))
    assert card is not None
    labels = [s.label for s in card.suggestions]
    assert (
        labels[0]
        == "Add olanzapine 5 mg/day to sertraline (titrate to target 15-20 mg/day, STOP-PD)"
    )
    (olanzapine,) = [r for r in resources(card) if r["resourceType"] == "MedicationRequest"]
    assert olanzapine["dosageInstruction"][0]["text"].startswith("olanzapine 5 mg/day;")
    assert "to the target 15-20 mg/day" in olanzapine["note"][0]["text"]


def _on_olanzapine(mg: float) -> Trial:
    return f.trial(
        "olanzapine", "atypical antipsychotic", start=date(2024, 5, 6), mg=mg, min_mg=2.5,
        max_mg=10, ongoing=True, baseline=20, after=18, role=Role.AUGMENTATION,
    )  # fmt: skip


def test_running_olanzapine_5_is_raised_one_step_not_to_the_target() -> None:
    sertraline = f.trial(
        "sertraline", "SSRI", start=date(2024, 1, 8), mg=150, min_mg=50, max_mg=200,
        ongoing=True, baseline=18, after=17,
    )  # fmt: skip
    record = f.trd_record(trials=(sertraline, _on_olanzapine(5)), findings=(f.mdd(), PSYCHOTIC))
    card = rule_module.rule(ctx(record))
    assert card is not None
    assert [s.label for s in card.suggestions][0] == (
        "Raise olanzapine to 10 mg/day (a step toward 15-20 mg/day, STOP-PD)"
    )
    (raised,) = [r for r in resources(card) if r["resourceType"] == "MedicationRequest"]
    assert raised["dosageInstruction"][0]["text"].startswith("olanzapine 10 mg/day;")
    assert raised["note"][0]["text"] == (
        "One step (olanzapine label, schizophrenia: the lower start: by 5 mg no sooner than "
        "weekly) toward the antipsychotic-range target 15-20 mg/day for psychotic depression "
        "(STOP-PD); raise again by 5 mg no sooner than weekly as tolerated."
    )


def test_every_regimen_drug_has_a_start_dose_below_its_target() -> None:
    for regimen in drug_rules.psychotic_depression_regimens():
        for drug, floor in (
            (regimen.antidepressant, regimen.antidepressant_min_mg),
            (regimen.antipsychotic, regimen.antipsychotic_min_mg),
        ):
            start = start_doses.start_dose(drug)
            assert start is not None, drug
            assert 0 < start.start_mg < floor, drug
            assert start.step_mg > 0 and start.step_min_days >= 1, drug


def test_start_dose_and_low_lab_rows_have_a_source_and_a_status() -> None:
    for name in ("start_doses.csv", "low_lab_actions.csv"):
        rows = data_rows(name)
        assert rows
        for row in rows:
            assert row["source"].strip(), row
            assert row["status"] in {"confirmed", "corroborated", "UNVERIFIED"}, row


# --- M2: a low B12 or folate says the action; no re-order of a lab just done ---------------------


def test_recent_low_b12_and_folate_lines_say_the_action_without_a_reorder() -> None:
    review = _by_topic(_load("s06_low_b12_folate_high_tsh_no_ft4"))[REVIEW]
    b12 = line_with(review, "**Low B12:**")
    assert b12 == (
        "- **Low B12:** 150 pg/mL, low, 2025-02-10: replace B12, look for the cause (diet, "
        "autoimmune gastritis, metformin or acid suppressants, gut surgery, nitrous oxide) and "
        "review after about 3 months of treatment."
    )
    folate = line_with(review, "**Low folate:**")
    assert folate.startswith(
        "- **Low folate:** 2.1 ng/mL, low, 2025-02-10: give folic acid once a B12 deficiency is "
        "excluded or being treated"
    )
    assert "look for the cause" in folate
    # The lab is done: no repeat order for it; the free T4 the TSH line asks for stays.
    assert _labels(review) == ["Order free T4"]


def test_old_low_b12_with_none_since_keeps_its_repeat_order() -> None:
    doc = _load("s06_low_b12_folate_high_tsh_no_ft4")
    (b12,) = [
        r
        for r in chart_files.prefetch_resources(doc)
        if r["resourceType"] == "Observation" and r["code"]["coding"][0]["code"] == "2132-9"
    ]
    b12["effectiveDateTime"] = "2022-02-10T09:30:00-05:00"
    b12["issued"] = "2022-02-10T10:05:00-05:00"
    review = _by_topic(doc)[REVIEW]
    assert "**Low B12, not rechecked:**" in review["detail"]
    assert "replace B12" not in line_with(review, "**Low B12, not rechecked:**")
    assert "Order vitamin B12" in _labels(review)
