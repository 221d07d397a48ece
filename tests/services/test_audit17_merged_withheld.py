"""Audit 17 W4, W7, M1, M2: a merged Patient record, a withheld problem list at the TMS safety
screen, an order of unconfirmed subject, another patient's records.

- W4 (e02): a Patient merged into another (link replaced-by, active false) kept its one-clicks,
  a recommended TMS referral among them, and said the merge only in a footnote: every one-click
  is now held, and the first card's summary and first line say the record was merged, naming
  the surviving record.
- W7 (conditions withheld): "No epilepsy/seizure disorder ... recognised" stood under a withheld
  problem list, and the referral stayed recommended: the screen now says the seizure history
  could not be checked, the criterion is "to confirm", and the referral is not recommended.
- M1 (e04b: the phenelzine order's MRN matches none of the patient's): the summary led with
  "MedicationRequest" and did not name the running venlafaxine; the optimise card listed
  switches as if no MAOI might be running.
- M2 (e01): "another patient's records ... report it" was said three times on one card.

Charts: tests/services/review17_charts/ and leftover17_charts/ (US Core / Epic shaped requests).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
HERE = Path(__file__).parent
Doc = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
QUALITY = "data-quality"

_review = chart_files.loader(HERE / "review17_charts")
_leftover = chart_files.loader(HERE / "leftover17_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


# --- W4: a merged Patient record -------------------------------------------------------------------


def test_a_merged_record_holds_every_one_click_and_says_so_first() -> None:
    # Item 9 answered: with it unrecorded the TMS card puts "ask item 9" first and its referral
    # is not one click already (review s26 RN finding 6), leaving the merge nothing to hold.
    cards = _cards(answered(_review("e02_patient_link_replaced_by")))
    assert cards
    assert all(not c.get("suggestions") for c in cards)
    first = cards[0]
    assert first["summary"].startswith("Merged record")
    assert first["detail"].startswith(
        "**This chart is an inactive record merged into Patient/merged-survivor-12345**: open "
        "the surviving record and decide there; the history here may be incomplete; the "
        "one-click orders are held"
    )
    # Once, on the first card only.
    assert not any("This chart is an inactive record" in c["detail"] for c in cards[1:])


def test_a_merged_record_holds_the_order_hook_cards_too() -> None:
    doc = _leftover("conditions_withheld_draft_venlafaxine")
    patient = doc["prefetch"]["patient"]
    patient["active"] = False
    patient["link"] = [
        {
            "other": {"reference": "Patient/survivor-1", "display": "Test Survivor"},
            "type": "replaced-by",
        }
    ]
    cards = _cards(doc)
    assert cards[0]["summary"].startswith("Merged record")
    assert "merged into Test Survivor (Patient/survivor-1)" in cards[0]["detail"]
    assert all(not c.get("suggestions") for c in cards)


def test_the_surviving_record_keeps_its_one_clicks() -> None:
    doc = answered(_review("e02_patient_link_replaced_by"))  # no "ask item 9" step first
    doc["prefetch"]["patient"]["link"][0]["type"] = "replaces"  # this record is the survivor
    doc["prefetch"]["patient"]["active"] = True
    cards = by_topic(_cards(doc))
    assert cards[TMS]["suggestions"]
    assert not cards[OPTIMISE]["summary"].startswith("Merged record")


# --- W7: the TMS safety screen under a withheld problem list ----------------------------------------


def test_a_withheld_problem_list_gives_no_seizure_clearance_and_no_recommended_referral() -> None:
    # Item 9 answered: no step first, so the referral is offered, not recommended.
    tms = by_topic(_cards(answered(_leftover("conditions_withheld_patient_view"))))[TMS]
    detail = tms["detail"]
    assert "No epilepsy/seizure disorder" not in detail
    assert (
        "- Seizure history could not be checked (part of the condition list not received): "
        "ask before referral"
    ) in detail
    assert (
        "Contraindications: to confirm, not ruled out (part of the condition list not "
        "available): seizure disorder"
    ) in detail
    assert tms["suggestions"]
    assert not any(s.get("isRecommended") for s in tms["suggestions"])


def test_a_complete_problem_list_keeps_the_clearance_and_the_recommended_referral() -> None:
    tms = by_topic(_cards(_review("e01_other_patient_in_prefetch")))[TMS]
    assert "- No epilepsy/seizure disorder, metal or stimulator near the head" in tms["detail"]
    # Its only hold is the latest PHQ-9's missing item 9 (review s24 RA finding 1: as the
    # adjuncts are held), never the problem list.
    assert "**Referral not marked recommended until item 9 is known:**" in tms["detail"]
    assert "problem list" not in tms["detail"].split("**Referral not marked")[1]
    # ... which the card puts first: the referral is not one click until it is asked (review
    # s26 RN finding 6).
    assert "suggestions" not in tms
    assert tms["detail"].startswith(
        '**Not one click yet:** Refer for TMS evaluation; this card puts "ask item 9" first'
    )


# --- M1: an MAOI order of unconfirmed subject -------------------------------------------------------


def test_an_unconfirmed_maoi_order_is_named_in_words_with_the_running_drug() -> None:
    cards = by_topic(_cards(_review("e04b_subject_mrn_unmatched")))
    quality = cards[QUALITY]
    assert quality["summary"] == (
        "An active phenelzine (MAOI) order under another identifier: confirm whose it is (with "
        "venlafaxine running it would be critical)"
    )
    detail = quality["detail"]
    assert "A suicide-risk answer, a failed trial" not in detail
    assert detail.count("matches none of this patient's") == 1
    assert cards[OPTIMISE]["detail"].startswith(
        "**Before any switch or addition:** an active phenelzine (MAOI) order under another "
        "identifier came with this chart and was not read"
    )


# --- M2: another patient's records, said once --------------------------------------------------------


def test_another_patients_records_are_reported_once_per_card() -> None:
    optimise = by_topic(_cards(_review("e01_other_patient_in_prefetch")))[OPTIMISE]
    assert optimise["detail"].count("report it to the EHR team") == 1
    assert optimise["detail"].count("never read for this patient") == 1
