"""Review 6 findings 9, 3 and 11 in the mapping: days of supply estimated from the authorising
order, an order on hold with no fill, and a stale `active` statement."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.product_conflict import FILL_ORDER_TO_CONFIRM
from fhir_mapping.record import AdherenceStatus, PatientRecord, Trial, Verdict
from tests.fhir_mapping import fhir_resources as fr
from tests.fhir_mapping.test_supply_gaps import SERTRALINE_50, SERTRALINE_100, VENLAFAXINE_150
from tests.fhir_mapping.test_supply_gaps import order as us_core_order
from tests.fhir_mapping.vendor_medications import dispense

Resource = dict[str, Any]
AS_OF = date(2025, 6, 2)
UCUM = "http://unitsofmeasure.org"
PHENELZINE_15 = ("312347", "phenelzine 15 MG Oral Tablet")


def record_of(
    *resources: Resource, as_of: date = AS_OF, policy: MappingPolicy | None = None
) -> PatientRecord:
    fr.assert_valid(list(resources))
    return build_record(
        [fr.patient(), *resources], as_of=as_of, patient_id=fr.PATIENT, policy=policy
    )


def only(record: PatientRecord, ingredient: str) -> Trial:
    (trial,) = [t for t in record.trials if t.ingredient == ingredient]
    return trial


def oracle_fill(
    did: str, drug: tuple[str, str], day: date, tablets: int, order: str | None
) -> Resource:
    """An Oracle Health-shaped dispense: quantity in tablets, no daysSupply, no sig of its own."""
    resource = dispense(did, drug, day, days=tablets, order=order)
    del resource["daysSupply"]
    del resource["dosageInstruction"]
    resource["quantity"] = {"value": tablets, "unit": "tablet"}
    return resource


def monthly(prefix: str, drug: tuple[str, str], first: date, n: int, **kw: Any) -> list[Resource]:
    return [
        oracle_fill(f"{prefix}-{i}", drug, first + timedelta(days=30 * i), **kw) for i in range(n)
    ]


def tablets_order(
    oid: str, drug: tuple[str, str], authored: date, low: float, high: float | None
) -> Resource:
    """An order whose dose is written in tablets ("1 tablet daily", or a range "1-2 tablets")."""
    resource = us_core_order(oid, drug, authored, 0)
    dose: dict[str, Any] = (
        {"doseQuantity": {"value": low, "unit": "tablet", "system": UCUM, "code": "{tbl}"}}
        if high is None
        else {
            "doseRange": {
                "low": {"value": low, "unit": "tablet", "system": UCUM, "code": "{tbl}"},
                "high": {"value": high, "unit": "tablet", "system": UCUM, "code": "{tbl}"},
            }
        }
    )
    resource["dosageInstruction"][0]["doseAndRate"] = [dose]
    resource["dosageInstruction"][0]["text"] = "1 tablet daily" if high is None else "1-2 tablets"
    return resource


START = date(2024, 6, 3)


# --- finding 9: days of supply from the authorising order -------------------------------------


def test_days_supply_is_estimated_from_the_authorising_orders_dose() -> None:
    order = us_core_order("mr-sert", SERTRALINE_100, START, 100)
    fills = monthly("md", SERTRALINE_100, START, 4, tablets=30, order="mr-sert")
    trial = only(record_of(order, *fills, as_of=date(2024, 9, 30)), "sertraline")
    assert trial.adherence.estimated
    assert trial.adherence.status is AdherenceStatus.VERIFIED
    assert trial.adherence.pdc == 1.0 and trial.adherence.fills == 4
    assert any("estimated from quantity and the order's dose" in n for n in trial.notes)
    # The control: the same fills naming no order are fills without days, not a PDC.
    for resource in fills:
        resource.pop("authorizingPrescription")
    control = only(record_of(order, *fills, as_of=date(2024, 9, 30)), "sertraline")
    assert control.adherence.status is AdherenceStatus.UNVERIFIED
    assert (control.adherence.pdc, control.adherence.estimated) == (None, False)


def test_the_estimate_shows_a_short_supply_as_poor_refills() -> None:
    # 15 tablets a month at 1 a day: half the days covered.
    order = us_core_order("mr-sert", SERTRALINE_100, START, 100)
    fills = monthly("md", SERTRALINE_100, START, 4, tablets=15, order="mr-sert")
    trial = only(record_of(order, *fills, as_of=date(2024, 9, 30)), "sertraline")
    assert trial.adherence.estimated and trial.adherence.status is AdherenceStatus.POOR
    assert trial.adherence.pdc is not None and trial.adherence.pdc < 0.55


def test_a_ranged_order_is_read_at_its_upper_end() -> None:
    # "1-2 tablets daily", 60 tablets a month: 30 days at 2 a day (never 60 at 1 a day).
    order = tablets_order("mr-sert", SERTRALINE_100, START, 1, 2)
    fills = monthly("md", SERTRALINE_100, START, 2, tablets=60, order="mr-sert")
    trial = only(record_of(order, *fills, as_of=date(2024, 9, 30)), "sertraline")
    assert trial.adherence.estimated
    # Supply to 2024-08-02 (60 tablets at 1 a day would have lasted past as-of). The course,
    # adequate on that supply, is judged up to it (review s20 RA finding 4), so its PDC is of
    # the days up to then; the day the supply ran out is what shows the reading.
    assert trial.supply_ran_out == date(2024, 8, 2)
    assert trial.adherence.pdc == pytest.approx(1.0)


def test_an_order_in_tablets_of_another_strength_gives_no_estimate() -> None:
    # "1 tablet daily" of 50 mg tablets says nothing of how long 100 mg tablets last.
    order = tablets_order("mr-sert", SERTRALINE_50, START, 1, None)
    fills = monthly("md", SERTRALINE_100, START, 3, tablets=30, order="mr-sert")
    trial = only(record_of(order, *fills, as_of=date(2024, 9, 30)), "sertraline")
    assert trial.adherence.status is AdherenceStatus.UNVERIFIED and not trial.adherence.estimated
    # The control: the order in tablets of the same strength does give one.
    same = tablets_order("mr-sert", SERTRALINE_100, START, 1, None)
    estimated = only(record_of(same, *fills, as_of=date(2024, 9, 30)), "sertraline")
    # Three fills of 30 tablets at 1 a day: supply to 2024-09-01, and the course, adequate on
    # it, is judged up to then (review s20 RA finding 4).
    assert estimated.adherence.estimated and estimated.adherence.pdc == pytest.approx(1.0)


def test_an_order_of_another_drug_gives_no_estimate() -> None:
    order = us_core_order("mr-ven", VENLAFAXINE_150, START, 150)
    fills = monthly("md", SERTRALINE_100, START, 3, tablets=30, order="mr-ven")
    record = record_of(order, *fills, as_of=date(2024, 9, 30))
    # Session 21 X1: sertraline fills against a venlafaxine order are records to confirm naming
    # both drugs (fill_order_mismatch.py), no sertraline course with an estimated supply.
    assert not [t for t in record.trials if t.ingredient == "sertraline"]
    mismatched = [g for g in record.gaps if g.reason == FILL_ORDER_TO_CONFIRM]
    assert len(mismatched) == 3 and "venlafaxine" in mismatched[0].stated.lower()


def test_a_stated_days_supply_is_kept() -> None:
    order = us_core_order("mr-sert", SERTRALINE_100, START, 100)
    fills = [
        dispense(
            f"md-{i}", SERTRALINE_100, START + timedelta(days=28 * i), days=28, order="mr-sert"
        )
        for i in range(4)
    ]
    trial = only(record_of(order, *fills, as_of=date(2024, 9, 30)), "sertraline")
    assert not trial.adherence.estimated and trial.adherence.pdc is not None


# --- finding 3: an order on hold with no fill -------------------------------------------------


def _held_order_record(status: str) -> PatientRecord:
    order = us_core_order("mr-ven", VENLAFAXINE_150, date(2025, 2, 24), 150, status=status)
    order["dispenseRequest"] = {
        "numberOfRepeatsAllowed": 3,
        "expectedSupplyDuration": {"value": 30, "unit": "days", "system": UCUM, "code": "d"},
    }
    scores = [
        fr.phq9_total("p1", date(2025, 1, 27), 22),
        fr.phq9_total("p2", date(2025, 5, 19), 21),
    ]
    return record_of(order, *scores)


def test_an_order_on_hold_without_fills_is_not_counted_as_taken_up_to_today() -> None:
    trial = only(_held_order_record("on-hold"), "venlafaxine")
    # Review 14 W6: a held order never filled covers no time (no assumed fill), and the course
    # is no trial until the record shows it was taken; on hold as of the order's own date.
    assert trial.weeks_at_adequate_dose == 0
    assert trial.on_hold == date(2025, 2, 24)
    assert trial.verdict is Verdict.NOT_A_TRIAL and not trial.failed
    # Still running for the MAOI and interaction checks (the safer reading).
    assert trial.ongoing and trial.end == AS_OF
    # The control: the same order `active` runs to as-of and is a failed adequate trial.
    active = only(_held_order_record("active"), "venlafaxine")
    assert active.on_hold is None and active.weeks_at_adequate_dose > 13 and active.failed


# --- finding 11: a stale `active` statement ---------------------------------------------------


def stale_sertraline(**extra: Any) -> Resource:
    statement = fr.medication_statement(
        "ms-sert", SERTRALINE_100[0], SERTRALINE_100[1], date(2012, 8, 6), dose_mg=100
    )
    statement.update(extra)
    return statement


SCORES = (fr.phq9_total("p1", date(2025, 1, 6), 22), fr.phq9_total("p2", date(2025, 5, 19), 21))


def test_a_stale_active_statement_counts_one_confirmed_year_not_thirteen() -> None:
    trial = only(record_of(stale_sertraline(), *SCORES), "sertraline")
    assert trial.unconfirmed_since == date(2012, 8, 6)
    assert trial.segments[-1].end == date(2013, 8, 6)
    assert trial.weeks_at_adequate_dose == pytest.approx(365 / 7)
    # Listed, so still running for the safety checks; a 2025 PHQ-9 does not decide a 2012 course.
    assert trial.ongoing and trial.end == AS_OF
    assert trial.on_treatment is not None and not trial.failed
    assert any("listed as active, not confirmed since 2012-08-06" in n for n in trial.notes)


def test_a_recent_date_asserted_confirms_the_statement() -> None:
    trial = only(record_of(stale_sertraline(dateAsserted="2025-04-01"), *SCORES), "sertraline")
    assert trial.unconfirmed_since is None and trial.segments[-1].end == AS_OF
    assert trial.failed  # the control: confirmed, the same scores decide the outcome


def test_meta_last_updated_is_not_a_confirmation() -> None:
    # A server stamps lastUpdated when it stores or converts a C-CDA list (the HL7 C-CDA-on-FHIR
    # Smile sample: 2022 on a 2012 entry): not a clinician confirming the drug is taken.
    statement = stale_sertraline(meta={"lastUpdated": "2025-05-30T10:00:00Z"})
    trial = only(record_of(statement, *SCORES), "sertraline")
    assert trial.unconfirmed_since == date(2012, 8, 6) and not trial.failed


def test_a_later_fill_of_the_drug_confirms_the_statement() -> None:
    fill = dispense("md-1", SERTRALINE_100, date(2025, 1, 6), days=30)
    trial = only(record_of(stale_sertraline(), fill, *SCORES), "sertraline")
    assert trial.unconfirmed_since is None and trial.ongoing


def test_a_listed_maoi_stays_in_view_of_the_interaction_checks() -> None:
    statement = fr.medication_statement(
        "ms-phen", PHENELZINE_15[0], PHENELZINE_15[1], date(2019, 3, 1), dose_mg=45
    )
    trial = only(record_of(statement), "phenelzine")
    assert trial.ongoing and trial.end == AS_OF and trial.unconfirmed_since == date(2019, 3, 1)


def test_the_confirmation_window_is_policy() -> None:
    policy = replace(MappingPolicy(), statement_confirmed_days=10_000)
    trial = only(record_of(stale_sertraline(), *SCORES, policy=policy), "sertraline")
    assert trial.unconfirmed_since is None and trial.segments[-1].end == AS_OF
