"""Review 21 RF, the interaction findings (1, 4, 5, 7).

- Finding 1 (unsafe): lithium drafted during monthly maintenance ECT (CPT 90870, an active ECT
  ServiceRequest) got no card; with both running the cards named the ECT course and lithium
  apart. Now: "Lithium ordered during an ECT course (last session 2026-11-23): agree with the
  ECT team whether to hold it before treatments" at the order hooks (also an ECT order drafted
  with lithium running), and on the chart one "Lithium during ECT" line on the card that already
  speaks of lithium or ECT, or a card of its own when none does (CANMAT 2023 para 218;
  data/acute_risk.csv lithium-ect; services/lithium_ect.py).
- Finding 4: buprenorphine/naloxone was in no table; tranylcypromine drafted said nothing of it.
  Now an interacting opioid with the methadone rows' 14 days (maoi_washout.csv, UNVERIFIED).
- Finding 5: "Ibuprofen ordered with venlafaxine running: bleeding risk ...; also ibuprofen +
  lithium". Pairs of one severity are now ordered by the row's grade (lithium + NSAID major):
  the lithium pair leads the summary and the detail.
- Finding 7: an MAOI drafted with esketamine running: no blood-pressure line. Now the interaction
  row esketamine-maoi (SPRAVATO label 7: closely monitor blood pressure), a warning.

Charts: tests/services/interaction21_charts/ (the review's e02, e03, s02, l03, k04, renamed).
"""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.interaction_rows import table
from services.patient_view import run_rules
from services.policy import Policy
from services.rules.context import build_context
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic, topics

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
ORDER_TOPIC = "order-lithium-ect"
CHART_TOPIC = "running-lithium-ect"
OPTIMISE = "optimize-switch-augment"
LINE = "**Lithium during ECT:**"

_chart = chart_files.loader(Path(__file__).parent / "interaction21_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


def _without_ect_sessions(doc: Doc) -> Doc:
    """The chart with its ECT procedures (CPT 90870) taken out."""
    bundle = doc["prefetch"]["procedures"]
    bundle["entry"] = [e for e in bundle.get("entry", []) if "90870" not in json.dumps(e)]
    return doc


def _ect_orders(doc: Doc, status: str) -> Doc:
    for e in doc["prefetch"]["serviceRequests"].get("entry", []):
        if "90870" in json.dumps(e["resource"].get("code")):
            e["resource"]["status"] = status
    return doc


# Finding 1 ------------------------------------------------------------------------------------


def test_lithium_drafted_during_maintenance_ect_gets_a_warning() -> None:
    cards = _cards(_chart("lithium_drafted_during_maintenance_ect"))
    found = by_topic(cards)
    assert ORDER_TOPIC in found, topics(cards)
    card = found[ORDER_TOPIC]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "Lithium ordered during an ECT course (last session 2026-11-23): agree with the ECT team "
        "whether to hold it before treatments"
    )
    assert card["detail"].startswith(
        f"{LINE} lithium ordered during an ECT course (last session 2026-11-23; ECT order of "
        "2026-07-01 active): lithium with ECT can cause severe confusion after treatments"
    )
    assert "para 218" in card["detail"]
    assert "ServiceRequest/" not in card["detail"]  # named by date and status, not id
    assert not card.get("suggestions")  # the ECT team's decision: nothing one click


def test_an_active_ect_order_alone_makes_the_course_current() -> None:
    doc = _without_ect_sessions(_chart("lithium_drafted_during_maintenance_ect"))
    card = by_topic(_cards(doc))[ORDER_TOPIC]
    assert "ECT order of 2026-07-01 active" in card["detail"]
    assert "last session" not in card["summary"]


def test_the_session_window_is_policy() -> None:
    # The order completed, the last session 70 days before the as-of date: outside the default
    # 42 days, inside a clinic's 90.
    doc = _ect_orders(_chart("lithium_drafted_during_maintenance_ect"), "completed")
    later = date(2027, 2, 1)
    assert ORDER_TOPIC not in by_topic(_cards(doc, as_of=later))
    wide = Policy(ect_recent_session_days=90)
    assert ORDER_TOPIC in by_topic(_cards(doc, as_of=later, policy=wide))


def test_no_ect_no_card() -> None:
    doc = _ect_orders(
        _without_ect_sessions(_chart("lithium_drafted_during_maintenance_ect")), "completed"
    )
    assert ORDER_TOPIC not in by_topic(_cards(doc))


def test_lithium_running_with_maintenance_ect_is_said_once_on_the_optimise_card() -> None:
    cards = _cards(_chart("lithium_running_with_maintenance_ect"))
    found = by_topic(cards)
    assert CHART_TOPIC not in found  # a card speaks of lithium and ECT already: a line on it
    assert found[OPTIMISE]["detail"].startswith(
        f"{LINE} lithium 600 mg/day since 2026-09-10 during an ECT course (last session "
        "2026-11-23): lithium with ECT can cause severe confusion"
    )
    assert sum(c["detail"].count(LINE) for c in cards) == 1


