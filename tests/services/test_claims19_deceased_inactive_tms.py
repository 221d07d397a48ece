"""Review 19 claims and noise (E1-E3): a deceased patient's pathway cards, an inactive Patient
linked by `seealso`, and the PHQ-9s of a TMS course filed as panels and totals.

- E1 (x01, x02; review18 p01, p02): an escitalopram draft on a Patient recorded deceased got the
  TMS referral card (and the failed-class repeat card); chart open got nothing at all, the MAOI
  pair's critical card included. Now PathwayFacts.active is false for a deceased patient, so no
  pathway card speaks at any hook; the safety cards stay (a running SNRI beside the SSRI draft
  keeps its own card), led by the deceased card: a warning at an order, information on chart
  open ("treatment-pathway cards not shown"), one-clicks held (services/deceased.py).
- E2 (x03): a Patient `active: false` with a `seealso` link said nothing and kept every
  one-click. It is now flagged as an inactive record with no link is (named on the first card,
  one-clicks held), naming the linked record; so are `refer` and `replaces` links.
- E3 (x04): a TMS course whose PHQ-9s are US Core / Epic panels (44249-1 with hasMember: the
  items and the 44261-6 total), one total also filed by a second source later that day. Not
  reproduced: the mapping counts one administration once (fhir_mapping/score_totals._merged:
  one total per instrument, day and value), so the course card, the severity history and the
  timeline each say every PHQ-9 once. Pinned here.

Charts: tests/services/claims19_charts/ (US Core / Epic shaped requests, every prefetch key).
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.packet.page import render_packet
from services.policy import Policy
from services.timeline.page import render_page
from tests.services import chart_files
from tests.services.helpers import Evaluator, topics
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
HERE = Path(__file__).parent
Doc = dict[str, Any]
QUALITY = "data-quality"
TMS = "tms-referral"
OPTIMISE = "optimize-switch-augment"
# Every card the pathway raises, at either hook (the safety cards are the others).
PATHWAY = {
    "adherence-review",
    "diagnosis-review",
    OPTIMISE,
    "relapse-on-treatment",
    "recurrence-off-treatment",
    TMS,
    "tms-course",
    "psychotherapy",
    "measurement-based-care",
    "order-repeats-failed-trial",
    "order-dose-below-range",
}

_chart = chart_files.loader(HERE / "claims19_charts")
_review18 = chart_files.loader(HERE / "review18_charts")
_leftover18 = chart_files.loader(HERE / "leftover18_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


def _alive(doc: Doc) -> Doc:
    patient = doc["prefetch"]["patient"]
    patient.pop("deceasedBoolean", None)
    patient.pop("deceasedDateTime", None)
    return doc


# --- E1: a patient recorded deceased ---------------------------------------------------------


def test_an_order_signed_on_a_deceased_patient_gets_no_tms_referral() -> None:
    doc = _chart("x01_deceased_datetime_escitalopram_order_sign")
    # Alive, the same order gets the TMS referral and the failed-class repeat card (the TMS card
    # with a payer criterion unmet at an order hook only as the policy allows: review 19 I7).
    everywhere = Policy(tms_card_when_payer_criteria_unmet=True)
    assert {TMS, "order-repeats-failed-trial"} <= set(
        topics(_cards(_alive(doc), policy=everywhere))
    )
    cards = _cards(_chart("x01_deceased_datetime_escitalopram_order_sign"), policy=everywhere)
    # The running SNRI beside the SSRI draft (on the repeat card when alive) keeps a card.
    assert topics(cards) == [QUALITY, "order-same-class-running"]
    status = cards[0]
    assert (status["indicator"], status["summary"]) == (
        "warning",
        "Patient recorded deceased (2025-05-20): check the chart before signing",
    )
    assert (
        "Its pathway checks (a TMS referral at a new drug, a repeat of a failed trial, a dose "
        "below the adequate range) are not shown for a patient recorded deceased."
    ) in status["detail"]
    assert "serotonin-syndrome risk" in cards[1]["detail"]
    assert all(not c.get("suggestions") for c in cards)


def test_an_order_selected_on_a_deceased_patient_gets_no_pathway_card() -> None:
    cards = _cards(_review18("p02_deceased_boolean_order_select"))
    assert topics(cards)[0] == QUALITY
    assert not PATHWAY & set(topics(cards))


def test_chart_open_on_a_deceased_patient_says_the_status_and_keeps_the_safety_card() -> None:
    # A PHQ-9 of 2025-05-26, after the death: the date is doubtful, so phenelzine and
    # escitalopram still run (fhir_mapping/death_ends_courses.py, s21 RN 2) and the card says so.
    cards = _cards(_chart("x02_deceased_maoi_pair_patient_view"))
    # Critical first, as on every screen (review s24 RN finding 13); the status card's summary
    # says the safety cards are shown, and the critical card above it names the status.
    assert topics(cards) == ["maoi-combination", QUALITY]
    maoi, status = cards
    assert (status["indicator"], status["summary"]) == (
        "info",
        "Patient recorded deceased (2025-05-20): treatment-pathway cards not shown; safety cards "
        "still shown",
    )
    assert maoi["detail"].startswith(
        "**Patient recorded deceased (2025-05-20):** this safety card is shown as for a living "
        "patient (if the status is wrong, a safety finding must not be lost); its one-click "
        "orders are held."
    )
    assert status["detail"] == (
        "**Patient status:** the Patient resource records this patient as deceased "
        "(2025-05-20). A record dated 2025-05-26, after the recorded death, makes the date "
        "doubtful: the drugs are read as the chart gives them, not ended at the death. "
        "This service's treatment-pathway cards (the next step, TMS, "
        "psychotherapy, measurement-based care) are not shown for a patient recorded deceased. "
        "Its safety checks ran as for a living patient (if the status is wrong, a safety "
        "finding must not be lost): their cards are shown. If the patient is alive, correct the "
        "Patient record: the pathway cards come back."
    )
    assert maoi["indicator"] == "critical"
    assert all(not c.get("suggestions") for c in cards)


def test_chart_open_on_a_deceased_trd_patient_shows_the_status_alone() -> None:
    cards = _cards(_review18("p01_deceased_datetime_trd"))
    assert topics(cards) == [QUALITY]
    assert "and found nothing to say" in cards[0]["detail"]
    # Alive, the chart gets the pathway's cards.
    assert PATHWAY & set(topics(_cards(_alive(_review18("p01_deceased_datetime_trd")))))


def test_a_deceased_patient_with_nothing_to_say_gets_no_card() -> None:
    doc = _leftover18("e02c_patient_inactive_no_link_no_history")
    doc["prefetch"]["patient"].pop("active")
    assert _cards(doc) == []
    doc["prefetch"]["patient"]["deceasedBoolean"] = True
    assert _cards(doc) == []


def test_a_deceased_patients_data_quality_card_is_one_card_under_the_status() -> None:
    doc = _leftover18("e02b_patient_inactive_no_link")
    doc["prefetch"]["patient"]["deceasedBoolean"] = True
    cards = _cards(doc)
    assert topics(cards) == [QUALITY]
    (card,) = cards
    assert card["summary"].startswith("Patient recorded deceased (date not recorded)")
    assert card["indicator"] == "warning"  # the inactive record's, the graver
    assert "This Patient record is marked inactive (active: false)" in card["detail"]


# --- E2: an inactive Patient linked to another record ----------------------------------------

LINKED = "Patient/e4c2f0d1-7a3b-5c19-9e62-3f8a1b0c5d27"


def test_an_inactive_patient_with_a_seealso_link_is_named_and_held() -> None:
    # Item 9 answered, so a one-click is there to hold (with it unrecorded the TMS card's
    # referral waits for it already: review s26 RN finding 6).
    cards = _cards(answered(_chart("x03_patient_inactive_seealso_link")))
    assert cards and all(not c.get("suggestions") for c in cards)
    first = cards[0]
    assert first["summary"].startswith("Inactive record")
    assert first["detail"].startswith(
        "**This Patient record is marked inactive (active: false), linked to "
        f"{LINKED} (seealso)**: the history may be incomplete or held under the linked record; "
        "find the record in use and decide there; the one-click orders are held (they would "
        "be written on this inactive record)."
    )
    assert (
        "- This Patient record is marked inactive (active: false): "
        f"Patient/fa1f2005-70d7-5fa9-b60b-c9d23cd19619 (linked to {LINKED} (seealso)): the "
        "history may be incomplete or held under the linked record; check it"
    ) in first["detail"]
    # The timeline says the record's status in the same words (gap_identity.record_status).
    record = evaluate_document(
        _chart("x03_patient_inactive_seealso_link"),
        hook="patient-view",
        as_of=AS_OF,
        policy=Policy(),
    ).evaluation.record
    assert (
        f"This Patient record is marked inactive (active: false), linked to {LINKED} (seealso): "
        "the history may be incomplete or held under the linked record"
    ) in html.unescape(render_page(record))


@pytest.mark.parametrize("kind", ["refer", "replaces"])
def test_other_links_of_an_inactive_patient_are_named_too(kind: str) -> None:
    doc = _chart("x03_patient_inactive_seealso_link")
    doc["prefetch"]["patient"]["link"][0]["type"] = kind
    cards = _cards(doc)
    assert f"linked to {LINKED} ({kind})**" in cards[0]["detail"]
    assert all(not c.get("suggestions") for c in cards)


def test_an_active_patient_with_a_seealso_link_keeps_its_one_clicks() -> None:
    doc = answered(_chart("x03_patient_inactive_seealso_link"))
    doc["prefetch"]["patient"]["active"] = True
    cards = _cards(doc)
    assert not any("inactive" in c["detail"] for c in cards)
    assert {c["source"]["topic"]["code"]: c for c in cards}[OPTIMISE].get("suggestions")


def test_an_inactive_linked_patient_with_nothing_else_names_the_link_in_the_summary() -> None:
    doc = _leftover18("e02c_patient_inactive_no_link_no_history")
    doc["prefetch"]["patient"]["link"] = [{"other": {"reference": LINKED}, "type": "seealso"}]
    cards = _cards(doc)
    assert topics(cards) == [QUALITY]
    assert cards[0]["summary"] == (
        f"This Patient record is marked inactive (active: false), linked to {LINKED} (seealso)"
    )


# --- E3: a TMS course's PHQ-9s, panels and totals --------------------------------------------

# The chart's PHQ-9 administrations: three before the course, five panels around it.
PHQ9S = [
    (date(2024, 10, 21), 19),
    (date(2025, 2, 10), 17),
    (date(2025, 4, 24), 21),
    (date(2025, 5, 5), 19),
    (date(2025, 5, 12), 18),
    (date(2025, 5, 13), 16),
    (date(2025, 5, 19), 15),
    (date(2025, 5, 27), 13),
]


def test_each_phq9_of_a_tms_course_is_said_once() -> None:
    doc = _chart("x04_tms_course_phq9_panels_and_totals")
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    record = result.evaluation.record
    assert [(s.date, s.value) for s in record.phq9()] == PHQ9S
    cards = {c["source"]["topic"]["code"]: c for c in result.response.to_json()["cards"]}
    assert cards["tms-course"]["summary"] == (
        "TMS course since 2025-04-28 (week 5, 24 sessions): no response yet (38 % better)"
    )
    assert (
        "**Response check (week 5):** PHQ-9 21 (2025-04-24) -> 13 (2025-05-27), 38 % better"
    ) in cards["tms-course"]["detail"]
    # The severity history (referral summary) and the timeline: one row per administration.
    packet = html.unescape(render_packet(record, Policy()))
    history = packet[packet.index("Rating-scale results") :]
    rows = re.findall(r"<tr><td[^>]*>(\d+ \w+ 20\d\d)</td><td[^>]*>PHQ-9<", history)
    assert len(rows) == len(PHQ9S) == len(set(rows))
    assert "8 PHQ-9 scores from 21 Oct 2024" in html.unescape(render_page(record))
