"""A newer preliminary PHQ-9 named where the latest PHQ-9 is said, and a supply gap inside a
documented hold read as the hold (review 14 audit W3 chart q01, W4 chart o02).

W3: escitalopram 20 mg failed on a reviewed PHQ-9 17; a preliminary (portal, not yet reviewed)
PHQ-9 of 24 two days ago appeared on no card. Now the shared scores section, and the line that
replaces it when the scores go behind the timeline, name it; the failure still rests on the 17.

W4: an escitalopram order left on hold after two fills, a new active order a month after the
last supply ran out: one card said "no supply dispensed for 31 days ... ask about the gap before
counting the trial" beside the optimise card counting the course as failed, and the PDC (83 %)
scored the hold as missed doses. A newer order on hold (2025-05-31) was on no card. Now the gap
inside the hold is a held gap (left out of the PDC, no gap card, still no time on the drug) and
the optimise card names it and the newer held order once.

Charts: the project's scenario builders (Epic-shaped orders and fills with
authorizingPrescription; PHQ-9 totals as US Core survey Observations, `status` preliminary as a
portal files them).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from fhir_mapping.adherence import dispense_adherence
from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord, RefillGap, Trial
from services import cards
from services.patient_view import patient_view
from services.policy import Policy
from services.recommendation import Recommendation
from services.trial_table import adherence_text
from tests.fhir_mapping.test_adherence import dispense
from tests.fixtures.scenarios import MDD_RECURRENT_SEVERE, Chart, Step, add_course

AS_OF = date(2025, 6, 2)
POLICY = Policy()
OPTIMISE = "optimize-switch-augment"
ADHERENCE = "adherence-review"
ESCITALOPRAM_20 = "351250"


def _chart(name: str) -> tuple[Chart, str]:
    c = Chart(name, given="Test", family="Audit", gender="female", birth_date=date(1975, 5, 5))
    enc = c.visit(date(2024, 12, 2))
    mdd = c.diagnosis(MDD_RECURRENT_SEVERE, date(2024, 10, 1), key="mdd", encounter=enc)
    c.phq9(date(2024, 12, 2), 18, 0, encounter=enc)
    return c, mdd


def _record(c: Chart) -> PatientRecord:
    return build_record(c.resources, as_of=AS_OF, patient_id=c.pid, policy=POLICY.mapping)


def _cards(record: PatientRecord) -> dict[str, Recommendation]:
    return {r.topic: r for r in patient_view(record, POLICY)}


def _screen(found: dict[str, Recommendation]) -> str:
    return "\n".join(f"{r.summary}\n{r.detail or ''}" for r in found.values())


def _escitalopram(record: PatientRecord) -> Trial:
    (trial,) = [t for t in record.antidepressant_trials() if t.ingredient == "escitalopram"]
    return trial


# ---- W3: a preliminary PHQ-9 newer than the latest reviewed one ------------------------------

PRELIMINARY_24 = "preliminary PHQ-9 24 on 2025-05-31 (not yet reviewed)"


def _q01(preliminary_on: date | None = date(2025, 5, 31), reviewed: bool = True) -> PatientRecord:
    """q01: escitalopram 20 mg since 2024-12-02, filled monthly; PHQ-9 18 at the start, 17
    (final) on 2025-05-12, a preliminary 24 (item 9 = 0) on `preliminary_on`."""
    c, mdd = _chart("j2_q01")
    add_course(c, "esc", [Step(ESCITALOPRAM_20, date(2024, 12, 2), None)], reason=mdd, style="unit")
    if reviewed:
        c.phq9(date(2025, 5, 12), 17, 0)
    if preliminary_on is not None:
        c.phq9(preliminary_on, 24, 0, status="preliminary")
    return _record(c)


def test_the_failure_card_names_a_newer_preliminary_phq9_and_still_rests_on_the_reviewed_one() -> (
    None
):
    record = _q01()
    trial = _escitalopram(record)
    assert trial.on_treatment is not None and trial.on_treatment.value == 17
    assert trial.failed
    found = _cards(record)
    assert "suicide-risk" not in found  # item 9 = 0
    optimise = found[OPTIMISE]
    assert optimise.summary.startswith("1 adequate trial failed (escitalopram)")
    # The scores are behind the timeline on this screen: the line that says so names it.
    assert (
        f"**Trials and scores:** on the treatment timeline (doses, dates, adherence, PHQ-9); {PRELIMINARY_24}."
        in (optimise.detail or "")
    )


def test_the_scores_section_names_it_after_the_reviewed_totals_never_among_them() -> None:
    record = _q01()
    assert cards.scores_section(record) == (
        "**Scores (latest first):** PHQ-9 17 (moderately severe) on 2025-05-12, PHQ-9 18 "
        "(moderately severe) on 2024-12-02. Bands: Kroenke 2001. Newer: "
        f"{PRELIMINARY_24}; not used to judge response."
    )
    evidence = cards.scores_evidence(record)
    assert evidence.text == cards.scores_section(record)
    assert evidence.basis == PRELIMINARY_24
    # The card that names it in its own section asks for it not to be named again.
    assert "preliminary" not in cards.scores_evidence(record, name_preliminary=False).text


def test_a_preliminary_phq9_older_than_the_latest_reviewed_one_is_not_named() -> None:
    record = _q01(preliminary_on=date(2025, 5, 1))
    assert "preliminary" not in cards.scores_section(record)
    assert cards.scores_evidence(record).basis == ""
    assert "preliminary PHQ-9" not in _screen(_cards(record))


def test_with_no_reviewed_phq9_the_section_says_no_reviewed_one_and_names_the_preliminary() -> None:
    record = _q01(reviewed=False)
    section = cards.scores_section(record)
    assert "**Scores (latest first):** PHQ-9 18 (moderately severe) on 2024-12-02." in section
    assert section.endswith(f"Newer: {PRELIMINARY_24}; not used to judge response.")
    c, _ = _chart("j2_q01_none")
    c.resources[:] = [r for r in c.resources if r.get("resourceType") != "Observation"]
    c.phq9(date(2025, 5, 31), 24, 0, status="preliminary")
    assert cards.scores_section(_record(c)) == (
        f"**Scores:** no reviewed PHQ-9 on record; {PRELIMINARY_24}."
    )


def test_the_measurement_card_naming_the_preliminary_in_its_own_section_does_not_repeat_it() -> (
    None
):
    """q07's shape: a new course, no reviewed PHQ-9 on it, a preliminary 9 yesterday. The
    measurement card's own section names it; its scores section does not again."""
    c, mdd = _chart("j2_q07")
    add_course(c, "esc", [Step(ESCITALOPRAM_20, date(2025, 4, 21), None)], reason=mdd, style="unit")
    c.phq9(date(2025, 4, 21), 19, 0)
    c.phq9(date(2025, 6, 1), 9, 0, status="preliminary")
    found = _cards(_record(c))
    card = next(r for r in found.values() if r.topic.startswith("measurement"))
    detail = card.detail or ""
    assert "**Latest PHQ-9 not yet reviewed:** PHQ-9 9 on 2025-06-01" in detail
    assert "Newer: preliminary" not in detail
    assert "; preliminary PHQ-9 9 on 2025-06-01 (not yet reviewed)" not in detail


