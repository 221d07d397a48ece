"""Review 10 findings 6, 13 and 16 on the optimise / switch / augment card.

- 6: mirtazapine 15 mg at night added to a failed sertraline (52 weeks at 150 mg, PHQ-9 23 -> 21)
  never becomes a judged trial (below its CANMAT 2023 Table 7.2 range of 30-60 mg/day), and waiting
  for it silenced the card for as long as it ran: PHQ-9 21 after a year gave an empty screen. Past
  policy.below_range_grace_weeks the adjunct is named, with a raise, and the options to change
  strategy; a pending course blocks switching only while it can still become a judged trial.
- 13: a TMS course in this episode keeps the TMS card away; the optimise card names it (dates,
  sessions, PHQ-9s) and what LCD L37086 asks of a retreatment.
- 16: a failure read only from a course having stopped, with no PHQ-9 on it, is never called an
  "adequate trial failed" in the summary.

Charts are FHIR as a US EHR writes them (tests/fixtures/builders.py: orders with monthly fills,
PHQ-9 panels, CPT-coded TMS Procedures), mapped by the real mapping; the dose-unknown bound is a
rule test on a hand-built record.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fhir_mapping.build import build_record
from fhir_mapping.record import InadequacyReason, PatientRecord, Role, Verdict
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules import optimize_switch_augment
from services.rules.optimize.courses import below_range_adjuncts, not_yet_judged
from tests.fixtures import builders as b
from tests.fixtures import scenarios
from tests.fixtures.scenarios import MDD_RECURRENT_SEVERE, PSYCH_INTAKE, Chart, Step, add_course
from tests.services import factories as f
from tests.services.helpers import assert_valid_proposals, ctx, tms_sessions, weekdays

POLICY = Policy()
TOPIC = "optimize-switch-augment"
MIRTAZAPINE_15 = ("311725", "mirtazapine 15 MG Oral Tablet")
SIG = "Take 1 tablet by mouth at bedtime"


def _mirtazapine_nightly(c: Chart, start: date) -> None:
    """Mirtazapine 15 mg every night (scheduled, not as needed), filled every 30 days."""
    order_id = c.id("mirtazapine", "order")
    c.add(
        b.medication_request(
            *MIRTAZAPINE_15,
            start,
            1,
            "{tbl}",
            text=SIG,
            when=("HS",),
            patient=c.pid,
            id=order_id,
        )
    )
    fill = start
    n = 0
    while fill < c.as_of:
        c.add(
            b.medication_dispense(
                *MIRTAZAPINE_15,
                fill,
                30,
                30,
                patient=c.pid,
                prescription=order_id,
                dose_value=1,
                text=SIG,
                id=c.id("mirtazapine", f"fill-{n}"),
            )
        )
        fill += timedelta(days=30)
        n += 1


def sertraline_plus_mirtazapine(mirtazapine_start: date, as_of: date = scenarios.AS_OF) -> Chart:
    """F33.2 from 2024-05-20; sertraline 150 mg daily since 2024-06-03 with monthly fills
    (PHQ-9 23 -> 21 on 2024-09-30: an adequate trial without response, still running), then
    mirtazapine 15 mg at night added; PHQ-9 22 when it was added, 21 on 2025-05-19."""
    c = Chart(
        "review10_mirtazapine_adjunct",
        given="Maria",
        family="Lopes",
        gender="female",
        birth_date=date(1975, 2, 11),
        as_of=as_of,
    )
    intake = c.visit(date(2024, 5, 20), PSYCH_INTAKE, 60)
    mdd = c.diagnosis(MDD_RECURRENT_SEVERE, date(2024, 5, 20), key="mdd", encounter=intake)
    c.phq9(date(2024, 6, 3), 23, 0, encounter=c.visit(date(2024, 6, 3)))
    add_course(c, "sertraline", [Step("410584", date(2024, 6, 3), None)], reason=mdd, style="mg")
    c.phq9(date(2024, 9, 30), 21, 0, encounter=c.visit(date(2024, 9, 30)))
    if mirtazapine_start - timedelta(days=30) > date(2024, 9, 30):
        c.phq9(mirtazapine_start, 22, 0, encounter=c.visit(mirtazapine_start))
    _mirtazapine_nightly(c, mirtazapine_start)
    if date(2025, 5, 19) <= as_of:
        c.phq9(date(2025, 5, 19), 21, 0, encounter=c.visit(date(2025, 5, 19)))
    c.background(date(2015, 3, 2))
    return c


def mapped(c: Chart) -> PatientRecord:
    return build_record(c.resources, as_of=c.as_of, patient_id=c.pid, policy=POLICY.mapping)


def optimise(record: PatientRecord) -> Recommendation:
    rec = optimize_switch_augment.rule(ctx(record, POLICY))
    assert rec is not None
    return rec


# --- finding 6 ------------------------------------------------------------------------------------
def test_a_below_range_adjunct_on_a_failed_ssri_is_named_not_silent() -> None:
    c = sertraline_plus_mirtazapine(date(2025, 1, 27))
    record = mapped(c)
    mirtazapine = next(t for t in record.trials if t.ingredient == "mirtazapine")
    assert mirtazapine.role is Role.AUGMENTATION
    assert mirtazapine.verdict is Verdict.ONGOING  # below 30 mg/day: never a judged trial
    cards = {r.topic: r for r in patient_view(record, POLICY)}
    card = cards[TOPIC]  # before: no card at all on this chart
    assert card.summary == (
        "Mirtazapine 15 mg/day added 2025-01-27 (18 weeks), below the 30 mg/day CANMAT adjunct "
        "dose; PHQ-9 21: raise it or change strategy"
    )
    assert len(card.summary) <= 140
    assert (
        "**Adjunct below its range:** mirtazapine 15 mg/day added 2025-01-27 (18 weeks) is below "
        "the adjunct range 30-45 mg/day (the US label's maximum, Remeron US label 2.1; CANMAT "
        "2023 Table 7.2 lists up to 60); PHQ-9 22 (2025-01-27) → 21 "
        "(2025-05-19), -5 %: raise it or change strategy" in card.detail
    )
    # Changing strategy: the failed SSRI is named, the switch options and the adjuncts listed.
    assert "**Switch:** Failed, not proposed: SSRI (sertraline)." in card.detail
    assert "**Augment:** Adjuncts already used in this episode: mirtazapine." in card.detail
    assert "Not judged yet" not in card.detail
    # One click raises the adjunct; no second adjunct is stacked on it by one click.
    assert [s.label for s in card.suggestions] == ["Raise mirtazapine to 30 mg/day"]
    assert_valid_proposals(card, c.pid)
    # Added 10 days ago instead (policy.below_range_grace_weeks = 2): a first step, not yet a
    # dose to raise; it is left to run (pending) and not named as below its range.
    as_of = date(2025, 6, 2)
    early = ctx(mapped(sertraline_plus_mirtazapine(as_of - timedelta(days=10), as_of)), POLICY)
    assert below_range_adjuncts(early) == ()
    assert [t.ingredient for t in not_yet_judged(early)] == ["mirtazapine"]


def test_a_course_with_no_known_dose_blocks_switching_only_for_its_first_weeks() -> None:
    # Venlafaxine running with no readable dose after a failed sertraline: it can never become
    # a judged trial, so it blocks a switch only for its first min_adequate_weeks (6).
    def chart(weeks: float) -> PatientRecord:
        venlafaxine = f.trial(
            "venlafaxine",
            "SNRI",
            start=f.AS_OF - timedelta(weeks=weeks),
            mg=None,
            min_mg=75,
            max_mg=225,
            verdict=Verdict.ONGOING,
            reasons=(InadequacyReason.DOSE_UNKNOWN,),
            weeks_adequate=0,
            baseline=None,
            after=None,
            ongoing=True,
        )
        return f.trd_record(trials=(f.sertraline_failed(), venlafaxine))

    early = ctx(chart(3), POLICY)
    assert [t.ingredient for t in not_yet_judged(early)] == ["venlafaxine"]
    late = ctx(chart(20), POLICY)
    assert not_yet_judged(late) == ()
    rec = optimize_switch_augment.rule(late)
    assert rec is not None  # before: no card for as long as the dose stayed unread
    assert rec.summary.startswith("1 adequate trial failed (sertraline)")


# --- finding 13 -----------------------------------------------------------------------------------
COURSE = weekdays(date(2025, 3, 17), date(2025, 4, 25))  # 30 weekday sessions


def tms_chart(scores: tuple[tuple[date, int], ...] = ()) -> PatientRecord:
    """trd_meets_tms (sertraline and venlafaxine failed, PHQ-9 18 on 2025-05-12, episode from
    2024-10-21) with a TMS course of 30 sessions in March-April 2025."""
    s = scenarios.trd_meets_tms()
    extra: list[dict[str, Any]] = tms_sessions(COURSE, s.patient_id)
    for day, total in scores:
        extra += b.phq9(day, total, 0, patient=s.patient_id)
    return build_record(
        [*s.resources, *extra], as_of=s.as_of, patient_id=s.patient_id, policy=POLICY.mapping
    )


def test_a_tms_course_in_this_episode_is_named_on_the_optimise_card() -> None:
    record = tms_chart()
    cards = {r.topic: r for r in patient_view(record, POLICY)}
    assert "tms-referral" not in cards  # the course keeps the TMS card away
    assert (
        "**TMS in this episode:** 2025-03-17 - 2025-04-25, 30 sessions; no PHQ-9 in the 30 days "
        "before it; PHQ-9 18 (2025-05-12) after. Response not on record (document it); no new "
        "referral: a retreatment needs a documented response (LCD L37086)." in cards[TOPIC].detail
    )
    s = scenarios.trd_meets_tms()  # the same chart without the course: no such line
    plain = build_record(s.resources, as_of=s.as_of, patient_id=s.patient_id, policy=POLICY.mapping)
    assert "TMS in this episode" not in optimise(plain).detail


def test_a_tms_course_without_response_is_said_once() -> None:
    record = tms_chart(((date(2025, 3, 14), 19),))
    detail = optimise(record).detail
    assert (
        "**TMS in this episode:** 2025-03-17 - 2025-04-25, 30 sessions; PHQ-9 19 (2025-03-14) "
        "-> 18 (2025-05-12), 5 % better. No response: no new referral; a retreatment needs a "
        "documented response (LCD L37086)." in detail
    )
    assert "an earlier TMS course" not in detail  # the "Why no TMS referral" blocker, not twice


# --- finding 16 -----------------------------------------------------------------------------------
def unmeasured_chart() -> PatientRecord:
    """PHQ-9s only in January and March 2024; sertraline 150 mg 2024-06-03 -> 2024-09-30 (17
    weeks, no PHQ-9 on it: its failure is inferred), venlafaxine XR 150 mg since then, no PHQ-9
    for 14 months."""
    c = Chart(
        "review10_unmeasured",
        given="Ruth",
        family="Adeyemi",
        gender="female",
        birth_date=date(1981, 8, 30),
    )
    intake = c.visit(date(2024, 1, 8), PSYCH_INTAKE, 60)
    mdd = c.diagnosis(MDD_RECURRENT_SEVERE, date(2024, 1, 8), key="mdd", encounter=intake)
    c.phq9(date(2024, 1, 8), 22, 0, encounter=intake)
    c.phq9(date(2024, 3, 4), 21, 0, encounter=c.visit(date(2024, 3, 4)))
    add_course(
        c,
        "sertraline",
        [Step("410584", date(2024, 6, 3), date(2024, 9, 30))],
        reason=mdd,
        style="mg",
    )
    add_course(
        c, "venlafaxine", [Step("313581", date(2024, 9, 30), None)], reason=mdd, style="unit"
    )
    c.background(date(2016, 5, 9))
    return mapped(c)


def test_an_inferred_failure_is_not_called_an_adequate_trial_failed() -> None:
    record = unmeasured_chart()
    sertraline = next(t for t in record.trials if t.ingredient == "sertraline")
    assert sertraline.outcome_inferred
    card = optimise(record)
    assert card.summary == (
        "1 trial stopped (sertraline, response not measured); venlafaxine not measured yet: "
        "repeat the PHQ-9 before augmenting or switching"
    )
    assert "adequate trial" not in card.summary
    assert "**Failure inferred:** sertraline" in card.detail  # the detail still says why


def test_a_measured_and_an_inferred_failure_are_counted_apart() -> None:
    record = f.trd_record(trials=(f.sertraline_failed(after=None), f.venlafaxine_failed()))
    summary = optimise(record).summary
    assert summary.startswith(
        "1 adequate trial failed (venlafaxine), 1 stopped unmeasured (sertraline): augment"
    )
    assert len(summary) <= 140
