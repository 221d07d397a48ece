"""Session 25 review RA (age at both ends): older-adult and under-25 dose safety.

- Finding 1 (nortriptyline 30-50 mg/day in the Pamelor label for elderly patients) is not an
  older_adult_doses.csv row (one below the drug's minimum adequate dose, 75 mg/day, breaks
  test_order_safety's invariant): session 25 FN item 1 judges it by level in an older adult
  (services/older_adult_levels.py; test_leftover25_fn.py, on this folder's chart).
- Finding 3: escitalopram 10 -> 20 mg/day ordered at 16 and at 24 got no card. The boxed warning
  (under 25) asks for close monitoring "after dose changes": an order that raises or lowers a
  running antidepressant's daily dose now gets the warning as an information card when no card
  about the drug carries it (order_checks/boxed_warning.py `boxed_warning_dose_change`). A renewal
  at the same dose, or 25 and over, still gets none.

- Finding 9: QTc 485 ms on citalopram 20 mg/day at 78 gave no card on chart open (the running
  QTc card spoke at 500 ms, or at 450 with a second QT drug). It now speaks at the 480 ms middle
  band (where an order of the drug is warned about) and, at 450 ms, when the patient is at or
  above the age of the drug's QT-driven older-adult limit (citalopram from 60: FDA 2011/2012;
  data/lab_safety.csv qtc-older rows). The switch list's "mirtazapine prolong it" reads
  "prolongs".

- Finding 8: duloxetine 60 -> 120 mg/day proposed at 78 with a fall coded said nothing of the
  fall (the falls card speaks at the order hooks only). The raise the optimise card proposes now
  carries the order hook's falls line (older_adult_cautions.raise_falls_line: the same falls row
  and falls codes), with no card of its own.

Charts: tests/services/age_dose_safety_charts/ (US Core / Epic shaped requests, every prefetch key).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"

_chart = chart_files.loader(Path(__file__).parent / "age_dose_safety_charts")
_at = Evaluator(date(2026, 12, 1))
_by_topic = _at.by_topic


# --- finding 3: the boxed warning at a dose change under 25 -------------------------------------

BOXED_LINE = (
    "monitor closely for clinical worsening and suicidality, especially in the first months and "
    "after dose changes (FDA boxed warning)."
)


def _draft_dose(doc: Doc, mg: int, rxcui: str) -> Doc:
    """The chart with its escitalopram draft written as `mg` mg tablets, once daily."""
    draft = doc["context"]["draftOrders"]["entry"][0]["resource"]
    draft["medicationCodeableConcept"]["coding"][0]["code"] = rxcui
    words = f"escitalopram {mg} MG Oral Tablet"
    draft["medicationCodeableConcept"]["coding"][0]["display"] = words
    draft["medicationCodeableConcept"]["text"] = words
    draft["dosageInstruction"][0]["text"] = f"Take 1 tablet ({mg} mg) by mouth daily"
    return doc


@pytest.mark.parametrize(
    ("chart", "age"),
    [("escitalopram_raise_10_to_20_at_16", 16), ("escitalopram_raise_10_to_20_at_24", 24)],
)
def test_a_raise_under_25_gets_the_boxed_warning(chart: str, age: int) -> None:
    cards = _at.cards(_chart(chart))
    assert [c["summary"] for c in cards] == [
        f"Escitalopram dose change at age {age}: monitor closely for suicidal thinking and "
        "behaviour (FDA boxed warning, under 25)"
    ]
    (card,) = cards
    assert card["indicator"] == "info"
    assert BOXED_LINE in card["detail"]
    assert (
        "This order raises escitalopram from 10 mg/day to 20 mg/day: the warning asks for close "
        "monitoring after a dose change, as at a start."
    ) in card["detail"]
    assert not card.get("suggestions")


def test_a_lower_dose_under_25_is_a_dose_change_too() -> None:
    """The label's words: "at times of dose changes, either increases or decreases"."""
    doc = _chart("escitalopram_raise_10_to_20_at_24")
    # The running course at 20 mg/day (its orders and fills), the draft at 10.
    text = json.dumps(doc["prefetch"])
    for old, new in (("349332", "351250"), ("escitalopram 10 MG", "escitalopram 20 MG")):
        text = text.replace(old, new)
    doc["prefetch"] = json.loads(text.replace("(10 mg)", "(20 mg)"))
    cards = _at.cards(_draft_dose(doc, 10, "349332"))
    assert len(cards) == 1
    assert "This order lowers escitalopram from 20 mg/day to 10 mg/day" in cards[0]["detail"]


def test_a_renewal_at_the_same_dose_gets_no_card() -> None:
    assert _at.cards(_draft_dose(_chart("escitalopram_raise_10_to_20_at_24"), 10, "349332")) == []