# ---- W4: a supply gap inside a documented hold ------------------------------------------------


def _o02(*, refills: int = 5, resumed_fill: date | None = None) -> PatientRecord:
    """o02: escitalopram 20 mg ordered 2024-12-02, filled 2024-12-02 and 2025-01-01 (supply to
    2025-01-31), that order now on hold; a new active order on 2025-03-03 filled monthly
    (from `resumed_fill` when given); PHQ-9 17 on 2025-05-19. With 5 refills the held order's
    renewal, on hold too, is dated 2025-05-31 (the recheck chart exactly)."""
    c, mdd = _chart(f"j2_o02_{refills}_{resumed_fill}")
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
    fills = None
    if resumed_fill is not None:
        fills = [(resumed_fill + timedelta(days=30 * k), 30) for k in range(3)]
    add_course(
        c,
        "esc2",
        [Step(ESCITALOPRAM_20, date(2025, 3, 3), None)],
        reason=mdd,
        style="unit",
        fills=fills,
    )
    c.phq9(date(2025, 5, 19), 17, 0)
    return _record(c)


HELD = RefillGap(date(2025, 1, 31), date(2025, 3, 3))


def test_a_supply_gap_inside_a_documented_hold_is_held_not_missed_doses() -> None:
    trial = _escitalopram(_o02())
    adherence = trial.adherence
    assert adherence.supply_gaps == ()
    assert adherence.held_gaps == (HELD,)
    assert adherence.pdc == 1.0  # the 31 held days neither covered nor missed (was 83 %)
    # Still no time on the drug: 60 days before the hold, 91 after it.
    assert [(s.start, s.end) for s in trial.segments] == [
        (date(2024, 12, 2), date(2025, 1, 31)),
        (date(2025, 3, 3), AS_OF),
    ]
    assert "no supply" not in adherence_text(trial)
    assert trial.failed  # PHQ-9 18 -> 17 on 21 weeks at 20 mg


