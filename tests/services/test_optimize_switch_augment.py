"""optimize-switch-augment: dose first, then switch mechanism or augment; never a failed class."""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import FindingKind, PatientRecord, Role, Verdict
from services.recommendation import Recommendation
from services.rules import optimize_switch_augment as rule_module
from tests.services import factories as f
from tests.services.helpers import assert_valid_proposals, codes, ctx, resources

RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def _run(record: PatientRecord) -> Recommendation | None:
    return rule_module.rule(ctx(record))


def test_sub_therapeutic_dose_is_raised_first() -> None:
    low = f.trial(
        "sertraline",
        "SSRI",
        start=date(2024, 3, 4),
        mg=25,
        ongoing=True,
        verdict=Verdict.ONGOING,
        weeks_adequate=0,
    )
    rec = _run(f.trd_record(trials=(low,)))
    assert rec is not None
    assert rec.summary == (
        "Sertraline 25 mg/day is below the adequate range (50-200): raise the dose before judging "
        "response"
    )
    assert_valid_proposals(rec)
    (resource,) = resources(rec)
    assert resource["resourceType"] == "MedicationRequest"
    assert codes(resource) == [(RXNORM, "36437")]
    assert resource["dosageInstruction"][0]["text"].startswith("sertraline 50 mg/day")
    assert rec.wants_timeline is True


def test_one_failure_switch_mechanism_or_augment() -> None:
    rec = _run(f.trd_record(trials=(f.sertraline_failed(),)))
    assert rec is not None
    assert rec.summary == (
        "1 adequate trial failed (sertraline): switch to a non-SSRI mechanism or augment "
        "(aripiprazole or brexpiprazole)"
    )
    assert "Failed, not proposed: SSRI (sertraline)." in rec.detail
    assert (
        "Switch options (CANMAT 2023 first line, other mechanisms): SNRI: venlafaxine, duloxetine; NDRI: bupropion; NaSSA: mirtazapine."
        in rec.detail
    )


def test_two_failures_first_line_augmentation_or_class_switch() -> None:
    rec = _run(f.trd_record())
    assert rec is not None
    assert rec.summary == (
        "2 adequate trials failed (sertraline, venlafaxine): augment (aripiprazole or "
        "brexpiprazole) or switch class"
    )
    assert_valid_proposals(rec)
    proposed = [codes(r)[0] for r in resources(rec)]
    assert proposed == [(RXNORM, "89013"), (RXNORM, "1658314")]
    assert [s.label for s in rec.suggestions] == [
        "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)",
        "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line)",
    ]
    # Failed classes are named and never offered as a switch.
    assert "SSRI (sertraline), SNRI (venlafaxine)" in rec.detail
    assert (
        "Switch options (CANMAT 2023 first line, other mechanisms): NDRI: bupropion; NaSSA: mirtazapine."
        in rec.detail
    )
    assert "**Maudsley staging** ([Fekadu 2018](" in rec.detail
    assert "): 6 of 15, mild." in rec.detail  # PHQ-9 17 scores moderate (review 10 finding 15)
    for resource in resources(rec):
        assert resource["reasonReference"] == [{"reference": "Condition/mdd-1"}]


def test_augmenter_already_used_is_not_proposed_again() -> None:
    aripiprazole = f.trial(
        "aripiprazole",
        "SDAM",
        start=date(2023, 8, 7),
        mg=5,
        min_mg=2,
        max_mg=10,
        role=Role.AUGMENTATION,
    )
    record = f.trd_record(trials=(f.sertraline_failed(), f.venlafaxine_failed(), aripiprazole))
    rec = _run(record)
    assert rec is not None
    # The aripiprazole course failed: brexpiprazole shares its mechanism (review 16 W6).
    assert [s.label for s in rec.suggestions] == [
        "Propose adjunctive brexpiprazole 0.5 mg/day (CANMAT first line; same mechanism as "
        "aripiprazole, failed 10 wk)"
    ]
    assert "Adjuncts already used in this episode: aripiprazole." in rec.detail
    assert "(brexpiprazole)" in rec.summary


def test_current_drug_in_a_failed_class_is_left_to_run_until_it_can_be_judged() -> None:
    # Issue 11 item 2: escitalopram started four weeks ago has not had its trial yet, so no
    # switch/augment card (the old card called out its failed class and proposed switching).
    escitalopram = f.trial(
        "escitalopram",
        "SSRI",
        start=date(2024, 5, 6),
        mg=10,
        min_mg=10,
        max_mg=20,
        ongoing=True,
        verdict=Verdict.ONGOING,
    )
    assert _run(f.trd_record(trials=(f.sertraline_failed(), escitalopram))) is None


