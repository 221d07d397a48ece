"""Review 17 recheck R1 and R2.

- R1 (rc17_i06): a PHQ-9 total 23 with item 9 = 3 whose subject is an identifier matching nobody
  is rightly not read as this patient's, but the data-quality card named only the item 9
  question (the same card for an answer of 0), and the optimise card kept its one-click
  adjuncts. Now the card's summary leads with the answer and date and says to assess if it is
  this patient's, its detail names the total, and the drug one-clicks are held until the
  subject is checked (services/unconfirmed_signal.py says why).
- R2 (rc17_p02): an inpatient Encounter "in-progress" since 2023-05-10, with outpatient visits
  and PHQ-9s after it, held every one-click as "Currently admitted" for two years. Now a stay in
  progress followed by an ambulatory visit is said once as a record to check, and holds
  nothing; a real stay in progress (rc17_p01) still holds.

Charts: CDS Hooks requests in tests/services/review17_charts/rc17_*.json (US Core shaped, every
prefetch key sent), copied from the recheck's probes.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.admissions import read_current_stays
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.helpers import drug_orders as _drug_orders
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review17_charts"
Doc = dict[str, Any]
DATA_QUALITY = "data-quality"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
ITEM9 = "44260-8"
TOTAL = "44261-6"
SIGNAL_SUMMARY = (
    "PHQ-9 item 9 = 3 (nearly every day) on 2025-05-28, subject not confirmed: if it is this "
    "patient's, assess today"
)
STALE_LINE = (
    "**Inpatient stay recorded open since 2023-05-10**, with outpatient visits since (first "
    "2024-10-21): "
    "check its status in the chart; nothing is held on it."
)

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_evaluate = _at.by_topic_and_record


def _unconfirmed(doc: Doc, code: str) -> Doc:
    """The Observation of LOINC `code` whose subject is an identifier only."""
    for entry in doc["prefetch"]["observations"]["entry"]:
        resource: Doc = entry["resource"]
        if "reference" in resource.get("subject", {}):
            continue
        if resource["code"]["coding"][0]["code"] == code:
            return resource
    raise AssertionError(code)


# --- R1: a PHQ-9 of unconfirmed subject that would be a suicide signal --------------------------


def test_an_unconfirmed_item9_of_3_leads_the_data_quality_card() -> None:
    cards, record = _evaluate(_chart("rc17_i06_item9_unmatched_identifier"))
    card = cards[DATA_QUALITY]
    assert card["summary"] == SIGNAL_SUMMARY
    assert card["detail"].startswith("**Possible suicide-risk signal, subject not confirmed:**")
    # The total and both resources are named, with their values.
    assert "PHQ-9 total 23 (severe) on 2025-05-28 [Observation/40d80895" in card["detail"]
    assert (
        "PHQ-9 item 9 = 3 (nearly every day) on 2025-05-28 [Observation/273eae05"
        in (card["detail"])
    )
    # Still not read as this patient's score.
    assert all(s.date != date(2025, 5, 28) for s in record.scores)
    assert "suicide-risk" not in cards


def test_an_unconfirmed_item9_is_read_before_the_pathway_cards() -> None:
    # A warning by indicator (the subject is not confirmed), read before the optimise and TMS
    # cards: a safety question first (services/data_gaps.py _signal_first).
    doc = _chart("rc17_i06_item9_unmatched_identifier")
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    topics = [c["source"]["topic"]["code"] for c in result.response.to_json()["cards"]]
    assert topics[0] == "data-quality"
    assert "optimize-switch-augment" in topics[1:]


def test_an_unconfirmed_item9_holds_the_drug_one_clicks() -> None:
    cards, _ = _evaluate(answered(_chart("rc17_i06_item9_unmatched_identifier")))
    optimise = cards[OPTIMISE]
    assert _drug_orders(optimise) == []
    assert optimise["detail"].startswith(
        "**One-click orders held:** PHQ-9 item 9 = 3 (nearly every day) on 2025-05-28 of "
        "unconfirmed subject (data-quality card)"
    )
    assert "Propose adjunctive aripiprazole" in optimise["detail"]
    assert optimise["summary"].endswith(
        ": check whose PHQ-9 it is first, then augment or switch class"
    )
    # The TMS card puts the same check first: a possible suicide signal is settled before the
    # referral, which is named, not one click, until then (review s26 RN finding 6).
    assert not cards[TMS].get("suggestions")
    assert cards[TMS]["detail"].startswith(
        "**Not one click yet:** Refer for TMS evaluation; this card puts "
        '"check whose PHQ-9 it is" first'
    )


def test_a_severe_total_alone_of_unconfirmed_subject_is_said_by_its_value() -> None:
    doc = answered(_chart("rc17_i06_item9_unmatched_identifier"))
    item9 = _unconfirmed(doc, ITEM9)
    doc["prefetch"]["observations"]["entry"] = [
        e for e in doc["prefetch"]["observations"]["entry"] if e["resource"] is not item9
    ]
    cards, _ = _evaluate(doc)
    assert cards[DATA_QUALITY]["summary"] == (
        "PHQ-9 total 23 (severe) on 2025-05-28, subject not confirmed: if it is this patient's, "
        "assess suicide risk"
    )
    assert _drug_orders(cards[OPTIMISE]) == []


def test_item9_of_0_and_a_moderate_total_of_unconfirmed_subject_hold_nothing() -> None:
    doc = answered(_chart("rc17_i06_item9_unmatched_identifier"))
    _unconfirmed(doc, ITEM9)["valueInteger"] = 0
    _unconfirmed(doc, TOTAL)["valueQuantity"]["value"] = 12
    cards, _ = _evaluate(doc)
    # No card of its own (review 17 second recheck M1): listed on the card resting on scores.
    assert DATA_QUALITY not in cards
    assert _unconfirmed(doc, ITEM9)["id"] in cards[OPTIMISE]["detail"]
    assert "Possible suicide-risk signal" not in cards[OPTIMISE]["detail"]
    assert _drug_orders(cards[OPTIMISE])


# --- R2: a stay left "in-progress" with outpatient visits since ---------------------------------


def test_a_stay_left_open_with_outpatient_visits_since_holds_nothing() -> None:
    cards, record = _evaluate(answered(_chart("rc17_p02_stay_in_progress_left_open_2y")))
    text = " ".join(c["summary"] + c["detail"] for c in cards.values())
    assert "Currently admitted" not in text
    assert "after discharge" not in text
    assert text.count("Inpatient stay recorded open") == 1
    assert cards[OPTIMISE]["detail"].startswith(STALE_LINE)
    assert _drug_orders(cards[OPTIMISE])
    assert cards[TMS].get("suggestions")
    (stay,) = record.current_stays
    assert stay.contradicted and stay.outpatient_since == date(2024, 10, 21)


def test_a_stay_in_progress_with_no_outpatient_visit_since_still_holds() -> None:
    cards, _ = _evaluate(_chart("rc17_p01_medical_stay_in_progress"))
    assert "Currently admitted (medical) since 2025-05-30" in cards[OPTIMISE]["detail"]
    assert _drug_orders(cards[OPTIMISE]) == []
    assert "Inpatient stay recorded open" not in cards[OPTIMISE]["detail"]


def test_the_left_open_stay_without_its_later_visits_holds_as_before() -> None:
    doc = _chart("rc17_p02_stay_in_progress_left_open_2y")
    entries = doc["prefetch"]["encounters"]["entry"]
    doc["prefetch"]["encounters"]["entry"] = [
        e for e in entries if e["resource"]["class"]["code"] != "AMB"
    ]
    # Outpatient fills after the admission show it was left as well (second recheck M2).
    # A true empty search: a Bundle still counting its 10 dispenses (`total`) with none sent is
    # refill data not read (review s21 RR finding 4), which this test is not about.
    doc["prefetch"]["medicationDispenses"]["entry"] = []
    doc["prefetch"]["medicationDispenses"]["total"] = 0
    cards, _ = _evaluate(doc)
    assert "Currently admitted (medical) since 2023-05-10" in cards[OPTIMISE]["detail"]
    assert _drug_orders(cards[OPTIMISE]) == []


def test_a_stay_on_leave_is_not_contradicted_by_a_visit() -> None:
    """FHIR onleave: "begun, but the patient is temporarily on leave": a clinic visit during
    the leave is possible, so the stay keeps holding."""
    doc = _chart("rc17_p02_stay_in_progress_left_open_2y")
    for entry in doc["prefetch"]["encounters"]["entry"]:
        if entry["resource"]["class"]["code"] == "IMP":
            entry["resource"]["status"] = "onleave"
    cards, _ = _evaluate(doc)
    assert "Currently admitted (medical) since 2023-05-10" in cards[OPTIMISE]["detail"]


def _encounter(rid: str, cls: str, status: str, start: str) -> Doc:
    return {
        "resourceType": "Encounter",
        "id": rid,
        "status": status,
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": cls},
        "period": {"start": start},
    }


def test_a_visit_on_the_admission_day_or_planned_after_it_does_not_contradict_a_stay() -> None:
    stay = _encounter("s", "IMP", "in-progress", "2025-05-30T08:00:00Z")
    same_day = _encounter("a", "AMB", "finished", "2025-05-30T07:00:00Z")
    planned = _encounter("b", "AMB", "planned", "2025-06-01T09:00:00Z")
    cancelled = _encounter("c", "AMB", "cancelled", "2025-06-01T09:00:00Z")
    (found,) = read_current_stays([stay, same_day, planned, cancelled], [], as_of=AS_OF)
    assert not found.contradicted
    visited = _encounter("d", "AMB", "finished", "2025-05-31T09:00:00Z")
    (found,) = read_current_stays([stay, visited], [], as_of=AS_OF)
    assert found.outpatient_since == date(2025, 5, 31)
