"""Low-dose mirtazapine for sleep is not an antidepressant trial (review 6 finding 10).

one_failed_trial (sertraline 150 mg, adequate, failed; FHIR, mapped by the real mapping) plus
mirtazapine 15 mg "at bedtime as needed for sleep" (asNeededBoolean, when HS) with monthly fills:
the drug table's low_dose_use for mirtazapine (fhir_mapping/data/antidepressants.csv, read by
fhir_mapping/adequacy.judge), which applies only when every dosage says "as needed"
(low_dose_when), makes the course "not a trial", so the optimise card is the
switch/augment card for the failed sertraline, not "raise mirtazapine before judging response".
A mirtazapine course raised to the antidepressant range is still judged as a trial.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir_mapping.build import build_record
from fhir_mapping.record import InadequacyReason, PatientRecord, Verdict
from services.patient_view import patient_view
from services.policy import Policy
from tests.fixtures import builders as b
from tests.fixtures import scenarios

POLICY = Policy()
MIRTAZAPINE_15 = ("311725", "mirtazapine 15 MG Oral Tablet")
START = date(2024, 12, 2)


def _mirtazapine(as_needed: bool, tablets: float, patient: str) -> list[dict[str, Any]]:
    sig = "Take 1 tablet by mouth at bedtime" + (" as needed for sleep" if as_needed else "")
    order = b.medication_request(
        *MIRTAZAPINE_15,
        START,
        tablets,
        "{tbl}",
        text=sig,
        when=("HS",),
        as_needed=as_needed,
        patient=patient,
        id="mr-mirtazapine",
    )
    fills = [
        b.medication_dispense(
            *MIRTAZAPINE_15,
            START + timedelta(days=30 * n),
            30,
            30 * tablets,
            patient=patient,
            prescription="mr-mirtazapine",
            dose_value=tablets,
            text=sig,
            id=f"md-mirtazapine-{n}",
        )
        for n in range(6)
    ]
    return [order, *fills]


def chart(*, as_needed: bool = True, tablets: float = 1) -> PatientRecord:
    s = scenarios.one_failed_trial()
    return build_record(
        [*s.resources, *_mirtazapine(as_needed, tablets, s.patient_id)],
        as_of=s.as_of,
        patient_id=s.patient_id,
        policy=POLICY.mapping,
    )


def test_as_needed_mirtazapine_15_mg_for_sleep_is_not_a_trial() -> None:
    record = chart()
    mirtazapine = next(t for t in record.trials if t.ingredient == "mirtazapine")
    assert mirtazapine.verdict is Verdict.NOT_A_TRIAL
    assert mirtazapine.reasons == (InadequacyReason.LOW_DOSE_OTHER_INDICATION,)
    assert "low-dose use (insomnia), not a trial" in " ".join(mirtazapine.notes)


def test_it_does_not_replace_the_switch_or_augment_card_for_the_failed_trial() -> None:
    cards = {r.topic: r for r in patient_view(chart(), POLICY)}
    card = cards["optimize-switch-augment"]
    # The failed sertraline is raised first (150 of its 50-200 mg/day: review s19 item 3), never
    # the mirtazapine taken as needed for sleep.
    assert card.summary.startswith("1 adequate trial failed (sertraline): raise sertraline 150")
    assert "raise the dose before judging response" not in card.summary
    assert "mirtazapine 15 mg/day" not in card.detail
    assert not any("mirtazapine" in s.label for s in card.suggestions)


def test_a_scheduled_nightly_15_mg_stays_a_trial_below_the_range() -> None:
    # 15 mg is also the labelled antidepressant starting dose: written as a nightly course (not
    # "as needed"), the record does not say it is for sleep, so it stays a trial below the
    # CANMAT range, and the optimise card asks to raise it (low_dose_when = as-needed).
    record = chart(as_needed=False)
    mirtazapine = next(t for t in record.trials if t.ingredient == "mirtazapine")
    assert mirtazapine.verdict is not Verdict.NOT_A_TRIAL
    assert InadequacyReason.LOW_DOSE_OTHER_INDICATION not in mirtazapine.reasons
    card = {r.topic: r for r in patient_view(record, POLICY)}["optimize-switch-augment"]
    assert "mirtazapine" in card.summary.lower()


def test_one_scheduled_dosage_makes_the_course_a_trial() -> None:
    # The order says as needed but a later fill's sig is nightly: a course, not a sleep aid.
    s = scenarios.one_failed_trial()
    resources = _mirtazapine(True, 1, s.patient_id)
    resources[-1]["dosageInstruction"][0].pop("asNeededBoolean", None)
    resources[-1]["dosageInstruction"][0]["text"] = "Take 1 tablet by mouth at bedtime"
    record = build_record(
        [*s.resources, *resources], as_of=s.as_of, patient_id=s.patient_id, policy=POLICY.mapping
    )
    mirtazapine = next(t for t in record.trials if t.ingredient == "mirtazapine")
    assert mirtazapine.verdict is not Verdict.NOT_A_TRIAL


def test_fills_without_a_sig_leave_the_orders_as_needed_standing() -> None:
    s = scenarios.one_failed_trial()
    resources = _mirtazapine(True, 1, s.patient_id)
    for fill in resources[1:]:
        del fill["dosageInstruction"]
    record = build_record(
        [*s.resources, *resources], as_of=s.as_of, patient_id=s.patient_id, policy=POLICY.mapping
    )
    mirtazapine = next(t for t in record.trials if t.ingredient == "mirtazapine")
    assert mirtazapine.verdict is Verdict.NOT_A_TRIAL


def test_mirtazapine_at_an_antidepressant_dose_is_still_a_trial() -> None:
    mirtazapine = next(t for t in chart(tablets=2).trials if t.ingredient == "mirtazapine")
    assert mirtazapine.current_mg_per_day == 30
    assert mirtazapine.verdict is not Verdict.NOT_A_TRIAL
