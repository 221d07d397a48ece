"""Review 10 finding 1: a fixed combination counts as each of its components.

Auvelity (dextromethorphan-bupropion 45/105 mg, one tablet twice a day: bupropion 210 mg/day)
beside bupropion XL 300 mg is 510 mg/day of bupropion, above the 450 mg/day maximum; its class
("NMDA antagonist") and its name are not bupropion's, so no check saw it. After Auvelity failed,
the switch list offered "NDRI: bupropion" as another mechanism.

Charts are FHIR R4 as US EHRs send them (the helpers of tests/services/test_order_safety.py: US
Core MedicationRequests with RxNorm clinical drugs, ICD-10-CM problem-list Conditions, PHQ-9
Observations), mapped by fhir_mapping.build_record and run through the real drug table; drafts
come as the hook's draftOrders.
"""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping import drug_table
from services import order_hooks
from services.order_hooks import order_hook
from services.policy import Policy
from services.recommendation import Indicator
from tests.services.test_order_safety import (
    FLUOXETINE_20,
    SERTRALINE_100,
    Resource,
    at_order,
    chart,
    depressed,
    drafted,
    everything,
    mdd,
    on_chart,
    phq9,
    taking,
)

pytestmark = pytest.mark.real_drug_table

HOOKS = ["order-select", "order-sign"]
AUVELITY = (
    "2611260",
    "bupropion hydrochloride 105 MG / dextromethorphan hydrobromide 45 MG Extended Release Oral "
    "Tablet",
)
BUPROPION_XL_300 = ("993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet")
BUPROPION_XL_150 = ("993541", "24 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet")
SYMBYAX_25_6 = ("403969", "fluoxetine 25 MG / olanzapine 6 MG Oral Capsule")
SHARED = (order_hooks.ABOVE, order_hooks.SAME_CLASS)


def auvelity_running() -> Resource:
    """Auvelity at its labelled dose, one tablet twice a day, since March."""
    return taking(AUVELITY, date(2025, 3, 24), per_day=2, rid="mr-auv")


def test_the_drug_table_reads_a_combination_as_its_components() -> None:
    assert drug_table.components("dextromethorphan-bupropion") == ("bupropion", "dextromethorphan")
    assert drug_table.components("bupropion") == ("bupropion",)
    assert drug_table.shared_ingredients("bupropion", "dextromethorphan-bupropion") == (
        "bupropion",
    )
    assert drug_table.shared_ingredients("dextromethorphan-bupropion", "bupropion") == (
        "bupropion",
    )
    # The same drug twice is a renewal, not a second product.
    assert drug_table.shared_ingredients("bupropion", "bupropion") == ()
    assert drug_table.shared_ingredients("sertraline", "bupropion") == ()
    # Auvelity's mg are its bupropion's; its dextromethorphan strength is not in the table.
    assert drug_table.component_mg("dextromethorphan-bupropion", "bupropion", 210) == 210
    assert drug_table.component_mg("dextromethorphan-bupropion", "dextromethorphan", 210) is None


@pytest.mark.parametrize("hook", HOOKS)
def test_bupropion_ordered_while_auvelity_runs_gets_the_total_and_the_seizure_risk(
    hook: str,
) -> None:
    record = chart(*depressed(), auvelity_running(), drafts=(drafted(BUPROPION_XL_300),))
    found = at_order(record, hook)
    card = found[order_hooks.ABOVE]
    assert card.summary == (
        "Bupropion ordered while dextromethorphan-bupropion (bupropion 210 mg/day) runs: "
        "510 mg/day total, above 450; seizure risk; do not combine"
    )
    assert len(card.summary) <= 140
    assert card.indicator is Indicator.WARNING
    assert "bupropion 300 mg/day (this order)" in card.detail
    # Its dose named by the bupropion part (review s23 RD leftover 3: never "210 mg/day" beside
    # the product's name, which reads as 210 mg of Auvelity).
    assert "dextromethorphan-bupropion (bupropion 210 mg/day) since 2025-03-24" in (card.detail)
    assert "above the 450 mg/day maximum" in card.detail
    assert "seizure risk rises with the total daily dose" in card.detail
    # A change of treatment, not a renewal of the running drug: the TMS card stays with it.
    assert order_hooks.SAME_CLASS not in found


