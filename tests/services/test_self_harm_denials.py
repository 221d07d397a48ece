"""Session 27 fix fx-selfharm: a denied suicide attempt, self-harm or overdose in words raised
the critical suicide-risk card (a false critical card).

The RC review's Oracle ED chart (tests/services/self_harm_text_charts/oracle_ed_overdose_free_
text_dx.json, every prefetch key) with its encounter diagnosis and the visit's reason written
as each phrase: "never attempted suicide", "wasn't a suicide attempt" and "History of self-harm:
denies" raised "Self-harm or suicide attempt (diagnosis text only: confirm) ...", "patient
didn't overdose" raised "Overdose, intent not recorded ...", "Suicidal ideation: denies" raised
"Suicidal ideation: denies at the ED visit ...". Now none raises a suicide-risk card
(fhir_mapping/self_harm_text.py "Denials"; data/self_harm_terms.csv roles `negation*`; the
answer "denies" in data/text_negations.csv). The mixed "denies current SI but attempted overdose
last week" still asks (the safer reading), and "Patient overdosed on sertraline", which read
nothing before, now asks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
Doc = dict[str, Any]

_chart = chart_files.loader(Path(__file__).parent / "self_harm_text_charts")
_by_topic = Evaluator(AS_OF).by_topic


def _worded(text: str) -> Doc:
    """The free-text chart with its diagnosis and the visit's reason written as `text`."""
    doc = _chart("oracle_ed_overdose_free_text_dx")
    for entry in doc["prefetch"]["conditions"]["entry"]:
        resource = entry["resource"]
        if resource["category"][0]["coding"][0]["code"] == "encounter-diagnosis":
            resource["code"] = {"text": text}
    doc["prefetch"]["encounters"]["entry"][0]["resource"]["reasonCode"] = [{"text": text}]
    chart_files.check_chart(doc)
    return doc


@pytest.mark.parametrize(
    "text",
    [
        "denies any suicide attempt",
        "never attempted suicide",
        "patient didn't overdose",
        "wasn't a suicide attempt",
        "no history of self-harm",
        "no prior attempts",
        "SI: denies",
        "Suicidal ideation: denies",
        "History of self-harm: denies",
    ],
)
def test_denied_mention_raises_no_suicide_risk_card(text: str) -> None:
    assert RISK not in _by_topic(_worded(text))


def test_mixed_sentence_keeps_the_signal() -> None:
    # The denial reaches the conjunction only; the overdose after it is asked about (safer).
    card = _by_topic(_worded("denies current SI but attempted overdose last week"))[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Overdose, intent not recorded (diagnosis text only: confirm) at the ED visit on "
        "2026-11-25: assess suicide risk today"
    )


def test_overdosed_is_read() -> None:
    card = _by_topic(_worded("Patient overdosed on sertraline"))[RISK]
    assert card["summary"].startswith("Overdose, intent not recorded (diagnosis text only")


def test_not_the_first_attempt_is_read() -> None:
    card = _by_topic(_worded("not the first suicide attempt"))[RISK]
    assert card["summary"].startswith("Self-harm or suicide attempt (diagnosis text only")
