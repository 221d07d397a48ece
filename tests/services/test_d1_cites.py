"""Cites, summaries and dose displays that said something the record or source does not.

1. Dose cards cite the drug row's own dose source (column dose_source): fluvoxamine's 150 mg/day
   is CPS 2023 Table 6's usual lower bound (no CANMAT row was captured), yet its cards said
   "CANMAT 2023 Table 3.3"; sertraline's range is CANMAT's and still says so.
2. A running liothyronine below its range with a cardiac history coded: the raise is held as text
   (Cytomel label 5.1), so the summary no longer says "raise it".
3. Nuedexta's mg are its dextromethorphan's: the interaction card names the component
   ("dextromethorphan-quinidine (dextromethorphan 20 mg/day)"), never "20 mg/day" of the whole.
4. The lithium order check and the chart-open lithium card judge one level
   (services/rules/lithium_level.judged_level), and a critical lithium finding stays critical
   when merged with another of its topic.

Charts: Epic-shaped resources from tests/fixtures/builders.py through the order-safety helpers
(RxNorm SCD orders, ICD-10-CM problem-list conditions, a LOINC serum lithium)."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.drug_table import all_drugs
from services import drugs
from services.order_checks.model import OrderCheck
from services.order_hooks import _merge, order_hook
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Indicator
from tests.fixtures import builders as b
from tests.services.test_a2_ceilings import AS_OF as A2_AS_OF
from tests.services.test_a2_ceilings import (
    DISPLAY,
    FORTY,
    LITHIUM_300,
    VENLAFAXINE_150,
    _order,
    _record,
)
from tests.services.test_a2_ceilings import P as A2_P
from tests.services.test_a3_drugs import LIOTHYRONINE_5, NUEDEXTA, _af, _sertraline_failed
from tests.services.test_order_safety import (
    SERTRALINE_100,
    at_order,
    chart,
    depressed,
    drafted,
    on_chart,
    phq9,
    taking,
)

pytestmark = pytest.mark.real_drug_table

BELOW = "order-dose-below-range"
OPTIMISE = "optimize-switch-augment"
INTERACTION = "order-drug-interaction"
LITHIUM_CARD = "running-lithium-level"
LITHIUM_ORDER = "order-lithium-level"
FLUVOXAMINE_100 = ("903884", "fluvoxamine maleate 100 MG Oral Tablet")
SERTRALINE_25 = ("312940", "sertraline 25 MG Oral Tablet")


# --- 1: the dose cite is the row's own ----------------------------------------------------------


def test_every_drug_row_with_a_dose_names_its_dose_source() -> None:
    # A row without one would fall back to the CANMAT table of its line (a test table's case).
    for row in all_drugs():
        if row.min_adequate_mg is not None or row.max_mg is not None:
            assert row.dose_source, row.ingredient
            if row.source.startswith("CANMAT 2023 Table"):
                assert row.dose_source.startswith("CANMAT 2023 Table"), row.ingredient
    assert drugs.dose_cite("fluvoxamine") == "CPS 2023 Table 6"
    assert drugs.dose_cite("gepirone") == "EXXUA label"


def test_fluvoxamine_100_ordered_cites_cps_2023_not_canmat() -> None:
    # Renewed while it runs: a first start below the range gets no below-range card (review
    # s25 RO finding 5), a renewal does.
    running = taking(FLUVOXAMINE_100, date(2025, 1, 6), rid="mr-fvx")
    record = chart(*depressed(), running, drafts=(drafted(FLUVOXAMINE_100),))
    card = at_order(record)[BELOW]
    assert "fluvoxamine" in card.summary.lower()
    # Before: "... for 6 weeks (CANMAT 2023 Table 3.3)."
    assert "(CPS 2023 Table 6)" in card.detail
    assert "CANMAT 2023 Table 3.3" not in card.detail


def test_sertraline_25_ordered_still_cites_canmat() -> None:
    running = taking(SERTRALINE_25, date(2025, 1, 6), rid="mr-sert")
    record = chart(*depressed(), running, drafts=(drafted(SERTRALINE_25),))
    card = at_order(record)[BELOW]
    assert "(CANMAT 2023 Table 3.3)" in card.detail


def test_running_fluvoxamine_below_range_cites_cps_on_the_optimise_card() -> None:
    record = chart(
        *depressed(),
        phq9(date(2025, 1, 6), 19),
        taking(FLUVOXAMINE_100, date(2025, 1, 6), rid="mr-fvx"),
    )
    card = on_chart(record)[OPTIMISE]
    dose = next(line for line in card.detail.split("\n\n") if line.startswith("**Dose:**"))
    # Before: "... is below the adequate range from 150 mg/day (CANMAT 2023 Table 3.3); ..."
    assert "(CPS 2023 Table 6)" in dose and "CANMAT" not in dose


# --- 2: a held T3 raise is not the summary's proposal --------------------------------------------


def test_running_t3_below_range_with_af_summary_does_not_say_raise_it() -> None:
    record = chart(
        *depressed(),
        *_sertraline_failed(),
        _af(),
        taking(LIOTHYRONINE_5, date(2025, 2, 3), rid="mr-t3"),
    )
    card = on_chart(record)[OPTIMISE]
    # Before: "... below the 0.025 mg/day CANMAT adjunct dose; PHQ-9 17: raise it or change
    # strategy" beside a detail that withholds the raise.
    assert "raise it" not in card.summary
    assert "review it (cardiac history" in card.summary
    assert "25 µg/day" in card.summary and "0.025 mg" not in card.summary
    assert not any("liothyronine" in s.label.lower() for s in card.suggestions)


def test_running_t3_below_range_without_a_cardiac_history_still_says_raise_it() -> None:
    record = chart(
        *depressed(), *_sertraline_failed(), taking(LIOTHYRONINE_5, date(2025, 2, 3), rid="mr-t3")
    )
    card = on_chart(record)[OPTIMISE]
    assert "raise it or change strategy" in card.summary


# --- 3: a combination's mg are named by their component ------------------------------------------


def test_nuedexta_order_names_its_dextromethorphan_mg() -> None:
    record = chart(
        *depressed(),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-ad"),
        drafts=(drafted(NUEDEXTA),),
    )
    card = at_order(record)[INTERACTION]
    # Before: "dextromethorphan-quinidine 20 mg/day on this order".
    assert "dextromethorphan-quinidine 20 mg/day" not in card.detail
    assert "dextromethorphan-quinidine (dextromethorphan 20 mg/day) on this order" in card.detail


# --- 4: one lithium level for the order and the chart card ---------------------------------------


def _lithium(value: float, day: date) -> dict[str, object]:
    return b.lab(
        "14334-7",
        value,
        "mmol/L",
        day,
        "H" if value > 0.8 else None,
        patient=A2_P,
        display=DISPLAY["14334-7"],
    )


@pytest.mark.parametrize("recent_days", [365, 180])
def test_a_level_of_1_6_on_this_course_200_days_ago_is_critical_on_both(recent_days: int) -> None:
    # Lithium 900 mg/day since 2024-09-02; a 0.6 before the course, a 1.6 on it 200 days before
    # AS_OF; a draft raising lithium to 1200 mg/day. Before, with lab_recent_days 180 the order
    # check read no recent level (a baseline card) while the chart card was critical on the 1.6.
    start = date(2024, 9, 2)
    level_day = date.fromordinal(A2_AS_OF.toordinal() - 200)
    draft = b.medication_request(
        *LITHIUM_300,
        A2_AS_OF,
        dose_value=1,
        frequency=4,
        status="draft",
        expected_supply_days=30,
        patient=A2_P,
        id="draft-li",
    )
    record = _record(
        FORTY,
        _order(VENLAFAXINE_150, date(2024, 6, 3), "mr-ven"),
        _order(LITHIUM_300, start, "mr-li", per_day=3),
        _lithium(0.6, date(2024, 6, 1)),
        _lithium(1.6, level_day),
        drafts=(draft,),
    )
    policy = Policy(lab_recent_days=recent_days)
    chart_card = {r.topic: r for r in patient_view(record, policy)}[LITHIUM_CARD]
    order_card = {r.topic: r for r in order_hook(record, policy, hook="order-select")}[
        LITHIUM_ORDER
    ]
    assert chart_card.indicator is Indicator.CRITICAL
    assert order_card.indicator is Indicator.CRITICAL
    said = f"1.6 mmol/L on {level_day.isoformat()}"
    assert said in chart_card.summary and said in order_card.summary


def test_a_critical_finding_merged_with_an_information_one_stays_critical() -> None:
    # Before: findings of one topic that disagreed fell back to the topic's warning, lowering
    # a critical lithium finding (OrderCheck.indicator said "only ever lower").
    record = chart(*depressed(), drafts=(drafted(SERTRALINE_25),))
    draft = record.draft_orders[0]
    found = [
        OrderCheck(LITHIUM_ORDER, draft, "critical one", "a", indicator=Indicator.CRITICAL),
        OrderCheck(LITHIUM_ORDER, draft, "info one", "b", indicator=Indicator.INFO),
    ]
    assert _merge(LITHIUM_ORDER, found).indicator is Indicator.CRITICAL
    inferred = [
        OrderCheck(LITHIUM_ORDER, draft, "topic's", "a"),
        OrderCheck(LITHIUM_ORDER, draft, "info one", "b", indicator=Indicator.INFO),
    ]
    assert _merge(LITHIUM_ORDER, inferred).indicator is Indicator.WARNING