def test_a_raise_at_25_gets_no_card() -> None:
    doc = _chart("escitalopram_raise_10_to_20_at_24")
    doc["prefetch"]["patient"]["birthDate"] = "2001-05-05"
    assert _at.cards(doc) == []


# --- finding 9: a long QTc on a running citalopram in an older adult --------------------------

QTC_CARD = "running-drug-qtc"


def _qtc(doc: Doc, ms: int) -> Doc:
    """The chart with its one QTc observation at `ms`."""
    for resource in chart_files.prefetch_resources(doc):
        quantity = resource.get("valueQuantity", {})
        if resource.get("resourceType") == "Observation" and quantity.get("unit") == "ms":
            quantity["value"] = ms
            return doc
    raise AssertionError("no QTc")


def test_qtc_485_on_citalopram_at_78_gets_the_running_qtc_card() -> None:
    cards = _by_topic(_chart("citalopram20_qtc485_at_78"))
    card = cards[QTC_CARD]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "QTc 485 ms on 2026-11-20 with citalopram running: above 480 ms; repeat the ECG"
    )
    assert card["detail"].startswith(
        "**QTc 485 ms on 2026-11-20**: above 480 ms (ICH E14: the middle band, where an order of "
        "the drug gets a warning), with these QT-prolonging drugs running:\n- citalopram 20 "
        "mg/day, running since 2026-07-05"
    )
    assert not card.get("suggestions")
    # The optimise card's adjuncts are text while it is open.
    assert not cards[OPTIMISE].get("suggestions")
    assert "mirtazapine prolongs it." in cards[OPTIMISE]["detail"]


def test_qtc_465_on_citalopram_speaks_from_60_for_the_age() -> None:
    card = _by_topic(_qtc(_chart("citalopram20_qtc485_at_78"), 465))[QTC_CARD]
    assert card["summary"] == (
        "QTc 465 ms on 2026-11-20 with citalopram running: above 450 ms at age 78; repeat the ECG"
    )
    assert card["detail"].startswith(
        "**QTc 465 ms on 2026-11-20 at age 78**: above 450 ms (ICH E14; FDA 2011/2012); from age "
        "60 the age itself is a risk factor for torsades"
    )


def test_qtc_465_on_citalopram_at_59_gets_no_card() -> None:
    doc = _qtc(_chart("citalopram20_qtc485_at_78"), 465)
    doc["prefetch"]["patient"]["birthDate"] = "1967-06-01"
    assert QTC_CARD not in _by_topic(doc)


def test_qtc_450_on_citalopram_at_78_gets_no_card() -> None:
    """The line is "above 450": 450 itself is not."""
    assert QTC_CARD not in _by_topic(_qtc(_chart("citalopram20_qtc485_at_78"), 450))


# --- finding 8: the falls line on a proposed raise ---------------------------------------------

FALLS_LINE = (
    "**Falls on record:** History of falling (ICD-10-CM Z91.81, since 2026-09-01; Condition/"
)
BEERS_FALLS = (
    "AGS Beers 2023: with a history of falls or fractures, avoid antidepressants (TCAs, SSRIs, "
    "SNRIs) unless safer alternatives are not available (UNVERIFIED). If the dose is raised, go "
    "slowly and review falls at each follow-up."
)


def _without_falls(doc: Doc) -> Doc:
    entries = doc["prefetch"]["conditions"]["entry"]
    doc["prefetch"]["conditions"]["entry"] = [
        e for e in entries if "Z91.81" not in json.dumps(e["resource"].get("code", {}))
    ]
    assert len(doc["prefetch"]["conditions"]["entry"]) == len(entries) - 1
    return doc


def test_the_raise_of_duloxetine_at_78_says_the_fall() -> None:
    cards = _at.cards(_chart("duloxetine60_partial_falls_at_78"))
    optimise = next(c for c in cards if c["source"]["topic"]["code"] == OPTIMISE)
    assert optimise["summary"].endswith("raise duloxetine from 60 toward 120 mg/day first")
    dose_first = next(
        p for p in optimise["detail"].split("\n\n") if p.startswith("**Dose first:**")
    )
    assert FALLS_LINE in dose_first
    assert dose_first.endswith(BEERS_FALLS)
    # No card of its own at chart open.
    assert not any("fall" in c["summary"].lower() for c in cards)


def test_no_fall_on_record_no_falls_line() -> None:
    cards = _by_topic(_without_falls(_chart("duloxetine60_partial_falls_at_78")))
    assert "**Dose first:**" in cards[OPTIMISE]["detail"]
    assert "Falls on record" not in cards[OPTIMISE]["detail"]


def test_the_falls_line_is_the_order_hooks_own() -> None:
    """The drafted duloxetine at 78 gets the falls card with the same line (one rule)."""
    card = _by_topic(_chart("draft_duloxetine_falls_at_78"))["order-older-adult-falls"]
    assert FALLS_LINE in card["detail"]
    assert BEERS_FALLS.split(" If the dose")[0] in card["detail"]
