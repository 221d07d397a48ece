"""A recent low sodium with an SSRI or SNRI running gets its own card on chart open (review 10
finding 7; services/rules/running_sodium.py).

Before, a sodium below data/lab_safety.csv's line (< 130 mmol/L) was said only in the switch list
("SSRIs and SNRIs can lower it further") and on order cards: a woman of 78 whose sodium fell from
139 to 129 within months of starting citalopram, with repeated falls coded, got one-click
aripiprazole and no word on the drug most likely causing it.

Charts are US Core shaped (tests/fixtures/builders.py: lab Observations with a UCUM valueQuantity
and an interpretation flag, problem-list Conditions), mapped by build_record with the real tables.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.context import condition_findings
from fhir_mapping.record import FindingKind, PatientRecord
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.rules import running_sodium
from services.rules.context import build_context
from tests.fhir_mapping.fhir_resources import assert_valid
from tests.fixtures import builders as b
from tests.services.helpers import screen_by_topic

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2025, 6, 2)
PATIENT = "p-sodium-running"
TOPIC = "running-drug-low-sodium"
OPTIMISE = "optimize-switch-augment"
SODIUM = "2951-2"  # LOINC Sodium [Moles/volume] in Serum or Plasma
Resource = dict[str, Any]

CITALOPRAM_20 = ("200371", "citalopram 20 MG Oral Tablet")
BUPROPION_XL_300 = ("993557", "24 HR bupropion hydrochloride 300 MG Extended Release Oral Tablet")


def _sodium(when: date, value: float, flag: str | None = None, *, rid: str) -> Resource:
    lab = b.lab(
        SODIUM,
        value,
        "mmol/L",
        when,
        "L" if flag == "L" else ("N" if flag == "N" else None),
        (135, 145),
        patient=PATIENT,
        display="Sodium [Moles/volume] in Serum or Plasma",
    )
    lab["id"] = rid
    return lab


def _falls(
    code: str = "R29.6", display: str = "Repeated falls", system: str = b.ICD10CM
) -> Resource:
    return b.condition(
        system,
        code,
        display,
        date(2025, 2, 10),
        category="problem-list-item",
        patient=PATIENT,
        id="falls",
    )


def _running(drug: tuple[str, str] = CITALOPRAM_20, start: date = date(2024, 9, 30)) -> Resource:
    """A community order, one a day, 30 days with 11 refills: running on AS_OF."""
    return b.medication_request(
        *drug,
        start,
        dose_value=1,
        frequency=1,
        expected_supply_days=30,
        repeats=11,
        patient=PATIENT,
        id="mr-run",
    )


def _chart(*extra: Resource, born: date = date(1946, 11, 3)) -> PatientRecord:
    """F33.2 since 2024-06-03; sertraline 150 mg/day failed (2024-06-03 to 2024-09-30); PHQ-9 22,
    21, 21; the running drug, the sodium results and the falls come in `extra`. 78 on AS_OF."""
    resources = [
        b.patient(id=PATIENT, given="Ruth", family="Okafor", gender="female", birth_date=born),
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
            date(2024, 9, 30),
            status="completed",
            dose_value=150,
            dose_unit="mg",
            patient=PATIENT,
            id="ser",
        ),
        *b.phq9(date(2024, 6, 3), 22, patient=PATIENT),
        *b.phq9(date(2024, 9, 30), 21, patient=PATIENT),
        # Item 9 answered: a total only would hold the one-clicks (review 19 item 5).
        *b.phq9(date(2025, 5, 19), 21, 0, patient=PATIENT),
        *extra,
    ]
    assert_valid(resources)
    return build_record(resources, as_of=AS_OF, patient_id=PATIENT)


_cards = screen_by_topic


def _review_chart(*extra: Resource) -> PatientRecord:
    """The review's P6: sodium 139 a week before citalopram, 129 (L) eight months into it."""
    return _chart(
        _running(),
        _sodium(date(2024, 9, 23), 139, "N", rid="na-before"),
        _sodium(date(2025, 5, 20), 129, "L", rid="na-now"),
        *extra,
    )


