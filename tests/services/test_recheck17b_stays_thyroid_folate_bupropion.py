"""Review 17 second recheck M2, M3, M6, M7, M8.

- M2 (st01): an inpatient stay "in-progress" since 2023-05-10 with no later visit but monthly
  outpatient fills to May 2025 still read "Currently admitted" and held every one-click. Fills
  handed over after the admission (not the ward's: category inpatient) are outpatient evidence
  as a later visit is.
- M3 (st04): one finished AMB "Consultation" on day 2 of a 3-day stay released the hold. One
  event early in a stay now keeps it and is named on the stay's line; the stay reads as left
  with evidence on two days, the last a week or more after the admission, or any a month after
  (fhir_mapping/policy.py `stay_left_*`).
- M6 (lb09): TSH 6.5 with no free T4 held the adjuncts and never asked for a free T4. Now it asks
  ("Order free T4", LOINC 3024-7) and holds nothing; a TSH of 10 or more without a free T4 still
  holds, and asks too.
- M7 (lb10): the old-folate line had no order: "Order folate" (LOINC 2284-8).
- M8 (wc06): bupropion drafted with epilepsy on record was a warning citing CPS; now critical,
  citing the bupropion labels' Contraindications.

Charts: CDS Hooks requests in tests/services/review17_charts/rc17b_*.json, copied from the
second recheck's probes (every prefetch key sent, `labsSI` and `encounters` among them).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.admissions import read_current_stays
from fhir_mapping.policy import MappingPolicy
from services.policy import Policy
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.helpers import drug_orders as _drug_orders
from tests.services.item9_answers import answered

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
CHARTS = Path(__file__).parent / "review17_charts"
Doc = dict[str, Any]
DIAGNOSIS = "diagnosis-review"
OPTIMISE = "optimize-switch-augment"
TMS = "tms-referral"

_chart = chart_files.loader(CHARTS)
_at = Evaluator(AS_OF)
_evaluate = _at.by_topic_and_record


def _all_cards(doc: Doc) -> list[Doc]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=AS_OF, policy=Policy())
    cards: list[Doc] = result.response.to_json()["cards"]
    return cards


def _lab_order(card: Doc, label: str) -> Doc:
    """The ServiceRequest of the suggestion labelled `label`."""
    for suggestion in card.get("suggestions", []):
        if suggestion["label"] == label:
            resource: Doc = suggestion["actions"][0]["resource"]
            return resource
    raise AssertionError(f"no {label!r} on the card: {card.get('suggestions')}")


def _entries(doc: Doc, key: str) -> list[Doc]:
    entries: list[Doc] = doc["prefetch"][key]["entry"]
    return entries


# --- M2: outpatient fills after a stay's start ---------------------------------------------------


def test_a_stay_left_open_with_only_pharmacy_fills_since_holds_nothing() -> None:
    cards, record = _evaluate(answered(_chart("rc17b_st01_stay_open_2y_fills_since")))
    text = " ".join(c["summary"] + c["detail"] for c in cards.values())
    assert "Currently admitted" not in text
    assert "after discharge" not in text
    assert text.count("Inpatient stay recorded open since 2023-05-10") == 1
    assert "with pharmacy fills since (first 2024-10-21): check its status in the chart" in text
    assert _drug_orders(cards[OPTIMISE])
    assert cards[TMS].get("suggestions")
    (stay,) = record.current_stays
    assert stay.contradicted and not stay.visit_days
    assert stay.fill_days[0] == date(2024, 10, 21)


def test_ward_dispenses_after_the_admission_do_not_release_the_stay() -> None:
    """A dispense with category inpatient is the ward's supply: no sign the patient left."""
    doc = _chart("rc17b_st01_stay_open_2y_fills_since")
    for entry in _entries(doc, "medicationDispenses"):
        entry["resource"]["category"] = {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/fhir/CodeSystem/medicationdispense-category",
                    "code": "inpatient",
                }
            ]
        }
    cards, record = _evaluate(doc)
    assert "Currently admitted (medical) since 2023-05-10" in cards[OPTIMISE]["detail"]
    assert _drug_orders(cards[OPTIMISE]) == []
    (stay,) = record.current_stays
    assert not stay.contradicted and stay.outpatient_since is None


# --- M3: one outpatient encounter during a short stay --------------------------------------------


def test_one_consult_coded_ambulatory_during_a_3_day_stay_keeps_the_hold() -> None:
    cards, record = _evaluate(_chart("rc17b_st04_stay_3d_consult_amb"))
    detail = cards[OPTIMISE]["detail"]
    assert detail.startswith("**Currently admitted (medical) since 2025-05-30**")
    assert (
        "An outpatient visit on 2025-06-01 since the admission: a consult or test during a stay "
        "may be filed as outpatient, so the hold stays; if the patient was discharged, close the "
        "stay in the chart."
    ) in detail
    assert _drug_orders(cards[OPTIMISE]) == []
    assert "TMS referral after discharge" in cards[TMS]["summary"]
    (stay,) = record.current_stays
    assert not stay.contradicted and stay.outpatient_since == date(2025, 6, 1)


def _encounter(rid: str, cls: str, status: str, start: str) -> Doc:
    return {
        "resourceType": "Encounter",
        "id": rid,
        "status": status,
        "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": cls},
        "period": {"start": start},
    }


def _fill(rid: str, handed: str) -> Doc:
    return {
        "resourceType": "MedicationDispense",
        "id": rid,
        "status": "completed",
        "whenHandedOver": handed,
    }


STAY = _encounter("s", "IMP", "in-progress", "2025-04-01T08:00:00Z")


