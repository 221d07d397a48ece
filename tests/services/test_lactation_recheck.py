"""Review 11 recheck findings 5, 10 and 11: what the perinatal lines say about breastfeeding.

- 5: Z39.1 ("lactating mother") on a chart whose recorded sex is male, a coding error as often
  as not: the order hook said "Lithium: not recommended while breastfeeding" as if she were
  breastfeeding. Patient-view and the order hook now read the sex alike: breastfeeding on record
  with recorded sex male asks to check the record, and keeps the caveat (a man may chestfeed
  after a birth; dropping it could harm an infant).
- 10: a "Not currently breastfeeding" answer (LOINC LA29253-4) after the delivery is named with
  its date instead of "Check breastfeeding", and `--explain` lists the Breastfeeding status
  Observations read; a postpartum depression after a delivery is one paragraph (no "Postpartum
  onset on record" beside "Postpartum depression on record"), breastfeeding asked about once.
- 11: the lactation caveats name the one-click adjuncts too (aripiprazole, brexpiprazole: LactMed),
  and an order card prints the row's cite, never its source notes.

Charts: test_cautions_alcohol_postpartum's (F33.2, sertraline 150 mg/day failed, PHQ-9 21 on
2025-05-20), US Core shaped, with the patient's gender as given; every resource validates
against fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.explain import explain
from fhir_mapping.record import PatientRecord
from services.order_hooks import order_hook
from services.policy import Policy
from services.recommendation import Indicator
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.services import test_cautions_alcohol_postpartum as base
from tests.services import test_lactation_delivery as lactation
from tests.services.helpers import screen_by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = base.AS_OF  # 2025-06-02
PATIENT = base.PATIENT
Resource = dict[str, Any]
OPTIMISE = "optimize-switch-augment"
# Every card this module checks is a label warning or caveat: order-drug-caution.
CONTRAINDICATED = "order-drug-caution"


def _chart(
    *extra: Resource,
    gender: Literal["female", "male"] = "female",
    drafts: tuple[Resource, ...] = (),
) -> PatientRecord:
    """base._chart's patient (F33.2, sertraline 150 mg/day failed, PHQ-9 21) with `gender`."""
    resources = [
        b.patient(
            id=PATIENT, given="Alex", family="Ruiz", gender=gender, birth_date=date(1980, 1, 1)
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
    return build_record(resources, as_of=AS_OF, patient_id=PATIENT, draft_orders=drafts)


_cards = screen_by_topic


def _z391(day: date = date(2025, 4, 21)) -> Resource:
    return lactation._encounter_diagnosis(
        "Z39.1", "Encounter for care and examination of lactating mother", day, "z391"
    )


def _draft(rxcui: str, name: str, mg: float, per_day: int, rid: str) -> Resource:
    return b.medication_request(
        rxcui,
        name,
        AS_OF,
        dose_value=mg,
        dose_unit="mg",
        frequency=per_day,
        status="draft",
        expected_supply_days=30,
        patient=PATIENT,
        id=rid,
    )


LITHIUM = ("197891", "lithium carbonate 300 MG Oral Capsule", 300, 2, "draft-li")
ARIPIPRAZOLE = ("349545", "aripiprazole 5 MG Oral Tablet", 5, 1, "draft-ari")


# --- 5: Z39.1 on a chart whose recorded sex is male ------------------------------------------


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_z39_1_on_a_male_chart_asks_to_check_the_record_at_the_order_hook(hook: str) -> None:
    record = _chart(_z391(), gender="male", drafts=(_draft(*LITHIUM),))
    card = {r.topic: r for r in order_hook(record, Policy(), hook=hook)}[CONTRAINDICATED]
    assert card.summary == (
        "Lithium with breastfeeding on record (Z39.1) but recorded sex male: check the record "
        "(lithium label 8.2, UNVERIFIED)"
    )
    assert len(card.summary) <= 140
    # Kept, not dropped: the caveat still reads if the record is right (chestfeeding).
    assert card.indicator is Indicator.WARNING
    assert "check the record (a coding error, or chestfeeding)" in card.detail
    assert "If the patient breastfeeds: not recommended while breastfeeding" in card.detail
    assert "since 2025-04-21" in card.detail
    # The same order for a woman with Z39.1 reads as before.
    woman = _chart(_z391(), gender="female", drafts=(_draft(*LITHIUM),))
    found = {r.topic: r for r in order_hook(woman, Policy(), hook=hook)}[CONTRAINDICATED]
    assert found.summary.startswith("Lithium: not recommended while breastfeeding")
    assert "recorded sex" not in found.detail


def test_z39_1_on_a_male_chart_reads_the_same_at_patient_view() -> None:
    detail = _cards(_chart(_z391(), gender="male"))[OPTIMISE].detail
    assert (
        "**Breastfeeding on record (2025-04-21), recorded sex male:** Encounter for care and "
        "examination of lactating mother (ICD-10-CM Z39.1). Check the "
        "record (a coding error, or chestfeeding)"
    ) in detail
    assert "**Lithium, if considered:** not recommended while breastfeeding" in detail


# --- 10: a recorded "not breastfeeding"; one paragraph per perinatal fact ----------------------


def test_not_currently_breastfeeding_after_the_delivery_is_named_not_asked() -> None:
    record = _chart(
        lactation._delivery(date(2025, 3, 10)),
        lactation._exclusively(date(2025, 3, 20)),
        lactation._loinc_answer(date(2025, 5, 12), "LA29253-4", "Not currently breastfeeding"),
    )
    detail = _cards(record)[OPTIMISE].detail
    assert (
        "**Delivered on 2025-03-10** (Delivery procedure, SNOMED CT 236973005): "
        "postnatal year to 2026-03-10. Not breastfeeding on record (2025-05-12: Not "
        "currently breastfeeding)."
    ) in detail
    assert "heck breastfeeding" not in detail
    assert "while breastfeeding" not in detail  # no lactation caveat
    # --explain lists both Breastfeeding status Observations read.
    text = explain(record)
    assert "lactation: 169741004 Exclusively breastfeeding (2025-03-20)" in text
    assert "not-breastfeeding: LA29253-4 Not currently breastfeeding (2025-05-12)" in text


def test_a_not_breastfeeding_answer_ends_an_earlier_z39_1_and_a_same_day_one_does_not() -> None:
    later = _cards(
        _chart(
            _z391(date(2025, 4, 21)),
            lactation._loinc_answer(date(2025, 5, 19), "LA29253-4", "Not currently breastfeeding"),
        )
    )[OPTIMISE].detail
    assert "Breastfeeding on record" not in later
    assert "while breastfeeding" not in later
    same_day = _cards(
        _chart(
            _z391(date(2025, 5, 19)),
            lactation._loinc_answer(date(2025, 5, 19), "LA29253-4", "Not currently breastfeeding"),
        )
    )[OPTIMISE].detail
    # On one day breastfeeding counts (the caveats are about the infant).
    assert "**Breastfeeding on record (2025-05-19):**" in same_day


def test_a_not_breastfeeding_answer_before_the_birth_is_not_named() -> None:
    detail = _cards(
        _chart(
            lactation._loinc_answer(date(2025, 2, 3), "LA29253-4", "Not currently breastfeeding"),
            lactation._delivery(date(2025, 3, 10)),
        )
    )[OPTIMISE].detail
    assert "Not breastfeeding on record" not in detail
    assert "Check breastfeeding before choosing a drug" in detail


def test_postpartum_depression_after_a_delivery_is_one_paragraph() -> None:
    ppd = b.condition(
        b.ICD10CM,
        "F53.0",
        "Postpartum depression",
        date(2025, 3, 31),
        category="problem-list-item",
        patient=PATIENT,
        id="ppd",
    )
    detail = _cards(_chart(lactation._delivery(date(2025, 3, 10)), ppd))[OPTIMISE].detail
    assert "Postpartum onset on record" not in detail
    assert detail.count("Postpartum depression on record") == 1
    assert detail.count("F53.0") == 1
    assert detail.count("breastfeeding") == 1  # asked once, in the delivery paragraph
    assert "a prescriber's order, no one-click. Choose with perinatal psychiatry input." in detail
    # With breastfeeding on record: not asked at all.
    fed = _cards(
        _chart(lactation._delivery(date(2025, 3, 10)), ppd, lactation._exclusively(AS_OF))
    )[OPTIMISE].detail
    assert "heck breastfeeding" not in fed
    assert "including whether the patient is breastfeeding" not in fed


def test_postpartum_depression_alone_still_asks_about_breastfeeding_once() -> None:
    ppd = b.condition(
        b.ICD10CM,
        "F53.0",
        "Postpartum depression",
        date(2025, 3, 31),
        category="problem-list-item",
        patient=PATIENT,
        id="ppd",
    )
    detail = _cards(_chart(ppd))[OPTIMISE].detail
    assert "Postpartum onset on record" not in detail
    assert (
        "Choose with perinatal psychiatry input, including whether the patient is breastfeeding."
    ) in detail
    assert detail.count("breastfeeding") == 1


# --- 11: the one-click adjuncts' lactation caveats; cite, not source notes ---------------------


def test_breastfeeding_names_the_one_click_adjuncts_caveats() -> None:
    card = _cards(_chart(lactation._delivery(date(2025, 3, 10)), lactation._exclusively(AS_OF)))[
        OPTIMISE
    ]
    # Named, not one click (rx60, review K63b finding 8: the caveat sat beside a one-click order).
    assert not [s.label for s in card.suggestions if "aripiprazole" in s.label.lower()]
    assert "aripiprazole: named here, not offered as a ready-to-accept order" in card.detail
    assert (
        "**Aripiprazole, if considered:** while breastfeeding: low levels in milk; can lower "
        "prolactin and the milk supply; poor infant weight gain reported"
    ) in card.detail
    assert "(LactMed aripiprazole)." in card.detail
    assert "**Brexpiprazole, if considered:** while breastfeeding:" in card.detail


@pytest.mark.parametrize("drug", [LITHIUM, ARIPIPRAZOLE])
def test_a_lactation_order_card_prints_the_cite_not_the_source_notes(
    drug: tuple[str, str, float, int, str],
) -> None:
    record = _chart(
        lactation._delivery(date(2025, 3, 10)),
        lactation._exclusively(AS_OF),
        drafts=(_draft(*drug),),
    )
    card = {r.topic: r for r in order_hook(record, Policy(), hook="order-select")}[CONTRAINDICATED]
    assert "breastfeeding" in card.summary
    assert "(2025-06-02" in card.summary or "Exclusively breastfeeding on record" in card.summary
    assert "while breastfeeding" in card.detail
    assert "Source:" not in card.detail
    for internal in ("review 11", "search tool", "as recalled", "not read", ".csv"):
        assert internal not in card.detail
