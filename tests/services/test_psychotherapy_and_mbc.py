"""psychotherapy and measurement-based-care cards."""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import FindingKind, PatientRecord, ProcedureKind, Score, Verdict
from services.policy import Policy
from services.rules import measurement_based_care, psychotherapy
from tests.services import factories as f
from tests.services.helpers import assert_valid_proposals, codes, ctx, resources

SNOMED = "http://snomed.info/sct"


def test_psychotherapy_after_a_failure_without_therapy() -> None:
    rec = psychotherapy.rule(ctx(f.trd_record(trials=(f.sertraline_failed(),), procedures=())))
    assert rec is not None
    assert rec.summary == (
        "1 adequate trial failed (sertraline) and no psychotherapy procedure, visit or referral "
        "on record: consider a CBT or IPT referral"
    )
    assert_valid_proposals(rec)
    assert [codes(r) for r in resources(rec)] == [[(SNOMED, "228557008")], [(SNOMED, "443730003")]]
    assert rec.wants_timeline is False


def test_no_psychotherapy_card_when_on_record_or_no_failure() -> None:
    assert psychotherapy.rule(ctx(f.trd_record())) is None  # procedure on record
    referred = f.trd_record(procedures=(), referrals=(f.referral("psychotherapy", "active"),))
    assert psychotherapy.rule(ctx(referred)) is None
    # A completed referral closed the order, with no session after it: named as lapsed, not
    # read as therapy had (review s24 RQ finding 1).
    closed = f.trd_record(procedures=(), referrals=(f.referral("psychotherapy", "completed"),))
    lapsed = psychotherapy.rule(ctx(closed))
    assert lapsed is not None and "closed as completed" in lapsed.detail
    revoked = f.trd_record(procedures=(), referrals=(f.referral("psychotherapy", "revoked"),))
    assert psychotherapy.rule(ctx(revoked)) is not None
    assert psychotherapy.rule(ctx(f.record(findings=(f.mdd(),)))) is None


def test_no_psychotherapy_card_on_a_bipolar_chart() -> None:
    """The card counts antidepressant failures on the unipolar pathway; with bipolar disorder on
    record the diagnosis-review card says that pathway does not apply (review finding 10)."""
    unipolar = f.trd_record(procedures=())
    assert psychotherapy.rule(ctx(unipolar)) is not None  # the control
    bipolar = f.trd_record(
        procedures=(), findings=(f.mdd(), f.finding(FindingKind.BIPOLAR, code="16506000"))
    )
    assert psychotherapy.rule(ctx(bipolar)) is None


def _on(drug_start: date, scores: tuple[Score, ...]) -> PatientRecord:
    current = f.trial(
        "bupropion",
        "NDRI",
        start=drug_start,
        mg=300,
        min_mg=150,
        max_mg=450,
        ongoing=True,
        verdict=Verdict.ONGOING,
    )
    return f.trd_record(trials=(current,), scores=scores)


def test_mbc_no_phq9_in_90_days() -> None:
    record = _on(date(2023, 12, 4), (f.score(16, date(2024, 2, 1)),))
    rec = measurement_based_care.rule(ctx(record))
    assert rec is not None
    assert rec.summary == (
        "On bupropion since 2023-12-04; no PHQ-9 total in 123 days: repeat the PHQ-9 to measure response"
    )
    assert_valid_proposals(rec)
    assert codes(resources(rec)[0]) == [("http://loinc.org", "44249-1")]


def test_mbc_none_since_the_current_trial_started_four_weeks_ago() -> None:
    record = _on(date(2024, 4, 1), (f.score(16, date(2024, 3, 25)),))
    rec = measurement_based_care.rule(ctx(record))
    assert rec is not None
    assert rec.summary == (
        "On bupropion since 2024-04-01; no PHQ-9 total since bupropion started: repeat the PHQ-9 to "
        "measure response"
    )


def test_mbc_quiet_when_measured_or_not_on_treatment() -> None:
    measured = _on(date(2024, 4, 1), (f.score(16, date(2024, 5, 6)),))
    assert measurement_based_care.rule(ctx(measured)) is None
    after_start = _on(date(2024, 4, 1), (f.score(16, date(2024, 4, 20)),))
    assert measurement_based_care.rule(ctx(after_start)) is None
    too_early = _on(date(2024, 5, 13), (f.score(16, date(2024, 5, 10)),))
    assert measurement_based_care.rule(ctx(too_early)) is None
    assert measurement_based_care.rule(ctx(f.trd_record())) is None  # nothing ongoing


def test_mbc_interval_follows_policy() -> None:
    record = _on(date(2023, 12, 4), (f.score(16, date(2024, 2, 1)),))
    assert measurement_based_care.rule(ctx(record, Policy(mbc_interval_days=180))) is None


def test_mbc_with_no_phq9_at_all() -> None:
    record = _on(date(2024, 4, 1), ())
    rec = measurement_based_care.rule(ctx(record))
    assert rec is not None and "no PHQ-9 total on record" in rec.summary
    assert ProcedureKind.PSYCHOTHERAPY  # the TRD record keeps its therapy: only MBC is asked here
