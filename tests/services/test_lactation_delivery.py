"""Review 11 findings 5, 10 and 11c: a recorded delivery and breastfeeding are read.

- 11c: a delivery (a Procedure "Delivery procedure", SNOMED 236973005; O80; Z37.x; Z39.0/Z39.2)
  ends a pregnancy coded before it: an O09.523 "third trimester" left active for 11 months after
  the birth is no longer read as a current pregnancy (it kept every pregnancy caveat and made the
  antipsychotic adjuncts text only); the cards say "Delivered on D" and the postnatal year.
- 5: breastfeeding on record (a Breastfeeding status Observation, LOINC 63895-7, as US vendors and
  the ISiK/IPS-style profiles write it; ICD-10-CM Z39.1) is named with its date, the lactation
  caveats (lithium, esketamine, zuranolone: services/data/condition_drug_rules.csv) sit beside it,
  and a lithium order for a breastfeeding mother gets a card. Never claimed when not recorded: a
  later "Not currently breastfeeding" ends it (and is named: review 11 recheck finding 10), and
  a delivery alone asks to check breastfeeding.
- 10: a coded postpartum depression (F53.0) names zuranolone 50 mg/day for 14 days (FDA: PPD) as a
  text option; puerperal psychosis (F53.1) never does.

Charts: tests/services/test_cautions_alcohol_postpartum.py's (a woman of 34, F33.2, sertraline
150 mg/day failed, PHQ-9 21 on 2025-05-20: an optimise card with a switch and augment list), US
Core shaped; every resource validates against fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping import pregnancy
from fhir_mapping.record import FindingKind
from services.order_hooks import order_hook
from services.policy import Policy
from services.recommendation import Indicator
from tests.fixtures import builders as b
from tests.services import test_cautions_alcohol_postpartum as base
from tests.services.helpers import screen_by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = base.AS_OF  # 2025-06-02
PATIENT = base.PATIENT
Resource = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
# Every card this module checks is a label warning or caveat: order-drug-caution.
CONTRAINDICATED = "order-drug-caution"
V2_0136 = "http://terminology.hl7.org/CodeSystem/v2-0136"


_cards = screen_by_topic


def _delivery(day: date, code: str = "236973005", display: str = "Delivery procedure") -> Resource:
    return b.procedure(b.SNOMED, code, display, day, patient=PATIENT, id=f"del-{day.isoformat()}")


def _encounter_diagnosis(code: str, display: str, day: date, rid: str) -> Resource:
    return b.condition(
        b.ICD10CM, code, display, day, category="encounter-diagnosis", patient=PATIENT, id=rid
    )


def _third_trimester(onset: date, rid: str = "o09") -> Resource:
    return _encounter_diagnosis(
        "O09.523", "Supervision of elderly multigravida, third trimester", onset, rid
    )


def _feeding(
    day: date,
    value: dict[str, Any] | None,
    *,
    rid: str | None = None,
) -> Resource:
    """A Breastfeeding status Observation (LOINC 63895-7), social history, as the review's charts
    and the ISiK Stillstatus profile write it; `value` the value[x] element(s)."""
    body: Resource = {
        "resourceType": "Observation",
        "id": rid or f"bf-{day.isoformat()}",
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
        "code": b.concept(b.LOINC, "63895-7", "Breastfeeding status"),
        "subject": b.reference("Patient", PATIENT),
        "effectiveDateTime": b.fhir_datetime(day),
    }
    body.update(value or {})
    return body


def _exclusively(day: date) -> Resource:
    concept = b.concept(b.SNOMED, "169741004", "Breast fed")
    concept["text"] = "Exclusively breastfeeding"
    return _feeding(day, {"valueCodeableConcept": concept})


def _loinc_answer(day: date, code: str, display: str) -> Resource:
    return _feeding(
        day, {"valueCodeableConcept": b.concept(b.LOINC, code, display)}, rid=f"bf-{code}"
    )


# --- 11c: a delivery ends a stale pregnancy code ----------------------------------------------


def test_a_delivery_procedure_ends_a_third_trimester_code_left_active() -> None:
    # Coded within the pregnancy window (42 weeks) of as-of, with no delivery: current.
    recent = base._chart(_third_trimester(date(2025, 3, 1)))
    before = _cards(recent)[OPTIMISE]
    assert "**Pregnancy on record:** Supervision of elderly multigravida" in before.detail
    # The pregnancy row made the antipsychotic adjuncts text only (no one-click order).
    assert not [s for s in before.suggestions if "aripiprazole" in s.label]
    # Left active 11 months with no delivery recorded: past the window since review s21 RD
    # finding 5 (no pregnancy lasts 42 weeks past its dating), named for confirmation only.
    stale = _cards(base._chart(_third_trimester(date(2024, 7, 1))))[OPTIMISE]
    assert "Pregnancy on record" not in stale.detail
    assert (
        "**Pregnancy coded on 2024-07-01:** Supervision of elderly multigravida, third "
        "trimester (ICD-10-CM O09.523); no pregnancy lasts more than 42 weeks and nothing "
        "newer records one, so it is not read as current: confirm she is not pregnant"
    ) in stale.detail

    delivered = _cards(
        base._chart(_third_trimester(date(2024, 7, 1)), _delivery(date(2024, 10, 20)))
    )
    card = delivered[OPTIMISE]
    assert "Pregnancy on record" not in card.detail
    assert (
        "**Delivered on 2024-10-20** (Delivery procedure, SNOMED CT 236973005): "
        "postnatal year to 2025-10-20. The pregnancy coded before it (Supervision of elderly "
        "multigravida, third trimester, ICD-10-CM O09.523 since "
        "2024-07-01) is read as ended. Check breastfeeding before choosing a drug"
    ) in card.detail
    assert [s for s in card.suggestions if "aripiprazole" in s.label]
    # Nothing claims breastfeeding: it is not recorded.
    assert "Breastfeeding on record" not in card.detail
    assert "while breastfeeding" not in card.detail


def test_a_pregnancy_coded_after_the_delivery_is_a_new_one_and_stays() -> None:
    record = base._chart(
        _delivery(date(2024, 8, 5)),
        _encounter_diagnosis(
            "Z34.80",
            "Encounter for supervision of other normal pregnancy, unspecified trimester",
            date(2025, 4, 7),
            "z34",
        ),
    )
    detail = _cards(record)[OPTIMISE].detail
    assert "**Pregnancy on record:** Encounter for supervision of other normal pregnancy" in detail
    assert "**Delivered on 2024-08-05**" in detail
    assert "read as ended" not in detail
    # A birth over a postnatal year before as-of is not named.
    old = _cards(base._chart(_delivery(date(2024, 3, 4))))[OPTIMISE].detail
    assert "Delivered on" not in old


def test_an_o80_encounter_diagnosis_is_the_delivery_date_not_the_later_postnatal_visit() -> None:
    record = base._chart(
        _encounter_diagnosis(
            "O80", "Encounter for full-term uncomplicated delivery", date(2025, 3, 10), "o80"
        ),
        _encounter_diagnosis(
            "Z39.2", "Encounter for routine postpartum follow-up", date(2025, 4, 21), "z392"
        ),
    )
    detail = _cards(record)[OPTIMISE].detail
    assert (
        "**Delivered on 2025-03-10** (Encounter for full-term uncomplicated delivery, "
        "ICD-10-CM O80): postnatal year to 2026-03-10."
    ) in detail
    assert "2025-04-21" not in detail


# --- 5: breastfeeding on record -----------------------------------------------------------------


def test_a_breastfeeding_observation_is_named_with_its_date_and_the_lactation_caveats() -> None:
    record = base._chart(
        _encounter_diagnosis(
            "O80", "Encounter for full-term uncomplicated delivery", date(2025, 3, 10), "o80"
        ),
        _exclusively(date(2025, 5, 19)),
    )
    assert [f.display for f in record.context.of(FindingKind.LACTATION)] == [
        "Exclusively breastfeeding"
    ]
    detail = _cards(record)[OPTIMISE].detail
    assert (
        "**Breastfeeding on record (2025-05-19):** Exclusively breastfeeding (SNOMED CT 169741004)."
    ) in detail
    assert (
        "**Lithium, if considered:** not recommended while breastfeeding (passes into milk); "
        "if breastfed, monitor the infant"
    ) in detail
    assert "**Esketamine, if considered:** not recommended while breastfeeding" in detail
    # Recorded, so not asked again.
    assert "Check breastfeeding" not in detail
    assert "check breastfeeding" not in detail


def test_z39_1_alone_is_breastfeeding_on_record() -> None:
    record = base._chart(
        _encounter_diagnosis(
            "Z39.1",
            "Encounter for care and examination of lactating mother",
            date(2025, 4, 21),
            "z391",
        )
    )
    detail = _cards(record)[OPTIMISE].detail
    assert "**Breastfeeding on record (2025-04-21):** Encounter for care and examination" in detail
    assert "**Lithium, if considered:** not recommended while breastfeeding" in detail


def test_a_later_not_currently_breastfeeding_answer_ends_it() -> None:
    record = base._chart(
        _delivery(date(2025, 1, 13)),
        _loinc_answer(date(2025, 3, 3), "LA29252-6", "Currently breastfeeding"),
        _loinc_answer(date(2025, 5, 19), "LA29253-4", "Not currently breastfeeding"),
    )
    # Both answers are read (review 11 recheck finding 10); the later "no" decides. The "no" is
    # a kind of its own, never a LACTATION finding.
    feeding = record.context.of(FindingKind.LACTATION) + record.context.of(
        FindingKind.NOT_BREASTFEEDING
    )
    assert [pregnancy.breastfeeding_denied(f) for f in feeding] == [False, True]
    detail = _cards(record)[OPTIMISE].detail
    assert "Breastfeeding on record" not in detail
    assert "while breastfeeding" not in detail
    # Recorded, so named rather than asked.
    assert "Check breastfeeding before choosing a drug" not in detail
    assert "Not breastfeeding on record (2025-05-19: Not currently breastfeeding)." in detail


def test_a_yes_no_answer_and_a_boolean_are_read_under_the_breastfeeding_code() -> None:
    coded = _feeding(
        date(2025, 5, 19), {"valueCodeableConcept": b.concept(V2_0136, "Y", "Yes")}, rid="bf-y"
    )
    found, gaps = pregnancy.read_pregnancy([coded], as_of=AS_OF)
    assert [(f.kind, f.display, f.onset) for f in found] == [
        (FindingKind.LACTATION, "Breastfeeding status: Yes", date(2025, 5, 19))
    ]
    assert not gaps
    no = _feeding(date(2025, 5, 19), {"valueBoolean": False}, rid="bf-false")
    (denied,), gaps = pregnancy.read_pregnancy([no], as_of=AS_OF)
    assert (denied.display, pregnancy.breastfeeding_denied(denied)) == (
        "Breastfeeding status: No",
        True,
    )
    assert not pregnancy.breastfeeding_denied(found[0])


def test_a_breastfeeding_status_that_names_no_answer_is_a_gap_not_a_claim() -> None:
    blank = _feeding(date(2025, 5, 19), {"valueString": "see notes"}, rid="bf-blank")
    undated = _exclusively(date(2025, 5, 19))
    del undated["effectiveDateTime"]
    undated["id"] = "bf-undated"
    found, gaps = pregnancy.read_pregnancy([blank, undated], as_of=AS_OF)
    assert found == ()
    assert [g.reason for g in gaps] == [
        "breastfeeding status whose value names no answer",
        "breastfeeding status with no date",
    ]


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_a_lithium_order_for_a_breastfeeding_mother_gets_a_card(hook: str) -> None:
    draft = b.medication_request(
        "197891",
        "lithium carbonate 300 MG Oral Capsule",
        AS_OF,
        dose_value=300,
        dose_unit="mg",
        frequency=2,
        status="draft",
        expected_supply_days=30,
        patient=PATIENT,
        id="draft-li",
    )
    delivered = _encounter_diagnosis(
        "O80", "Encounter for full-term uncomplicated delivery", date(2025, 3, 10), "o80"
    )
    record = base._chart(delivered, _exclusively(date(2025, 5, 19)), drafts=(draft,))
    found = {r.topic: r for r in order_hook(record, Policy(), hook=hook)}
    card = found[CONTRAINDICATED]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Lithium: not recommended while breastfeeding (passes into milk); if breastfed, monitor "
        "the infant (Exclusively breastfeeding on record)"
    )
    assert len(card.summary) <= 140
    assert "since 2025-05-19" in card.detail
    # Z39.1 alone: its display does not fit beside the label line; the label line and its cite.
    z391 = _encounter_diagnosis(
        "Z39.1", "Encounter for care and examination of lactating mother", date(2025, 4, 21), "z"
    )
    coded = {
        r.topic: r for r in order_hook(base._chart(z391, drafts=(draft,)), Policy(), hook=hook)
    }
    assert coded[CONTRAINDICATED].summary == (
        "Lithium: not recommended while breastfeeding (passes into milk); if breastfed, monitor "
        "the infant (lithium label 8.2, UNVERIFIED)"
    )
    # No breastfeeding recorded: the caveat is not asserted, but the order asks (information:
    # review s26 GB item 1, a lithium start after a birth said nothing of a breastfed infant).
    plain = base._chart(delivered, drafts=(draft,))
    cards = {r.topic: r for r in order_hook(plain, Policy(), hook=hook)}
    asked = cards[CONTRAINDICATED]
    assert asked.indicator is Indicator.INFO
    assert asked.summary == (
        "Lithium: delivery on record 2025-03-10, breastfeeding not recorded: ask before starting "
        "it (lithium label 8.2, UNVERIFIED)"
    )
    assert "If she does: not recommended while breastfeeding" in asked.detail


# --- 10: zuranolone for a coded postpartum depression ----------------------------------------


def _postpartum(code: str, display: str) -> Resource:
    return b.condition(
        b.ICD10CM,
        code,
        display,
        date(2025, 3, 31),
        category="problem-list-item",
        patient=PATIENT,
        id="ppd",
    )


def test_postpartum_depression_names_zuranolone_as_a_text_option() -> None:
    cards = _cards(base._chart(_postpartum("F53.0", "Postpartum depression")))
    card = cards[OPTIMISE]
    assert (
        "**Postpartum depression on record** (ICD-10-CM F53.0 since "
        "2025-03-31): zuranolone (FDA: postpartum depression): 50 mg once daily in the evening "
        "with fat-containing food for 14 days"
    ) in card.detail
    assert not [s for s in card.suggestions if "zuranolone" in s.label.lower()]
    # Said once: no other card names it.
    assert all("zuranolone" not in c.detail for t, c in cards.items() if t != OPTIMISE)


def test_puerperal_psychosis_never_names_zuranolone() -> None:
    cards = _cards(base._chart(_postpartum("F53.1", "Puerperal psychosis")))
    assert cards
    assert all("zuranolone" not in (c.summary + c.detail).lower() for c in cards.values())