def test_lithium_running_with_ect_and_no_carrier_card_gets_its_own() -> None:
    # The optimise and TMS cards not on the screen (snoozed): the line needs a card of its own.
    doc = _chart("lithium_running_with_maintenance_ect")
    result = _at.result(doc)
    ctx = build_context(result.evaluation.record, Policy(), hook="patient-view", composed=True)
    shown = run_rules(ctx, hidden=frozenset({OPTIMISE, "tms-referral"}))
    mine = [r for r in shown if r.topic == CHART_TOPIC]
    assert len(mine) == 1
    assert mine[0].summary.startswith(
        "Lithium running during an ECT course (last session 2026-11-23)"
    )
    assert mine[0].detail.startswith(LINE)


def test_ect_ordered_with_lithium_running() -> None:
    doc = _chart("lithium_running_with_maintenance_ect")
    doc["hook"] = "order-select"
    order = {
        "resourceType": "ServiceRequest",
        "id": "ect-draft-1",
        "status": "draft",
        "intent": "order",
        "code": {
            "coding": [
                {
                    "system": "http://www.ama-assn.org/go/cpt",
                    "code": "90870",
                    "display": "Electroconvulsive therapy (includes necessary monitoring)",
                }
            ],
            "text": "Electroconvulsive therapy",
        },
        "subject": copy.deepcopy(
            doc["prefetch"]["medicationRequests"]["entry"][0]["resource"]["subject"]
        ),
        "authoredOn": "2026-11-30",
    }
    doc["context"]["draftOrders"] = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": order}],
    }
    doc["context"]["selections"] = ["ServiceRequest/ect-draft-1"]
    card = by_topic(_cards(doc))[ORDER_TOPIC]
    assert card["summary"] == (
        "ECT ordered with lithium running: agree with the ECT team whether to hold lithium "
        "before treatments"
    )
    assert "lithium 600 mg/day since 2026-09-10 during an ECT course" in card["detail"]


# Finding 4 ------------------------------------------------------------------------------------


def test_tranylcypromine_drafted_on_buprenorphine_naloxone() -> None:
    cards = _cards(_chart("tranylcypromine_drafted_on_buprenorphine_naloxone"))
    maoi = by_topic(cards)["order-maoi-interaction"]
    assert maoi["indicator"] == "critical"
    assert "buprenorphine" in maoi["summary"].lower()
    assert "**Buprenorphine → tranylcypromine (MAOI)**" in maoi["detail"]
    assert "serotonin" in maoi["detail"]
    assert "(UNVERIFIED)" in maoi["detail"]  # the label text itself was not read
    assert "**Venlafaxine → tranylcypromine (MAOI)**" in maoi["detail"]  # still said


def test_an_maoi_on_buprenorphine_never_asks_to_stop_the_opioid_use_disorder_treatment() -> None:
    """Stopping buprenorphine or methadone to start an MAOI risks withdrawal, relapse and
    overdose (FDA DSC 2019-04-09; maoi_washout.csv stopping_harm): the card says not to combine
    them and to prefer another antidepressant, never "stop buprenorphine at least 14 days first"
    (the first version of this fix did). Venlafaxine, an antidepressant, is still to be stopped."""
    maoi = by_topic(_cards(_chart("tranylcypromine_drafted_on_buprenorphine_naloxone")))[
        "order-maoi-interaction"
    ]
    assert maoi["summary"] == (
        "Tranylcypromine (MAOI) ordered while buprenorphine is running: not to be combined; "
        "prefer another antidepressant to stopping buprenorphine"
    )
    assert "stop buprenorphine at least" not in maoi["summary"]
    assert "stop buprenorphine, then" not in maoi["detail"]
    assert "**Do not stop buprenorphine for the MAOI:**" in maoi["detail"]
    assert "FDA Drug Safety Communication 2019-04-09" in maoi["detail"]
    assert "tranylcypromine is not to be started while buprenorphine runs" in maoi["detail"]
    assert "stop venlafaxine, then allow at least 14 days" in maoi["detail"]


# Finding 5 ------------------------------------------------------------------------------------


def test_the_lithium_pair_leads_the_ibuprofen_card() -> None:
    card = by_topic(_cards(_chart("ibuprofen_drafted_on_lithium_and_venlafaxine")))[
        "order-drug-interaction"
    ]
    assert card["summary"].startswith(
        "Ibuprofen ordered with lithium running: raises lithium levels (toxicity risk); lithium "
        "level in 5-7 days"
    )
    assert card["summary"].endswith("also ibuprofen + venlafaxine")
    detail = card["detail"]
    assert detail.index("**Ibuprofen with lithium**") < detail.index(
        "**Ibuprofen with venlafaxine**"
    )


def test_grade_is_data_with_its_source() -> None:
    rows = {r.id: r for r in table()}
    assert rows["lithium-nsaid"].grade == "major"
    assert "DDInter" in rows["lithium-nsaid"].source
    assert rows["serotonergic-nsaid"].grade == ""


# Finding 7 ------------------------------------------------------------------------------------


def test_maoi_drafted_with_esketamine_running_says_blood_pressure() -> None:
    found = by_topic(_cards(_chart("tranylcypromine_drafted_on_esketamine")))
    card = found["order-drug-interaction"]
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("Tranylcypromine ordered with esketamine running")
    assert "blood pressure" in card["summary"]
    assert "SPRAVATO label 7 (MAOIs)" in card["detail"]
    assert found["order-maoi-interaction"]["indicator"] == "critical"  # venlafaxine, unchanged
