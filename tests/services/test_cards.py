"""Card text helpers: the verdict a clinician reads in every trials table."""

from __future__ import annotations

from datetime import date

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import InadequacyReason, Verdict
from services import cards
from tests.services import factories as f

POLICY = MappingPolicy()


def test_ended_adequate_trial_without_a_score_says_the_outcome_was_inferred() -> None:
    # Counted as failed (stopping after >= 6 weeks, Fabbri 2021), but not "from the switch" when
    # no switch is known.
    stopped = f.sertraline_failed(after=None)
    assert stopped.failed is True
    assert cards.verdict_text(stopped, POLICY) == (
        "failed (adequate; no PHQ-9 on treatment: outcome inferred from stopping it)"
    )


def test_running_adequate_trial_without_a_score_is_not_yet_a_failure() -> None:
    running = f.sertraline_failed(after=None, ongoing=True)
    assert running.failed is False
    assert cards.verdict_text(running, POLICY) == (
        "adequate; outcome not measured yet (no PHQ-9 on treatment)"
    )


def test_score_on_treatment_without_a_baseline_is_not_called_missing() -> None:
    # It used to read "no on-treatment PHQ-9" although PHQ-9 17 was recorded on treatment.
    no_baseline = f.sertraline_failed(baseline=None, after=17)
    assert cards.verdict_text(no_baseline, POLICY) == (
        "failed (adequate; no baseline PHQ-9, not in remission on treatment)"
    )


def test_ongoing_verdict_names_what_keeps_it_from_being_adequate() -> None:
    low = f.trial(
        "citalopram",
        "SSRI",
        start=date(2024, 3, 11),
        mg=10,
        min_mg=20,
        max_mg=40,
        ongoing=True,
        verdict=Verdict.ONGOING,
        reasons=(InadequacyReason.DOSE_BELOW_MINIMUM,),
        weeks_adequate=0,
    )
    assert cards.verdict_text(low, POLICY) == (
        "ongoing; 10 mg/day for 12 weeks, below the minimum adequate 20 mg/day"
    )


def test_mg_are_written_as_a_clinician_writes_them() -> None:
    """A weekly 90 mg fluoxetine is 12.86 mg a day, not the raw 12.8571 (review finding 10);
    small doses keep their digits (liothyronine 0.0125 mg)."""
    assert [cards.fmt_mg(mg) for mg in (90 / 7, 0.025, 0.0125, 187.5, 1800.0, None)] == [
        "12.86",
        "0.025",
        "0.0125",
        "187.5",
        "1800",
        "unknown",
    ]
