"""Inpatient stays in progress (review 16 second recheck c01, c01b, c02, c03; first recheck c04).

- c03: a psychiatric stay held the TMS card's one-clicks but its summary still said "consider
  TMS referral". Now the summary says the referral waits for discharge, as the optimise card's
  summary names its hold.
- c01 / c01b: a medical stay in progress (pneumonia; c01b with F33.2 as a billing diagnosis of
  rank 2) left the outpatient one-clicks live and said nothing of the admission. Now any
  inpatient stay in progress holds them under "Currently admitted (medical) ...": the inpatient
  team orders the treatment during any stay (services/rules/inpatient_hold.py says why). The
  suicide-risk card's ward wording and the post-discharge period stay psychiatric-only; a stay
  that ended holds nothing.
- Order hooks: the TMS card (the only card of an order hook with an outpatient-only one-click)
  is left out during a stay (audit 17 M4); the draft is the inpatient team's and gets its cards
  as before.

Charts: CDS Hooks requests in tests/services/leftover17_charts/ (US Core shaped; the stays
`stay_*`), every prefetch key sent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.admission_record import StaySetting
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "leftover17_charts"
Doc = dict[str, Any]
SUICIDE = "suicide-risk"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
PSYCHOTHERAPY = "psychotherapy"
MEDICAL_LINE = (
    "**Currently admitted (medical) since 2025-05-30** (ICD-10-CM J18.9 Pneumonia, unspecified "
    "organism): the inpatient team"
)
PSYCHIATRIC_LINE = "**Currently admitted (psychiatric) since 2025-05-26** (ICD-10-CM F33.2"
POINTER = "**Currently admitted** (named on the Optimise, switch or augment card): "
HELD_TOPICS = (OPTIMISE, TMS)

_chart = chart_files.loader(CHARTS)


# At the order hooks the TMS card with a payer criterion unmet (these charts' PHQ-9 is not
# severe) shows only as this policy allows (review 19 I7); the stay's own rule is what is pinned.
_UNMET_EVERYWHERE = Policy(tms_card_when_payer_criteria_unmet=True)
_at = Evaluator(AS_OF, policy=_UNMET_EVERYWHERE)
_evaluate = _at.by_topic_and_record


def _stay(doc: Doc) -> Doc:
    stays = [
        e["resource"]
        for e in doc["prefetch"]["encounters"]["entry"]
        if e["resource"]["class"]["code"] == "IMP"
    ]
    assert len(stays) == 1
    stay: Doc = stays[0]
    return stay


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions", [])]


# --- c03: the TMS card's summary names its hold -----------------------------------------------


def test_a_psychiatric_stay_says_the_tms_referral_waits_for_discharge() -> None:
    cards, _ = _evaluate(_chart("stay_psychiatric_principal_dx_in_progress"))
    tms = cards[TMS]
    assert "consider TMS referral" not in tms["summary"]
    assert "TMS referral after discharge" in tms["summary"]
    assert len(tms["summary"]) <= 140
    # The stay is named in full on the optimise card, above it (audit 17 M4).
    assert tms["detail"].startswith(POINTER)
    assert cards[OPTIMISE]["detail"].startswith(PSYCHIATRIC_LINE)
    assert _labels(tms) == []


# --- c01 / c01b: a medical stay in progress ---------------------------------------------------


@pytest.mark.parametrize(
    "name", ["stay_medical_pneumonia_in_progress", "stay_medical_f33_secondary_in_progress"]
)
def test_a_medical_stay_in_progress_holds_the_outpatient_one_clicks(name: str) -> None:
    cards, record = _evaluate(_chart(name))
    [stay] = record.current_stays
    assert stay.setting is StaySetting.MEDICAL and not stay.psychiatric
    assert (stay.start, stay.code) == (date(2025, 5, 30), "J18.9")
    assert record.admissions == ()  # no discharge, and a medical one would open no risk period
    assert cards[OPTIMISE]["detail"].startswith(MEDICAL_LINE)
    assert cards[TMS]["detail"].startswith(POINTER)
    for topic in HELD_TOPICS:
        assert "shown as text until discharge" in cards[topic]["detail"], topic
        assert _labels(cards[topic]) == [], topic
    # The proposals are named on the card, not listed again by their button labels (audit 17 M4).
    assert "Propose adjunctive aripiprazole" not in cards[OPTIMISE]["detail"].split("\n")[0]
    assert cards[OPTIMISE]["summary"].endswith(
        ": ask the inpatient team (stay in progress) first, then augment or switch class"
    )
    assert "TMS referral after discharge" in cards[TMS]["summary"]
    assert SUICIDE not in cards


def test_a_stay_with_no_reason_coded_is_named_unspecified() -> None:
    doc = _chart("stay_medical_pneumonia_in_progress")
    del _stay(doc)["reasonCode"]
    cards, record = _evaluate(doc)
    assert [s.setting for s in record.current_stays] == [StaySetting.UNSPECIFIED]
    assert cards[OPTIMISE]["detail"].startswith(
        "**Currently admitted (unspecified) since 2025-05-30**: the inpatient team"
    )
    assert _labels(cards[TMS]) == []


def test_a_medical_stay_that_ended_holds_nothing() -> None:
    doc = answered(_chart("stay_medical_pneumonia_in_progress"))
    stay = _stay(doc)
    stay["status"] = "finished"
    stay["period"]["end"] = "2025-06-01T12:00:00-05:00"
    cards, record = _evaluate(doc)
    assert record.current_stays == ()
    assert record.admissions == ()  # a medical discharge: no post-discharge risk period
    assert "Currently admitted" not in " ".join(c["detail"] for c in cards.values())
    assert _labels(cards[TMS]) and _labels(cards[OPTIMISE])
    assert "consider TMS referral" in cards[TMS]["summary"]
    assert SUICIDE not in cards


def test_the_psychotherapy_referral_waits_for_discharge_too() -> None:
    doc = _chart("stay_medical_pneumonia_in_progress")
    # No psychotherapy on record: the psychotherapy card speaks.
    doc["prefetch"]["procedures"]["entry"] = []
    doc["prefetch"]["encounters"]["entry"] = [
        e for e in doc["prefetch"]["encounters"]["entry"] if e["resource"]["class"]["code"] == "IMP"
    ]
    cards, _ = _evaluate(doc)
    card = cards[PSYCHOTHERAPY]
    assert "CBT or IPT referral after discharge" in card["summary"]
    assert "consider" not in card["summary"]
    assert card["detail"].startswith(POINTER)
    assert _labels(card) == []


def test_the_ward_wording_of_the_suicide_card_stays_psychiatric_only() -> None:
    doc = _chart("stay_psychiatric_item9_positive")
    psychiatric, _ = _evaluate(doc)
    assert "on the ward" in psychiatric[SUICIDE]["detail"]
    stay = _stay(doc)
    stay["reasonCode"] = [
        {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/sid/icd-10-cm",
                    "code": "J18.9",
                    "display": "Pneumonia, unspecified organism",
                }
            ],
            "text": "Pneumonia, unspecified organism",
        }
    ]
    cards, record = _evaluate(doc)
    assert [s.setting for s in record.current_stays] == [StaySetting.MEDICAL]
    # A medical ward has no psychiatrist of its own: the same-day evaluation is still asked for.
    suicide = cards[SUICIDE]
    assert suicide["indicator"] == "critical"
    assert "on the ward" not in suicide["detail"] + suicide["summary"]
    assert "Currently admitted" not in suicide["detail"]
    assert "same-day psychiatric evaluation" in suicide["detail"]
    assert cards[OPTIMISE]["detail"].startswith("**Currently admitted (medical) since 2025-05-26")
    assert _labels(suicide)  # the safety card's own suggestion is not held


# --- order hooks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["stay_medical_order_select_bupropion", "stay_psychiatric_order_select_bupropion"]
)
def test_the_order_hook_raises_no_tms_card_during_a_stay(name: str) -> None:
    # The TMS card at an order offers the referral at a change of treatment; with the referral
    # waiting for discharge it said only that the patient is admitted (audit 17 M4): left out.
    # The draft is the inpatient team's order: nothing else is raised or blocked.
    cards, record = _evaluate(_chart(name))
    assert record.current_stays
    assert cards == {}


def test_the_order_hook_keeps_the_referral_when_no_stay_is_in_progress() -> None:
    # Item 9 answered: unrecorded, it comes first and the referral waits for it (review s26 RN
    # finding 6), whatever the stay.
    doc = answered(_chart("stay_medical_order_select_bupropion"))
    stay = _stay(doc)
    stay["status"] = "finished"
    stay["period"]["end"] = "2025-06-01T12:00:00-05:00"
    cards, _ = _evaluate(doc)
    assert "Refer for TMS evaluation" in _labels(cards[TMS])
    assert "consider TMS referral" in cards[TMS]["summary"]
