"""Medication events -> trials: merging, gaps, dose segments, weeks, verdicts (episodes.py)."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping.drug_table import DrugInfo
from fhir_mapping.episode import add_months, current_episode_start
from fhir_mapping.episodes import ASSUMED_DAYS_WITHOUT_DURATION, build_trials
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    AdherenceStatus,
    DoseSegment,
    Finding,
    FindingKind,
    InadequacyReason,
    RefillGap,
    Role,
    Score,
    SourceRef,
    Verdict,
)

A = Role.ANTIDEPRESSANT
AUG = Role.AUGMENTATION


def _info(
    name: str,
    cls: str,
    role: Role,
    low: float | None,
    high: float | None,
    low_dose: str | None = None,
) -> DrugInfo:
    return DrugInfo(
        name, cls, role, None, None, low, high, "1st", low_dose, "test table", "confirmed"
    )


# A test drug table (independent of the shipped one): CANMAT 2023 lower bounds.
TABLE = {
    ("sertraline", A): _info("sertraline", "SSRI", A, 50, 200),
    ("escitalopram", A): _info("escitalopram", "SSRI", A, 10, 20),
    ("fluoxetine", A): _info("fluoxetine", "SSRI", A, 20, 60),
    ("venlafaxine", A): _info("venlafaxine", "SNRI", A, 75, 225),
    ("trazodone", A): _info("trazodone", "SARI", A, 150, 400, "insomnia"),
    ("bupropion", A): _info("bupropion", "NDRI", A, 150, 450),
    ("bupropion", AUG): _info("bupropion", "NDRI", AUG, 150, 450),
    ("aripiprazole", AUG): _info("aripiprazole", "atypical antipsychotic", AUG, 2, 10),
    ("agomelatine", A): _info("agomelatine", "melatonergic", A, None, None),
}


def lookup(ingredient: str, role: Role) -> DrugInfo | None:
    return TABLE.get((ingredient, role))


def ev(
    kind: EventKind,
    ingredient: str,
    start: date,
    *,
    mg: float | None,
    status: str,
    end: date | None = None,
    supply: float | None = None,
    role: Role = A,
    rid: str | None = None,
) -> MedicationEvent:
    rtype = {
        EventKind.ORDER: "MedicationRequest",
        EventKind.STATEMENT: "MedicationStatement",
        EventKind.DISPENSE: "MedicationDispense",
    }[kind]
    cls = TABLE.get((ingredient, role), TABLE.get((ingredient, A)))
    return MedicationEvent(
        kind=kind,
        ingredient=ingredient,
        drug_class=cls.drug_class if cls else "?",
        role=role,
        start=start,
        end=end,
        mg_per_day=mg,
        days_supply=supply,
        status=status,
        source=SourceRef(rtype, rid or f"{ingredient}-{kind.value}-{start.isoformat()}"),
    )


def order(
    ingredient: str, start: date, mg: float | None, status: str = "completed", **kw: object
) -> MedicationEvent:
    return ev(EventKind.ORDER, ingredient, start, mg=mg, status=status, **kw)  # type: ignore[arg-type]


def dispense(
    ingredient: str, start: date, mg: float | None, supply: float | None, **kw: object
) -> MedicationEvent:
    return ev(EventKind.DISPENSE, ingredient, start, mg=mg, status="completed", supply=supply, **kw)  # type: ignore[arg-type]


def trials(events: list[MedicationEvent], as_of: date, policy: MappingPolicy | None = None):  # type: ignore[no-untyped-def]
    return build_trials(events, as_of=as_of, policy=policy, drug_lookup=lookup)


def test_reorders_of_one_drug_merge_into_one_trial() -> None:
    # Synthea-style: each re-order completes the previous one, none states a duration.
    events = [
        order("sertraline", date(2024, 1, 1), 100),
        order("sertraline", date(2024, 3, 1), 100),
        order("sertraline", date(2024, 5, 1), 100),
    ]
    (trial,) = trials(events, date(2025, 1, 1))
    assert (trial.start, trial.end, trial.ongoing) == (date(2024, 1, 1), date(2024, 5, 31), False)
    assert trial.segments == (DoseSegment(date(2024, 1, 1), date(2024, 5, 31), 100.0),)
    assert trial.weeks_at_adequate_dose == pytest.approx(151 / 7)
    assert trial.verdict is Verdict.ADEQUATE
    assert trial.reasons == ()
    assert trial.adherence.status is AdherenceStatus.UNVERIFIED
    assert len(trial.sources) == 3
    # The last order had no duration: the assumed 30 days are said in a note.
    assert any("no duration stated; counted 30 days" in n for n in trial.notes)
    assert ASSUMED_DAYS_WITHOUT_DURATION == 30


def test_dispense_gaps_refill_gap_and_new_trial_after_26_weeks() -> None:
    events = [
        dispense("escitalopram", date(2024, 1, 1), 10, 30),
        dispense("escitalopram", date(2024, 1, 31), 10, 30),
        dispense("escitalopram", date(2024, 3, 1), 10, 30),
        # 106 days without supply (2024-03-31 -> 2024-07-15): a refill gap (> 14 weeks)...
        dispense("escitalopram", date(2024, 7, 15), 10, 30),
        dispense("escitalopram", date(2024, 8, 14), 10, 30),
        # ...200 days without supply (2024-09-13 -> 2025-04-01): a new trial (> 26 weeks).
        dispense("escitalopram", date(2025, 4, 1), 10, 30),
    ]
    first, second = trials(events, date(2025, 6, 1))
    assert (first.start, first.end, first.ongoing) == (date(2024, 1, 1), date(2024, 9, 13), False)
    assert first.segments == (
        DoseSegment(date(2024, 1, 1), date(2024, 3, 31), 10.0),
        DoseSegment(date(2024, 7, 15), date(2024, 9, 13), 10.0),
    )
    # The longest run held at the dose, not 90 + 60 days across the 106-day gap (adeq70:
    # adequate_runs.py, review K69a finding 3).
    assert first.weeks_at_adequate_dose == pytest.approx(90 / 7)
    assert first.adherence.status is AdherenceStatus.POOR
    assert first.adherence.pdc == pytest.approx(round(150 / 256, 4))
    assert first.adherence.refill_gaps == (RefillGap(date(2024, 3, 31), date(2024, 7, 15)),)
    assert first.verdict is Verdict.INADEQUATE
    assert first.reasons == (InadequacyReason.POOR_ADHERENCE,)

    assert (second.start, second.end, second.ongoing) == (date(2025, 4, 1), date(2025, 5, 1), False)
    # One 30-day fill over a 30-day course: no refill to judge, so no PDC.
    assert second.adherence.status is AdherenceStatus.UNVERIFIED
    assert second.adherence.pdc is None
    assert second.weeks_at_adequate_dose == pytest.approx(30 / 7)
    assert second.verdict is Verdict.INADEQUATE
    assert second.reasons == (InadequacyReason.TOO_SHORT,)


def test_orders_more_than_26_weeks_apart_are_two_trials() -> None:
    events = [
        order("sertraline", date(2023, 1, 1), 50, supply=90),
        order("sertraline", date(2023, 10, 15), 50, supply=90),  # 197 days after 2023-04-01
    ]
    first, second = trials(events, date(2024, 6, 1))
    assert (first.start, first.end) == (date(2023, 1, 1), date(2023, 4, 1))
    assert (second.start, second.end) == (date(2023, 10, 15), date(2024, 1, 13))
    assert first.weeks_at_adequate_dose == pytest.approx(90 / 7)
    assert [t.verdict for t in (first, second)] == [Verdict.ADEQUATE, Verdict.ADEQUATE]


def test_dose_change_is_a_new_segment_not_a_new_trial() -> None:
    events = [
        order("venlafaxine", date(2024, 1, 1), 75, status="active"),
        order("venlafaxine", date(2024, 3, 1), 150, status="active"),
    ]
    (trial,) = trials(events, date(2024, 6, 1))
    assert trial.segments == (
        DoseSegment(date(2024, 1, 1), date(2024, 3, 1), 75.0),
        DoseSegment(date(2024, 3, 1), date(2024, 6, 1), 150.0),
    )
    assert (trial.end, trial.ongoing) == (date(2024, 6, 1), True)
    assert trial.weeks_at_adequate_dose == pytest.approx(152 / 7)
    assert trial.verdict is Verdict.ADEQUATE
    assert trial.current_mg_per_day == 150.0
    assert trial.max_mg_per_day == 150.0


def test_titration_below_minimum_then_too_short_at_minimum() -> None:
    events = [
        order("sertraline", date(2024, 1, 1), 25, supply=28),
        order("sertraline", date(2024, 1, 29), 50, supply=21),
    ]
    (trial,) = trials(events, date(2024, 12, 1))
    assert trial.segments == (
        DoseSegment(date(2024, 1, 1), date(2024, 1, 29), 25.0),
        DoseSegment(date(2024, 1, 29), date(2024, 2, 19), 50.0),
    )
    assert trial.weeks_at_adequate_dose == 3.0
    assert trial.verdict is Verdict.INADEQUATE
    assert trial.reasons == (InadequacyReason.DOSE_BELOW_MINIMUM, InadequacyReason.TOO_SHORT)


def test_long_course_below_minimum_is_not_too_short() -> None:
    (trial,) = trials([order("sertraline", date(2024, 1, 1), 25, supply=140)], date(2024, 12, 1))
    assert trial.weeks_at_adequate_dose == 0.0
    assert trial.reasons == (InadequacyReason.DOSE_BELOW_MINIMUM,)


def test_active_order_not_yet_long_enough_is_ongoing() -> None:
    (trial,) = trials(
        [order("fluoxetine", date(2024, 5, 1), 20, status="active")], date(2024, 5, 29)
    )
    assert (trial.end, trial.ongoing) == (date(2024, 5, 29), True)
    assert trial.weeks_at_adequate_dose == 4.0
    assert trial.verdict is Verdict.ONGOING
    assert trial.reasons == ()
    (low,) = trials([order("fluoxetine", date(2024, 5, 1), 10, status="active")], date(2024, 5, 29))
    assert low.verdict is Verdict.ONGOING
    assert low.reasons == (InadequacyReason.DOSE_BELOW_MINIMUM,)
    # The same order on hold, never filled, shows no drug taken: no trial, to confirm (review 14
    # W6; test_b4_order_status.py).
    (held,) = trials(
        [order("fluoxetine", date(2024, 5, 1), 10, status="on-hold")], date(2024, 5, 29)
    )
    assert held.reasons == (InadequacyReason.NOT_SHOWN_TAKEN,)


def test_low_dose_trazodone_for_sleep_is_not_a_trial() -> None:
    (trial,) = trials([order("trazodone", date(2024, 1, 1), 50, supply=140)], date(2024, 12, 1))
    assert trial.verdict is Verdict.NOT_A_TRIAL
    assert trial.reasons == (InadequacyReason.LOW_DOSE_OTHER_INDICATION,)
    assert trial.notes[-1] == (
        "trazodone at most 50 mg/day, below the antidepressant range (>= 150 mg/day): "
        "low-dose use (insomnia), not a trial"
    )
    (full,) = trials([order("trazodone", date(2024, 1, 1), 300, supply=140)], date(2024, 12, 1))
    assert full.verdict is Verdict.ADEQUATE


def test_unknown_dose_and_unverified_minimum() -> None:
    (trial,) = trials([order("sertraline", date(2024, 1, 1), None, supply=120)], date(2024, 12, 1))
    assert trial.segments == (DoseSegment(date(2024, 1, 1), date(2024, 4, 30), None),)
    assert trial.weeks_at_adequate_dose == 0.0
    assert trial.verdict is Verdict.INADEQUATE
    assert trial.reasons == (InadequacyReason.DOSE_UNKNOWN,)
    (ago,) = trials([order("agomelatine", date(2024, 1, 1), 25, supply=120)], date(2024, 12, 1))
    assert ago.min_adequate_mg is None
    assert ago.reasons == (InadequacyReason.DOSE_UNKNOWN,)
    assert "no verified minimum adequate dose for agomelatine in the drug table" in ago.notes


def test_unknown_dose_event_does_not_erase_a_known_dose() -> None:
    events = [
        order("sertraline", date(2024, 1, 1), 100, supply=30),
        ev(
            EventKind.STATEMENT,
            "sertraline",
            date(2024, 1, 31),
            mg=None,
            status="completed",
            end=date(2024, 3, 31),
        ),
    ]
    (trial,) = trials(events, date(2024, 12, 1))
    assert trial.segments == (DoseSegment(date(2024, 1, 1), date(2024, 3, 31), 100.0),)
    assert trial.weeks_at_adequate_dose == pytest.approx(90 / 7)


def test_a_switch_cuts_the_old_orders_supply() -> None:
    events = [
        order("sertraline", date(2024, 1, 1), 100, supply=90),  # 30 days x (1 + 2 repeats)
        order("venlafaxine", date(2024, 2, 1), 75, status="active"),
    ]
    sertraline, venlafaxine = trials(events, date(2024, 5, 1))
    assert (sertraline.ingredient, sertraline.end) == ("sertraline", date(2024, 2, 1))
    assert sertraline.verdict is Verdict.INADEQUATE
    assert sertraline.reasons == (InadequacyReason.TOO_SHORT,)
    assert (venlafaxine.start, venlafaxine.end, venlafaxine.ongoing) == (
        date(2024, 2, 1),
        date(2024, 5, 1),
        True,
    )


def test_stopped_order_without_duration_ends_at_the_next_drug_within_30_days() -> None:
    events = [
        order("sertraline", date(2024, 1, 1), 100, status="stopped"),
        order("escitalopram", date(2024, 1, 20), 10, status="active"),
    ]
    sertraline, _ = trials(events, date(2024, 3, 1))
    assert sertraline.end == date(2024, 1, 20)
    assert sertraline.notes == (
        "MedicationRequest/sertraline-order-2024-01-01: no duration stated; counted 19 days from 2024-01-01",
    )


def test_statement_period_end_and_ignored_statuses() -> None:
    events = [
        ev(
            EventKind.STATEMENT,
            "fluoxetine",
            date(2023, 2, 1),
            mg=40,
            status="completed",
            end=date(2023, 6, 1),
        ),
        ev(
            EventKind.STATEMENT,
            "sertraline",
            date(2023, 2, 1),
            mg=100,
            status="not-taken",
            end=date(2023, 6, 1),
        ),
        ev(
            EventKind.STATEMENT,
            "sertraline",
            date(2023, 2, 1),
            mg=100,
            status="entered-in-error",
            end=date(2023, 6, 1),
        ),
        order("venlafaxine", date(2023, 3, 1), 150, status="cancelled", supply=90),
        order("venlafaxine", date(2023, 3, 2), 150, status="draft", supply=90),
        order("venlafaxine", date(2023, 3, 3), 150, status="entered-in-error", supply=90),
        ev(
            EventKind.DISPENSE,
            "escitalopram",
            date(2023, 3, 1),
            mg=10,
            status="declined",
            supply=30,
        ),
        order("bupropion", date(2023, 9, 1), 300, status="active"),  # after as-of
    ]
    (trial,) = trials(events, date(2023, 8, 1))
    assert (trial.ingredient, trial.start, trial.end) == (
        "fluoxetine",
        date(2023, 2, 1),
        date(2023, 6, 1),
    )
    assert trial.weeks_at_adequate_dose == pytest.approx(120 / 7)


def test_augmentation_agent_is_judged_against_its_target_minimum() -> None:
    events = [
        order("sertraline", date(2024, 1, 1), 150, status="active"),
        order("aripiprazole", date(2024, 4, 1), 5, status="active", role=AUG),
    ]
    sertraline, aripiprazole = trials(events, date(2024, 6, 1))
    assert sertraline.role is A
    assert (aripiprazole.role, aripiprazole.min_adequate_mg) == (AUG, 2)
    assert aripiprazole.weeks_at_adequate_dose == pytest.approx(61 / 7)
    assert aripiprazole.verdict is Verdict.ADEQUATE
    # The adjunct is no switch: sertraline's course is not cut by it.
    assert (sertraline.end, sertraline.ongoing) == (date(2024, 6, 1), True)


def test_dual_role_drug_added_to_a_running_antidepressant_is_augmentation() -> None:
    added = trials(
        [
            order("sertraline", date(2024, 1, 1), 150, status="active"),
            order("bupropion", date(2024, 3, 1), 150, status="active"),
        ],
        date(2024, 6, 1),
    )
    assert [(t.ingredient, t.role) for t in added] == [("sertraline", A), ("bupropion", AUG)]
    alone = trials([order("bupropion", date(2024, 3, 1), 150, status="active")], date(2024, 6, 1))
    assert [(t.ingredient, t.role) for t in alone] == [("bupropion", A)]


def test_same_day_order_dose_wins_over_dispense_and_duplicates_count_once() -> None:
    base = order("sertraline", date(2024, 1, 1), 100, supply=56)
    events = [base, base, dispense("sertraline", date(2024, 1, 1), 50, 28)]
    (trial,) = trials(events, date(2024, 12, 1))
    # Issue 10: with a dispense of the order, the covered time is the dispensed 28 days, not the
    # order's 56 (it used to be).
    assert trial.segments == (DoseSegment(date(2024, 1, 1), date(2024, 1, 29), 100.0),)
    assert trial.weeks_at_adequate_dose == 4.0


def test_policy_thresholds_are_used() -> None:
    events = [order("sertraline", date(2024, 1, 1), 100, supply=56)]
    (default,) = trials(events, date(2024, 12, 1))
    assert default.verdict is Verdict.ADEQUATE
    (strict,) = trials(events, date(2024, 12, 1), MappingPolicy(min_adequate_weeks=10))
    assert (strict.verdict, strict.reasons) == (Verdict.INADEQUATE, (InadequacyReason.TOO_SHORT,))


# --- the current episode (episode.py) -----------------------------------------------------------


def _phq9(day: date, value: int) -> Score:
    return Score("PHQ-9", value, day, None, SourceRef("Observation", day.isoformat()))


def _course(
    ingredient: str, start: date, end: date, mg: float = 150, role: Role = A
) -> MedicationEvent:
    return ev(EventKind.STATEMENT, ingredient, start, mg=mg, status="completed", end=end, role=role)


AS_OF_EPISODE = date(2024, 6, 1)


def episode_start(
    events: list[MedicationEvent], scores: list[Score], findings: tuple[Finding, ...] = ()
) -> date | None:
    built = trials(events, AS_OF_EPISODE)
    return current_episode_start(built, scores, findings, as_of=AS_OF_EPISODE)


def test_sustained_remission_starts_a_new_episode() -> None:
    # Remission on continued sertraline (no treatment gap), then a new course after relapse.
    events = [
        _course("sertraline", date(2022, 1, 1), date(2023, 2, 1)),
        _course("venlafaxine", date(2023, 3, 1), date(2023, 9, 1)),
    ]
    remission = [
        _phq9(date(2022, 7, 1), 3),
        _phq9(date(2022, 10, 1), 4),
        _phq9(date(2023, 1, 15), 2),
    ]
    assert episode_start(events, remission) == date(2023, 3, 1)
    # Five and a half months of PHQ-9 < 5 is not enough: one episode since the first trial.
    short = [_phq9(date(2022, 7, 1), 3), _phq9(date(2022, 12, 15), 2)]
    assert episode_start(events, short) == date(2022, 1, 1)
    # A score >= 5 inside the run breaks it.
    broken = [_phq9(date(2022, 7, 1), 3), _phq9(date(2022, 10, 1), 9), _phq9(date(2023, 1, 15), 2)]
    assert episode_start(events, broken) == date(2022, 1, 1)


def test_treatment_free_gap_ending_in_remission_starts_a_new_episode() -> None:
    events = [
        _course("sertraline", date(2022, 1, 1), date(2022, 6, 1)),
        _course("venlafaxine", date(2023, 6, 1), date(2023, 12, 1)),
    ]
    assert episode_start(events, [_phq9(date(2022, 8, 1), 12), _phq9(date(2023, 4, 1), 3)]) == date(
        2023, 6, 1
    )
    # The gap's last score is not remission, or there is no score at all: no break.
    assert episode_start(events, [_phq9(date(2022, 8, 1), 3), _phq9(date(2023, 4, 1), 14)]) == date(
        2022, 1, 1
    )
    assert episode_start(events, []) == date(2022, 1, 1)


def test_depression_onset_before_the_first_trial_and_no_data() -> None:
    events = [_course("sertraline", date(2023, 1, 1), date(2023, 6, 1))]
    onset = (
        Finding(
            FindingKind.DEPRESSION,
            "F33.1",
            "http://hl7.org/fhir/sid/icd-10-cm",
            "MDD",
            date(2022, 11, 5),
        ),
    )
    assert episode_start(events, [], onset) == date(2022, 11, 5)
    assert episode_start([], []) is None


def test_remission_with_no_later_trial_starts_at_relapse_or_the_break() -> None:
    events = [_course("sertraline", date(2022, 1, 1), date(2022, 6, 1))]
    remission = [_phq9(date(2022, 7, 1), 3), _phq9(date(2023, 1, 10), 2)]
    assert episode_start(events, remission) == date(2023, 1, 10)
    assert episode_start(events, [*remission, _phq9(date(2024, 2, 1), 15)]) == date(2024, 2, 1)


def test_low_dose_trazodone_and_adjuncts_do_not_bridge_a_gap() -> None:
    events = [
        _course("sertraline", date(2022, 1, 1), date(2022, 6, 1)),
        _course("trazodone", date(2022, 6, 1), date(2023, 6, 1), mg=50),
        _course("aripiprazole", date(2022, 6, 1), date(2023, 6, 1), mg=5, role=AUG),
        _course("venlafaxine", date(2023, 6, 1), date(2023, 12, 1)),
    ]
    assert episode_start(events, [_phq9(date(2023, 4, 1), 2)]) == date(2023, 6, 1)


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(date(2023, 8, 31), 6) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 15), 6) == date(2023, 7, 15)
    assert add_months(date(2023, 9, 30), 6) == date(2024, 3, 30)


def test_remission_follows_the_clinic_cut_off() -> None:
    from dataclasses import replace

    from fhir_mapping.record import Score

    (trial,) = trials(
        [order("sertraline", date(2024, 1, 1), 100, status="active")],
        date(2024, 6, 1),
        MappingPolicy(remission_below=4),
    )
    scored = replace(trial, on_treatment=Score("PHQ-9", 4, date(2024, 3, 1)))
    assert scored.remission_below == 4
    assert scored.remission is False
    assert replace(scored, remission_below=5).remission is True
