"""Session 33 fix drug49 (drug48's leftovers): a running medication the service cannot identify
is never silent, whatever record says it runs, and its card lines say what they mean.

Charts: drug49_charts/ (all 19 prefetch keys; as of 2026-12-01): drug48's no_unidentified chart
(two failed trials, PHQ-9 18) with one record added; the order-sign charts are cards46's w01, w02
and w08 with a renewal drafted.

1. A fill feed (Epic/Surescripts) fill of 2026-11-21, 30 days, an NDC or an RxNorm code the
   tables do not hold and no name (fill_ndc_running, fill_rxnorm_running), or one whose 30 days
   ended within supply_gap_days (fill_rxnorm_in_grace): before, TMS "Met · ... Contraindications"
   and "NDRI: bupropion"; now the TMS safety-screen item and bupropion not listed, as for an
   active order (fhir_mapping/unidentified_taken.py). Controls: last year's fill, a stopped
   fill, a fill whose text names its drug (ezetimibe). An active statement with its period open
   (statement_open_unidentified) and an Oracle-shaped order with a contained Medication holding
   only an NDC (oracle_contained_ndc) were covered already; tested here.
2. The screen item's date says what the day is: "ordered 2025-03-10", "filled 2026-11-21, 30
   days", "stated 2026-01-05" (was "recorded ...").
3. Bupropion running beside such a record: "Bupropion 150 mg/day running beside a medication not
   identified (RxNorm 2599543): rule out an antiseizure drug or an MAOI" (was "Bupropion with
   RxNorm 2599543 on record: ..." and "RxNorm 2599543 ( , ordered 2025-03-10)").
4. A renewal beside an MAOI pair names every other drug running beside the MAOI ("also running:
   trazodone 50 mg/day"; order_checks/maoi_running.py, cards46 leftover).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
HERE = Path(__file__).parent / "drug49_charts"
TMS = "tms-referral"
OPTIMIZE = "optimize-switch-augment"
RUNNING = "running-drug-caution"
MAOI = "order-maoi-interaction"
_cards = chart_files.topic_reader(HERE, AS_OF)
_load = chart_files.loader(HERE)
_ASK = "check it is not an antiseizure drug before referral"
_NOT_LISTED = (
    "bupropion not listed: a running medication is not identified: rule out an antiseizure drug "
    "or an MAOI first"
)


def _order_cards(name: str) -> list[dict[str, Any]]:
    doc = _load(name)
    chart_files.check_chart(doc)
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    found: list[dict[str, Any]] = result.response.to_json()["cards"]
    return found


@pytest.mark.parametrize(
    ("chart", "codes", "dated"),
    [
        # fix drug51: the NDC is named, as the RxNorm code is (was "").
        ("fill_ndc_running", " (NDC 68180051309)", "filled 2026-11-21, 30 days"),
        ("fill_rxnorm_running", " (RxNorm 2599543)", "filled 2026-11-21, 30 days"),
        ("fill_rxnorm_in_grace", " (RxNorm 2599543)", "filled 2026-10-10, 30 days"),
        ("statement_open_unidentified", " (RxNorm 2599543)", "stated 2026-01-05"),
        ("oracle_contained_ndc", " (NDC 68180051309)", "ordered 2025-03-10"),
    ],
)
def test_a_running_unidentified_record_of_any_kind_is_screened_and_dated_by_its_kind(
    chart: str, codes: str, dated: str
) -> None:
    cards = _cards(chart)
    tms = cards[TMS]
    item = f"running medication not identified{codes}: {_ASK}"
    assert f"safety screen first: running medication not identified{codes}" in tms["summary"]
    assert f"**TMS safety screen required:** {item} ({dated})" in tms["detail"]
    assert f"to screen: {item} ({dated})" in tms["detail"]
    assert "(recorded " not in tms["detail"]
    assert "Contraindications · Earlier TMS" not in tms["detail"]
    switch = cards[OPTIMIZE]["detail"]
    assert "NDRI: bupropion" not in switch
    assert _NOT_LISTED in switch


@pytest.mark.parametrize(
    "chart", ["fill_rxnorm_last_year", "fill_rxnorm_stopped", "fill_named_unknown"]
)
def test_a_finished_stopped_or_named_fill_is_not_taken_now(chart: str) -> None:
    cards = _cards(chart)
    tms = cards[TMS]
    assert "safety screen" not in tms["summary"]
    assert "not identified" not in tms["detail"]
    assert "Contraindications · Earlier TMS" in tms["detail"]
    assert "NDRI: bupropion" in cards[OPTIMIZE]["detail"]
    assert "bupropion not listed" not in cards[OPTIMIZE]["detail"]


def test_the_named_unknown_fill_is_no_data_gap() -> None:
    assert "Data not read" not in _cards("fill_named_unknown")[OPTIMIZE]["detail"]


def test_bupropion_running_beside_an_unidentified_drug_reads_as_such() -> None:
    card = _cards("bupropion_beside_unidentified")[RUNNING]
    assert card["summary"] == (
        "Bupropion 150 mg/day running beside a medication not identified (RxNorm 2599543): "
        "rule out an antiseizure drug or an MAOI"
    )
    assert "on record" not in card["summary"]
    assert (
        "**Bupropion with a medication not identified (RxNorm 2599543):** Bupropion 150 mg/day, "
        "running since 2026-10-01; a medication not identified (RxNorm 2599543), ordered "
        "2025-03-10." in card["detail"]
    )
    assert "( , " not in card["detail"]
    # Control: bupropion alone gets no running-drug card.
    assert RUNNING not in _cards("bupropion_alone")


@pytest.mark.parametrize(
    ("chart", "summary", "line"),
    [
        (
            "maoi_renew_sertraline_all_running.order-sign",
            "Phenelzine (MAOI) and sertraline both running already; also running: trazodone 50 "
            "mg/day; this order only renews sertraline: stop one",
            "Also running: trazodone 50 mg/day, beside phenelzine (MAOI) too: confirm today what "
            "the patient takes.",
        ),
        (
            "maoi_renew_sertraline_phz_stopped_traz_running.order-sign",
            "Phenelzine (MAOI) and sertraline already taken together; also running: trazodone; "
            "this order only renews sertraline: confirm what is taken",
            "Also running: trazodone 50 mg/day, within phenelzine (MAOI)'s washout too: confirm "
            "today what the patient takes.",
        ),
        (
            "maoi_renew_phenelzine_all_running.order-sign",
            "Phenelzine (MAOI) and trazodone both running already; also running: sertraline 100 "
            "mg/day; this order only renews phenelzine: stop one",
            "**Phenelzine (MAOI) and sertraline already taken together:**",
        ),
    ],
)
def test_an_maoi_renewal_names_every_drug_running_beside_the_maoi(
    chart: str, summary: str, line: str
) -> None:
    found = [c for c in _order_cards(chart) if c["source"]["topic"]["code"] == MAOI]
    assert len(found) == 1
    assert found[0]["indicator"] == "critical"
    assert found[0]["summary"] == summary
    assert len(summary) <= 140
    assert line in found[0]["detail"]


def test_an_maoi_renewal_with_one_partner_is_unchanged() -> None:
    found = [
        c
        for c in _order_cards("maoi_renew_sertraline_phz_stopped_alone.order-sign")
        if c["source"]["topic"]["code"] == MAOI
    ]
    assert found[0]["summary"] == (
        "Phenelzine (MAOI) stopped 10 days ago, sertraline running already; this order only "
        "renews sertraline: confirm what is taken"
    )
    assert "also running" not in found[0]["detail"].casefold()


def test_an_unread_fill_of_orders_the_chart_reads_is_no_unknown_drug() -> None:
    # unread_fills_charts: mirtazapine fills whose own Medication is not had, each naming two
    # orders the chart reads (escitalopram's and mirtazapine's): one of their drugs, not an
    # unknown one; bupropion stays a switch option.
    read = chart_files.topic_reader(HERE.parent / "unread_fills_charts", AS_OF)
    switch = "\n".join(c["detail"] for c in read("fills_after_gap_name_two_orders").values())
    assert "NDRI: bupropion" in switch
    assert "not identified" not in switch
