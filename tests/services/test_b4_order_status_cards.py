"""The cards of planned, unknown-status and held orders (review 14 W5, W6, M8).

Before: an unfilled venlafaxine order with intent `plan` was "the current trial" ("Current trial
not measured ... the options below are not offered as orders yet") and a mirtazapine order of
status `unknown` an "augmentation already used"; an escitalopram order on hold and never filled
was both "record why before counting it as a trial" and "1 adequate trial failed" with one-click
adjuncts; a hold after three fills read "on hold as of 2025-06-30" (after as-of), PDC 49 %, and
the PHQ-9 card "On escitalopram since 2024-12-02".
"""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping.build import build_record
from services.patient_view import patient_view, run_rules
from services.policy import Policy
from services.recommendation import Recommendation
from services.rules.context import build_context
from tests.fixtures import builders as b
from tests.fixtures.scenarios import MDD_RECURRENT_SEVERE, Chart, Step, add_course

AS_OF = date(2025, 6, 2)
POLICY = Policy()
OPTIMISE = "optimize-switch-augment"


def _chart(name: str, first: date) -> tuple[Chart, str]:
    c = Chart(name, given="Test", family="Cards", gender="female", birth_date=date(1975, 5, 5))
    enc = c.visit(first)
    mdd = c.diagnosis(MDD_RECURRENT_SEVERE, date(2024, 10, 1), key="mdd", encounter=enc)
    c.phq9(first, 19 if first.year == 2024 and first.month == 10 else 18, 0, encounter=enc)
    return c, mdd


def _cards(c: Chart) -> list[Recommendation]:
    record = build_record(c.resources, as_of=AS_OF, patient_id=c.pid, policy=POLICY.mapping)
    return list(patient_view(record, POLICY))


def _text(cards: list[Recommendation]) -> str:
    return "\n".join(f"{r.summary}\n{r.detail or ''}" for r in cards)


def test_a_plan_is_not_the_current_trial_and_unknown_status_is_no_adjunct_used() -> None:
    c, mdd = _chart("b4_cards_r09", date(2024, 10, 1))
    start = date(2024, 10, 1)
    venlafaxine = ("808748", "24 HR venlafaxine 225 MG Extended Release Oral Tablet")
    c.add(b.medication_request(*venlafaxine, start, 1, "tablet", intent="plan", patient=c.pid))
    mirtazapine = ("314111", "mirtazapine 30 MG Oral Tablet")
    c.add(b.medication_request(*mirtazapine, start, 1, "tablet", status="unknown", patient=c.pid))
    add_course(c, "esc", [Step("351250", date(2025, 1, 6), None)], reason=mdd, style="unit")
    c.phq9(AS_OF - timedelta(days=14), 18, 0)
    cards = _cards(c)
    text = _text(cards)
    assert "Current trial not measured" not in text
    assert "venlafaxine 225 mg/day since" not in text
    assert "Adjuncts already used in this episode: mirtazapine" not in text
    optimise = {r.topic: r for r in cards}[OPTIMISE]
    assert optimise.summary.startswith("1 adequate trial failed (escitalopram)")
    assert "Augmentation 0 (not used)" in (optimise.detail or "")


def test_an_order_on_hold_never_filled_is_one_reading_on_every_card() -> None:
    c, mdd = _chart("b4_cards_r10", date(2024, 12, 2))
    add_course(
        c,
        "esc",
        [Step("351250", date(2024, 12, 2), None)],
        reason=mdd,
        style="unit",
        order_status="on-hold",
        dispense=False,
    )
    c.phq9(AS_OF - timedelta(days=21), 17, 0)
    cards = _cards(c)
    topics = {r.topic: r for r in cards}
    # No failed trial, no one-click adjunct, on a drug nothing shows was taken.
    assert OPTIMISE not in topics
    assert not any("trial failed" in r.summary for r in cards)
    (hold,) = [r for r in cards if "on hold" in r.summary]
    assert hold.summary == (
        "escitalopram on hold, never filled: confirm it was taken before counting it as a trial"
    )
    assert "2025-06-30" not in _text(cards)


def test_a_hold_after_fills_is_dated_by_the_record_and_not_scored_as_missed_doses() -> None:
    c, mdd = _chart("b4_cards_r10b", date(2024, 12, 2))
    fills = [(date(2024, 12, 2), 30), (date(2025, 1, 1), 30), (date(2025, 1, 31), 30)]
    add_course(
        c,
        "esc",
        [Step("351250", date(2024, 12, 2), None)],
        reason=mdd,
        style="unit",
        order_status="on-hold",
        fills=fills,
    )
    c.phq9(date(2025, 3, 3), 17, 0)
    cards = _cards(c)
    text = _text(cards)
    assert "2025-06-30" not in text  # the held renewal's assumed fill end, after as-of
    assert "PDC 49" not in text
    assert "escitalopram on hold, not taken since 2025-03-02 at the latest" in text
    # The PHQ-9 card does not say the patient is "on" a held drug. On this screen the optimise
    # card asks for the repeat of the stale PHQ-9 (review s23 RT finding 8: one request); with
    # that card snoozed the measurement card asks it, worded for the held drug.
    assert not any(r.summary.startswith("On escitalopram") for r in cards)
    record = build_record(c.resources, as_of=AS_OF, patient_id=c.pid, policy=POLICY.mapping)
    ctx = build_context(record, POLICY)
    held = run_rules(ctx, hidden=frozenset({"optimize-switch-augment"}))
    assert not any(r.summary.startswith("On escitalopram") for r in held)
    assert any(
        r.summary.startswith("escitalopram on hold (not taken since 2025-03-02 at the latest)")
        for r in held
    )
