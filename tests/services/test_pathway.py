"""Derived facts: failed trials in the episode, TRD, depression, remission, TMS, suicide signal."""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import FindingKind, PatientRecord, ProcedureKind, Verdict
from services.pathway import PathwayFacts, derive_facts
from services.policy import Policy
from tests.services import factories as f


def facts(record: PatientRecord, policy: Policy | None = None) -> PathwayFacts:
    return derive_facts(record, policy or Policy())


def test_trd_patient() -> None:
    x = facts(f.trd_record())
    assert x.failed_ingredients == ("sertraline", "venlafaxine")
    assert x.failed_classes == ("SSRI", "SNRI")
    assert (x.meets_trd, x.is_depressed, x.in_remission, x.active) == (True, True, False, True)
    assert (
        x.depression_finding is not None and str(x.depression_finding.source) == "Condition/mdd-1"
    )
    assert x.tms.eligible is True and x.tms.blockers == ()


def test_trials_before_the_episode_do_not_count() -> None:
    old = f.trial("fluoxetine", "SSRI", start=date(2019, 3, 1))
    x = facts(f.trd_record(trials=(old, f.venlafaxine_failed())))
    assert x.failed_ingredients == ("venlafaxine",)
    assert x.meets_trd is False


def test_a_retried_drug_counts_once() -> None:
    again = f.sertraline_failed(start=date(2023, 9, 4))
    x = facts(f.trd_record(trials=(f.sertraline_failed(), again)))
    assert x.failed_ingredients == ("sertraline",)
    assert x.failed_trials[0].start == date(2023, 9, 4)
    assert x.meets_trd is False


def test_inadequate_and_responding_trials_are_not_failures() -> None:
    short = f.sertraline_failed(verdict=Verdict.INADEQUATE, weeks=3)
    responded = f.venlafaxine_failed(baseline=20, after=8)
    x = facts(f.trd_record(trials=(short, responded)))
    assert x.failed_trials == ()
    assert x.inadequate_trials == (short,)


def test_depression_from_diagnosis_score_or_trd() -> None:
    assert facts(f.record(findings=(f.mdd(),))).is_depressed is True
    assert facts(f.record(scores=(f.score(10, date(2024, 5, 1)),))).is_depressed is True
    assert facts(f.record(scores=(f.score(9, date(2024, 5, 1)),))).is_depressed is False
    two_failures = f.record(trials=(f.sertraline_failed(), f.venlafaxine_failed()))
    assert facts(two_failures).is_depressed is True
    assert facts(f.record()).is_depressed is False


def test_remission_needs_a_current_low_score() -> None:
    assert facts(f.trd_record(scores=(f.score(4, date(2024, 5, 1)),))).in_remission is True
    assert facts(f.trd_record(scores=(f.score(5, date(2024, 5, 1)),))).in_remission is False
    # A low score from before the current episode does not describe the patient now.
    before = f.trd_record(scores=(f.score(2, date(2022, 11, 1)),))
    assert facts(before).in_remission is False
    # Nor does one older than a later depression diagnosis.
    later_dx = f.record(
        scores=(f.score(3, date(2024, 1, 1)),),
        findings=(f.mdd(onset=date(2024, 3, 1)),),
        episode_start=None,
    )
    assert facts(later_dx).in_remission is False


def test_remission_code_without_scores() -> None:
    coded = f.record(findings=(f.finding(FindingKind.MDD_IN_REMISSION, code="F33.42"),))
    assert facts(coded).in_remission is True
    both = f.record(findings=(f.finding(FindingKind.MDD_IN_REMISSION), f.mdd()))
    assert facts(both).in_remission is False


def test_remission_threshold_follows_policy() -> None:
    from fhir_mapping.policy import MappingPolicy

    record = f.trd_record(scores=(f.score(6, date(2024, 5, 1)),))
    assert facts(record).in_remission is False
    assert facts(record, Policy(mapping=MappingPolicy(remission_below=7))).in_remission is True


