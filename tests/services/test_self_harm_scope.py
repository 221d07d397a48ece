"""Session 28 fix fx-selfharm2: where a denial reaches in free text, and "SI" alone.

The RC review's Oracle ED chart (self_harm_text_charts/oracle_ed_overdose_free_text_dx.json),
its encounter diagnosis and the visit's reason written as each phrase, saved with every prefetch
key in self_harm_scope_charts/:

- ed_denies_si_and_attempted_overdose ("denies current SI and attempted overdose last week") and
  ed_no_si_and_overdosed_yesterday: the denial ran over the "and", the attempt read as denied,
  no suicide-risk card (a missed critical card). Now the overdose clause, with its own verb, is
  its own finding (fhir_mapping/self_harm_scope.py): the critical card asks.
- ed_list_of_denials ("no history of suicide attempts or self-harm"): the list outran NegEx's five
  words and the self-harm read as stated, a false critical card. Now the denial covers the list.
- ed_reason_si ("SI"): the abbreviation was not read at all. Now it is suicidal ideation
  (data/diagnosis_terms.csv), a whole word only, with the shared negation.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.record import FindingKind
from fhir_mapping.self_harm_text import Reading, reading
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
OVERDOSE = (
    "Overdose, intent not recorded (diagnosis text only: confirm) at the ED visit on "
    "2026-11-25: assess suicide risk today"
)

_chart = chart_files.loader(Path(__file__).parent / "self_harm_scope_charts")
_by_topic = Evaluator(AS_OF).by_topic


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        ("ed_denies_si_and_attempted_overdose", OVERDOSE),
        ("ed_no_si_and_overdosed_yesterday", OVERDOSE),
        (
            "ed_reason_si",
            "SI at the ED visit on 2026-11-25: complete a suicide risk assessment today "
            "(e.g. C-SSRS)",
        ),
    ],
)
def test_stated_clause_raises_the_critical_card(name: str, summary: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    card = _by_topic(doc)[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == summary


def test_denied_list_raises_no_card() -> None:
    doc = _chart("ed_list_of_denials")
    chart_files.check_chart(doc)
    assert RISK not in _by_topic(doc)


@pytest.mark.parametrize(
    ("text", "read"),
    [
        # A clause with its own verb after "and", "but" or a comma: its own finding.
        ("denies current SI and attempted overdose last week", Reading.INTENT_UNKNOWN),
        ("Denies SI, attempted overdose 2 days ago", Reading.INTENT_UNKNOWN),
        ("no SI but overdosed on sertraline yesterday", Reading.INTENT_UNKNOWN),
        ("no SI and overdosed on sertraline yesterday", Reading.INTENT_UNKNOWN),
        ("denies SI and cut her wrists", Reading.STATED),
        ("reports SI, self-harm", Reading.STATED),
        ("history of suicide attempts", Reading.STATED),
        # Genuine lists stay denied, however long.
        ("denies SI or self-harm", None),
        ("no history of suicide attempts or self-harm", None),
        ("denies SI, HI, AH/VH, self-harm", None),
        ("denies suicidal ideation, self harm or overdose", None),
        ("Denies suicide attempt, overdose", None),
        # A cue inside the clause of its own denies it.
        ("denies SI and has never overdosed", None),
        # Qualifiers keep NegEx's window: the accident is stated (review s26 RK2 finding 6).
        ("Overdose, no suicidal intent, accidental overdose", None),
    ],
)
def test_denial_scope(text: str, read: Reading | None) -> None:
    assert reading(text) is read


@pytest.mark.parametrize(
    ("text", "ideation"),
    [
        ("SI", True),
        ("+SI", True),
        ("SI: yes", True),
        ("endorses SI", True),
        ("positive for SI", True),
        ("reports SI with plan", True),
        ("denies SI", False),
        ("SI: no", False),
        ("SI/HI: denies", False),
        ("SI/HI - neg", False),
        ("denies SI, HI and AH/VH", False),
        ("SIG", False),
        ("SIADH", False),
        ("basis", False),
        ("Left SI joint pain", False),
        ("SI joint dysfunction", False),
    ],
)
def test_si_abbreviation(text: str, ideation: bool) -> None:
    assert (FindingKind.SUICIDAL_IDEATION in text_kinds(text)) is ideation
