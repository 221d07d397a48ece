"""Fix 20 L6 item 1: a drug that may be running makes the "two of one class" and "two serotonin
reuptake inhibitors" concerns at an order, as a course does.

The checks of order_checks/duplicate.py read only the trials. A fluoxetine statement `unknown`
(fhir_mapping/status_to_confirm.py), a record coded escitalopram and named fluoxetine
(product_conflict.py) or an undated active fluoxetine statement is no trial, so a sertraline or
venlafaxine draft beside it raised no card, while the MAOI checks read the same records as
possibly running. Now (services/maybe_running.py, order_checks/duplicate_maybe.py) the drug
counts as possibly running: "may be running" with the drug-to-confirm line once (services/
taken_to_confirm.py), or "running" for an undated active record, whose status says it is taken.

Charts: tests/services/maybe_running_charts/ (Epic / US Core shaped, every prefetch key; built
from running_to_confirm_charts/rc01 and rc02 and reading20_charts/u01).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]
_DIR = Path(__file__).parent / "maybe_running_charts"
_chart = chart_files.loader(_DIR)
_at = Evaluator(AS_OF)


def _cards(name: str) -> dict[str, Doc]:
    return _at.by_topic(_chart(name))


def _statement(name: str) -> str:
    (found,) = [
        r["id"]
        for r in chart_files.prefetch_resources(_chart(name))
        if r["resourceType"] == "MedicationStatement"
    ]
    return f"MedicationStatement/{found}"


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_are_valid_r4b_with_every_prefetch_key(path: Path) -> None:
    doc = _chart(path.stem)
    expected = set(_chart("m01_control_fluoxetine_statement_active_draft_sertraline")["prefetch"])
    assert {"encounters", "labsSI"} <= set(doc["prefetch"]) == expected
    for resource in chart_files.prefetch_resources(doc):
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    for entry in doc["context"]["draftOrders"]["entry"]:
        get_fhir_model_class("MedicationRequest").model_validate(entry["resource"])


def test_an_unknown_fluoxetine_statement_makes_two_ssris_with_a_sertraline_draft() -> None:
    # Before: "Sertraline already failed an adequate trial ..." alone, fluoxetine not named.
    name = "m01_fluoxetine_statement_unknown_draft_sertraline"
    card = _cards(name)["order-repeats-failed-trial"]
    assert card["summary"].startswith("Two SSRIs (fluoxetine may be running); sertraline")
    confirm = (
        "**Drug to confirm:** the statement, status unknown, recorded 2025-05-26: confirm "
        "whether the patient takes it; checked as taken."
    )
    assert card["detail"].count(confirm) == 1
    assert "**May be running:** fluoxetine (SSRI; " in card["detail"]
    assert "Confirm whether the patient takes fluoxetine" in card["detail"]


def test_the_active_dated_twin_keeps_its_course_wording() -> None:
    card = _cards("m01_control_fluoxetine_statement_active_draft_sertraline")[
        "order-repeats-failed-trial"
    ]
    assert card["summary"].startswith("Two SSRIs (fluoxetine running); sertraline")
    assert "may be running" not in card["detail"]
    assert "**Drug to confirm:**" not in card["detail"]


def test_an_unknown_ssri_statement_with_an_snri_draft_is_two_reuptake_inhibitors() -> None:
    # Before: only the data-quality card ("1 medication record could not be read").
    name = "m02_fluoxetine_statement_unknown_draft_venlafaxine"
    card = _cards(name)["order-same-class-running"]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith(
        "Venlafaxine ordered while fluoxetine may be running: two serotonin reuptake inhibitors"
    )
    assert card["detail"].count("**Drug to confirm:**") == 1
    assert "serotonin-syndrome risk" in card["detail"]


def test_an_undated_active_statement_is_running_with_nothing_to_confirm() -> None:
    card = _cards("m03_fluoxetine_statement_active_undated_draft_sertraline")[
        "order-repeats-failed-trial"
    ]
    assert card["summary"].startswith("Two SSRIs (fluoxetine running); sertraline")
    assert "**Running (dates not read):** fluoxetine (SSRI; MedicationStatement/" in card["detail"]
    assert "may be running" not in card["detail"]
    assert "**Drug to confirm:**" not in card["detail"]


def test_a_record_read_as_two_ssris_is_one_drug_to_confirm_not_a_pair() -> None:
    name = "m04_code_escitalopram_name_fluoxetine_statement_draft_sertraline"
    card = _cards(name)["order-repeats-failed-trial"]
    assert card["summary"].startswith("Two SSRIs (escitalopram or fluoxetine may be running)")
    assert card["detail"].count("**Drug to confirm:**") == 1
    # The confirm, the line and the data gap, each by its day (session 21; F4 item 2).
    assert _statement(name) not in card["detail"]
    assert card["detail"].count("the statement of 2025-05-26") == 3
    assert (
        "could not be read (drug to confirm: its code and its name give different drugs): the statement of 2025-05-26 ("
        in card["detail"]
    )
    assert "escitalopram or fluoxetine (SSRI; " in card["detail"]


def test_a_class_repeat_leads_with_the_ssri_that_may_be_running() -> None:
    card = _cards("m05_fluoxetine_statement_unknown_draft_escitalopram")[
        "order-repeats-failed-trial"
    ]
    assert card["summary"].startswith("Two SSRIs (fluoxetine may be running); escitalopram")
    assert card["detail"].count("**Drug to confirm:**") == 1
