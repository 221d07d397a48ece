"""Review 17 W1, W5, M2, M10: the medical contributors on the diagnosis review card.

- W1 (a06): hypothyroidism E03.9 with levothyroxine running and a normal TSH last month: no
  diagnosis-review line and the optimise card's adjuncts stay one click. (a07) the same with no
  TSH: one information line "Hypothyroidism on levothyroxine ... no TSH ...: check TSH", alongside
  escalation (nothing held), not "check it is treated" and not a second "No TSH" line; the
  "Order TSH" suggestion stays. Control: without the levothyroxine, "check it is treated" and the
  hold come back.
- W5 (a18): OSA with a completed HCPCS E0601 CPAP ServiceRequest (a DME order): no "untreated
  sleep apnea" line, no hold. Also read by the sleep-apnea treatment words under a local code;
  a revoked order or "CPAP declined" stays untreated (a15 is the untreated control).
- M2 (a08): free T4 0.6 L with a same-day normal TSH: an "Abnormal free T4" line with the central
  hypothyroidism pattern. (a21) TSH 4.6 H with a same-day free T4 1.2 N: the line names the free
  T4 and the subclinical pattern.
- M10 (a13): a low folate from 2022 is named with its age: "(3 years ago: repeat)".

Charts: review 17's CDS Hooks requests (US Core lab shape, RxNorm MedicationRequests, ICD-10-CM
problem-list Conditions, a US Core ServiceRequest coded HCPCS), copied to
tests/services/review17_charts/; the variants edit them in place.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.referrals import referrals
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review17_charts"
REVIEW = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
Doc = dict[str, Any]

_chart = chart_files.loader(CHARTS)
_resources = chart_files.prefetch_resources
_at = Evaluator(AS_OF)
_by_topic = _at.by_topic


def _one_click_adjuncts(optimise: Doc) -> list[str]:
    return [s["label"] for s in optimise.get("suggestions", []) if "adjunctive" in s["label"]]


def _not_held(cards: dict[str, Doc]) -> None:
    optimise = cards[OPTIMISE]
    assert "held" not in optimise["summary"]
    assert _one_click_adjuncts(optimise)


def _drop(doc: Doc, resource_type: str, text: str) -> Doc:
    """`doc` without the prefetch resources of `resource_type` whose JSON mentions `text`."""
    for value in doc["prefetch"].values():
        if isinstance(value, dict) and value.get("resourceType") == "Bundle":
            value["entry"] = [
                e
                for e in value.get("entry", [])
                if not (
                    e["resource"]["resourceType"] == resource_type
                    and text in str(e["resource"]).lower()
                )
            ]
    return doc


def _cpap_order(doc: Doc) -> Doc:
    return next(r for r in _resources(doc) if r["resourceType"] == "ServiceRequest")


# --- W1: hypothyroidism on thyroid replacement ------------------------------------------------


def test_treated_hypothyroidism_with_a_recent_normal_tsh_has_no_line_and_holds_nothing() -> None:
    cards = _by_topic(answered(_chart("a06_hypothyroid_on_levothyroxine_tsh_normal_last_month")))
    assert REVIEW not in cards
    _not_held(cards)


def test_hypothyroidism_without_replacement_and_a_normal_tsh_holds_nothing() -> None:
    # Levothyroxine dropped, the TSH of last month in range: nothing to correct before an adjunct,
    # so nothing is held; the line asks whether thyroid hormone is taken off the list (care69,
    # review K61a finding 11). Without a recent normal TSH it is held as before (test_care69).
    doc = _drop(
        answered(_chart("a06_hypothyroid_on_levothyroxine_tsh_normal_last_month")),
        "MedicationRequest",
        "levothyroxine",
    )
    cards = _by_topic(doc)
    assert "no thyroid hormone on the medication list: confirm" in cards[REVIEW]["detail"]
    assert cards[REVIEW]["indicator"] == "info"
    _not_held(cards)


def test_treated_hypothyroidism_with_no_tsh_asks_for_one_alongside_escalation() -> None:
    cards = _by_topic(answered(_chart("a07_hypothyroid_on_levothyroxine_no_tsh")))
    review = cards[REVIEW]
    detail = review["detail"]
    assert review["indicator"] == "info"
    assert "Confirm the diagnosis" not in review["summary"]
    assert "**Hypothyroidism on levothyroxine:**" in detail
    assert "levothyroxine running since 2015-03-02" in detail
    assert "no TSH in the last 365 days" in detail and "check TSH" in detail
    assert "check it is treated" not in detail
    assert "**No TSH in the last" not in detail  # said once, in the hypothyroidism line
    assert [s["label"] for s in review["suggestions"]] == ["Order TSH"]
    _not_held(cards)


# --- W5: CPAP ordered as durable medical equipment ---------------------------------------------


def test_cpap_dme_order_counts_as_treatment() -> None:
    cards = _by_topic(answered(_chart("a18_osa_cpap_dme_order_e0601")))
    assert REVIEW not in cards
    _not_held(cards)


def test_cpap_order_under_a_local_code_is_read_by_its_words() -> None:
    doc = answered(_chart("a18_osa_cpap_dme_order_e0601"))
    order = _cpap_order(doc)
    order["code"] = {
        "coding": [{"system": "urn:oid:1.2.840.114350.1.13.0.1.7.2.696580", "code": "88412"}],
        "text": "CPAP machine, auto titrating",
    }
    assert [r.kind for r in referrals(order, as_of=AS_OF)] == ["cpap"]
    cards = _by_topic(doc)
    assert REVIEW not in cards
    _not_held(cards)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("status", "revoked"),
        ("code", {"text": "CPAP declined by patient"}),
    ],
)
def test_revoked_or_declined_cpap_order_stays_untreated(field: str, value: object) -> None:
    doc = answered(_chart("a18_osa_cpap_dme_order_e0601"))
    _cpap_order(doc)[field] = value
    cards = _by_topic(doc)
    assert "Sleep apnea without treatment on record" in cards[REVIEW]["detail"]
    assert ": review untreated sleep apnea first, then augment" in cards[OPTIMISE]["summary"]


def test_untreated_sleep_apnea_control_keeps_its_line() -> None:
    cards = _by_topic(_chart("a15_osa_no_treatment"))
    assert "Sleep apnea without treatment on record" in cards[REVIEW]["detail"]


# --- M2: free T4 -------------------------------------------------------------------------------


def test_low_free_t4_with_a_normal_tsh_is_named_with_the_central_pattern() -> None:
    cards = _by_topic(answered(_chart("a08_free_t4_low_tsh_normal")))
    detail = cards[REVIEW]["detail"]
    assert "**Abnormal free T4:** 0.6 ng/dL, low, 2025-05-08" in detail
    assert "TSH 1.1 mIU/L, normal, 2025-05-08" in detail  # audit 17 M7: not UCUM's m[IU]/L
    assert "central hypothyroidism pattern" in detail
    # A thyroid contributor holds, as an abnormal TSH does.
    assert ": review free T4 low 0.6 first, then augment" in cards[OPTIMISE]["summary"]


def test_raised_tsh_names_the_same_day_free_t4_and_the_subclinical_pattern() -> None:
    cards = _by_topic(_chart("a21_subclinical_tsh_4_6_free_t4_normal"))
    detail = cards[REVIEW]["detail"]
    assert (
        # Audit 17 W5: under TSH 10 an information line (test_fa1_lab_units_thyroid.py).
        "**Raised TSH, free T4 normal:** 4.6 mIU/L, high, 2025-05-08; free T4 1.2 ng/dL, normal, "
        "2025-05-08: a subclinical hypothyroidism pattern"
    ) in detail


# --- M10: the age of an old result --------------------------------------------------------------


def test_old_low_folate_says_its_age() -> None:
    cards = _by_topic(_chart("a13_b12_low_3y_ago_normal_now"))
    detail = cards[REVIEW]["detail"]
    # Audit 17 M6: not rechecked since, a repeat asked for (test_fa1_lab_units_thyroid.py).
    assert (
        "**Low folate, not rechecked:** 3.1 ng/mL, low, 2022-04-04 (3 years ago: repeat)" in detail
    )
    assert "B12" not in detail.split("\n\n")[0]  # the B12 is normal now
