"""A screen without some of its cards is composed again (services.evaluation.screen_without).

The screen pass (services/screen.py) shows each evidence section once: the optimise card says
"**Staging:** TMS referral card." and leaves the Maudsley staging to the TMS card. When the
protocol layer leaves a card off (snoozed, or an order card already answered), the cards shown
must not point to it, and what it kept for the screen comes back to them.
"""

from __future__ import annotations

import copy

import pytest

from cds_hooks.offline import evaluate_document
from services import data_gaps, tables
from services.evaluation import Evaluation, screen_without
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.screen import TIMELINE
from tests.fixtures import scenarios as S
from tests.services import test_never_silent as never_silent

TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"


def _evaluation(scenario: S.Scenario, hook: str = "patient-view") -> Evaluation:
    request = S.cds_request(scenario, hook)
    return evaluate_document(request, hook=hook, as_of=scenario.as_of, policy=Policy()).evaluation


def _pointed_to(rec: Recommendation, hidden: frozenset[str]) -> list[str]:
    """The hidden topics whose card `rec` names as where a section is."""
    return [t for t in hidden if f"{tables.topic(t).display} card" in rec.detail]


def test_the_optimise_card_alone_keeps_the_staging_and_points_to_the_timeline() -> None:
    evaluation = _evaluation(S.trd_meets_tms())
    full = {r.topic: r for r in evaluation.recommendations}
    assert set(full) == {TMS, OPTIMISE}
    # The control: on the full screen the optimise card leaves staging, trials and scores to
    # the TMS card and its referral summary.
    assert "**Staging:** TMS referral card." in full[OPTIMISE].detail
    assert "**Maudsley staging**" not in full[OPTIMISE].detail

    (alone,) = screen_without(evaluation, Policy(), frozenset({TMS}))
    assert alone.topic == OPTIMISE
    assert "TMS referral" not in alone.detail  # neither the card nor its referral summary
    assert "**Maudsley staging**" in alone.detail
    assert TIMELINE in alone.detail and alone.wants_timeline  # the link the pointer names
    # The same card, fingerprint and all, as the rules give with the TMS rule's card left out.
    assert (alone,) == patient_view(evaluation.record, Policy(), hidden=frozenset({TMS}))
    assert alone.evidence_key == full[OPTIMISE].evidence_key  # so the snooze keys still match


def test_the_tms_card_alone_has_its_guideline_link_back() -> None:
    evaluation = _evaluation(S.trd_meets_tms())
    full = {r.topic: r for r in evaluation.recommendations}
    canmat = full[OPTIMISE].source.url
    assert canmat and f"]({canmat})" not in full[TMS].detail  # the optimise card's source link
    (alone,) = screen_without(evaluation, Policy(), frozenset({OPTIMISE}))
    assert alone.topic == TMS
    assert f"[CANMAT 2023]({canmat})" in alone.detail


@pytest.mark.parametrize("scenario", S.all_scenarios(), ids=lambda s: s.name)
def test_no_card_points_to_a_card_left_off(scenario: S.Scenario) -> None:
    hooks = ["patient-view"] + (["order-select", "order-sign"] if scenario.draft_orders else [])
    for hook in hooks:
        evaluation = _evaluation(scenario, hook)
        topics = [r.topic for r in evaluation.recommendations]
        for topic in topics:
            hidden = frozenset({topic})
            shown = screen_without(evaluation, Policy(), hidden)
            assert [r.topic for r in shown] == [t for t in topics if t != topic], (hook, topic)
            for rec in shown:
                assert not _pointed_to(rec, hidden), (hook, topic, rec.topic)
                if "referral summary" in rec.detail:
                    assert any(r.topic == TMS for r in shown), (hook, topic, rec.topic)


def test_nothing_hidden_is_the_screen_itself() -> None:
    evaluation = _evaluation(S.trd_meets_tms())
    assert screen_without(evaluation, Policy(), frozenset()) == evaluation.recommendations


def test_hiding_every_card_that_carries_a_gap_raises_no_data_quality_card() -> None:
    """The clinician saw the unreadable order named on the cards they snoozed: leaving those
    cards off is not a chart whose history could not be read, and raises no card of its own."""
    request = never_silent._request("one_failed_trial.request.json")
    extra = copy.deepcopy(never_silent._entries(request, "medicationRequests")[0])
    extra["id"] = "epic-unresolved-1"
    del extra["medicationCodeableConcept"]
    extra["medicationReference"] = {"reference": f"Medication/{never_silent.EPIC_ID}"}
    request["prefetch"]["medicationRequests"]["entry"].append({"resource": extra})
    evaluation = evaluate_document(
        request, hook="patient-view", as_of=S.AS_OF, policy=Policy()
    ).evaluation
    carrying = frozenset(r.topic for r in evaluation.recommendations if "Data not read" in r.detail)
    assert carrying == {OPTIMISE, "psychotherapy"}
    assert screen_without(evaluation, Policy(), carrying) == ()
    # The control: counted as not carried, the same gaps would raise one.
    without = patient_view(evaluation.record, Policy(), hidden=carrying)
    assert [r.topic for r in data_gaps.annotate(without, evaluation.record)] == ["data-quality"]


def test_a_stand_in_evaluation_is_only_filtered() -> None:
    """Recommendations the rules did not make (a test's fake services) cannot be composed again."""
    evaluation = _evaluation(S.trd_meets_tms())
    stand_in = Evaluation(record=evaluation.record, recommendations=evaluation.recommendations)
    (kept,) = screen_without(stand_in, Policy(), frozenset({TMS}))
    assert (
        kept
        is evaluation.recommendations[[r.topic for r in stand_in.recommendations].index(OPTIMISE)]
    )
