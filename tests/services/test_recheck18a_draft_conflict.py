"""A draft order whose code disagrees with its name or its sig (review 18a recheck UNSAFE): the
chart's records were read as either reading (fhir_mapping/product_conflict.py), the draft was
read by its code alone, so at order-select the code won without a word.

- a draft whose code and name give different drugs is checked as EITHER drug; the line naming
  both readings ("coded aripiprazole, named escitalopram: confirm the drug") stands on its first
  card, and every card says which reading it rests on ("If it is escitalopram: ...": audit 18,
  tests/services/test_audit18c_wording.py);
- a draft whose dose readings disagree is checked at the higher one (maximum, age, QT);
- quiet where they agree (an Epic "(40 mg)" sig, two tablets, a half tablet, a brand name).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import by_topic

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "recheck18a_charts"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)


def _cards_of(doc: Doc) -> list[Doc]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return cards


def _draft(doc: Doc) -> Doc:
    resource: Doc = doc["context"]["draftOrders"]["entry"][0]["resource"]
    return resource


def test_draft_coded_aripiprazole_named_escitalopram_meets_the_running_maoi() -> None:
    cards = by_topic(_cards_of(_chart("q01_draft_code_arip_name_escitalopram_maoi")))
    maoi = cards["order-maoi-interaction"]
    assert maoi["indicator"] == "critical"
    # The phenelzine order is listed (review s23 RR finding 5): its wording fits the summary
    # only in the short form.
    assert maoi["summary"].startswith(
        "If escitalopram: escitalopram with phenelzine (MAOI) listed (order of 2025-01-06 never "
        "filled): confirm it is not taken"
    )
    assert "coded aripiprazole, named escitalopram" in maoi["detail"]
    assert "confirm the drug before signing" in maoi["detail"]


def test_draft_coded_escitalopram_named_phenelzine_gets_the_washout_card() -> None:
    cards = _cards_of(_chart("q03_draft_code_esc_name_phenelzine"))
    critical = [c for c in cards if c["indicator"] == "critical"]
    assert any(
        c["summary"].startswith(
            "If it is phenelzine: phenelzine (MAOI) ordered while escitalopram is running"
        )
        for c in critical
    )
    # The two readings of one draft are never a pair: the patient gets one drug, not both.
    assert not any("on the same order" in c["summary"] for c in cards)
    # Both readings named once, on the first card; the others name the draft's two drugs.
    assert "coded escitalopram, named phenelzine" in cards[0]["detail"]
    assert all("coded escitalopram, named phenelzine" not in c["detail"] for c in cards[1:])
    above = by_topic(cards)["order-dose-above-range"]
    assert "**If it is escitalopram** (escitalopram or phenelzine: to confirm):" in above["detail"]


def test_draft_coded_citalopram_20_named_40_is_judged_at_40_at_age_75() -> None:
    cards = by_topic(_cards_of(_chart("q02_draft_code_cit20_name_cit40_age75")))
    age = cards["order-dose-above-age-limit"]
    assert "40 mg/day at age 75" in age["summary"]
    assert "the code's strength (citalopram 20 MG Oral Tablet) gives 20 mg/day" in age["detail"]
    assert "checked at the higher, 40 mg/day" in age["detail"]


def test_draft_coded_sertraline_named_escitalopram_is_not_two_ssris_on_one_order() -> None:
    doc = _chart("q01_draft_code_arip_name_escitalopram_maoi")
    concept = _draft(doc)["medicationCodeableConcept"]
    concept["coding"] = [
        {
            "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
            "code": "312940",
            "display": "sertraline 25 MG Oral Tablet",
        }
    ]
    cards = _cards_of(doc)
    assert not any("drafted" in c["summary"] and "SSRIs" in c["summary"] for c in cards)
    assert any("coded sertraline, named escitalopram" in c["detail"] for c in cards)


@pytest.mark.parametrize(
    ("text", "sig", "count"),
    [
        ("citalopram 20 MG tablet", "Take 1 tablet (20 mg) by mouth daily", 1),
        ("Celexa 20 mg tablet", "TAKE 2 TABLETS (40MG) BY MOUTH DAILY", 2),
        ("citalopram 20 MG tablet", "Take 0.5 tablet (10 mg) by mouth daily", 0.5),
        ("citalopram 20 MG tablet", "Take 1 tablet by mouth daily", 1),
    ],
)
def test_a_draft_whose_readings_agree_says_nothing_to_confirm(
    text: str, sig: str, count: float
) -> None:
    doc = _chart("q02_draft_code_cit20_name_cit40_age75")
    draft = _draft(doc)
    draft["medicationCodeableConcept"]["text"] = text
    line = draft["dosageInstruction"][0]
    line["text"] = sig
    line["doseAndRate"][0]["doseQuantity"]["value"] = count
    cards = _cards_of(doc)
    assert not any("to confirm, the record disagrees" in c["detail"] for c in cards)
    assert not any("Drug to confirm" in c["detail"] for c in cards)


def test_one_running_record_read_as_two_drugs_is_not_paired_with_itself() -> None:
    # Recheck 18c R2 (m04): a running order coded escitalopram and named phenelzine, sertraline
    # drafted: the critical MAOI card said "Also running with phenelzine: escitalopram (a pair
    # that must not meet: stop one)" - one record whose drug is to confirm, not two drugs.
    doc = _chart("m04_running_record_code_esc_name_phenelzine_draft_sertraline")
    cards = _cards_of(doc)
    maoi = [c for c in cards if c["indicator"] == "critical"]
    # "may be running", never "is running": the record's code and name disagree (fix 19a).
    assert maoi and "phenelzine (MAOI) may be running" in maoi[0]["summary"], [
        c["summary"] for c in cards
    ]
    assert "Also running with" not in maoi[0]["detail"]
    assert "drug to confirm" in maoi[0]["detail"]