def test_tms_blockers_are_named() -> None:
    record = f.trd_record(
        findings=(
            f.mdd(),
            f.finding(FindingKind.EPILEPSY, code="84757009", display="Epilepsy"),
            f.finding(
                FindingKind.IMPLANTED_DEVICE, code="Z96.21", display="Cochlear implant status"
            ),
        ),
        scores=(f.score(8, date(2024, 5, 20)),),
    )
    x = facts(record)
    assert x.tms.eligible is False
    assert x.tms.blockers == (
        "latest PHQ-9 8 is below 10",
        # Each named with its code and date (review 15 U3; its resource only when undated,
        # session 20); the factory's finding
        # keeps its default system.
        "contraindication: Epilepsy (SNOMED CT 84757009, 2022-12-01)",
        "contraindication: Cochlear implant status (SNOMED CT Z96.21, 2022-12-01)",
    )


def test_distinct_classes_policy() -> None:
    two_ssris = f.trd_record(
        trials=(
            f.sertraline_failed(),
            f.trial("escitalopram", "SSRI", start=date(2023, 5, 1), mg=20, min_mg=10, max_mg=20),
        )
    )
    assert facts(two_ssris).tms.eligible is True
    strict = Policy(tms_require_distinct_classes=True)
    assert facts(two_ssris, strict).tms.blockers == (
        "failed trials span 1 class(es); policy needs 2",
    )


def test_tms_referral_or_course_already_open() -> None:
    open_referral = f.trd_record(referrals=(f.referral("tms", "active"),))
    assert facts(open_referral).tms_open is True
    revoked = f.trd_record(referrals=(f.referral("tms", "revoked"),))
    assert facts(revoked).tms_open is False
    completed_last_episode = f.trd_record(
        referrals=(f.referral("tms", "completed", authored=date(2020, 1, 1)),)
    )
    assert facts(completed_last_episode).tms_open is False
    # A course still running (a session in the last policy.tms_session_recent_days) is open; one
    # that ended short of policy.tms_min_course_sessions is no course given (review s24 RA F3).
    course = f.trd_record(procedures=(f.procedure(ProcedureKind.TMS, date(2024, 5, 31), "90868"),))
    assert facts(course).tms_open is True
    ended = f.trd_record(procedures=(f.procedure(ProcedureKind.TMS, date(2024, 2, 1), "90868"),))
    assert facts(ended).tms_open is False


def test_suicide_signal_window_and_any_positive_answer() -> None:
    as_of = f.AS_OF
    within = f.trd_record(scores=(f.score(17, date(2024, 5, 4), item9=1),))  # 30 days before
    assert facts(within).suicide is not None
    # 31 days before: outside the look-back. Never assessed, it stays an open signal (review
    # patient-view finding 5: no disappearing on time alone); assessed, it leaves.
    outside = f.trd_record(scores=(f.score(17, date(2024, 5, 3), item9=1),))
    unassessed = facts(outside).suicide
    assert unassessed is not None and unassessed.level.value == "unassessed"
    assessed = f.trd_record(
        scores=(f.score(17, date(2024, 5, 3), item9=1),),
        procedures=(
            f.procedure(ProcedureKind.SUICIDE_RISK_ASSESSMENT, date(2024, 5, 3), "225337009"),
        ),
    )
    assert facts(assessed).suicide is None
    zero = f.trd_record(scores=(f.score(17, date(2024, 5, 20), item9=0),))
    assert facts(zero).suicide is None
    then_zero = f.trd_record(
        scores=(f.score(18, date(2024, 5, 10), item9=2), f.score(15, date(2024, 5, 30), item9=0))
    )
    signal = facts(then_zero).suicide
    assert signal is not None and signal.highest_item9 == 2
    assert signal.latest_item9 is not None and signal.latest_item9.date == date(2024, 5, 30)
    assert as_of == date(2024, 6, 3)


def test_suicide_signal_from_problem_list() -> None:
    # Issue 11 item 9: a recently dated entry (an older one is a risk-factor line only).
    ideation = f.finding(FindingKind.SUICIDAL_IDEATION, code="6471006", onset=date(2024, 5, 20))
    signal = facts(f.record(findings=(ideation,))).suicide
    assert signal is not None and signal.positive_item9 == () and len(signal.findings) == 1
