"""Session 21 G2 (fhir_mapping/verdict_before_gap.py, restart_reading / responding_now): a failed
adequate trial before a long supply gap still COUNTS, but while the restart after the gap
responds the current recommendation is the responding course's: optimise toward remission, no
switch or adjunct one-click, no TMS referral.

Before (session 21 G): chart h3 (gap_trials_charts) on 2025-10-06 and 2025-11-17, PHQ-9 18 -> 9
and 8 since the restart, read "1 adequate trial failed (duloxetine): switch to a non-SNRI
mechanism or augment (aripiprazole or brexpiprazole)" with the adjuncts one click, beside a
"Responded after restarting" line; r1 (an earlier failed sertraline course too) got a TMS
referral card while duloxetine responded (21 -> 10 since the restart); r2 (the restart responds
on its own baseline, 22 -> 9, the whole course 14 -> 9 does not) proposed a switch or adjunct.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cds_hooks.offline import evaluate_document
from services import catalog
from services.pathway import derive_facts
from services.policy import Policy
from tests.services import chart_files

_load = chart_files.loader(Path(__file__).parent / "restart_response_charts")
_H3 = chart_files.loader(Path(__file__).parent / "gap_trials_charts")
_G = chart_files.loader(Path(__file__).parent / "gap_verdict_charts")
AS_OF = date(2025, 11, 17)
TMS_PROBE = "r1_sertraline_failed_then_duloxetine_restart_responds_epic"
OWN_BASELINE = "r2_duloxetine_restart_responds_on_its_own_baseline_epic"
STILL_COUNTS = (
    "**Earlier failed trial still counts:** duloxetine failed as an adequate trial before its "
    "supply gap from 2025-05-04 (PHQ-9 {before} on 2025-03-17) and still counts as a failed "
    "trial (trial count, Maudsley staging, TMS criteria); this card follows its response since "
    "restarting on 2025-07-10."
)


def _run(doc: dict, day: date = AS_OF):  # type: ignore[no-untyped-def,type-arg]
    return evaluate_document(doc, hook="patient-view", as_of=day, policy=Policy())


def _cards(doc: dict, day: date = AS_OF) -> list[dict]:  # type: ignore[type-arg]
    return _run(doc, day).response.to_json()["cards"]  # type: ignore[no-any-return]


def _labels(cards: list[dict]) -> list[str]:  # type: ignore[type-arg]
    return [s["label"] for c in cards for s in c.get("suggestions", [])]


def _no_switch_or_adjunct_one_click(cards: list[dict]) -> bool:  # type: ignore[type-arg]
    return not any(
        (action.get("resource") or {}).get("resourceType") == "MedicationRequest"
        for c in cards
        for s in c.get("suggestions", [])
        for action in s.get("actions", [])
    )


def test_the_charts_are_valid_r4b_with_every_prefetch_key() -> None:
    declared = {key for s in catalog.services() for key, _template in s.prefetch}
    for name in (TMS_PROBE, OWN_BASELINE):
        doc = _load(name)
        assert declared <= set(doc["prefetch"])
        for resource in chart_files.prefetch_resources(doc):
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)


@pytest.mark.parametrize(("day", "now"), [("2025-10-06", 9), ("2025-11-17", 8)])
def test_h3_a_restart_that_responds_gets_the_responding_card_and_still_counts(
    day: str, now: int
) -> None:
    as_of = date.fromisoformat(day)
    doc = _H3(f"duloxetine_refill_gap_asof_{day}")
    result = _run(doc, as_of)
    # The failure before the gap still counts (history, Maudsley, TMS count).
    assert len(derive_facts(result.evaluation.record, Policy()).failed_trials) == 1
    cards = result.response.to_json()["cards"]
    (optimise,) = [c for c in cards if c["summary"].startswith("Duloxetine responding")]
    # What the card said before session 21 G for this responding course (main, same chart).
    assert optimise["summary"] == (
        f"Duloxetine responding (PHQ-9 18 → {now}), not in remission: optimise duloxetine "
        "within 60-120 mg/day; no switch or adjunct"
    )
    assert (
        f"**Responding:** duloxetine 60 mg/day since 2025-02-03: PHQ-9 18 (2025-02-03) → {now} "
        f"({day})"
    ) in optimise["detail"]
    assert (
        "Switching or adding an adjunct is not proposed while the current trial responds."
        in (optimise["detail"])
    )
    assert STILL_COUNTS.format(before=15) in optimise["detail"]
    assert "Failed antidepressants 1 (1 failed" in optimise["detail"]  # Maudsley keeps it
    # No switch or augment, in words or one click, on any card.
    assert not any("switch" in c["summary"] and "no switch" not in c["summary"] for c in cards)
    assert not any("augment" in c["summary"] for c in cards)
    assert _no_switch_or_adjunct_one_click(cards)
    assert not any("adjunctive" in label for label in _labels(cards))


def test_no_tms_referral_while_the_restart_responds() -> None:
    # r1: sertraline failed (20 -> 17), duloxetine failed before its gap (22 -> 19), the restart
    # responds (21 -> 10, 52 %) with the PHQ-9 still >= tms_min_phq9 (10).
    result = _run(_load(TMS_PROBE))
    facts = derive_facts(result.evaluation.record, Policy())
    assert [t.ingredient for t in facts.failed_trials] == ["sertraline", "duloxetine"]
    assert not facts.tms.eligible
    assert facts.tms.blockers == (
        "the current trial is responding (duloxetine: PHQ-9 22 -> 10, a >= 50 % drop): it is "
        "continued, not switched",
    )
    cards = result.response.to_json()["cards"]
    assert not any("TMS" in c["summary"] for c in cards)
    assert not any("TMS" in label for label in _labels(cards))
    (optimise,) = [c for c in cards if c["summary"].startswith("Duloxetine responding")]
    assert optimise["summary"].startswith("Duloxetine responding (PHQ-9 22 → 10)")
    assert STILL_COUNTS.format(before=19) in optimise["detail"]
    assert _no_switch_or_adjunct_one_click(cards)


def test_a_restart_read_against_its_own_baseline() -> None:
    # r2: the whole course reads 14 -> 9 (36 %, no response); the restart 22 (2025-06-16, 24
    # days before the fill that took it up again) -> 9 (59 %): it responds.
    cards = _cards(_load(OWN_BASELINE))
    (optimise,) = [c for c in cards if c["summary"].startswith("Duloxetine responding")]
    assert optimise["summary"].startswith("Duloxetine responding (PHQ-9 22 → 9)")
    assert "PHQ-9 22 (2025-06-16) → 9 (2025-11-17)" in optimise["detail"]
    assert STILL_COUNTS.format(before=12) in optimise["detail"]
    assert _no_switch_or_adjunct_one_click(cards)


def test_a_restart_that_did_not_respond_keeps_the_failed_trial_card() -> None:
    # The control (the rule can fail): g1, 18 -> 15 before the gap, 16, 15, 16 since the restart.
    cards = _cards(_G("g1_duloxetine_failed_gap_restart_no_response_epic"))
    summaries = [c["summary"] for c in cards]
    assert any(s.startswith("1 adequate trial failed (duloxetine): switch") for s in summaries)
    assert not any("responding" in s for s in summaries)
    assert any("adjunctive" in label for label in _labels(cards))
    assert not any("Earlier failed trial still counts" in c["detail"] for c in cards)


def test_h3_before_the_restart_has_responded_keeps_the_failed_trial_card() -> None:
    # 2025-08-25: 12 since the restart, against 18 (course) and 17 (restart): no response yet.
    cards = _cards(_H3("duloxetine_refill_gap_asof_2025-08-25"), date(2025, 8, 25))
    summaries = [c["summary"] for c in cards]
    assert any(s.startswith("1 adequate trial failed (duloxetine): switch") for s in summaries)
    assert not any("responding" in s.lower() for s in summaries)


def test_a_response_is_not_read_as_current_once_the_supply_ran_out_again() -> None:
    # Chart h3 as of 2026-12-01: no supply since 2025-10-08. The response of 2025-10-06 is said,
    # but no card reads the drug as responding now; the next step is held until it is confirmed.
    cards = _cards(_H3("duloxetine_refill_gap_asof_2025-10-06"), date(2026, 12, 1))
    assert cards[0]["summary"].startswith("duloxetine: no supply since 2025-10-08")
    assert not any("responding" in c["summary"] for c in cards)
    assert "**Responded after restarting:**" in cards[0]["detail"]
    assert _no_switch_or_adjunct_one_click(cards)
