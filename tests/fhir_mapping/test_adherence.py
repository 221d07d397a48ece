"""PDC and refill gaps from dispenses (adherence.py)."""

from __future__ import annotations

from datetime import date

from fhir_mapping.adherence import dispense_adherence
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import Adherence, AdherenceStatus, RefillGap, Role, SourceRef

POLICY = MappingPolicy()


def dispense(day: date, supply: float | None, rid: str | None = None) -> MedicationEvent:
    return MedicationEvent(
        kind=EventKind.DISPENSE,
        ingredient="sertraline",
        drug_class="SSRI",
        role=Role.ANTIDEPRESSANT,
        start=day,
        end=None,
        mg_per_day=100.0,
        days_supply=supply,
        status="completed",
        source=SourceRef("MedicationDispense", rid or day.isoformat()),
    )


def order(day: date) -> MedicationEvent:
    return MedicationEvent(
        kind=EventKind.ORDER,
        ingredient="sertraline",
        drug_class="SSRI",
        role=Role.ANTIDEPRESSANT,
        start=day,
        end=None,
        mg_per_day=100.0,
        days_supply=90,
        status="active",
        source=SourceRef("MedicationRequest", "o1"),
    )


def test_no_dispense_data_is_unverified() -> None:
    assert dispense_adherence(
        [order(date(2024, 1, 1))], window_end=date(2024, 6, 1), policy=POLICY
    ) == Adherence(AdherenceStatus.UNVERIFIED)


def test_dispenses_without_days_supply_are_unverified() -> None:
    result = dispense_adherence(
        [dispense(date(2024, 1, 1), None), dispense(date(2024, 2, 1), None)],
        window_end=date(2024, 3, 1),
        policy=POLICY,
    )
    assert result == Adherence(AdherenceStatus.UNVERIFIED, fills=2)  # fills, no days stated


def test_early_refill_is_shifted_forward() -> None:
    # The second fill comes 10 days early: its 30 days start when the first runs out (Jan 31).
    result = dispense_adherence(
        [dispense(date(2024, 1, 1), 30), dispense(date(2024, 1, 21), 30)],
        window_end=date(2024, 3, 1),
        policy=POLICY,
    )
    assert result == Adherence(AdherenceStatus.VERIFIED, pdc=1.0, refill_gaps=(), fills=2)


def test_late_refills_lower_pdc_below_threshold() -> None:
    # 3 x 30 days over Jan 1 -> May 1 (121 days): 90 / 121 = 0.7438.
    days = [date(2024, 1, 1), date(2024, 2, 15), date(2024, 4, 1)]
    result = dispense_adherence(
        [dispense(d, 30) for d in days], window_end=date(2024, 5, 1), policy=POLICY
    )
    assert result == Adherence(AdherenceStatus.POOR, pdc=0.7438, refill_gaps=(), fills=3)


def test_pdc_exactly_at_threshold_is_verified() -> None:
    # 4 x 30 days over 150 days = 0.8.
    days = [date(2024, 1, 1), date(2024, 2, 7), date(2024, 3, 15), date(2024, 4, 21)]
    result = dispense_adherence(
        [dispense(d, 30) for d in days], window_end=date(2024, 5, 30), policy=POLICY
    )
    assert (result.status, result.pdc) == (AdherenceStatus.VERIFIED, 0.8)


def test_refill_gap_over_14_weeks() -> None:
    # Supply ends 2024-01-31; next fill 2024-05-10 = 100 days later (> 98).
    result = dispense_adherence(
        [dispense(date(2024, 1, 1), 30), dispense(date(2024, 5, 10), 30)],
        window_end=date(2024, 6, 9),
        policy=POLICY,
    )
    assert result.refill_gaps == (RefillGap(date(2024, 1, 31), date(2024, 5, 10)),)
    assert result.refill_gaps[0].days == 100
    assert result.pdc == round(60 / 160, 4)
    assert result.status is AdherenceStatus.POOR


def test_gap_of_exactly_14_weeks_is_not_a_refill_gap() -> None:
    result = dispense_adherence(
        [dispense(date(2024, 1, 1), 30), dispense(date(2024, 5, 8), 30)],  # 98 days after Jan 31
        window_end=date(2024, 6, 7),
        policy=POLICY,
    )
    assert result.refill_gaps == ()


def test_supply_running_out_while_the_trial_runs_on_is_a_trailing_gap() -> None:
    result = dispense_adherence(
        [dispense(date(2024, 1, 1), 30)], window_end=date(2024, 6, 1), policy=POLICY
    )
    assert result.refill_gaps == (RefillGap(date(2024, 1, 31), date(2024, 6, 1)),)
    assert result.pdc == round(30 / 152, 4)
    assert result.status is AdherenceStatus.POOR


def test_missing_days_supply_among_others_takes_their_median() -> None:
    events = [
        dispense(date(2024, 1, 1), 30),
        dispense(date(2024, 1, 31), None),
        dispense(date(2024, 3, 1), 30),
    ]
    result = dispense_adherence(events, window_end=date(2024, 3, 31), policy=POLICY)
    assert (result.status, result.pdc) == (AdherenceStatus.VERIFIED, 1.0)


def test_dispenses_after_the_window_are_not_counted_and_policy_threshold_applies() -> None:
    events = [
        dispense(date(2024, 1, 1), 30),
        dispense(date(2024, 1, 31), 30),
        dispense(date(2024, 4, 1), 30),
    ]
    result = dispense_adherence(events, window_end=date(2024, 3, 11), policy=POLICY)
    assert result.pdc == round(60 / 70, 4)
    assert result.status is AdherenceStatus.VERIFIED
    strict = dispense_adherence(
        events, window_end=date(2024, 3, 11), policy=MappingPolicy(pdc_threshold=0.9)
    )
    assert strict.status is AdherenceStatus.POOR
