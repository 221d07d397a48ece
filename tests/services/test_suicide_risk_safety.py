"""Issue 11, the consultant psychiatrist's safety review: items 8, 9, 10 and 14.

- 8: acute risk first: with an acute suicide-risk signal, psychotic features or catatonia there is
  no TMS card (patient-view or order hooks); ECT and esketamine are named instead.
- 9: the suicide-risk card's sources: item 9 > 0, a positive C-SSRS, recent ideation or self-harm
  on the problem list; a past attempt is a risk-factor line, not a card.
- 10: a documented assessment (C-SSRS, a risk-assessment Procedure; since the psychiatrist's
  review no longer a later item 9 = 0) makes the card no longer critical and says what was found and when; override reasons for "assessment
  completed today" and "under crisis team care"; never snoozed.
- 14: a deceased patient gets no pathway card at any hook; the status is said first and the
  safety cards stay (recheck 18a d03 at the order hooks; review 19 E1 on chart open too).

FHIR charts are the hand-written scenarios (tests/fixtures/scenarios.py) with C-SSRS, PHQ-9 and
Patient resources added as EHRs and form tools write them; rule behaviour uses hand-built records.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

import pytest

from fhir_mapping.record import FindingKind, Patient, PatientRecord, ProcedureKind, SourceRef
from fhir_mapping.suicide_screen import SuicideScreen
from services import acute_risk, tms_gate
from services.evaluation import HookInput, evaluate
from services.order_hooks import order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.rules import suicide_risk
from tests.fhir_mapping.test_suicide_screen import (
    PLAN,
    THOUGHTS,
    WISH_DEAD,
    cssrs_response,
)
from tests.fixtures import builders as b
from tests.fixtures.scenarios import Scenario, scenario
from tests.services import factories as f
from tests.services.helpers import assert_valid_proposals, codes, ctx, resources

D = date(2024, 5, 28)  # five days before factories.AS_OF
SCENE_DAY = date(2025, 5, 28)  # five days before the scenarios' as-of (2025-06-02)
ESKETAMINE_LABEL = "MDD with acute suicidal ideation or behaviour"


# --- helpers ---------------------------------------------------------------------------------------


def _screen(
    on: date,
    *,
    positive: tuple[str, ...] = (),
    negative: tuple[str, ...] = ("Wish to be dead (past month)",),
    escalate: bool = False,
    complete: bool = True,
    rid: str = "cssrs-1",
) -> SuicideScreen:
    return SuicideScreen(
        date=on,
        complete=complete,
        positive=positive,
        history=(),
        negative=negative if complete else (),
        escalate=escalate,
        source=SourceRef("QuestionnaireResponse", rid),
        asked_ideation=True,
    )


def _with(record: PatientRecord, *screens: SuicideScreen) -> PatientRecord:
    return dataclasses.replace(record, suicide_screens=screens)


def _topics(recs: Sequence[Recommendation]) -> list[str]:
    return [r.topic for r in recs]


def _by_topic(recs: Sequence[Recommendation]) -> dict[str, Recommendation]:
    return {r.topic: r for r in recs}


def _evaluate(
    s: Scenario,
    *extra: dict[str, Any] | list[dict[str, Any]],
    hook: str = "patient-view",
    policy: Policy | None = None,
) -> tuple[Recommendation, ...]:
    added: list[dict[str, Any]] = []
    for item in extra:
        added.extend(item if isinstance(item, list) else [item])
    drafts = s.draft_orders if hook != "patient-view" else []
    return evaluate(
        HookInput(
            service_id=f"trd-{hook}",
            hook=hook,
            hook_instance="5b1e6f7a-0c2d-4e3f-9a8b-7c6d5e4f3a21",
            patient_id=s.patient_id,
            resources=[*s.resources, *added],
            as_of=s.as_of,
            draft_orders=drafts,
            selections=tuple(f"MedicationRequest/{d['id']}" for d in drafts),
        ),
        policy or Policy(),
    ).recommendations


def _positive_phq9(s: Scenario, item9: int = 2) -> list[dict[str, Any]]:
    """PHQ-9 19 five days ago, item 9 as a LOINC answer in a 44249-1 panel (EHR flowsheet)."""
    return b.phq9(SCENE_DAY, 19, item9, "panel-answer", patient=s.patient_id)


# --- item 9: the sources of the signal --------------------------------------------------------------


def test_positive_cssrs_alone_is_a_warning_that_keeps_tms() -> None:
    # A finished C-SSRS with a passive wish to be dead: risk found and assessed, not acute. The card
    # is a warning naming the answer; TMS stays on the table with the safety-plan line.
    s = scenario("trd_meets_tms")
    response = cssrs_response(
        SCENE_DAY, {WISH_DEAD: True, THOUGHTS: False}, patient=s.patient_id, rid="qr-cssrs"
    )
    recs = _by_topic(_evaluate(s, response))
    card = recs["suicide-risk"]
    assert card.indicator is Indicator.WARNING and card.snoozable is False
    assert card.summary == (
        "C-SSRS: wish to be dead (past month) on 2025-05-28: risk assessed; keep a safety plan "
        "and follow up closely"
    )
    assert "yes to Wish to be dead (past month)" in card.detail
    assert "[QuestionnaireResponse/qr-cssrs]" not in card.detail  # named by its date
    assert card.suggestions == ()
    assert "tms-referral" in recs
    assert "confirm the safety plan before referring" in recs["tms-referral"].detail


def test_cssrs_with_a_plan_is_critical_proposes_evaluation_and_names_ect_and_esketamine() -> None:
    s = scenario("trd_meets_tms")
    response = cssrs_response(
        SCENE_DAY,
        {WISH_DEAD: True, THOUGHTS: True, PLAN: True},
        patient=s.patient_id,
        with_system=True,
        rid="qr-plan",
    )
    recs = _evaluate(s, response)
    card = recs[0]
    assert (card.topic, card.indicator) == ("suicide-risk", Indicator.CRITICAL)
    # The most severe yes leads (review s22 RS finding 7: it led with the wish to be dead).
    assert card.summary.startswith(
        "C-SSRS: suicidal thoughts with a specific plan and intent (past month) (+2 more) on "
        "2025-05-28"
    )
    assert "high suicide risk" in card.summary
    assert "Suicidal thoughts with a specific plan and intent (past month)" in card.detail
    assert_valid_proposals(card, patient_id=s.patient_id)
    (resource,) = resources(card)
    assert codes(resource) == [("http://snomed.info/sct", "225337009")]
    assert resource["priority"] == "asap"
    assert resource["reasonReference"] == [{"reference": "QuestionnaireResponse/qr-plan"}]
    # Item 8: this card says what comes instead of TMS (no "criteria otherwise met" claim: the
    # payer criteria are not all met on this record, audit 15 W1).
    assert "tms-referral" not in _topics(recs)
    # The C-SSRS itself found high risk: the treatments are today's, not conditional (review 19).
    assert "**Not TMS now:** TMS is not the next step while the risk is acute" in card.detail
    assert "ECT" in card.detail and "esketamine" in card.detail
    assert ESKETAMINE_LABEL in card.detail


def test_recent_problem_list_ideation_is_critical_old_ideation_with_a_zero_is_not() -> None:
    s = scenario("item9_positive")
    base = [r for r in s.resources if not _is_positive_item9(r)]
    pid = s.patient_id

    def ideation(onset: date) -> dict[str, Any]:
        return b.condition(
            b.ICD10CM,
            "R45.851",
            "Suicidal ideations",
            onset,
            category="problem-list-item",
            patient=pid,
            extra_codings=[(b.SNOMED, "6471006", "Suicidal ideation (finding)")],
        )

    recent = _by_topic(_scenario_eval(s, base, ideation(date(2025, 5, 12))))
    card = recent["suicide-risk"]
    assert card.indicator is Indicator.CRITICAL
    assert card.summary == (
        "Suicidal ideations on the problem list since 2025-05-12: complete a suicide risk "
        "assessment today (e.g. C-SSRS)"
    )
    # An entry from 2023 with a current PHQ-9 whose item 9 is 0 is not "assess today": no card.
    zero = b.phq9(date(2025, 5, 30), 6, 0, "panel-answer", patient=pid)
    old = _topics(_scenario_eval(s, base, ideation(date(2023, 3, 1)), *zero))
    assert "suicide-risk" not in old


def _is_positive_item9(resource: dict[str, Any]) -> bool:
    for component in resource.get("component", []):
        if component["code"]["coding"][0]["code"] == "44260-8":
            return bool(component["valueCodeableConcept"]["coding"][0]["code"] != "LA6568-5")
    return False


def _scenario_eval(
    s: Scenario, base: list[dict[str, Any]], *extra: dict[str, Any]
) -> tuple[Recommendation, ...]:
    return _evaluate(dataclasses.replace(s, resources=base), *extra)


def test_past_attempt_is_a_risk_factor_line_not_a_card() -> None:
    attempt = f.finding(
        FindingKind.SELF_HARM,
        code="287185009",
        display="Attempted suicide - cut/stab (event)",
        onset=date(2019, 3, 2),
    )
    assert suicide_risk.rule(ctx(f.trd_record(findings=(f.mdd(), attempt)))) is None
    with_item9 = f.trd_record(findings=(f.mdd(), attempt), scores=(f.score(16, D, item9=1),))
    card = suicide_risk.rule(ctx(with_item9))
    assert card is not None and card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("PHQ-9 item 9 = 1 (several days) on 2024-05-28")
    assert (
        "**Risk factors:**\n- Attempted suicide - cut/stab (event) (SNOMED CT "
        "287185009) since 2019-03-02: past self-harm (history): a risk factor"
    ) in card.detail


def test_recent_attempt_is_critical_with_escalated_wording() -> None:
    attempt = f.finding(
        FindingKind.SELF_HARM,
        code="86849004",
        display="Suicidal poisoning (disorder)",
        onset=date(2024, 5, 14),
    )
    card = suicide_risk.rule(ctx(f.trd_record(findings=(f.mdd(), attempt))))
    assert card is not None and card.indicator is Indicator.CRITICAL
    assert card.summary == (
        "Suicidal poisoning (disorder) on 2024-05-14: higher suicide risk, assess today (C-SSRS) "
        "and plan safety"
    )
    assert "Recent self-harm or a suicide attempt is on record" in card.detail


def test_unfinished_cssrs_with_a_yes_still_needs_the_assessment() -> None:
    record = _with(
        f.trd_record(), _screen(D, positive=("Wish to be dead (past month)",), complete=False)
    )
    card = suicide_risk.rule(ctx(record))
    assert card is not None and card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("C-SSRS (form not completed): wish to be dead (past month)")
    assert "complete a suicide risk assessment today" in card.summary


# --- item 10: acknowledged, not critical, dismissable -------------------------------------------------


def test_negative_cssrs_the_same_day_makes_the_card_information() -> None:
    s = scenario("trd_meets_tms")
    negative = cssrs_response(
        SCENE_DAY, {WISH_DEAD: False, THOUGHTS: False}, patient=s.patient_id, rid="qr-neg"
    )
    recs = _by_topic(_evaluate(s, _positive_phq9(s), negative))
    card = recs["suicide-risk"]
    assert card.indicator is Indicator.INFO and card.snoozable is False
    assert card.summary == (
        "PHQ-9 item 9 = 2 (more than half the days) on 2025-05-28; C-SSRS negative on 2025-05-28: "
        "assessed, reassess at each visit"
    )
    assert (
        "assessed: C-SSRS: no to Wish to be dead (past month); Non-specific active suicidal "
        "thoughts (past month) on 2025-05-28"
    ) in card.detail
    assert card.suggestions == ()
    # Assessed: not acute, so TMS is back as the next step, and it says the risk was assessed.
    assert "tms-referral" in recs
    assert "a recent positive finding has been assessed" in recs["tms-referral"].detail


def test_risk_assessment_procedure_after_the_answer_acknowledges_it() -> None:
    assessed = f.procedure(ProcedureKind.SUICIDE_RISK_ASSESSMENT, D + timedelta(days=1))
    record = f.trd_record(scores=(f.score(19, D, item9=3),), procedures=(assessed,))
    card = suicide_risk.rule(ctx(record))
    assert card is not None and card.indicator is Indicator.INFO
    assert card.summary == (
        "PHQ-9 item 9 = 3 (nearly every day) on 2024-05-28; risk assessment documented on "
        "2024-05-29: assessed, reassess at each visit"
    )


def test_an_assessment_before_the_positive_answer_does_not_acknowledge_it() -> None:
    earlier = f.procedure(ProcedureKind.SUICIDE_RISK_ASSESSMENT, D - timedelta(days=8))
    record = _with(
        f.trd_record(scores=(f.score(19, D, item9=2),), procedures=(earlier,)),
        _screen(D - timedelta(days=3)),
    )
    card = suicide_risk.rule(ctx(record))
    assert card is not None and card.indicator is Indicator.CRITICAL
    assert "not yet assessed" in card.detail


def test_a_later_item9_zero_does_not_overrule_a_high_cssrs() -> None:
    high = _screen(
        D - timedelta(days=4),
        positive=("Suicidal thoughts with some intent to act (past month)",),
        escalate=True,
    )
    record = _with(f.trd_record(scores=(f.score(12, D, item9=0),)), high)
    signal = ctx(record).facts.suicide
    assert signal is not None and signal.level is acute_risk.SuicideLevel.HIGH
    card = suicide_risk.rule(ctx(record))
    assert card is not None and card.indicator is Indicator.CRITICAL
    assert "high suicide risk" in card.summary
    assert card.suggestions[0].label == "Order a same-day psychiatric suicide risk assessment"


def test_later_item9_zero_does_not_acknowledge_recent_ideation() -> None:
    # Changed after the psychiatrist's review (patient-view finding 6): a later item 9 = 0 is a
    # re-screen, not a risk assessment, so recent ideation on the problem list stays critical
    # and the card names the 0 for what it is.
    ideation = f.finding(
        FindingKind.SUICIDAL_IDEATION, code="6471006", display="Suicidal ideation", onset=D
    )
    record = f.trd_record(
        findings=(f.mdd(), ideation), scores=(f.score(9, D + timedelta(days=2), item9=0),)
    )
    card = suicide_risk.rule(ctx(record))
    assert card is not None and card.indicator is Indicator.CRITICAL
    assert card.summary.startswith(
        "Suicidal ideation on the problem list since 2024-05-28, no assessment on record: "
    )
    assert "not yet assessed: a later PHQ-9 item 9 = 0, total 9 on 2024-05-30" in card.detail
    assert "assessed: PHQ-9" not in card.detail


def test_assessed_card_is_left_out_at_order_hooks_but_an_open_one_is_not() -> None:
    drafts = (f.draft(),)
    assessed = _with(
        f.trd_record(scores=(f.score(19, D, item9=2),), draft_orders=drafts), _screen(D)
    )
    assert "suicide-risk" in _topics(patient_view(assessed, Policy()))
    assert "suicide-risk" not in _topics(order_hook(assessed, Policy(), hook="order-select"))
    open_ = f.trd_record(scores=(f.score(19, D, item9=2),), draft_orders=drafts)
    assert _topics(order_hook(open_, Policy(), hook="order-select"))[0] == "suicide-risk"


@pytest.mark.parametrize(
    ("screens", "indicator"),
    [
        ((), Indicator.CRITICAL),
        ((_screen(D),), Indicator.INFO),
        ((_screen(D, positive=("Wish to be dead (past month)",)),), Indicator.WARNING),
    ],
)
def test_override_reasons_in_every_state_and_never_snoozed(
    screens: tuple[SuicideScreen, ...], indicator: Indicator
) -> None:
    record = _with(f.trd_record(scores=(f.score(19, D, item9=1),)), *screens)
    card = suicide_risk.rule(ctx(record))
    assert card is not None and card.indicator is indicator
    assert card.snoozable is False
    reasons = {(o.system, o.code): o.display for o in card.override_reasons}
    assert reasons[("urn:trd-cds:override-reason", "assessment-completed-today")] == (
        "Suicide risk assessment completed today (not yet in the chart)"
    )
    assert reasons[("urn:trd-cds:override-reason", "under-crisis-team-care")] == (
        "Under crisis team care"
    )


# --- item 8: acute risk first ----------------------------------------------------------------------


def test_acute_item9_removes_tms_at_patient_view_and_order_select() -> None:
    s = scenario("order_select_failed_class")
    # A payer criterion is unmet here (PHQ-9 not severe): the order hook shows the TMS card only
    # as this policy allows (review 19 I7); the acute risk is what takes it off below.
    unmet = Policy(tms_card_when_payer_criteria_unmet=True)
    calm_view, calm_order = _evaluate(s), _evaluate(s, hook="order-select", policy=unmet)
    assert "tms-referral" in _topics(calm_view) and "tms-referral" in _topics(calm_order)
    view = _evaluate(s, _positive_phq9(s))
    order = _evaluate(s, _positive_phq9(s), hook="order-select", policy=unmet)
    assert _topics(view)[0] == "suicide-risk" and "tms-referral" not in _topics(view)
    assert _topics(order) == ["suicide-risk", "order-repeats-failed-trial"]
    for card in (view[0], order[0]):
        assert "**Not TMS now:**" in card.detail and "esketamine" in card.detail
        assert "does not replace hospitalisation" in card.detail


def test_no_tms_naming_when_tms_is_not_otherwise_met() -> None:
    one_failed = f.trd_record(trials=(f.sertraline_failed(),), scores=(f.score(19, D, item9=2),))
    card = suicide_risk.rule(ctx(one_failed))
    assert card is not None and card.indicator is Indicator.CRITICAL
    assert "Not TMS now" not in card.detail
    # Issue 12: ECT and esketamine still come first while the risk is acute, in one short line.
    # Not yet assessed (review 19, b03): named as what follows if the assessment finds acute risk.
    (line,) = [s for s in card.detail.split("\n\n") if s.startswith("**If the assessment finds")]
    assert "ECT" in line and "esketamine" in line and "TMS" not in line


def test_catatonia_blocks_tms_and_the_optimise_card_names_ect() -> None:
    catatonia = f.finding(
        FindingKind.CATATONIA,
        code="F06.1",
        system=f.ICD10,
        display="Catatonic disorder due to known physiological condition",
        onset=date(2024, 5, 20),
    )
    calm = _topics(patient_view(f.trd_record(), Policy()))
    assert "tms-referral" in calm
    record = f.trd_record(findings=(f.mdd(), catatonia))
    facts = ctx(record).facts
    assert not facts.tms.eligible and facts.tms.only_acute
    (line,) = facts.tms.clinical
    assert line.startswith(
        "catatonic features on record (Catatonic disorder due to known physiological condition)"
    )
    assert "ECT" in line and "benzodiazepine" in line
    recs = _by_topic(patient_view(record, Policy()))
    assert "tms-referral" not in recs
    assert "catatonic features on record" in recs["optimize-switch-augment"].detail


def test_the_gate_itself_covers_psychosis_catatonia_and_acute_suicide_risk() -> None:
    psychotic = f.finding(FindingKind.PSYCHOTIC, code="73867007", onset=date(2024, 5, 1))
    catatonia = f.finding(FindingKind.CATATONIA, code="247917007", onset=date(2024, 5, 1))
    for findings in ((f.mdd(), psychotic), (f.mdd(), catatonia)):
        record = f.trd_record(findings=findings)
        assert tms_gate.blocks_tms(None, record, Policy())
    acute = f.trd_record(scores=(f.score(19, D, item9=1),))
    assert tms_gate.blocks_tms(ctx(acute).facts.suicide, acute, Policy())
    assessed = _with(acute, _screen(D))
    assert not tms_gate.blocks_tms(ctx(assessed).facts.suicide, assessed, Policy())
    assert not tms_gate.blocks_tms(None, f.trd_record(), Policy())


# --- item 14: deceased patients ---------------------------------------------------------------------


def _deceased(s: Scenario, died: date) -> Scenario:
    def mark(resource: dict[str, Any]) -> dict[str, Any]:
        if resource["resourceType"] != "Patient":
            return resource
        return {**resource, "deceasedDateTime": b.fhir_datetime(died)}

    return dataclasses.replace(s, resources=[mark(r) for r in s.resources])


@pytest.mark.parametrize("hook", ["patient-view", "order-select", "order-sign"])
def test_deceased_patient_gets_the_status_and_the_safety_cards_at_any_hook(hook: str) -> None:
    s = scenario("order_select_failed_class")
    alive = _evaluate(s, _positive_phq9(s), hook=hook)
    assert "suicide-risk" in _topics(alive)  # the same chart alive: a critical card
    dead = _deceased(s, s.as_of - timedelta(days=1))
    shown = _evaluate(dead, _positive_phq9(s), hook=hook)
    # The deceased line comes first and the safety checks run as for a living patient (the
    # suicide-risk card included), one-clicks held (recheck 18a d03); no pathway card, at chart
    # open as at an order (review 19 E1). At an order, the running drug of the drafted class
    # (said on the repeat card for a living patient) keeps a card of its own.
    same_class = [] if hook == "patient-view" else ["order-same-class-running"]
    # Critical first (review s24 RN finding 13): the suicide-risk card, its detail led by the
    # status, then the status card.
    assert [r.topic for r in shown] == ["suicide-risk", "data-quality", *same_class]
    assert shown[0].detail.startswith("**Patient recorded deceased (")
    assert shown[1].summary.startswith("Patient recorded deceased (")
    assert all(not r.suggestions for r in shown)
    # A replay as of a day before the death sees a living patient.
    later = _deceased(s, s.as_of + timedelta(days=10))
    assert _topics(_evaluate(later, _positive_phq9(s), hook=hook)) == _topics(alive)


def test_deceased_record_gets_only_the_safety_cards_from_the_rules() -> None:
    record = f.trd_record(scores=(f.score(19, D, item9=3),), draft_orders=(f.draft(),))
    dead = dataclasses.replace(
        record, patient=Patient(id="p1", age=45, sex="female", deceased=True)
    )

    # Alive: the optimise card, and the repeat-of-a-failed-class check at the order.
    assert _topics(patient_view(record, Policy())) == ["suicide-risk", "optimize-switch-augment"]
    assert _topics(order_hook(record, Policy(), hook="order-sign")) == [
        "suicide-risk",
        "order-repeats-failed-trial",
    ]
    # Deceased: the safety checks run (recheck 18a d03), the pathway ones do not (review 19 E1);
    # the evaluation leads with the deceased line and holds the one-clicks (services/deceased.py).
    assert _topics(patient_view(dead, Policy())) == ["suicide-risk"]
    assert _topics(order_hook(dead, Policy(), hook="order-sign")) == ["suicide-risk"]
