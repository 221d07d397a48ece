"""Session 21 F1 (session 20 closing note's open items on drugs that may be running).

1. A MedicationStatement `unknown` bupropion or mirtazapine beside a running sertraline course
   was named only in the "Data not read" list: the optimise card planned a switch (even proposing
   bupropion or mirtazapine) as if it were not taken. Now "**May also be running:**" names it
   on the card, once (rules/running_reuptake_maybe.others_line).
2. A fluoxetine statement `unknown` beside two running courses was not named: now it is, under
   the pair's line.
3. Beside a two-reuptake-inhibitor line (two courses, or a course and a drug that may be
   running) the optimise card's drug proposals were one click ("Raise sertraline to 150"); now
   they are held as text (rules/running_reuptake_pair.on_screen), the summary says why.
4. Order hooks headed a drug whose supply ran out "**Still running:**"; now "**May be
   running:**" (order_checks/stacking.running_heading).
5. (Already so; pinned) With the no-supply card snoozed the optimise card's drug proposals stay
   held under the no-supply line (rules/supply_ran_out_hold.py).
6. (Already so; pinned) Order summaries say "venlafaxine may be running", never "(venlafaxine
   running)", for a drug whose supply ran out.

Charts: tests/services/maybe_named_charts/ (chart_open_maybe_charts/p01 with its statement's drug
changed; review17_charts/rc17_f06 with a fluoxetine statement `unknown` added; the s20 end-not-
recorded order chart), Epic / US Core shaped, every prefetch key.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from services import catalog
from services.patient_view import patient_view
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.helpers import drug_orders as _drug_orders

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
AS_OF = date(2025, 6, 2)
RAN_OUT_AS_OF = date(2026, 12, 1)
_DIR = Path(__file__).parent / "maybe_named_charts"
_chart = chart_files.loader(_DIR)
_by_topic = Evaluator(AS_OF).by_topic
_OPEN_MAYBE = chart_files.loader(Path(__file__).parent / "chart_open_maybe_charts")
_GAP = chart_files.loader(Path(__file__).parent / "gap_trials_charts")
_TO_CONFIRM = chart_files.loader(Path(__file__).parent / "running_to_confirm_charts")
OPTIMISE = "optimize-switch-augment"


def _statement(doc: Doc) -> str:
    (entry,) = doc["prefetch"]["medicationStatements"]["entry"]
    return f"MedicationStatement/{entry['resource']['id']}"


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(path: Path) -> None:
    doc = _chart(path.stem)
    (service,) = [s for s in catalog.services() if s.hook == doc["hook"]]
    assert {"encounters", "labsSI"} <= set(doc["prefetch"]) == {k for k, _ in service.prefetch}
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


@pytest.mark.parametrize(
    ("name", "drug", "drug_class"),
    [
        ("m01_sertraline_running_bupropion_statement_unknown", "bupropion", "NDRI"),
        ("m02_sertraline_running_mirtazapine_statement_unknown", "mirtazapine", "NaSSA"),
    ],
)
def test_item1_a_non_reuptake_drug_that_may_be_running_is_named_once(
    name: str, drug: str, drug_class: str
) -> None:
    # Before: named only in "Data not read"; the switch list proposed it as the next drug.
    doc = _chart(name)
    cards = _by_topic(doc)
    detail = cards[OPTIMISE]["detail"]
    said = f"**May also be running:** {drug} ({drug_class}; the statement of 2025-05-26; no course read"
    assert detail.count(said) == 1
    assert f"Confirm whether the patient takes {drug} before a switch or an augmentation" in detail
    assert detail.count("**Drug to confirm:**") == 1
    assert sum("May also be running" in c["detail"] for c in cards.values()) == 1
    # No two-reuptake-inhibitor concern: the raise of sertraline stays one click.
    assert "Raise sertraline to 150 mg/day (dose first, CANMAT 2023 para 187)" in _drug_orders(
        cards[OPTIMISE]
    )


def test_item2_a_third_drug_beside_two_running_courses_is_named() -> None:
    doc = _chart("m03_sertraline_venlafaxine_running_fluoxetine_statement_unknown")
    detail = _by_topic(doc)[OPTIMISE]["detail"]
    assert detail.startswith("**Two serotonin reuptake inhibitors running:** venlafaxine 225")
    assert "**May also be running:** fluoxetine (SSRI; the statement of 2025-05-26; " in detail
    assert _statement(doc) not in detail
    assert detail.count("**Drug to confirm:**") == 1


def test_item3_beside_two_running_courses_no_drug_is_one_click() -> None:
    card = _by_topic(_chart("m04_sertraline_venlafaxine_running"))[OPTIMISE]
    assert _drug_orders(card) == []
    assert "**Not one click while both run:** Propose adjunctive aripiprazole" in card["detail"]
    assert "Settle first which one continues" in card["detail"]


def test_item3_beside_a_drug_that_may_be_running_the_raise_is_held() -> None:
    # Before: "raise sertraline 100 → 150 mg/day first" with the one-click raise, beside "Two
    # SSRIs if both are taken".
    doc = _OPEN_MAYBE("p01_sertraline_running_fluoxetine_statement_unknown")
    card = _by_topic(doc)[OPTIMISE]
    assert _drug_orders(card) == []
    assert card["summary"].endswith("raise held (two SSRIs if both are taken)")
    assert (
        "**Not one click until it is confirmed:** Raise sertraline to 150 mg/day (dose first, "
        "CANMAT 2023 para 187)" in card["detail"]
    )
    assert "Confirm first whether the patient takes fluoxetine." in card["detail"]


def test_a_record_the_maoi_card_names_is_not_named_again() -> None:
    doc = _TO_CONFIRM("rc05_code_esc_name_phenelzine_sertraline_running_patient_view")
    cards = Evaluator(RAN_OUT_AS_OF).cards(doc)
    assert not any("May also be running" in c["detail"] for c in cards)


def _order_cards(name: str) -> list[Doc]:
    doc = _chart(name)
    result = evaluate_document(doc, hook=doc["hook"], as_of=RAN_OUT_AS_OF, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return cards


def test_item4_a_drug_whose_supply_ran_out_is_headed_may_be_running() -> None:
    cards = _order_cards("o01_sertraline_drafted_venlafaxine_order_open_supply_ran_out")
    details = "\n".join(c["detail"] for c in cards)
    assert "**May be running:** venlafaxine since 2025-02-10" in details
    assert "**Still running:**" not in details


def test_item6_order_summaries_say_may_be_running_for_a_drug_whose_supply_ran_out() -> None:
    cards = _order_cards("o01_sertraline_drafted_venlafaxine_order_open_supply_ran_out")
    summaries = [c["summary"] for c in cards]
    assert any("venlafaxine may be running" in s for s in summaries)
    assert not any("venlafaxine running" in s for s in summaries)


def test_item5_with_the_no_supply_card_snoozed_no_drug_is_one_click() -> None:
    day = "2025-06-16"
    doc = _GAP(f"duloxetine_refill_gap_asof_{day}")
    result = evaluate_document(
        doc, hook="patient-view", as_of=date.fromisoformat(day), policy=Policy()
    )
    recs = patient_view(result.evaluation.record, Policy(), hidden=frozenset({"adherence-review"}))
    (optimise,) = [r for r in recs if r.topic == OPTIMISE]
    assert optimise.detail.startswith("**duloxetine: no supply since 2025-05-04 (43 days)")
    assert not [
        s
        for s in optimise.suggestions
        for a in s.actions
        if a.resource is not None and a.resource.get("resourceType") == "MedicationRequest"
    ]
