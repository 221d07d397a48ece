"""Review 10 leftovers (findings 4, 9 and 15), on charts as a US EHR sends them.

- 4: mania recorded only as a reaction to an antidepressant (AllergyIntolerance, AdverseEvent) is
  named as such ("mania on an antidepressant on record", each reaction "on" its day, every one of
  them), never as a bipolar diagnosis the chart does not hold; the order hooks' bipolar check the
  same; and the referral packet of such a chart (or of a bipolar one) never says "All 7 criteria of
  Medicare LCD L37086 are met" without first saying what blocks TMS.
- 9: when the failed trials would give a TMS card and the only blocker is that no depression
  diagnosis was read, the optimise card says so in one line, naming the Conditions left unread
  when there are any.
- 15: PHQ-9 15-19 (Kroenke's "moderately severe") stages as Maudsley "moderate", never "severe
  without psychosis" beside the card's own "moderately severe".

Resources come from tests/fixtures/builders.py (US Core shapes, RxNorm clinical drugs, ICD-10-CM
problem-list Conditions, PHQ-9 Observations, CPT psychotherapy), each validated with fhir.resources
R4B.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services import order_hooks
from services.order_hooks import order_hook
from services.packet import render_packet
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import diagnosis_review, optimize_switch_augment, tms_referral
from tests.fixtures import builders as fb
from tests.fixtures.renewals import renewed

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
P = "pt-dx-left"
Resource = dict[str, Any]

ESCITALOPRAM_10 = ("349332", "escitalopram 10 MG Oral Tablet")
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
BUPROPION_150 = ("993541", "24 HR bupropion hydrochloride 150 MG Extended Release Oral Tablet")
MANIA = ("231494001", "Mania")
NAUSEA = ("422587007", "Nausea")
F33_2 = ("F33.2", "Major depressive disorder, recurrent severe without psychotic features")
F33_1 = ("F33.1", "Major depressive disorder, recurrent, moderate")
F31_81 = ("F31.81", "Bipolar II disorder")


def allergy(aid: str, rxcui: str, name: str, recorded: date, reaction: tuple[str, str]) -> Resource:
    """A US Core AllergyIntolerance (type intolerance), the reaction coded in SNOMED CT, dated by
    recordedDate only (as review 10's chart P5)."""
    code, display = reaction
    clinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
    verification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
    return {
        "resourceType": "AllergyIntolerance",
        "id": aid,
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-allergyintolerance"
            ]
        },
        "clinicalStatus": {"coding": [{"system": clinical, "code": "active"}]},
        "verificationStatus": {"coding": [{"system": verification, "code": "confirmed"}]},
        "type": "intolerance",
        "category": ["medication"],
        "code": {"coding": [{"system": fb.RXNORM, "code": rxcui, "display": name}], "text": name},
        "patient": {"reference": f"Patient/{P}"},
        "recordedDate": fb.fhir_date(recorded),
        "reaction": [
            {
                "manifestation": [
                    {"coding": [{"system": fb.SNOMED, "code": code, "display": display}]}
                ]
            }
        ],
    }


def hypomania_event() -> Resource:
    """An R4 AdverseEvent: hypomania typed in, the suspect the escitalopram order."""
    return {
        "resourceType": "AdverseEvent",
        "id": "ae-hypo",
        "actuality": "actual",
        "event": {"text": "Hypomania"},
        "subject": {"reference": f"Patient/{P}"},
        "date": fb.fhir_datetime(date(2024, 9, 16)),
        "suspectEntity": [{"instance": {"reference": "MedicationRequest/mr-esc"}}],
    }


def order(
    drug: tuple[str, str], start: date, *, rid: str, tablets: float, stopped: date | None = None
) -> Resource:
    return fb.medication_request(
        drug[0],
        drug[1],
        start,
        dose_value=tablets,
        frequency=1,
        status="stopped" if stopped else "active",
        bounds_end=stopped,
        expected_supply_days=30,
        repeats=5,
        patient=P,
        id=rid,
    )


