"""Payer criteria as data (issue 12): each rule set met, each criterion missing, each scale.

The TMS card lists the chosen payer's criteria as met / not met / not on record / not available
with their evidence, and says "Criteria met" only when every one is met; otherwise "Payer criteria
not yet met" and what to document. Records are hand-built (tests/services/factories.py) except
the end-to-end charts at the bottom, which are written the way EHRs write them
(tests/fixtures/scenarios.py) and read by the real mapping.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from fhir_mapping.build import build_record
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    DataDomain,
    DataGap,
    Finding,
    FindingKind,
    GapCause,
    InadequacyReason,
    Intolerance,
    PatientRecord,
    ProcedureKind,
    Role,
    Score,
    SourceRef,
    Trial,
    Verdict,
)
from fhir_mapping.site_codes import LocalCode, SiteCodes
from services.pathway import derive_facts
from services.patient_view import patient_view
from services.payer_criteria import (
    CriterionStatus,
    PayerEvaluation,
    builtin_rule_sets,
    evaluate_payer_criteria,
    load_rule_set_file,
    resolve_rule_set,
)
from services.policy import Policy, load_policy
from services.recommendation import Recommendation
from services.rules import tms_referral
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import scenarios
from tests.services import factories as f
from tests.services.helpers import ctx

RULE_SETS = ("l34998", "l37086", "l33398", "ambetter-cp-bh-200", "aetna-cpb-0469")
RECENT = date(2024, 5, 20)  # two weeks before factories.AS_OF
Mutation = Callable[[PatientRecord], PatientRecord]


# --- the chart that meets every shipped rule set --------------------------------------------------


def severe_mdd(**kw: Any) -> Finding:
    args: dict[str, Any] = {
        "code": "F33.2",
        "system": f.ICD10,
        "display": "Major depressive disorder, recurrent severe without psychotic features",
        "rid": "mdd-severe",
        "onset": date(2022, 12, 1),
    }
    args.update(kw)
    return dataclasses.replace(f.mdd(**args), severity="severe")


def aripiprazole_added() -> Trial:
    """An ended adjunct course in the episode (Aetna asks for augmentation)."""
    return f.trial(
        "aripiprazole",
        "SDAM",
        role=Role.AUGMENTATION,
        start=date(2023, 7, 3),
        weeks=8,
        mg=5,
        min_mg=2,
        max_mg=10,
        baseline=18,
        after=17,
    )


def psychotherapy(sessions: int = 8) -> tuple[Any, ...]:
    """Weekly individual psychotherapy (CPT 90834) from 2023-05-01."""
    return tuple(
        f.procedure(ProcedureKind.PSYCHOTHERAPY, date(2023, 5, 1) + timedelta(weeks=n), "90834")
        for n in range(sessions)
    )


def meets_all(**overrides: Any) -> PatientRecord:
    """Severe MDD (F33.2), sertraline (SSRI) and venlafaxine (SNRI) failed, an aripiprazole
    adjunct, eight psychotherapy sessions, PHQ-9 22 two weeks ago with item 9 answered 0 (a
    total with no item 9 holds the referral until it is asked: review s24 RA finding 1),
    nothing against TMS."""
    args: dict[str, Any] = {
        "trials": (f.sertraline_failed(), f.venlafaxine_failed(), aripiprazole_added()),
        "scores": (f.score(22, RECENT, item9=0),),
        "findings": (severe_mdd(),),
        "procedures": psychotherapy(),
    }
    args.update(overrides)
    return f.trd_record(**args)


def evaluation(record: PatientRecord, policy: Policy) -> PayerEvaluation:
    return evaluate_payer_criteria(record, derive_facts(record, policy), policy)


def card(record: PatientRecord, policy: Policy) -> Recommendation | None:
    return tms_referral.rule(ctx(record, policy))


def referral(rec: Recommendation) -> dict[str, Any]:
    """The proposed TMS ServiceRequest of the first suggestion (which carries the summary with it;
    the second proposes the same request alone: tests/services/test_packet_document.py)."""
    (found,) = [
        a.resource
        for a in rec.suggestions[0].actions
        if a.resource is not None and a.resource["resourceType"] == "ServiceRequest"
    ]
    return found


def statuses(ev: PayerEvaluation) -> dict[str, CriterionStatus]:
    return {r.id: r.status for r in ev.results}


def line(result_label: str, status: CriterionStatus) -> str:
    return f"- **{status.label}** · {result_label}"


# Met criteria whose evidence the card shows on their own line; the others are named together on
# one "Met" line, their evidence in the referral summary (issue 12: one screen).
SHOWN_WHEN_MET = {"Severity", "Medication trials", "Augmentation"}


def met_named(detail: str, label: str) -> bool:
    """The met criterion is on the card: its own line, or named on the collapsed "Met" line."""
    if label.split(" (UNVERIFIED)")[0] in SHOWN_WHEN_MET:
        return line(label, CriterionStatus.MET) in detail
    prefix, suffix = line("", CriterionStatus.MET), " (evidence: TMS referral summary)"
    collapsed = [
        text.removeprefix(prefix).removesuffix(suffix).split(" · ")
        for text in detail.splitlines()
        if text.startswith(prefix) and text.endswith(suffix)
    ]
    return len(collapsed) == 1 and label in collapsed[0]


def _as_named(name: str, policy: Policy) -> str:
    """How the TMS card names the rule set it judged (review 19 I8): the clinic's, its source
    named; "default" when the clinic set none (payer_criteria l37086, no file)."""
    default = policy.payer_criteria == "l37086" and policy.payer_criteria_file is None
    return f"{'clinic default rule set' if default else 'clinic rule set'}, from {name}"


@pytest.mark.parametrize("name", RULE_SETS)
def test_a_chart_meeting_every_criterion_says_criteria_met(name: str) -> None:
    policy = Policy(payer_criteria=name)
    record = meets_all()
    ev = evaluation(record, policy)
    assert ev.met, [(r.id, r.status, r.evidence) for r in ev.results if not r.met]
    rec = card(record, policy)
    assert rec is not None
    rule_set = builtin_rule_sets()[name]
    # The rule set is the card's source (its URL there, once); the detail names it.
    assert f"**Criteria met** ({_as_named(rule_set.name, policy)}):" in rec.detail
    assert (rec.source.label, rec.source.url) == (
        f"{rule_set.name}: {rule_set.title}",
        rule_set.url,
    )
    assert rule_set.url not in rec.detail
    for result in ev.results:
        unverified = " (UNVERIFIED)" if result.source_status == "UNVERIFIED" else ""
        # A part the chart cannot show stays beside the name (review 6 finding 4).
        confirm = f" (to confirm: {result.to_confirm})" if result.to_confirm else ""
        assert met_named(rec.detail, result.label + unverified + confirm), result.label
    assert "Not met" not in rec.detail and "to document" not in rec.detail
    assert "not yet met" not in rec.summary
    note = referral(rec)["note"][0]["text"]
    # "Met", with what the record cannot show (review 9 finding 10): the TMS service may read the
    # note without the summary.
    confirm = "; ".join(f"{r.label.lower()}: {r.to_confirm}" for r in ev.results if r.to_confirm)
    tail = f"; to confirm: {confirm}." if confirm else "."
    # The note names the set as the card does (review s20 item 4).
    named = _as_named(rule_set.name, policy)
    assert note.endswith(f"Payer criteria ({named}): met on the record{tail}")


def test_the_evidence_names_scale_band_trials_classes_and_sessions() -> None:
    ev = evaluation(meets_all(), Policy())  # default: L37086
    evidence = {r.id: r.evidence for r in ev.results}
    assert evidence["severity"] == ("PHQ-9 22 on 2024-05-20 (severe, Kroenke 2001)",)
    assert evidence["trials"] == (
        "2 counted from 2 classes: sertraline (SSRI, failed), venlafaxine (SNRI, failed); "
        "needs 2 from 2 classes",
    )
    assert evidence["psychotherapy"] == (
        "8 sessions, 2023-05-01 - 2023-06-19: Psychotherapy, 45 minutes with patient (90834)",
    )
    assert evidence["diagnosis"] == (
        "Major depressive disorder, recurrent severe without psychotic features (F33.2, since "
        "2022-12-01); coded as severe",
    )
    assert evidence["retreatment"] == ("no earlier TMS course on record: initial course",)
    (trials,) = [r for r in ev.results if r.id == "trials"]
    assert trials.details[0].startswith("sertraline (SSRI) 150 mg/day, 2023-01-09 - 2023-03-20: ")
    assert "failed after 10 weeks at an adequate dose, PHQ-9 19 -> 17" in trials.details[0]
    assert [t.ingredient for t in ev.counted_trials] == ["sertraline", "venlafaxine"]


# --- one criterion missing ------------------------------------------------------------------------


def _two_ssris(r: PatientRecord) -> PatientRecord:
    escitalopram = f.trial(
        "escitalopram", "SSRI", start=date(2023, 4, 3), mg=20, min_mg=10, max_mg=20
    )
    return dataclasses.replace(
        r, trials=(f.sertraline_failed(), escitalopram, aripiprazole_added())
    )


def _moderate_code(r: PatientRecord) -> PatientRecord:
    moderate = dataclasses.replace(
        severe_mdd(code="F33.1", display="Major depressive disorder, recurrent, moderate"),
        severity="moderate",
    )
    return dataclasses.replace(r, context=dataclasses.replace(r.context, findings=(moderate,)))


def _phq9_17(r: PatientRecord) -> PatientRecord:
    return dataclasses.replace(r, scores=(f.score(17, RECENT),))


def _phq9_14(r: PatientRecord) -> PatientRecord:
    return dataclasses.replace(r, scores=(f.score(14, RECENT),))


def _no_psychotherapy(r: PatientRecord) -> PatientRecord:
    return dataclasses.replace(r, procedures=())


def _no_augmentation(r: PatientRecord) -> PatientRecord:
    return dataclasses.replace(r, trials=(f.sertraline_failed(), f.venlafaxine_failed()))


def _pacemaker(r: PatientRecord) -> PatientRecord:
    pacemaker = f.finding(
        FindingKind.TMS_CAUTION,
        code="Z95.0",
        system=f.ICD10,
        display="Presence of cardiac pacemaker",
        onset=date(2019, 3, 4),
        rid="pm",
    )
    return _add_finding(r, pacemaker)


def _add_finding(r: PatientRecord, finding: Finding) -> PatientRecord:
    findings = (*r.context.findings, finding)
    return dataclasses.replace(r, context=dataclasses.replace(r.context, findings=findings))


def _substance_use(r: PatientRecord) -> PatientRecord:
    return _add_finding(
        r,
        f.finding(
            FindingKind.SUBSTANCE_USE, code="F10.20", system=f.ICD10, display="Alcohol dependence"
        ),
    )


def _esketamine(r: PatientRecord) -> PatientRecord:
    nasal = f.trial(
        "esketamine",
        "NMDA antagonist",
        role=Role.AUGMENTATION,
        start=date(2024, 4, 1),
        ongoing=True,
        mg=None,
        min_mg=None,
        max_mg=None,
        baseline=None,
        after=None,
    )
    return dataclasses.replace(r, trials=(*r.trials, nasal))


def _prior_tms_without_response(r: PatientRecord) -> PatientRecord:
    # A course in 2021 (before this episode): PHQ-9 20 before, 16 at the end (20 %).
    course = tuple(
        f.procedure(ProcedureKind.TMS, date(2021, 3, 1) + timedelta(days=n), "90868")
        for n in range(0, 42, 2)
    )
    scores = (f.score(20, date(2021, 2, 25)), f.score(16, date(2021, 4, 12)), *r.scores)
    return dataclasses.replace(r, procedures=(*r.procedures, *course), scores=scores)


def _as_mutation(change: Mutation) -> Mutation:
    return change


# (rule set, criterion id, how the chart changes, the status it must get)
MISSING_ONE: list[tuple[str, str, Mutation, CriterionStatus]] = (
    [
        (name, "diagnosis", _as_mutation(_moderate_code), CriterionStatus.NOT_MET)
        for name in RULE_SETS
    ]
    + [
        ("l34998", "severity", _phq9_17, CriterionStatus.NOT_MET),
        ("l37086", "severity", _phq9_17, CriterionStatus.NOT_MET),
        ("l33398", "severity", _phq9_17, CriterionStatus.NOT_MET),
        ("aetna-cpb-0469", "severity", _phq9_17, CriterionStatus.NOT_MET),
        ("ambetter-cp-bh-200", "severity", _phq9_14, CriterionStatus.NOT_MET),
        ("l37086", "trials", _two_ssris, CriterionStatus.NOT_MET),
        ("l33398", "trials", _two_ssris, CriterionStatus.NOT_MET),
        ("ambetter-cp-bh-200", "trials", _two_ssris, CriterionStatus.NOT_MET),
        ("aetna-cpb-0469", "trials", _two_ssris, CriterionStatus.NOT_MET),
        ("l37086", "psychotherapy", _no_psychotherapy, CriterionStatus.NOT_ON_RECORD),
        ("l33398", "psychotherapy", _no_psychotherapy, CriterionStatus.NOT_ON_RECORD),
        ("ambetter-cp-bh-200", "psychotherapy", _no_psychotherapy, CriterionStatus.NOT_ON_RECORD),
        ("aetna-cpb-0469", "psychotherapy", _no_psychotherapy, CriterionStatus.NOT_ON_RECORD),
        ("aetna-cpb-0469", "augmentation", _no_augmentation, CriterionStatus.NOT_ON_RECORD),
        ("aetna-cpb-0469", "exclusions", _substance_use, CriterionStatus.NOT_MET),
        ("ambetter-cp-bh-200", "concurrent", _esketamine, CriterionStatus.NOT_MET),
    ]
    + [
        (name, "contraindications", _as_mutation(_pacemaker), CriterionStatus.NOT_ON_RECORD)
        for name in RULE_SETS
    ]
)


@pytest.mark.parametrize(
    ("name", "criterion", "mutate", "expected"),
    MISSING_ONE,
    ids=[f"{n}-{c}" for n, c, _, _ in MISSING_ONE],
)
def test_one_criterion_missing_is_named_and_what_to_document_is_said(
    name: str, criterion: str, mutate: Mutation, expected: CriterionStatus
) -> None:
    policy = Policy(payer_criteria=name)
    record = mutate(meets_all())
    ev = evaluation(record, policy)
    found = statuses(ev)
    assert found.pop(criterion) is expected
    assert set(found.values()) == {CriterionStatus.MET}, found  # only that one is missing
    (result,) = [r for r in ev.results if r.id == criterion]
    assert result.to_document and result.to_document in ev.to_document
    rec = card(record, policy)
    assert rec is not None  # the pathway says TMS: the card shows, "criteria not yet met"
    unverified = " (UNVERIFIED)" if result.source_status == "UNVERIFIED" else ""
    assert line(result.label + unverified, expected) in rec.detail
    assert f"**Payer criteria not yet met** ({_as_named(ev.rule_set.name, policy)}):" in rec.detail
    assert f"to document: {result.to_document}." in rec.detail
    assert "**Criteria met" not in rec.detail
    # The summary says whose rule set it is; the detail names its source (review 19 I8).
    kind = _as_named(ev.rule_set.name, policy).partition(",")[0]
    if criterion == "contraindications":
        # The pacemaker to screen is the reason: the summary names it, before the rule set's
        # kind, which the detail's heading and the card's source keep (review 19 D2).
        assert "; safety screen first: Presence of cardiac pacemaker; " in rec.summary
        assert rec.summary.endswith("payer criteria not yet met") or rec.summary.endswith(
            f"; payer criteria not yet met ({kind})"
        )
    else:
        assert rec.summary.endswith(f"; payer criteria not yet met ({kind})")


def test_the_missing_evidence_says_why() -> None:
    policy = Policy()  # L37086
    found = {r.id: r for r in evaluation(_two_ssris(meets_all()), policy).results}
    assert found["trials"].evidence == (
        "2 counted from 1 class: sertraline (SSRI, failed), escitalopram (SSRI, failed); needs 2 "
        "from 2 classes",
    )
    found = {r.id: r for r in evaluation(_phq9_17(meets_all()), policy).results}
    assert found["severity"].evidence == (
        "PHQ-9 17 on 2024-05-20 (moderately severe, Kroenke 2001): below PHQ-9 >= 20 (severe, "
        "Kroenke 2001)",
    )
    found = {r.id: r for r in evaluation(_moderate_code(meets_all()), policy).results}
    assert (
        found["diagnosis"]
        .evidence[0]
        .endswith("coded as moderate; the policy asks for severe major depressive disorder")
    )
    found = {r.id: r for r in evaluation(_pacemaker(meets_all()), policy).results}
    assert found["contraindications"].evidence[-1] == (
        "to screen: Presence of cardiac pacemaker (Z95.0, since 2019-03-04)"
    )
    assert found["contraindications"].to_document == (
        "the TMS safety screen's clearance of Presence of cardiac pacemaker"
    )
    found = {r.id: r for r in evaluation(_prior_tms_without_response(meets_all()), policy).results}
    assert found["retreatment"].evidence == (
        "TMS course 2021-03-01 - 2021-04-10 (21 sessions): PHQ-9 20 (2021-02-25) -> 16 "
        "(2021-04-12), 20 % better; retreatment needs more than 50 %",
    )


def test_an_earlier_tms_course_that_responded_meets_retreatment() -> None:
    record = _prior_tms_without_response(meets_all())
    responded = dataclasses.replace(
        record,
        scores=tuple(
            f.score(8, s.date) if s.date == date(2021, 4, 12) else s for s in record.scores
        ),
    )
    found = {r.id: r for r in evaluation(responded, Policy()).results}
    assert found["retreatment"].status is CriterionStatus.MET
    assert "60 % better; relapse: PHQ-9 22 (2024-05-20)" in found["retreatment"].evidence[0]
    # Sessions without scores around them: the response is not on record.
    no_scores = dataclasses.replace(record, scores=(f.score(22, RECENT),))
    found = {r.id: r for r in evaluation(no_scores, Policy()).results}
    assert found["retreatment"].status is CriterionStatus.NOT_ON_RECORD


@pytest.mark.parametrize(
    ("name", "criterion", "finding"),
    [
        ("l37086", "contraindications", FindingKind.EPILEPSY),
        ("l34998", "contraindications", FindingKind.IMPLANTED_DEVICE),
        ("ambetter-cp-bh-200", "exclusions", FindingKind.BIPOLAR),
        ("aetna-cpb-0469", "exclusions", FindingKind.PSYCHOTIC),
    ],
)
def test_a_contraindication_or_excluded_diagnosis_is_not_met_and_the_pathway_has_no_card(
    name: str, criterion: str, finding: FindingKind
) -> None:
    policy = Policy(payer_criteria=name)
    record = _add_finding(meets_all(), f.finding(finding, display=finding.value))
    assert statuses(evaluation(record, policy))[criterion] is CriterionStatus.NOT_MET
    assert card(record, policy) is None  # the clinical pathway already rules TMS out


def test_l34998_accepts_one_failed_or_not_tolerated_trial() -> None:
    policy = Policy(payer_criteria="l34998", tms_min_failed_trials=1)
    one = meets_all(trials=(_venlafaxine_not_tolerated(),))
    assert statuses(evaluation(one, policy))["trials"] is CriterionStatus.MET
    rec = card(one, policy)
    assert rec is not None
    assert "**Criteria met** (clinic rule set, from Medicare LCD L34998):" in rec.detail
    assert rec.summary.startswith("1 trial not tolerated (venlafaxine); PHQ-9 22")
    none = meets_all(trials=())
    found = {r.id: r for r in evaluation(none, policy).results}
    assert found["trials"].status is CriterionStatus.NOT_ON_RECORD
    assert found["trials"].to_document == "an adequate failed or not tolerated antidepressant trial"
    assert card(none, policy) is None  # nothing counted: not on the pathway either


def test_age_below_the_payers_limit_is_not_met() -> None:
    minor = dataclasses.replace(
        meets_all(), patient=dataclasses.replace(meets_all().patient, age=16)
    )
    assert statuses(evaluation(minor, Policy()))["age"] is CriterionStatus.NOT_MET
    assert statuses(evaluation(minor, Policy(payer_criteria="aetna-cpb-0469")))["age"] is (
        CriterionStatus.MET  # Aetna: 15 or older
    )
    assert card(minor, Policy()) is None  # the pathway is adult-only (policy adult_age)


# --- the qualifying diagnosis ---------------------------------------------------------------------


def test_an_mdd_in_full_remission_code_is_not_the_qualifying_diagnosis() -> None:
    remission = severe_mdd(
        code="F33.42", display="Major depressive disorder, recurrent, in full remission", rid="rem"
    )
    remission = dataclasses.replace(remission, severity=None)
    record = meets_all(findings=(remission,))
    ev = evaluation(record, Policy())
    (diagnosis,) = [r for r in ev.results if r.id == "diagnosis"]
    assert diagnosis.status is CriterionStatus.NOT_MET
    assert diagnosis.evidence == (
        "Major depressive disorder, recurrent, in full remission (F33.42, since 2022-12-01)"
        " is not a qualifying diagnosis (in remission or bipolar)",
    )
    # With an active severe code as well, that one is cited, by the criteria and the referral.
    both = meets_all(findings=(remission, severe_mdd()))
    assert evaluation(both, Policy()).met
    rec = card(both, Policy())
    assert rec is not None
    assert referral(rec)["reasonReference"] == [{"reference": "Condition/mdd-severe"}]


# --- the other severity scales --------------------------------------------------------------------


def scale(instrument: str, value: int, on: date = RECENT) -> Score:
    return Score(instrument, value, on, source=SourceRef("Observation", f"{instrument}-{value}"))


@pytest.mark.parametrize(
    ("instrument", "met", "unmet", "band"),
    [
        ("HAM-D17", 26, 23, "HAM-D17 >= 24 (severe, Zimmerman 2013)"),
        ("MADRS", 36, 34, "MADRS >= 35 (severe, Snaith 1986)"),
        ("QIDS-SR16", 17, 15, "QIDS-SR16 >= 16 (severe, Rush 2003)"),
        ("BDI-II", 30, 28, "BDI-II >= 29 (severe, Beck 1996)"),
    ],
)
def test_each_scale_documents_severity_in_its_own_band(
    instrument: str, met: int, unmet: int, band: str
) -> None:
    policy = Policy()  # L37086: severe
    base = (f.score(17, RECENT),)  # a moderately severe PHQ-9 alone would not do
    record = meets_all(scores=(*base, scale(instrument, met)))
    rec = card(record, policy)
    assert rec is not None and "**Criteria met** (" in rec.detail
    severity = next(r for r in evaluation(record, policy).results if r.id == "severity")
    assert severity.status is CriterionStatus.MET
    assert f"{instrument} {met} on 2024-05-20 (severe, " in severity.evidence[1]

    record = meets_all(scores=(*base, scale(instrument, unmet)))
    rec = card(record, policy)
    assert rec is not None
    assert line("Severity", CriterionStatus.NOT_MET) in rec.detail
    assert f"{instrument} {unmet} on 2024-05-20 (" in rec.detail
    assert f"below {band}" in rec.detail


def test_a_band_with_one_secondary_source_is_marked_unverified_on_the_card() -> None:
    rec = card(meets_all(scores=(f.score(22, RECENT), scale("MADRS", 40))), Policy())
    assert rec is not None
    assert "MADRS 40 on 2024-05-20 (severe, Snaith 1986 (band UNVERIFIED))" in rec.detail


def test_ambetter_reads_phq9_15_where_the_lcds_ask_for_severe() -> None:
    record = meets_all(scores=(f.score(16, RECENT),))
    assert (
        statuses(evaluation(record, Policy(payer_criteria="ambetter-cp-bh-200")))["severity"]
        is CriterionStatus.MET
    )
    assert statuses(evaluation(record, Policy(payer_criteria="l37086")))["severity"] is (
        CriterionStatus.NOT_MET
    )


def test_a_score_older_than_the_window_does_not_document_current_severity() -> None:
    old = date(2024, 1, 10)  # 145 days before as-of
    record = meets_all(scores=(f.score(22, old),))
    found = {r.id: r for r in evaluation(record, Policy()).results}
    assert found["severity"].status is CriterionStatus.NOT_ON_RECORD
    assert found["severity"].evidence == (
        "no PHQ-9/HAM-D17/MADRS/QIDS-SR16/BDI-II in the last 90 days of this episode "
        "(latest: PHQ-9 22 on 2024-01-10)",
    )
    assert statuses(evaluation(record, Policy(payer_score_max_age_days=180)))["severity"] is (
        CriterionStatus.MET
    )


# --- not available is never "not on record" --------------------------------------------------------


def _gap(domain: DataDomain, *, whole: bool = True) -> DataGap:
    return DataGap(
        domain,
        f"prefetch key for {domain.value} was not sent and the FHIR server could not be asked",
        whole_domain=whole,
        cause=GapCause.NOT_PROVIDED,
    )


def test_a_list_that_could_not_be_read_is_not_available_never_not_on_record() -> None:
    record = dataclasses.replace(
        _no_psychotherapy(meets_all()),
        gaps=(_gap(DataDomain.PROCEDURES), _gap(DataDomain.DEVICES)),
    )
    ev = evaluation(record, Policy())
    found = statuses(ev)
    assert found["psychotherapy"] is CriterionStatus.NOT_AVAILABLE
    assert found["contraindications"] is CriterionStatus.NOT_AVAILABLE
    assert found["retreatment"] is CriterionStatus.NOT_AVAILABLE
    rec = card(record, Policy())
    assert rec is not None
    assert (
        line("Psychotherapy", CriterionStatus.NOT_AVAILABLE)
        + ": psychotherapy history not available"
        in rec.detail
    )
    assert "Not on record" not in rec.detail
    assert (
        "could not be checked (data not available): Psychotherapy, Contraindications, Earlier TMS"
        in rec.detail
    )
    assert "**Criteria met" not in rec.detail


def test_all_met_on_a_chart_with_gaps_says_on_the_data_that_could_be_read() -> None:
    left_out = DataGap(
        DataDomain.MEDICATIONS,
        "medication reference not found",
        source=SourceRef("MedicationRequest", "abc"),
    )
    record = dataclasses.replace(meets_all(), gaps=(left_out,))
    ev = evaluation(record, Policy())
    assert ev.met and ev.incomplete
    rec = card(record, Policy())
    assert rec is not None
    assert (
        "**Criteria met on the data that could be read** (clinic default rule set, from "
        "Medicare LCD L37086;"
    ) in rec.detail


# --- what the card counts, and when it shows ---------------------------------------------------------


def _venlafaxine_not_tolerated() -> Trial:
    trial = f.venlafaxine_failed(
        verdict=Verdict.INADEQUATE,
        reasons=(InadequacyReason.INTOLERANCE,),
        weeks=3,
        weeks_adequate=0,
        after=None,
    )
    return dataclasses.replace(
        trial,
        intolerance=Intolerance(
            "venlafaxine", "nausea", date(2023, 4, 20), SourceRef("MedicationRequest", "mr-v")
        ),
    )


def test_the_card_says_what_was_counted_failed_or_not_tolerated() -> None:
    record = meets_all(
        trials=(f.sertraline_failed(), _venlafaxine_not_tolerated(), aripiprazole_added())
    )
    rec = card(record, Policy())
    assert rec is not None
    assert rec.summary.startswith(
        "1 adequate trial failed (sertraline) and 1 not tolerated (venlafaxine); PHQ-9 22: "
        "consider TMS referral"
    )
    assert referral(rec)["note"][0]["text"].startswith(
        "Antidepressant trials in this episode: 1 adequate trial failed (sertraline) and 1 not "
        "tolerated (venlafaxine);"
    )
    trials = next(r for r in evaluation(record, Policy()).results if r.id == "trials")
    assert trials.status is CriterionStatus.MET
    assert "venlafaxine (SNRI, not tolerated)" in trials.evidence[0]
    assert trials.details[1] == (
        "venlafaxine (SNRI) 225 mg/day, 2023-04-03 - 2023-04-24: not tolerated (nausea 2023-04-20)"
    )
    # Aetna counts failed trials only: the intolerant one is named as not counted.
    aetna = next(
        r
        for r in evaluation(record, Policy(payer_criteria="aetna-cpb-0469")).results
        if r.id == "trials"
    )
    assert aetna.status is CriterionStatus.NOT_MET
    assert aetna.evidence[0].endswith(
        "not counted (this policy counts failed trials only): venlafaxine (not tolerated)"
    )


def test_no_tms_card_while_the_current_trial_is_responding() -> None:
    responding = f.trial(
        "bupropion",
        "NDRI",
        start=date(2024, 1, 8),
        ongoing=True,
        mg=300,
        min_mg=150,
        max_mg=450,
        baseline=24,
        after=11,
    )
    record = meets_all(
        trials=(f.sertraline_failed(), f.venlafaxine_failed(), responding),
        scores=(f.score(11, date(2024, 6, 1)),),
    )
    facts = derive_facts(record, Policy())
    assert facts.tms.blockers == (
        "the current trial is responding (bupropion: PHQ-9 24 -> 11, a >= 50 % drop): it is "
        "continued, not switched",
    )
    assert card(record, Policy()) is None
    # The same chart without the response would get the card.
    not_yet = meets_all(
        trials=(
            f.sertraline_failed(),
            f.venlafaxine_failed(),
            dataclasses.replace(responding, on_treatment=f.score(20, date(2024, 6, 1))),
        ),
        scores=(f.score(20, date(2024, 6, 1)),),
    )
    assert card(not_yet, Policy()) is not None


def test_whether_the_card_shows_with_criteria_unmet_is_policy() -> None:
    strict = Policy(tms_card_when_payer_criteria_unmet=False)
    assert card(_phq9_17(meets_all()), strict) is None
    assert card(meets_all(), strict) is not None
    assert card(_phq9_17(meets_all()), Policy()) is not None  # default: shown, "not yet met"


def test_anxious_distress_is_one_line_from_a_recent_gad7() -> None:
    anxious = meets_all(scores=(f.score(22, RECENT), scale("GAD-7", 15)))
    rec = card(anxious, Policy())
    assert rec is not None
    expected = (
        "**Anxious distress:** GAD-7 15 (severe, Spitzer 2006) on 2024-05-20: comorbid anxiety "
        "predicts a poorer response (CANMAT 2023 para 181); tell the TMS service."
    )
    assert rec.detail.count("Anxious distress") == 1 and expected in rec.detail
    for calm in (scale("GAD-7", 9), scale("GAD-7", 15, date(2023, 12, 1))):  # mild, or old
        rec = card(meets_all(scores=(f.score(22, RECENT), calm)), Policy())
        assert rec is not None and "Anxious distress" not in rec.detail


# --- choosing and adding rule sets -------------------------------------------------------------------


CLINIC_FILE = """
id = "clinic-bcbs"
name = "Example BCBS plan"
title = "TMS for major depression (clinic's transcription)"
url = "https://example.org/policies/tms"
source = "the clinic's payer contract, section 4"
status = "confirmed"