def test_current_drug_in_a_failed_class_is_called_out() -> None:
    # With psychotic features the card shows the switch section whatever the current trial's
    # state, and still names the failed class of the drug now taken.
    escitalopram = f.trial(
        "escitalopram",
        "SSRI",
        start=date(2024, 5, 6),
        mg=10,
        min_mg=10,
        max_mg=20,
        ongoing=True,
        verdict=Verdict.ONGOING,
    )
    psychotic = f.finding(FindingKind.PSYCHOTIC, code="F32.3", display="MDD with psychosis")
    rec = _run(
        f.trd_record(trials=(f.sertraline_failed(), escitalopram), findings=(f.mdd(), psychotic))
    )
    assert rec is not None
    assert "Current escitalopram is in a class that already failed (SSRI)" in rec.detail


def test_bipolar_gets_no_antidepressant_switch_card() -> None:
    bipolar = f.finding(FindingKind.BIPOLAR, code="13746004", display="Bipolar disorder")
    assert _run(f.trd_record(findings=(f.mdd(), bipolar))) is None


def test_psychotic_features_point_to_antipsychotic_or_ect() -> None:
    psychotic = f.finding(
        FindingKind.PSYCHOTIC,
        code="F32.3",
        display="MDD, severe with psychotic features",
        rid="psy-1",
    )
    rec = _run(f.trd_record(findings=(f.mdd(), psychotic)))
    assert rec is not None
    # Issue 11 item 4: antipsychotic-range doses (STOP-PD) or ECT, never augmentation doses.
    assert rec.summary == (
        "Psychotic features (MDD, severe with psychotic features): antidepressant plus "
        "antipsychotic at antipsychotic-range dose, or ECT"
    )
    assert [s.label for s in rec.suggestions] == ["Refer for ECT evaluation"]
    assert_valid_proposals(rec)
    ect = resources(rec)[0]
    assert codes(ect) == [("http://snomed.info/sct", "183524004")]  # a referral, not CPT 90870
    assert ect["reasonReference"] == [
        {"reference": "Condition/psy-1"},
        {"reference": "Condition/mdd-1"},
    ]
    # Psychotic features appear once (issue 12): the card's own psychotic section says that TMS
    # policies exclude them, so its "Why no TMS referral" does not repeat them.
    assert "TMS policies exclude psychotic features" in rec.detail
    assert "**Why no TMS referral:** psychotic features on record" not in rec.detail
    # Esketamine and ketamine are not named with psychotic features (the label's caution).
    assert "esketamine" not in rec.detail and "Beyond medication" not in rec.detail


def test_tms_contraindication_is_explained_here() -> None:
    epilepsy = f.finding(FindingKind.EPILEPSY, code="84757009", display="Epilepsy")
    rec = _run(f.trd_record(findings=(f.mdd(), epilepsy)))
    assert rec is not None
    assert rec.summary == (
        "2 adequate trials failed (sertraline, venlafaxine): augment (aripiprazole or "
        "brexpiprazole) or switch class; TMS contraindicated (Epilepsy)"
    )
    assert "**Why no TMS referral:** contraindication: Epilepsy" in rec.detail


def test_no_card_without_failure_low_dose_or_psychosis() -> None:
    ongoing = f.trial(
        "sertraline", "SSRI", start=date(2024, 5, 6), ongoing=True, verdict=Verdict.ONGOING
    )
    assert _run(f.trd_record(trials=(ongoing,))) is None


def test_suicide_risk_note() -> None:
    rec = _run(f.trd_record(scores=(f.score(18, date(2024, 5, 28), item9=1),)))
    assert rec is not None
    assert rec.detail.startswith("**Suicide risk card open:**")


def test_bupropion_is_not_offered_with_epilepsy() -> None:
    epilepsy = f.finding(FindingKind.EPILEPSY, code="84757009", display="Epilepsy")
    rec = _run(f.trd_record(findings=(f.mdd(), epilepsy)))
    assert rec is not None
    assert (
        "Switch options (CANMAT 2023 first line, other mechanisms): NaSSA: mirtazapine. "
        "bupropion not listed: contraindicated in seizure disorders (Epilepsy on record)."
    ) in rec.detail
