"""Review 10 recheck R12 and R6: card text names the source a row cites ("CPS 2023 Table 6"),
never the project's internal files ("REFERENCE.md 3.4", "*.csv"); and a failure inferred from a
stop reads the same on the order card, the TMS criteria and the packet's to-confirm list.

Codes with their systems and "(UNVERIFIED)" markers stay: every card states its basis.
Charts: US Core shaped (tests/fixtures/builders.py) through the real drug table.
"""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import Finding, FindingKind, SourceRef
from services import bipolar_findings, interaction_table
from services.order_hooks import order_hook
from services.pathway import derive_facts
from services.payer_criteria.evaluate import evaluate_payer_criteria
from services.payer_criteria.model import CriterionKind
from services.policy import Policy
from tests.fixtures import builders as b
from tests.fixtures import scenarios as S
from tests.fixtures import vendor_charts as V
from tests.fixtures.test_vendor_charts import EPIC_POLICY
from tests.services import factories as F
from tests.services.test_running_cautions import (
    AS_OF,
    BUPROPION_XL_300,
    DULOXETINE_60,
    _alcohol_dependence,
    _all_text,
    _cards,
    _chart,
    _epilepsy,
    _problem,
    _running,
)
from tests.services.test_running_cautions import PATIENT as P

pytestmark = pytest.mark.real_drug_table

INTERNAL = re.compile(r"REFERENCE\.md|\.csv\b")
DATA = Path(__file__).resolve().parents[2] / "services" / "data"

# The columns of each table that cards print (sources and notes said beside a finding).
CARD_COLUMNS = {
    "drug_cautions.csv": ("note", "source"),
    "condition_drug_rules.csv": ("note", "cite", "source"),
    "drug_interactions.csv": ("short", "act", "risk", "action", "source", "cite"),
    "shared_ingredient_risks.csv": ("risk", "short"),  # its source is not printed
}


@pytest.mark.parametrize("table", sorted(CARD_COLUMNS))
def test_card_facing_columns_name_no_internal_file(table: str) -> None:
    with (DATA / table).open(encoding="utf-8") as f:
        found = [
            (row[next(iter(row))], column, row[column])
            for row in csv.DictReader(f)
            for column in CARD_COLUMNS[table]
            if INTERNAL.search(row.get(column) or "")
        ]
    assert found == []


def test_the_interaction_caveat_names_no_file() -> None:
    assert not INTERNAL.search(interaction_table.NOT_CHECKED)


def test_running_bupropion_with_epilepsy_cites_cps_not_the_reference_file() -> None:
    text = _all_text(_cards(_chart(_running(BUPROPION_XL_300), _epilepsy())))
    assert "Source: bupropion labels, Contraindications; CPS 2023 Table 6." in text
    assert not INTERNAL.search(text)
    assert "(ICD-10-CM G40.909" in text  # the code keeps its system


def test_duloxetine_beside_alcohol_and_cirrhosis_names_no_file() -> None:
    cirrhosis = _problem("K74.60", "Unspecified cirrhosis of liver", date(2023, 2, 1), rid="cir")
    text = _all_text(_cards(_chart(_running(DULOXETINE_60), _alcohol_dependence(), cirrhosis)))
    assert "Cymbalta" in text
    assert not INTERNAL.search(text)


def test_a_duloxetine_order_beside_alcohol_use_cites_the_label_only() -> None:
    draft = b.medication_request(
        *DULOXETINE_60,
        AS_OF,
        dose_value=1,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-dul",
    )
    patient = b.patient(
        id=P, given="Tom", family="Reyes", gender="male", birth_date=date(1980, 1, 2)
    )
    record = build_record(
        [patient, _alcohol_dependence()], as_of=AS_OF, patient_id=P, draft_orders=(draft,)
    )
    cards = order_hook(record, Policy(), hook="order-select")
    text = "\n".join(f"{c.summary}\n{c.detail}" for c in cards)
    assert "Cymbalta label 5.2" in text  # its cite (H14)
    assert not INTERNAL.search(text)


def _fixture_requests() -> list[tuple[str, str, dict[str, object], date, Policy]]:
    found: list[tuple[str, str, dict[str, object], date, Policy]] = []
    for s in S.all_scenarios():
        for hook in ["patient-view"] + (["order-select"] if s.draft_orders else []):
            found.append((s.name, hook, S.cds_request(s, hook), s.as_of, Policy()))
    for name, make, policy in [
        ("epic", V.epic_chart, EPIC_POLICY),
        ("oracle", V.oracle_chart, Policy()),
        ("ccda", V.ccda_chart, Policy()),
        ("uscore", V.us_core_chart, Policy()),
    ]:
        chart = make()
        for hook in ["patient-view"] + (["order-select"] if chart.draft_orders else []):
            found.append((name, hook, V.hook_request(chart, hook), chart.as_of, policy))
    return found


# The scan of every card of these charts (with order-sign, the chart-size fixtures and a wider
# pattern: review notes, ".py", "via search") is test_card_sources.py's, which reuses
# _fixture_requests.


# --- R6: one reading of a failure inferred from a stop -----------------------------------------


def _trials_result(sertraline_after: int | None) -> tuple[str | None, str]:
    record = F.trd_record(
        trials=(F.sertraline_failed(after=sertraline_after), F.venlafaxine_failed())
    )
    policy = Policy()
    evaluation = evaluate_payer_criteria(record, derive_facts(record, policy), policy)
    (trials,) = [r for r in evaluation.results if r.kind is CriterionKind.TRIALS]
    assert trials.met
    return trials.to_confirm, trials.status_text


def test_an_inferred_failure_counted_for_tms_is_listed_to_confirm() -> None:
    to_confirm, status = _trials_result(None)
    assert to_confirm == ("response to sertraline (failure inferred from the stop, no PHQ-9 on it)")
    assert status == "Met, to confirm"


def test_measured_failures_leave_nothing_to_confirm() -> None:
    assert _trials_result(17) == (None, "Met")


# --- R8: hypomania is named as hypomania ---------------------------------------------------------


def _reaction(display: str, rid: str) -> Finding:
    return Finding(
        FindingKind.BIPOLAR,
        "231496004",
        "http://snomed.info/sct",
        display,
        date(2023, 3, 6),
        SourceRef("AdverseEvent", rid),
    )


def test_a_hypomanic_reaction_is_named_hypomania_and_a_manic_one_mania() -> None:
    hypo = _reaction("Hypomania on escitalopram, recorded as an adverse event", "ae-1")
    mania = _reaction("Mania on citalopram, recorded as a reaction", "ae-2")
    assert bipolar_findings.head([hypo]) == "hypomania on an antidepressant"
    assert bipolar_findings.head([hypo, mania]) == "mania on an antidepressant on record"
    assert bipolar_findings.head([F.finding(FindingKind.BIPOLAR)]) == "bipolar disorder on record"