def _medication_orders(card: Recommendation) -> list[str]:
    return [
        s.label
        for s in card.suggestions
        if any((a.resource or {}).get("resourceType") == "MedicationRequest" for a in s.actions)
    ]


# --- the review's chart ---------------------------------------------------------------------------


def test_a_fall_to_129_on_citalopram_at_78_with_falls_names_the_drug() -> None:
    cards = _cards(_review_chart(_falls()))
    card = cards[TOPIC]
    assert card.indicator is Indicator.WARNING
    assert card.summary == (
        "Sodium 129 on 2025-05-20 (139 on 2024-09-23, before citalopram): citalopram may be the "
        "cause (SIADH); repeat sodium, review the drug"
    )
    assert len(card.summary) <= 140
    detail = card.detail
    assert detail.startswith("**Sodium 129 mmol/L on 2025-05-20**: below 130 mmol/L")
    assert "Spasovski 2014" in detail
    assert "- Citalopram 20 mg/day, running since 2024-09-30." in detail
    assert (
        "Last sodium before it started: 139 mmol/L on 2024-09-23. Citalopram may be the cause"
        in (detail)
    )
    assert "Older adults are at greater risk (SSRI and SNRI labels): at 78." in detail
    assert "**Falls on record:** Repeated falls (ICD-10-CM R29.6, since " in (detail)
    assert "linked to falls" in detail and "Renneboog 2006" in detail
    assert not card.suggestions  # whether to stop, reduce or switch is the prescriber's call
    assert card.evidence_key is not None


def test_while_it_is_open_the_optimise_card_proposes_no_drug_as_one_click() -> None:
    cards = _cards(_review_chart(_falls()))
    optimise = cards[OPTIMISE]
    assert _medication_orders(optimise) == []
    # Named as text, with why, on top of the card.
    assert optimise.detail.startswith("**Not one click while the sodium is low**")
    assert "Propose adjunctive aripiprazole" in optimise.detail.split("\n\n")[0]
    # Snoozed (addressed, with a reason): the proposals are one click again.
    snoozed = _cards(_review_chart(_falls()), hidden=frozenset({TOPIC}))
    assert TOPIC not in snoozed
    assert any("aripiprazole" in label for label in _medication_orders(snoozed[OPTIMISE]))
    assert "Not one click while the sodium is low" not in snoozed[OPTIMISE].detail


def test_without_falls_coded_none_are_claimed() -> None:
    card = _cards(_review_chart())[TOPIC]
    assert "Falls on record" not in card.detail
    assert "falls" not in card.summary


# --- noise: nothing when nothing is wrong now ---------------------------------------------------


def test_a_low_sodium_since_normalised_gives_nothing_and_one_click_stays() -> None:
    cards = _cards(
        _chart(
            _running(),
            _falls(),
            _sodium(date(2025, 2, 3), 128, "L", rid="na-low"),
            _sodium(date(2025, 5, 20), 136, "N", rid="na-now"),
        )
    )
    assert TOPIC not in cards
    assert any("aripiprazole" in label for label in _medication_orders(cards[OPTIMISE]))


def test_an_old_low_sodium_gives_nothing() -> None:
    record = _chart(_running(), _sodium(date(2024, 5, 1), 127, "L", rid="na-old"))
    assert TOPIC not in _cards(record)


def test_a_low_sodium_with_no_ssri_or_snri_running_gives_nothing() -> None:
    record = _chart(
        _running(BUPROPION_XL_300), _falls(), _sodium(date(2025, 5, 20), 128, "L", rid="na")
    )
    assert TOPIC not in _cards(record)


def test_129_is_low_130_is_not() -> None:
    at_line = _chart(_running(), _sodium(date(2025, 5, 20), 130, "L", rid="na"))
    assert TOPIC not in _cards(at_line)  # the lab's own L flag: the value in mmol/L decides


# --- what the drug is called ------------------------------------------------------------------------


