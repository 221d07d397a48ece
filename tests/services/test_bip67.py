"""Session 39 review K61a findings 1-4 (fix bip67): bipolar signals the service did not read.

- Finding 1 (UNSAFE): bipolar disorder as a visit's reason (F31.81, "hypomanic symptoms on
  venlafaxine") or a medication order's (lamotrigine for F31.81, quetiapine for "bipolar
  depression") gave no diagnosis review, an augment/switch proposal and a one-click TMS referral
  whose packet said "Bipolar disorder: none on record". Now read as a Condition of the same code
  or words is (fhir_mapping/reason_bipolar.py), the card naming where it was read.
- Finding 2: problem-list shorthand "BPAD", "BPAD type 1", "BP II", "Bi-polar disorder",
  "Mood disorder with manic features" and F06.33 were not read; "BP 120/80" and "high BP" stay
  unread (blood pressure). A bupropion draft beside "BPAD" gets the bipolar order card.
- Finding 3: codes without a display: SNOMED CT 13601005, WHO ICD-10 F31.3 / F31.8 (under either
  WHO system id) are read as bipolar disorder.
- Finding 4: a Condition that could not be read (unknown local code, no words; empty code) left
  the packet saying "Bipolar disorder: none on record."; now "none in the conditions that could
  be read".

Charts: tests/services/bip67_charts/ (trd_meets_tms.request.json as of 2025-06-01 with one
resource added; the order-sign charts from problem_text_apnea_charts, as of 2026-12-01).
"""

from __future__ import annotations

import base64
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

_FOLDER = Path(__file__).parent / "bip67_charts"
_cards = chart_files.topic_reader(_FOLDER, date(2025, 6, 1))
_sign = chart_files.topic_reader(_FOLDER, date(2026, 12, 1))

DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
BIPOLAR_ORDER = "order-bipolar-no-mood-stabiliser"

HELD = {
    "visit_reason_F31_81": "finding 1",
    "visit_reason_hypomanic_symptoms_on_venlafaxine": "finding 1",
    "order_reason_lamotrigine_F31_81": "finding 1",
    "order_reason_quetiapine_bipolar_depression": "finding 1",
    "problem_BPAD_local_code": "finding 2",
    "problem_BPAD_type_1": "finding 2",
    "problem_BP_II": "finding 2",
    "problem_Bi_polar_disorder": "finding 2",
    "problem_Mood_disorder_with_manic_features": "finding 2",
    "problem_F06_33_no_display": "finding 2",
    "problem_snomed_13601005_no_display": "finding 3",
    "problem_who_F31_3_no_display": "finding 3",
    "problem_who_oid_F31_8_no_display": "finding 3",
}

OFFERED = {
    "problem_BP_120_80": "control",
    "problem_high_BP": "control",
    "visit_reason_no_history_of_mania": "control",
    "order_reason_lisinopril_hypertension": "control",
    "problem_unknown_local_code_no_words": "finding 4",
    "problem_empty_code": "finding 4",
}

SIGN = {
    "sign_bupropion_BPAD": "finding 2",
    "sign_bupropion_BP_120_80": "control",
}

# Where a card says the diagnosis was read, for the visit and order reasons.
WHERE = {
    "visit_reason_F31_81": "Bipolar II disorder (reason for the visit on 2025-05-20)",
    "visit_reason_hypomanic_symptoms_on_venlafaxine": (
        "hypomanic symptoms on venlafaxine (reason for the visit on 2025-05-20)"
    ),
    "order_reason_lamotrigine_F31_81": (
        "Bipolar II disorder (reason for the order of lamotrigine 100 MG Oral Tablet of 2025-05-10)"
    ),
    "order_reason_quetiapine_bipolar_depression": (
        "bipolar depression (reason for the order of quetiapine 50 MG Oral Tablet of 2025-05-10)"
    ),
}


def _packet_lines(card: dict[str, Any]) -> list[str]:
    """The packet's "Bipolar disorder: ..." line(s), from the TMS card's DocumentReference."""
    found: list[str] = []
    for suggestion in card.get("suggestions", []):
        for action in suggestion.get("actions", []):
            resource = action.get("resource") or {}
            if resource.get("resourceType") != "DocumentReference":
                continue
            for content in resource["content"]:
                html = base64.b64decode(content["attachment"]["data"]).decode()
                words = re.sub(r"\s+", " ", re.sub("<[^>]+>", " ", html))
                found += re.findall(r"Bipolar disorder:[^.]*\.", words)
    return found


@pytest.mark.parametrize("name", sorted(HELD))
def test_bipolar_read_confirm_the_diagnosis_no_tms(name: str) -> None:
    cards = _cards(name)
    assert DIAGNOSIS in cards, name
    assert "bipolar disorder on record" in cards[DIAGNOSIS]["summary"]
    assert TMS not in cards
    assert OPTIMISE not in cards
    if name in WHERE:
        assert WHERE[name] in cards[DIAGNOSIS]["detail"]


@pytest.mark.parametrize("name", sorted(OFFERED))
def test_no_bipolar_tms_offered(name: str) -> None:
    cards = _cards(name)
    assert DIAGNOSIS not in cards
    assert TMS in cards
    lines = _packet_lines(cards[TMS])
    if OFFERED[name] == "finding 4":
        assert lines == [
            "Bipolar disorder: none in the conditions that could be read (an entry could not "
            "be read)."
        ]
    else:
        assert lines == ["Bipolar disorder: none on record."]


def test_bupropion_beside_bpad_gets_the_bipolar_order_card() -> None:
    card = _sign("sign_bupropion_BPAD")[BIPOLAR_ORDER]
    assert "BPAD" in card["detail"]
    assert BIPOLAR_ORDER not in _sign("sign_bupropion_BP_120_80")


def test_every_chart_is_named_and_valid() -> None:
    chart_files.check_folder(_FOLDER, HELD, OFFERED, SIGN)
