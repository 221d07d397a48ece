"""The psychiatrist's review of the suicide-risk output (patient-view findings 5 and 6, order-hooks
finding 14).

- 5: a positive PHQ-9 item 9 that no risk assessment followed does not disappear after the 30-day
  look-back: with no item 9 answered since it stays critical ("no assessment on record"); with a
  later item 9 = 0 it is a warning asking for the assessment; it leaves once assessed or after
  policy.suicide_unassessed_item9_days (365).
- 6: a later PHQ-9 item 9 = 0 is not a risk assessment: no card says "assessed" for it, the card
  stays critical within the look-back, and the TMS card (absent then) never says the finding "has
  been assessed" unless a C-SSRS or a risk-assessment Procedure is on record.
- order-hooks 14: at order-select / order-sign, a drafted drug that is dangerous in overdose
  (data/overdose_toxicity.csv) adds a quantity line (means restriction) to the suicide-risk card.

FHIR charts are the hand-written scenarios with PHQ-9 panels and C-SSRS responses as EHRs and form
tools write them; the rule-level checks use hand-built records.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from importlib import resources as package_files
from typing import Any

import pytest

from fhir_mapping.record import FindingKind, PatientRecord, ProcedureKind
from services import acute_risk, tms_gate
from services.acute_risk import CheckKind, SuicideLevel
from services.evaluation import HookInput, evaluate
from services.order_hooks import order_hook
from services.policy import Policy, load_policy
from services.recommendation import Indicator, Recommendation
from services.rules import suicide_risk
from tests.fhir_mapping.test_suicide_screen import THOUGHTS, WISH_DEAD, cssrs_response
from tests.fixtures import builders as b
from tests.fixtures.scenarios import Scenario, scenario
from tests.services import factories as f
from tests.services.helpers import assert_valid_proposals, ctx, resources
from tests.services.item9_answers import without_item9_on

AS_OF = f.AS_OF  # 2024-06-03 for hand-built records
STATUSES = {"confirmed", "corroborated", "UNVERIFIED"}


def _cards(s: Scenario, *extra: list[dict[str, Any]] | dict[str, Any]) -> dict[str, Recommendation]:
    added: list[dict[str, Any]] = []
    for item in extra:
        added.extend(item if isinstance(item, list) else [item])
    recs = evaluate(
        HookInput(
            service_id="trd-patient-view",
            hook="patient-view",
            hook_instance="0d6a2c5e-7f1b-4c3d-8e9a-1b2c3d4e5f60",
            patient_id=s.patient_id,
            resources=[*s.resources, *added],
            as_of=s.as_of,
        ),
        Policy(),
    ).recommendations
    return {r.topic: r for r in recs}


def _signal(record: PatientRecord, policy: Policy | None = None) -> acute_risk.SuicideSignal:
    signal = ctx(record, policy).facts.suicide
    assert signal is not None
    return signal


# --- finding 5: an unassessed positive answer does not vanish on time alone --------------------------


def test_unassessed_item9_43_days_old_with_no_later_answer_stays_critical_on_a_fhir_chart() -> None:
    # The reviewer's chart: item 9 = 3 on 2025-04-20 (43 days before 2025-06-02); the later PHQ-9
    # (2025-05-12, total 18) has no item 9; no C-SSRS, no risk-assessment Procedure.
    s = without_item9_on(scenario("trd_meets_tms"), date(2025, 5, 12))
    found = _cards(s, b.phq9(date(2025, 4, 20), 22, 3, "panel-answer", patient=s.patient_id))
    card = found["suicide-risk"]
    assert card.indicator is Indicator.CRITICAL
    assert list(found)[0] == "suicide-risk"
    assert card.summary.startswith(
        "PHQ-9 item 9 = 3 (nearly every day) on 2025-04-20, no assessment on record: higher "
        "suicide risk"
    )
    assert "not yet assessed: no risk assessment and no later item 9 answer on record" in (
        card.detail
    )
    # Acute until assessed: TMS is not put forward, and ECT / esketamine are named instead.
    assert "tms-referral" not in found
    assert "**Not TMS now:**" in card.detail
    assert [s.label for s in card.suggestions] == [
        "Order a same-day suicide risk assessment (C-SSRS)"
    ]
    assert_valid_proposals(card, s.patient_id)


def test_the_same_answer_once_assessed_leaves_as_before() -> None:
    s = scenario("trd_meets_tms")
    negative = cssrs_response(
        date(2025, 4, 21), {WISH_DEAD: False, THOUGHTS: False}, patient=s.patient_id, rid="qr-1"
    )
    found = _cards(
        s, b.phq9(date(2025, 4, 20), 22, 3, "panel-answer", patient=s.patient_id), negative
    )
    assert "suicide-risk" not in found
    assert "tms-referral" in found


def test_unassessed_window_is_policy_and_bounds_the_open_signal() -> None:
    day = AS_OF - timedelta(days=200)
    record = f.trd_record(scores=(f.score(19, day, item9=2),))
    assert _signal(record).level is SuicideLevel.UNASSESSED
    shorter = load_policy({"suicide_unassessed_item9_days": 180})
    assert shorter.suicide_unassessed_item9_days == 180
    assert ctx(record, shorter).facts.suicide is None
    assert Policy().suicide_unassessed_item9_days == 365
    past_default = f.trd_record(scores=(f.score(19, AS_OF - timedelta(days=366), item9=2),))
    assert ctx(past_default).facts.suicide is None


def test_an_assessment_before_the_old_answer_does_not_close_it() -> None:
    day = AS_OF - timedelta(days=60)
    before = f.procedure(ProcedureKind.SUICIDE_RISK_ASSESSMENT, day - timedelta(days=1))
    after = f.procedure(ProcedureKind.SUICIDE_RISK_ASSESSMENT, day)
    answer = f.score(19, day, item9=1)
    assert _signal(f.trd_record(scores=(answer,), procedures=(before,))).level is (
        SuicideLevel.UNASSESSED
    )
    assert ctx(f.trd_record(scores=(answer,), procedures=(after,))).facts.suicide is None


def test_old_unassessed_answer_rescreened_negative_is_a_warning_asking_for_the_assessment() -> None:
    old, zero = AS_OF - timedelta(days=60), AS_OF - timedelta(days=20)
    record = f.trd_record(scores=(f.score(18, old, item9=3), f.score(12, zero, item9=0)))
    signal = _signal(record)
    assert signal.level is SuicideLevel.RESCREENED and not signal.acute
    card = suicide_risk.rule(ctx(record))
    assert card is not None and card.indicator is Indicator.WARNING and not card.snoozable
    assert card.summary == (
        "PHQ-9 item 9 = 3 (nearly every day) on 2024-04-04, no risk assessment on record (item 9 "
        "= 0 on 2024-05-14): assess and record it (C-SSRS)"
    )
    assert "not yet assessed: a later PHQ-9 item 9 = 0, total 12 on 2024-05-14" in card.detail
    assert "assessed: PHQ-9" not in card.detail
    (suggestion,) = card.suggestions
    assert suggestion.label == "Order a suicide risk assessment (C-SSRS)"
    (request,) = resources(card)
    assert request["priority"] == "routine"
    assert_valid_proposals(card)
    # Not acute: TMS is not blocked, and its line says the truth about the answer.
    assert not tms_gate.blocks_tms(signal, record, Policy())
    note = tms_gate.referral_note(signal)
    assert "never followed by a risk assessment" in note
    assert "a later PHQ-9 item 9 = 0 on 2024-05-14 is not one" in note
    assert "has been assessed" not in note


def test_rescreened_card_on_a_fhir_chart_and_the_tms_card_line() -> None:
    s = scenario("trd_meets_tms")
    found = _cards(
        s,
        b.phq9(date(2025, 3, 3), 20, 2, "panel-answer", patient=s.patient_id),
        b.phq9(date(2025, 5, 30), 17, 0, "panel-answer", patient=s.patient_id),
    )
    assert found["suicide-risk"].indicator is Indicator.WARNING
    tms = found["tms-referral"]
    assert "has been assessed" not in tms.detail
    assert "PHQ-9 item 9 = 2 (more than half the days) on 2025-03-03 was never followed" in (
        tms.detail
    )


# --- finding 6: a later item 9 = 0 is not an assessment ----------------------------------------------


def test_later_item9_zero_is_named_not_assessed_and_the_card_stays_critical_on_a_fhir_chart() -> (
    None
):
    # The reviewer's chart: item 9 = 3 (total 20) on 2025-05-05, item 9 = 0 on 2025-05-12.
    s = scenario("trd_meets_tms")
    found = _cards(
        s,
        b.phq9(date(2025, 5, 5), 20, 3, "panel-answer", patient=s.patient_id),
        b.phq9(date(2025, 5, 12), 18, 0, "panel-answer", patient=s.patient_id),
    )
    card = found["suicide-risk"]
    assert card.indicator is Indicator.CRITICAL
    assert "assessed: PHQ-9" not in card.detail
    assert "a later PHQ-9 item 9 = 0, total 18 on 2025-05-12" in card.detail
    assert "no risk assessment on record" in card.detail
    # No card anywhere claims an assessment took place.
    assert all("has been assessed" not in c.detail for c in found.values())
    assert "tms-referral" not in found


def test_a_later_zero_is_a_rescreen_never_a_check() -> None:
    record = f.trd_record(
        scores=(f.score(18, date(2024, 5, 10), item9=1), f.score(15, date(2024, 5, 30), item9=0))
    )
    signal = _signal(record)
    assert signal.level is SuicideLevel.UNASSESSED
    # The referral packet lists `checks` as "Assessed ...": a PHQ-9 must never be among them.
    assert all(c.kind is not CheckKind.PHQ9 for c in signal.checks)
    assert [(c.kind, c.day) for c in signal.rescreens] == [(CheckKind.PHQ9, date(2024, 5, 30))]


def test_a_real_assessment_still_makes_the_card_information_and_the_tms_line_names_it() -> None:
    answer = f.score(19, date(2024, 5, 28), item9=2)
    assessed = f.procedure(ProcedureKind.SUICIDE_RISK_ASSESSMENT, date(2024, 5, 29))
    record = f.trd_record(scores=(answer,), procedures=(assessed,))
    signal = _signal(record)
    assert signal.level is SuicideLevel.ASSESSED
    assert tms_gate.referral_note(signal) == (
        "**Suicide risk:** a recent positive finding has been assessed: risk assessment "
        "documented on 2024-05-29 (see that card)."
    )


def test_recent_ideation_with_a_later_zero_stays_critical() -> None:
    ideation = f.finding(
        FindingKind.SUICIDAL_IDEATION,
        code="6471006",
        display="Suicidal ideation",
        onset=date(2024, 5, 20),
    )
    record = f.trd_record(
        findings=(f.mdd(), ideation), scores=(f.score(8, date(2024, 5, 30), item9=0),)
    )
    card = suicide_risk.rule(ctx(record))
    assert card is not None and card.indicator is Indicator.CRITICAL
    assert "no risk assessment on record" in card.detail


# --- order-hooks finding 14: means restriction at the order ------------------------------------------


AMITRIPTYLINE = f.draft("amitriptyline", "TCA", mg=150, min_mg=75, max_mg=300)
SERTRALINE = f.draft("sertraline", "SSRI", mg=100, min_mg=50, max_mg=200, rid="draft-2")


def _positive(*drafts: Any) -> PatientRecord:
    return f.trd_record(scores=(f.score(20, date(2024, 5, 20), item9=3),), draft_orders=drafts)


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_tca_draft_with_an_open_signal_adds_the_quantity_line(hook: str) -> None:
    recs = order_hook(_positive(AMITRIPTYLINE), Policy(), hook=hook)
    card = next(r for r in recs if r.topic == "suicide-risk")
    assert card.indicator is Indicator.CRITICAL
    assert card.detail.startswith(
        "**Quantity on this order:** amitriptyline is a tricyclic antidepressant: case fatality "
        "in overdose far above the SSRIs', and 750 mg or more can cause severe toxicity in an adult."
    )
    assert "limit the quantity supplied at a time" in card.detail


def test_no_quantity_line_for_an_ssri_draft_or_at_patient_view() -> None:
    recs = order_hook(_positive(SERTRALINE), Policy(), hook="order-sign")
    card = next(r for r in recs if r.topic == "suicide-risk")
    assert "Quantity on this order" not in card.detail
    view = suicide_risk.rule(ctx(_positive(AMITRIPTYLINE)))
    assert view is not None and "Quantity on this order" not in view.detail


def test_quantity_line_follows_the_drafts_the_hook_is_about() -> None:
    record = _positive(SERTRALINE, AMITRIPTYLINE)
    order_ctx = ctx(record, hook="order-select")
    everything = suicide_risk.rule(order_ctx)
    assert everything is not None and "amitriptyline is a tricyclic" in everything.detail
    selected = suicide_risk.rule(order_ctx, drafts=(SERTRALINE,))
    assert selected is not None and "Quantity on this order" not in selected.detail


def test_no_quantity_line_without_an_open_signal() -> None:
    calm = f.trd_record(
        scores=(f.score(20, date(2024, 5, 20), item9=0),), draft_orders=(AMITRIPTYLINE,)
    )
    assert all(r.topic != "suicide-risk" for r in order_hook(calm, Policy(), hook="order-sign"))


def test_unverified_overdose_fact_is_marked_on_the_card() -> None:
    phenelzine = f.draft("phenelzine", "MAOI", mg=45, min_mg=45, max_mg=90)
    line = suicide_risk.means_restriction_line((phenelzine,))
    assert line is not None and "phenelzine is an irreversible MAOI" in line
    assert "(UNVERIFIED)" in line
    assert suicide_risk.means_restriction_line((SERTRALINE,)) is None


def test_overdose_table_rows_have_sources_and_name_real_drugs() -> None:
    text = package_files.files("services").joinpath("data/overdose_toxicity.csv").read_text("utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert [r["kind"] for r in rows].count("advice") == 1
    # The shipped drug table, read as shipped (tests/services swaps in a small test table).
    known: dict[str, str] = {}
    for name in ("antidepressants.csv", "augmentation_agents.csv"):
        table = package_files.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
        known.update((r["ingredient"], r["drug_class"]) for r in csv.DictReader(table.splitlines()))
    for row in rows:
        assert row["source"].strip() and row["text"].strip(), row
        assert row["status"] in STATUSES, row
        if row["kind"] == "drug":
            assert row["name"] in known, row["name"]
    # Every tricyclic the drug table knows has a row: a TCA added there cannot be missed here.
    named = {r["name"] for r in rows if r["kind"] == "drug"}
    tcas = {name for name, drug_class in known.items() if drug_class == "TCA"}
    assert tcas and tcas <= named