def chart(
    *extra: Resource,
    diagnosis: tuple[str, str] | None = F33_2,
    diagnosis_patient: str = P,
    scores: tuple[int, int, int, int] = (23, 21, 22, 21),
    drafts: tuple[Resource, ...] = (),
    unavailable: dict[str, str] | None = None,
) -> PatientRecord:
    """Review 10's P5 base: escitalopram 20 mg June to September 2024, then venlafaxine XR 150 mg
    running since, PHQ-9 at each step, eight psychotherapy sessions; `diagnosis` on the problem
    list (of `diagnosis_patient`), `extra` resources beside them."""
    resources: list[Resource] = [
        fb.patient(
            id=P, given="Robin", family="Hale", gender="female", birth_date=date(1975, 2, 3)
        ),
        order(
            ESCITALOPRAM_10, date(2024, 6, 3), rid="mr-esc", tablets=2, stopped=date(2024, 9, 30)
        ),
        # Running since, renewed when its six months ran out, as Epic writes a drug still
        # taken (tests/fixtures/renewals.py, orders33).
        *renewed(order(VENLAFAXINE_75, date(2024, 9, 30), rid="mr-venla", tablets=2), AS_OF, 180),
        *extra,
    ]
    if diagnosis is not None:
        resources.append(
            fb.condition(
                fb.ICD10CM,
                diagnosis[0],
                diagnosis[1],
                date(2024, 5, 20),
                category="problem-list-item",
                patient=diagnosis_patient,
                id="cond-mdd",
            )
        )
    days = (date(2024, 6, 3), date(2024, 9, 30), date(2025, 1, 27), date(2025, 5, 19))
    for day, total in zip(days, scores, strict=True):
        resources += fb.phq9(day, total, item9=0, patient=P)
    for week in range(8):
        resources.append(
            fb.procedure(
                "http://www.ama-assn.org/go/cpt",
                "90834",
                "Psychotherapy, 45 minutes with patient",
                date(2024, 6, 10) + timedelta(weeks=2 * week),
                patient=P,
                id=f"proc-psy-{week}",
            )
        )
    for resource in [*resources, *drafts]:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    return build_record(
        resources, as_of=AS_OF, patient_id=P, draft_orders=drafts, unavailable=unavailable
    )


def manias() -> tuple[Resource, Resource]:
    """Citalopram (2019) and sertraline (2021), each with a manic reaction."""
    return (
        allergy("ai-cit", "2556", "citalopram", date(2019, 3, 1), MANIA),
        allergy("ai-sert", "36437", "sertraline", date(2021, 6, 1), MANIA),
    )


def cards(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, Policy())}


def bupropion_draft() -> Resource:
    return fb.medication_request(
        BUPROPION_150[0],
        BUPROPION_150[1],
        AS_OF,
        status="draft",
        expected_supply_days=30,
        patient=P,
        id="draft-bup",
    )


def packet_text(record: PatientRecord) -> str:
    page = render_packet(record, Policy())
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def verdict_classes(record: PatientRecord) -> list[str]:
    return re.findall(r'<p class="(verdict[^"]*)"', render_packet(record, Policy()))


# --- finding 4: mania recorded as a reaction -------------------------------------------------


def test_two_manias_on_antidepressants_are_named_as_such_each_on_its_day() -> None:
    card = cards(chart(*manias()))[diagnosis_review.TOPIC]
    assert card.summary == (
        "Confirm the diagnosis before escalating: mania on an antidepressant on record, "
        "venlafaxine without a mood stabiliser; no TSH in 365 days"
    )
    assert "bipolar disorder on record" not in card.summary
    assert (
        "**Mania on an antidepressant on record:** Mania on citalopram, recorded as a reaction "
        "(SNOMED CT 231494001, on 2019-03-01); Mania on sertraline, recorded as a "
        "reaction (SNOMED CT 231494001, on 2021-06-01). Assess for missed bipolar "
        "disorder with psychiatry (CANMAT 2023 para 184)" in card.detail
    )
    assert "since 2019" not in card.detail
    assert "Venlafaxine is running with no mood stabiliser" in card.detail


def test_hypomania_as_an_adverse_event_is_mania_on_an_antidepressant() -> None:
    card = cards(chart(hypomania_event()))[diagnosis_review.TOPIC]
    # Named as recorded: hypomania, not mania (review 10 recheck R8).
    assert card.summary.startswith(
        "Confirm the diagnosis before escalating: hypomania on an antidepressant,"
    )
    assert (
        "Hypomania on escitalopram, recorded as an adverse event (typed in, on 2024-09-16)"
        in card.detail
    )


def test_a_bipolar_diagnosis_is_still_called_one_and_the_reactions_are_named_beside_it() -> None:
    bipolar = fb.condition(
        fb.ICD10CM, *F31_81, date(2015, 1, 1), category="problem-list-item", patient=P, id="c-bp"
    )
    card = cards(chart(bipolar, *manias()))[diagnosis_review.TOPIC]
    assert card.summary.startswith(
        "Confirm the diagnosis before escalating: bipolar disorder on record, venlafaxine"
    )
    assert (
        "**Bipolar disorder or mania on record:** Bipolar II disorder (ICD-10-CM F31.81, since 2015-01-01); Mania on citalopram, recorded as a reaction "
        "(SNOMED CT 231494001, on 2019-03-01); Mania on sertraline" in card.detail
    )


def test_the_order_check_names_mania_on_an_antidepressant_and_every_reaction() -> None:
    recs = order_hook(chart(*manias(), drafts=(bupropion_draft(),)), Policy(), hook="order-select")
    (check,) = [r for r in recs if r.topic == order_hooks.BIPOLAR]
    assert check.summary == (
        "Bupropion ordered with mania on an antidepressant on record and no mood stabiliser: "
        "risk of a switch to mania"
    )
    assert len(check.summary) <= 140
    assert check.detail.startswith(
        "Mania on an antidepressant on record: Mania on citalopram, recorded as a reaction "
        "(SNOMED CT 231494001, on 2019-03-01); Mania on sertraline, recorded as a "
        "reaction (SNOMED CT 231494001, on 2021-06-01)."
    )


