"""What the optimise card and its neighbours say about held and never-shown-taken drugs (review
14 recheck r09, r10b, k01/k02, b01).

- r10b: escitalopram filled Dec-Feb, its order now on hold: the optimise card offered aripiprazole
  and brexpiprazole one click "adjunct to the current antidepressant", though nothing is taken.
- r09: a venlafaxine plan never filled (not shown taken) dropped out of the switch list without a
  word, as if tried, and no card named the order to confirm.
- k01/k02: a dose "to confirm" was "dose not recorded" on the intolerance count.
- b01: the bipolar order card did not name the later entry refuting the differential diagnosis.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.build import build_record
from fhir_mapping.record import DoseSegment, Verdict
from services import intolerance_count
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from tests.fixtures import builders as b
from tests.fixtures.scenarios import MDD_RECURRENT_SEVERE, Chart, Step, add_course
from tests.services import chart_files, factories

# The switch list and the adjuncts are read from the project's own drug table.
pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
POLICY = Policy()
OPTIMISE = "optimize-switch-augment"
CHARTS = Path(__file__).parent / "recheck14_charts"


def _chart(name: str, first: date, phq9: int) -> tuple[Chart, str]:
    c = Chart(name, given="Test", family="Held", gender="female", birth_date=date(1975, 5, 5))
    enc = c.visit(first)
    mdd = c.diagnosis(MDD_RECURRENT_SEVERE, date(2024, 10, 1), key="mdd", encounter=enc)
    c.phq9(first, phq9, 0, encounter=enc)
    return c, mdd


def _optimise(c: Chart) -> Recommendation:
    record = build_record(c.resources, as_of=AS_OF, patient_id=c.pid, policy=POLICY.mapping)
    return {r.topic: r for r in patient_view(record, POLICY)}[OPTIMISE]


# --- r10b: adjuncts onto a held antidepressant ------------------------------------------------


def _held_after_fills() -> Chart:
    c, mdd = _chart("h1_r10b", date(2024, 12, 2), 18)
    fills = [(date(2024, 12, 2), 30), (date(2025, 1, 1), 30), (date(2025, 1, 31), 30)]
    add_course(
        c,
        "esc",
        [Step("351250", date(2024, 12, 2), None)],
        reason=mdd,
        style="unit",
        order_status="on-hold",
        fills=fills,
    )
    c.phq9(date(2025, 3, 3), 17, 0)
    return c


def test_adjuncts_onto_a_held_antidepressant_are_named_not_one_click() -> None:
    card = _optimise(_held_after_fills())
    detail = card.detail or ""
    assert card.summary.startswith("1 adequate trial failed (escitalopram)")
    # Before: both adjuncts were one click beside an antidepressant that is not taken.
    assert not any("adjunctive" in s.label for s in card.suggestions)
    assert (
        "**Not taken now:** escitalopram on hold (not taken since 2025-03-02 at the latest): "
        "confirm it is resumed before adding to it; not one click until then: Propose "
        "adjunctive aripiprazole 2 mg/day (CANMAT first line); Propose adjunctive brexpiprazole "
        "0.5 mg/day (CANMAT first line). Switch options are not affected."
    ) in detail
    # The switch options stay: a switch does not build on the held drug.
    assert "**Switch:** Failed, not proposed: SSRI (escitalopram). Switch options" in detail
    assert "NDRI: bupropion" in detail


# --- r09: an order never shown taken ---------------------------------------------------------


def _planned_venlafaxine() -> Chart:
    c, mdd = _chart("h1_r09", date(2024, 10, 1), 19)
    venlafaxine = ("808748", "24 HR venlafaxine 225 MG Extended Release Oral Tablet")
    c.add(
        b.medication_request(
            *venlafaxine, date(2024, 10, 1), 1, "tablet", intent="plan", patient=c.pid
        )
    )
    add_course(c, "esc", [Step("351250", date(2025, 1, 6), None)], reason=mdd, style="unit")
    c.phq9(AS_OF - timedelta(days=14), 18, 0)
    return c


def test_a_drug_only_planned_stays_on_the_switch_list_to_confirm() -> None:
    detail = _optimise(_planned_venlafaxine()).detail or ""
    # Before: "SNRI: desvenlafaxine, duloxetine, ..." (venlafaxine left out as if tried).
    assert (
        "SNRI: venlafaxine (ordered or planned 2024-10-01, not shown taken: confirm), "
        "desvenlafaxine"
    ) in detail


def test_the_optimise_card_names_the_order_not_shown_taken() -> None:
    detail = _optimise(_planned_venlafaxine()).detail or ""
    assert (
        "**Not shown taken:** venlafaxine 225 mg/day: ordered or planned 2024-10-01, no fill or "
        "statement on record. Confirm whether it was taken: not counted as a trial until then."
    ) in detail


# --- k01/k02: a dose to confirm is said alike -------------------------------------------------


def test_an_intolerance_shortfall_says_dose_to_confirm_as_every_card() -> None:
    course = factories.trial("citalopram", min_mg=20, max_mg=40, weeks=1)
    unclear = replace(
        course,
        segments=(DoseSegment(start=course.start, end=course.end, mg_per_day=None),),
        dose_to_confirm_mg=30.0,
        verdict=Verdict.INADEQUATE,
    )
    # Before: "dose not recorded, for 7 days" beside the age card's "up to 30 mg/day".
    assert intolerance_count.shortfall(unclear, 28) == (
        "dose to confirm, up to 30 mg/day, for 7 days"
    )
    unknown = replace(unclear, dose_to_confirm_mg=None)
    assert intolerance_count.shortfall(unknown, 28) == "dose not recorded, for 7 days"


# --- b01: the bipolar order card names the refuting entry ------------------------------------

_load = chart_files.loader(CHARTS)


def _b01_with_draft() -> dict[str, Any]:
    """The b01 probe (bipolar II differential in March, refuted by a second Condition on May 20,
    venlafaxine running) at order-select with the b03 probe's bupropion draft."""
    doc = _load("b01_bipolar_differential_then_refuted")
    order = copy.deepcopy(_load("b03_paroxetine_stop_10d_draft_bupropion")["context"])
    pid = doc["context"]["patientId"]
    draft = order["draftOrders"]["entry"][0]["resource"]
    draft["subject"] = {"reference": f"Patient/{pid}"}
    doc["hook"] = "order-select"
    doc["context"] = {
        "userId": doc["context"]["userId"],
        "patientId": pid,
        "selections": [f"MedicationRequest/{draft['id']}"],
        "draftOrders": order["draftOrders"],
    }
    return doc


def test_the_bipolar_order_card_names_the_refuting_entry() -> None:
    doc = _b01_with_draft()
    result = evaluate_document(doc, hook="order-select", as_of=AS_OF, policy=POLICY)
    cards = {c["source"]["topic"]["code"]: c for c in result.response.to_json()["cards"]}
    card = cards["order-bipolar-no-mood-stabiliser"]
    # Still fires (the differential entry is on the list: the safer reading), and now says why
    # it may not stand, as the diagnosis-review card does.
    assert (
        "A later entry records it as refuted (2025-05-20), but the differential entry is still "
        "on the problem list: confirm with psychiatry which stands and clean up the list."
    ) in card["detail"]
