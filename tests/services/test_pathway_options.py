"""The rest of the pathway, named (issue 12): ECT, esketamine and ketamine after two failed
adequate trials, ECT first for an older adult and with psychotic or catatonic features or acute
risk; lithium and liothyronine with their target level or dose and monitoring, antipsychotic
adjuncts with metabolic and movement monitoring; TMS course management; pharmacogenomic testing as
one info line. Records from tests/services/factories.py; the TMS-course charts are FHIR, built
with tests/fixtures/builders.py on the trd_meets_tms scenario and mapped by the real mapping.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Sequence
from datetime import date
from importlib import resources
from typing import Any

import pytest

from fhir_mapping import drug_table
from fhir_mapping.build import build_record
from fhir_mapping.record import (
    FindingKind,
    Patient,
    PatientRecord,
    ProcedureKind,
    ProcedureRecord,
    Role,
    SourceRef,
    Verdict,
)
from services import pathway_options, tms_course
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.rules import optimize_switch_augment, suicide_risk, tms_referral
from tests.fixtures import builders as b
from tests.fixtures import scenarios
from tests.services import factories as f
from tests.services.helpers import assert_valid_proposals, codes, ctx, tms_sessions, weekdays
from tests.services.helpers import resources as proposed

STATUSES = {"confirmed", "corroborated", "UNVERIFIED"}
CPT = "http://www.ama-assn.org/go/cpt"

BEYOND = (
    "**Beyond medication** (CANMAT 2023 second line, Level 1): ECT (65-75 % response; "
    "anaesthesia, transient memory effects); esketamine nasal spray (FDA: TRD, alone or with an "
    "oral antidepressant; MDD with acute suicidal ideation or behaviour; REMS: 2 h observation); "
    "IV ketamine (off-label)."
)
PGX = "Pharmacogenomic testing may help after a poor response (CANMAT 2023 para 184)."
ANTIPSYCHOTIC_MONITORING = (
    "(antipsychotics: monitor weight, BP, glucose, lipids at baseline, week 12, "
    "yearly; akathisia, EPS, tardive dyskinesia)"
)
# The level raisers are named on every lithium line: they are read only once lithium is on the
# chart or drafted (interaction_partners.csv read_only_with), so a proposal cannot check them.
LITHIUM = (
    "lithium (serum 0.5-0.8 mmol/L; monitor level, electrolytes, calcium, creatinine/eGFR, TSH "
    "at baseline and every 6-12 months; NSAIDs, ACE inhibitors, ARBs and thiazides raise the "
    "level)"
)


def aged(record: PatientRecord, age: int) -> PatientRecord:
    return dataclasses.replace(record, patient=Patient(id="p1", age=age, sex="female"))


def optimise(record: PatientRecord, policy: Policy | None = None) -> Recommendation:
    rec = optimize_switch_augment.rule(ctx(record, policy))
    assert rec is not None
    return rec


def screen(record: PatientRecord, policy: Policy | None = None) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, policy or Policy())}


# --- ECT, esketamine, ketamine --------------------------------------------------------------------


def test_after_two_failed_trials_ect_esketamine_and_ketamine_are_named_with_their_safety() -> None:
    rec = optimise(f.trd_record())
    assert BEYOND in rec.detail
    # Options, not orders: the one-click suggestions stay the first-line adjuncts.
    assert [s.label for s in rec.suggestions] == [
        "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)",
        "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)",
    ]


def test_after_one_failed_trial_only_the_pharmacogenomic_line() -> None:
    rec = optimise(f.trd_record(trials=(f.sertraline_failed(),)))
    assert "Beyond medication" not in rec.detail and "esketamine" not in rec.detail
    assert rec.detail.count(PGX) == 1
    # No failure yet (a dose still to raise): no pharmacogenomic line either.
    low = f.trial(
        "citalopram", "SSRI", mg=10, min_mg=20, max_mg=40, ongoing=True, verdict=Verdict.ONGOING
    )
    raised = optimize_switch_augment.rule(ctx(f.trd_record(trials=(low,))))
    assert raised is not None and "Pharmacogenomic" not in raised.detail


def test_an_older_adult_gets_ect_named_first() -> None:
    rec = optimise(aged(f.trd_record(), 72))
    options = next(s for s in rec.detail.split("\n\n") if s.startswith("**Beyond medication**"))
    assert options.startswith(
        "**Beyond medication** (CANMAT 2023 second line, Level 1): ECT (65-75 % response; "
        "anaesthesia, transient memory effects; at age 72: may be especially effective in older patients (CANMAT 2023 para 215));"
    )
    # The age is policy: a clinic that draws the line at 75 does not name ECT first at 72.
    later = optimise(aged(f.trd_record(), 72), Policy(older_adult_age=75))
    assert "first choice" not in later.detail and BEYOND in later.detail


def test_a_minor_is_not_offered_the_adult_options() -> None:
    rec = optimise(aged(f.trd_record(), 16))
    assert "Beyond medication" not in rec.detail and "esketamine" not in rec.detail


def test_psychotic_features_get_ect_first_and_no_esketamine() -> None:
    psychotic = f.finding(
        FindingKind.PSYCHOTIC, code="F33.3", display="MDD, severe with psychotic features"
    )
    rec = optimise(f.trd_record(findings=(f.mdd(), psychotic)))
    assert [s.label for s in rec.suggestions] == ["Refer for ECT evaluation"]
    assert_valid_proposals(rec)
    assert "ECT is especially effective with psychotic features (para 215)" in rec.detail
    assert "esketamine" not in rec.detail and "ketamine" not in rec.detail
    assert rec.detail.count(PGX) == 1


def test_catatonia_names_ect_on_the_optimise_card() -> None:
    catatonia = f.finding(FindingKind.CATATONIA, code="F06.1", display="Catatonic disorder")
    record = f.trd_record(findings=(f.mdd(), catatonia))
    assert tms_referral.rule(ctx(record)) is None
    rec = optimise(record)
    assert "**Why no TMS referral:**" in rec.detail
    assert "ECT (CANMAT 2023 para 215: especially effective with catatonic features)" in rec.detail


def test_acute_suicide_risk_names_ect_and_esketamine_on_the_suicide_card() -> None:
    record = f.trd_record(scores=(f.score(17, date(2024, 5, 27), item9=2),))
    assert tms_referral.rule(ctx(record)) is None
    card = suicide_risk.rule(ctx(record))
    assert card is not None and card.indicator is Indicator.CRITICAL
    # Not yet assessed (review 19, b03): the treatments named as what follows if it finds acute risk.
    assert (
        "**Not TMS now:** The risk assessment comes first; if it finds acute risk: TMS is not "
        "the next step while the risk is acute"
    ) in card.detail
    assert "consider ECT" in card.detail and "esketamine nasal spray" in card.detail


# --- lithium, liothyronine, antipsychotic adjuncts --------------------------------------------------


def test_first_line_adjuncts_carry_monitoring_and_lithium_its_target_level() -> None:
    rec = optimise(f.trd_record())
    assert (
        "First-line adjuncts (CANMAT 2023 Table 7.2): aripiprazole 2-10 mg/day, brexpiprazole "
        f"0.5-2 mg/day {ANTIPSYCHOTIC_MONITORING}. Second line: lithium (serum 0.5-0.8 mmol/L)."
    ) in rec.detail


def _used(name: str, start: date, *, ongoing: bool = False, **kw: Any) -> Any:
    return f.trial(
        name, "SDAM" if name != "lithium" else "mood stabiliser", start=start,
        role=Role.AUGMENTATION, ongoing=ongoing, **kw,
    )  # fmt: skip


def test_when_first_line_adjuncts_are_used_lithium_comes_with_its_monitoring() -> None:
    used = (
        _used("aripiprazole", date(2023, 7, 3), mg=5, min_mg=2, max_mg=10),
        _used("brexpiprazole", date(2023, 10, 2), mg=2, min_mg=0.5, max_mg=2),
    )
    rec = optimise(f.trd_record(trials=(f.sertraline_failed(), f.venlafaxine_failed(), *used)))
    assert f"First-line adjuncts already used; second line (Table 7.2): {LITHIUM}." in rec.detail
    assert "Propose adjunctive" not in " ".join(s.label for s in rec.suggestions)


def test_a_running_lithium_is_named_with_its_level_and_monitoring() -> None:
    lithium = _used("lithium", date(2024, 2, 5), ongoing=True, mg=900, min_mg=600, max_mg=1200)
    rec = optimise(f.trd_record(trials=(f.sertraline_failed(), f.venlafaxine_failed(), lithium)))
    # Review 7 finding 1: the line names the level and kidney tests, or that none is on record.
    assert (
        f"{LITHIUM[0].upper()}{LITHIUM[1:]}: running since 2024-02-05; no lithium level on "
        "record; no creatinine or eGFR on record."
    ) in rec.detail


def test_a_running_antipsychotic_adjunct_gets_metabolic_and_movement_monitoring() -> None:
    quetiapine = f.trial(
        "quetiapine", "atypical antipsychotic", start=date(2024, 2, 5), ongoing=True,
        role=Role.AUGMENTATION, mg=150, min_mg=150, max_mg=300,
    )  # fmt: skip
    rec = optimise(f.trd_record(trials=(f.sertraline_failed(), f.venlafaxine_failed(), quetiapine)))
    assert (
        "Quetiapine running: monitor weight, BP, glucose, lipids at baseline, week "
        "12, yearly; akathisia, EPS, tardive dyskinesia; no glucose, HbA1c or lipids on record "
        "since 2024-02-05."
    ) in rec.detail


@pytest.mark.real_drug_table
def test_lithium_and_t3_targets_agree_with_the_drug_table() -> None:
    """The monitoring table's targets are the reference's (CANMAT 2023 Table 7.2 as in
    augmentation_agents.csv): lithium 600-1200 mg/day at 0.5-0.8 mmol/L, T3 25-50 µg/day."""
    lithium, t3 = drug_table.drug_info("lithium"), drug_table.drug_info("liothyronine")
    assert lithium is not None and t3 is not None
    assert (lithium.min_adequate_mg, lithium.max_mg, lithium.canmat_line) == (600, 1200, "2nd")
    assert "serum 0.5-0.8 mmol/L" in lithium.source
    assert (t3.min_adequate_mg, t3.max_mg) == (0.025, 0.05)  # mg: 25-50 µg/day
    policy = Policy()
    adult = pathway_options.second_line_target("lithium", 40, policy)
    assert adult == "lithium (serum 0.5-0.8 mmol/L)"
    # At policy.older_adult_age and over the NICE NG222 row (session 22: one age-aware target).
    older = pathway_options.second_line_target("lithium", 79, policy)
    assert older is not None and older.startswith("lithium (serum 0.4-0.6 mmol/L at 65 and over")
    t3 = pathway_options.second_line_target("liothyronine", 79, policy)
    assert t3 == "liothyronine (25-50 µg/day)"


@pytest.mark.parametrize("name", ["pathway_options.csv", "augmentation_monitoring.csv"])
def test_every_fact_has_a_source_and_a_status(name: str) -> None:
    text = resources.files("services").joinpath(f"data/{name}").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows
    for row in rows:
        assert row["source"].strip() and row["status"] in STATUSES, row
    if name == "pathway_options.csv":
        by_option = {r["option"]: r for r in rows}
        assert by_option["ketamine"]["card"] == "off-label"
        assert by_option["ketamine"]["status"] == "UNVERIFIED"  # its label was not read here
        assert "acute suicidal ideation" in by_option["esketamine"]["card"]
        assert "REMS=386" in by_option["esketamine"]["source"]


# --- TMS course management (FHIR charts) -----------------------------------------------------------


def _tms_chart(
    sessions: list[date],
    scores: Sequence[tuple[date, int]] = (),
) -> PatientRecord:
    """trd_meets_tms (as of 2025-06-02) with TMS sessions (CPT 90867 then 90868) and extra
    PHQ-9s, mapped by the real mapping."""
    s = scenarios.trd_meets_tms()
    extra = tms_sessions(sessions, s.patient_id)
    for day, total in scores:
        extra += b.phq9(day, total, 0, patient=s.patient_id)
    return build_record(
        [*s.resources, *extra], as_of=s.as_of, patient_id=s.patient_id, policy=Policy().mapping
    )


@pytest.mark.real_drug_table
def test_a_running_course_without_a_recent_phq9_gets_a_scale_reminder() -> None:
    record = _tms_chart(weekdays(date(2025, 5, 19), date(2025, 5, 30)))
    course = tms_course.running_course(record, Policy())
    assert course is not None and course.sessions == 10
    found = screen(record)
    card = found["tms-course"]
    assert card.indicator is Indicator.INFO
    assert card.summary == ("TMS course since 2025-05-19 (week 2, 10 sessions): PHQ-9 due")
    assert "**PHQ-9 due:** no PHQ-9 total in 21 days (during a course: at least every 7 days)" in (
        card.detail
    )
    assert [s.label for s in card.suggestions] == ["Ask for a PHQ-9"]
    assert codes(proposed(card)[0]) == [("http://loinc.org", "44249-1")]
    assert "Response check" not in card.detail  # week 2: too early
    # In a course: no TMS referral card, and no second measurement card.
    assert "tms-referral" not in found and "measurement-based-care" not in found


@pytest.mark.real_drug_table
def test_response_check_from_week_4_says_responding() -> None:
    record = _tms_chart(
        weekdays(date(2025, 4, 21), date(2025, 5, 30)),
        [(date(2025, 4, 18), 20), (date(2025, 5, 29), 9)],
    )
    card = screen(record)["tms-course"]
    assert "PHQ-9 due" not in card.summary and "responding (55 % better)" in card.summary
    assert (
        "**Response check (week 6):** PHQ-9 20 (2025-04-18) -> 9 (2025-05-29), 55 % better: "
        "response (>= 50 %, CANMAT 2023 para 180)"
    ) in card.detail
    assert card.suggestions == ()


@pytest.mark.real_drug_table
def test_no_response_by_week_6_reviews_the_course_and_names_the_options() -> None:
    record = _tms_chart(
        weekdays(date(2025, 4, 21), date(2025, 5, 30)),
        [(date(2025, 4, 18), 20), (date(2025, 5, 29), 16)],
    )
    card = screen(record)["tms-course"]
    assert card.summary.endswith("no response by week 6: review the course")
    assert "20 % better: no response yet" in card.detail
    assert "LCD L34998 covers up to 6 weeks of daily TMS: review the course" in card.detail
    assert "ECT (65-75 % response" in card.detail and "esketamine nasal spray" in card.detail


@pytest.mark.real_drug_table
def test_an_ended_course_with_no_phq9_since_asks_for_one() -> None:
    # The course began after the chart's PHQ-9 of 2025-05-12 and ended on 2025-05-23.
    record = _tms_chart(weekdays(date(2025, 5, 13), date(2025, 5, 23)))
    card = screen(record)["tms-course"]
    assert card.summary == (
        "TMS course 2025-05-13 - 2025-05-23 ended with no PHQ-9 since: record the response"
    )
    assert "a later retreatment needs a documented response (LCD L37086" in card.detail


def _earlier_course(after: int) -> PatientRecord:
    """trd_record with a TMS course in an earlier episode (2021) and PHQ-9 20 before it."""
    days = weekdays(date(2021, 3, 1), date(2021, 4, 9))
    sessions = tuple(
        ProcedureRecord(
            ProcedureKind.TMS, "90868", CPT, d, SourceRef("Procedure", f"tms-{d.isoformat()}")
        )
        for d in days
    )
    record = f.trd_record()
    return dataclasses.replace(
        record,
        procedures=record.procedures + sessions,
        scores=(f.score(20, date(2021, 2, 25)), f.score(after, date(2021, 4, 12)), *record.scores),
    )


def test_an_earlier_course_without_response_rules_out_a_new_tms_referral() -> None:
    record = _earlier_course(after=16)
    assert tms_referral.rule(ctx(record)) is None
    rec = optimise(record)
    assert (
        "**Why no TMS referral:** an earlier TMS course (2021-03-01 - 2021-04-09, 30 sessions) "
        "brought no response (PHQ-9 20 (2021-02-25) -> 16 (2021-04-12), 20 % better): LCD "
        "L37086 permits retreatment only after a response (> 50 % improvement) and relapse"
    ) in rec.detail
    assert "tms-course" not in screen(record)  # an earlier episode's course: nothing to run


def test_an_earlier_course_with_response_is_named_on_the_tms_card() -> None:
    record = _earlier_course(after=8)
    # L34998 has no retreatment criterion: the card's own line names the course.
    card = tms_referral.rule(ctx(record, Policy(payer_criteria="l34998")))
    assert card is not None
    assert (
        "**Earlier TMS course:** 2021-03-01 - 2021-04-09, 30 sessions; PHQ-9 20 (2021-02-25) -> 8 "
        "(2021-04-12), 60 % better; responded: a retreatment may be considered after relapse "
        "(LCD L37086)."
    ) in card.detail
    # L37086 judges it itself; its retreatment line keeps its evidence (never just a name).
    card = tms_referral.rule(ctx(record))
    assert card is not None and "**Earlier TMS course:**" not in card.detail
    assert (
        "- **Met** · Earlier TMS: TMS course 2021-03-01 - 2021-04-09 (30 sessions): PHQ-9 20"
    ) in card.detail


def test_acute_risk_names_ect_and_esketamine_first_whatever_the_trials() -> None:
    """Issue 12: in the acute-risk case ECT and esketamine come first, even before two trials
    have failed (item9_positive: one course, item 9 answered 2 last month)."""
    chart = scenarios.scenario("item9_positive")
    record = build_record(chart.resources, as_of=chart.as_of, patient_id=chart.patient_id)
    (card,) = [r for r in patient_view(record, Policy()) if r.topic == "suicide-risk"]
    assert card.indicator is Indicator.CRITICAL
    section = next(
        # Not yet assessed (review 19, b03): named as what follows if the assessment finds acute risk.
        s
        for s in card.detail.split("\n\n")
        if s.startswith("**If the assessment finds acute risk:**")
    )
    assert "ECT" in section and "esketamine" in section
    # Not for psychotic depression: esketamine is not indicated there (the optimise card's path).
    psychotic = dataclasses.replace(
        record,
        context=dataclasses.replace(
            record.context,
            findings=(*record.context.findings, f.finding(FindingKind.PSYCHOTIC)),
        ),
    )
    (card,) = [r for r in patient_view(psychotic, Policy()) if r.topic == "suicide-risk"]
    assert "If the assessment finds acute risk" not in card.detail
    assert "Treatment while the risk is acute" not in card.detail
