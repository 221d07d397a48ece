"""Review 18a W1: a medication record whose code and whose own words (name, display, sig)
disagree. The code used to win in silence; now neither reading wins.

- m17b (age 75): RxNorm 200371 (citalopram 20 mg tablet) with the name and the sig saying 40 mg:
  the dose is to confirm, both readings named, and the over-60 maximum card is raised at the
  higher reading (it was lost: read as 20 mg/day).
- m11: text "Lexapro 10 mg tab" with the sig "1 tablet (20 mg)": the dose is to confirm (it was
  read as 10 mg/day, no conflict said).
- m08: RxNorm 1190110 (fluoxetine 60 mg tablet) named "Escitalopram 20mg tab": the records are to
  confirm, named with both readings, no trial of either drug; at an MAOI order both drugs are
  checked as running.
- Controls, quiet: s03 (309314, citalopram 40 mg, all agree), m11b ("Lexapro 10 mg tab", "2
  tablets (20 mg)"), and sigs whose number is a tablet count, not a dose.

Charts: tests/services/review18a_charts/*.json (CDS Hooks requests, US Core / Epic shaped).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.medications import medication_events
from fhir_mapping.product_conflict import DRUG_TO_CONFIRM
from tests.services import chart_files
from tests.services.helpers import Evaluator, of_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review18a_charts"
Doc = dict[str, Any]
AGE_LIMIT = "dose-above-age-limit"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_cards = _at.cards


def _text(cards: list[Doc]) -> str:
    return "\n".join(c["summary"] + "\n" + c["detail"] for c in cards)


def _events(doc: Doc, ingredient: str) -> list[Any]:
    events, _ = medication_events(list(chart_files.prefetch_resources(doc)), as_of=AS_OF)
    return [e for e in events if e.ingredient == ingredient]


# --- dose: code strength against the name and the sig ------------------------------------------


def test_m17b_code_20_name_and_sig_40_age_card_at_the_higher_reading() -> None:
    cards = _cards(_chart("m17b_code_20mg_text_40mg_age75"))
    (card,) = of_topic(cards, AGE_LIMIT)
    assert card["summary"].startswith("Citalopram up to 40 mg/day (dose to confirm) at age 75")
    # Both readings named, and the card says the limit is judged at the higher one.
    assert "gives 20 mg/day" in card["detail"]
    assert "the name (citalopram 40 MG Oral Tablet) 40 mg/day" in card["detail"]
    assert "the sig 40 mg/day" in card["detail"]
    assert "this is the higher reading" in card["detail"]


def test_m17b_citalopram_is_not_read_as_20_mg() -> None:
    events = _events(_chart("m17b_code_20mg_text_40mg_age75"), "citalopram")
    assert events
    assert all(e.mg_per_day is None and e.mg_per_day_high == 40 for e in events)
    # Not counted as an adequate trial on a dose the record does not settle.
    text = _text(_cards(_chart("m17b_code_20mg_text_40mg_age75")))
    assert "2 adequate trials failed" not in text
    assert "citalopram dose to confirm, up to 40 mg/day" in text


def test_s03_control_agreeing_code_keeps_its_plain_age_card() -> None:
    cards = _cards(_chart("s03_older_citalopram_40"))
    (card,) = of_topic(cards, AGE_LIMIT)
    assert card["summary"].startswith("Citalopram 40 mg/day at age 75")
    assert "dose to confirm" not in _text(cards)
    events = _events(_chart("s03_older_citalopram_40"), "citalopram")
    assert {e.mg_per_day for e in events} == {40}


def test_m11_name_10_mg_sig_20_mg_is_to_confirm_with_both_readings() -> None:
    doc = _chart("m11_brand_text_only_lexapro")
    events = _events(doc, "escitalopram")
    assert events and all(e.mg_per_day is None and e.mg_per_day_high == 20 for e in events)
    text = _text(_cards(doc))
    assert "(Lexapro 10 mg tab) gives 10 mg/day, the sig 20 mg/day" in text


def test_m11b_control_two_tablets_of_10_mg_agree_with_20_mg() -> None:
    doc = _chart("m11b_brand_text_only_lexapro_consistent")
    events = _events(doc, "escitalopram")
    assert events and {e.mg_per_day for e in events} == {20}
    assert "dose to confirm" not in _text(_cards(doc))


@pytest.mark.parametrize(
    "sig",
    [
        "Take 1 tablet by mouth daily",
        "take 2",
        "Take 1 tablet (20 mg) by mouth daily",  # agrees with 20 mg tablets
        "1 tab po daily #30",
    ],
)
def test_a_sig_number_that_is_no_dose_stays_quiet(sig: str) -> None:
    doc = _chart("s03_older_citalopram_40")
    order = next(
        r
        for r in chart_files.prefetch_resources(doc)
        if r["resourceType"] == "MedicationRequest" and r["status"] == "active"
    )
    # citalopram 20 mg tablet, coded and named alike.
    order["medicationCodeableConcept"] = {
        "coding": [{"system": RXNORM, "code": "200371", "display": "citalopram 20 MG Oral Tablet"}],
        "text": "citalopram 20 MG Oral Tablet",
    }
    order["dosageInstruction"][0]["text"] = sig
    events, _ = medication_events([order], as_of=AS_OF)
    assert [e.mg_per_day for e in events] == [20]
    assert not any("dose to confirm" in n for e in events for n in e.notes)


# --- drug: the code names another drug than the name --------------------------------------------


def test_m08_code_fluoxetine_name_escitalopram_is_no_trial_of_either() -> None:
    doc = _chart("m08_unknown_scd_with_display")
    resources = list(chart_files.prefetch_resources(doc))
    events, gaps = medication_events(resources, as_of=AS_OF)
    assert not [e for e in events if e.ingredient in ("fluoxetine", "escitalopram")]
    conflicts = [g for g in gaps if g.reason == DRUG_TO_CONFIRM]
    assert len(conflicts) == 6  # the order and its five fills
    (order,) = [g for g in conflicts if g.taken_now]  # the active order: taken now
    assert set(order.taken_now) == {"fluoxetine", "escitalopram"}
    assert "code: fluoxetine 60 MG Oral Tablet" in order.stated
    assert "name: Escitalopram 20mg tab" in order.stated
    text = _text(_cards(doc))
    assert "fluoxetine 60 mg/day" not in text and "(sertraline, fluoxetine)" not in text
    assert "2 adequate trials failed" not in text
    assert "drug to confirm" in text and "name: Escitalopram 20mg tab" in text


def test_m08_at_an_maoi_order_both_readings_are_checked_as_running() -> None:
    doc = _chart("m08_unknown_scd_with_display")
    order = _chart("m07c_ctl_scd_escitalopram_draft_phenelzine")
    patient = doc["context"]["patientId"]
    draft = order["context"]["draftOrders"]
    for entry in draft["entry"]:
        entry["resource"]["subject"] = {"reference": f"Patient/{patient}"}
    doc["hook"] = "order-select"
    doc["context"]["selections"] = order["context"]["selections"]
    doc["context"]["draftOrders"] = draft
    cards = _cards(doc)
    critical = [c for c in cards if c["indicator"] == "critical"]
    assert critical, [c["summary"] for c in cards]
    said = _text(critical)
    # Either reading may be the drug taken: each one's washout is said (fluoxetine's 35 days
    # and escitalopram's 14), and which reading each is comes with the record's line. Neither
    # "is running": the record does not show which is taken (fix 19a).
    assert "fluoxetine may be running" in said and "escitalopram may be running" in said
    assert "is running" not in said
    assert "code: fluoxetine 60 MG Oral Tablet; name: Escitalopram 20mg tab" in said
