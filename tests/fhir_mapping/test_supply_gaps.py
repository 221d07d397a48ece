"""Review 6 findings 1, 2, 3, 6 and 9 in the mapping: supply gaps, same-day strengths, statements
on hold, reported adherence and fills without days' supply."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir_mapping.adherence import dispense_adherence, reported_adherence, response_before_gap
from fhir_mapping.build import build_record
from fhir_mapping.events import EventKind, MedicationEvent
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import AdherenceStatus, PatientRecord, RefillGap, Role, SourceRef, Verdict
from tests.fhir_mapping import fhir_resources as fr
from tests.fhir_mapping.vendor_medications import adherence_extension, dispense

Resource = dict[str, Any]
POLICY = MappingPolicy()
AS_OF = date(2025, 6, 2)
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")
VENLAFAXINE_75 = ("313585", "24 HR venlafaxine 75 MG Extended Release Oral Capsule")
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
SERTRALINE_50 = ("312941", "sertraline 50 MG Oral Tablet")


def record_of(*resources: Resource, as_of: date = AS_OF) -> PatientRecord:
    fr.assert_valid(list(resources))
    return build_record([fr.patient(), *resources], as_of=as_of, patient_id=fr.PATIENT)


def order(oid: str, drug: tuple[str, str], authored: date, mg: float, **extra: Any) -> Resource:
    """A US Core order, 1 a day, 30 per fill, no end (as an open ambulatory order is written)."""
    resource: Resource = {
        "resourceType": "MedicationRequest",
        "id": oid,
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": drug[0]}],
            "text": drug[1],
        },
        "subject": {"reference": f"Patient/{fr.PATIENT}"},
        "authoredOn": authored.isoformat(),
        "dosageInstruction": [
            {
                "text": "1 daily",
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [
                    {
                        "doseQuantity": {
                            "value": mg,
                            "unit": "mg",
                            "system": "http://unitsofmeasure.org",
                            "code": "mg",
                        }
                    }
                ],
            }
        ],
        "dispenseRequest": {"numberOfRepeatsAllowed": 11},
    }
    resource.update(extra)
    return resource


def fill(did: str, drug: tuple[str, str], day: date, days: int = 30) -> Resource:
    return dispense(did, drug, day, days=days)


def event(day: date, supply: float | None, mg: float = 100.0, rid: str = "") -> MedicationEvent:
    return MedicationEvent(
        kind=EventKind.DISPENSE,
        ingredient="sertraline",
        drug_class="SSRI",
        role=Role.ANTIDEPRESSANT,
        start=day,
        end=None,
        mg_per_day=mg,
        days_supply=supply,
        status="completed",
        source=SourceRef("MedicationDispense", rid or f"{day.isoformat()}-{mg}"),
    )


# --- finding 2: two strengths filled the same day ------------------------------------------------


def test_two_strengths_filled_the_same_day_cover_the_same_days() -> None:
    # 100 mg + 50 mg tablets, 30 days each, filled together on Jun 3 and Aug 2 only: the patient
    # had 60 days of supply in 119. Carried one after the other they read as PDC 100 %.
    days = [date(2024, 6, 3), date(2024, 8, 2)]
    events = [event(d, 30, mg) for d in days for mg in (100.0, 50.0)]
    result = dispense_adherence(events, window_end=date(2024, 9, 30), policy=POLICY)
    assert result.pdc == round(60 / 119, 4)
    assert result.status is AdherenceStatus.POOR
    assert result.supply_gaps == (RefillGap(date(2024, 7, 3), date(2024, 8, 2)),)


def test_same_day_strengths_are_one_combined_dose_not_alternating_doses() -> None:
    # Venlafaxine 225 mg as a 150 mg and a 75 mg capsule, both ordered and filled monthly.
    start = date(2024, 9, 30)
    resources: list[Resource] = [
        order("mr-v150", VENLAFAXINE_150, start, 150),
        order("mr-v75", VENLAFAXINE_75, start, 75),
    ]
    for n in range(8):
        day = start + timedelta(days=30 * n)
        resources += [
            fill(f"md150-{n}", VENLAFAXINE_150, day),
            fill(f"md75-{n}", VENLAFAXINE_75, day),
        ]
    (trial,) = record_of(*resources).trials
    assert {s.mg_per_day for s in trial.segments} == {225.0}
    assert trial.adherence.pdc is not None and trial.adherence.pdc > 0.95


def test_an_old_order_left_open_beside_a_new_strength_is_not_summed() -> None:
    # 50 mg ordered in June, 100 mg in July; the June order was never closed. Summing them would
    # claim 150 mg: the dose is the latest order's, 100 mg.
    resources = [
        order("mr-50", SERTRALINE_50, date(2024, 6, 3), 50),
        order("mr-100", SERTRALINE_100, date(2024, 7, 1), 100),
    ]
    (trial,) = record_of(*resources).trials
    assert [s.mg_per_day for s in trial.segments] == [50.0, 100.0]


def test_the_same_strength_twice_on_a_day_is_not_summed() -> None:
    # One fill recorded twice (two pharmacy systems): still 100 mg/day, and 30 days of supply.
    resources = [
        order("mr-100", SERTRALINE_100, date(2024, 6, 3), 100),
        fill("md-a", SERTRALINE_100, date(2024, 6, 3)),
        fill("md-b", SERTRALINE_100, date(2024, 6, 3)),
    ]
    (trial,) = record_of(*resources, as_of=date(2024, 7, 1)).trials
    assert {s.mg_per_day for s in trial.segments} == {100.0}


# --- finding 1: a supply lapse, and a relapse off the drug ---------------------------------------


def _lapse_chart() -> list[Resource]:
    """Venlafaxine 150 mg from Jun 2024, monthly fills to Feb 28 2025 (supply to Mar 30), then none
    for 60 days and a refill on May 29. PHQ-9 22 at baseline, 10 in September (response on the
    drug), 21 seven weeks into the lapse."""
    start = date(2024, 6, 3)
    resources: list[Resource] = [order("mr-ven", VENLAFAXINE_150, start, 150)]
    day = start
    n = 0
    while day <= date(2025, 2, 28):
        resources.append(fill(f"md-{n}", VENLAFAXINE_150, day))
        day += timedelta(days=30)
        n += 1
    resources.append(fill("md-late", VENLAFAXINE_150, date(2025, 5, 29)))
    resources += [
        fr.phq9_total("phq-0", start, 22),
        fr.phq9_total("phq-1", date(2024, 9, 30), 10),
        fr.phq9_total("phq-2", date(2025, 5, 19), 21),
    ]
    return resources


def test_a_60_day_lapse_is_named_and_not_counted_as_time_on_the_drug() -> None:
    (trial,) = record_of(*_lapse_chart()).trials
    assert trial.adherence.pdc is not None and trial.adherence.pdc >= POLICY.pdc_threshold
    assert trial.adherence.refill_gaps == ()  # under the 14-week treatment-break threshold
    (gap,) = trial.adherence.supply_gaps
    assert gap.days == 60 and gap.end == date(2025, 5, 29)
    # The open order no longer covers the lapse: no segment overlaps it.
    assert all(s.end <= gap.start or s.start >= gap.end for s in trial.segments)
    assert trial.weeks_at_adequate_dose < (AS_OF - trial.start).days / 7 - 8


def test_a_phq9_taken_in_the_lapse_does_not_make_the_trial_failed() -> None:
    record = record_of(*_lapse_chart())
    (trial,) = record.trials
    assert trial.verdict is Verdict.ADEQUATE
    assert trial.on_treatment is not None and trial.on_treatment.value == 21
    assert trial.outcome_gap is not None
    assert not trial.failed
    earlier = response_before_gap(trial, record.phq9(), from_week=POLICY.on_treatment_from_week)
    assert earlier is not None and (earlier.value, earlier.date) == (10, date(2024, 9, 30))


def test_without_the_lapse_the_same_scores_make_a_failed_trial() -> None:
    # The control: fills every month, the last PHQ-9 on the drug: counted as failed (the check
    # above can fail).
    resources = [r for r in _lapse_chart() if r.get("id") != "md-late"]
    for n, day in enumerate([date(2025, 3, 30), date(2025, 4, 29), date(2025, 5, 29)]):
        resources.append(fill(f"md-more-{n}", VENLAFAXINE_150, day))
    (trial,) = record_of(*resources).trials
    assert trial.adherence.supply_gaps == ()
    assert trial.outcome_gap is None and trial.failed


# --- finding 3: a statement on hold --------------------------------------------------------------


def test_a_statement_on_hold_is_not_counted_as_taken_up_to_today() -> None:
    held = fr.medication_statement(
        "ms-ven",
        VENLAFAXINE_150[0],
        VENLAFAXINE_150[1],
        date(2025, 2, 24),
        status="on-hold",
        dose_mg=150,
    )
    scores = [
        fr.phq9_total("p1", date(2025, 1, 27), 22),
        fr.phq9_total("p2", date(2025, 5, 19), 21),
    ]
    (trial,) = record_of(held, *scores).trials
    assert trial.weeks_at_adequate_dose == 0
    assert trial.on_hold == date(2025, 2, 24)
    assert trial.verdict is not Verdict.ADEQUATE and not trial.failed
    # The same statement `active` is counted to as-of (the check above can fail).
    active = dict(held, status="active")
    (running,) = record_of(active, *scores).trials
    assert running.weeks_at_adequate_dose > 13 and running.on_hold is None


def test_a_statement_on_hold_is_covered_up_to_its_date_asserted() -> None:
    held = fr.medication_statement(
        "ms-ven",
        VENLAFAXINE_150[0],
        VENLAFAXINE_150[1],
        date(2024, 6, 3),
        status="on-hold",
        dose_mg=150,
    )
    held["dateAsserted"] = "2024-09-02"
    scores = [fr.phq9_total("p1", date(2024, 6, 3), 22), fr.phq9_total("p2", date(2025, 5, 19), 21)]
    (trial,) = record_of(held, *scores).trials
    assert trial.weeks_at_adequate_dose == 13
    assert trial.on_hold == date(2024, 9, 2)
    assert trial.verdict is Verdict.ADEQUATE
    assert not trial.failed  # the PHQ-9 was taken after the hold: to confirm


def test_a_held_maoi_stays_in_view_of_the_interaction_checks() -> None:
    # Held on an unknown day: the course runs on for the MAOI checks (the safer reading), while
    # none of that time counts as a trial.
    held = fr.medication_statement(
        "ms-phen",
        "312347",
        "phenelzine 15 MG Oral Tablet",
        date(2025, 5, 1),
        status="on-hold",
        dose_mg=45,
    )
    (trial,) = record_of(held).trials
    assert trial.ongoing and trial.end == AS_OF
    assert trial.weeks_at_adequate_dose == 0 and trial.on_hold == date(2025, 5, 1)


# --- finding 6: who reported adherence -----------------------------------------------------------


def test_reported_compliance_is_worded_as_a_report_by_the_patient() -> None:
    statement = fr.medication_statement(
        "ms-ven", VENLAFAXINE_150[0], VENLAFAXINE_150[1], date(2024, 9, 30), dose_mg=150
    )
    statement["extension"] = [
        adherence_extension("1156699004", "Complies with drug therapy", date(2025, 5, 19))
    ]
    report = reported_adherence(statement)
    assert report is not None and report.reported_by == "patient"
    (trial,) = record_of(statement).trials
    assert trial.adherence.status is AdherenceStatus.VERIFIED  # not contradicted (rule semantics)
    assert trial.adherence.pdc is None
    assert trial.adherence.documented == (
        "reported by patient (2025-05-19): Complies with drug therapy (MedicationStatement/ms-ven)"
    )


# --- finding 9: fills without days' supply ---------------------------------------------------------


def test_fills_without_days_supply_are_counted_as_fills() -> None:
    events = [event(date(2024, 6, 3), None), event(date(2024, 7, 3), None)]
    result = dispense_adherence(events, window_end=date(2024, 8, 1), policy=POLICY)
    assert (result.status, result.fills, result.pdc) == (AdherenceStatus.UNVERIFIED, 2, None)
