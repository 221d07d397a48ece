"""Named realistic FHIR charts (tests/fixtures/scenarios.py) through services.evaluation.evaluate.

These run the real mapping and the real drug table: the topics a careful psychiatrist expects must
appear, optional ones may, and nothing else may.
"""

from __future__ import annotations

import pytest

from services.evaluation import Evaluation, HookInput, evaluate
from services.pathway import derive_facts
from services.policy import Policy
from services.recommendation import INDICATOR_ORDER
from services.rules import build_context, optimize_switch_augment
from tests.fixtures.scenarios import Scenario, all_scenarios
from tests.services.helpers import assert_valid_proposals

pytestmark = pytest.mark.real_drug_table

SCENARIOS = all_scenarios()
ORDER_SCENARIOS = [s for s in SCENARIOS if s.draft_orders]


def _evaluate(s: Scenario, hook: str) -> Evaluation:
    return evaluate(
        HookInput(
            service_id=f"trd-{hook}",
            hook=hook,
            hook_instance="2f6d9f3c-6f0e-4c55-9a8e-3a8f0e6a9d11",
            patient_id=s.patient_id,
            resources=s.resources,
            as_of=s.as_of,
            draft_orders=s.draft_orders if hook != "patient-view" else (),
        ),
        Policy(),
    )


def _check_cards(result: Evaluation, s: Scenario) -> list[str]:
    topics = [r.topic for r in result.recommendations]
    assert len(set(topics)) == len(topics)
    ranks = [INDICATOR_ORDER[r.indicator] for r in result.recommendations]
    assert ranks == sorted(ranks)
    for rec in result.recommendations:
        assert 0 < len(rec.summary) < 140, rec.summary
        assert rec.detail and rec.source.url
        assert_valid_proposals(rec, s.patient_id)
    return topics


@pytest.mark.parametrize("s", SCENARIOS, ids=lambda s: s.name)
def test_patient_view_topics(s: Scenario) -> None:
    result = _evaluate(s, "patient-view")
    topics = set(_check_cards(result, s))
    required = set(s.expect["topics"])
    allowed = required | set(s.expect.get("optional_topics", ()))
    assert required <= topics, (s.name, sorted(topics))
    assert topics <= allowed, (s.name, sorted(topics))


@pytest.mark.parametrize("s", SCENARIOS, ids=lambda s: s.name)
def test_failed_trial_count(s: Scenario) -> None:
    result = _evaluate(s, "patient-view")
    facts = derive_facts(result.record, Policy())
    assert len(facts.failed_trials) == s.expect["adequate_failed_trials"], s.name


@pytest.mark.parametrize("s", ORDER_SCENARIOS, ids=lambda s: s.name)
@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_order_topics(s: Scenario, hook: str) -> None:
    result = _evaluate(s, hook)
    topics = set(_check_cards(result, s))
    required = set(s.expect["order_topics"])
    allowed = required | set(s.expect.get("order_optional_topics", ()))
    assert required <= topics, (s.name, sorted(topics))
    assert topics <= allowed, (s.name, sorted(topics))
    for rec in result.recommendations:
        draft_id = s.draft_orders[0]["id"]
        # "{draft id}:{drug}:{topic}:{mg/day}#{statement}" (review 18b U1, U2).
        assert rec.dedupe_key is not None
        key_id, _drug, key_topic, _mg = rec.dedupe_key.partition("#")[0].split(":")
        assert (key_id, key_topic) == (draft_id, rec.topic)


@pytest.mark.parametrize("s", ORDER_SCENARIOS, ids=lambda s: s.name)
def test_order_sign_repeats_order_select_keys(s: Scenario) -> None:
    """The same draft gives the same keys at both hooks, so the protocol layer can skip repeats."""
    select = {r.topic: r.dedupe_key for r in _evaluate(s, "order-select").recommendations}
    sign = {r.topic: r.dedupe_key for r in _evaluate(s, "order-sign").recommendations}
    assert select == sign


def test_item9_scenario_is_critical_and_first() -> None:
    s = next(x for x in SCENARIOS if x.name == "item9_positive")
    recs = _evaluate(s, "patient-view").recommendations
    assert recs[0].topic == "suicide-risk" and recs[0].snoozable is False
    assert recs[0].summary.startswith(f"PHQ-9 item 9 = {s.expect['item9']} ")


def test_tms_scenario_summary_names_drugs_and_score() -> None:
    s = next(x for x in SCENARIOS if x.name == "trd_meets_tms")
    tms = next(r for r in _evaluate(s, "patient-view").recommendations if r.topic == "tms-referral")
    assert f"PHQ-9 {s.expect['latest_phq9']}" in tms.summary
    for ingredient, trial in s.expect["trials"].items():
        if trial["verdict"] == "adequate":
            assert ingredient in tms.summary


def _scenario(name: str) -> Scenario:
    return next(x for x in SCENARIOS if x.name == name)


def test_escitalopram_after_citalopram_names_both_failed_ssris() -> None:
    # Citalopram 40 mg failed and is still running; escitalopram is its S-enantiomer. The running
    # failure counts for the class (it was ignored because it had not ended).
    s = _scenario("order_select_failed_class")
    (card,) = [
        r
        for r in _evaluate(s, "order-select").recommendations
        if r.topic == "order-repeats-failed-trial"
    ]
    # Citalopram still runs: the card leads with the two SSRIs (review 20 RB finding 7), the
    # class's failures after it (each named in the detail).
    assert card.summary == (
        "Two SSRIs (citalopram still running); escitalopram: its class (SSRI) failed 2 adequate "
        "trials"
    )
    assert "citalopram up to 40 mg/day, 2024-09-09 – ongoing" in card.detail


def test_bipolar_names_the_antidepressant_running_without_a_mood_stabiliser() -> None:
    s = _scenario("bipolar")
    review = next(
        r for r in _evaluate(s, "patient-view").recommendations if r.topic == "diagnosis-review"
    )
    assert review.summary == (
        "Confirm the diagnosis before escalating: bipolar disorder on record, bupropion without "
        "a mood stabiliser; no TSH in 365 days"
    )
    assert "TRD criteria" not in review.detail  # two failures in bipolar II are not TRD


def test_statement_only_history_says_adherence_is_unverified_on_the_tms_card() -> None:
    s = _scenario("statement_only_history")
    tms = next(r for r in _evaluate(s, "patient-view").recommendations if r.topic == "tms-referral")
    assert (
        "- Adherence not verified by dispensing data for fluoxetine, duloxetine: confirm with the "
        "patient or pharmacy"
    ) in tms.detail


def test_low_dose_trazodone_row_shows_no_adherence_or_scores() -> None:
    # An as-needed hypnotic's refill rate is not "poor adherence" to an antidepressant.
    s = _scenario("low_dose_trazodone_for_sleep")
    result = _evaluate(s, "patient-view")
    # The card by itself holds the trials table; on the screen it is behind the timeline link
    # (issue 12: the evidence once), which every card names.
    alone = optimize_switch_augment.rule(build_context(result.record, Policy()))
    assert alone is not None
    # "50 mg as needed": the order is as needed, and its same-day fills (labelled without "as
    # needed") no longer make it a daily 50 mg (L2, fhir_mapping/dose_timeline.py).
    row = (
        "| trazodone (serotonin modulator) | 50 mg as needed | 2025-02-03 – ongoing | 0 | – | – | "
        "not an antidepressant trial |"
    )
    assert row in alone.detail
    optimise = next(r for r in result.recommendations if r.topic == "optimize-switch-augment")
    assert row not in optimise.detail and "on the treatment timeline" in optimise.detail
