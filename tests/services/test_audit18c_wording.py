"""Audit 18, wording and claims: cards that said more, or less clearly, than the record shows.

- Label cites: the blood-pressure table cited "SPRAVATO label 5.x", "Cymbalta label 5.x", ...: a
  section a clinician cannot look up. A number a source confirmed is written (SPRAVATO 5.6 in
  its 2019 label); the others are cited by their Warnings and Precautions heading.
- Counts (w02): one order and its five fills, none readable, read "6 medication records could
  not be read": six drugs to a clinician. Now "1 medication order and its 5 fills".
- Repeats (w03): an unidentified running record at a phenelzine draft was said twice in the
  "Data not read" list ("1 medication record could not be read ..." then "1 medication record
  could not be identified: ..."). The record is counted once; the check line names it as "the
  record above".
- A draft whose code and name give different drugs (w05: coded escitalopram 20 mg, named
  "citalopram 30 mg tablet", age 75): the line naming both readings stood on every card, twice
  on a card both readings reached, and each reading's finding was stated as fact ("Escitalopram
  20 mg/day at age 75: above ..."). Now the line stands once, on the first card shown, and each
  finding says which reading it rests on ("If it is citalopram: ...").

Charts: tests/services/audit18c_charts/ (the c01 chart of leftover18_charts reworked: Epic /
US Core shaped requests, every prefetch key).
"""

from __future__ import annotations

import csv
import re
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]
QUALITY = "data-quality"
OPTIMISE = "optimize-switch-augment"
AGE = "order-dose-above-age-limit"
REPEATS = "order-repeats-failed-trial"
ORDER = "MedicationRequest/ccec877c-6f46-5b9a-86fc-b298099f0649"
CHARTS = (
    "w02_order_and_five_fills_unknown_code",
    "w03_unknown_code_order_draft_phenelzine",
    "w05_draft_code_esc20_name_cit30_age75",
)
CONFIRM = "coded escitalopram, named citalopram"

_chart = chart_files.loader(Path(__file__).parent / "audit18c_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


@pytest.mark.parametrize("name", CHARTS)
def test_the_charts_are_valid_r4_and_carry_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


# --- label cites ------------------------------------------------------------------------------


def _data_tables() -> list[tuple[str, dict[str, str]]]:
    rows = []
    for package in ("services", "fhir_mapping"):
        for table in resources.files(package).joinpath("data").iterdir():
            if not table.name.endswith(".csv"):
                continue
            for row in csv.DictReader(table.read_text("utf-8").splitlines()):
                rows.append((f"{package}/data/{table.name}", row))
    return rows


def test_no_data_table_cites_a_section_number_it_does_not_know() -> None:
    placeholder = re.compile(r"\b\d+\.x\b")
    found = [
        f"{table}: {row['cite']}"
        for table, row in _data_tables()
        if row.get("cite") and placeholder.search(row["cite"])
    ]
    assert not found


def _bp_rows() -> dict[str, dict[str, str]]:
    text = resources.files("services").joinpath("data/blood_pressure_cautions.csv")
    return {r["ingredient"]: r for r in csv.DictReader(text.read_text("utf-8").splitlines())}


def test_the_blood_pressure_cites_name_a_confirmed_number_or_the_heading() -> None:
    rows = _bp_rows()
    # Confirmed in a source: the Effexor XR text, and SPRAVATO's 2019 label (its counselling
    # section points to "Warnings and Precautions (5.6)"); later editions are not confirmed.
    assert rows["venlafaxine"]["cite"] == "Effexor XR label 5.3"
    assert rows["esketamine"]["cite"] == (
        "SPRAVATO label, Warnings and Precautions: Increase in Blood Pressure (5.6 in the 2019 "
        "label)"
    )
    for ingredient in ("desvenlafaxine", "duloxetine", "levomilnacipran", "milnacipran"):
        assert ", Warnings and Precautions: " in rows[ingredient]["cite"], ingredient
        assert rows[ingredient]["status"] == "UNVERIFIED", ingredient
        assert not re.search(r"\d", rows[ingredient]["cite"]), ingredient


# --- an order and its fills: one medication (w02) ---------------------------------------------


def test_an_order_and_its_five_unreadable_fills_are_one_medication() -> None:
    cards = _cards(_chart("w02_order_and_five_fills_unknown_code"))
    detail = by_topic(cards)[OPTIMISE]["detail"]
    assert (
        "- 1 medication order and its 5 fills could not be read (drug not identifiable: a drug "
        "code this service's drug tables do not hold, and no name): "
        "the order of 2025-01-06 (RxNorm 104849) and its fills"  # by day, not id (session 21)
    ) in detail
    assert not any("6 medication records" in c["summary"] + c["detail"] for c in cards)


def _without_sertraline(doc: Doc) -> Doc:
    """The chart with its sertraline order and fills taken out: no card but the data-quality."""
    for key in ("medicationRequests", "medicationDispenses"):
        bundle = doc["prefetch"][key]
        bundle["entry"] = [
            e
            for e in bundle["entry"]
            if "sertraline" not in e["resource"]["medicationCodeableConcept"].get("text", "")
        ]
        bundle["total"] = len(bundle["entry"])
    return doc


def test_the_data_quality_card_counts_an_order_and_its_fills_as_one_medication() -> None:
    cards = _cards(_without_sertraline(_chart("w02_order_and_five_fills_unknown_code")))
    card = by_topic(cards)[QUALITY]
    assert card["summary"] == (
        "1 medication order and its 5 fills could not be read: this chart was judged without them"
    )


def test_fills_of_an_order_that_was_read_are_records_of_their_own() -> None:
    doc = _chart("w02_order_and_five_fills_unknown_code")
    order = doc["prefetch"]["medicationRequests"]["entry"][1]["resource"]
    order["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "1086789",
                "display": "24 HR venlafaxine 225 MG Extended Release Oral Tablet",
            }
        ],
        "text": "24 HR venlafaxine 225 MG Extended Release Oral Tablet",
    }
    details = " ".join(c["detail"] for c in _cards(doc))
    assert "5 medication records could not be read (drug not identifiable" in details
    assert "medication order" not in details