@pytest.mark.parametrize("hook", HOOKS)
def test_auvelity_ordered_while_bupropion_runs_gets_the_same_card(hook: str) -> None:
    record = chart(
        *depressed(),
        taking(BUPROPION_XL_300, date(2024, 10, 7), rid="mr-bup"),
        drafts=(drafted(AUVELITY, per_day=2),),
    )
    card = at_order(record, hook)[order_hooks.ABOVE]
    assert card.summary == (
        "Dextromethorphan-bupropion ordered while bupropion 300 mg/day runs: bupropion 510 mg/day "
        "total, above 450; seizure risk; do not combine"
    )
    assert "dextromethorphan-bupropion (bupropion 210 mg/day) (this order)" in card.detail
    assert "stop bupropion when dextromethorphan-bupropion starts" in card.detail


def test_both_on_one_order_are_said_once() -> None:
    drafts = (drafted(BUPROPION_XL_300, rid="d1"), drafted(AUVELITY, per_day=2, rid="d2"))
    card = at_order(chart(*depressed(), drafts=drafts))[order_hooks.ABOVE]
    assert card.summary.startswith(
        "Dextromethorphan-bupropion and bupropion 300 mg/day on one order: bupropion 510 mg/day "
        "total, above 450; seizure risk; do not combine"
    )
    assert card.detail.count("Products that contain bupropion") == 1
    # Selected alone at order-select, the first draft still meets the other one.
    alone = order_hook(
        chart(*depressed(), drafts=drafts), Policy(), hook="order-select", selections=["d1"]
    )
    above = [r for r in alone if r.topic == order_hooks.ABOVE]
    assert len(above) == 1
    assert above[0].summary.startswith(
        "Bupropion and dextromethorphan-bupropion (bupropion 210 mg/day) on one order: 510 mg/day "
        "total"
    )


def test_within_the_maximum_two_bupropion_products_still_get_a_card() -> None:
    record = chart(
        *depressed(),
        taking(BUPROPION_XL_150, date(2024, 10, 7), rid="mr-bup"),
        drafts=(drafted(AUVELITY, per_day=2),),
    )
    found = at_order(record)
    assert order_hooks.ABOVE not in found
    card = found[order_hooks.SAME_CLASS]
    assert card.summary == (
        "Dextromethorphan-bupropion ordered while bupropion runs: both contain bupropion; use one "
        "product"
    )
    assert "Together: bupropion 360 mg/day, within the 450 mg/day maximum." in card.detail


def test_renewing_the_running_auvelity_is_no_second_product() -> None:
    record = chart(*depressed(), auvelity_running(), drafts=(drafted(AUVELITY, per_day=2),))
    found = at_order(record)
    assert not set(SHARED) & set(found), everything(found)


def _auvelity_failed(*, still_running: bool = False) -> list[Resource | list[Resource]]:
    """Sertraline failed in 2024, then Auvelity 210 mg/day for 10 weeks with PHQ-9 21 -> 20."""
    return [
        mdd(),
        phq9(date(2024, 6, 3), 23),
        taking(SERTRALINE_100, date(2024, 6, 3), stopped=date(2024, 9, 30), rid="mr-sert"),
        phq9(date(2024, 9, 30), 21),
        taking(
            AUVELITY,
            date(2024, 10, 7),
            per_day=2,
            stopped=None if still_running else date(2025, 1, 27),
            rid="mr-auv",
        ),
        phq9(date(2025, 1, 20), 20),
        phq9(date(2025, 5, 20), 21),
    ]


