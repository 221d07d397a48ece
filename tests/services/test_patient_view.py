"""patient-view: suppression, one card per topic, order, summaries, proposals."""

from __future__ import annotations

import dataclasses
from datetime import date

from fhir_mapping.record import FindingKind, InadequacyReason, PatientRecord, SourceRef, Verdict
from fhir_mapping.suicide_screen import SuicideScreen
from services import cards
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import INDICATOR_ORDER, Indicator, Recommendation
from tests.services import factories as f
from tests.services.helpers import assert_valid_proposals


def _topics(recs: tuple[Recommendation, ...]) -> list[str]:
    return [r.topic for r in recs]


def _everything_record() -> PatientRecord:
    """A TRD patient who triggers every patient-view topic at once."""
    low_dose = f.trial(
        "fluoxetine",
        "SSRI",
        start=date(2023, 7, 3),
        mg=10,
        min_mg=20,
        max_mg=60,
        verdict=Verdict.INADEQUATE,
        reasons=(InadequacyReason.DOSE_BELOW_MINIMUM,),
    )
    current = f.trial(
        "bupropion",
        "NDRI",
        start=date(2024, 1, 8),
        mg=300,
        min_mg=150,
        max_mg=450,
        ongoing=True,
        verdict=Verdict.ADEQUATE,
        baseline=18,
        after=None,
    )
    record = f.trd_record(
        trials=(f.sertraline_failed(), f.venlafaxine_failed(), low_dose, current),
        scores=(f.score(18, date(2024, 1, 5)), f.score(16, date(2024, 2, 20), item9=1)),
        findings=(
            f.mdd(),
            f.finding(FindingKind.SUBSTANCE_USE, code="7200002", display="Alcoholism"),
            f.finding(
                FindingKind.SUICIDAL_IDEATION,
                code="6471006",
                display="Suicidal ideation",
                onset=date(2024, 5, 20),
            ),
        ),
        procedures=(),
        labs=(),
    )
    # Issue 11: the recent ideation was assessed the same day (C-SSRS: a passive wish to be dead):
    # a warning, not acute risk, so the TMS card still appears alongside it.
    screen = SuicideScreen(
        date=date(2024, 5, 20),
        complete=True,
        positive=("Wish to be dead (past month)",),
        history=(),
        negative=("Non-specific active suicidal thoughts (past month)",),
        escalate=False,
        source=SourceRef("QuestionnaireResponse", "cssrs-1"),
        asked_ideation=True,
    )
    return dataclasses.replace(record, suicide_screens=(screen,))


def test_every_topic_once_in_indicator_order() -> None:
    recs = patient_view(_everything_record(), Policy())
    assert _topics(recs) == [
        "suicide-risk",
        "adherence-review",
        "diagnosis-review",
        "optimize-switch-augment",
        "tms-referral",
        "psychotherapy",
    ]  # no measurement card: the optimise card asks for the PHQ-9 (review s23 RT finding 8)
    ranks = [INDICATOR_ORDER[r.indicator] for r in recs]
    assert ranks == sorted(ranks)
    # Issue 11: an assessed, non-acute finding is a warning (an acute one would remove the TMS card).
    assert recs[0].indicator is Indicator.WARNING


def test_summaries_are_short_and_concrete() -> None:
    recs = {r.topic: r for r in patient_view(_everything_record(), Policy())}
    for rec in recs.values():
        assert 0 < len(rec.summary) < 140, rec.summary
    # Its PHQ-9 is past the measurement interval (review s24 RN finding 1): the referral waits
    # for the repeat, said in the summary, whose drug names then give way (the detail has them).
    assert "2 adequate trials failed" in recs["tms-referral"].summary
    assert (
        "PHQ-9 16: repeat the PHQ-9 first, then consider TMS referral"
        in recs["tms-referral"].summary
    )
    assert "fluoxetine 10 mg/day < 20 minimum" in recs["adherence-review"].summary
    # The one request for the PHQ-9 on the current trial (review s23 RT finding 8).
    assert "bupropion not measured yet: repeat the PHQ-9" in recs["optimize-switch-augment"].summary
    assert "measurement-based-care" not in recs


def test_every_proposal_validates() -> None:
    for rec in patient_view(_everything_record(), Policy()):
        assert_valid_proposals(rec)
        assert rec.source.label and rec.source.url and rec.source.topic_code == rec.topic
        assert rec.override_reasons


def test_timeline_flags_and_snooze() -> None:
    recs = {r.topic: r for r in patient_view(_everything_record(), Policy())}
    assert {t for t, r in recs.items() if r.wants_timeline} == {
        "adherence-review",
        "optimize-switch-augment",
        "tms-referral",
    }
    assert [t for t, r in recs.items() if not r.snoozable] == ["suicide-risk"]


def test_no_depression_no_cards() -> None:
    not_depressed = f.record(
        trials=(f.sertraline_failed(),), scores=(f.score(6, date(2024, 5, 1)),), findings=()
    )
    assert patient_view(not_depressed, Policy()) == ()
    assert patient_view(f.record(), Policy()) == ()


def test_remission_no_cards() -> None:
    remitted = f.trd_record(scores=(f.score(17, date(2024, 1, 5)), f.score(3, date(2024, 5, 20))))
    assert patient_view(remitted, Policy()) == ()


def test_remission_with_suicide_risk_keeps_only_that_card() -> None:
    remitted = f.trd_record(scores=(f.score(3, date(2024, 5, 20), item9=2),))
    assert _topics(patient_view(remitted, Policy())) == ["suicide-risk"]


def test_ordered_keeps_one_card_per_topic() -> None:
    rec = patient_view(f.trd_record(), Policy())[0]
    other = dataclasses.replace(rec, summary="second")
    assert cards.ordered([rec, None, other]) == (rec,)


def test_plain_trd_patient() -> None:
    assert _topics(patient_view(f.trd_record(), Policy())) == [
        "optimize-switch-augment",
        "tms-referral",
    ]


def test_bipolar_patient_gets_diagnosis_review_only() -> None:
    bipolar = f.finding(FindingKind.BIPOLAR, code="13746004", display="Bipolar disorder")
    record = f.trd_record(findings=(f.mdd(), bipolar))
    assert _topics(patient_view(record, Policy())) == ["diagnosis-review"]
