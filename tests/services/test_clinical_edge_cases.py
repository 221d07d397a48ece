"""Edge cases of real EHR charts, read end to end (FHIR R4 -> record -> patient-view cards).

Each test is a chart a psychiatrist meets in practice and states what the cards must say; the
comments give the clinical reading. The real drug table is used (CANMAT 2023 doses).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import FindingKind, PatientRecord, Role, Verdict
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules.context import build_context
from tests.fhir_mapping import fhir_resources as fr

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Resource = dict[str, Any]

SERTRALINE = ("36437", "sertraline 100 MG Oral Tablet")
VENLAFAXINE = ("39786", "venlafaxine 75 MG Extended Release Oral Capsule")
MIRTAZAPINE = ("15996", "mirtazapine 30 MG Oral Tablet")
LITHIUM = ("197889", "lithium carbonate 300 MG Oral Capsule")


def mdd(onset: date = date(2024, 6, 3)) -> Resource:
    return fr.condition(
        "mdd",
        fr.ICD10CM,
        "F33.2",
        "Major depressive disorder, recurrent severe without psychotic features",
        onset,
    )


def taking(
    sid: str,
    drug: tuple[str, str],
    start: date,
    *,
    end: date | None = None,
    mg: float | None = None,
) -> Resource:
    return fr.medication_statement(
        sid, *drug, start, end=end, dose_mg=mg, status="completed" if end else "active"
    )


def two_failed_trials() -> list[Resource]:
    """MDD since June 2024; sertraline 150 mg 17 weeks, then venlafaxine 225 mg: PHQ-9 19 -> 17."""
    return [
        mdd(),
        fr.phq9_total("phq-1", date(2024, 6, 3), 19),
        fr.phq9_total("phq-2", date(2024, 10, 1), 18),
        fr.phq9_total("phq-3", date(2025, 2, 1), 17),
        fr.phq9_total("phq-4", date(2025, 5, 20), 17),
        taking("s-ser", SERTRALINE, date(2024, 6, 3), end=date(2024, 10, 1), mg=150),
        taking("s-ven", VENLAFAXINE, date(2024, 10, 1), mg=225),
    ]


def chart(*resources: Resource, birth: str = "1980-06-15") -> PatientRecord:
    fr.assert_valid(resources)
    return build_record([fr.patient(birth=birth), *resources], as_of=AS_OF, patient_id=fr.PATIENT)


def cards(record: PatientRecord, policy: Policy | None = None) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, policy or Policy())}


# --- trial adequacy -------------------------------------------------------------------------------


def test_ongoing_adequate_trial_without_any_score_on_treatment_is_not_a_failure() -> None:
    # Sertraline 100 mg for 13 weeks, but no PHQ-9 since it started (the last one is a year old).
    # Nothing shows it failed: no switch, augmentation or TMS on an unmeasured trial; ask for a
    # PHQ-9 instead.
    record = chart(
        mdd(),
        fr.phq9_total("phq-old", date(2024, 6, 3), 19),
        taking("s-ser", SERTRALINE, date(2025, 3, 3), mg=100),
    )
    (sertraline,) = record.trials
    assert (sertraline.verdict, sertraline.outcome_unmeasured, sertraline.failed) == (
        Verdict.ADEQUATE,
        True,
        False,
    )
    found = cards(record)
    assert sorted(found) == ["measurement-based-care"]
    assert found["measurement-based-care"].summary == (
        "On sertraline since 2025-03-03; no PHQ-9 total in 364 days: repeat the PHQ-9 to measure "
        "response"
    )
    assert "adequate; outcome not measured yet (no PHQ-9 on treatment)" in (
        found["measurement-based-care"].detail
    )


def test_trial_titrated_into_range_two_weeks_ago_is_left_to_run() -> None:
    # 19 weeks at 25 mg, raised to 100 mg two weeks ago: the clinician has acted; the trial is
    # now fair and becomes adequate with time. No card, and never "100 mg/day < 50 minimum".
    record = chart(
        mdd(),
        fr.phq9_total("phq-1", date(2025, 1, 6), 18),
        fr.phq9_total("phq-2", date(2025, 5, 19), 17),
        # Item 9 answered: a total only would raise the item-9 card here (review 19 item 5).
        fr.item9("i9-2", date(2025, 5, 19), 0),
        taking("s-low", SERTRALINE, date(2025, 1, 6), end=date(2025, 5, 19), mg=25),
        taking("s-up", SERTRALINE, date(2025, 5, 19), mg=100),
    )
    (sertraline,) = record.trials
    assert [s.mg_per_day for s in sertraline.segments] == [25.0, 100.0]
    assert (sertraline.verdict, sertraline.weeks_at_adequate_dose) == (Verdict.ONGOING, 2.0)
    assert cards(record) == {}


def test_stopped_after_a_late_titration_names_the_low_dose_not_the_last_one() -> None:
    # 10 weeks at 25 mg, 2 weeks at 100 mg, then switched: the trial was not adequate because of
    # the 25 mg weeks. The card names 25 mg (the old text said "100 mg/day < 50 minimum").
    record = chart(
        *two_failed_trials()[:5],
        taking("s-low", SERTRALINE, date(2024, 6, 3), end=date(2024, 8, 12), mg=25),
        taking("s-up", SERTRALINE, date(2024, 8, 12), end=date(2024, 8, 26), mg=100),
        taking("s-ven", VENLAFAXINE, date(2024, 8, 26), mg=225),
    )
    review = cards(record)["adherence-review"]
    assert review.summary == (
        "1 trial not adequate (sertraline 25 mg/day < 50 minimum): review dose and adherence "
        "before counting failures"
    )
    assert (
        "- **sertraline** (2024-06-03): 25 mg/day for 10 weeks, below the minimum adequate "
        "50 mg/day; 2 weeks at an adequate dose (needs 6)"
    ) in review.detail


def test_five_weeks_at_an_adequate_dose_is_possibly_adequate_and_not_counted() -> None:
    # REFERENCE.md 0.2: 4 to < 6 weeks is "possibly adequate - review", not a failure.
    record = chart(
        mdd(date(2025, 1, 6)),
        fr.phq9_total("phq-1", date(2025, 1, 6), 18),
        fr.phq9_total("phq-2", date(2025, 5, 20), 17),
        taking("s-ser", SERTRALINE, date(2025, 1, 6), end=date(2025, 2, 10), mg=100),
        taking("s-ven", VENLAFAXINE, date(2025, 2, 10), mg=150),
    )
    sertraline = record.trials[0]
    assert (sertraline.verdict, sertraline.weeks_at_adequate_dose) == (Verdict.INADEQUATE, 5.0)
    found = cards(record)
    review = found["adherence-review"]
    assert review.summary == (
        "1 trial not adequate (sertraline 5 wk, possibly adequate): review dose and adherence "
        "before counting failures"
    )
    assert (
        "- **sertraline** (2025-01-06): possibly adequate - review: 5 weeks at an adequate dose "
        "(needs 6); not counted as a failure"
    ) in review.detail
    assert found["optimize-switch-augment"].summary.startswith(
        "1 adequate trial failed (venlafaxine)"
    )
    assert "tms-referral" not in found


def test_dose_unknown_for_20_weeks_asks_to_confirm_the_dose() -> None:
    # "sertraline" with no strength and no dose: unknown, never zero, never adequate.
    record = chart(
        mdd(),
        fr.phq9_total("phq-1", date(2025, 1, 6), 19),
        fr.phq9_total("phq-2", date(2025, 5, 20), 17),
        fr.medication_statement("s-ser", "36437", "sertraline", date(2025, 1, 6)),
    )
    (sertraline,) = record.trials
    assert (sertraline.verdict, sertraline.current_mg_per_day) == (Verdict.ONGOING, None)
    review = cards(record)["adherence-review"]
    assert review.summary == (
        "1 trial not adequate (sertraline dose not recorded): review dose and adherence before "
        "counting failures"
    )
    assert (
        "- **sertraline** (2025-01-06): dose not recorded for 21 weeks: confirm the dose taken; "
        "ongoing"
    ) in review.detail


def test_treatment_resistant_depression_coded_without_any_trial_asks_for_the_history() -> None:
    # TRD (SNOMED 1153570009) on the problem list, PHQ-9 17, no medication in the chart: the
    # history lives elsewhere. Ask for it; never a TMS referral on zero documented trials.
    record = chart(
        fr.condition(
            "trd",
            fr.SNOMED,
            "1153570009",
            "Treatment resistant depression (disorder)",
            date(2024, 1, 8),
        ),
        fr.phq9_total("phq-1", date(2025, 5, 20), 17),
    )
    found = cards(record)
    assert sorted(found) == ["adherence-review"]
    review = found["adherence-review"]
    assert review.summary == (
        "Treatment-resistant depression on the problem list but no antidepressant trial in the "
        "chart: record the treatment history"
    )
    assert "no TMS referral is suggested on this basis" in review.detail
    assert "| Drug |" not in review.detail


def test_cross_taper_overlap_keeps_two_trials_and_counts_both_failures() -> None:
    # Venlafaxine started two weeks before sertraline stopped (cross-taper): two trials, not a
    # combination, and the overlap does not shorten either.
    resources = two_failed_trials()[:5] + [
        taking("s-ser", SERTRALINE, date(2024, 6, 3), end=date(2024, 10, 15), mg=150),
        taking("s-ven", VENLAFAXINE, date(2024, 10, 1), mg=225),
    ]
    record = chart(*resources)
    assert [(t.ingredient, t.role, t.start, t.end, t.verdict) for t in record.trials] == [
        ("sertraline", Role.ANTIDEPRESSANT, date(2024, 6, 3), date(2024, 10, 15), Verdict.ADEQUATE),
        ("venlafaxine", Role.ANTIDEPRESSANT, date(2024, 10, 1), AS_OF, Verdict.ADEQUATE),
    ]
    assert cards(record)["tms-referral"].summary == (
        # Totals only: the referral waits for item 9 as the adjuncts do (review s24 RA F1).
        # The trials are statements with no informationSource: no order or fill on record, so
        # "medication list only" (review s27 RA finding 2; Trial.statement_only).
        "2 adequate trials failed, medication list only; PHQ-9 17: ask item 9 first, then "
        "consider TMS referral; payer criteria not yet met"  # PHQ-9 17 is not "severe"
    )


# --- combinations, augmentation, ECT ------------------------------------------------------------


def test_mirtazapine_added_to_an_ssri_is_augmentation_and_not_offered_as_a_switch() -> None:
    # Mirtazapine 30 mg added to sertraline on purpose (CANMAT 2023 Table 7.2 adjunct).
    record = chart(
        mdd(),
        fr.phq9_total("phq-1", date(2024, 6, 3), 19),
        fr.phq9_total("phq-2", date(2025, 1, 6), 18),
        fr.phq9_total("phq-3", date(2025, 5, 20), 17),
        taking("s-ser", SERTRALINE, date(2024, 6, 3), mg=150),
        taking("s-mir", MIRTAZAPINE, date(2025, 1, 6), mg=30),
    )
    assert [(t.ingredient, t.role) for t in record.trials] == [
        ("sertraline", Role.ANTIDEPRESSANT),
        ("mirtazapine", Role.AUGMENTATION),
    ]
    stage = build_context(record, Policy()).stage
    assert (stage.augmentation.basis, stage.augmentation.points) == ("mirtazapine", 1)
    detail = cards(record)["optimize-switch-augment"].detail
    assert "Adjuncts already used in this episode: mirtazapine." in detail
    # Mianserin (CANMAT first line, not marketed in the US: policy drug_market) is neither
    # offered nor named at a US site (review 19 I8); with drug_market "any" it is listed with its
    # note.
    assert "NaSSA: mianserin" not in detail
    assert "mianserin" not in detail
    anywhere = cards(record, Policy(drug_market="any"))["optimize-switch-augment"].detail
    assert "NaSSA: mianserin (not marketed in Canada/US)" in anywhere


def test_lithium_augmentation_scores_the_maudsley_augmentation_point() -> None:
    record = chart(*two_failed_trials(), taking("s-li", LITHIUM, date(2025, 1, 6), mg=900))
    lithium = record.trials[-1]
    assert (lithium.ingredient, lithium.role) == ("lithium", Role.AUGMENTATION)
    stage = build_context(record, Policy()).stage
    # Total 6: the chart's PHQ-9, newer than its coded F33.2 ("severe"), grades severity (3);
    # the code is named (services/staging_severity.py, review 19 b01).
    assert (stage.augmentation.basis, stage.augmentation.points, stage.total) == ("lithium", 1, 6)


def test_ect_in_this_episode_scores_the_maudsley_ect_point() -> None:
    ect = fr.procedure("ect-1", fr.CPT, "90870", "Electroconvulsive therapy", date(2025, 3, 3))
    record = chart(*two_failed_trials(), ect)
    stage = build_context(record, Policy()).stage
    assert (stage.ect.basis, stage.ect.points) == ("ECT on record (2025-03-03)", 1)


def test_open_ect_referral_blocks_a_parallel_tms_card_and_is_not_proposed_twice() -> None:
    ect = fr.service_request(
        "sr-ect", fr.CPT, "90870", "Electroconvulsive therapy", date(2025, 5, 26)
    )
    found = cards(chart(*two_failed_trials(), ect))
    assert "tms-referral" not in found
    optimise = found["optimize-switch-augment"]
    # The item 9 hold's reason follows it (session 21 F4 item 1: every hold says why).
    assert optimise.summary == (
        # With "medication list only" (statements with no source: review s27 RA finding 2) the
        # full summary is too long; its short form keeps the hold, the detail the open referral.
        "2 adequate trials failed (sertraline, venlafaxine): ask PHQ-9 item 9 (not recorded) "
        "first, then augment or switch class"
    )
    assert "an ECT referral is already open (active on 2025-05-26)" in optimise.detail


# --- age, pregnancy, diagnosis --------------------------------------------------------------------


def test_sixteen_year_old_gets_no_tms_card_and_is_told_why() -> None:
    # Adult criteria (LCD L34998, CANMAT 2023); NeuroStar's adolescent clearance (K231926, 15-21)
    # is adjunct-only: a specialist decision, so the safer behaviour is no TMS card.
    found = cards(chart(*two_failed_trials(), birth="2009-01-10"))
    assert "tms-referral" not in found
    optimise = found["optimize-switch-augment"]
    # Issue 11 item 11: under 18 the switch follows the age list (NICE NG134), not adult classes.
    assert optimise.summary == (
        # "medication list only": the trials are statements with no source (s27 RA finding 2).
        "2 adequate trials failed, medication list only: switch to fluoxetine or citalopram "
        "(NICE NG134); TMS: outside adult payer policy (age 16)"
    )
    assert "**Age 16:** antidepressant choices follow the under-18 list (NICE NG134, FDA)" in (
        optimise.detail
    )
    assert "patient is 16: the TMS criteria here are for adults (policy: 18+)" in optimise.detail
    # The FDA database entry, not a mirror (H14): a card links no third-party .com page.
    assert "cfpmn/pmn.cfm?ID=K231926" in optimise.detail


def test_pregnancy_on_record_is_named_where_treatment_changes_are_proposed() -> None:
    pregnant = fr.condition(
        "preg", fr.ICD10CM, "Z33.1", "Pregnant state, incidental", date(2025, 3, 1)
    )
    found = cards(chart(*two_failed_trials(), pregnant))
    expected = (
        "**Pregnancy on record:** Pregnant state, incidental "
        "(ICD-10-CM Z33.1 since 2025-03-01). The "
    )
    assert expected + "medication options on this card" in found["optimize-switch-augment"].detail
    # TMS is not lumped with the drugs (review s26 GB item 3), and the TMS card, which offers no
    # medication, does not speak of "the medication options on this card" (review s28 RI
    # finding 4).
    tms = found["tms-referral"].detail
    assert (
        "**Pregnancy on record:** Pregnant state, incidental (ICD-10-CM Z33.1 since 2025-03-01): "
        "confirm it is current. TMS exposes" in tms
    )
    assert "medication options" not in tms
    assert "TMS exposes the fetus to no drug" in tms
    assert "Pregnancy" not in found["psychotherapy"].detail


def test_remission_code_with_a_high_phq9_flags_the_outdated_diagnosis() -> None:
    remission = fr.condition(
        "rem",
        fr.ICD10CM,
        "F33.41",
        "Major depressive disorder, recurrent, in partial remission",
        date(2024, 6, 3),
    )
    resources = [r for r in two_failed_trials() if r["id"] != "mdd"]
    record = chart(*resources, remission)
    assert record.context.has(FindingKind.MDD_IN_REMISSION)
    review = cards(record)["diagnosis-review"]
    assert review.summary.startswith(
        "Confirm the diagnosis before escalating: problem list says remission"
    )
    assert (
        "**Problem list says remission:** Major depressive disorder, recurrent, in partial "
        "remission (ICD-10-CM F33.41, since 2024-06-03), but PHQ-9 17 "
        "(moderately severe) on 2025-05-20."
    ) in review.detail


def test_free_text_stimulator_on_the_problem_list_blocks_tms() -> None:
    # No code, only text: still an implanted stimulator near the head (L34998/L37086).
    vns = fr.condition("vns", fr.SNOMED, "0", "placeholder", date(2019, 3, 4))
    vns["code"] = {"text": "Vagus nerve stimulator in situ"}
    record = chart(*two_failed_trials(), vns)
    (implant,) = record.context.of(FindingKind.IMPLANTED_DEVICE)
    assert (implant.display, implant.source and str(implant.source)) == (
        "Vagus nerve stimulator in situ",
        "Condition/vns",
    )
    found = cards(record)
    assert "tms-referral" not in found
    assert "contraindication: Vagus nerve stimulator in situ" in (
        found["optimize-switch-augment"].detail
    )


# --- PHQ-9 item 9 ---------------------------------------------------------------------------------


def test_item9_positive_45_days_ago_then_zero_yesterday_is_outside_the_window() -> None:
    # Decision (policy.suicide_item9_lookback_days = 30, issue 4): a fresh 0 yesterday is the
    # current screen, so the older positive answer is no longer an acute signal. Changed after
    # the psychiatrist's review (patient-view findings 5 and 6): it was never assessed, and a 0
    # is not an assessment, so it does not vanish either: a warning asks for the assessment
    # (policy.suicide_unassessed_item9_days).
    resources = [
        *two_failed_trials(),
        fr.phq9_panel("panel-old", date(2025, 4, 18), total=16, item9_score=2),
        fr.phq9_panel("panel-new", date(2025, 6, 1), total=12, item9_score=0),
    ]
    card = cards(chart(*resources))["suicide-risk"]
    assert card.indicator == "warning"
    assert card.summary.startswith(
        "PHQ-9 item 9 = 2 (more than half the days) on 2025-04-18, no risk assessment on record"
    )
    longer = cards(chart(*resources), Policy(suicide_item9_lookback_days=60))
    # Within the longer look-back the positive answer is current, and the later item 9 = 0 does
    # not acknowledge it: still critical until an assessment is recorded.
    card = longer["suicide-risk"]
    assert card.indicator == "critical"
    assert card.summary.startswith(
        "PHQ-9 item 9 = 2 (more than half the days) on 2025-04-18, no assessment on record"
    )


def test_item9_without_a_total_fires_the_suicide_card_and_asks_for_a_full_phq9() -> None:
    record = chart(
        mdd(),
        fr.phq9_total("phq-old", date(2024, 6, 3), 19),
        taking("s-ser", SERTRALINE, date(2025, 3, 3), mg=100),
        fr.item9("i9", date(2025, 5, 30), 1, answer=True),
    )
    topics = [r.topic for r in patient_view(record, Policy())]
    assert topics == ["suicide-risk", "measurement-based-care"]


def test_phq9_of_27_counts_and_an_impossible_35_is_never_shown() -> None:
    record = chart(
        *two_failed_trials(),
        fr.phq9_total("phq-max", date(2025, 5, 26), 27),
        fr.phq9_total("phq-bad", date(2025, 5, 30), 35),
    )
    assert record.latest_phq9() is not None and record.latest_phq9().value == 27  # type: ignore[union-attr]
    found = cards(record)
    for card in found.values():
        assert "35" not in card.summary and "PHQ-9 35" not in card.detail
    # Issue 11: a total of 27 proves item 9 = 3 (inferred), an acute suicide-risk signal, so the
    # suicide-risk card quotes the 27 and TMS is not the next step (item 8): no TMS card, and the
    # suicide-risk card names ECT and esketamine instead.
    assert found["suicide-risk"].summary.startswith(
        "PHQ-9 total 27 on 2025-05-26 implies item 9 at least 3 (not recorded)"
    )
    assert "tms-referral" not in found
    assert "ECT" in found["suicide-risk"].detail and "esketamine" in found["suicide-risk"].detail
