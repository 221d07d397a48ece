"""Recheck K6 s28 findings 1-6, on the reviewer's charts (tests/services/s28_k6_charts/, as-of
2026-12-01; US Core shaped RxNorm medications, LOINC PHQ-9, every prefetch key sent).

- Finding 1 (WRONG): sertraline as a MedicationRequest, intent `plan`, reportedReference a
  Practitioner, beside filled venlafaxine (r10) said both "reported taken (medication list)" and
  "Not shown taken: sertraline: ordered or planned", and offered sertraline as a switch. A
  reported order a clinician entered is a medication-list entry whatever its intent
  (fhir_mapping/medication_event.py): read as r01 (intent order, an Organization reporter) is.
- Finding 2 (WRONG): the TMS summary fell back to "PHQ-9 22: consider TMS referral" with four
  marked trials (m01, m03); it keeps the count said briefly (rules/tms_summary.py).
- Finding 3 (NOISE): fluoxetine 40 mg `unknown`, effectiveDateTime "2024-12" (h11), "may be
  running" in 2026-12 and held the adjuncts; the day is judged as an end, by its last day
  (fhir_mapping/status_to_confirm.ended_long_ago), and read as a completed statement's is.
- Finding 4 (MINOR): the PHQ-9 reminder said "the inpatient team" of an observation stay (g01);
  on a medical stay (g04, appendicitis) it stays the outpatient reminder (rules/inpatient_hold.py).
- Finding 5 (MINOR): the packet named fluoxetine (self-reported, stopped unmeasured) only as
  stopped (services/packet/wording.py confirm_marks).
- Finding 6 (MINOR): "Review it with child and adolescent psychiatry" after two drugs (p14).
"""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.policy import MappingPolicy
from services.card_format import SUMMARY_MAX
from services.packet import render_packet
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_DIR = Path(__file__).parent / "s28_k6_charts"
_chart = chart_files.loader(_DIR)
_at = Evaluator(AS_OF)
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
MEASURE = "measurement-based-care"
ADHERENCE = "adherence-review"
PAIR_LINE = "**Two serotonin reuptake inhibitors running:**"


def _labels(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions") or []]


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_send_every_prefetch_key_as_valid_r4b(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


@pytest.mark.parametrize(
    "name", ["r10_sert_intent_plan_practitioner_reporter", "r01_sert_reported_by_organization"]
)
def test_a_planned_order_a_clinician_listed_is_a_medication_list_course(name: str) -> None:
    card = _at.by_topic(_chart(name))[OPTIMISE]
    detail = card["detail"]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "1 adequate trial failed (venlafaxine + sertraline together): keep one reuptake "
        "inhibitor first, then switch mechanism or augment"
    )
    assert detail.startswith(PAIR_LINE)
    assert (
        "sertraline 100 mg/day since 2026-10-01 (SSRI; reported taken (medication list), no fill "
        "on record)"
    ) in detail
    # Before (r10): a "Not shown taken" section and sertraline offered as a switch.
    assert "Not shown taken" not in detail and "ordered or planned" not in detail
    assert "Failed, not proposed: SSRI (sertraline) and SNRI (venlafaxine), together." in detail
    assert _labels(card) == []


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("m01_many_marks_listed_selfreported_inferred", 4),
        ("m03_many_marks_plus_reportedBoolean_mirtazapine", 5),
    ],
)
def test_the_tms_summary_keeps_the_count_and_its_marks(name: str, count: int) -> None:
    cards = _at.by_topic(_chart(name))
    brief = f"{count} adequate trials failed, 1 stopped unmeasured, {count} to confirm"
    assert cards[OPTIMISE]["summary"].startswith(f"{brief}: augment")
    card = cards[TMS]
    # Before: "PHQ-9 22: consider TMS referral".
    assert card["summary"] == f"{brief}; PHQ-9 22: consider TMS referral"
    assert len(card["summary"]) <= SUMMARY_MAX
    assert "**Met, to confirm** · Medication trials" in card["detail"]


def test_an_unknown_statement_of_a_past_month_still_may_be_running() -> None:
    """Recheck K7 s28 finding 2 undid K6 finding 3's reading: an effectiveDateTime is when the
    drug was taken, often the start a list entry was reconciled with long after, so nothing
    states its stop; the status reading stays (a phenelzine of this shape lost its MAOI check
    when read as a past course). Its adjuncts are held to confirm: the safer cost."""
    cards, record = _at.by_topic_and_record(_chart("h11_stmt_unknown_effectiveDateTime_2024_12"))
    assert not [t for t in record.trials if t.ingredient == "fluoxetine"]
    detail = cards[OPTIMISE]["detail"]
    assert (
        "fluoxetine (SSRI; the statement of 2026-07-08; no course read: dose and dates not "
        "counted) may be running"
    ) in detail
    assert _labels(cards[OPTIMISE]) == []


