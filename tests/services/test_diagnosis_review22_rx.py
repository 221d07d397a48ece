"""Review s22 RX (diagnosis review), findings 2, 4, 7 and 10.

- Finding 2: an AUDIT-C of 9 (at or above policy.auditc_substantial_use) with no alcohol use
  disorder coded was said only on duloxetine's running-drug card; with desvenlafaxine running no
  card spoke of alcohol. Now the diagnosis review says it, alongside escalation (no hold), whatever
  drug runs (CANMAT 2023 para 181).
- Finding 4: a B12 deficiency coded in May with a normal B12 in October held the adjuncts and TMS
  as "B12 deficiency". Now a later result not low makes it an information line naming the result,
  no hold (the same rule for folate and vitamin D).
- Finding 7: an F12.20 encounter diagnosis of a 2019 visit with no status read as current use:
  now "recorded at a 2019 visit: ask" (policy.substance_visit_current_days). An F10.20 coded active
  beside a recent negative AUDIT-C asks whether it is in remission (policy.auditc_negative_below);
  the duloxetine caution stays (a self-report is no proof of remission: the safer side).
- Finding 10: a TSH under an Epic local code (text "TSH") gave "No TSH in 365 days". Now the row
  is a data gap and the line says "No TSH recognised", naming it.

Charts: tests/services/diagnosis_review22_charts/ (the reviewer's, Epic / US Core shaped, every
prefetch key; two failed adequate trials, PHQ-9 17).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator, by_topic, drug_orders

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"
RUNNING = "running-drug-caution"
AUDITC = "75626-2"
TSH_ID = "15b479e6-9716-59b6-aacf-0e3847f3b28d"  # the charts' recognised TSH (2.1, normal)
NOT_RECOMMENDED = "Referral not marked recommended before the diagnosis review"

_chart = chart_files.loader(Path(__file__).parent / "diagnosis_review22_charts")
_at = Evaluator(AS_OF)
_cards = _at.cards


def _entries(doc: Doc, key: str) -> list[Doc]:
    return [e["resource"] for e in doc["prefetch"][key]["entry"]]


def _auditc(doc: Doc) -> Doc:
    return next(r for r in _entries(doc, "observations") if AUDITC in str(r["code"]))


def _drop_lab(doc: Doc, rid: str) -> Doc:
    bundle = doc["prefetch"]["labs"]
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["id"] != rid]
    return doc


# --- finding 2: a high AUDIT-C with no diagnosis ----------------------------------------------


def test_high_auditc_without_diagnosis_is_said_alongside_escalation() -> None:
    cards = by_topic(_cards(_chart("auditc9_desvenlafaxine_no_dx")))
    card = cards[DIAGNOSIS]
    assert card["summary"] == (
        "Review alcohol use alongside escalation: AUDIT-C 9 on 2026-11-02 (clinic cut-off 8), "
        "no alcohol use disorder coded"
    )
    assert (
        "**AUDIT-C 9 on 2026-11-02, no alcohol use disorder coded:** at or above the clinic's "
        "cut-off (8), read as substantial alcohol use."
    ) in card["detail"]
    assert "CANMAT 2023 para 181" in card["detail"]
    # No hold: the adjuncts stay one click and TMS is not held back for it.
    optimise = cards[OPTIMISE]
    assert drug_orders(optimise), optimise["summary"]
    assert "held" not in optimise["summary"]
    assert NOT_RECOMMENDED not in cards[TMS]["detail"]


def test_high_auditc_is_said_beside_the_duloxetine_caution_too() -> None:
    # One card since review s24 RN finding 7: the screen once, the liver caution and the
    # drinking to address as its two lines.
    cards = by_topic(_cards(_chart("auditc9_duloxetine_no_dx")))
    assert DIAGNOSIS not in cards
    card = cards[RUNNING]
    assert card["summary"].startswith("AUDIT-C 9, no alcohol use disorder coded: review whether")
    assert "(Cymbalta label 5.2): review whether it should continue" in card["detail"]
    assert "assess for an alcohol use disorder and offer treatment" in card["detail"]


@pytest.mark.parametrize(
    ("value", "when"),
    [
        (7, "2026-11-02T08:10:00-05:00"),  # below the cut-off
        (9, "2025-11-01T08:10:00-05:00"),  # older than alcohol_screen_recent_days (365)
    ],
)
def test_a_screen_below_the_cut_off_or_old_says_nothing(value: int, when: str) -> None:
    doc = _chart("auditc9_desvenlafaxine_no_dx")
    screen = _auditc(doc)
    screen["valueQuantity"]["value"] = value
    screen["effectiveDateTime"] = when
    screen["issued"] = when
    assert DIAGNOSIS not in by_topic(_cards(doc))


def test_the_cut_off_is_the_clinics() -> None:
    doc = _chart("auditc9_desvenlafaxine_no_dx")
    _auditc(doc)["valueQuantity"]["value"] = 5
    card = by_topic(_cards(doc, policy=Policy(auditc_substantial_use=4)))[DIAGNOSIS]
    assert "AUDIT-C 5 on 2026-11-02 (clinic cut-off 4)" in card["summary"]


# --- finding 4: a deficiency coded, a later result not low ------------------------------------


def test_b12_deficiency_with_a_later_normal_b12_holds_nothing() -> None:
    cards = by_topic(_cards(_chart("b12_deficiency_coded_later_b12_normal")))
    assert DIAGNOSIS not in cards  # an information line rides only on a card shown for more
    optimise = cards[OPTIMISE]
    assert drug_orders(optimise), optimise["summary"]
    assert "adjuncts held" not in optimise["summary"]
    assert NOT_RECOMMENDED not in cards[TMS]["detail"]


def test_the_corrected_deficiency_is_named_with_its_result_on_the_card() -> None:
    # Without the TSH the card is shown for the missing TSH; the B12 line rides on it.
    doc = _drop_lab(_chart("b12_deficiency_coded_later_b12_normal"), TSH_ID)
    card = by_topic(_cards(doc))[DIAGNOSIS]
    assert (
        "**B12 deficiency on record, vitamin B12 normal since:** Deficiency of other specified B "
        "group vitamins (ICD-10-CM E53.8, since 2026-05-01); latest vitamin B12 520 pg/mL, "
        "normal, 2026-10-19, after it: corrected, not a reason to hold escalation."
    ) in card["detail"]
    assert "B12" not in card["summary"]


def _b12_results(doc: Doc) -> list[Doc]:
    return [r for r in _entries(doc, "labs") if "2132-9" in str(r["code"])]


def test_a_later_low_b12_still_holds() -> None:
    doc = _chart("b12_deficiency_coded_later_b12_normal")
    later = max(_b12_results(doc), key=lambda r: r["effectiveDateTime"])
    later["valueQuantity"]["value"] = 150
    later["interpretation"][0]["coding"][0]["code"] = "L"
    cards = by_topic(_cards(doc))
    assert cards[DIAGNOSIS]["summary"] == "Confirm the diagnosis before escalating: B12 deficiency"
    assert cards[OPTIMISE]["summary"].endswith(
        ": review B12 deficiency first, then augment or switch class"
    )


def test_a_normal_b12_before_the_coded_deficiency_does_not_lift_it() -> None:
    doc = _chart("b12_deficiency_coded_later_b12_normal")
    condition = next(r for r in _entries(doc, "conditions") if "E53.8" in str(r["code"]))
    condition["onsetDateTime"] = "2026-11-01"
    condition["recordedDate"] = "2026-11-01"
    cards = by_topic(_cards(doc))
    assert cards[DIAGNOSIS]["summary"] == "Confirm the diagnosis before escalating: B12 deficiency"


def _as_vitamin_d(doc: Doc) -> Doc:
    """The chart with its B12 deficiency and results written as a vitamin D deficiency and
    25-OH vitamin D results (ng/mL, range 30-100)."""
    condition = next(r for r in _entries(doc, "conditions") if "E53.8" in str(r["code"]))
    condition["code"] = {
        "coding": [
            {
                "system": "http://hl7.org/fhir/sid/icd-10-cm",
                "code": "E55.9",
                "display": "Vitamin D deficiency, unspecified",
            }
        ],
        "text": "Vitamin D deficiency",
    }
    for result, value, flag in zip(
        sorted(_b12_results(doc), key=lambda r: r["effectiveDateTime"]),
        (12, 41),
        ("L", "N"),
        strict=True,
    ):
        result["code"] = {
            "coding": [
                {
                    "system": "http://loinc.org",
                    "code": "62292-8",
                    "display": "25-Hydroxyvitamin D2+D3 [Mass/volume] in Serum or Plasma",
                }
            ],
            "text": "Vitamin D, 25-Hydroxy",
        }
        unit = {"unit": "ng/mL", "system": "http://unitsofmeasure.org", "code": "ng/mL"}
        result["valueQuantity"] = {"value": value, **unit}
        result["interpretation"][0]["coding"][0]["code"] = flag
        result["referenceRange"] = [{"low": {"value": 30, **unit}, "high": {"value": 100, **unit}}]
    return doc


def test_vitamin_d_deficiency_with_a_later_normal_result_is_information_too() -> None:
    doc = _drop_lab(_as_vitamin_d(_chart("b12_deficiency_coded_later_b12_normal")), TSH_ID)
    card = by_topic(_cards(doc))[DIAGNOSIS]
    assert (
        "**vitamin D deficiency on record, vitamin D normal since:** Vitamin D deficiency, "
        "unspecified (ICD-10-CM E55.9, since 2026-05-01); latest vitamin D 41 ng/mL, normal, "
        "2026-10-19, after it: corrected, not a reason to hold escalation."
    ) in card["detail"]
    assert "vitamin D" not in card["summary"]


# --- finding 7: substance use of an old visit; a negative screen beside a coded disorder ------


def test_an_old_status_less_visit_diagnosis_is_worded_by_its_visit() -> None:
    cards = by_topic(_cards(_chart("cannabis_f1220_visit_2019_no_status")))
    card = cards[DIAGNOSIS]
    assert card["summary"] == (
        "Review substance use alongside escalation: cannabis dependence, uncomplicated (F12.20) "
        "recorded at a 2019 visit: ask"
    )
    assert (
        "**Substance use recorded at a 2019 visit:** Cannabis dependence, uncomplicated "
        "(ICD-10-CM F12.20, encounter diagnosis of the visit on 2019-03-04, no status since). "
        "Ask whether it is current"
    ) in card["detail"]
    assert "since 2019-03-04" not in card["detail"]
    assert drug_orders(cards[OPTIMISE])  # held by nothing


def test_the_age_of_a_visit_diagnosis_is_the_clinics() -> None:
    policy = Policy(substance_visit_current_days=3660)
    card = by_topic(_cards(_chart("cannabis_f1220_visit_2019_no_status"), policy=policy))[DIAGNOSIS]
    assert "**Substance use:** Cannabis dependence, uncomplicated" in card["detail"]


def test_a_recent_visit_diagnosis_reads_as_before() -> None:
    card = by_topic(_cards(_chart("cannabis_f1220_visit_recent")))[DIAGNOSIS]
    assert card["summary"] == (
        "Review substance use alongside escalation: cannabis dependence, uncomplicated "
        "(ICD-10-CM F12.20)"
    )


def test_an_old_visit_diagnosis_with_a_status_reads_as_stated() -> None:
    doc = _chart("cannabis_f1220_visit_2019_no_status")
    condition = next(r for r in _entries(doc, "conditions") if "F12.20" in str(r["code"]))
    condition["clinicalStatus"] = {
        "coding": [
            {
                "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                "code": "active",
            }
        ]
    }
    card = by_topic(_cards(doc))[DIAGNOSIS]
    assert "recorded at a 2019 visit" not in card["detail"]


def test_a_coded_alcohol_disorder_beside_a_negative_screen_asks_about_remission() -> None:
    cards = by_topic(_cards(_chart("alcohol_f1020_problem_active_auditc0")))
    assert (
        "The latest AUDIT-C (0 on 2026-11-02) is negative: ask whether the disorder is in "
        "remission and, if so, record it so on the problem list."
    ) in cards[RUNNING]["detail"]  # the diagnosis review's line, on the one alcohol card
    # The coded disorder stays the basis of the duloxetine caution (the safer side).
    assert "Ordinarily not prescribed with substantial alcohol use" in cards[RUNNING]["detail"]


def test_a_positive_screen_asks_nothing_about_remission() -> None:
    doc = _chart("alcohol_f1020_problem_active_auditc0")
    _auditc(doc)["valueQuantity"]["value"] = 3
    assert "in remission" not in by_topic(_cards(doc))[RUNNING]["detail"]


# --- finding 10: a TSH under a local code -----------------------------------------------------


def test_a_tsh_under_a_local_code_is_no_tsh_recognised() -> None:
    card = by_topic(_cards(_chart("tsh_epic_local_code_only")))[DIAGNOSIS]
    assert card["summary"] == (
        "No TSH recognised in 365 days (a TSH of 2026-10-19 not read): check it in the chart"
    )
    assert (
        "**No TSH recognised in the last 365 days** (LOINC 3016-3, 11580-8, 11579-0) after 2 "
        "adequate trials failed, self-reported: 1 result named TSH of 2026-10-19 is under a code "
        "this service does not know, so it was not read"
    ) in card["detail"]
    assert "No TSH in" not in card["detail"]
    assert "named TSH under a code this service does not know" in card["detail"]  # Data not read


def test_another_test_under_a_local_code_is_not_a_tsh() -> None:
    doc = _chart("tsh_epic_local_code_only")
    row = next(r for r in _entries(doc, "labs") if r["code"].get("text") == "TSH")
    row["code"]["text"] = "Sodium"
    row["code"]["coding"][0]["display"] = "Sodium"
    card = by_topic(_cards(doc))[DIAGNOSIS]
    assert card["summary"].startswith("No TSH in 365 days")


def test_a_recognised_tsh_gives_no_card() -> None:
    assert DIAGNOSIS not in by_topic(_cards(_chart("control_normal_tsh")))


def test_every_first_look_word_is_in_a_term() -> None:
    from fhir_mapping.lab_lookalike import FIRST_LOOK, terms

    assert all(any(word in term for word in FIRST_LOOK) for term in terms())