@pytest.mark.parametrize(
    ("visits", "fills", "left"),
    [
        # two days of evidence within the first week: a consult and a test, kept
        (["2025-04-02", "2025-04-03"], [], False),
        # two days, the last a week after the admission: left
        (["2025-04-02"], ["2025-04-08"], True),
        # one visit 29 days after: kept; 30 days after: left
        (["2025-04-30"], [], False),
        (["2025-05-01"], [], True),
        # a fill on the admission day is no evidence (it may have preceded the admission)
        ([], ["2025-04-01", "2025-04-01"], False),
        # a fill handed over after as-of is not read
        ([], ["2025-06-10"], False),
    ],
)
def test_the_stay_reads_as_left_on_enough_outpatient_evidence(
    visits: list[str], fills: list[str], left: bool
) -> None:
    encounters = [STAY] + [
        _encounter(f"v{i}", "AMB", "finished", f"{d}T09:00:00Z") for i, d in enumerate(visits)
    ]
    dispenses = [_fill(f"f{i}", f"{d}T16:00:00Z") for i, d in enumerate(fills)]
    (found,) = read_current_stays(encounters, [], as_of=AS_OF, dispenses=dispenses)
    assert found.contradicted is left


def test_the_evidence_rule_is_policy() -> None:
    encounters = [STAY, _encounter("v", "AMB", "finished", "2025-04-03T09:00:00Z")]
    (found,) = read_current_stays(encounters, [], as_of=AS_OF)
    assert not found.contradicted
    strict = MappingPolicy(stay_left_min_days=1, stay_left_after_days=1)
    (found,) = read_current_stays(encounters, [], as_of=AS_OF, policy=strict)
    assert found.contradicted


# --- M6: a raised TSH with no free T4 ------------------------------------------------------------


def test_tsh_6_5_without_a_free_t4_asks_for_one_and_holds_until_it() -> None:
    cards, _ = _evaluate(answered(_chart("rc17b_lb09_tsh_6_5_no_free_t4")))
    card = cards[DIAGNOSIS]
    # Held until the free T4 is known since review K30c (cards45 item 3): an overt pattern is
    # not ruled out without it (data/thyroid_patterns.csv: the overt row is settled first).
    assert card["summary"] == (
        "Confirm the diagnosis before escalating: TSH high 6.5, no free T4: add free T4"
    )
    assert "**Raised TSH, no free T4 with it:** 6.5 mIU/L, high, 2025-05-13" in card["detail"]
    order = _lab_order(card, "Order free T4")
    assert order["code"]["coding"][0]["code"] == "3024-7"
    assert order["code"]["coding"][0]["system"] == "http://loinc.org"
    # Held: the adjuncts are text until the free T4 is on record.
    assert not _drug_orders(cards[OPTIMISE])
    assert "check free T4 first" in cards[OPTIMISE]["summary"]


def test_tsh_12_without_a_free_t4_holds_and_asks_for_one() -> None:
    doc = answered(_chart("rc17b_lb08_tsh_12_free_t4_normal"))
    _entries(doc, "labs")[:] = [
        e
        for e in _entries(doc, "labs")
        if e["resource"].get("code", {}).get("coding", [{}])[0].get("code") != "3024-7"
    ]
    cards, _ = _evaluate(doc)
    card = cards[DIAGNOSIS]
    assert card["summary"] == "Confirm the diagnosis before escalating: TSH high 12"
    assert "no free T4 drawn with it: add one." in card["detail"]
    assert _lab_order(card, "Order free T4")["code"]["coding"][0]["code"] == "3024-7"
    assert _drug_orders(cards[OPTIMISE]) == []


def test_tsh_12_with_a_normal_free_t4_asks_for_no_free_t4() -> None:
    cards, _ = _evaluate(_chart("rc17b_lb08_tsh_12_free_t4_normal"))
    labels = [s["label"] for s in cards[DIAGNOSIS].get("suggestions", [])]
    assert "Order free T4" not in labels


# --- M7: an old low folate -----------------------------------------------------------------------


def test_an_old_low_folate_offers_an_order() -> None:
    cards, _ = _evaluate(_chart("rc17b_lb10_folate_low_2022"))
    card = cards[DIAGNOSIS]
    assert "**Low folate, not rechecked:** 2.1 ng/mL, low, 2022-03-14" in card["detail"]
    order = _lab_order(card, "Order folate")
    assert order["code"]["coding"][0]["code"] == "2284-8"
    assert order["resourceType"] == "ServiceRequest"


# --- M8: bupropion with a seizure disorder -------------------------------------------------------


def test_bupropion_drafted_with_epilepsy_is_critical_and_cites_the_label() -> None:
    cards = _all_cards(_chart("rc17b_wc06_bupropion_draft_epilepsy"))
    (card,) = [c for c in cards if c["summary"].startswith("Bupropion: contraindicated in seizure")]
    assert card["indicator"] == "critical"
    assert card["source"]["label"] == "bupropion labels, Contraindications; CPS 2023 Table 6"
    assert "Source: bupropion labels, Contraindications; CPS 2023 Table 6." in card["detail"]


def test_a_clinic_sets_the_stay_settings_and_the_cross_taper_window_in_its_config() -> None:
    # The README lists them as `[policy.mapping]` settings; the config refused them (extra
    # fields are forbidden) until they were declared.
    from services.policy import load_policy

    policy = load_policy(
        {
            "mapping": {
                "stay_left_min_days": 3,
                "stay_left_after_days": 10,
                "stay_left_single_after_days": 45,
                "cross_taper_weeks": 2,
            }
        }
    )
    mapping = policy.mapping
    assert (
        mapping.stay_left_min_days,
        mapping.stay_left_after_days,
        mapping.stay_left_single_after_days,
        mapping.cross_taper_weeks,
    ) == (3, 10, 45, 2.0)