def test_after_auvelity_failed_bupropion_is_not_a_new_mechanism_on_the_switch_list() -> None:
    text = everything(on_chart(chart(*_auvelity_failed())))
    assert "NMDA antagonist (dextromethorphan-bupropion)" in text
    assert "NDRI: bupropion" not in text
    assert (
        "bupropion not listed: dextromethorphan-bupropion (failed an adequate trial) contains it."
        in text
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_bupropion_ordered_after_auvelity_failed_is_said_on_the_repeat_card(hook: str) -> None:
    record = chart(*_auvelity_failed(), drafts=(drafted(BUPROPION_XL_300),))
    card = at_order(record, hook)[order_hooks.REPEATS]
    assert card.summary.startswith(
        "Bupropion: dextromethorphan-bupropion, which contains it, failed an adequate trial"
    )
    assert card.indicator is Indicator.WARNING
    assert "not a new mechanism" in card.detail
    # Named the way round it is (review 10 recheck R11), never "bupropion shares its bupropion".
    assert "dextromethorphan-bupropion contains bupropion: a fixed combination" in card.detail
    assert "shares its" not in card.detail


def test_auvelity_ordered_after_bupropion_failed_is_said_on_the_repeat_card() -> None:
    record = chart(
        mdd(),
        phq9(date(2024, 6, 3), 23),
        taking(BUPROPION_XL_300, date(2024, 6, 3), stopped=date(2024, 9, 30), rid="mr-bup"),
        phq9(date(2024, 9, 23), 21),
        phq9(date(2025, 5, 20), 21),
        drafts=(drafted(AUVELITY, per_day=2),),
    )
    card = at_order(record)[order_hooks.REPEATS]
    assert card.summary.startswith(
        "Dextromethorphan-bupropion contains bupropion: bupropion failed an adequate trial"
    )
    assert "dextromethorphan-bupropion contains bupropion: a fixed combination" in card.detail


def test_a_failed_component_with_no_baseline_phq9_is_not_said_to_have_had_no_response() -> None:
    """Bupropion failed on a PHQ-9 of 21 taken on it, with none before its start: the repeat card
    says what the record shows (no remission, response not measurable), never "did not bring
    response" (meds44 item 2, its leftover in failed_component)."""
    record = chart(
        mdd(),
        taking(BUPROPION_XL_300, date(2024, 6, 3), stopped=date(2024, 9, 30), rid="mr-bup"),
        phq9(date(2024, 9, 23), 21),
        phq9(date(2025, 5, 20), 21),
        drafts=(drafted(AUVELITY, per_day=2),),
    )
    card = at_order(record)[order_hooks.REPEATS]
    assert "did not bring remission (response not measurable" in card.detail
    assert "response or remission" not in card.detail


def test_olanzapine_fluoxetine_is_read_as_its_components_and_a_fluoxetine_draft_is_no_renewal() -> (
    None
):
    """Symbyax is read as a fluoxetine course and an olanzapine course (one event per
    component); a fluoxetine draft beside it is a second fluoxetine product, not a renewal
    (review 10 recheck R2: tests/services/test_combination_products_more.py)."""
    record = chart(
        *depressed(),
        taking(SYMBYAX_25_6, date(2025, 1, 6), rid="mr-ofc"),
        drafts=(drafted(FLUOXETINE_20),),
    )
    assert {t.ingredient for t in record.trials if t.ongoing} == {"fluoxetine", "olanzapine"}
    found = at_order(record)
    assert order_hooks.SAME_CLASS in found, everything(found)
    # Its fluoxetine failed (PHQ-9 on it, no response): the repeat card says so (second
    # recheck N1), where a renewal of the running fluoxetine would say nothing.
    assert order_hooks.REPEATS in found


def test_bupropion_is_no_second_line_adjunct_while_auvelity_runs() -> None:
    """Aripiprazole runs beside a failing Auvelity: the card lists the non-antipsychotic
    adjuncts, and bupropion among them would be a second bupropion product."""
    aripiprazole_5 = (None, "aripiprazole 5 MG Oral Tablet")
    items = [
        *_auvelity_failed(still_running=True),
        taking(aripiprazole_5, date(2025, 2, 3), rid="mr-ari"),
    ]
    text = everything(on_chart(chart(*items)))
    adjuncts = text.split("Non-antipsychotic adjuncts (CANMAT 2023 Table 7.2, second line): ")[1]
    adjuncts = adjuncts.split("\n")[0]
    # CANMAT's 30-60, topped at the US label's 45 at a US clinic (review s19 item 4).
    assert "mirtazapine 30-45 mg/day (US label maximum)" in adjuncts
    assert "bupropion" not in adjuncts


def test_bupropion_on_a_failing_auvelity_that_still_runs_gets_both_concerns() -> None:
    record = chart(*_auvelity_failed(still_running=True), drafts=(drafted(BUPROPION_XL_300),))
    found = at_order(record)
    assert found[order_hooks.ABOVE].summary.startswith(
        "Bupropion ordered while dextromethorphan-bupropion (bupropion 210 mg/day) runs: 510"
    )
    repeat = found[order_hooks.REPEATS]
    assert repeat.summary.startswith(
        "Bupropion: dextromethorphan-bupropion, which contains it, failed an adequate trial"
    )
    assert "(2024-10-07 – ongoing) did not bring response or remission" in repeat.detail
