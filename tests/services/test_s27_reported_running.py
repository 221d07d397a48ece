"""Review s27 RA findings 1 and 5: a reuptake inhibitor the record says is taken now counts in
the chart-open pair, and a status-unknown statement whose stated period ended long ago is a past
course, not a drug that may be running.

- Finding 1 (UNSAFE): sertraline 100 mg daily since 2026-10-01 on an `active`
  MedicationStatement (the patient's report, r01; a practitioner's, r02) beside venlafaxine
  225 mg ordered and filled got no "two serotonin reuptake inhibitors" line and the optimise card
  offered aripiprazole and brexpiprazole one click, while the same sertraline as an order with
  fills (r03, the control) got the line and held them: rules/running_reuptake_pair.py counted a
  course running only with a fill. Now a course a statement or the patient's report says is
  taken, with no fill, is running for the pair, worded "reported taken"; the adjuncts are held
  as for the prescribed pair. A listing nothing has confirmed for a year (Trial.listed) is not.
- Finding 5 (NOISE): a fluoxetine statement `unknown` of period 2025-03-02 to 2025-08-31, 40 mg,
  asserted 2026-07-08 (r04) read "may be running ... no course read: dose and start not known"
  and held the adjuncts in 2026-12. Now (fhir_mapping/status_to_confirm.ended_long_ago) a stated
  end more than MappingPolicy.unknown_ended_days (35) before today is the past course it states
  (a patient-reported trial, to confirm); a recent or absent end keeps "may be running" (a
  partial end is judged by its last day: recheck K4 finding 6, test_s27_on_hold.py).

Charts: tests/services/s27_reported_running_charts/, the reviewer's scratch charts (US Core
shaped RxNorm MedicationRequest, MedicationDispense and MedicationStatement, LOINC PHQ-9), with
the labsSI key added so every prefetch key is sent.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.status_to_confirm import ended_long_ago
from services.card_format import SUMMARY_MAX
from services.policy import load_policy
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
_DIR = Path(__file__).parent / "s27_reported_running_charts"
_chart = chart_files.loader(_DIR)
_at = Evaluator(AS_OF)
OPTIMISE = "optimize-switch-augment"
PAIR = "running-reuptake-pair"
PATIENT = "r01_sertraline_reported_by_patient_beside_filled_venlafaxine"
PRACTITIONER = "r02_sertraline_statement_by_practitioner_beside_filled_venlafaxine"
CONTROL = "r03_control_sertraline_ordered_and_filled_beside_venlafaxine"
UNKNOWN_ENDED = "r04_fluoxetine_statement_unknown_period_ended_2025_08"
PHQ9_NOVEMBER = "08e29765-397e-51e4-8e6a-8e631b7521f9"
FLUOXETINE = "st-fluox-2023"
SERTRALINE = "st-sert-now"
PAIR_LINE = "**Two serotonin reuptake inhibitors running:**"
HELD = "**Not one click while both run:** Propose adjunctive aripiprazole"


def _resource(doc: Doc, rid: str) -> Doc:
    (found,) = [r for r in chart_files.prefetch_resources(doc) if r.get("id") == rid]
    return found


def _suggestions(card: Doc) -> list[str]:
    return [s["label"] for s in card.get("suggestions") or []]


def _said(cards: dict[str, Doc]) -> list[str]:
    return [code for code, c in cards.items() if "inhibit serotonin reuptake" in c["detail"]]


@pytest.mark.parametrize("path", sorted(_DIR.glob("*.json")), ids=lambda p: p.stem)
def test_the_charts_send_every_prefetch_key_as_valid_r4b(path: Path) -> None:
    chart_files.check_chart(_chart(path.stem))


def test_sertraline_the_patient_reports_taking_pairs_with_filled_venlafaxine() -> None:
    cards = _at.by_topic(_chart(PATIENT))
    assert PAIR not in cards  # said once: the optimise card speaks
    card = cards[OPTIMISE]
    detail = card["detail"]
    assert detail.startswith(PAIR_LINE)
    assert "venlafaxine 225 mg/day since 2026-07-08 (SNRI; refills on time (PDC 100 %))" in detail
    assert (
        "sertraline 100 mg/day since 2026-10-01 (SSRI; reported taken by the patient, no order "
        "or fill on record)"
    ) in detail
    assert "together since 2026-10-01" in detail and "serotonin-syndrome risk" in detail
    # Before: aripiprazole and brexpiprazole were one click beside the two drugs.
    assert _suggestions(card) == []
    assert HELD in detail
    assert "reuptake inhibitor" in card["summary"]
    assert _said(cards) == [OPTIMISE]


def test_a_practitioner_statement_is_reported_taken_too() -> None:
    card = _at.by_topic(_chart(PRACTITIONER))[OPTIMISE]
    assert card["detail"].startswith(PAIR_LINE)
    assert (
        "sertraline 100 mg/day since 2026-10-01 (SSRI; reported taken (medication statement), "
        "no fill on record)"
    ) in card["detail"]
    assert _suggestions(card) == []


def test_the_prescribed_control_is_unchanged() -> None:
    card = _at.by_topic(_chart(CONTROL))[OPTIMISE]
    assert card["detail"].startswith(PAIR_LINE)
    assert "sertraline 100 mg/day since 2026-10-01 (SSRI; refills on time" in card["detail"]
    assert "reported taken" not in card["detail"]
    assert _suggestions(card) == []


def test_in_remission_the_reported_pair_is_a_warning_card_of_its_own() -> None:
    doc = _chart(PATIENT)
    _resource(doc, PHQ9_NOVEMBER)["valueQuantity"]["value"] = 3
    cards = _at.by_topic(doc)
    assert OPTIMISE not in cards
    card = cards[PAIR]
    assert card["indicator"] == "warning"
    # The doses do not fit the summary beside the question; the names do.
    assert card["summary"] == (
        "Venlafaxine running and sertraline reported taken: two serotonin reuptake inhibitors - "
        "unfinished switch or third-line combination?"
    )
    assert len(card["summary"]) <= SUMMARY_MAX
    assert _suggestions(card) == []
    assert _said(cards) == [PAIR]


def test_a_listing_nothing_confirmed_for_a_year_makes_no_pair() -> None:
    doc = _chart(PATIENT)
    statement = _resource(doc, SERTRALINE)
    statement["effectivePeriod"] = {"start": "2024-09-01"}
    statement["dateAsserted"] = "2024-09-01T09:30:00-05:00"
    cards = _at.by_topic(doc)
    assert not _said(cards)


def test_an_unknown_statement_whose_period_ended_long_ago_is_a_past_course() -> None:
    cards, record = _at.by_topic_and_record(_chart(UNKNOWN_ENDED))
    (fluoxetine,) = [t for t in record.trials if t.ingredient == "fluoxetine"]
    assert (fluoxetine.start, fluoxetine.end) == (date(2025, 3, 2), date(2025, 8, 31))
    assert not fluoxetine.ongoing and fluoxetine.patient_reported
    assert fluoxetine.segments[-1].mg_per_day == 40
    assert not [g for g in record.gaps if g.source is not None and g.source.id == FLUOXETINE]
    everything = " ".join(c["summary"] + c["detail"] for c in cards.values())
    assert "may be running" not in everything and "no course read" not in everything
    assert not _said(cards)
    # Before: held "until it is confirmed"; the adjuncts are one click again.
    assert "Propose adjunctive aripiprazole 2 mg/day (CANMAT first line)" in _suggestions(
        cards[OPTIMISE]
    )
    # Patient-reported: listed beside the TMS criterion, not counted (fix meds46).
    assert "(patient-reported only): sertraline, fluoxetine" in cards["tms-referral"]["detail"]


@pytest.mark.parametrize(
    "end", ["2026-11-15", "2026-10", None], ids=["recent", "partial-recent", "no-end"]
)
def test_a_recent_partial_or_absent_end_keeps_may_be_running(end: str | None) -> None:
    doc = _chart(UNKNOWN_ENDED)
    period = _resource(doc, FLUOXETINE)["effectivePeriod"]
    if end is None:
        del period["end"]
    else:
        period["end"] = end
    cards, record = _at.by_topic_and_record(doc)
    assert "fluoxetine" not in {t.ingredient for t in record.trials}
    detail = cards[OPTIMISE]["detail"]
    assert "**Two serotonin reuptake inhibitors if both are taken:**" in detail
    assert _suggestions(cards[OPTIMISE]) == []


def test_the_days_are_the_clinics_policy() -> None:
    policy = load_policy({"mapping": {"unknown_ended_days": 3650}})
    cards = _at.by_topic(_chart(UNKNOWN_ENDED), policy=policy)
    assert "if both are taken" in cards[OPTIMISE]["detail"]


def test_ended_long_ago_reads_a_partial_end_by_its_last_day() -> None:
    def statement(end: object) -> Doc:
        return {"resourceType": "MedicationStatement", "effectivePeriod": {"end": end}}

    assert ended_long_ago(statement("2025-08-31"), AS_OF, 35)
    assert not ended_long_ago(statement("2026-10-27"), AS_OF, 35)  # 35 days: not more
    assert ended_long_ago(statement("2026-10-26"), AS_OF, 35)
    # Recheck K4 finding 6: a partial end by its last day (2025-08-31; 2026-10-31: 31 days).
    assert ended_long_ago(statement("2025-08"), AS_OF, 35)
    assert not ended_long_ago(statement("2026-10"), AS_OF, 35)
    assert not ended_long_ago(statement(20250831), AS_OF, 35)
    assert not ended_long_ago({"effectivePeriod": {"start": "2025-01-01"}}, AS_OF, 35)
    # Recheck K7 s28 finding 2: an effectiveDateTime is never read as an end, however long
    # before the record was asserted (it is often the start of a drug still taken).
    assert not ended_long_ago({"effectiveDateTime": "2025-01-01"}, AS_OF, 35)
    assert not ended_long_ago(
        {"effectiveDateTime": "2024-12", "dateAsserted": "2026-07-08"}, AS_OF, 35
    )


def test_a_statement_on_hold_is_not_taken_now() -> None:
    doc = _chart(PATIENT)
    _resource(doc, SERTRALINE)["status"] = "on-hold"
    assert not _said(_at.by_topic(doc))


def test_a_dose_not_read_is_said_so_never_unknown_mg() -> None:
    # The reviewer's v15: an ingredient-only code and "1 tab daily".
    doc = _chart(PATIENT)
    statement = _resource(doc, SERTRALINE)
    statement["medicationCodeableConcept"] = {
        "coding": [
            {
                "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                "code": "36437",
                "display": "sertraline",
            }
        ],
        "text": "sertraline",
    }
    statement["dosage"] = [{"text": "1 tab daily"}]
    cards = _at.by_topic(doc)
    (said,) = _said(cards)
    detail = cards[said]["detail"]
    assert "sertraline (dose not read) since 2026-10-01 (SSRI; reported taken by the" in detail
    assert "unknown mg" not in detail
