"""A resolved puerperal psychosis is named; "not breastfeeding" is its own
reading.

1. A puerperal psychosis (ICD-10-CM F53.1 with SNOMED 18260003) recorded as resolved or
   inactive, or abated, was dropped by the clinical-status reading: nothing named a strong marker
   of bipolarity. It is now PUERPERAL_PSYCHOSIS_HISTORY (fhir_mapping/context.py `_RESOLVED_ONLY`,
   as a depression code in remission reads MDD_IN_REMISSION), never PSYCHOTIC or POSTPARTUM: the
   history warning (screen for bipolarity), never the emergency card, whatever its date.
2. A "not breastfeeding" answer to LOINC 63895-7 (LA29253-4 "Not currently breastfeeding", a
   LOINC answer of the 63895-7 list: the Jembi Starter IG value set expansion, LOINC 2.81) was a
   LACTATION finding told apart only by `breastfeeding_denied`: any reader asking "is a lactation
   finding on record" took it for breastfeeding. It is now NOT_BREASTFEEDING.

Charts: the puerperal ones are tests/services/test_postpartum_psychosis_history.py's P1 (two
failed trials, PHQ-9 21) with the F53.1 as Epic writes a problem-list entry; the lactation ones
test_cautions_alcohol_postpartum.py's (a woman of 34, sertraline failed). Every resource validates
against fhir.resources R4B.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping import pregnancy
from fhir_mapping.record import FindingKind, PatientRecord
from services.order_hooks import order_hook
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.rules.populations import population
from tests.fixtures import builders as b
from tests.services import test_cautions_alcohol_postpartum as lactation_base
from tests.services import test_lactation_delivery as feeding
from tests.services import test_postpartum_psychosis_history as p1

pytestmark = pytest.mark.real_drug_table

Resource = dict[str, Any]
EMERGENCY, OPTIMISE = p1.EMERGENCY, p1.OPTIMISE
# Every card this module checks is a label warning or caveat: order-drug-caution.
CONTRAINDICATED = "order-drug-caution"
_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"


# --- 1: a resolved puerperal psychosis is history ------------------------------------------------


def _epic_f53_1(
    onset: date,
    *,
    status: str = "resolved",
    abatement: date | None = None,
    rid: str = "epic-f531",
) -> Resource:
    """An Epic problem-list Condition: ICD-10-CM F53.1 with the SNOMED CT coding beside it, the
    "(CMS/HCC)" text Epic appends, and Epic's versioned clinicalStatus coding."""
    resource = b.condition(
        b.ICD10CM,
        "F53.1",
        "Puerperal psychosis",
        onset,
        clinical_status=status,
        category="problem-list-item",
        patient=p1.PATIENT,
        extra_codings=[b.coding(b.SNOMED, "18260003", "Postpartum psychosis (disorder)")],
        abatement=abatement,
        text="Postpartum psychosis (CMS/HCC)",
        id=rid,
    )
    resource["clinicalStatus"] = {
        "coding": [
            {"system": _CLINICAL, "version": "4.0.0", "code": status, "display": status.title()}
        ],
        "text": status.title(),
    }
    return resource


RESOLVED_2019 = _epic_f53_1(date(2019, 2, 11), abatement=date(2019, 6, 3))


def _emergency(cards: list[Recommendation]) -> Recommendation:
    return next(c for c in cards if c.topic == EMERGENCY)


def test_a_resolved_f53_1_is_read_as_history_never_as_a_psychosis_or_a_postpartum_onset() -> None:
    context = p1._record(RESOLVED_2019).context
    (past,) = context.of(FindingKind.PUERPERAL_PSYCHOSIS_HISTORY)
    assert (past.code, past.onset) == ("F53.1", date(2019, 2, 11))
    assert context.of(FindingKind.PSYCHOTIC) == ()
    assert context.of(FindingKind.POSTPARTUM) == ()
    # Active, the same entry is read as before, and never as history.
    active = p1._record(_epic_f53_1(date(2019, 2, 11), status="active")).context
    assert [f.kind for f in active.findings if f.code in ("F53.1", "18260003")] == [
        FindingKind.POSTPARTUM,
        FindingKind.PSYCHOTIC,
    ]


