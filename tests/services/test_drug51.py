"""Session 34 fix drug51 (drug48-50's leftovers): a running medication the service cannot identify
is never silent, and its screen item names what the record states.

Charts: drug51_charts/ (all 19 prefetch keys; as of 2026-12-01): drug48's no_unidentified chart
(two failed trials, PHQ-9 18) with one record added: an Epic fill feed fill of 2026-11-21, 30
days' supply, an active statement of 2026-01-05 or an active order of 2025-03-10.

1. A record whose drug is only the text "Medication 4471" (a fill-in word and a local item
   number; no coding), or "NDC 0093-7198-56" as text: before, read as a drug off this pathway:
   TMS "Contraindications Met", no screen item, "NDRI: bupropion" offered. Now a number beside
   placeholder words only names no drug (placeholder_drug_names.py): the TMS safety-screen item,
   named with the text as written ("running medication not identified ("Medication 4471")"),
   and bupropion not listed, for a fill, a statement and an order alike.
2. An NDC alone (no display, no RxNorm) was screened as "running medication not identified"
   with nothing to look up (the bupropion line read "no name or drug code read"): now "(NDC
   0093-7198-56)", as the RxNorm case names its code (drug_concept.unread_names).
Controls: the numbered text filled last year; a text naming a drug the tables hold ("sertraline
50 mg tablet": read as sertraline); non-drug supplies ("Blood glucose test strips", "Lancets"
beside an NDC, "Pen needles 32G 4 mm": names, their words no placeholder rows); "Other
medication 5 mg" (a strength: a name, as recheck 18c decided).
"""

from __future__ import annotations

import csv
from datetime import date
from importlib import resources
from pathlib import Path

import pytest

from fhir_mapping.drug_concept import names_a_drug, unread_names
from fhir_mapping.placeholder_drug_names import is_placeholder
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
HERE = Path(__file__).parent / "drug51_charts"
TMS = "tms-referral"
OPTIMIZE = "optimize-switch-augment"
_cards = chart_files.topic_reader(HERE, AS_OF)
_ASK = "check it is not an antiseizure drug before referral"
_NDC = "http://hl7.org/fhir/sid/ndc"


def test_every_chart_carries_the_prefetch_keys() -> None:
    paths = sorted(HERE.glob("*.json"))
    assert len(paths) == 11
    for path in paths:
        chart_files.check_chart(chart_files.loader(HERE)(path.stem))


@pytest.mark.parametrize(
    ("chart", "named", "dated"),
    [
        ("fill_text_numbered", '"Medication 4471"', "filled 2026-11-21, 30 days"),
        ("statement_text_numbered", '"Medication 4471"', "stated 2026-01-05"),
        ("order_text_numbered", '"Medication 4471"', "ordered 2025-03-10"),
        ("fill_text_ndc_as_text", '"NDC 0093-7198-56"', "filled 2026-11-21, 30 days"),
        ("fill_ndc_only", "NDC 0093-7198-56", "filled 2026-11-21, 30 days"),
    ],
)
def test_a_running_record_of_a_numbered_text_or_an_ndc_is_screened_and_named(
    chart: str, named: str, dated: str
) -> None:
    cards = _cards(chart)
    tms = cards[TMS]
    item = f"running medication not identified ({named}): {_ASK}"
    assert f"safety screen first: running medication not identified ({named})" in tms["summary"]
    assert f"**TMS safety screen required:** {item} ({dated})" in tms["detail"]
    assert f"to screen: {item} ({dated})" in tms["detail"]
    assert "Contraindications · Earlier TMS" not in tms["detail"]
    switch = cards[OPTIMIZE]["detail"]
    assert "NDRI: bupropion" not in switch
    assert "bupropion not listed: a running medication is not identified" in switch
    # The data-gap line names it too, beside the record's day.
    assert f" ({named})" in switch.split("**Data not read**")[1]


@pytest.mark.parametrize(
    "chart",
    [
        "fill_text_numbered_last_year",
        "fill_text_sertraline",
        "fill_text_test_strips",
        "fill_text_lancets_ndc",
        "fill_text_pen_needles",
        "statement_text_other_5mg",
    ],
)
def test_a_finished_fill_a_named_drug_or_a_supply_is_not_screened(chart: str) -> None:
    cards = _cards(chart)
    tms = cards[TMS]
    assert "safety screen" not in tms["summary"]
    assert "not identified" not in tms["detail"]
    assert "Contraindications · Earlier TMS" in tms["detail"]
    assert "NDRI: bupropion" in cards[OPTIMIZE]["detail"]
    assert "bupropion not listed" not in cards[OPTIMIZE]["detail"]


@pytest.mark.parametrize(
    "chart", ["fill_text_test_strips", "fill_text_lancets_ndc", "fill_text_pen_needles"]
)
def test_a_supply_is_no_data_gap(chart: str) -> None:
    assert "Data not read" not in _cards(chart)[OPTIMIZE]["detail"]


def test_a_sertraline_text_without_coding_is_read_as_sertraline() -> None:
    switch = _cards("fill_text_sertraline")[OPTIMIZE]["detail"]
    assert "50 mg/day since 2026-11-21" in switch
    assert "Data not read" not in switch


@pytest.mark.parametrize(
    "text", ["Medication 4471", "Med #4471", "4471", "NDC 0093-7198-56", "Item code 4471"]
)
def test_a_number_beside_placeholder_words_only_names_no_drug(text: str) -> None:
    assert is_placeholder(text)
    assert not names_a_drug({"text": text})


@pytest.mark.parametrize(
    "text",
    ["Other medication 5 mg", "Pen needles 32G 4 mm", "Lancets", "Blood glucose test strips"]
    + ["Rx", "NDC", "Vitamin D 1000", "ezetimibe 10 mg tablet", "Supplies 4471"],
)
def test_a_number_beside_any_other_word_or_a_label_alone_is_a_name(text: str) -> None:
    assert not is_placeholder(text)
    assert names_a_drug({"text": text})


def test_what_an_unread_concept_states_is_named() -> None:
    assert unread_names({"coding": [{"system": _NDC, "code": "0093-7198-56"}]}) == (
        "NDC 0093-7198-56"
    )
    assert unread_names({"text": "Medication 4471"}) == '"Medication 4471"'
    # A fill-in of words only says nothing to look up.
    assert unread_names({"text": "Unknown medication"}) == ""
    assert unread_names({"coding": [{"system": _NDC, "code": "1"}], "text": "Med 4471"}) == (
        'NDC 1, "Med 4471"'
    )


def test_no_supply_word_is_a_placeholder_row() -> None:
    # Non-drug supplies are names, never "a medication not identified", because none of their
    # words is a placeholder row (data/placeholder_drug_words.csv): a row added there must not
    # make one.
    text = resources.files("fhir_mapping").joinpath("data/placeholder_drug_words.csv")
    words = {r["word"] for r in csv.DictReader(text.read_text("utf-8").splitlines())}
    supply = {"blood", "glucose", "test", "strip", "strips", "lancet", "lancets", "pen", "needle"}
    supply |= {"needles", "syringe", "syringes", "supply", "supplies", "meter", "sensor"}
    assert not supply & words
