"""A weight-management product's bupropion (Contrave: naltrexone/bupropion, data/combination_products
.csv) is never an antidepressant trial and never "augmentation used" in the Maudsley stage, while
every safety check still counts it; Symbyax stays a trial and an augmentation, as its label
(treatment-resistant depression) says.

Charts are FHIR R4 as US EHRs send them (the helpers of tests/services/test_order_safety.py), mapped
by fhir_mapping.build_record with the real drug table; the Contrave of the chart is an Epic/Oracle
home-medication statement with the brand as free text only."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.record import PatientRecord, Verdict
from services import order_hooks, trial_table
from services.pathway import derive_facts
from services.policy import Policy
from services.recommendation import Indicator
from services.staging import maudsley_stage
from tests.fixtures import builders as fb
from tests.services.test_combination_products import BUPROPION_XL_300, SYMBYAX_25_6
from tests.services.test_order_safety import (
    PHENELZINE_15,
    SERTRALINE_100,
    P,
    Resource,
    at_order,
    chart,
    depressed,
    drafted,
    phq9,
    taking,
)

pytestmark = pytest.mark.real_drug_table


def contrave(start: date, *, end: date | None = None, rid: str = "ms-contrave") -> Resource:
    """Contrave at its maintenance dose (bupropion 360 mg/day), as a patient-reported home
    medication: the brand as free text, the sig as text."""
    return fb.medication_statement(
        None,
        "Contrave 8-90 mg ER tablet",
        start,
        end,
        status="completed" if end else "active",
        text="2 tablets by mouth twice daily",
        frequency=None,
        patient=P,
        id=rid,
    )


def _on_sertraline_then_contrave() -> PatientRecord:
    # Sertraline 100 mg failed (PHQ-9 18 -> 16 after 26 weeks); Contrave added in April.
    return chart(
        *depressed(),
        phq9(date(2024, 3, 1), 18),
        taking(SERTRALINE_100, date(2024, 2, 1), rid="mr-sertraline"),
        contrave(date(2024, 4, 1)),
        phq9(date(2024, 8, 1), 16),
    )


def test_contrave_added_to_sertraline_is_no_augmentation_in_the_maudsley_stage() -> None:
    record = _on_sertraline_then_contrave()
    facts = derive_facts(record, Policy())
    stage = maudsley_stage(record, facts)
    # Before: "Augmentation 1 (used): bupropion".
    assert (stage.augmentation.category, stage.augmentation.basis) == ("not used", "none on record")
    assert stage.augmentation.points == 0
    assert facts.augmentations == ()
    assert facts.failed_ingredients == ("sertraline",)


def test_contrave_alone_that_stopped_is_never_a_failed_antidepressant_trial() -> None:
    # Six months of Contrave at bupropion 360 mg/day, stopped, PHQ-9 unchanged: judged as a
    # bupropion trial it was an adequate, failed one (before), counted toward TRD and TMS.
    record = chart(
        *depressed(),
        phq9(date(2024, 3, 20), 18),
        contrave(date(2024, 4, 1), end=date(2024, 10, 1)),
        phq9(date(2024, 9, 1), 17),
    )
    (bupropion,) = record.trials
    assert bupropion.verdict is Verdict.NOT_A_TRIAL
    facts = derive_facts(record, Policy())
    assert facts.failed_trials == ()
    assert (
        trial_table.verdict_text(bupropion, Policy().mapping)
    ) == "Contrave's bupropion (chronic weight management): not an antidepressant trial"
    # Nor does it date the episode as its "first antidepressant trial".
    assert "first antidepressant trial" not in maudsley_stage(record, facts).duration.basis


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_bupropion_ordered_while_contrave_runs_adds_up_and_names_contrave(hook: str) -> None:
    # Before: the free-text Contrave was plain bupropion of unknown dose, so bupropion XL renewed
    # it: no shared-ingredient card at all.
    record = chart(*depressed(), contrave(date(2025, 1, 6)), drafts=(drafted(BUPROPION_XL_300),))
    card = at_order(record, hook)[order_hooks.ABOVE]
    assert card.summary == (
        "Bupropion ordered while Contrave (bupropion 360 mg/day) runs: 660 mg/day total, "
        "above 450; seizure risk; do not combine"
    )
    assert (
        "(Contrave's bupropion: naltrexone/bupropion for chronic weight management)" in card.detail
    )


def test_an_maoi_ordered_while_contrave_runs_is_still_critical() -> None:
    record = chart(*depressed(), contrave(date(2025, 1, 6)), drafts=(drafted(PHENELZINE_15),))
    found = at_order(record)
    critical = [r for r in found.values() if r.indicator is Indicator.CRITICAL]
    assert critical and "bupropion" in critical[0].summary.lower()


def test_symbyax_stays_a_trial_and_its_olanzapine_an_augmentation() -> None:
    record = chart(
        *depressed(),
        phq9(date(2024, 12, 20), 18),
        taking(SYMBYAX_25_6, date(2025, 1, 6), rid="mr-ofc"),
    )
    facts = derive_facts(record, Policy())
    stage = maudsley_stage(record, facts)
    assert (stage.augmentation.category, stage.augmentation.basis) == ("used", "olanzapine")
    fluoxetine = next(t for t in record.trials if t.ingredient == "fluoxetine")
    assert fluoxetine.verdict is not Verdict.NOT_A_TRIAL
    assert fluoxetine in facts.ongoing_trials