def test_the_epic_resolved_f53_1_of_2019_gives_the_history_warning_and_no_critical_card() -> None:
    cards = p1._view(RESOLVED_2019)
    history = _emergency(cards)
    assert history.indicator is Indicator.WARNING
    # The same reading as an active F53.1 of 2016, without "update the problem list" (updated).
    assert history.summary == (
        "History of puerperal psychosis (F53.1, 2019-02-11, resolved): a strong marker of "
        "bipolarity: screen before antidepressant changes"
    )
    assert history.suggestions == ()
    assert "(ICD-10-CM F53.1, since 2019-02-11, recorded as resolved)" in (history.detail)
    assert "strong marker of bipolar disorder" in history.detail
    assert "Condition/epic-f531" in history.detail
    assert "If it has resolved, record it as resolved" not in history.detail
    assert "it does not hold TMS back" in history.detail
    assert not [c for c in cards if c.indicator is Indicator.CRITICAL]
    # The optimise card names it and holds its drug orders as text, as for the active history.
    optimise = next(c for c in cards if c.topic == OPTIMISE)
    assert optimise.summary.startswith("2 adequate trials failed (sertraline, venlafaxine)")
    assert optimise.detail.startswith(
        "**History of puerperal psychosis** (F53.1, 2019-02-11, resolved)"
    )
    assert p1._drug_orders(optimise) == []


def test_the_same_chart_active_and_recent_postpartum_is_the_critical_card_as_today() -> None:
    recent = _epic_f53_1(date(2025, 4, 7), status="active", rid="epic-f531-now")
    card = p1._view(recent)[0]
    assert card.topic == EMERGENCY
    assert card.indicator is Indicator.CRITICAL
    assert card.summary.startswith("Puerperal psychosis (F53.1, onset 2025-04-07): psychiatric")


@pytest.mark.parametrize(
    ("status", "abatement"),
    [
        ("resolved", date(2025, 5, 1)),
        ("inactive", None),
        # Still "active" in clinicalStatus, but abated before as-of: no longer current.
        ("active", date(2025, 5, 1)),
    ],
)
def test_a_resolved_entry_of_the_postnatal_year_is_never_the_emergency(
    status: str, abatement: date | None
) -> None:
    # Dated within the postnatal year: an active entry would be the emergency; one recorded as
    # over is not current, whatever its date (the history warning asks to re-assess if it is).
    entry = _epic_f53_1(date(2025, 3, 3), status=status, abatement=abatement, rid="f531-year")
    cards = p1._view(entry)
    assert _emergency(cards).indicator is Indicator.WARNING
    assert not [c for c in cards if c.indicator is Indicator.CRITICAL]


def test_an_abatement_after_as_of_is_still_current_in_a_replay() -> None:
    entry = _epic_f53_1(date(2025, 3, 3), status="resolved", abatement=date(2025, 7, 1))
    card = p1._view(entry)[0]
    assert (card.topic, card.indicator) == (EMERGENCY, Indicator.CRITICAL)


@pytest.mark.parametrize("hook", ["order-select", "order-sign"])
def test_an_antidepressant_drafted_beside_a_resolved_f53_1_gets_the_screen_warning(
    hook: str,
) -> None:
    record = p1._record(RESOLVED_2019, drafts=(p1._draft(p1.ESCITALOPRAM_10, "d-esc"),))
    cards = list(order_hook(record, Policy(), hook=hook))
    card = _emergency(cards)
    assert card.indicator is Indicator.WARNING
    assert card.summary.startswith(
        "Escitalopram ordered with a history of puerperal psychosis (F53.1, 2019-02-11, resolved)"
    )
    assert not [c for c in cards if c.indicator is Indicator.CRITICAL]


# --- 2: "not breastfeeding" is its own reading ------------------------------------------------

NOT_FEEDING = ("LA29253-4", "Not currently breastfeeding")
FEEDING = ("LA29252-6", "Currently breastfeeding")
BIRTH = date(2025, 3, 10)
LITHIUM_CAVEAT = "**Lithium, if considered:** not recommended while breastfeeding"


def _birth() -> Resource:
    return feeding._encounter_diagnosis(
        "O80", "Encounter for full-term uncomplicated delivery", BIRTH, "o80"
    )


def _answer(day: date, answer: tuple[str, str]) -> Resource:
    found = feeding._loinc_answer(day, *answer)
    found["id"] = f"bf-{answer[0]}-{day.isoformat()}"
    return found


def _lithium_draft() -> Resource:
    return b.medication_request(
        "197891",
        "lithium carbonate 300 MG Oral Capsule",
        lactation_base.AS_OF,
        dose_value=300,
        dose_unit="mg",
        frequency=2,
        status="draft",
        expected_supply_days=30,
        patient=lactation_base.PATIENT,
        id="draft-li",
    )


def _optimise(record: PatientRecord) -> str:
    return feeding._cards(record)[OPTIMISE].detail


def _lithium_order_summary(*extra: Resource) -> str:
    record = lactation_base._chart(*extra, drafts=(_lithium_draft(),))
    cards = {r.topic: r for r in order_hook(record, Policy(), hook="order-sign")}
    return cards[CONTRAINDICATED].summary if CONTRAINDICATED in cards else ""