[[criteria]]
id = "severity"
kind = "severity"
label = "Severity"
wording = "PHQ-9 of 15 or more"
to_document = "a PHQ-9 of 15 or more"
source = "section 4.1"
status = "confirmed"
instruments = ["PHQ-9"]
min_scores = { "PHQ-9" = 15 }

[[criteria]]
id = "trials"
kind = "trials"
label = "Medication trials"
wording = "three failed antidepressant trials"
to_document = "three adequate failed trials"
source = "section 4.2"
status = "confirmed"
min_trials = 3
count_intolerant = false
"""


def test_the_clinic_picks_a_shipped_rule_set_by_name() -> None:
    assert load_policy({}).payer_criteria == "l37086"
    policy = load_policy({"payer_criteria": "l34998"})
    assert evaluation(meets_all(), policy).rule_set.name == "Medicare LCD L34998"
    with pytest.raises(ValidationError, match="payer_criteria 'l99999' is not a known rule set"):
        load_policy({"payer_criteria": "l99999"})


def test_the_clinic_adds_its_own_rule_set_file(tmp_path: Path) -> None:
    path = tmp_path / "clinic.toml"
    path.write_text(CLINIC_FILE, encoding="utf-8")
    policy = load_policy({"payer_criteria_file": str(path)})
    ev = evaluation(meets_all(), policy)
    assert ev.rule_set.name == "Example BCBS plan"
    assert statuses(ev) == {"severity": CriterionStatus.MET, "trials": CriterionStatus.NOT_MET}
    rec = card(meets_all(), policy)
    assert rec is not None
    assert "to document: three adequate failed trials." in rec.detail
    with pytest.raises(ValidationError, match="set payer_criteria or payer_criteria_file"):
        load_policy({"payer_criteria_file": str(path), "payer_criteria": "l34998"})


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("min_trials = 3\n", ""), "criterion 'trials' (trials) needs ['min_trials']"),
        (('kind = "trials"', 'kind = "trial"'), "criteria.1.kind"),
        (('instruments = ["PHQ-9"]', 'instruments = ["PHQ-10"]'), "unknown scale(s) ['PHQ-10']"),
        (
            ("count_intolerant = false\n", "count_intolerant = false\nmin_age = 3\n"),
            "does not read ['min_age']",
        ),
        (('status = "confirmed"\n\n[[criteria]]', 'status = "sure"\n\n[[criteria]]'), "status"),
        (("[[criteria]]", "[[criteria"), "not valid TOML"),
    ],
)
def test_a_broken_rule_set_file_fails_at_start_naming_the_file_and_the_problem(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(CLINIC_FILE.replace(*change, 1), encoding="utf-8")
    load_rule_set_file.cache_clear()
    with pytest.raises(ValidationError) as raised:
        load_policy({"payer_criteria_file": str(path)})
    assert f"payer criteria file {path}" in str(raised.value)
    assert message in str(raised.value)


def test_every_shipped_criterion_has_wording_source_and_status() -> None:
    for name in RULE_SETS:
        rule_set = resolve_rule_set(name)
        assert rule_set.url.startswith("https://")
        for criterion in rule_set.criteria:
            assert criterion.wording and criterion.source and criterion.to_document
            assert criterion.status in {"confirmed", "corroborated", "UNVERIFIED"}
    l33398 = resolve_rule_set("l33398")
    assert l33398.status == "UNVERIFIED"
    assert {c.status for c in l33398.criteria} == {"UNVERIFIED"}


# --- end to end: charts written the way EHRs write them ----------------------------------------------

SCALE = "urn:trd-cds:scale"
FLOWSHEET = "urn:oid:1.2.840.114350.1.13.0.1.7.2.707679"  # Epic flowsheet rows (example site)


def _hamd_row(value: int, day: date, patient: str) -> dict[str, Any]:
    """An Epic flowsheet row holding the HAM-D 17 total under the site's local code only."""
    return {
        "resourceType": "Observation",
        "id": "flo-hamd-1",
        "status": "final",
        "code": {
            "coding": [{"system": FLOWSHEET, "code": "30410", "display": "HAM-D 17 Total"}],
            "text": "HAM-D 17 Total",
        },
        "subject": {"reference": f"Patient/{patient}"},
        "effectiveDateTime": f"{day.isoformat()}T15:02:00Z",
        "issued": f"{day.isoformat()}T15:05:00Z",
        "valueString": str(value),
    }


