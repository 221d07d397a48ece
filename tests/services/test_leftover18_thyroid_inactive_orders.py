"""Review 17 leftovers: desiccated thyroid, an inactive Patient with no link, an unconfirmed
PHQ-9 signal at the order hooks, the partial responder's TMS summary and Maudsley line.

- Recheck M1 (d04): Armour Thyroid (text only) was read as no drug, so treated hypothyroidism
  read "Hypothyroidism on record: ... check it is treated" and held the adjuncts. Desiccated
  thyroid (RxNorm ingredient "thyroid", 10572) is now a thyroid replacement as levothyroxine is:
  "Hypothyroidism on desiccated thyroid: ...; no TSH in the last 365 days: check TSH".
- Review 17 M6, its other half (e02b): a Patient `active: false` with no link said nothing. Now
  the record is named (the first card's line, the data-not-read list, or the data-quality card
  when no other card carries it) and every one-click is held, as for a merged record.
- At an antidepressant draft, a PHQ-9 of unconfirmed subject with item 9 = 3 is said as a
  warning after the critical cards (already so: pinned here); the order hooks carry no drug
  one-click to hold.
- The partial responder (c01, pr02): the TMS summary reads as a sequence ("an adjunct first,
  then consider TMS referral", not recommended: already so); the Maudsley line no longer says
  "2 failed" for one failure and one partial response (the score is unchanged).

Charts: tests/services/leftover18_charts/ (Epic / US Core shaped requests, every prefetch key).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic
from tests.services.helpers import drug_orders as _drug_orders
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
QUALITY = "data-quality"
DIAGNOSIS = "diagnosis-review"

_chart = chart_files.loader(Path(__file__).parent / "leftover18_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


def _thyroid_text(doc: Doc, text: str) -> Doc:
    """The chart with its Armour Thyroid order written as `text`."""
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        concept = entry["resource"]["medicationCodeableConcept"]
        if "Armour" in concept.get("text", ""):
            concept["text"] = text
            return doc
    raise AssertionError("no Armour Thyroid order")


# --- desiccated thyroid (review 17 recheck M1) ------------------------------------------------


def _thyroid_card(cards: list[Doc]) -> Doc:
    return by_topic(cards)[DIAGNOSIS]


def test_armour_thyroid_is_treated_hypothyroidism_asking_for_a_tsh() -> None:
    cards = _cards(answered(_chart("d04_armour_thyroid_text_only_no_tsh")))
    card = _thyroid_card(cards)
    assert card["summary"] == (
        "Review alongside escalation: hypothyroidism on desiccated thyroid: no TSH in 365 days"
    )
    assert "check it is treated" not in card["detail"]
    assert (
        "**Hypothyroidism on desiccated thyroid:** Hypothyroidism, unspecified (ICD-10-CM E03.9, "
        "since 2015-03-02); desiccated thyroid running since 2015-03-02; no TSH in the last 365 "
        "days: check TSH"
    ) in card["detail"]
    assert card["indicator"] == "info"
    assert [s["label"] for s in card["suggestions"]] == ["Order TSH"]
    # Treated: the adjuncts are not held for it (as on levothyroxine, review 17 W1).
    optimise = by_topic(cards)[OPTIMISE]
    assert _drug_orders(optimise), optimise["summary"]
    assert "adjuncts held" not in optimise["summary"]


@pytest.mark.parametrize(
    "text",
    [
        "NP Thyroid 60 MG Oral Tablet",
        "thyroid 60 mg tablet",
        "Thyroid, Porcine 60 MG Oral Tablet",
        "thyroid (USP) 60 MG Oral Tablet",
    ],
)
def test_desiccated_thyroid_as_its_other_names_is_replacement(text: str) -> None:
    card = _thyroid_card(_cards(_thyroid_text(_chart("d04_armour_thyroid_text_only_no_tsh"), text)))
    assert "Hypothyroidism on desiccated thyroid" in card["detail"]


def test_desiccated_thyroid_by_its_rxnorm_ingredient_code_is_replacement() -> None:
    doc = _thyroid_text(_chart("d04_armour_thyroid_text_only_no_tsh"), "x")
    for entry in doc["prefetch"]["medicationRequests"]["entry"]:
        concept = entry["resource"]["medicationCodeableConcept"]
        if concept.get("text") == "x":
            entry["resource"]["medicationCodeableConcept"] = {
                "coding": [
                    {
                        "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                        "code": "10572",
                        "display": "thyroid",
                    }
                ]
            }
    card = _thyroid_card(_cards(doc))
    assert "Hypothyroidism on desiccated thyroid" in card["detail"]


@pytest.mark.parametrize(
    "text", ["methimazole 10 mg (anti-thyroid)", "Thyroid Support supplement capsule"]
)
def test_an_antithyroid_drug_or_a_supplement_is_not_thyroid_replacement(text: str) -> None:
    card = _thyroid_card(_cards(_thyroid_text(_chart("d04_armour_thyroid_text_only_no_tsh"), text)))
    assert "**Hypothyroidism on record:**" in card["detail"]
    assert "check it is treated" in card["detail"]


def test_liothyronine_beside_desiccated_thyroid_names_the_replacement() -> None:
    optimise = by_topic(_cards(_chart("d04_armour_thyroid_text_only_no_tsh")))[OPTIMISE]
    assert (
        "Liothyronine beside desiccated thyroid (thyroid hormone replacement, T4 with T3), taken "
        "since 2015-03-02: already on thyroid hormone replacement"
    ) in optimise["detail"]


# --- a Patient marked inactive with no link (review 17 M6) ------------------------------------

INACTIVE_LINE = (
    "**This Patient record is marked inactive (active: false)**: the history may be incomplete "
    "or held under another record; find the record in use and decide there; the one-click "
    "orders are held (they would be written on this inactive record)."
)


def test_an_inactive_patient_holds_every_one_click_and_says_so_first() -> None:
    # Item 9 answered, so a one-click is there to hold (unrecorded, it comes first on both
    # cards and nothing is one click already: review s26 RN finding 6).
    cards = _cards(answered(_chart("e02b_patient_inactive_no_link")))
    assert cards
    assert all(not c.get("suggestions") for c in cards)
    first = cards[0]
    assert first["summary"].startswith("Inactive record")
    assert first["detail"].startswith(INACTIVE_LINE)
    assert not any("This Patient record is marked inactive" in c["detail"][:200] for c in cards[1:])
    # Named in the data not read, with no surviving record claimed.
    assert (
        "- This Patient record is marked inactive (active: false): the history may be incomplete "
        "or held under another record; check it"
    ) in first["detail"]
    assert "merged" not in first["detail"].lower()


def test_an_inactive_patient_with_nothing_else_gets_the_data_quality_card_once() -> None:
    cards = _cards(_chart("e02c_patient_inactive_no_link_no_history"))
    assert [c["source"]["topic"]["code"] for c in cards] == [QUALITY]
    card = cards[0]
    assert card["summary"] == (
        "This Patient record is marked inactive (active: false): the history may be incomplete "
        "or held under another record"
    )
    # Said as its summary: no second line saying it again at the top of the detail.
    assert not card["detail"].startswith("**This Patient record")


def test_an_inactive_patient_holds_the_order_hook_cards_too() -> None:
    doc = _chart("i06_item9_unconfirmed_draft_mirtazapine_select")
    doc["prefetch"]["patient"]["active"] = False
    cards = _cards(doc)
    assert cards
    assert all(not c.get("suggestions") for c in cards)
    assert INACTIVE_LINE.split(";")[0] in cards[0]["detail"]


def test_an_active_patient_or_an_absent_flag_is_quiet() -> None:
    for active in (True, None):
        doc = answered(_chart("e02b_patient_inactive_no_link"))
        if active is None:
            doc["prefetch"]["patient"].pop("active")
        else:
            doc["prefetch"]["patient"]["active"] = active
        cards = _cards(doc)
        assert not any("inactive" in c["detail"] for c in cards)
        assert _drug_orders(by_topic(cards)[OPTIMISE])


# --- an unconfirmed PHQ-9 signal at the order hooks -------------------------------------------

SIGNAL = (
    "PHQ-9 item 9 = 3 (nearly every day) on 2025-05-28, subject not confirmed: if it is this "
    "patient's, assess today"
)


@pytest.mark.parametrize(
    "name",
    [
        "i06_item9_unconfirmed_draft_mirtazapine_select",
        "i06_item9_unconfirmed_draft_mirtazapine_sign",
    ],
)
def test_an_unconfirmed_item9_is_said_at_an_antidepressant_draft(name: str) -> None:
    cards = _cards(_chart(name))
    first = cards[0]
    assert first["source"]["topic"]["code"] == QUALITY
    assert first["summary"] == SIGNAL
    assert first["indicator"] == "warning"
    # No card of the order hooks offers a drug as one click (nothing to hold).
    assert not any(_drug_orders(c) for c in cards)


def test_an_unconfirmed_item9_comes_after_a_critical_order_card() -> None:
    doc = _chart("i06_item9_unconfirmed_draft_mirtazapine_select")
    draft = doc["context"]["draftOrders"]["entry"][0]["resource"]
    draft["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "312347",
                "display": "phenelzine 15 MG Oral Tablet",
            }
        ],
        "text": "phenelzine 15 MG Oral Tablet",
    }
    cards = _cards(doc)
    assert [c["indicator"] for c in cards[:2]] == ["critical", "warning"]
    assert cards[1]["summary"] == SIGNAL


# --- the partial responder's TMS summary and Maudsley line ------------------------------------


def _staging(card: Doc) -> str:
    found = re.search(r"\*\*Maudsley staging\*\*[^\n]*", card["detail"])
    assert found is not None
    return found.group(0)


def test_the_tms_summary_for_a_partial_responder_reads_as_a_sequence() -> None:
    tms = by_topic(_cards(_chart("c01_partial_response_40pct")))[TMS]
    assert "an adjunct first, then consider TMS referral" in tms["summary"]
    # ... and the referral waits for the adjunct: named, not one click (review s26 RN finding 6).
    assert "suggestions" not in tms
    assert '; this card puts "an adjunct to venlafaxine" first' in tms["detail"]


def test_the_staging_line_says_partial_response_not_failed() -> None:
    line = _staging(by_topic(_cards(_chart("c01_partial_response_40pct")))[TMS])
    assert (
        "Antidepressant trials 1 (2 adequate trials, 1 failed, 1 partial response: 1-2 medications)"
    ) in line
    assert "2 failed" not in line
    # 5, not 6: its PHQ-9 is newer than its coded "severe" (review 19 b01, session 20).
    assert line.count("5 of 15, mild") == 1


def test_the_staging_line_of_a_single_partial_response_says_no_failure() -> None:
    cards = by_topic(_cards(_chart("pr02_partial_response_only_trial")))
    line = _staging(cards[OPTIMISE])
    assert "Antidepressant trials 1 (1 adequate trial, 1 partial response: 1-2 medications)" in line
    assert "failed" not in line
