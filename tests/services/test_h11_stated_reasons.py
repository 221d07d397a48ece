"""READ12 findings 1 and 2: a course is dropped as "ordered for another indication" only when every
order and statement of it states a non-psychiatric reason, read from its codings AND its text.

1. Zyban ordered for smoking (Epic's associated diagnosis Z72.0), then a continuation order of it
   with no reason: before, the unstated order did not count in the course's judgement and the
   whole nine-month course was NOT_A_TRIAL. Now it is counted, as a course with no reason is, and
   named "to confirm" (the safer reading: neither hiding a trial nor claiming one silently).
2. An Epic reason coded Z72.0 whose text is "Depression and smoking cessation": before, the text
   was ignored once a coding was recognised, and the course was dropped. Now depression named in
   the text counts, as it does across codings.

Charts as tests/services/test_order_indication.py builds them: Epic orders whose reasonCode has
SNOMED CT, ICD-9-CM and ICD-10-CM codings and a text, monthly pharmacy fills, PHQ-9s unchanged.
"""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.record import IndicationCategory, PatientRecord, Verdict
from services import trial_table
from services.pathway import derive_facts
from services.payer_criteria import evaluate_payer_criteria
from services.payer_criteria.model import CriterionKind
from services.policy import Policy
from tests.services.test_order_indication import (
    SERTRALINE_100,
    TOBACCO,
    bupropion,
    failed_ssri,
    fills,
    scores,
    with_reason,
    zyban,
)
from tests.services.test_order_safety import chart, mdd, taking

pytestmark = pytest.mark.real_drug_table

CONFIRM = (
    "ordered for smoking cessation (Z72.0) on some of its orders, with no reason stated on "
    "others: confirm it was a trial for the depression"
)


# The SR tablet RxNorm names for depression (not the smoking-cessation product 1801289, which is
# no trial by its label whatever the orders say: tests/fhir_mapping/test_zyban_product.py).
BUPROPION_SR = ("993518", "12 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet")


def _zyban_then_continued(*, continuation_reason: bool) -> PatientRecord:
    """Zyban for smoking January to June 2024, continued June to October as bupropion SR by a
    second order, with or without the same associated diagnosis; a failed sertraline course
    before it."""
    later = taking(
        BUPROPION_SR, date(2024, 6, 1), per_day=2, stopped=date(2024, 10, 1), rid="mr-zyban2"
    )
    if continuation_reason:
        later = with_reason(later, TOBACCO, "Tobacco use")
    return chart(
        mdd(),
        *scores(),
        *failed_ssri(SERTRALINE_100, date(2023, 1, 9), date(2023, 5, 15), "mr-ser"),
        *zyban(TOBACCO, "Tobacco use"),
        later,
        *fills(BUPROPION_SR, date(2024, 6, 1), 4, 2, "mr-zyban2"),
    )


def _trials_criterion(record: PatientRecord):  # type: ignore[no-untyped-def]
    facts = derive_facts(record, Policy())
    (found,) = [
        r
        for r in evaluate_payer_criteria(record, facts, Policy()).results
        if r.kind is CriterionKind.TRIALS
    ]
    return facts, found


def test_a_continuation_order_with_no_reason_keeps_the_course_counted_to_confirm() -> None:
    record = _zyban_then_continued(continuation_reason=False)
    trial = bupropion(record)
    # Before: NOT_A_TRIAL (other indication) for the whole course, 2024-01-08 to 2024-10-01.
    assert (trial.start, trial.end) == (date(2024, 1, 8), date(2024, 10, 1))
    assert trial.verdict is Verdict.ADEQUATE and trial.failed
    assert [r.category for r in trial.stated_reasons] == [IndicationCategory.NON_PSYCHIATRIC]
    facts, criterion = _trials_criterion(record)
    assert [t.ingredient for t in facts.failed_trials] == ["sertraline", "bupropion"]
    # Counted, never silently: the trial table and the payer criterion both say what to confirm.
    assert trial_table.verdict_text(trial, Policy().mapping).endswith(CONFIRM)
    assert criterion.to_confirm is not None
    assert f"bupropion {CONFIRM}" in criterion.to_confirm


def test_every_order_stating_smoking_still_drops_the_course() -> None:
    # The pharmacy fills state no reason (a MedicationDispense has none in R4): they do not keep
    # the course counted; only an order or statement without a reason does.
    trial = bupropion(_zyban_then_continued(continuation_reason=True))
    assert trial.verdict is Verdict.NOT_A_TRIAL
    assert trial_table.verdict_text(trial, Policy().mapping) == (
        "ordered for smoking cessation (Z72.0): not counted as a depression trial"
    )


def test_depression_in_the_text_of_a_z72_reason_counts_the_course() -> None:
    record = chart(
        mdd(),
        *scores(),
        *failed_ssri(SERTRALINE_100, date(2023, 1, 9), date(2023, 5, 15), "mr-ser"),
        *zyban(TOBACCO, "Depression and smoking cessation"),
    )
    trial = bupropion(record)
    # Before: NOT_A_TRIAL, "ordered for smoking cessation (Z72.0)".
    assert trial.verdict is Verdict.ADEQUATE and trial.failed
    assert [(r.category, r.text) for r in trial.stated_reasons] == [
        (IndicationCategory.DEPRESSION, "Depression and smoking cessation (Z72.0)")
    ]
    facts = derive_facts(record, Policy())
    assert [t.ingredient for t in facts.failed_trials] == ["sertraline", "bupropion"]
    # A depression reason leaves nothing to confirm.
    assert "confirm it was a trial" not in trial_table.verdict_text(trial, Policy().mapping)