def test_sodium_already_low_before_the_drug_never_calls_it_the_cause() -> None:
    card = _cards(
        _chart(
            _running(),
            _sodium(date(2024, 9, 23), 128, "L", rid="na-before"),
            _sodium(date(2025, 5, 20), 127, "L", rid="na-now"),
        )
    )[TOPIC]
    assert "may be the cause" not in card.summary + card.detail
    assert card.summary.startswith("Sodium 127 on 2025-05-20 (already below 130 before citalopram)")
    assert "citalopram can lower it further" in card.summary
    assert "Sodium was already below 130 mmol/L before it started (128 mmol/L on 2024-09-23)" in (
        card.detail
    )


def test_a_low_sodium_taken_before_the_drug_started_says_so() -> None:
    card = _cards(
        _chart(_running(start=date(2025, 5, 26)), _sodium(date(2025, 5, 20), 128, "L", rid="na"))
    )[TOPIC]
    assert "may be the cause" not in card.summary + card.detail
    assert "before citalopram started" in card.summary
    assert "The low sodium was taken before it started (2025-05-26)" in card.detail


def test_no_sodium_before_the_drug_still_names_it_as_the_likely_cause() -> None:
    card = _cards(_chart(_running(), _sodium(date(2025, 5, 20), 129, "L", rid="na")))[TOPIC]
    assert "citalopram may be the cause (SIADH)" in card.summary
    assert "No sodium on record before it started: citalopram may be the cause" in card.detail


def test_a_later_sodium_that_cannot_be_compared_is_named() -> None:
    unread = _sodium(date(2025, 5, 28), 0, rid="na-text")
    del unread["valueQuantity"]
    unread["valueString"] = "see comment"
    card = _cards(_review_chart(unread))[TOPIC]
    assert "A later sodium (2025-05-28) could not be compared" in card.detail


def test_under_65_no_age_line() -> None:
    record = _chart(
        _running(), _sodium(date(2025, 5, 20), 129, "L", rid="na"), born=date(1980, 1, 1)
    )
    card = _cards(record)[TOPIC]
    assert "Older adults" not in card.detail


# --- its own snooze fingerprint -------------------------------------------------------------------


def test_the_fingerprint_is_the_result_and_the_drugs() -> None:
    first = _cards(_review_chart())[TOPIC].evidence_key
    assert first == _cards(_review_chart(_falls()))[TOPIC].evidence_key  # falls: same result
    repeat = _cards(_review_chart(_sodium(date(2025, 5, 27), 128, "L", rid="na-repeat")))
    assert repeat[TOPIC].evidence_key != first  # the repeat is new evidence: a snooze ends
    # Not the pathway's fingerprint (the screen would otherwise give it the optimise card's).
    assert first != _cards(_review_chart())[OPTIMISE].evidence_key


# --- falls codes -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("system", "code", "display"),
    [
        (b.ICD10CM, "R29.6", "Repeated falls"),
        (b.ICD10CM, "Z91.81", "History of falling"),
        (b.ICD10CM, "W19.XXXA", "Unspecified fall, initial encounter"),
        (b.SNOMED, "279992002", "Recurrent falls (finding)"),
        (b.SNOMED, "161898004", "Falls (finding)"),
    ],
)
def test_falls_codes_are_read(system: str, code: str, display: str) -> None:
    falls = _falls(code, display, system)
    assert_valid([falls])
    (found,) = condition_findings(falls, as_of=AS_OF)
    assert found.kind is FindingKind.FALLS
    card = _cards(_review_chart(falls))[TOPIC]
    assert f"**Falls on record:** {display} (" in card.detail


def test_not_a_fall() -> None:
    struck = _falls("W20.8XXA", "Other cause of strike by thrown, projected or falling object")
    assert not [f for f in condition_findings(struck, as_of=AS_OF) if f.kind is FindingKind.FALLS]


def test_the_rule_reads_the_context_it_is_given() -> None:
    ctx = build_context(_review_chart(_falls()), Policy(), hook="patient-view")
    found = running_sodium.low_sodium(ctx)
    assert found is not None
    assert [s.name for s in found.suspects] == ["citalopram"]
    assert found.age == 78 and len(found.falls) == 1
