"""Held orders replaced by a later order, a course scored the day after its last supply, and a
dose to confirm said alike on every card (review 14 recheck: WRONG-1 chart o02, W6 chart r10b,
MINOR k01/k02).

Before: an escitalopram order left on hold after two fills, then a new active order filled
monthly, read "escitalopram on hold, not taken since 2025-06-02 at the latest" beside "1 adequate
trial failed (escitalopram)"; 13 filled weeks (PHQ-9 18 -> 17 the day after the last supply)
put on hold were no trial at all; the trial card said "citalopram dose not recorded" beside the
age card's "up to 30 mg/day (dose to confirm)". The orders and fills are Epic-shaped (the
project's builders: authoredOn with an offset, dispenseRequest with expectedSupplyDuration and
numberOfRepeatsAllowed, MedicationDispense.authorizingPrescription naming its order).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord, Trial
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.trial_table import adherence_text, reason_text
from tests.fixtures import builders as b
from tests.fixtures.scenarios import MDD_RECURRENT_SEVERE, Chart, Step, add_course

AS_OF = date(2025, 6, 2)
POLICY = Policy()
OPTIMISE = "optimize-switch-augment"
ESCITALOPRAM_20 = "351250"


def _chart(name: str, first: date, born: date = date(1975, 5, 5)) -> tuple[Chart, str]:
    c = Chart(name, given="Test", family="Holds", gender="female", birth_date=born)
    enc = c.visit(first)
    mdd = c.diagnosis(MDD_RECURRENT_SEVERE, date(2024, 10, 1), key="mdd", encounter=enc)
    c.phq9(first, 18, 0, encounter=enc)
    return c, mdd


def _record(c: Chart) -> PatientRecord:
    return build_record(c.resources, as_of=AS_OF, patient_id=c.pid, policy=POLICY.mapping)


def _cards(record: PatientRecord) -> list[Recommendation]:
    return list(patient_view(record, POLICY))


def _text(cards: list[Recommendation]) -> str:
    return "\n".join(f"{r.summary}\n{r.detail or ''}" for r in cards)


def _escitalopram(record: PatientRecord) -> Trial:
    (trial,) = [t for t in record.antidepressant_trials() if t.ingredient == "escitalopram"]
    return trial


# ---- 1. a held order replaced by a later active order is history, not a hold ----------------


@pytest.mark.parametrize(
    "refills",
    [
        # 5 refills: the held order's 180 days run out before as-of and a held renewal follows it
        # on 2025-05-31, after the new active order (the recheck's chart o02 exactly).
        5,
        # 6 refills: the held December order alone, the new order from March after it.
        6,
    ],
)
def test_a_held_order_replaced_by_a_later_active_order_is_not_on_hold(refills: int) -> None:
    c, mdd = _chart(f"e1_o02_{refills}", date(2024, 12, 2))
    add_course(
        c,
        "esc1",
        [Step(ESCITALOPRAM_20, date(2024, 12, 2), None)],
        reason=mdd,
        style="unit",
        order_status="on-hold",
        fills=[(date(2024, 12, 2), 30), (date(2025, 1, 1), 30)],
        refills=refills,
    )
    add_course(c, "esc2", [Step(ESCITALOPRAM_20, date(2025, 3, 3), None)], reason=mdd, style="unit")
    c.phq9(AS_OF - timedelta(days=14), 17, 0)
    record = _record(c)
    trial = _escitalopram(record)
    assert trial.on_hold is None
    assert "on hold" not in adherence_text(trial)
    cards = _cards(record)
    text = _text(cards)
    # No hold card, no "on hold" on any card (the adherence card, the PHQ-9 card, the trial),
    # but the optimise card's line naming the held gap and any newer held order (review 14
    # audit W4), which says the course is taken.
    held_line = [p for p in text.split("\n\n") if p.startswith("**Holds:**")]
    assert len(held_line) == 1
    assert "on hold" not in text.replace(held_line[0], "")
    assert "not taken since" not in text
    topics = {r.topic: r for r in cards}
    assert topics[OPTIMISE].summary.startswith("1 adequate trial failed (escitalopram)")


def test_a_held_order_with_fills_after_it_and_no_running_order_stays_on_hold() -> None:
    """The other side: with no other order running, the fills after a held order are its own
    fills before the hold (FHIR R4 gives no hold date): still on hold."""
    c, mdd = _chart("e1_held_only", date(2024, 12, 2))
    add_course(
        c,
        "esc",
        [Step(ESCITALOPRAM_20, date(2024, 12, 2), None)],
        reason=mdd,
        style="unit",
        order_status="on-hold",
        fills=[(date(2024, 12, 2), 30), (date(2025, 1, 1), 30), (date(2025, 1, 31), 30)],
        refills=6,
    )
    trial = _escitalopram(_record(c))
    assert trial.on_hold == date(2025, 3, 2)


# ---- 2. a PHQ-9 in the days after the last supply of a held course is its outcome -----------


def _held_after_fills(name: str, scored: date) -> PatientRecord:
    """13 filled weeks of escitalopram 20 mg (Dec to 2025-03-02), the order then on hold, a
    PHQ-9 18 at the start and 17 on `scored`."""
    c, mdd = _chart(name, date(2024, 12, 2))
    add_course(
        c,
        "esc",
        [Step(ESCITALOPRAM_20, date(2024, 12, 2), None)],
        reason=mdd,
        style="unit",
        order_status="on-hold",
        fills=[(date(2024, 12, 2), 30), (date(2025, 1, 1), 30), (date(2025, 1, 31), 30)],
    )
    c.phq9(scored, 17, 0)
    return _record(c)


def test_a_phq9_the_day_after_the_last_supply_counts_the_held_course_as_a_failed_trial() -> None:
    record = _held_after_fills("e1_r10b", date(2025, 3, 3))
    trial = _escitalopram(record)
    assert trial.on_hold == date(2025, 3, 2)
    assert trial.on_treatment is not None and trial.on_treatment.date == date(2025, 3, 3)
    assert trial.failed
    cards = _cards(record)
    topics = {r.topic: r for r in cards}
    assert topics[OPTIMISE].summary.startswith("1 adequate trial failed (escitalopram)")
    (hold,) = [r for r in cards if r.summary.startswith("escitalopram on hold, not taken since")]
    # Counted as a trial: the hold card asks why it is held, not to hold back the count.
    assert hold.summary == (
        "escitalopram on hold, not taken since 2025-03-02 at the latest: record why it was held"
    )
    assert "PHQ-9 17 on 2025-03-03, 1 day after the last supply, is read as on treatment" in (
        hold.detail or ""
    )


@pytest.mark.parametrize(
    ("scored", "counted"),
    [
        # The last supply covers to 2025-03-01 (Trial.on_hold 2025-03-02); a score up to 30 days
        # after it (MappingPolicy.on_treatment_days_after_end) is the course's, as after a stop.
        (date(2025, 4, 1), True),
        (date(2025, 4, 2), False),
    ],
)
def test_the_grace_after_a_hold_is_the_days_after_a_stop(scored: date, counted: bool) -> None:
    record = _held_after_fills(f"e1_grace_{scored.isoformat()}", scored)
    trial = _escitalopram(record)
    assert trial.held_scored_until == date(2025, 4, 1)
    assert trial.failed is counted
    assert trial.scored_while_held(scored) is not counted
    cards = _cards(record)
    failed = any(r.summary.startswith("1 adequate trial failed (escitalopram)") for r in cards)
    assert failed is counted


def test_a_later_score_while_held_does_not_replace_the_one_in_the_grace_days() -> None:
    """A PHQ-9 in the grace days and another two months into the hold: the first is the
    course's outcome, the later one a score off the drug."""
    c, mdd = _chart("e1_two_scores", date(2024, 12, 2))
    add_course(
        c,
        "esc",
        [Step(ESCITALOPRAM_20, date(2024, 12, 2), None)],
        reason=mdd,
        style="unit",
        order_status="on-hold",
        fills=[(date(2024, 12, 2), 30), (date(2025, 1, 1), 30), (date(2025, 1, 31), 30)],
    )
    c.phq9(date(2025, 3, 10), 17, 0)
    c.phq9(date(2025, 5, 12), 20, 0)
    trial = _escitalopram(_record(c))
    assert trial.on_treatment is not None and trial.on_treatment.date == date(2025, 3, 10)
    assert trial.failed


