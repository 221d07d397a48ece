"""What review 14's fixes left saying less than the record shows, or more.

- M2 (p03, psychotherapy sent only as Encounters): the payer criterion and the referral summary
  said "no psychotherapy on record" where the card now says what is read ("no psychotherapy
  procedure or referral on record").
- M4 (d01, paroxetine's order ends on the as-of day): the same-class line asked to "record
  paroxetine's stop date", which is on record; it says the date.
- U1 (a PHQ-9 filed preliminary): the measurement card named it above a trials table saying "no
  PHQ-9 on treatment"; the row names it now. The TMS card names one newer than the reviewed
  score it rests on, and never uses it for severity or eligibility.
- The labs, blood pressure and PGx readers read result statuses from the one table
  (data/result_statuses.csv) the PHQ-9 readers read.
- W5 (a plan order never filled, not a trial): --explain printed weeks at an adequate dose and an
  outcome for it; it says "not a trial" and why.

Charts: review 14's CDS Hooks requests (tests/services/review14_charts/, US Core / Epic shaped);
the scenarios and the edge-case charts, with PHQ-9s shaped as US Core survey Observations
(tests/fixtures/builders.py).
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping import blood_pressure, labs, pgx
from fhir_mapping.build import build_record
from fhir_mapping.explain import explain
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord, Trial, Verdict
from fhir_mapping.result_statuses import OBSERVATION, Reads, statuses
from services.order_checks import duplicate
from services.packet import render_packet
from services.pathway import derive_facts
from services.payer_criteria import CriterionKind, evaluate_payer_criteria
from services.policy import Policy
from services.recommendation import Recommendation
from tests.fhir_mapping import fhir_resources as fr
from tests.fhir_mapping.test_b4_order_status import VENLAFAXINE_225
from tests.fixtures import builders as b
from tests.fixtures.scenarios import MDD_RECURRENT_SEVERE, Chart, Step, add_course, scenario
from tests.services import chart_files
from tests.services.test_clinical_edge_cases import SERTRALINE, cards, chart, mdd, taking
from tests.services.test_suicide_risk_review import _cards as scenario_cards

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review14_charts"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)


def _evaluate(name: str) -> tuple[dict[str, Doc], PatientRecord]:
    doc = _chart(name)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    found = {c["source"]["topic"]["code"]: c for c in result.response.to_json()["cards"]}
    return found, result.evaluation.record


# --- M2: the psychotherapy criterion and the referral summary -------------------------------------


@pytest.mark.real_drug_table
def test_psychotherapy_criterion_and_packet_say_what_is_read() -> None:
    # The probe chart was sent on the older discovery: no `encounters` key, so the visits are
    # not available, never "none" (the visits read: tests/services/test_psychotherapy_visits.py).
    found, record = _evaluate("p03_psychotherapy_encounters_only")
    said = "psychotherapy history not available"
    assert said in found["psychotherapy"]["summary"]
    facts = derive_facts(record, Policy())
    (criterion,) = [
        r
        for r in evaluate_payer_criteria(record, facts, Policy()).results
        if r.kind is CriterionKind.PSYCHOTHERAPY
    ]
    assert criterion.evidence == (said,)
    page = render_packet(record, Policy())
    assert "no psychotherapy on record" not in page
    assert "Psychotherapy sessions: none on record." not in page
    assert "Psychotherapy sessions: the visit list was not available" in page
    assert said in page  # the payer criterion


# --- M4: a stop on record is said, not asked for ---------------------------------------------------


@pytest.mark.real_drug_table
def test_same_class_line_says_the_stop_date_on_record() -> None:
    found, record = _evaluate("d01_paroxetine_abrupt_stop_draft_sertraline")
    detail = found["order-repeats-failed-trial"]["detail"]
    assert "record paroxetine's stop date" not in detail
    # Since the review 14 audit (d01): the course with its stop on record is being replaced.
    assert "replacing paroxetine" in detail and "paroxetine's stop dated 2025-06-02" in detail
    # Control: the same course with no stop on record still asks for one.
    (paroxetine,) = [t for t in record.trials if t.ingredient == "paroxetine"]
    (draft,) = record.draft_orders
    running = dataclasses.replace(paroxetine, stops_on=None)
    assert "and record paroxetine's stop date" in duplicate._plan(draft, [running])
    assert "paroxetine's stop is dated 2025-06-02" in duplicate._other_class_line(
        draft, [paroxetine]
    )
    assert "and paroxetine's stop date)" in duplicate._other_class_line(draft, [running])


# --- U1: a preliminary PHQ-9 in the trials table and on the TMS card ------------------------------


def _unmeasured_sertraline(*extra: Any) -> PatientRecord:
    """Sertraline 100 mg since 3 Feb (PHQ-9 19 that day), no reviewed PHQ-9 since: 17 weeks at an
    adequate dose, outcome not measured."""
    return chart(
        mdd(),
        fr.phq9_total("phq-b", date(2025, 2, 3), 19),
        taking("s-ser", SERTRALINE, date(2025, 2, 3), mg=100),
        *extra,
    )


def _sertraline_row(found: dict[str, Recommendation]) -> str:
    detail = found["measurement-based-care"].detail or ""
    (row,) = [line for line in detail.splitlines() if line.startswith("| sertraline")]
    return row


@pytest.mark.real_drug_table
def test_trials_row_says_no_reviewed_phq9_beside_the_preliminary_the_card_names() -> None:
    week_ago = AS_OF - timedelta(days=7)
    prelim = b.phq9(week_ago, 18, 0, "integer", patient=fr.PATIENT, status="preliminary")
    record = _unmeasured_sertraline(*prelim)
    found = cards(record)
    card = found["measurement-based-care"]
    assert f"latest PHQ-9 (preliminary, {week_ago.isoformat()}): 18" in card.summary
    row = _sertraline_row(found)
    assert "(no PHQ-9 on treatment)" not in row
    # Named once on the card (audit 14 leftover): in its "Latest PHQ-9 not yet reviewed"
    # section, not again in the row, which says the reviewed one is missing.
    assert row.endswith("adequate; outcome not measured yet (no reviewed PHQ-9 on treatment) |")
    assert (card.detail or "").count(week_ago.isoformat()) == 1
    # It judges nothing: the trial is as it was without it.
    (trial,) = record.trials
    assert (trial.verdict, trial.outcome_unmeasured, trial.on_treatment) == (
        Verdict.ADEQUATE,
        True,
        None,
    )


@pytest.mark.real_drug_table
def test_trials_row_without_a_preliminary_or_with_a_cancelled_one_is_as_before() -> None:
    plain = "adequate; outcome not measured yet (no PHQ-9 on treatment) |"
    assert plain in _sertraline_row(cards(_unmeasured_sertraline()))
    week_ago = AS_OF - timedelta(days=7)
    cancelled = b.phq9(week_ago, 18, 0, "integer", patient=fr.PATIENT, status="cancelled")
    row = _sertraline_row(cards(_unmeasured_sertraline(*cancelled)))
    assert plain in row
    assert "preliminary" not in row


def test_tms_card_names_a_newer_preliminary_phq9_and_never_uses_it() -> None:
    s = scenario("trd_meets_tms")
    before = scenario_cards(s)["tms-referral"]
    day = s.as_of - timedelta(days=3)
    # Severe if it were read: it must not meet the severity criterion (not reviewed). 24, not
    # 25: a total of 25 beside item 9 = 0 is a form to check (item9_floor.checked_item9, review
    # s27 RF finding 3), which would put "check item 9 first" in the summary.
    prelim = b.phq9(day, 24, 0, "integer", patient=s.patient_id, status="preliminary")
    card = scenario_cards(s, prelim)["tms-referral"]
    detail = card.detail or ""
    assert (
        f"- Severity: a preliminary PHQ-9 of {day.isoformat()} (24) is not yet reviewed; "
        "severity and eligibility rest on reviewed scores only"
    ) in detail
    assert card.summary == before.summary  # "PHQ-9 18": the reviewed total
    lines = detail.splitlines()
    severity = next(i for i, line in enumerate(lines) if "· Severity: PHQ-9 18 on" in line)
    assert lines[severity].startswith("- **Not met**")  # as before: 24 is not used
    assert lines[severity + 1].startswith("- Severity: a preliminary PHQ-9")
    assert "preliminary" not in (before.detail or "")


def test_tms_card_does_not_name_a_preliminary_older_than_the_reviewed_score() -> None:
    s = scenario("trd_meets_tms")
    old = date(2025, 1, 6)  # before the reviewed PHQ-9 18 of 2025-05-12
    prelim = b.phq9(old, 25, 0, "integer", patient=s.patient_id, status="preliminary")
    card = scenario_cards(s, prelim)["tms-referral"]
    assert "preliminary" not in (card.detail or "")


# --- one status table -------------------------------------------------------------------------------


def test_labs_blood_pressure_and_pgx_read_the_result_status_table() -> None:
    table = statuses(OBSERVATION, Reads.ALL)
    assert table == {"final", "amended", "corrected"}  # results only: what they counted before
    # The table's own set (statuses() is cached), not a copy that could drift from it.
    assert labs._COUNTED_OBSERVATION is table
    assert blood_pressure._COUNTED is table
    assert pgx._COUNTED is table


# --- W5: --explain of a course that is no trial ---------------------------------------------------


def _plan_chart() -> Chart:
    start = date(2024, 10, 1)
    c = Chart(
        "d2_plan_only", given="Test", family="Explain", gender="female", birth_date=date(1975, 5, 5)
    )
    enc = c.visit(start)
    mdd_id = c.diagnosis(MDD_RECURRENT_SEVERE, start, key="mdd", encounter=enc)
    c.phq9(start, 19, 0, encounter=enc)
    c.add(
        b.medication_request(
            *VENLAFAXINE_225, start, 1, "tablet", patient=c.pid, intent="plan", id=c.id("plan")
        )
    )
    c.phq9(date(2025, 5, 1), 18, 0)
    # Control: a filled course is a trial and keeps its weeks and outcome.
    add_course(c, "esc", [Step("351250", date(2025, 1, 6), None)], reason=mdd_id, style="unit")
    return c


def _block(text: str, ingredient: str) -> str:
    """The --explain lines of the trial of `ingredient`."""
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if f". {ingredient} (" in line)
    end = next(i for i in range(first + 1, len(lines)) if not lines[i].startswith("   "))
    return "\n".join(lines[first:end])


def test_explain_says_not_a_trial_instead_of_weeks_and_outcome() -> None:
    c = _plan_chart()
    record = build_record(c.resources, as_of=AS_OF, patient_id=c.pid, policy=MappingPolicy())
    venlafaxine: Trial = next(t for t in record.trials if t.ingredient == "venlafaxine")
    assert venlafaxine.verdict is Verdict.NOT_A_TRIAL
    text = explain(record)
    plan = _block(text, "venlafaxine")
    assert (
        "   not a trial: ordered or planned only (intent plan, status unknown, on hold and never "
        "filled, or never filled on the chart's fill feed), no fill or statement on record "
        "(not-shown-taken)"
    ) in plan
    assert "weeks at adequate dose" not in plan
    assert "outcome:" not in plan
    filled = _block(text, "escitalopram")
    assert "weeks at adequate dose:" in filled
    assert "not a trial" not in filled


def test_explain_of_low_dose_trazodone_names_its_reason() -> None:
    s = scenario("low_dose_trazodone_for_sleep")
    record = build_record(s.resources, as_of=s.as_of, patient_id=s.patient_id, policy=None)
    trazodone = _block(explain(record), "trazodone")
    assert "not a trial: below the antidepressant dose range: a low-dose use" in trazodone
    assert "weeks at adequate dose" not in trazodone
