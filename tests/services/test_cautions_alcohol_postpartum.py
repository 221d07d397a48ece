"""Review 10 R10 and R13: three cautions said where they were missing or misfiled.

- R10: duloxetine running beside heavy alcohol use (an AUDIT-C at or above the clinic's cut-off,
  here summed from the panel's items, or an alcohol use disorder) gets the running-drug warning
  duloxetine beside cirrhosis gets: the Cymbalta label (5.2) names "substantial alcohol use" and
  "chronic liver disease" in one sentence. Before, it was an information line inside the TSH
  card. The order hook names the score and its date in its summary too.
- R13 sodium: a sodium below 130 mmol/L on sertraline in March, 137 now, is named on the switch
  list that proposes SNRIs (before, nothing said it once the sodium was back).
- R13 pregnancy: a Pregnancy Status with an EDD that passed seven weeks ago no longer drops every
  caveat in silence: the cards say the EDD passed, that no delivery is read, and to check
  breastfeeding before choosing a drug (NICE CG192: the postnatal year).

Charts are US Core shaped (tests/fixtures/builders.py; the AUDIT-C panel as
tests/services/test_audit_c_cards.py writes it, the EDD as the IPS writes it), mapped by
build_record with the real drug table; every resource validates against fhir.resources R4B.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from fhir_mapping import pregnancy
from fhir_mapping.build import build_record
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import FindingKind, PatientRecord
from services.order_hooks import order_hook
from services.policy import Policy
from services.recommendation import Indicator
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.fixtures.renewals import renewed
from tests.services import test_audit_c_cards as auditc
from tests.services.helpers import screen_by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = auditc.PATIENT  # the AUDIT-C panel builder's subject
Resource = dict[str, Any]
CAUTION, DIAGNOSIS, OPTIMISE = "running-drug-caution", "diagnosis-review", "optimize-switch-augment"
DULOXETINE_60 = ("596934", "duloxetine 60 MG Delayed Release Oral Capsule")
ESCITALOPRAM_20 = ("351250", "escitalopram 20 MG Oral Tablet")
LABEL = "ordinarily not prescribed with substantial alcohol use (hepatotoxicity)"


def _chart(
    *items: Resource | list[Resource],
    drafts: tuple[Resource, ...] = (),
    policy: MappingPolicy | None = None,
) -> PatientRecord:
    """A woman of 34 with F33.2 since 2024-06-03; sertraline 150 mg/day failed (2024-06-03 to
    2024-10-01); PHQ-9 22, 21, 21 (2025-05-20): an optimise card with a switch list."""
    extra = [r for item in items for r in (item if isinstance(item, list) else [item])]
    resources = [
        b.patient(
            id=PATIENT, given="Ana", family="Ruiz", gender="female", birth_date=date(1990, 8, 14)
        ),
        b.condition(
            b.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 6, 3),
            category="problem-list-item",
            patient=PATIENT,
            id="mdd",
        ),
        b.medication_statement(
            "36437",
            "sertraline 100 MG Oral Tablet",
            date(2024, 6, 3),
            date(2024, 10, 1),
            status="completed",
            dose_value=150,
            dose_unit="mg",
            patient=PATIENT,
            id="ser",
        ),
        *b.phq9(date(2024, 6, 3), 22, patient=PATIENT),
        *b.phq9(date(2024, 10, 1), 21, patient=PATIENT),
        # Item 9 answered: a total only would hold the one-clicks (review 19 item 5).
        *b.phq9(date(2025, 5, 20), 21, 0, patient=PATIENT),
        *extra,
    ]
    assert_valid([*resources, *drafts])
    return build_record(
        resources, as_of=AS_OF, patient_id=PATIENT, draft_orders=drafts, policy=policy
    )


def _running(drug: tuple[str, str], start: date, rid: str) -> list[Resource]:
    """A community order, one a day, 30 days with 11 refills, and its yearly renewals up to
    AS_OF (tests/fixtures/renewals.py, orders33): running on AS_OF."""
    order = b.medication_request(
        *drug,
        start,
        dose_value=1,
        frequency=1,
        expected_supply_days=30,
        repeats=11,
        patient=PATIENT,
        id=rid,
    )
    return renewed(order, AS_OF)


_cards = screen_by_topic


def _problem(code: str, display: str, onset: date, rid: str) -> Resource:
    return b.condition(
        b.ICD10CM, code, display, onset, category="problem-list-item", patient=PATIENT, id=rid
    )


# --- R10: duloxetine with heavy alcohol use is the running-drug warning -----------------------


def test_duloxetine_running_with_audit_c_items_of_10_gets_the_cirrhosis_warning() -> None:
    dul = _running(DULOXETINE_60, date(2024, 10, 7), "mr-dul")
    cards = _cards(_chart(dul, auditc._panel((4, 4, 2))))
    card = cards[CAUTION]
    assert card.indicator is Indicator.WARNING
    # The score once, the drug to review and the drinking to address as two lines of one card
    # (review s24 RN finding 7: the diagnosis review said the same screen on a card of its own);
    # how the total was got is left to the detail.
    assert card.summary == (
        "AUDIT-C 10, no alcohol use disorder coded: review whether duloxetine continues "
        "(hepatotoxicity); address drinking alongside escalation"
    )
    assert "AUDIT-C 10 on 2025-05-19, computed from items: a screen at or above" in card.detail
    assert "(Cymbalta label 5.2): review whether it should continue" in card.detail
    assert "- **Alongside escalation:** Alcohol use is associated with poor response" in (
        card.detail
    )
    # The diagnosis review keeps its other line (no TSH), not the drinking.
    assert "AUDIT-C" not in cards[DIAGNOSIS].summary + cards[DIAGNOSIS].detail
    # The liver caution is said once. The optimise card's bupropion caveat names the score as
    # its own basis (review 14 M3), a line of its own; its held summary names it as the reason
    # (review s24 RN finding 7: "held: a condition on record weighs against it" named none).
    assert cards[OPTIMISE].summary.endswith(
        ": switch class; review duloxetine with AUDIT-C 10 on 2025-05-19 before augmenting"
    )
    others = "\n".join(c.detail for t, c in cards.items() if t != CAUTION)
    assert all(
        "AUDIT-C 10" not in line
        # The caveats that name the screen: bupropion's, and esketamine's and IV ketamine's abuse
        # and misuse caveat (review K35c finding 2).
        or line.startswith(
            (
                "**Bupropion, if considered:**",
                "**Esketamine, if considered:**",
                "**Ketamine, if considered:**",
            )
        )
        for line in others.splitlines()
    )
    # The same card, and the same indicator, as duloxetine with cirrhosis.
    cirrhosis = _problem("K74.60", "Unspecified cirrhosis of liver", date(2023, 3, 1), "cir")
    liver = _cards(_chart(dul, cirrhosis))[CAUTION]
    assert liver.indicator is card.indicator
    assert liver.summary.startswith("Duloxetine 60 mg/day with Unspecified cirrhosis of liver")


def test_a_coded_alcohol_use_disorder_moves_the_drug_to_the_warning_too() -> None:
    dul = _running(DULOXETINE_60, date(2024, 10, 7), "mr-dul")
    aud = _problem("F10.20", "Alcohol dependence, uncomplicated", date(2024, 11, 1), "aud")
    cards = _cards(_chart(dul, aud))
    card = cards[CAUTION]
    assert card.indicator is Indicator.WARNING
    # One alcohol card (review s24 RN finding 7): the disorder once, named as alcohol (review 14
    # audit s01), the drug's liver caution and the substance use itself (reviewed alongside
    # escalation) as its two lines; the diagnosis review keeps only its other line (no TSH).
    assert card.summary.startswith(
        "Alcohol dependence, uncomplicated (F10.20): review whether duloxetine continues"
    )
    assert "alongside escalation" in card.summary
    assert f"{LABEL[:1].upper()}{LABEL[1:]} (Cymbalta label 5.2)" in card.detail
    assert "- **Alongside escalation:** Substance use disorders are associated" in card.detail
    review = cards[DIAGNOSIS]
    assert "lcohol" not in review.summary + review.detail


def test_below_the_cut_off_no_warning() -> None:
    dul = _running(DULOXETINE_60, date(2024, 10, 7), "mr-dul")
    cards = _cards(_chart(dul, auditc._panel((1, 1, 2))))  # AUDIT-C 4
    assert CAUTION not in cards


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_a_duloxetine_order_beside_audit_c_items_names_the_score_in_its_summary(hook: str) -> None:
    draft = b.medication_request(
        *DULOXETINE_60,
        AS_OF,
        dose_value=1,
        status="draft",
        expected_supply_days=30,
        patient=PATIENT,
        id="draft-dul",
    )
    record = _chart(auditc._panel((4, 4, 2)), drafts=(draft,))
    found = {r.topic: r for r in order_hook(record, Policy(), hook=hook)}
    card = found["order-drug-contraindicated"]
    assert card.indicator is Indicator.WARNING
    assert card.summary == f"Duloxetine: {LABEL} (AUDIT-C 10 on 2025-05-19; Cymbalta label 5.2)"
    assert "AUDIT-C 10 on 2025-05-19, computed from items" in card.detail


# --- R13: a recent low sodium since normalised, where SSRIs and SNRIs are proposed -----------


def _sodium(value: float, day: date) -> Resource:
    return b.lab(
        "2951-2",
        value,
        "mmol/L",
        day,
        "L" if value < 135 else "N",
        (135, 145),
        patient=PATIENT,
        display="Sodium [Moles/volume] in Serum or Plasma",
    )


RECOVERED = (
    "Sodium 127 mmol/L on 2025-03-10 on escitalopram (below 130 mmol/L), back to 137 mmol/L "
    "on 2025-05-20: SSRIs and SNRIs can lower it again."
)


def test_the_switch_list_names_a_recent_low_sodium_since_normal() -> None:
    esc = _running(ESCITALOPRAM_20, date(2024, 10, 7), "mr-esc")
    cards = _cards(_chart(esc, _sodium(127, date(2025, 3, 10)), _sodium(137, date(2025, 5, 20))))
    switch = cards[OPTIMISE].detail.split("**Switch:**")[1].split("\n\n")[0]
    assert "SNRI: venlafaxine" in switch
    assert RECOVERED in switch
    # No low-sodium card: the latest sodium is normal.
    assert "running-drug-low-sodium" not in cards


def test_no_recovered_line_without_a_recent_low_or_while_it_is_still_low() -> None:
    esc = _running(ESCITALOPRAM_20, date(2023, 10, 2), "mr-esc")
    old = _cards(_chart(esc, _sodium(127, date(2024, 3, 11)), _sodium(137, date(2025, 5, 20))))
    assert "back to" not in old[OPTIMISE].detail  # the low one is over a year old
    normal = _cards(_chart(esc, _sodium(138, date(2025, 3, 10)), _sodium(137, date(2025, 5, 20))))
    assert "Sodium 1" not in normal[OPTIMISE].detail
    low = _cards(_chart(esc, _sodium(137, date(2025, 3, 10)), _sodium(127, date(2025, 5, 20))))
    assert "back to" not in low[OPTIMISE].detail  # still low: the existing line says it
    assert "Sodium 127 mmol/L on 2025-05-20, below 130 mmol/L" in low[OPTIMISE].detail


# --- R13: an EDD that has passed is not silence -------------------------------------------------


def _pregnant(day: date) -> Resource:
    """A US Core Pregnancy Status Observation, Pregnant (SNOMED 77386006)."""
    return {
        "resourceType": "Observation",
        "id": f"preg-{day.isoformat()}",
        "meta": {
            "profile": [
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-observation-pregnancystatus"
            ]
        },
        "status": "final",
        "category": [
            {
                "coding": [
                    b.coding(
                        "http://terminology.hl7.org/CodeSystem/observation-category",
                        "social-history",
                        "Social History",
                    )
                ]
            }
        ],
        "code": b.concept(b.LOINC, "82810-3", "Pregnancy status"),
        "subject": b.reference("Patient", PATIENT),
        "effectiveDateTime": b.fhir_datetime(day),
        "valueCodeableConcept": b.concept(b.SNOMED, "77386006", "Pregnant"),
    }


def _not_pregnant(day: date) -> Resource:
    found = _pregnant(day)
    found["id"] = f"notpreg-{day.isoformat()}"
    found["valueCodeableConcept"] = b.concept(b.SNOMED, "60001007", "Not pregnant")
    return found


def _edd(recorded: date, due: str) -> Resource:
    """The estimated delivery date as its own Observation (IPS Observation-pregnancy-edd)."""
    return {
        "resourceType": "Observation",
        "id": f"edd-{recorded.isoformat()}",
        "status": "final",
        "code": b.concept(b.LOINC, "11778-8", "Delivery date Estimated"),
        "subject": b.reference("Patient", PATIENT),
        "effectiveDateTime": recorded.isoformat(),
        "valueDateTime": due,
    }


PASSED = (
    "**Estimated delivery date passed:** 2025-04-10 (7 weeks ago); no delivery is read from the "
    "record. Probably postpartum: check breastfeeding before choosing a drug, with perinatal "
    "psychiatry input."
)


def test_a_passed_edd_says_probably_postpartum_not_silence() -> None:
    record = _chart(_pregnant(date(2024, 10, 1)), _edd(date(2024, 10, 1), "2025-04-10"))
    (found,) = record.context.of(FindingKind.POSTPARTUM)
    assert pregnancy.edd_passed(found)
    assert found.display == "Estimated delivery date 2025-04-10 passed"
    assert record.context.of(FindingKind.PREGNANCY) == ()
    detail = _cards(record)[OPTIMISE].detail
    assert PASSED in detail
    # Never a delivery, nor a pregnancy, the record does not show.
    assert "Pregnancy on record" not in detail
    assert "Postpartum onset on record" not in detail


def test_the_postnatal_window_is_clinic_policy_and_ends() -> None:
    status, edd = _pregnant(date(2024, 10, 1)), _edd(date(2024, 10, 1), "2025-04-10")
    off = _chart(status, edd, policy=replace(MappingPolicy(), postpartum_after_edd_days=0))
    assert off.context.of(FindingKind.POSTPARTUM) == ()
    assert "Estimated delivery date passed" not in _cards(off)[OPTIMISE].detail
    # An EDD more than a year ago (the default window): nothing.
    old = _chart(_pregnant(date(2023, 10, 2)), _edd(date(2023, 10, 2), "2024-05-20"))
    assert old.context.of(FindingKind.POSTPARTUM) == ()
    # Within the 14 days past the EDD she may still be pregnant: the pregnancy caveats, not this.
    due = _cards(_chart(_pregnant(date(2024, 11, 4)), _edd(date(2024, 11, 4), "2025-05-25")))
    assert "**Pregnancy on record:**" in due[OPTIMISE].detail
    assert "Estimated delivery date passed" not in due[OPTIMISE].detail


def test_a_signed_off_not_pregnant_leaves_no_postpartum_line() -> None:
    record = _chart(
        _pregnant(date(2024, 10, 1)),
        _edd(date(2024, 10, 1), "2025-04-10"),
        _not_pregnant(date(2025, 1, 6)),
    )
    assert record.context.of(FindingKind.POSTPARTUM) == ()


def test_a_coded_postpartum_onset_is_named_beside_the_passed_edd() -> None:
    f53 = _problem("F53.0", "Postpartum depression", date(2025, 5, 5), "ppd")
    record = _chart(_pregnant(date(2024, 10, 1)), _edd(date(2024, 10, 1), "2025-04-10"), f53)
    detail = _cards(record)[OPTIMISE].detail
    assert PASSED in detail
    # F53.0 is a postpartum depression: named once, with zuranolone (review 11 recheck finding
    # 10 merged the "Postpartum onset on record" paragraph into it).
    assert ("**Postpartum depression on record** (ICD-10-CM F53.0 since 2025-05-05)") in detail
    assert detail.count("F53.0") == 1
