"""Review s24 RA findings 5, 1 and 7 (session 24 fix FK).

- F5 (safety): a running daily dose above the drug's usual maximum was shown nowhere:
  venlafaxine 450 mg/day (range top 225) got no card and the optimise card offered one-click
  adjuncts to it; sertraline 250 mg/day (top 200) likewise. Now a warning card names the dose,
  since when and the maximum with its source (the order checks' rule: services/range_ceiling.py)
  and the adjuncts wait for it (rules/label_dose_hold.py). A dose to confirm is said as "up to
  N mg/day (dose to confirm)" and "may be above", never as taken.
- F1: the latest PHQ-9 had no item 9, the optimise card held its adjuncts ("PHQ-9 item 9 not
  recorded, ask it first") and the TMS card beside it recommended the referral. Now the TMS card
  waits the same way ("ask item 9 first, then consider TMS referral", not recommended), and the
  item-9 line no longer calls a form with eight answers "a total only".
- F7: a PHQ-9 filed today whose total (12) disagrees with its answers (16) held the TMS card only
  when the score before it was stale. Now it holds it whatever that score's age, and the
  optimise card's drug proposals wait for the form too.

Charts: tests/services/running_dose24_charts/ (built from journey24 charts: Epic-shaped requests,
every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.helpers import drug_orders as _drug_orders

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
RANGE = "running-dose-above-range-max"
LABEL = "running-dose-above-label-max"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
MEASURE = "measurement-based-care"

_chart = chart_files.loader(Path(__file__).parent / "running_dose24_charts")
_at = Evaluator(date(2025, 8, 4))


def _recommended(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions", []) if s.get("isRecommended")]


# --- F5: a running dose above the drug's usual maximum ------------------------------------------


def test_venlafaxine_450_running_gets_a_warning_and_its_adjuncts_wait() -> None:
    cards = _at.by_topic(_chart("ven_450mg_failed"))
    card = cards[RANGE]
    assert card["indicator"] == "warning"
    # meds45: its fills say "Take 2 tablets (450 mg)" with a dose of 1 tablet of 225 mg: from
    # the fill after the order's day the dose is to confirm (no longer the order's 450 carried).
    assert card["summary"] == (
        "Venlafaxine up to 450 mg/day (dose to confirm) running: may be above the usual maximum "
        "of 225 mg/day"
    )
    assert (
        "may be above the usual maximum of 225 mg/day, the CANMAT 2023 Table 3.3 range (75-225 "
        "mg/day, from product monographs). Its record disagrees with itself (the product's "
        "strength (24 HR venlafaxine 225 MG Extended Release Oral Tablet) gives 225 mg/day, the "
        "sig 450 mg/day): confirm the dose first."
    ) in card["detail"]
    assert card.get("suggestions", []) == []  # the prescriber's decision: no one-click order
    optimise = cards[OPTIMISE]
    assert _drug_orders(optimise) == []  # before: aripiprazole and brexpiprazole one click
    assert "review the dose above its usual maximum before augmenting" in optimise["summary"]
    assert "Running dose above the drug's usual maximum card asks to review" in optimise["detail"]


def test_sertraline_250_running_is_named() -> None:
    cards = _at.by_topic(_chart("sert_250mg_still_improving"), as_of=date(2025, 3, 24))
    assert cards[RANGE]["summary"] == (
        "Sertraline 250 mg/day running: above the usual maximum of 200 mg/day"
    )
    assert LABEL not in cards  # one card for one dose


def _sertraline_at(doc: Doc, tablets: float) -> Doc:
    """The chart with its running sertraline 100 mg order and fills at `tablets` a day."""
    mg = f"{100 * tablets:g}"
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        request = entry["resource"]
        if request["status"] == "active":
            line = request["dosageInstruction"][0]
            line["text"] = f"Take {tablets:g} tablets ({mg} mg) by mouth daily"
            line["doseAndRate"][0]["doseQuantity"]["value"] = tablets
    for entry in doc["prefetch"]["medicationDispenses"]["entry"]:
        fill = entry["resource"]
        if "100 MG" in fill["medicationCodeableConcept"]["text"] and fill.get("dosageInstruction"):
            fill["dosageInstruction"][0]["text"] = (
                f"Take {tablets:g} tablets ({mg} mg) by mouth daily"
            )
            fill["quantity"]["value"] = tablets * 30
    return doc


def test_sertraline_at_its_maximum_gets_no_card() -> None:
    doc = _sertraline_at(_chart("sert_250mg_still_improving"), 2)
    cards = _at.by_topic(doc, as_of=date(2025, 3, 24))
    assert RANGE not in cards
    assert LABEL not in cards


def test_a_dose_to_confirm_is_said_as_one_never_as_taken() -> None:
    # Two unsequenced lines ("2 tablets daily", "then 3 tablets daily"), fills at 2 a day: the
    # record proves 200 mg/day, the lines may mean 300. Review s25 RK4 finding 16 bounds the
    # dose to confirm by the fills (fhir_mapping/fill_dose.within_fills): they cover no more
    # than 200 mg a day, so the order's step is said beside the fills' dose, to confirm (before:
    # "Sertraline up to 300 mg/day (dose to confirm) running: may be above the usual maximum of
    # 200 mg/day"). The order still directs 300, so the card says the order's dose (s25 FZ2).
    cards = _at.by_topic(_chart("sert_lines_to_confirm"), as_of=date(2025, 3, 24))
    assert LABEL not in cards
    assert cards[RANGE]["summary"] == (
        "Sertraline order says up to 300 mg/day (above the usual maximum of 200); fills cover "
        "200 mg/day: confirm the dose taken"
    )
    rows = [
        line
        for card in cards.values()
        for line in card["detail"].splitlines()
        if line.startswith("| sertraline")
    ]
    assert rows and all(
        "50 → 200 (order says up to 300, fills cover 200: confirm the dose taken)" in r
        for r in rows
    )
    said = " ".join(c["summary"] + c["detail"] for c in cards.values()).lower()
    assert "sertraline 300 mg/day" not in said


# --- F1: item 9 not recorded holds the TMS referral as it holds the adjuncts ---------------------


def test_no_item_9_holds_the_tms_referral_as_the_adjuncts() -> None:
    cards = _at.by_topic(_chart("ven_tms_today_no_item9_no_prior_signal"), as_of=date(2025, 11, 15))
    optimise, tms = cards[OPTIMISE], cards[TMS]
    assert "ask PHQ-9 item 9 (not recorded) first, then augment" in optimise["summary"]
    assert _drug_orders(optimise) == []
    # Before: "...; PHQ-9 16: consider TMS referral", the referral marked recommended.
    assert "PHQ-9 16: ask item 9 first, then consider TMS referral" in tms["summary"]
    assert _recommended(tms) == []
    assert "**Referral not marked recommended until item 9 is known:**" in tms["detail"]
    # The form has eight answers: it is not "a total only".
    assert "is a total only" not in optimise["detail"]
    assert (
        "the latest PHQ-9 (16 on 2025-11-15) has no item 9 answer on record" in (optimise["detail"])
    )


# --- F7: a form whose total disagrees with its answers, the score before it recent ---------------


def test_a_fresh_form_in_conflict_holds_the_referral_and_the_adjuncts() -> None:
    cards = _at.by_topic(_chart("ven_tms_phq_today_total_disagrees"), as_of=date(2025, 9, 15))
    tms, optimise = cards[TMS], cards[OPTIMISE]
    # Before: "...; PHQ-9 16: consider TMS referral" with no hold (the score before, 2025-08-04,
    # is within the 90-day interval).
    # Both readings named, never the higher alone (review s27 K3 finding 5).
    assert (
        "PHQ-9 16 or 12: check the PHQ-9 form first, then consider TMS referral" in tms["summary"]
    )
    assert (
        "**Referral not marked recommended until the PHQ-9 form is checked:** total filed 12, "
        "items sum to 16 on 2025-09-15, so the severity this referral quotes is not known."
    ) in tms["detail"]
    assert _recommended(tms) == []
    # Before: aripiprazole and brexpiprazole one click beside "check the form".
    assert optimise["summary"].endswith(
        "PHQ-9 total filed 12, items sum to 16 on 2025-09-15: check the form before switching "
        "or augmenting"
    )
    assert _drug_orders(optimise) == []
    assert "**PHQ-9 total and answers disagree:**" in optimise["detail"]
    assert MEASURE not in cards  # one request for the form: the optimise card makes it
