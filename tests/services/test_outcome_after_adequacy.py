"""Review 7 finding 6 on the cards: a trial whose only on-treatment PHQ-9 predates the day it
became adequate is not a failed adequate trial. Running, it is "not measured" and the PHQ-9 is
asked for; ended, its failure reads as inferred; it is never counted as a measured failure
toward TRD or a TMS referral."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import Score
from services.payer_criteria.trials import trial_line
from services.policy import Policy
from services.rules import optimize_switch_augment
from tests.fhir_mapping import fhir_resources as fr
from tests.fhir_mapping.vendor_medications import dispense
from tests.services import factories as f
from tests.services.helpers import ctx

Resource = dict[str, Any]
AS_OF = date(2025, 6, 2)
SERTRALINE_100 = ("312938", "sertraline 100 MG Oral Tablet")
VENLAFAXINE_150 = ("313581", "24 HR venlafaxine 150 MG Extended Release Oral Capsule")


def course(
    name: str, drug: tuple[str, str], start: date, fills: int, status: str
) -> list[Resource]:
    order = fr.medication_request(
        f"mr-{name}", *drug, start, status=status, supply_days=30, repeats=5
    )
    return [order] + [
        dispense(f"md-{name}-{n}", drug, start + timedelta(days=30 * n), days=30)
        for n in range(fills)
    ]


def chart(*venlafaxine_scores: tuple[date, int]) -> dict[str, Any]:
    """Sertraline 100 mg failed in 2024 (PHQ-9 23 -> 21); venlafaxine 150 mg from 2025-04-14
    (baseline 22), adequate from 2025-05-26; as of 2025-06-02 (week 7)."""
    sertraline_start = date(2024, 6, 3)
    resources: list[Resource] = [
        fr.patient(),
        fr.condition(
            "c-mdd",
            fr.ICD10CM,
            "F33.2",
            "Major depressive disorder, recurrent severe without psychotic features",
            date(2024, 5, 20),
        ),
        *course("sert", SERTRALINE_100, sertraline_start, 4, "stopped"),
        *course("ven", VENLAFAXINE_150, date(2025, 4, 14), 2, "active"),
        fr.phq9_total("phq-1", sertraline_start, 23),
        fr.phq9_total("phq-2", date(2024, 9, 27), 21),
        fr.phq9_total("phq-3", date(2025, 4, 14), 22),
    ]
    resources += [
        fr.phq9_total(f"phq-v{n}", day, value) for n, (day, value) in enumerate(venlafaxine_scores)
    ]
    fr.assert_valid(resources)
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in resources],
    }


def cards_of(document: dict[str, Any]) -> dict[str, tuple[str, str]]:
    result = evaluate_document(document, hook="patient-view", as_of=AS_OF, policy=Policy())
    return {
        c.source.topic.code: (c.summary, c.detail or "")
        for c in result.response.cards
        if c.source.topic is not None
    }


def test_a_week_5_score_does_not_make_a_second_failed_trial_or_a_tms_referral() -> None:
    cards = cards_of(chart((date(2025, 5, 19), 21)))
    assert "tms-referral" not in cards
    summary, detail = cards["optimize-switch-augment"]
    assert summary.startswith("1 adequate trial failed (sertraline); venlafaxine not measured")
    assert "SNRI (venlafaxine)" not in detail  # not struck from the options as failed
    summary, _ = cards["measurement-based-care"]
    assert "adequate duration reached 2025-05-26, no PHQ-9 total since" in summary


def test_a_score_from_the_adequate_period_still_counts_the_failure() -> None:
    # The control: the same chart with PHQ-9 21 on 2025-05-27 (week 6).
    cards = cards_of(chart((date(2025, 5, 19), 21), (date(2025, 5, 27), 21)))
    summary, detail = cards["tms-referral"]
    assert "venlafaxine (SNRI, failed)" in detail
    assert "measurement-based-care" not in cards


def test_an_ended_trial_scored_only_before_adequacy_reads_as_inferred_in_the_packet() -> None:
    # Venlafaxine 225 mg for 10 weeks from 2023-04-03 (adequate from 2023-05-15), PHQ-9 18 at
    # the start and 17 at week 5 only.
    trial = f.venlafaxine_failed()
    early = replace(
        trial,
        adequate_from=date(2023, 5, 15),
        on_treatment=Score("PHQ-9", 17, date(2023, 5, 8)),
    )
    assert early.failed and early.outcome_inferred
    assert "failure inferred from stopping it" in trial_line(early)
    # The control: the week-9 score of the factory course is a measured failure.
    measured = replace(trial, adequate_from=date(2023, 5, 15))
    assert measured.failed and not measured.outcome_inferred
    assert "failed after 10 weeks at an adequate dose, PHQ-9 18 -> 17" in trial_line(measured)


def test_the_optimise_card_names_the_early_score_of_an_inferred_failure() -> None:
    # Sertraline failed as measured; venlafaxine ended after 10 weeks with PHQ-9 17 at week 5 only.
    early = replace(
        f.venlafaxine_failed(),
        adequate_from=date(2023, 5, 15),
        on_treatment=Score("PHQ-9", 17, date(2023, 5, 8)),
    )
    rec = optimize_switch_augment.rule(ctx(f.trd_record(trials=(f.sertraline_failed(), early))))
    assert rec is not None
    assert (
        "**Failure inferred:** venlafaxine (stopped after 10 weeks at an adequate dose; last "
        "PHQ-9 17 on 2023-05-08, before it became adequate on 2023-05-15): no PHQ-9 since it "
        "became adequate; confirm the response with the patient."
    ) in (rec.detail or "")


def test_the_trial_table_and_the_current_trial_line_name_when_it_became_adequate() -> None:
    from services import cards

    _, detail = cards_of(chart((date(2025, 5, 19), 21)))["optimize-switch-augment"]
    assert (
        "venlafaxine 150 mg/day since 2025-04-14 has no PHQ-9 since it became adequate "
        "(2025-05-26): repeat the PHQ-9" in detail
    )
    early = replace(
        f.venlafaxine_failed(),
        adequate_from=date(2023, 5, 15),
        on_treatment=Score("PHQ-9", 17, date(2023, 5, 8)),
    )
    assert cards.verdict_text(early, Policy().mapping) == (
        "failed (adequate; no PHQ-9 since it became adequate (2023-05-15): outcome inferred "
        "from stopping it)"
    )
    assert (
        "stopped after 10 weeks at an adequate dose, no PHQ-9 since it became adequate "
        "(2023-05-15): failure inferred from stopping it"
    ) in trial_line(early)
