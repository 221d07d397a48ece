"""Session 36 fix mask48 (mask47's approach, review K51b finding 3): a Procedure, Device or
AllergyIntolerance whose code is masked or absent by a data-absent-reason is a record the service
could not read, never dropped in silence.

Charts: mask48_charts/ (drug48's no_unidentified chart, as mask47's; all 19 prefetch keys, as of
2026-12-01; two failed trials, PHQ-9 18), one resource added as US Core / Epic send a sensitive
entry (meta.security R; the data-absent-reason extension on `code` / `type` itself, or US Core's
data-absent-reason coding, or DSTU2's extension URL):
- procedure_masked_extension, procedure_masked_coding, procedure_masked_old_url,
  procedure_unknown_status_unknown (status unknown: may have been done), device_masked_extension,
  device_masked_inactive (a switched-off stimulator is still metal). Before: the routing filter
  dropped them; the TMS card said "No epilepsy/seizure disorder, metal or stimulator near the
  head, or other TMS safety item recognised" and offered the referral as the recommended step,
  the referral summary "no other TMS safety item recognised". After: a TMS safety-screen item,
  the criterion "to screen", the referral held ("identify the unreadable procedure first"), the
  summary's screen listing it.
- allergy_masked_extension, allergy_masked_coding (no category). Before: silent; the optimise
  card proposed aripiprazole and brexpiprazole one click. After: held under a line naming the
  entry ("check it in the chart before ordering"); the TMS referral stays one click.
- Controls, unchanged: procedure_readable (appendectomy), procedure_masked_not_done,
  procedure_masked_entered_in_error, procedure_masked_later (performed after as-of),
  device_masked_entered_in_error, allergy_readable (penicillin), allergy_masked_resolved,
  allergy_masked_entered_in_error, allergy_masked_food (category food: no drug).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from services.packet import render_packet
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "mask48_charts"
_AS_OF = date(2026, 12, 1)
_cards = chart_files.topic_reader(_FOLDER, _AS_OF)
_load = chart_files.loader(_FOLDER)
TMS = "tms-referral"
OPTIMIZE = "optimize-switch-augment"
_CLEAN = (
    "No epilepsy/seizure disorder, metal or stimulator near the head, or other TMS safety item "
    "recognised in the chart's codes and text"
)
_PACKET_CLEAN = "no other TMS safety item recognised"
_ADJUNCTS = ("Propose adjunctive aripiprazole", "Propose adjunctive brexpiprazole")

# name -> (what the screen calls it, its reason words, its day as the card says it)
IMPLANTS = {
    "procedure_masked_extension": "procedure|masked|performed 2019-03-04",
    "procedure_masked_coding": "procedure|masked|performed 2019-03-04",
    "procedure_masked_old_url": "procedure|masked|performed 2019-03-04",
    "procedure_unknown_status_unknown": "procedure|unknown|performed 2019-03-04",
    "device_masked_extension": "device|masked|date not recorded, Device/d-masked-1",
    "device_masked_inactive": "device|masked|date not recorded, Device/d-masked-2",
}
ALLERGIES = {"allergy_masked_extension": "masked", "allergy_masked_coding": "masked"}
CONTROLS = dict.fromkeys(
    (
        "procedure_readable",
        "procedure_masked_not_done",
        "procedure_masked_entered_in_error",
        "procedure_masked_later",
        "device_masked_entered_in_error",
        "allergy_readable",
        "allergy_masked_resolved",
        "allergy_masked_entered_in_error",
        "allergy_masked_food",
    ),
    "control",
)


def _packet_text(name: str) -> str:
    _, record = Evaluator(_AS_OF).cards_and_record(_load(name))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", render_packet(record, Policy())))


@pytest.mark.parametrize(("name", "said"), sorted(IMPLANTS.items()))
def test_a_masked_procedure_or_device_is_screened_and_holds_the_referral(
    name: str, said: str
) -> None:
    what, reason, dated = said.split("|")
    cards = _cards(name)
    tms = cards[TMS]
    item = f"{what} not readable ({reason})"
    assert tms["summary"] == (
        f"PHQ-9 18: identify the unreadable {what} first, then consider TMS referral; "
        f"safety screen first: {item}"
    )
    assert len(tms["summary"]) <= 140
    assert _CLEAN not in tms["detail"]
    assert "metal or stimulator in or near the head recognised;" not in tms["detail"]
    assert (
        "no metal or stimulator in or near the head recognised, but a procedure or device "
        "record is not readable (to screen, above)"
    ) in tms["detail"]
    assert f"to screen: {item}: check it is not a stimulator, an implant or metal" in tms["detail"]
    assert f"({dated})" in tms["detail"]
    # Held: the referral is text until the record is identified.
    assert not tms.get("suggestions")
    assert "**Not one click yet:** Refer for TMS evaluation" in tms["detail"]
    assert f"until the unreadable {what} is identified:**" in tms["detail"]
    # The drug proposals are not about implants: they stay one click.
    labels = [s["label"] for s in cards[OPTIMIZE]["suggestions"]]
    assert all(any(label.startswith(a) for label in labels) for a in _ADJUNCTS)
    # The referral summary's screen lists it, and claims nothing clear.
    page = _packet_text(name)
    assert _PACKET_CLEAN not in page
    assert f"To screen before TMS (caution) {item}" in page


@pytest.mark.parametrize(("name", "said"), sorted(ALLERGIES.items()))
def test_a_masked_allergy_holds_the_drug_one_clicks(name: str, said: str) -> None:
    cards = _cards(name)
    optimise = cards[OPTIMIZE]
    assert not optimise.get("suggestions")
    assert "check an allergy entry (not readable) first" in optimise["summary"]
    assert (
        "**Not one click while an allergy entry cannot be read:** Propose adjunctive aripiprazole"
    ) in optimise["detail"]
    assert (
        f"An allergy entry recorded 2024-01-10 was sent with its allergen {said} "
        "(data-absent-reason), so these drugs were not checked against it"
    ) in optimise["detail"]
    assert "allergen withheld: data-absent-reason" in optimise["detail"]
    # The TMS referral orders no drug: it stays one click, recommended, its screen clear.
    tms = cards[TMS]
    assert tms["suggestions"][0]["label"] == "Refer for TMS evaluation"
    assert tms["suggestions"][0].get("isRecommended") is True
    assert _CLEAN in tms["detail"]


@pytest.mark.parametrize("name", sorted(CONTROLS))
def test_a_readable_or_voided_record_changes_nothing(name: str) -> None:
    cards = _cards(name)
    tms = cards[TMS]
    assert _CLEAN in tms["detail"]
    assert "safety screen" not in tms["summary"]
    assert tms["suggestions"][0]["label"] == "Refer for TMS evaluation"
    assert tms["suggestions"][0].get("isRecommended") is True
    labels = [s["label"] for s in cards[OPTIMIZE]["suggestions"]]
    assert all(any(label.startswith(a) for label in labels) for a in _ADJUNCTS)
    assert "not readable" not in str(cards)
    assert "data-absent-reason" not in str(cards)


def test_the_packet_of_a_readable_chart_still_says_clear() -> None:
    assert _PACKET_CLEAN in _packet_text("procedure_readable")


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, IMPLANTS, ALLERGIES, CONTROLS)
