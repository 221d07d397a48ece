"""Review 19 D, wording and claims: a single seizure is not a seizure disorder; a running
sertraline below the STOP-PD target is said.

- D1 (s01*): one convulsion (ICD-10-CM R56.9 "Unspecified convulsions", SNOMED CT 91175000
  "Seizure") read as the epilepsy kind was worded "seizure disorder" on the cards ("a seizure
  disorder dated ... during the course"; "contraindicated in seizure disorders (Unspecified
  convulsions on record)"). The safety effect stays (no TMS referral, bupropion critical at the
  order, the running-drug card, the TMS-course card); the words say what the record shows: "a
  seizure (Unspecified convulsions, R56.9) on record", held as a seizure disorder (the safer
  reading). A code of the disorder itself beside it is named first.
- D5 (r02): psychotic depression on sertraline 50 mg/day beside "olanzapine 15-20 mg/day with
  sertraline 150-200 mg/day (STOP-PD)": the card now says sertraline is below the target.

Charts: tests/services/wording19_charts/ (Epic / US Core shaped requests, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from services.policy import Policy
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
Doc = dict[str, Any]
ICD = "http://hl7.org/fhir/sid/icd-10-cm"
SNOMED = "http://snomed.info/sct"

_chart = chart_files.loader(Path(__file__).parent / "wording19_charts")


def _cards(doc: Doc, as_of: date = AS_OF) -> dict[str, Doc]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=as_of, policy=Policy())
    return {c["source"]["topic"]["code"]: c for c in result.response.to_json()["cards"]}


def _seizure_codings(doc: Doc, codings: list[tuple[str, str, str]]) -> Doc:
    """The chart with its seizure entry coded as `codings` (system, code, display)."""
    for resource in chart_files.prefetch_resources(doc):
        if resource["resourceType"] == "Condition" and resource["code"].get("text") == "Seizure":
            resource["code"]["coding"] = [
                {"system": s, "code": c, "display": d} for s, c, d in codings
            ]
            return doc
    raise AssertionError("no seizure entry")


# --- D1: a single seizure ------------------------------------------------------------------------

SEIZURE = "a seizure (Unspecified convulsions, R56.9) on record"
HELD = "not coded as a seizure disorder: held as one here (the safer reading)"


def test_bupropion_draft_with_one_seizure_stays_critical_and_says_a_seizure() -> None:
    card = _cards(_chart("s01b_single_convulsion_bupropion_draft"))["order-drug-contraindicated"]
    # The safety effect is the code's as before: the label contraindication, critical.
    assert card["indicator"] == "critical"
    assert card["summary"] == f"Bupropion: contraindicated in seizure disorders; {SEIZURE}"
    assert (
        "- Contraindicated in seizure disorders; on record: a seizure (Unspecified convulsions, "
        f"ICD-10-CM R56.9, since 2024-11-20), {HELD}. Source: bupropion labels"
    ) in card["detail"]
    assert "(Unspecified convulsions on record)" not in card["summary"]


def test_one_seizure_still_rules_out_tms_and_bupropion_on_the_optimise_card() -> None:
    found = _cards(_chart("s01_single_convulsion_r56_9_trd"))
    assert "tms-referral" not in found
    detail = found["optimize-switch-augment"]["detail"]
    assert f"bupropion not listed: contraindicated in seizure disorders; {SEIZURE}." in detail
    why = "**Why no TMS referral:** contraindication: Unspecified convulsions (ICD-10-CM R56.9"
    assert why in detail
    assert f"(ICD-10-CM R56.9, 2024-11-20), {HELD}" in detail
    assert "Condition/9e1c562f-c800-575f-b703-152db4184862" not in detail


def test_running_bupropion_with_one_seizure_names_a_seizure() -> None:
    card = _cards(_chart("s01c_single_convulsion_bupropion_running"))["running-drug-caution"]
    assert card["summary"] == (
        # The bupropion order has no fill while the chart's feed carries others (review s23 RR2
        # finding 6); past one fill + supply_gap_days with none it is listed (orders35).
        "Bupropion 150 mg/day listed with a seizure (Unspecified convulsions) on record since "
        "2024-11-20: contraindicated in seizure disorders"
    )
    assert "- **Bupropion with a seizure (Unspecified convulsions):**" in card["detail"]
    assert f"(ICD-10-CM R56.9, since 2024-11-20), {HELD}." in card["detail"]
    assert "Condition/af4d3d9f-76ff-54af-9389-5cc0818ff769" not in card["detail"]


def test_a_seizure_during_a_tms_course_is_not_called_a_seizure_disorder() -> None:
    card = _cards(_chart("s01d_tms_course_single_convulsion_during"))["tms-course"]
    assert card["indicator"] == "warning"
    assert card["summary"] == (
        "TMS course: a seizure dated 2025-06-01 during the course: TMS contraindication; review "
        "before the next session"
    )
    assert (
        "**TMS contraindication dated during the course:** Unspecified convulsions (R56.9, since "
        f"2025-06-01), {HELD}."
    ) in card["detail"]


def test_a_seizure_coded_in_snomed_ct_alone_is_read_as_r56_9_is() -> None:
    doc = _seizure_codings(
        _chart("s01b_single_convulsion_bupropion_draft"), [(SNOMED, "91175000", "Seizure")]
    )
    card = _cards(doc)["order-drug-contraindicated"]
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Bupropion: contraindicated in seizure disorders; a seizure (Seizure, SNOMED CT 91175000) "
        "on record"
    )
    doc = _seizure_codings(
        _chart("s01_single_convulsion_r56_9_trd"), [(SNOMED, "91175000", "Seizure")]
    )
    assert "tms-referral" not in _cards(doc)


def test_a_seizure_disorder_code_beside_the_seizure_is_named_as_the_disorder() -> None:
    epilepsy = (
        ICD,
        "G40.909",
        "Epilepsy, unspecified, not intractable, without status epilepticus",
    )
    doc = _seizure_codings(
        _chart("s01b_single_convulsion_bupropion_draft"),
        [(ICD, "R56.9", "Unspecified convulsions"), epilepsy],
    )
    card = _cards(doc)["order-drug-contraindicated"]
    assert card["summary"] == (
        "Bupropion: contraindicated in seizure disorders (Epilepsy, unspecified, not intractable, "
        "without status epilepticus on record)"
    )
    assert "a seizure" not in card["detail"]


# --- D5: sertraline below the STOP-PD target -----------------------------------------------------

BELOW = (
    "**Sertraline below the STOP-PD target:** sertraline 50 mg/day is below the STOP-PD target "
    "of 150-200 mg/day (Meyers 2009, Arch Gen Psychiatry; Flint 2019, JAMA): raise it by 50 mg "
    "no sooner than weekly (sertraline label, MDD) toward the target, as tolerated."
)


def test_psychotic_depression_on_sertraline_50_says_it_is_below_the_stop_pd_target() -> None:
    detail = _cards(_chart("r02_psychotic_sertraline_50"))["optimize-switch-augment"]["detail"]
    assert "**Regimen with trial evidence:** olanzapine 15-20 mg/day with sertraline" in detail
    assert BELOW in detail
    # Said right after the regimen it is measured against.
    assert detail.index(BELOW) > detail.index("**Regimen with trial evidence:**")


def test_sertraline_at_the_stop_pd_target_gets_no_below_target_line() -> None:
    doc = _chart("r02_psychotic_sertraline_50")
    for resource in chart_files.prefetch_resources(doc):
        concept = resource.get("medicationCodeableConcept")
        if concept is not None:
            concept["coding"][0].update(code="410584", display="sertraline 150 MG Oral Capsule")
            concept["text"] = "sertraline 150 MG Oral Capsule"
    detail = _cards(doc)["optimize-switch-augment"]["detail"]
    assert "**Regimen with trial evidence:**" in detail
    assert "below the STOP-PD target" not in detail


# --- D2: a pacemaker is why the TMS referral waits: the summary names it --------------------------


@pytest.mark.parametrize(
    ("name", "item"),
    [
        ("k02_pacemaker_device_trd", "Implantable cardiac pacemaker"),
        ("k02b_pacemaker_z95_0_trd", "Presence of cardiac pacemaker"),
    ],
)
def test_a_pacemaker_is_named_in_the_tms_referral_summary(name: str, item: str) -> None:
    card = _cards(_chart(name))["tms-referral"]
    summary = card["summary"]
    assert len(summary) <= 140
    assert summary == (
        # The chart's PHQ-9 has no item 9: the referral waits for it (review s24 RA F1), and
        # the payer clause no longer fits in 140 characters (the detail gives it).
        f"2 adequate trials failed; PHQ-9 18: ask item 9 first, then consider TMS referral; "
        f"safety screen first: {item}"
    )
    # The detail and the criteria still give the item with its code, date and resource, next
    # to the line naming the referral that waits for item 9 (review s26 RN finding 6).
    first, second = card["detail"].split("\n\n")[:2]
    assert first.startswith('**Not one click yet:** Refer for TMS evaluation; this card puts "ask')
    assert second.startswith("**TMS safety screen required:** ")


def test_a_chart_with_no_safety_item_keeps_its_summary() -> None:
    doc = _chart("k02_pacemaker_device_trd")
    doc["prefetch"]["devices"] = {"resourceType": "Bundle", "type": "searchset", "total": 0}
    summary = _cards(doc)["tms-referral"]["summary"]
    assert summary == (
        "2 adequate trials failed; PHQ-9 18: ask item 9 first, then consider TMS referral; "
        "payer criteria not yet met (clinic default rule set)"  # review 19 I8: the clinic's set
    )