def _tms_card(resources: list[dict[str, Any]], policy: Policy) -> Recommendation:
    s = scenarios.trd_meets_tms()
    assert_valid(resources)
    record = build_record(
        [*s.resources, *resources], as_of=s.as_of, patient_id=s.patient_id, policy=policy.mapping
    )
    found = {r.topic: r for r in patient_view(record, policy)}
    return found["tms-referral"]


@pytest.mark.real_drug_table
def test_a_real_trd_chart_with_phq9_18_is_not_yet_severe_for_l37086() -> None:
    rec = _tms_card([], Policy())
    assert line("Severity", CriterionStatus.NOT_MET) + ": PHQ-9 18 on 2025-05-12" in rec.detail
    assert met_named(rec.detail, "Diagnosis")  # F33.2, coded severe
    # The psychotherapy sessions are in the referral summary (issue 12: one screen); what the
    # chart cannot show stays beside the name (review 6 finding 4).
    assert met_named(rec.detail, "Psychotherapy (to confirm: no improvement after it)")
    assert "11 sessions, 2024-11-12 - 2025-04-01" not in rec.detail
    assert line("Medication trials", CriterionStatus.MET) in rec.detail
    assert "to document: a current score in the severe band." in rec.detail


@pytest.mark.real_drug_table
def test_a_real_chart_documents_severity_with_the_sites_hamd_row() -> None:
    s = scenarios.trd_meets_tms()
    site = SiteCodes((LocalCode(FLOWSHEET, "30410", SCALE, "hamd17-total", "HAM-D 17 total"),))
    policy = Policy(mapping=MappingPolicy(site_codes=site))
    rec = _tms_card([_hamd_row(27, date(2025, 5, 12), s.patient_id)], policy)
    assert "**Criteria met** (clinic default rule set, from Medicare LCD L37086):" in rec.detail
    assert "HAM-D17 27 on 2025-05-12 (severe, Zimmerman 2013)" in rec.detail
    # Without the site's map the row is unknown, and severity stays undocumented.
    rec = _tms_card([_hamd_row(27, date(2025, 5, 12), s.patient_id)], Policy())
    assert "**Payer criteria not yet met**" in rec.detail
