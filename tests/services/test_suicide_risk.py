"""suicide-risk: critical, first, never snoozed or suppressed; wording escalates for item 9 >= 2."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.record import FindingKind, ProcedureKind
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator
from services.rules import suicide_risk
from tests.services import factories as f
from tests.services.helpers import assert_valid_proposals, codes, ctx, resources


@pytest.mark.parametrize(
    ("item9", "summary"),
    [
        (
            1,
            "PHQ-9 item 9 = 1 (several days) on 2024-05-28: complete a suicide risk assessment "
            "today (e.g. C-SSRS)",
        ),
        (
            2,
            "PHQ-9 item 9 = 2 (more than half the days) on 2024-05-28: higher suicide risk, assess "
            "today (C-SSRS) and plan safety",
        ),
        (
            3,
            "PHQ-9 item 9 = 3 (nearly every day) on 2024-05-28: higher suicide risk, assess today "
            "(C-SSRS) and plan safety",
        ),
    ],
)
def test_item9_wording(item9: int, summary: str) -> None:
    record = f.trd_record(scores=(f.score(19, date(2024, 5, 28), item9=item9),))
    rec = suicide_risk.rule(ctx(record))
    assert rec is not None
    assert rec.summary == summary
    assert len(rec.summary) < 140
    assert (rec.indicator, rec.snoozable, rec.topic) == (Indicator.CRITICAL, False, "suicide-risk")
    escalated = "higher one-year risk" in rec.detail
    assert escalated is (item9 >= 2)


def test_suggestion_is_a_same_day_risk_assessment_citing_the_answer() -> None:
    answer = f.score(19, date(2024, 5, 28), item9=2)
    rec = suicide_risk.rule(ctx(f.trd_record(scores=(answer,))))
    assert rec is not None
    assert_valid_proposals(rec)
    (resource,) = resources(rec)
    assert resource["resourceType"] == "ServiceRequest"
    assert codes(resource) == [("http://snomed.info/sct", "225337009")]
    assert resource["priority"] == "asap"
    assert resource["reasonReference"] == [{"reference": str(answer.source)}]
    assert "C-SSRS" in resource["note"][0]["text"] and "93373-9" in resource["note"][0]["text"]
    assert rec.suggestions[0].is_recommended is True


def test_no_card_for_item9_zero_or_an_assessed_answer_outside_lookback() -> None:
    zero = f.trd_record(scores=(f.score(19, date(2024, 5, 28), item9=0),))
    assert suicide_risk.rule(ctx(zero)) is None
    # Outside the look-back an answer leaves once it was assessed; one never assessed stays
    # (review patient-view finding 5; tests/services/test_suicide_risk_review.py).
    assessed = f.trd_record(
        scores=(f.score(19, date(2024, 4, 1), item9=3),),
        procedures=(f.procedure(ProcedureKind.SUICIDE_RISK_ASSESSMENT, date(2024, 4, 1)),),
    )
    assert suicide_risk.rule(ctx(assessed)) is None
    longer = Policy(suicide_item9_lookback_days=90)
    assert suicide_risk.rule(ctx(assessed, longer)) is not None


def test_a_later_zero_does_not_acknowledge_an_earlier_positive_answer() -> None:
    # Issue 11 item 10 had a later item 9 = 0 make this card information; the psychiatrist's
    # review (patient-view finding 6) showed why that is wrong: item 9 = 0 is a re-screen, not
    # the risk assessment a positive answer calls for, so the card stays critical and says what
    # the 0 is, never "assessed".
    record = f.trd_record(
        scores=(f.score(18, date(2024, 5, 10), item9=3), f.score(15, date(2024, 5, 30), item9=0))
    )
    rec = suicide_risk.rule(ctx(record))
    assert rec is not None
    assert rec.indicator is Indicator.CRITICAL and rec.snoozable is False
    assert rec.summary.startswith(
        "PHQ-9 item 9 = 3 (nearly every day) on 2024-05-10, no assessment on record: "
    )
    assert "not yet assessed: a later PHQ-9 item 9 = 0, total 15 on 2024-05-30" in rec.detail
    assert "assessed: PHQ-9" not in rec.detail
    assert "a 0 does not rule risk out" in rec.detail
    assert [s.label for s in rec.suggestions] == [
        "Order a same-day suicide risk assessment (C-SSRS)"
    ]


def test_problem_list_ideation_fires_without_scores() -> None:
    # Issue 11 item 9: ideation counts when recently dated (policy.suicide_condition_recent_days).
    ideation = f.finding(
        FindingKind.SUICIDAL_IDEATION,
        code="6471006",
        display="Suicidal ideation",
        onset=date(2024, 5, 20),
    )
    rec = suicide_risk.rule(ctx(f.record(findings=(ideation,))))
    assert rec is not None
    assert rec.summary == (
        "Suicidal ideation on the problem list since 2024-05-20: complete a suicide risk "
        "assessment today (e.g. C-SSRS)"
    )
    assert resources(rec)[0]["reasonReference"] == [
        {"reference": "Condition/cond-suicidal-ideation"}
    ]


def test_never_suppressed_by_remission_or_absent_depression() -> None:
    remitted = f.trd_record(scores=(f.score(4, date(2024, 5, 28), item9=1),))
    assert [r.topic for r in patient_view(remitted, Policy())] == ["suicide-risk"]
    no_depression = f.record(scores=(f.score(3, date(2024, 5, 28), item9=1),))
    assert [r.topic for r in patient_view(no_depression, Policy())] == ["suicide-risk"]


def test_without_patient_id_the_suggestion_has_no_action() -> None:
    record = f.trd_record(scores=(f.score(19, date(2024, 5, 28), item9=1),), patient_id=None)
    rec = suicide_risk.rule(ctx(record))
    assert rec is not None
    assert rec.suggestions[0].actions == ()