def test_a_phenelzine_unknown_of_a_past_month_keeps_its_maoi_check() -> None:
    doc = _chart("h11_stmt_unknown_effectiveDateTime_2024_12")
    (statement,) = [r for r in chart_files.prefetch_resources(doc) if r.get("id") == "st-fluox-u"]
    statement["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "8123",
                "display": "phenelzine",
            }
        ],
        "text": "phenelzine",
    }
    summaries = [c["summary"] for c in _at.cards(doc)]
    assert any("Phenelzine (MAOI) may be running" in s for s in summaries), summaries


@pytest.mark.parametrize(
    ("effective", "asserted"),
    [("2026-10", "2026-11-20T09:30:00-05:00"), ("2026-06", "2026-07-08T09:30:00-05:00")],
    ids=["recent-day", "asserted-that-month"],
)
def test_a_recent_unknown_statement_still_may_be_running_its_dose_not_denied(
    effective: str, asserted: str
) -> None:
    """A recent day, or one asserted about when it was, may be the start of a drug then current,
    whose stop nothing states (status_to_confirm.ended_long_ago)."""
    doc = _chart("h11_stmt_unknown_effectiveDateTime_2024_12")
    (statement,) = [r for r in chart_files.prefetch_resources(doc) if r.get("id") == "st-fluox-u"]
    statement["effectiveDateTime"] = effective
    statement["dateAsserted"] = asserted
    card = _at.by_topic(doc)[OPTIMISE]
    day = asserted[:10]
    assert (
        f"fluoxetine (SSRI; the statement of {day}; no course read: dose and dates not "
        "counted) may be running"
    ) in card["detail"]
    assert "dose and start not known" not in card["detail"]
    assert _labels(card) == []
    assert MappingPolicy().unknown_ended_days == 35


def test_the_phq9_reminder_names_an_observation_stays_team() -> None:
    card = _at.by_topic(_chart("g01_ward_obsenc_in_progress"))[MEASURE]
    assert card["summary"] == (
        "On venlafaxine since 2026-11-02; no PHQ-9 total since venlafaxine started: the hospital "
        "team can repeat the PHQ-9 to measure response"
    )
    assert card["detail"].startswith(
        "**Observation stay in progress** (named on the TMS referral card): the hospital team "
        "can record the PHQ-9."
    )
    assert _labels(card) == ["Ask for a PHQ-9"]


def test_the_phq9_reminder_of_an_admission_is_unchanged() -> None:
    card = _at.by_topic(_chart("g02_ward_class_acute"))[MEASURE]
    assert card["summary"].endswith("the inpatient team can repeat the PHQ-9 to measure response")
    assert card["detail"].startswith(
        "**Currently admitted** (named on the TMS referral card): the ward can record the PHQ-9."
    )


def test_on_a_medical_stay_the_phq9_reminder_stays_outpatient() -> None:
    cards = _at.by_topic(_chart("g04_medical_stay_in_progress"))
    card = cards[MEASURE]
    assert card["summary"] == (
        "On venlafaxine since 2026-11-02; no PHQ-9 total since venlafaxine started: repeat the "
        "PHQ-9 to measure response"
    )
    assert "inpatient team" not in card["detail"] and "Currently admitted" not in card["detail"]
    assert _labels(card) == ["Ask for a PHQ-9"]
    # The pathway cards still wait for discharge.
    assert "TMS referral after discharge" in cards[TMS]["summary"]


def _packet_text(name: str) -> str:
    """The packet's words, its tags and spacing left out."""
    record = _at.by_topic_and_record(_chart(name))[1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", render_packet(record, Policy()))).split())


def test_the_packet_names_every_mark_of_a_trial() -> None:
    text = _packet_text("m01_many_marks_listed_selfreported_inferred")
    # Before: "fluoxetine (stopped, response not measured)", the summary and the trial row.
    assert (
        "to confirm: escitalopram, citalopram (medication list only); sertraline (self-reported); "
        "fluoxetine (self-reported; stopped, response not measured)"
    ) in text
    assert "yes, to confirm: self-reported; stopped, response not measured" in text


def test_two_drugs_below_their_age_are_reviewed_as_them() -> None:
    detail = _at.by_topic(_chart("p14_age16_paroxetine_venlafaxine_running_pv"))[OPTIMISE]["detail"]
    assert "(NICE NG134). Review them with child and adolescent psychiatry." in detail
    assert "Review it with" not in detail
