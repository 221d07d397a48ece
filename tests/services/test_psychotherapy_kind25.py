"""Session 25 items 2-3: sessions that are not psychotherapy for depression no longer count
toward the psychotherapy trial (fhir_mapping/session_kinds.py).

- 2: "Crisis psychotherapy" named only in words (an Epic visit type under a local code, a
  Procedure under a local code) read as a standalone session and silenced the CBT/IPT card. Now
  a crisis session, as CPT 90839/90840 already were (those are the control here): listed in the
  card's detail, never counted.
- 3: HCPCS H0004 is billed for mental health and substance-use counseling alike. An H0004 whose
  only diagnosis read (reasonCode, reasonReference, the visit's encounter diagnoses) is a
  substance-use disorder is counseling for it, not a course of therapy; with any other diagnosis
  (or none) it still counts, and the payer criterion it meets asks to confirm it.

Charts: tests/services/psychotherapy_kind25_charts/ (from the psychotherapy24 charts: escitalopram
failed, sertraline partial response; US Core / Epic shaped, every prefetch key).
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
Doc = dict[str, Any]
THERAPY = "psychotherapy"
TMS = "tms-referral"
NO_COURSE = "no course of psychotherapy on record: consider CBT or IPT"

_chart = chart_files.loader(Path(__file__).parent / "psychotherapy_kind25_charts")
_at = Evaluator(AS_OF)


def _kinds(doc: Doc) -> list[str]:
    _cards, record = _at.cards_and_record(doc)
    return [p.session_kind for p in record.procedures if p.kind.value == THERAPY]


# --- item 2: crisis psychotherapy named in words ----------------------------------------------


@pytest.mark.parametrize(
    ("name", "listed"),
    [
        ("procedure_cpt90839_crisis", "Psychotherapy for crisis; first 60 minutes (90839)"),
        ("procedure_crisis_text_local_code", "2 sessions, 2026-11-17 - 2026-11-24: psychotherapy"),
        ("visit_epic_crisis_psychotherapy_text", "2 psychotherapy visits, 2026-11-17 - 2026-11-24"),
    ],
)
def test_a_crisis_session_is_listed_not_counted(name: str, listed: str) -> None:
    card = _at.by_topic(_chart(name))[THERAPY]
    assert NO_COURSE in card["summary"]
    assert "On record: crisis psychotherapy, not a course of therapy: " in card["detail"]
    assert listed in card["detail"]


def test_the_words_name_the_kind_only_when_no_code_does() -> None:
    assert _kinds(_chart("visit_epic_crisis_psychotherapy_text")) == ["crisis", "crisis"]
    doc = _chart("procedure_cpt90839_crisis")
    for entry in doc["prefetch"]["procedures"]["entry"]:
        code = entry["resource"]["code"]
        code["coding"][0].update(code="90834", display="Psychotherapy, 45 minutes with patient")
        code["text"] = "Psychotherapy, 45 minutes (crisis plan reviewed)"
    assert _kinds(doc) == ["", ""]  # a CPT 90834 is a 90834, whatever its text says


# --- item 3: H0004 for a substance-use disorder -------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "h0004_reason_alcohol_dependence",
        "h0004_reason_reference_opioid_dependence",
        "h0004_visits_encounter_diagnosis_alcohol",
    ],
)
def test_h0004_for_a_substance_use_disorder_only_is_not_a_course(name: str) -> None:
    doc = _chart(name)
    assert set(_kinds(doc)) == {"substance-use"}
    card = _at.by_topic(doc)[THERAPY]
    assert NO_COURSE in card["summary"]
    # ... its diagnoses named (review s25 RK4 finding 12)
    assert "On record: counseling for a substance-use disorder (its diagnoses: " in card["detail"]
    assert "), not a course of therapy: 12 " in card["detail"]
    assert "(H0004, behavioral health counseling)" in card["detail"]
    assert (
        "Counseling for a substance-use disorder is not a course of CBT or IPT." in card["detail"]
    )


def test_h0004_with_depression_among_its_reasons_still_counts_and_asks_to_check() -> None:
    doc = _chart("h0004_reason_depression_and_alcohol")
    assert set(_kinds(doc)) == {""}
    topics = _at.by_topic(doc)
    assert THERAPY not in topics
    assert (
        "Psychotherapy (to confirm: no improvement after it; H0004, behavioral health "
        "counseling, is billed for substance-use counseling too: that it was therapy for "
        "depression)" in topics[TMS]["detail"]
    )


def test_h0004_with_no_reason_read_still_counts() -> None:
    doc = _chart("h0004_reason_alcohol_dependence")
    for entry in doc["prefetch"]["procedures"]["entry"]:
        del entry["resource"]["reasonCode"]
    assert set(_kinds(doc)) == {""}
    assert THERAPY not in _at.by_topic(doc)