# ---- 3. a dose to confirm is said alike on the trial card and the age card ------------------


@pytest.mark.parametrize(
    ("rxcui", "display", "lines", "high"),
    [
        (
            "283672",
            "citalopram 10 MG Oral Tablet",
            ((1, "1 tablet (10 mg)"), (2, "2 tablets (20 mg)")),
            "20",
        ),
        (
            "200371",
            "citalopram 20 MG Oral Tablet",
            ((1, "1 tablet (20 mg)"), (1.5, "1.5 tablets (30 mg)")),
            "30",
        ),
    ],
)
def test_a_dose_to_confirm_is_said_alike_on_the_trial_card(
    rxcui: str, display: str, lines: tuple[tuple[float, str], ...], high: str
) -> None:
    c, mdd = _chart(f"e1_k_{high}", date(2025, 2, 3), born=date(1955, 1, 10))
    order = b.medication_request(
        rxcui,
        display,
        date(2025, 3, 3),
        1,
        "tablet",
        1,
        patient=c.pid,
        expected_supply_days=30,
        repeats=5,
        reason_condition=mdd,
    )
    # Two dosage lines with no sequence: read as neither steps nor one day's doses (to confirm).
    order["dosageInstruction"] = [
        b.dosage(units, "tablet", 1, 1, "d", text=f"{word} {taken} by mouth daily", sequence=None)
        for word, (units, taken) in zip(("Take", "Then take"), lines, strict=True)
    ]
    c.add(order)
    record = build_record(c.resources, as_of=AS_OF, patient_id=c.pid, policy=POLICY.mapping)
    (trial,) = record.antidepressant_trials()
    assert trial.dose_to_confirm_mg == float(high)
    (reason,) = trial.reasons
    line = reason_text(trial, reason, POLICY.mapping)
    assert line.startswith(f"dose to confirm (up to {high} mg/day)")
    text = _text(_cards(record))
    assert "dose not recorded" not in text
    assert f"citalopram dose to confirm, up to {high} mg/day" in text
    assert f"dose to confirm (up to {high} mg/day) for 13 weeks" in text
