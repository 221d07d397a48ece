"""The order's stated indication (reasonCode / reasonReference; fhir_mapping/indications.py)
decides whether a course is a depression trial: an antidepressant ordered only for something else
(Zyban for smoking cessation, duloxetine for diabetic neuropathy) is no failed trial toward TRD or
TMS, while every safety check still sees it; one ordered for PTSD is counted, "to confirm".

Charts are FHIR R4 as US EHRs send them (the helpers of tests/services/test_order_safety.py): an
Epic order whose associated diagnosis is a reasonCode with ICD-10-CM, SNOMED CT and ICD-9-CM
codings and a text (as ../shared/fhir/vendor/medplum__epic-sandbox-testdata writes it), pharmacy
fills, PHQ-9s; a Synthea order with reasonReference "urn:uuid:<id>" to its Condition."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.record import InadequacyReason, IndicationCategory, PatientRecord, Verdict
from services import trial_table
from services.order_hooks import order_hook
from services.pathway import derive_facts
from services.payer_criteria import evaluate_payer_criteria
from services.payer_criteria.model import CriterionKind, CriterionStatus
from services.policy import Policy
from services.recommendation import Indicator
from tests.fixtures import builders as fb
from tests.services.test_order_safety import P, Resource, chart, drafted, mdd, phq9, taking

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
ZYBAN = (
    "1801289",
    "Smoking Cessation 12 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet",
)
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
FLUOXETINE_20 = ("310385", "fluoxetine 20 MG Oral Capsule")
DULOXETINE_60 = ("596934", "duloxetine 60 MG Delayed Release Oral Capsule")
TRAMADOL_50 = ("835603", "tramadol hydrochloride 50 MG Oral Tablet")
ICD9 = "http://hl7.org/fhir/sid/icd-9-cm"

# Epic's associated diagnosis: ICD-10-CM with SNOMED CT and ICD-9-CM alongside, and a text.
TOBACCO = [
    (fb.SNOMED, "110483000", "Tobacco user (finding)"),
    (ICD9, "305.1", "Tobacco use disorder"),
    (fb.ICD10CM, "Z72.0", "Tobacco use"),
]
MDD_REASON = [
    (fb.SNOMED, "370143000", "Major depressive disorder (disorder)"),
    (fb.ICD10CM, "F33.1", "Major depressive disorder, recurrent, moderate"),
]
NEUROPATHY = [
    (fb.ICD10CM, "E11.40", "Type 2 diabetes mellitus with diabetic neuropathy, unspecified"),
]


def with_reason(resource: Resource, codings: list[tuple[str, str, str]], text: str) -> Resource:
    resource["reasonCode"] = [
        {"coding": [fb.coding(*c) for c in codings], "text": text},
    ]
    return resource


def fills(drug: tuple[str, str], start: date, months: int, per_day: int, rx: str) -> list[Resource]:
    return [
        fb.medication_dispense(
            drug[0],
            drug[1],
            date(
                start.year + (start.month - 1 + i) // 12, (start.month - 1 + i) % 12 + 1, start.day
            ),
            30,
            30 * per_day,
            frequency=per_day,
            patient=P,
            prescription=rx,
            refill=i > 0,
            id=f"md-{rx}-{i}",
        )
        for i in range(months)
    ]


def failed_ssri(drug: tuple[str, str], start: date, stop: date, rid: str) -> list[Resource]:
    """An SSRI for the depression (reason F33.1), filled monthly, PHQ-9 unchanged on it."""
    order = taking(drug, start, stopped=stop, rid=rid)
    return [
        with_reason(order, MDD_REASON, "Major depressive disorder"),
        *fills(drug, start, 4, 1, rid),
    ]


def zyban(reason: list[tuple[str, str, str]], text: str) -> list[Resource]:
    """Bupropion SR 150 mg twice daily, January to June 2024, four months filled."""
    order = taking(ZYBAN, date(2024, 1, 8), per_day=2, stopped=date(2024, 6, 1), rid="mr-zyban")
    return [with_reason(order, reason, text), *fills(ZYBAN, date(2024, 1, 8), 4, 2, "mr-zyban")]


def scores() -> list[Resource | list[Resource]]:
    # PHQ-9 unchanged through every course: 19 to 18.
    return [
        phq9(date(2023, 1, 3), 19),
        phq9(date(2023, 6, 1), 18),
        phq9(date(2024, 1, 2), 19),
        phq9(date(2024, 5, 20), 18),
        phq9(date(2024, 10, 1), 18),
        phq9(date(2025, 5, 20), 18),
    ]


def bupropion(record: PatientRecord):  # type: ignore[no-untyped-def]
    (found,) = [t for t in record.trials if t.ingredient == "bupropion"]
    return found


def test_zyban_for_smoking_beside_two_failed_ssris_is_not_counted() -> None:
    record = chart(
        mdd(),
        *scores(),
        *failed_ssri(SERTRALINE_100, date(2023, 1, 9), date(2023, 5, 15), "mr-ser"),
        *failed_ssri(ESCITALOPRAM_10, date(2024, 6, 10), date(2024, 10, 20), "mr-esc"),
        *zyban(TOBACCO, "Tobacco use"),
    )
    trial = bupropion(record)
    # Before: an adequate bupropion trial (300 mg/day for 20 weeks) that failed, counted.
    assert trial.verdict is Verdict.NOT_A_TRIAL
    assert trial.reasons == (InadequacyReason.OTHER_INDICATION,)
    assert [r.category for r in trial.stated_reasons] == [IndicationCategory.NON_PSYCHIATRIC]
    facts = derive_facts(record, Policy())
    assert [t.ingredient for t in facts.failed_trials] == ["sertraline", "escitalopram"]
    assert trial_table.verdict_text(trial, Policy().mapping) == (
        "ordered for smoking cessation (Z72.0): not counted as a depression trial"
    )
    (criterion,) = [
        r
        for r in evaluate_payer_criteria(record, facts, Policy()).results
        if r.kind is CriterionKind.TRIALS
    ]
    assert (
        "not counted: bupropion 300 mg/day 2024-01-08 - 2024-06-01: ordered for smoking "
        "cessation (Z72.0): not counted as a depression trial"
    ) in criterion.evidence[0]


def _one_ssri_and_bupropion(reason: list[tuple[str, str, str]], text: str) -> PatientRecord:
    return chart(
        mdd(),
        *scores(),
        *failed_ssri(SERTRALINE_100, date(2023, 1, 9), date(2023, 5, 15), "mr-ser"),
        *zyban(reason, text),
    )


def test_tms_is_not_proposed_on_a_failed_ssri_and_zyban_for_smoking() -> None:
    record = _one_ssri_and_bupropion(TOBACCO, "Tobacco use")
    facts = derive_facts(record, Policy())
    # Before: sertraline (SSRI) and bupropion (NDRI) failed: two classes, TRD, TMS proposed.
    assert [t.ingredient for t in facts.failed_trials] == ["sertraline"]
    assert not facts.meets_trd
    assert not facts.tms.eligible


def test_the_same_chart_with_bupropion_ordered_for_depression_counts_as_today() -> None:
    record = _one_ssri_and_bupropion(MDD_REASON, "Major depressive disorder")
    trial = bupropion(record)
    assert trial.verdict is Verdict.ADEQUATE and trial.failed
    facts = derive_facts(record, Policy())
    assert [t.ingredient for t in facts.failed_trials] == ["sertraline", "bupropion"]
    assert facts.meets_trd and facts.tms.eligible
    # A depression reason leaves nothing to confirm.
    assert "confirm it was a trial" not in trial_table.verdict_text(trial, Policy().mapping)


def test_mixed_reasons_depression_and_smoking_count() -> None:
    record = _one_ssri_and_bupropion([*TOBACCO, *MDD_REASON], "Depression; tobacco use")
    assert bupropion(record).failed


# --- Synthea: sertraline with reasonReference to a PTSD Condition -------------------------------


def _ptsd_chart(reference: str) -> PatientRecord:
    ptsd = fb.condition(
        fb.SNOMED,
        "47505003",
        "Posttraumatic stress disorder",
        date(2022, 6, 19),
        patient=P,
        id="3f1c9a52-7d1e-4c59-9d0b-2b6a6f0e7a11",
    )
    sertraline = fb.medication_request(
        SERTRALINE_100[0],
        SERTRALINE_100[1],
        date(2023, 1, 9),
        status="stopped",
        bounds_end=date(2023, 6, 1),
        patient=P,
        reason_condition=None,
        id="mr-ser",
    )
    sertraline["reasonReference"] = [{"reference": reference}]
    fluoxetine = failed_ssri(FLUOXETINE_20, date(2024, 6, 10), date(2024, 10, 20), "mr-flx")
    venlafaxine = taking(
        ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule"),
        date(2023, 7, 3),
        per_day=2,
        stopped=date(2023, 11, 20),
        rid="mr-ven",
    )
    return chart(
        mdd(),
        ptsd,
        *scores(),
        sertraline,
        *fills(SERTRALINE_100, date(2023, 1, 9), 4, 1, "mr-ser"),
        with_reason(venlafaxine, MDD_REASON, "Major depressive disorder"),
        *fills(
            ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule"),
            date(2023, 7, 3),
            4,
            2,
            "mr-ven",
        ),
        *fluoxetine,
    )


def _trials_criterion(record: PatientRecord):  # type: ignore[no-untyped-def]
    facts = derive_facts(record, Policy())
    (found,) = [
        r
        for r in evaluate_payer_criteria(record, facts, Policy()).results
        if r.kind is CriterionKind.TRIALS
    ]
    return facts, found


def test_sertraline_for_ptsd_is_counted_and_the_tms_criterion_says_to_confirm() -> None:
    record = _ptsd_chart("urn:uuid:3f1c9a52-7d1e-4c59-9d0b-2b6a6f0e7a11")
    sertraline = next(t for t in record.trials if t.ingredient == "sertraline")
    assert [r.category for r in sertraline.stated_reasons] == [IndicationCategory.PSYCHIATRIC_OTHER]
    facts, criterion = _trials_criterion(record)
    assert "sertraline" in [t.ingredient for t in facts.failed_trials]
    # Before: "Met", nothing to confirm.
    assert criterion.status is CriterionStatus.MET
    assert criterion.status_text == "Met, to confirm"
    assert criterion.to_confirm is not None
    assert (
        "sertraline ordered for PTSD (SNOMED CT 47505003): confirm it was a trial for the "
        "depression"
    ) in criterion.to_confirm
    assert "confirm it was a trial for the depression" in trial_table.verdict_text(
        sertraline, Policy().mapping
    )


def test_a_reason_reference_that_does_not_resolve_is_counted_and_said_not_read() -> None:
    record = _ptsd_chart("Condition/not-sent")
    sertraline = next(t for t in record.trials if t.ingredient == "sertraline")
    assert [r.category for r in sertraline.stated_reasons] == [IndicationCategory.NOT_READ]
    facts, criterion = _trials_criterion(record)
    assert "sertraline" in [t.ingredient for t in facts.failed_trials]
    assert criterion.to_confirm is not None
    assert (
        "sertraline its stated reason could not be read (Condition/not-sent): confirm it was a "
        "trial for the depression"
    ) in criterion.to_confirm


# --- duloxetine for diabetic neuropathy: still a running SNRI to the safety checks -----------


def test_duloxetine_for_neuropathy_is_no_trial_but_tramadol_drafted_beside_it_still_warns() -> None:
    duloxetine = with_reason(
        taking(DULOXETINE_60, date(2025, 1, 6), rid="mr-dlx"),
        NEUROPATHY,
        "Diabetic neuropathy",
    )
    record = chart(
        mdd(),
        phq9(date(2025, 5, 20), 17),
        duloxetine,
        drafts=(drafted(TRAMADOL_50, per_day=4, rid="draft-tram"),),
    )
    (trial,) = [t for t in record.trials if t.ingredient == "duloxetine"]
    assert trial.verdict is Verdict.NOT_A_TRIAL and trial.ongoing
    recs = {r.topic: r for r in order_hook(record, Policy(), hook="order-sign")}
    card = recs["order-drug-interaction"]
    assert card.indicator is Indicator.WARNING
    assert "duloxetine" in card.detail and "serotonin syndrome" in card.detail.lower()