def test_a_not_breastfeeding_answer_is_never_a_lactation_finding() -> None:
    record = lactation_base._chart(_birth(), _answer(date(2025, 5, 19), NOT_FEEDING))
    assert record.context.of(FindingKind.LACTATION) == ()
    (denied,) = record.context.of(FindingKind.NOT_BREASTFEEDING)
    assert (denied.code, denied.onset) == ("LA29253-4", date(2025, 5, 19))
    assert pregnancy.breastfeeding_denied(denied)
    # The population reads no breastfeeding, and names the "no" it read.
    found = population(record, Policy())
    assert found.lactation is None
    assert found.not_breastfeeding == denied


def test_a_latest_not_breastfeeding_answer_gets_no_lactation_caveat() -> None:
    record = lactation_base._chart(_birth(), _answer(date(2025, 5, 19), NOT_FEEDING))
    detail = _optimise(record)
    assert "Breastfeeding on record" not in detail
    assert LITHIUM_CAVEAT not in detail
    assert "Not breastfeeding on record (2025-05-19: Not currently breastfeeding)." in detail
    assert "breastfeeding" not in _lithium_order_summary(
        _birth(), _answer(date(2025, 5, 19), NOT_FEEDING)
    )


def test_a_breastfeeding_answer_gets_the_lactation_caveat() -> None:
    record = lactation_base._chart(_birth(), _answer(date(2025, 5, 19), FEEDING))
    detail = _optimise(record)
    assert "**Breastfeeding on record (2025-05-19):** Currently breastfeeding" in detail
    assert LITHIUM_CAVEAT in detail
    assert "not recommended while breastfeeding" in _lithium_order_summary(
        _birth(), _answer(date(2025, 5, 19), FEEDING)
    )


def test_a_later_not_breastfeeding_ends_an_earlier_breastfeeding() -> None:
    answers = (_answer(date(2025, 3, 24), FEEDING), _answer(date(2025, 5, 19), NOT_FEEDING))
    record = lactation_base._chart(_birth(), *answers)
    assert [f.onset for f in record.context.of(FindingKind.LACTATION)] == [date(2025, 3, 24)]
    detail = _optimise(record)
    assert "Breastfeeding on record" not in detail
    assert LITHIUM_CAVEAT not in detail
    assert "Not breastfeeding on record (2025-05-19: Not currently breastfeeding)." in detail
    assert "breastfeeding" not in _lithium_order_summary(_birth(), *answers)
    # The other way round, the later "breastfeeding" stands.
    again = (_answer(date(2025, 3, 24), NOT_FEEDING), _answer(date(2025, 5, 19), FEEDING))
    assert LITHIUM_CAVEAT in _optimise(lactation_base._chart(_birth(), *again))


def test_a_passed_edd_words_a_recorded_no_as_the_other_perinatal_paragraphs_do() -> None:
    # One clause for the breastfeeding state (population_notes._feeding_clause): the passed-EDD
    # line names the answer as the delivery's paragraph does, not the date alone.
    record = lactation_base._chart(
        lactation_base._pregnant(date(2024, 10, 1)),
        lactation_base._edd(date(2024, 10, 1), "2025-04-10"),
        _answer(date(2025, 5, 19), NOT_FEEDING),
    )
    assert (
        "Probably postpartum: not breastfeeding on record (2025-05-19: Not currently "
        "breastfeeding), with perinatal psychiatry input."
    ) in _optimise(record)


# --- a later birth in the postnatal year: the time of highest risk is now -------------------------


def _delivery(day: date) -> Resource:
    """Synthea's and the IPS delivery Procedure (SNOMED 236973005), completed on `day`."""
    return b.procedure(
        b.SNOMED, "236973005", "Delivery procedure", day, patient=p1.PATIENT, id="del-1"
    )


def test_a_resolved_puerperal_psychosis_and_a_birth_three_weeks_ago_asks_for_perinatal_care_now() -> (
    None
):
    cards = p1._view(RESOLVED_2019, _delivery(date(2025, 5, 12)))
    history = _emergency(cards)
    assert history.indicator is Indicator.WARNING
    assert history.summary.startswith(
        "History of puerperal psychosis (F53.1, 2019-02-11, resolved) and a birth on 2025-05-12: "
        "refer to perinatal psychiatry now"
    )
    assert "Delivered on 2025-05-12 (236973005): refer to perinatal psychiatry now" in (
        history.detail
    )
    assert "before any later pregnancy" not in history.detail
    # The optimise card's line says the same.
    optimise = next(c for c in cards if c.topic == OPTIMISE)
    assert "Delivered on 2025-05-12 (236973005): refer to perinatal psychiatry now" in (
        optimise.detail
    )


def test_control_the_birth_of_that_psychosis_is_no_later_birth() -> None:
    # Resolved entry dated after the birth (the psychosis followed it): the plan is for a later
    # pregnancy, as without a birth.
    entry = _epic_f53_1(date(2025, 5, 20), abatement=date(2025, 5, 30))
    history = _emergency(p1._view(entry, _delivery(date(2025, 5, 12))))
    assert "before any later pregnancy" in history.detail
    assert "and a birth on" not in history.summary
