"""Audit 17 W1, W2, W5, M6-M9: the labs and the thyroid lines of the diagnosis review card.

- W1 (a19b): a B12 of 0.11 nmol/L is 110 pmol/L (a UCUM prefix: data/lab_unit_rescalings.csv),
  low; it was "not compared" and on no card. A unit still not convertible (ug/dL, a factor of 10
  the table does not hold) raises an information line on the card: never silent, nothing held.
- W2: with no `labsSI` key the card said "Si-unit labs not (fully) available: Observation:
  prefetch key 'labsSI' was not sent...". Now one plain line, and nothing when a B12, folate and
  vitamin D in mass units are on record within the card's lab look-back.
- W5 (a21): TSH 4.6 with a same-day normal free T4 (subclinical, under 10: ETA 2013) is an
  information line holding nothing; TSH 12, or no free T4 beside it, is still held.
- M6: an abnormal result older than the look-back asks for a repeat, not a hold (a04 TSH 2022,
  a13 folate 2022); a05's missing-TSH summary names the last TSH (2022, normal).
- M7: "mIU/L", never UCUM's "m[IU]/L". M8 (a08): the central pattern says what to do.
- M9 (a06): the T3-beside-levothyroxine line no longer prints "(UNVERIFIED)".

Charts: review 17's CDS Hooks requests in tests/services/review17_charts/ (US Core labs in UCUM
units, RxNorm MedicationRequests, ICD-10-CM Conditions); fa1_a01/a04/a05 are review 17's a01,
a04, a05 with the `labsSI` key sent (empty), fa1_b12_unit_not_recognised is a19b's B12 in ug/dL.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from fhir_mapping.gaps import describe
from fhir_mapping.lab_units import table_value
from fhir_mapping.record import DataDomain, DataGap, GapCause
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
_at = Evaluator(AS_OF)
_cards = _at.cards
_by_topic = _at.by_topic


def _held(cards: dict[str, Doc]) -> bool:
    optimise = cards[OPTIMISE]
    adjuncts = [s for s in optimise.get("suggestions", []) if "adjunctive" in s["label"]]
    # The check leads the summary, the plan after it (hold_words: "review low B12 first, then ...").
    return " first, then augment or switch class" in optimise["summary"] and not adjuncts


def _lab(doc: Doc, loinc: str) -> Doc:
    for entry in doc["prefetch"]["labs"]["entry"]:
        resource: Doc = entry["resource"]
        if resource["code"]["coding"][0]["code"] == loinc:
            return resource
    raise AssertionError(loinc)


# --- W1: units -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("test", "value", "unit", "expected"),
    [
        ("b12", 0.11, "nmol/L", 149.05),  # 110 pmol/L / 0.738
        ("b12", 0.3, "ng/mL", 300.0),  # 300 pg/mL
        ("b12", 300, "ng/L", 300.0),  # the table's own unit
        ("folate", 0.007, "umol/L", None),  # not an exact rescaling the table holds
        ("folate", 7000, "pmol/L", 3.09),  # 7 nmol/L / 2.266
        ("vitamin-d", 30, "mcg/L", 30.0),  # = ng/mL
        ("b12", 0.015, "ug/dL", None),  # a factor of 10: not held, never assumed
    ],
)
def test_exact_rescalings_are_compared_and_others_are_not(
    test: str, value: float, unit: str, expected: float | None
) -> None:
    got = table_value(test, value, unit)
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected, abs=0.01)


def test_b12_in_nmol_per_litre_is_low_on_the_card_and_holds() -> None:
    cards = _by_topic(answered(_chart("a19b_b12_unit_not_comparable")))
    assert "**Low B12:** 0.11 nmol/L, low, 2025-05-08: replace B12" in cards[REVIEW]["detail"]
    assert _held(cards)  # a low B12 is settled before escalating (CANMAT 2023 para 184)


def test_b12_in_a_unit_not_recognised_raises_an_information_line() -> None:
    cards = _by_topic(answered(_chart("fa1_b12_unit_not_recognised")))
    review = cards[REVIEW]
    assert review["indicator"] == "info"
    assert "vitamin B12 0.015 ug/dL" in review["summary"]
    assert "not compared" in review["summary"] and "check it in the chart" in review["summary"]
    assert "**Vitamin B12 not compared:** 0.015 ug/dL, unflagged, 2025-05-08" in review["detail"]
    assert not _held(cards)


# --- W2: the SI-unit labs not received -------------------------------------------------------------


def test_si_labs_not_received_is_one_plain_line() -> None:
    gap = DataGap(
        DataDomain.SI_LABS,
        "prefetch key 'labsSI' was not sent and the FHIR server could not be asked",
        whole_domain=True,
        cause=GapCause.NOT_PROVIDED,
    )
    (line,) = describe([gap])
    # The tests named from the key's tables (review s20 item 5).
    assert line.startswith(
        "Vitamin B12, folate, vitamin D and creatinine reported in SI units (pmol/L, nmol/L, "
        "umol/L)"
    )
    assert "prefetch" not in line and "Observation" not in line and "Si-" not in line


def test_no_labs_si_key_says_the_plain_line_without_jargon() -> None:
    doc = _chart("a21_subclinical_tsh_4_6_free_t4_normal")
    del doc["prefetch"]["labsSI"]
    detail = _by_topic(doc)[REVIEW]["detail"]
    assert "were not received from the EHR: if your lab reports them so" in detail
    assert "prefetch key" not in detail and "Si-unit" not in detail


def test_no_labs_si_key_is_silent_beside_recent_mass_unit_labs() -> None:
    doc = _chart("fa1_a01_all_labs_recent_normal")
    del doc["prefetch"]["labsSI"]
    tsh = _lab(doc, "3016-3")
    tsh["valueQuantity"]["value"] = 12.0  # a card to read: an abnormal TSH
    tsh["interpretation"][0]["coding"][0]["code"] = "H"
    detail = _by_topic(doc)[REVIEW]["detail"]
    assert "**Abnormal TSH:** 12 mIU/L" in detail
    assert "SI units" not in detail and "Data not read" not in detail


# --- W5: subclinical hypothyroidism ----------------------------------------------------------------


def test_subclinical_tsh_under_10_is_information_holding_nothing() -> None:
    cards = _by_topic(answered(_chart("a21_subclinical_tsh_4_6_free_t4_normal")))
    review = cards[REVIEW]
    assert review["indicator"] == "info"
    assert review["summary"].startswith(
        "Review alongside escalation: TSH high 4.6, free T4 normal (subclinical)"
    )
    assert "repeat TSH and free T4 with TPO antibodies in 2-3 months (ETA 2013)" in review["detail"]
    assert "Confirm the diagnosis" not in review["summary"]
    assert not _held(cards)


def test_tsh_10_or_more_is_still_held() -> None:
    doc = answered(_chart("a21_subclinical_tsh_4_6_free_t4_normal"))
    _lab(doc, "3016-3")["valueQuantity"]["value"] = 12.0
    cards = _by_topic(doc)
    assert cards[REVIEW]["summary"].startswith(
        "Confirm the diagnosis before escalating: TSH high 12"
    )
    assert _held(cards)


def test_raised_tsh_under_10_without_a_free_t4_asks_for_one_and_holds_until_it() -> None:
    """Review 17 second recheck M6: the hold asked for nothing; the free T4 decides what a TSH
    under 10 means. Since review K30c (cards45 item 3) it also holds the one-click escalations
    until the free T4 is known: an overt pattern is not ruled out (diagnosis_medical_thyroid
    `_ask_free_t4` says why)."""
    doc = answered(_chart("a21_subclinical_tsh_4_6_free_t4_normal"))
    entries = doc["prefetch"]["labs"]["entry"]
    doc["prefetch"]["labs"]["entry"] = [
        e for e in entries if e["resource"]["code"]["coding"][0]["code"] != "3024-7"
    ]
    cards = _by_topic(doc)
    assert _held(cards)
    assert "Order free T4" in [s["label"] for s in cards[REVIEW]["suggestions"]]


# --- M6: old results ---------------------------------------------------------------------------------


def test_old_abnormal_tsh_asks_for_a_repeat_not_a_hold() -> None:
    cards = _by_topic(answered(_chart("fa1_a04_tsh_high_3y_ago_none_since")))
    review = cards[REVIEW]
    assert review["summary"] == "Review alongside escalation: TSH high 6.8 on 2022-05-10: repeat"
    assert "no TSH since: repeat TSH with free T4" in review["detail"]
    assert "No TSH in the last" not in review["detail"]  # said once
    assert [s["label"] for s in review["suggestions"]] == ["Order TSH"]
    assert not _held(cards)


def test_old_low_folate_asks_for_a_repeat_not_a_hold() -> None:
    cards = _by_topic(answered(_chart("a13_b12_low_3y_ago_normal_now")))
    assert cards[REVIEW]["summary"] == (
        "Review alongside escalation: low folate 3.1 on 2022-04-04: repeat"
    )
    assert not _held(cards)


def test_missing_tsh_names_the_last_one() -> None:
    review = _by_topic(_chart("fa1_a05_tsh_normal_3y_ago"))[REVIEW]
    assert "(last 2022-05-10, normal)" in review["summary"]
    assert "(last 2 mIU/L, normal, 2022-05-10" in review["detail"]


# --- M7, M8, M9 ------------------------------------------------------------------------------------


def test_ucum_brackets_are_not_printed() -> None:
    for name in ("a21_subclinical_tsh_4_6_free_t4_normal", "a08_free_t4_low_tsh_normal"):
        text = str(_cards(_chart(name)))
        assert "m[IU]/L" not in text and "mIU/L" in text


def test_central_pattern_says_what_to_do() -> None:
    detail = _by_topic(_chart("a08_free_t4_low_tsh_normal"))[REVIEW]["detail"]
    assert (
        "central hypothyroidism pattern (free T4 low with a TSH not raised: pituitary or "
        "hypothalamic; the TSH alone misses it): repeat free T4 with TSH; if confirmed, refer to "
        "endocrinology for a pituitary evaluation"
    ) in detail


def test_t3_beside_levothyroxine_line_is_not_marked_unverified() -> None:
    detail = _by_topic(_chart("a06_hypothyroid_on_levothyroxine_tsh_normal_last_month"))[OPTIMISE][
        "detail"
    ]
    assert "Liothyronine beside levothyroxine" in detail
    assert "overtreatment can precipitate angina or arrhythmias" in detail
    assert "(Cytomel label 5.1)" in detail and "UNVERIFIED" not in detail


def test_si_labs_read_in_part_keep_their_capitals() -> None:
    gap = DataGap(
        DataDomain.SI_LABS,
        "Observation:labsSI: the EHR withheld some results",
        cause=GapCause.PARTIAL,
    )
    (line,) = describe([gap])
    # Never "Si-unit"; the tests it may hide named (review s20 item 5).
    assert line.startswith(
        "SI-unit labs (vitamin B12, folate, vitamin D, creatinine and TSH) may be incomplete"
    )