# --- finding 4, the packet: no "all criteria met" without the blocker ------------------------


def test_packet_says_what_blocks_tms_before_the_payer_verdict() -> None:
    text = packet_text(chart(*manias()))
    assert "All 7 criteria of Medicare LCD L37086 are met" not in text
    assert (
        "The pathway does not suggest TMS: mania on an antidepressant on record (Mania on "
        "citalopram, recorded as a reaction; Mania on sertraline, recorded as a reaction). The "
        "payer's criteria alone: all 7 criteria of the clinic default rule set, from Medicare "
        "LCD L37086, are met" in text
    )
    assert (
        "Mania on an antidepressant (no bipolar diagnosis on record; the unipolar TRD pathway "
        "does not apply until psychiatry has assessed it): Mania on citalopram, recorded as a "
        "reaction (SNOMED CT 231494001, on 1 Mar 2019" in text
    )
    assert verdict_classes(chart(*manias())) == ["verdict alert"]


def test_packet_of_a_bipolar_chart_says_the_blocker_too() -> None:
    # Review 10's P4: MDD on the problem list, and bipolar II beside it.
    bipolar = fb.condition(
        fb.ICD10CM, *F31_81, date(2015, 1, 1), category="problem-list-item", patient=P, id="c-bp"
    )
    text = packet_text(chart(bipolar))
    assert "All 7 criteria" not in text
    assert (
        "The pathway does not suggest TMS: bipolar disorder on record (Bipolar II disorder). "
        "The payer's criteria alone: all 7 criteria" in text
    )


def test_control_packet_of_an_eligible_chart_says_all_criteria_met() -> None:
    record = chart(
        allergy("ai-cit", "2556", "citalopram", date(2019, 3, 1), NAUSEA),
        allergy("ai-sert", "36437", "sertraline", date(2021, 6, 1), NAUSEA),
    )
    assert tms_referral.TOPIC in cards(record)
    text = packet_text(record)
    # Named as the card names the set (review s20 item 4).
    assert (
        "All 7 criteria of the clinic default rule set, from Medicare LCD L37086, are met" in text
    )
    assert "The pathway does not suggest TMS" not in text
    assert verdict_classes(record) == ["verdict met"]


# --- finding 9: no depression diagnosis read --------------------------------------------------


def test_no_diagnosis_on_the_problem_list_is_said_on_the_optimise_card() -> None:
    recs = cards(chart(diagnosis=None))
    assert tms_referral.TOPIC not in recs
    detail = recs[optimize_switch_augment.TOPIC].detail
    assert (
        "**No TMS card:** no depression diagnosis on the problem list; a TMS referral cites one "
        "(LCD L37086): record it if this is depression." in detail
    )
    assert "could be read" not in detail


def test_a_condition_left_unread_is_named_in_the_line() -> None:
    # The problem-list entry names another patient (a merged or misfiled record): left out.
    recs = cards(chart(diagnosis_patient="someone-else"))
    assert tms_referral.TOPIC not in recs
    detail = recs[optimize_switch_augment.TOPIC].detail
    assert (
        "**No TMS card:** no depression diagnosis could be read; 1 diagnosis of another patient "
        "excluded: Condition/cond-mdd. Check the problem list" in detail
    )


def test_conditions_not_available_are_named_in_the_line() -> None:
    reason = "prefetch key 'conditions' was not sent and the FHIR server could not be asked"
    recs = cards(chart(diagnosis=None, unavailable={"Condition": reason}))
    detail = recs[optimize_switch_augment.TOPIC].detail
    assert (
        f"**No TMS card:** no depression diagnosis could be read; Conditions not (fully) "
        f"available: Condition: {reason}." in detail
    )


def test_no_line_when_another_blocker_stands_too() -> None:
    # A cochlear implant rules TMS out too: the card's usual "why no TMS" names it instead.
    implant = fb.condition(
        fb.ICD10CM,
        "Z96.21",
        "Cochlear implant status",
        date(2020, 1, 6),
        category="problem-list-item",
        patient=P,
        id="c-ci",
    )
    detail = cards(chart(implant, diagnosis=None))[optimize_switch_augment.TOPIC].detail
    assert "**No TMS card:**" not in detail
    assert "**Why no TMS referral:** contraindication: Cochlear implant status" in detail


# --- finding 15: Maudsley severity by the PHQ-9 band -----------------------------------------


def _all_details(record: PatientRecord) -> str:
    return "\n".join(r.detail for r in cards(record).values())


def test_moderately_severe_phq9_stages_moderate() -> None:
    # Review 10's P2: F33.1, PHQ-9 18 -> 16; the same screen says "moderately severe".
    detail = _all_details(chart(diagnosis=F33_1, scores=(18, 18, 17, 16)))
    assert "PHQ-9 16 on 2025-05-19 (moderately severe, Kroenke 2001)" in detail
    assert "Severity 3 (moderate)" in detail
    assert "severe without psychosis" not in detail


def test_severe_phq9_stages_severe_without_psychosis() -> None:
    assert "Severity 4 (severe without psychosis)" in _all_details(chart())
