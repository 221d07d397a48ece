"""Review 10 recheck R2: a single-ingredient draft of a drug the patient takes inside a combination
product (bupropion XL while Contrave runs, fluoxetine while Symbyax runs) is a second product of
that ingredient, never a renewal: the shared-ingredient card adds the doses up."""

from __future__ import annotations

from datetime import date

import pytest

from services import order_hooks
from tests.services.test_combination_products import BUPROPION_XL_300, HOOKS, SHARED, SYMBYAX_25_6
from tests.services.test_order_safety import (
    FLUOXETINE_20,
    at_order,
    chart,
    depressed,
    drafted,
    everything,
    taking,
)

pytestmark = pytest.mark.real_drug_table

# Contrave 8/90 mg ER tablet as RxNorm displays it (RxCUI UNVERIFIED: rxnorm_products.csv).
CONTRAVE = (
    "1551468",
    "bupropion hydrochloride 90 MG / naltrexone hydrochloride 8 MG Extended Release Oral Tablet",
)


@pytest.mark.parametrize("hook", HOOKS)
def test_bupropion_ordered_while_contrave_runs_gets_the_total_and_the_seizure_risk(
    hook: str,
) -> None:
    """Contrave at its maintenance dose (2 tablets twice a day = bupropion 360 mg/day)."""
    record = chart(
        *depressed(),
        taking(CONTRAVE, date(2025, 1, 6), per_day=4, rid="mr-contrave"),
        drafts=(drafted(BUPROPION_XL_300),),
    )
    found = at_order(record, hook)
    card = found[order_hooks.ABOVE]
    assert card.summary == (
        "Bupropion ordered while Contrave (bupropion 360 mg/day) runs: "
        "660 mg/day total, above 450; seizure risk; do not combine"
    )
    assert (
        "(Contrave's bupropion: naltrexone/bupropion for chronic weight management)" in card.detail
    )
    assert "seizure risk rises with the total daily dose" in card.detail


@pytest.mark.parametrize("hook", HOOKS)
def test_fluoxetine_ordered_while_symbyax_runs_is_a_second_fluoxetine_product(hook: str) -> None:
    record = chart(
        *depressed(),
        taking(SYMBYAX_25_6, date(2025, 1, 6), rid="mr-ofc"),
        drafts=(drafted(FLUOXETINE_20),),
    )
    found = at_order(record, hook)
    card = found[order_hooks.SAME_CLASS]
    assert card.summary == (
        "Fluoxetine ordered while fluoxetine/olanzapine runs: both contain fluoxetine; "
        "use one product"
    )
    assert "Together: fluoxetine 45 mg/day" in card.detail


def test_renewing_the_running_symbyax_is_no_second_product() -> None:
    record = chart(
        *depressed(),
        taking(SYMBYAX_25_6, date(2025, 1, 6), rid="mr-ofc"),
        drafts=(drafted(SYMBYAX_25_6),),
    )
    found = at_order(record)
    assert not set(SHARED) & set(found), everything(found)


@pytest.mark.parametrize("hook", HOOKS)
def test_fluoxetine_ordered_while_a_failing_symbyax_runs_is_said_on_the_repeat_card(
    hook: str,
) -> None:
    # Review 10 second recheck N1: the Symbyax course's fluoxetine failed; a fluoxetine order is
    # no renewal of it (a second product), so the repeat card says the failure too.
    record = chart(
        *depressed(),
        taking(SYMBYAX_25_6, date(2025, 1, 6), rid="mr-ofc"),
        drafts=(drafted(FLUOXETINE_20),),
    )
    (symbyax,) = [t for t in record.trials if t.ingredient == "fluoxetine"]
    assert symbyax.failed
    found = at_order(record, hook)
    assert order_hooks.SAME_CLASS in found
    repeat = found[order_hooks.REPEATS]
    assert repeat.summary.startswith("Fluoxetine already failed an adequate trial")


def test_a_liquid_strength_is_no_combination_product() -> None:
    # "20 MG / 5 ML" is a strength per volume, no second ingredient (read of the diff): a
    # fluoxetine draft beside the oral solution renews it, it is no second product.
    solution = ("", "fluoxetine 20 MG / 5 ML Oral Solution")
    record = chart(*depressed(), taking(solution, date(2025, 1, 6), rid="mr-sol"))
    (course,) = [t for t in record.trials if t.ingredient == "fluoxetine"]
    assert course.product is None
    contrave = chart(*depressed(), taking(CONTRAVE, date(2025, 1, 6), rid="mr-con"))
    (bupropion,) = [t for t in contrave.trials if t.ingredient == "bupropion"]
    assert bupropion.product is not None and bupropion.product.brand == "Contrave"
