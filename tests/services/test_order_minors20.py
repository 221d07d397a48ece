"""Review 20 RB findings 4 and 7: two adjuncts drafted on one order, and four order-card
summaries that left the action or the main concern to the detail.

- Finding 4 (charts aripiprazole_and_lithium / lithium_and_liothyronine): two augmenting agents
  (rows of the augmentation agents table) started on one order got no card. Starting them
  together leaves neither a benefit nor a side effect attributable to one drug; the card says
  "start one, assess, then add" and names both drafts.
- Finding 7: the linezolid summary says "stop sertraline, give linezolid, monitor" as its detail
  does; the warfarin row says "check the INR" on a warfarin order (not "INR if on warfarin"); an
  interaction card with several pairs names them all in its summary (tramadol + bupropion was
  hidden behind "(+2 more)"); a failed SSRI drafted on a running SSRI leads with "two SSRIs".

Charts: tests/services/order_minors_charts/ (Epic / US Core shaped requests, every prefetch key;
review 20 RB charts 07, 08, 10, 16, 20 and 24, as of 2026-12-01).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services import interaction_table
from services.card_format import SUMMARY_MAX
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
ADJUNCTS = "order-adjuncts-together"
INTERACTION = "order-drug-interaction"
MAOI = "order-maoi-interaction"
REPEATS = "order-repeats-failed-trial"

_chart = chart_files.loader(Path(__file__).parent / "order_minors_charts")


_at = Evaluator(AS_OF)
_by_topic = _at.by_topic


def _draft_ids(doc: Doc) -> list[str]:
    return [
        f"MedicationRequest/{e['resource']['id']}" for e in doc["context"]["draftOrders"]["entry"]
    ]


# --- finding 4: two adjuncts started on one order ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "first", "second"),
    [
        ("aripiprazole_and_lithium_drafted_sign", "aripiprazole", "lithium"),
        ("lithium_and_liothyronine_drafted_sign", "lithium", "liothyronine"),
    ],
)
def test_two_adjuncts_on_one_order_get_a_warning_naming_both(
    name: str, first: str, second: str
) -> None:
    cards = _by_topic(_chart(name))
    card = cards[ADJUNCTS]
    assert card["indicator"] == "warning"
    summary = card["summary"]
    assert len(summary) <= SUMMARY_MAX
    assert first.capitalize() in summary and second in summary
    assert "start one, assess, then add" in summary
    assert first in card["detail"] and second in card["detail"]
    assert "CANMAT 2023" in card["detail"]
    # The lithium + lisinopril interaction card is still there beside it.
    assert INTERACTION in cards


def test_two_adjuncts_card_at_order_select_of_one_of_them() -> None:
    """At order-select with only the aripiprazole line selected, lithium is still on the order:
    the card speaks for the selected draft and still names both."""
    doc = _chart("aripiprazole_and_lithium_drafted_sign")
    doc["hook"] = "order-select"
    doc["context"]["selections"] = _draft_ids(doc)[:1]
    card = _by_topic(doc)[ADJUNCTS]
    assert "Aripiprazole" in card["summary"] and "lithium" in card["summary"]


def test_one_adjunct_beside_a_running_one_is_no_pair() -> None:
    """Lithium already taken (an active order since 2026-06-01) and renewed beside a new
    aripiprazole: the order starts one drug, so no card."""
    doc = _chart("aripiprazole_and_lithium_drafted_sign")
    lithium = doc["context"]["draftOrders"]["entry"][1]["resource"]
    running = dict(lithium, id="lithium-running", status="active", authoredOn="2026-06-01")
    bundle = doc["prefetch"]["medicationRequests"]
    bundle.setdefault("entry", []).append({"resource": running})
    if "total" in bundle:
        bundle["total"] = len(bundle["entry"])
    assert ADJUNCTS not in _by_topic(doc)


def test_two_adjuncts_with_bipolar_disorder_is_no_card() -> None:
    """Bipolar disorder on record: an antimanic pair (lithium with an antipsychotic) is a
    standard combination there (CANMAT/ISBD 2018), so the depression adjunct rule is silent."""
    doc = _chart("aripiprazole_and_lithium_drafted_sign")
    conditions = doc["prefetch"]["conditions"]
    template = conditions["entry"][0]["resource"]
    bipolar = dict(template, id="bipolar-1")
    bipolar["code"] = {
        "coding": [
            {
                "system": "http://hl7.org/fhir/sid/icd-10-cm",
                "code": "F31.81",
                "display": "Bipolar II disorder",
            }
        ],
        "text": "Bipolar II disorder",
    }
    conditions["entry"].append({"resource": bipolar})
    if "total" in conditions:
        conditions["total"] = len(conditions["entry"])
    assert ADJUNCTS not in _by_topic(doc)


# --- finding 7: summaries ----------------------------------------------------------------------


def test_linezolid_summary_says_stop_give_monitor() -> None:
    card = _by_topic(_chart("linezolid_beside_sertraline_select"))[MAOI]
    assert card["indicator"] == "critical"
    assert "stop sertraline, give linezolid, monitor" in card["summary"]
    assert len(card["summary"]) <= SUMMARY_MAX


def test_warfarin_order_summary_says_check_the_inr() -> None:
    card = _by_topic(_chart("warfarin_beside_sertraline_sign"))[INTERACTION]
    assert "check the INR" in card["summary"]
    assert "if on warfarin" not in card["summary"]
    assert "if on warfarin" not in card["detail"]


def test_several_interaction_pairs_are_named_in_the_summary() -> None:
    card = _by_topic(_chart("tramadol_bupropion_ibuprofen_drafted_sign"))[INTERACTION]
    summary = card["summary"]
    assert len(summary) <= SUMMARY_MAX
    assert "more)" not in summary
    assert "tramadol + bupropion" in summary.lower()
    assert "ibuprofen + sertraline" in summary.lower()


def test_failed_ssri_on_running_ssri_leads_with_two_ssris() -> None:
    card = _by_topic(_chart("escitalopram_onto_running_sertraline_sign"))[REPEATS]
    summary = card["summary"]
    assert summary.startswith("Two SSRIs")
    assert "sertraline" in summary and "escitalopram" in summary.lower()
    assert "failed" in summary
    assert len(summary) <= SUMMARY_MAX


def test_pairs_that_do_not_fit_by_name_are_counted() -> None:
    """Too many pairs to name within the summary limit: the others are counted, the lead pair
    whole with its action, and as many other pairs named as fit before the count (review s28
    RG finding 5: the action was dropped before a count; every pair is in the detail)."""
    taking = interaction_table.Taking
    found = interaction_table.pairs(
        [
            taking(name, 10, date(2022, 1, 1), False, None)
            for name in ("clozapine", "tizanidine", "ramelteon", "warfarin", "tramadol")
        ],
        news=[taking("fluvoxamine", 100, None, True, None)],
    )
    assert len(found) == 5
    summary = found[0].summary(found[1:])
    assert len(summary) <= SUMMARY_MAX
    assert summary == (
        "Fluvoxamine with clozapine: raises clozapine levels; a third of the clozapine dose, or "
        "avoid; also fluvoxamine + tizanidine (+3 more)"
    )


def test_two_ssris_with_an_inferred_failure_is_a_warning() -> None:
    """Escitalopram stopped with no PHQ-9 on it (a failure only inferred: information alone)
    drafted while sertraline runs: the two SSRIs lead the summary and keep the card a warning
    (the same-class card on its own is one)."""
    from services.order_hooks import order_hook
    from tests.services import factories as f

    escitalopram = f.trial(
        "escitalopram", "SSRI", start=date(2024, 1, 8), mg=20, min_mg=10, max_mg=20, after=None
    )
    sertraline = f.trial(
        "sertraline", "SSRI", start=date(2024, 9, 2), mg=100, ongoing=True, after=8
    )
    record = f.record(
        trials=(escitalopram, sertraline),
        scores=(f.score(17, date(2024, 5, 20)),),
        findings=(f.mdd(),),
        draft_orders=(f.draft("escitalopram", "SSRI", mg=10),),
    )
    recs = {r.topic: r for r in order_hook(record, Policy(), hook="order-sign")}
    rec = recs[REPEATS]
    assert rec.summary.startswith("Two SSRIs (sertraline")
    assert "escitalopram was stopped" in rec.summary
    assert rec.indicator.value == "warning"