def test_no_gap_card_and_the_optimise_card_names_the_held_period_and_the_newer_held_order() -> None:
    found = _cards(_o02())
    assert ADHERENCE not in found
    text = _screen(found)
    assert "ask about the gap" not in text
    assert "no supply dispensed" not in text
    detail = found[OPTIMISE].detail or ""
    assert found[OPTIMISE].summary.startswith("1 adequate trial failed (escitalopram)")
    assert (
        "**Holds:** escitalopram: no supply 2025-01-31 to 2025-03-03, between an order now on "
        "hold and the order that resumed it: read as held, not as missed doses (left out of the "
        "PDC), and not counted as time on the drug; a newer order of escitalopram (2025-05-31) "
        "is on hold: confirm whether it is being held (counted here as still taken)."
    ) in detail
    assert text.count("2025-01-31 to 2025-03-03") == 1  # the held period, named once


def test_without_a_newer_held_order_only_the_held_period_is_named() -> None:
    record = _o02(refills=6)
    assert _escitalopram(record).newer_order_on_hold is None
    detail = _cards(record)[OPTIMISE].detail or ""
    assert "**Holds:** escitalopram: no supply 2025-01-31 to 2025-03-03" in detail
    assert "newer order" not in detail


def test_a_gap_running_on_after_the_order_that_resumed_it_is_still_a_gap_to_ask_about() -> None:
    """The other side: the new order of 2025-03-03 first filled on 2025-03-20. The record does
    not say the drug was held up to the fill, so the 48 days stay a gap (the safer reading)."""
    record = _o02(refills=6, resumed_fill=date(2025, 3, 20))
    trial = _escitalopram(record)
    assert trial.adherence.held_gaps == ()
    assert trial.adherence.supply_gaps == (RefillGap(date(2025, 1, 31), date(2025, 3, 20)),)
    found = _cards(record)
    assert ADHERENCE in found
    assert "**Holds:**" not in _screen(found)


# ---- the rule in adherence.py ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hold", "held"),
    [
        # The hold spans the gap: held, its days out of the PDC's denominator.
        ((date(2024, 1, 1), date(2024, 3, 1)), True),
        # The gap began before the held order was written: a gap.
        ((date(2024, 2, 5), date(2024, 3, 1)), False),
        # The gap ran on after the record that took the drug up again: a gap.
        ((date(2024, 1, 1), date(2024, 2, 20)), False),
    ],
)
def test_a_supply_gap_is_held_only_when_a_hold_spans_it(
    hold: tuple[date, date], held: bool
) -> None:
    fills = [dispense(date(2024, 1, 1), 30), dispense(date(2024, 3, 1), 30)]
    result = dispense_adherence(
        fills, window_end=date(2024, 3, 31), policy=POLICY.mapping, holds=[hold]
    )
    gap = RefillGap(date(2024, 1, 31), date(2024, 3, 1))
    if held:
        assert (result.held_gaps, result.supply_gaps, result.pdc) == ((gap,), (), 1.0)
    else:
        assert (result.held_gaps, result.supply_gaps) == ((), (gap,))
        assert result.pdc == round(60 / 90, 4)


def test_a_hold_longer_than_the_refill_gap_threshold_stays_a_treatment_break() -> None:
    """Over 14 weeks without supply is a treatment break (Fabbri 2021) whatever its reason."""
    fills = [dispense(date(2024, 1, 1), 30), dispense(date(2024, 6, 1), 30)]
    result = dispense_adherence(
        fills,
        window_end=date(2024, 7, 1),
        policy=POLICY.mapping,
        holds=[(date(2024, 1, 1), date(2024, 6, 1))],
    )
    assert result.held_gaps == ()
    assert result.refill_gaps == (RefillGap(date(2024, 1, 31), date(2024, 6, 1)),)
