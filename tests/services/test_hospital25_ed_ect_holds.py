"""Review s25 RI (hospital service), findings 1, 5, 6 and 7.

- Finding 1: after an overdose, lithium or aripiprazole drafted (an augmentation agent) got no
  suicide-risk card, and lithium, toxic in overdose (services/data/overdose_toxicity.csv), lost
  its quantity (means-restriction) line: the card spoke beside antidepressant drafts only. It now
  speaks beside any pathway draft; the TMS card stays tied to an antidepressant that changes
  treatment.
- Finding 5: an ED visit in progress (class EMER; in-progress, arrived, triaged) was no setting:
  a patient in the ED with chest pain got "Propose adjunctive aripiprazole", "Refer for TMS
  evaluation", "Refer for CBT/IPT", "Order TSH" one click. They now wait "until after the ED
  visit"; the suicide-risk card is unchanged.
- Finding 6: a running acute ECT course did not hold the TMS card ("consider TMS referral" one
  click at session 8); it now blocks the referral as an open ECT referral does.
- Finding 7: a home antidepressant on hold during an inpatient stay in progress was a warning of
  its own ("record why it was held"); it is now a line of an information card saying it is the
  ward's hold, and after discharge a persisting hold is the warning it was.

Charts: tests/services/hospital25_charts/ (the review's ri charts, US Core / Epic shaped, every
prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic, topics

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
PSYCHOTHERAPY = "psychotherapy"
DIAGNOSIS = "diagnosis-review"
ADHERENCE = "adherence-review"

_chart = chart_files.loader(Path(__file__).parent / "hospital25_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions") or ()]


def _encounters(doc: Doc) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"]["encounters"]["entry"]]


def _emergency(doc: Doc) -> Doc:
    (found,) = [r for r in _encounters(doc) if r["class"]["code"] == "EMER"]
    return found


def _without_overdose(doc: Doc) -> Doc:
    """The chart with its self-harm codes (T43.222A, T14.91XA) and the ED visit that records
    them taken off: no suicide signal, no setting."""
    for key in ("conditions", "encounters"):
        bundle = doc["prefetch"][key]
        bundle["entry"] = [
            e
            for e in bundle["entry"]
            if e["resource"]["resourceType"] != "Encounter"
            and not e["resource"]["code"]["coding"][0]["code"].startswith("T")
        ]
        bundle["total"] = len(bundle["entry"])
    return doc


def _drafting_venlafaxine(doc: Doc) -> Doc:
    """The chart with its draft written as venlafaxine XR 75 mg daily (a new class)."""
    (entry,) = doc["context"]["draftOrders"]["entry"]
    entry["resource"]["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "313585",
                "display": "24 HR venlafaxine 75 MG Extended Release Oral Capsule",
            }
        ],
        "text": "venlafaxine 75 MG 24 HR Extended Release Oral Capsule",
    }
    entry["resource"]["dosageInstruction"][0]["text"] = "Take 1 capsule (75 mg) by mouth daily"
    entry["resource"]["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"] = {
        "value": 1,
        "unit": "capsule",
        "system": "http://unitsofmeasure.org",
        "code": "{cap}",
    }
    return doc


# --- finding 1: the suicide-risk card beside an adjunct draft -----------------------------------


def test_lithium_drafted_after_an_overdose_gets_the_suicide_card_with_its_quantity_line() -> None:
    cards = _cards(_chart("ed_overdose_lithium_select"))
    assert topics(cards)[0] == SUICIDE
    card = cards[0]
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("Self-harm or suicide attempt (T43.222A) at the ED visit")
    # The means-restriction line overdose_toxicity.csv holds for lithium.
    assert "**Quantity on this order:** lithium is a drug with a narrow margin" in card["detail"]
    assert "limit the quantity supplied at a time" in card["detail"]
    assert _labels(card) == ["Order a same-day suicide risk assessment (C-SSRS)"]
    # The lithium card itself is still there.
    assert any(c["summary"].startswith("Lithium 600 mg/day started") for c in cards)


def test_aripiprazole_drafted_after_an_overdose_gets_the_suicide_card() -> None:
    cards = _cards(_chart("ed_overdose_aripiprazole_select"))
    assert topics(cards) == [SUICIDE]
    # Aripiprazole has no overdose row: no quantity line is made up for it.
    assert "Quantity" not in cards[0]["detail"]


def test_the_suicide_card_at_an_antidepressant_draft_is_as_before() -> None:
    cards = _cards(_chart("ed_overdose_escitalopram_select"))
    assert topics(cards)[0] == SUICIDE
    assert cards[0]["summary"].startswith("Self-harm or suicide attempt (T43.222A)")


def test_an_adjunct_draft_brings_no_tms_card() -> None:
    """With no suicide signal and the TMS card shown wherever criteria are unmet, a new
    antidepressant drafted brings the TMS card; an adjunct drafted is no change of
    antidepressant and brings none (the card stays tied to antidepressant changes)."""
    everywhere = Policy(tms_card_when_payer_criteria_unmet=True)
    adjunct = _without_overdose(_chart("ed_overdose_aripiprazole_select"))
    assert topics(_cards(adjunct, policy=everywhere)) == []
    switch = _drafting_venlafaxine(_without_overdose(_chart("ed_overdose_aripiprazole_select")))
    assert TMS in topics(_cards(switch, policy=everywhere))


# --- finding 5: an ED visit in progress holds the outpatient one-clicks -------------------------


@pytest.mark.parametrize("status", ["in-progress", "arrived", "triaged"])
def test_an_ed_visit_in_progress_holds_the_outpatient_one_clicks(status: str) -> None:
    doc = _chart("ed_chest_pain_in_progress")
    _emergency(doc)["status"] = status
    cards = by_topic(_cards(doc))
    for topic in (OPTIMISE, TMS, PSYCHOTHERAPY, DIAGNOSIS):
        assert _labels(cards[topic]) == [], topic
    optimise = cards[OPTIMISE]
    assert optimise["summary"] == (
        "2 adequate trials failed (sertraline, escitalopram): ask the ED team (visit in "
        "progress) first, then augment or switch class"
    )
    assert optimise["detail"].startswith(
        "**In the emergency department since 2026-11-30** (ICD-10-CM R07.9 Chest pain, "
        "unspecified): the ED team decides what is ordered now; this card's orders are "
        "outpatient orders, shown as text until after the ED visit"
    )
    assert "aripiprazole 2-10 mg/day" in optimise["detail"]  # the analysis stays
    assert "TMS referral after the ED visit" in cards[TMS]["summary"]
    assert cards[PSYCHOTHERAPY]["summary"].endswith("CBT or IPT after the ED visit")
    assert cards[DIAGNOSIS]["detail"].startswith(
        "**In the emergency department** (named on the Optimise, switch or augment card)"
    )


def test_an_ed_visit_that_ended_holds_nothing() -> None:
    doc = _chart("ed_chest_pain_in_progress")
    visit = _emergency(doc)
    visit["status"] = "finished"
    visit["period"]["end"] = "2026-11-30T09:00:00-05:00"
    cards = by_topic(_cards(doc))
    assert "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)" in _labels(
        cards[OPTIMISE]
    )
    assert "Refer for TMS evaluation" in _labels(cards[TMS])
    assert _labels(cards[PSYCHOTHERAPY]) == ["Refer for CBT", "Refer for IPT"]
    assert _labels(cards[DIAGNOSIS]) == ["Order TSH"]
    assert "emergency department" not in " ".join(c["detail"] for c in cards.values())


def test_an_admission_from_the_ed_names_the_stay_not_the_ed_visit() -> None:
    doc = _chart("ed_chest_pain_in_progress")
    stay = {
        **_emergency(doc),
        "id": "c6a0f9a2-3d0b-4a53-9f3e-6d1c7f0e2b11",
        "class": {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "code": "IMP",
            "display": "inpatient encounter",
        },
        "period": {"start": "2026-11-30T08:00:00-05:00"},
    }
    doc["prefetch"]["encounters"]["entry"].append({"resource": stay})
    doc["prefetch"]["encounters"]["total"] = 2
    cards = by_topic(_cards(doc))
    assert cards[OPTIMISE]["detail"].startswith("**Currently admitted (medical) since 2026-11-30")
    # The inpatient hold, not the ED's: a ward's TSH is resulted to the team caring for the
    # patient, so its one-click stays.
    assert _labels(cards[DIAGNOSIS]) == ["Order TSH"]


def test_the_suicide_card_at_an_ed_visit_in_progress_is_unchanged() -> None:
    """The same card whether the ED visit is in progress or closed: safety cards speak
    whatever the setting."""
    doc = _chart("ed_overdose_in_progress")
    open_card = by_topic(_cards(doc))[SUICIDE]
    visit = _emergency(doc)
    visit["status"] = "finished"
    visit["period"]["end"] = "2026-12-01T23:00:00-05:00"  # a replay: still in the department
    replay = by_topic(_cards(doc))[SUICIDE]
    assert open_card["summary"] == replay["summary"]
    assert open_card["detail"] == replay["detail"]
    assert _labels(open_card) == ["Order a same-day suicide risk assessment (C-SSRS)"]
    assert "emergency department since" not in open_card["detail"]


# --- finding 6: a running acute ECT course holds the TMS referral -------------------------------


def test_a_running_acute_ect_course_holds_the_tms_referral() -> None:
    cards = by_topic(_cards(_chart("outpatient_ect_course")))
    assert TMS not in cards
    optimise = cards[OPTIMISE]
    assert optimise["detail"].startswith(
        "**Acute ECT course running since 2026-11-10:** 8 sessions"
    )
    assert "Refer for TMS evaluation" not in optimise["detail"]


def test_the_tms_referral_returns_without_the_ect_course() -> None:
    doc = _chart("outpatient_ect_course")
    doc["prefetch"]["procedures"]["entry"] = []
    doc["prefetch"]["procedures"]["total"] = 0
    cards = by_topic(_cards(doc))
    assert "Refer for TMS evaluation" in _labels(cards[TMS])


def test_the_inpatient_ect_course_gives_no_tms_card_either() -> None:
    """ri07: during the stay the card said "TMS referral after discharge" beside the course."""
    assert TMS not in topics(_cards(_chart("inpatient_ect_course")))


# --- finding 7: a home antidepressant held during a stay ----------------------------------------


def test_a_home_ssri_held_during_a_stay_is_information_not_a_warning() -> None:
    card = by_topic(_cards(_chart("medical_stay_home_ssri_on_hold")))[ADHERENCE]
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "escitalopram on hold during the stay (since 2026-11-24): not counted as missed doses; "
        "confirm at discharge whether it restarts"
    )
    assert (
        "- **escitalopram** (2025-12-01): on hold during the medical stay in progress since "
        "2026-11-24 (not taken since 2026-11-24 at the latest): a hold on admission is the "
        "ward's decision; time on hold is not counted as a trial, nor as missed doses."
    ) in card["detail"]
    assert "record why" not in card["summary"]


def test_a_hold_that_persists_after_discharge_is_still_a_warning() -> None:
    doc = _chart("medical_stay_home_ssri_on_hold")
    (stay,) = _encounters(doc)
    stay["status"] = "finished"
    stay["period"]["end"] = "2026-11-28T11:00:00-05:00"
    card = by_topic(_cards(doc))[ADHERENCE]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "escitalopram on hold, not taken since 2026-11-24 at the latest: record why it was held"
    )