def test_the_timeline_counts_as_the_cards_do() -> None:
    from fhir_mapping.build import build_record
    from services.timeline.page import render_page

    doc = _chart("w02_order_and_five_fills_unknown_code")
    record = build_record(
        list(chart_files.prefetch_resources(doc)),
        as_of=AS_OF,
        patient_id=doc["context"]["patientId"],
    )
    page = render_page(record)
    assert "1 medication order and its 5 fills could not be read: see the card." in page


# --- said once (w03) --------------------------------------------------------------------------


def test_an_unidentified_record_beside_an_maoi_draft_is_counted_once() -> None:
    cards = _cards(_chart("w03_unknown_code_order_draft_phenelzine"))
    card = by_topic(cards)[QUALITY]
    assert card["indicator"] == "critical"
    block = card["detail"].split("**Data not read**", 1)[1]
    assert block.count("1 medication record") == 1, block
    assert "could not be identified" not in block
    assert (
        "- The MAOI washout and interaction checks at this order could not include the medication record above "
        "whose drug was not identified: check what the patient takes now before signing"
    ) in block
    # The summary says it first, for the clinician who reads summaries only.
    assert card["summary"] == (
        "1 medication record could not be identified: the MAOI washout and interaction checks could not include it"
    )


# --- a drug to confirm: said once, and never asserted (w05) ----------------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_the_drug_to_confirm_line_stands_once_on_the_first_card_of_the_draft(hook: str) -> None:
    cards = _cards(_chart("w05_draft_code_esc20_name_cit30_age75"), hook)
    carrying = [c for c in cards if CONFIRM in c["detail"]]
    assert len(carrying) == 1, [c["summary"] for c in cards]
    assert carrying[0] is cards[0]
    assert carrying[0]["detail"].count(CONFIRM) == 1
    assert carrying[0]["detail"].startswith(f"**Drug to confirm:** {CONFIRM} (code: escitalopram")
    # The other card of the draft names both drugs as to confirm in its readings' headings. The
    # age-limit card (safety) comes before the repeated-failed-trial card (review s26 RN finding 2).
    assert by_topic(cards)[AGE] is cards[0]
    repeats = by_topic(cards)[REPEATS]
    assert (
        "**If it is escitalopram** (escitalopram or citalopram: to confirm):" in repeats["detail"]
    )
    assert "**If it is citalopram** (escitalopram or citalopram: to confirm):" in repeats["detail"]


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_a_dose_judgement_on_a_drug_to_confirm_says_which_reading_it_rests_on(hook: str) -> None:
    cards = by_topic(_cards(_chart("w05_draft_code_esc20_name_cit30_age75"), hook))
    age = cards[AGE]
    # Never "Escitalopram 20 mg/day at age 75: above ..." as a fact; both readings signposted.
    assert age["summary"] == (
        "If escitalopram: escitalopram 20 mg/day at age 75: above the labelled recommended 10 "
        "mg/day from age 65; if citalopram: see the detail"
    )
    # The first card of the draft: its headings plain, the drug to confirm said above them.
    citalopram = age["detail"].split("**If it is citalopram:**", 1)[1]
    assert citalopram.startswith("\n\ncitalopram 30 mg/day")
    repeats = cards[REPEATS]
    assert repeats["summary"].startswith("If escitalopram: escitalopram is in the class of")
    assert repeats["summary"].endswith("; if citalopram: see the detail")
    for card in (age, repeats):
        assert not re.match(r"(?:Es)?[Cc]italopram \d", card["summary"]), card["summary"]


def test_the_drug_to_confirm_line_moves_to_the_first_card_still_shown() -> None:
    # An answered card is left off the screen (cds_hooks: the screen composed again without
    # it): the line goes on the next card of the draft, and no card's dedupe key changes.
    from fhir_mapping.build import build_record
    from services.order_hooks import order_hook

    doc = _chart("w05_draft_code_esc20_name_cit30_age75")
    record = build_record(
        list(chart_files.prefetch_resources(doc)),
        as_of=AS_OF,
        patient_id=doc["context"]["patientId"],
        draft_orders=[e["resource"] for e in doc["context"]["draftOrders"]["entry"]],
    )
    selections = doc["context"]["selections"]
    shown = order_hook(record, Policy(), hook="order-select", selections=selections)
    fewer = order_hook(
        record, Policy(), hook="order-select", selections=selections, hidden=frozenset({AGE})
    )
    # The age-limit card (safety) first (review s26 RN finding 2); answered, the line moves on.
    assert [r.topic for r in shown][:2] == [AGE, REPEATS]
    repeats = next(r for r in fewer if r.topic == REPEATS)
    assert fewer[0] is repeats
    assert repeats.detail.startswith(f"**Drug to confirm:** {CONFIRM}")
    assert "**If it is citalopram:**" in repeats.detail
    assert repeats.dedupe_key == next(r for r in shown if r.topic == REPEATS).dedupe_key
